namespace GraphGen.Inspection;

/// <summary>
/// Adversarial samples: inputs changed by at most ε per value (the L∞ ball) so as to increase
/// the loss, found with the gradient with respect to the input that a network declared with
/// <c>[Network(InputGradient = true)]</c> computes. Each method works on a whole batch (up to
/// the network's capacity) and writes the adversarial inputs to a destination of the same size.
/// </summary>
public static class AdversarialAttacks
{
    /// <summary>
    /// The fast gradient sign method (Goodfellow et al., 2015): one step of size ε in the
    /// direction that increases the loss fastest under an L∞ budget,
    /// x′ = clip(x + ε·sign(∇ₓL(x, y)), min, max). A value whose gradient is exactly zero stays.
    /// </summary>
    public static void Fgsm<TNetwork>(TNetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, float epsilon,
        Span<float> destination, float min = 0f, float max = 1f)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        Check(network, inputs, destination, epsilon, min, max);
        network.ComputeGradients(inputs, labels);
        ReadOnlySpan<float> gradient = network.InputGradient;
        for (int i = 0; i < inputs.Length; i++)
            destination[i] = Math.Clamp(inputs[i] + epsilon * MathF.Sign(gradient[i]), min, max);
    }

    /// <summary>
    /// Iterative FGSM (Kurakin et al., 2017), and PGD (Madry et al., 2018) when
    /// <paramref name="randomStart"/> is set: <paramref name="steps"/> signed-gradient steps of
    /// size α, each followed by projection back onto the ε-ball around the original input and
    /// onto [min, max]: x_{t+1} = clip(Π_ε(x_t + α·sign(∇ₓL(x_t, y)))). PGD first moves each
    /// value to a uniform random point of the ball, drawn from <paramref name="seed"/>.
    /// </summary>
    public static void Iterative<TNetwork>(TNetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, float epsilon,
        float stepSize, int steps, Span<float> destination, float min = 0f, float max = 1f, bool randomStart = false, ulong seed = 0)
        where TNetwork : ITrainableNetwork<int>, IInputGradientNetwork
    {
        Check(network, inputs, destination, epsilon, min, max);
        if (!(stepSize >= 0) || !float.IsFinite(stepSize))
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size α must be zero or a positive number (ε/4 with 10 steps is usual).");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        inputs.CopyTo(destination);
        if (randomStart)
        {
            var random = new SeededRandom(seed);
            for (int i = 0; i < inputs.Length; i++)
                destination[i] = Project(inputs[i], inputs[i] + random.NextUniform(-epsilon, epsilon), epsilon, min, max);
        }
        for (int step = 0; step < steps; step++)
        {
            network.ComputeGradients(destination, labels);
            ReadOnlySpan<float> gradient = network.InputGradient;
            for (int i = 0; i < inputs.Length; i++)
                destination[i] = Project(inputs[i], destination[i] + stepSize * MathF.Sign(gradient[i]), epsilon, min, max);
        }
    }

    /// <summary>Projection onto the ε-ball around <paramref name="original"/>, then onto [min, max].</summary>
    private static float Project(float original, float value, float epsilon, float min, float max) =>
        Math.Clamp(Math.Clamp(value, original - epsilon, original + epsilon), min, max);

    private static void Check(INetwork network, ReadOnlySpan<float> inputs, Span<float> destination, float epsilon, float min, float max)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (destination.Length != inputs.Length)
            throw new ArgumentException($"The destination holds {destination.Length} floats but the inputs {inputs.Length}; they must match.", nameof(destination));
        if (destination.Overlaps(inputs))
            throw new ArgumentException("The destination overlaps the inputs; the attack needs the original inputs to the end.", nameof(destination));
        if (!(epsilon >= 0) || !float.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be zero or a positive number.");
        if (!(max > min))
            throw new ArgumentException($"The valid input range [{min}, {max}] must have max > min.", nameof(max));
    }
}
