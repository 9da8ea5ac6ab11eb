namespace GraphGen.Examples.BackpropExercise;

/// <summary>
/// The generated backward pass's value of every tensor of the exercise, for one batch: the
/// parameter gradients and ∂L/∂x from <see cref="BatchNormMlp"/> itself, the inner gradients
/// from the networks cut at each tensor (<see cref="FromLogits"/> … <see cref="FromHprebn"/>).
/// </summary>
public sealed record AnswerKey(
    float[] DLogits, float[] DW2, float[] DB2, float[] DH, float[] DHpreact,
    float[] DGamma, float[] DBeta, float[] DHprebn, float[] DW1, float[] DB1, float[] DX)
{
    /// <summary>
    /// Runs <paramref name="network"/>'s training step without the update on (<paramref name="x"/>,
    /// <paramref name="y"/>), recording its training-mode activations into the returned
    /// <see cref="ForwardPass"/>, and collects the generated gradients.
    /// </summary>
    public static (ForwardPass Forward, AnswerKey Key) Compute(BatchNormMlp network, float[] x, int[] y)
    {
        ArgumentNullException.ThrowIfNull(network);
        int n = y.Length;
        var recorded = new BatchRecorder();
        float loss = network.ComputeGradients(x, y, recorded);
        float[] Parameter(string name) => network.ParameterTable.Slice(network.Parameters, name).ToArray();
        float[] Gradient(string name)
        {
            var p = network.ParameterTable[name];
            return network.Gradients.Slice(p.Offset, p.Count).ToArray();
        }
        var forward = new ForwardPass
        {
            N = n, X = x, Y = y,
            W1 = Parameter("hidden.weight"), B1 = Parameter("hidden.bias"),
            Gamma = Parameter("bn.weight"), Beta = Parameter("bn.bias"),
            W2 = Parameter("output.weight"), B2 = Parameter("output.bias"),
            Hprebn = recorded["hprebn"], Hpreact = recorded["hpreact"], H = recorded["h"], Logits = recorded["output"],
            Loss = loss,
        };
        var key = new AnswerKey(
            DLogits: InputGradientOf(new FromLogits(n), network, forward.Logits, y),
            DW2: Gradient("output.weight"), DB2: Gradient("output.bias"),
            DH: InputGradientOf(new FromH(n), network, forward.H, y),
            DHpreact: InputGradientOf(new FromHpreact(n), network, forward.Hpreact, y),
            DGamma: Gradient("bn.weight"), DBeta: Gradient("bn.bias"),
            DHprebn: InputGradientOf(new FromHprebn(n), network, forward.Hprebn, y),
            DW1: Gradient("hidden.weight"), DB1: Gradient("hidden.bias"),
            DX: network.InputGradient.ToArray());
        return (forward, key);
    }

    /// <summary>∂L/∂input of the rest of the network, with its parameters copied by name from the whole one.</summary>
    private static float[] InputGradientOf<TTail>(TTail tail, BatchNormMlp whole, float[] input, int[] y)
        where TTail : ITrainableNetwork<int>, IInputGradientNetwork
    {
        foreach (var p in tail.ParameterTable.Parameters)
            whole.ParameterTable.Slice(whole.Parameters, p.Name).CopyTo(tail.ParameterTable.Slice(tail.Parameters, p.Name));
        tail.ComputeGradients(input, y);
        return tail.InputGradient.ToArray();
    }
}
