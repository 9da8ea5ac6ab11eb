using Microsoft.CodeAnalysis;

using static GraphGen.Generator.Tests.DiagnosticAssert;

namespace GraphGen.Generator.Tests;

/// <summary>
/// What compiles but is most likely not what the user meant is a warning beside the generated
/// code: share: true that ties nothing, and a layer left out because nothing uses it.
/// </summary>
public class WarningTests
{
    [Fact]
    public void GG0017_ShareOnALayersOnlyUse()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var h = Relu(Dense(x, 4, "encoder"));
                    return Dense(h, 4, "decoder", share: {|GG0017:true|});
                }
            }
            """);
        Assert.Equal(DiagnosticSeverity.Warning, d[0].Severity);
        Assert.Equal("Dense \"decoder\" passes share: true, but no other call uses the name \"decoder\", so nothing is shared: to tie weights, give the calls the same name (the first creates the layer, the others pass share: true); otherwise remove share: true", d[0].GetMessage());
    }

    [Fact]
    public void ShareOnTheFirstUseOfALayerThatIsSharedIsFine()
    {
        // A helper called twice: its one call site passes share: true on the first use too.
        NamingTests.AssertCompiles("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Block(Block(x));
                Tensor Block(Tensor h) => h + Tanh(Dense(h, 4, "tied", share: true));
            }
            """);
    }

    [Fact]
    public void GG0018_LayerThatNothingUses()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x)
                {
                    var unused = {|GG0018:LayerNorm({|GG0018:Dense(x, 3, "aux")|}, "auxNorm")|};
                    return Dense(x, 2, "out");
                }
                [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);
            }
            """);
        Assert.Equal(DiagnosticSeverity.Warning, d[0].Severity);
        Assert.Equal("LayerNorm \"auxNorm\" is used by no output and no loss, so it is left out of the network: auxNorm.weight, auxNorm.bias are not in its parameter table, and a checkpoint that holds them (saved while the layer was used, or exported from PyTorch) fails a strict Checkpoint.Load; use the layer's result, or remove it", d[1].GetMessage());
    }
}
