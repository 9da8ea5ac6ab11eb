extern alias eagertape;

using eagertape::GraphGen.Examples.EagerTape;

namespace GraphGen.Inspection.Tests.Course;

public class EagerTapeTests
{
    [Fact]
    public void ThreeImplementationsGiveMicrogradsNumbers()
    {
        var (scalar, order) = NeuronWalkthrough.WithScalars();
        var network = NeuronWalkthrough.Network();
        float target = NeuronWalkthrough.Target(network);
        var (eager, tape) = NeuronWalkthrough.WithEagerTape(network, target);
        var generated = NeuronWalkthrough.WithGeneratedCode(network, target);
        // micrograd's walk-through: o = tanh(0.8814) = 0.7071; ∂o/∂n = 1 − o² = 0.5.
        foreach (var g in new[] { scalar, eager, generated })
        {
            Assert.Equal(Math.Sqrt(0.5), g.Output, 1e-6);
            Assert.Equal(1.0, g.DW1, 1e-5);
            Assert.Equal(0.0, g.DW2, 1e-6);
            Assert.Equal(0.5, g.DBias, 1e-5);
            Assert.Equal(-1.5, g.DX1, 1e-5);
            Assert.Equal(0.5, g.DX2, 1e-5);
        }
        Assert.Equal(["x1", "w1", "x1*w1", "x2", "w2", "x2*w2", "x1*w1 + x2*w2", "b", "n", "o"], order.Select(v => v.Label));
        Assert.Equal(["input", "dense neuron", "tanh", "targets", "mse"], tape.Select(t => t.Op));
    }

    [Fact]
    public void AValueUsedTwiceReceivesBothGradients()
    {
        var a = new Scalar(3, "a");
        var y = a * a;   // dy/da = 2a
        y.Backward();
        Assert.Equal(6, a.Grad);
        var b = new Scalar(-2, "b");
        var z = (b + b).Tanh();
        z.Backward();
        Assert.Equal(2 * (1 - Math.Tanh(-4) * Math.Tanh(-4)), b.Grad, 1e-12);
    }

    [Fact]
    public void TapeDescriptionListsEveryTensorWithItsGradient()
    {
        var network = NeuronWalkthrough.Network();
        var (_, tape) = NeuronWalkthrough.WithEagerTape(network, NeuronWalkthrough.Target(network));
        string text = NeuronWalkthrough.DescribeTape(tape);
        Assert.Contains("#2 tanh", text);
        Assert.Contains("value [0.7071]", text);
        Assert.Contains("grad [-1.5000, 0.5000]", text);
        Assert.Contains("none (a leaf with no gradient)", text);
    }
}
