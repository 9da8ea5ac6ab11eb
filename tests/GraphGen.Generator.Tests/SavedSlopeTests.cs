namespace GraphGen.Generator.Tests;

/// <summary>
/// A dense layer followed by an activation whose derivative needs its input (GELU, SiLU, softplus):
/// in training one GEMM writes the activation and saves its slope, the pre-activation is not
/// stored, and the backward GEMM multiplies by the saved slope; not where something else reads
/// the pre-activation, and not for activations whose derivative comes from their output.
/// </summary>
public class SavedSlopeTests
{
    private static string Net(string body) => $$"""
        [Network] partial class Net
        {
            [Forward] Tensor Forward([Shape(8)] Tensor x)
            {
                {{body}}
                return Dense(h, 3, "head");
            }

            [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor t) => SoftmaxCrossEntropy(z, t);
        }
        """;

    [Theory]
    [InlineData("Gelu")]
    [InlineData("Silu")]
    [InlineData("Softplus")]
    public void TrainingSavesTheSlopeInsteadOfThePreActivation(string activation)
    {
        var result = NamingTests.AssertCompiles(Net($"var h = {activation}(Dense(x, 16, \"up\"));"));
        string code = result.Source("Net.g.cs");
        string f = $"new global::GraphGen.Kernels.{activation}()";
        Assert.Contains($"bias and {activation} are applied in the GEMM epilogue, so up is not stored (unless observed); in training the epilogue also saves the slope {activation}′(up) in up{activation}Slope for the backward pass", code);
        // Training: one GEMM writes h and the slope; inference: the activation alone; observed: the two steps as before.
        Assert.Contains($"global::GraphGen.Kernels.Gemm.MultiplyTransposedB(x, upWeight, h, batch, 16, 8, bias: upBias, {f}, derivative: up{activation}Slope);", code);
        Assert.Contains($"global::GraphGen.Kernels.Gemm.MultiplyTransposedB(x, upWeight, h, batch, 16, 8, bias: upBias, {f});", code);
        Assert.Contains($"global::GraphGen.Kernels.Activations.Forward({f}, up, h);", code);
        // The backward GEMM reads the saved slope.
        Assert.Contains($"new global::GraphGen.Kernels.Saved<global::GraphGen.Kernels.{activation}>(), derivativeSource: up{activation}Slope);", code);
        Assert.Contains($"{activation}′(up) is the slope the forward pass saved in up{activation}Slope", code);
        Assert.Matches($@"up{activation}Slope\s+saved by {activation}", code);
        // The GPU passes do the same with the device kernels.
        string gpu = result.Source("Net.Gpu.g.cs");
        Assert.Contains($"derivative: up{activation}Slope);", gpu);
        Assert.Contains($"Saved<global::GraphGen.Kernels.{activation}>(), derivativeSource: up{activation}Slope);", gpu);
    }

    [Fact]
    public void APreActivationReadElsewhereIsStoredAndTheSlopeComputedWhereNeeded()
    {
        string code = NamingTests.AssertCompiles(Net("var z = Dense(x, 8, \"up\");\n var h = Gelu(z) + z;")).Source("Net.g.cs");
        Assert.DoesNotContain("Slope", code);
        Assert.Contains("global::GraphGen.Kernels.Gemm.MultiplyTransposedB(x, upWeight, z, batch, 8, 8, bias: upBias);", code);
        Assert.Contains("h[i] = new global::GraphGen.Kernels.Gelu().Forward(z[i]) + z[i];", code);
    }

    [Fact]
    public void AnActivationWhoseSlopeComesFromItsOutputIsFusedAsBefore()
    {
        string code = NamingTests.AssertCompiles(Net("var h = Tanh(Dense(x, 16, \"up\"));")).Source("Net.g.cs");
        Assert.DoesNotContain("Slope", code);
        Assert.Contains("bias: upBias, new global::GraphGen.Kernels.Tanh());", code);
        Assert.DoesNotContain("if (training)", code);
    }

    [Fact]
    public void TheObservedPreActivationAndTheSlopeShareFloats()
    {
        // The pre-activation is stored only while an observer watches inference, the slope only in
        // training: no pass holds both, so the memory plan gives them the same offset.
        string code = NamingTests.AssertCompiles(Net("var h = Gelu(Dense(x, 16, \"up\"));")).Source("Net.g.cs");
        var up = System.Text.RegularExpressions.Regex.Match(code, @"//\s+up\s+Dense ""up"" output\s+16\s+(\d+)");
        var slope = System.Text.RegularExpressions.Regex.Match(code, @"//\s+upGeluSlope\s+saved by Gelu\s+16\s+(\d+)");
        Assert.True(up.Success && slope.Success, code);
        Assert.Equal(up.Groups[1].Value, slope.Groups[1].Value);
    }
}
