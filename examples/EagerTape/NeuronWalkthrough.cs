using System.Globalization;
using System.Text;
using GraphGen.Eager;

namespace GraphGen.Examples.EagerTape;

/// <summary>
/// The neuron o = tanh(w₁x₁ + w₂x₂ + b) with micrograd's numbers (x = (2, 0), w = (−3, 1),
/// b = 6.8813735870195432, so that o = tanh(0.8814) = √½), differentiated three ways: by the
/// <see cref="Scalar"/> engine, by the eager tape of the [Forward] method, and by the generated code.
/// </summary>
public static class NeuronWalkthrough
{
    /// <summary>The inputs.</summary>
    public static readonly float[] X = [2f, 0f];

    /// <summary>The weights w₁, w₂ and the bias.</summary>
    public static readonly float[] Weights = [-3f, 1f];

    /// <summary>The bias b: tanh(w·x + b) = tanh(0.88137…) = 1/√2.</summary>
    public const float Bias = 6.8813735870195432f;

    /// <summary>The gradients of one of the three implementations.</summary>
    public sealed record Gradients(double Output, double DW1, double DW2, double DBias, double DX1, double DX2);

    /// <summary>micrograd's own walk-through: the gradient of o itself (∂o/∂o = 1).</summary>
    public static (Gradients Result, IReadOnlyList<Scalar> Order) WithScalars()
    {
        var x1 = new Scalar(X[0], "x1");
        var x2 = new Scalar(X[1], "x2");
        var w1 = new Scalar(Weights[0], "w1");
        var w2 = new Scalar(Weights[1], "w2");
        var b = new Scalar(Bias, "b");
        var x1w1 = x1 * w1; x1w1.Label = "x1*w1";
        var x2w2 = x2 * w2; x2w2.Label = "x2*w2";
        var sum = x1w1 + x2w2; sum.Label = "x1*w1 + x2*w2";
        var n = sum + b; n.Label = "n";
        var o = n.Tanh(); o.Label = "o";
        var order = o.Backward();
        return (new Gradients(o.Value, w1.Grad, w2.Grad, b.Grad, x1.Grad, x2.Grad), order);
    }

    /// <summary>
    /// The network's loss is L = (o − y)², whose ∂L/∂o = 2(o − y); a target of y = o − ½ makes it
    /// exactly 1, so its gradients equal micrograd's ∂o/∂· and the three can be compared directly.
    /// </summary>
    public static float Target(TapeNeuron network)
    {
        var o = new float[1];
        network.Forward(X, o);
        return o[0] - 0.5f;
    }

    /// <summary>The compiled network with micrograd's weights.</summary>
    public static TapeNeuron Network()
    {
        var network = new TapeNeuron(batchCapacity: 1, seed: 0);
        Weights.CopyTo(network.ParameterTable.Slice(network.Parameters, "neuron.weight"));
        network.ParameterTable.Slice(network.Parameters, "neuron.bias")[0] = Bias;
        return network;
    }

    /// <summary>The eager interpreter runs the [Forward] and [Loss] methods, recording a tape; returns its gradients and the tape.</summary>
    public static (Gradients Result, IReadOnlyList<Tensor> Tape) WithEagerTape(TapeNeuron network, float target)
    {
        var model = EagerModel.FromNetwork(network);
        var result = model.ComputeGradients(X, new[] { target });
        var w = model.Parameters["neuron.weight"].Grad;
        var b = model.Parameters["neuron.bias"].Grad;
        return (new Gradients(result.Output.Data[0], w[0], w[1], b[0], result.InputGradient[0], result.InputGradient[1]), model.LastSession!.Tape);
    }

    /// <summary>The generated backward pass (ComputeGradients) on the same numbers.</summary>
    public static Gradients WithGeneratedCode(TapeNeuron network, float target)
    {
        network.ComputeGradients(X, [target]);
        var w = network.ParameterTable["neuron.weight"];
        var b = network.ParameterTable["neuron.bias"];
        var output = new float[1];
        network.Forward(X, output);
        return new Gradients(output[0], network.Gradients[w.Offset], network.Gradients[w.Offset + 1], network.Gradients[b.Offset],
            network.InputGradient[0], network.InputGradient[1]);
    }

    /// <summary>The tape as a table: each tensor in the order it was recorded, its values and the gradient the backward walk left on it.</summary>
    public static string DescribeTape(IReadOnlyList<Tensor> tape)
    {
        var text = new StringBuilder();
        for (int i = 0; i < tape.Count; i++)
        {
            var t = tape[i];
            text.Append(CultureInfo.InvariantCulture, $"  #{i} {t.Op,-14} value {Format(t.Data),-22} grad {(t.Grad is null ? "none (a leaf with no gradient)" : Format(t.Grad))}\n");
        }
        return text.ToString();
    }

    private static string Format(double[] values) =>
        "[" + string.Join(", ", values.Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture))) + "]";
}
