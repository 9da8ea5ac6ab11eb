namespace GraphGen.Generator.Tests;

/// <summary>
/// Every float constant the user writes reaches the generated code as the same float: NaN, the
/// infinities, −0, subnormals and values beyond float's range (which round to infinity), in
/// elementwise loops, kernel arguments and loss weights.
/// </summary>
public class ConstantTests
{
    public static TheoryData<string, string, float> Constants() => new()
    {
        { "float.NaN", "float.NaN", float.NaN },
        { "float.PositiveInfinity", "float.PositiveInfinity", float.PositiveInfinity },
        { "float.NegativeInfinity", "float.NegativeInfinity", float.NegativeInfinity },
        { "-0f", "-0f", -0f },
        { "float.Epsilon", "1e-45f", float.Epsilon },
        { "1.17549421E-38f", "1.1754942e-38f", 1.17549421E-38f },
        { "float.MaxValue", "3.4028235e+38f", float.MaxValue },
        { "-float.MaxValue", "-3.4028235e+38f", -float.MaxValue },
        { "(float)1e300", "float.PositiveInfinity", float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Constants))]
    public void ScaleByAConstantCompilesToTheSameFloat(string constant, string literal, float value)
    {
        var result = NamingTests.AssertCompiles($$"""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(2)] Tensor x) => Relu(Dense(x, 2, "out")) * {{constant}} - x;
            }
            """);
        Assert.Contains(literal, result.Source("Net.g.cs"));
        var net = (INetwork)Activator.CreateInstance(GeneratorHarness.CompileAndLoad(DiagnosticAssert.Usings + $$"""
            [Network] public partial class Net
            {
                [Forward] Tensor Forward([Shape(2)] Tensor x) => x * {{constant}} + x * 0f;
            }
            """).GetType("Net")!, 1, 0)!;
        var output = new float[2];
        net.Forward([1f, 2f], output);
        // x·c + x·0 in float arithmetic, as the generated loop computes it.
        Assert.Equal(1f * value + 0f, output[0]);
        Assert.Equal(2f * value + 0f, output[1]);
    }

    [Fact]
    public void NegatedNegativeConstantIsNotADecrement()
    {
        NamingTests.AssertCompiles("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(2)] Tensor x) => -(Dense(x, 2, "out") * -1f - 2f) * -0f;
                [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => float.NaN * MeanSquaredError(z, y) + float.NegativeInfinity;
            }
            """);
    }

    [Fact]
    public void NonFiniteSettingsReachKernelsAsFloatMembers()
    {
        var result = NamingTests.AssertCompiles("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => LeakyRelu(LayerNorm(Dense(x, 4, "h"), "norm", epsilon: float.PositiveInfinity), slope: float.NaN);
                [Loss] Tensor Loss(Tensor z, [Shape(4)] Tensor y) => 1e-45f * MeanSquaredError(z, y);
            }
            """);
        string code = result.Source("Net.g.cs");
        Assert.Contains("new global::GraphGen.Kernels.LeakyRelu(float.NaN)", code);
        Assert.Contains("float.PositiveInfinity", code);
        Assert.Contains("1e-45f", code);
    }
}
