using GraphGen.Training;

namespace GraphGen.Inspection;

/// <summary>
/// Saliency maps: how much each input value (pixel) matters to the network's decision, from
/// the gradient with respect to the input that a network declared with
/// <c>[Network(InputGradient = true)]</c> computes in its backward pass.
/// </summary>
/// <remarks>
/// The map is |∂L/∂x| for the loss L = −log p_c of the predicted class c (for softmax
/// cross-entropy): the pixels whose change would most change the network's confidence in its
/// own answer. It differs from the gradient of the raw class score z_c only by the other
/// classes' terms, ∂L/∂x = −∂z_c/∂x + Σ_j p_j ∂z_j/∂x, which vanish as p_c approaches 1.
/// </remarks>
public static class Saliency
{
    /// <summary>
    /// dLoss/dInput of one <paramref name="input"/> sample with <paramref name="label"/> as its
    /// target, written to <paramref name="destination"/> (InputSize floats). Also overwrites the
    /// network's parameter gradients.
    /// </summary>
    public static void InputGradient<TNetwork>(TNetwork network, ReadOnlySpan<float> input, int label, Span<float> destination)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        ArgumentNullException.ThrowIfNull(network);
        if (input.Length != network.InputSize)
            throw new ArgumentException($"Pass one sample: {network.InputSize} floats, not {input.Length}.", nameof(input));
        if (destination.Length != network.InputSize)
            throw new ArgumentException($"The destination needs {network.InputSize} floats, not {destination.Length}.", nameof(destination));
        network.ComputeGradients(input, [label]);
        network.InputGradient.CopyTo(destination);
    }

    /// <summary>
    /// The saliency map of one sample, |∂L/∂x| with L the loss of the predicted class, into
    /// <paramref name="destination"/>; returns the predicted class.
    /// </summary>
    public static int Map<TNetwork>(TNetwork network, ReadOnlySpan<float> input, Span<float> destination)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        int predicted = Predict(network, input);
        InputGradient(network, input, predicted, destination);
        foreach (ref float v in destination) v = MathF.Abs(v);
        return predicted;
    }

    /// <summary>The class with the largest output for one sample.</summary>
    public static int Predict(INetwork network, ReadOnlySpan<float> input)
    {
        ArgumentNullException.ThrowIfNull(network);
        Span<float> output = network.OutputSize <= 256 ? stackalloc float[network.OutputSize] : new float[network.OutputSize];
        network.Forward(input, output);
        return Metrics.ArgMax(output);
    }
}
