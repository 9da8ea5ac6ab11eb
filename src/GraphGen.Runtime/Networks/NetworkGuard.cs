namespace GraphGen;

/// <summary>
/// Argument checks shared by all generated networks, so that a wrong buffer size is reported
/// in words (what was passed, what was expected, what to do) before any kernel runs.
/// </summary>
public static class NetworkGuard
{
    /// <summary>Validates an input span and returns the batch size it holds.</summary>
    public static int BatchOf(string network, ReadOnlySpan<float> input, int inputSize, int capacity)
    {
        if (input.Length == 0)
            throw new ArgumentException($"{network}: the input is empty; pass batch × {inputSize} floats (batch from 1 to {capacity}).", nameof(input));
        if (input.Length % inputSize != 0)
            throw new ArgumentException($"{network}: the input holds {input.Length} floats, which is not a multiple of the {inputSize} floats per sample.", nameof(input));
        int batch = input.Length / inputSize;
        if (batch > capacity)
            throw new ArgumentException($"{network}: the input holds a batch of {batch} samples but the network was created with batch capacity {capacity}; split the batch or construct the network with a larger batchCapacity.", nameof(input));
        return batch;
    }

    /// <summary>Checks that <paramref name="output"/> holds exactly <paramref name="batch"/> × <paramref name="outputSize"/> floats.</summary>
    public static void Output(string network, Span<float> output, int batch, int outputSize)
    {
        if (output.Length != batch * outputSize)
            throw new ArgumentException($"{network}: the output span holds {output.Length} floats but a batch of {batch} needs {batch * outputSize} ({batch} × {outputSize}).", nameof(output));
    }

    /// <summary>Checks that <paramref name="targets"/> holds exactly <paramref name="batch"/> × <paramref name="targetSize"/> values.</summary>
    public static void Targets<T>(string network, ReadOnlySpan<T> targets, int batch, int targetSize)
    {
        if (targets.Length != batch * targetSize)
            throw new ArgumentException($"{network}: {targets.Length} targets were passed for a batch of {batch} samples; expected {batch * targetSize} ({batch} × {targetSize}).", nameof(targets));
    }

    /// <summary>Validates labels: one per sample (or position), each a class index or the network's ignored label.</summary>
    public static void Labels(string network, ReadOnlySpan<int> labels, int batch, int classes, int? ignoredLabel = null)
    {
        if (labels.Length != batch)
            throw new ArgumentException($"{network}: {labels.Length} labels were passed for a batch of {batch} samples; pass one class index per sample.", nameof(labels));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes && labels[i] != ignoredLabel)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"{network}: label {i} is {labels[i]}, but class indices must be in 0..{classes - 1}"
                    + (ignoredLabel is { } ignored ? $" (or {ignored}, the label the loss ignores)." : "."));
        }
    }

    /// <summary>Throws <see cref="NonFiniteValueException"/> naming the first NaN or infinity in <paramref name="values"/>.</summary>
    public static void Finite(string network, string what, ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new NonFiniteValueException($"{network}: {what}[{i}] is {values[i]}. Check the data (missing values, division by zero) or lower the learning rate if the loss diverged.");
        }
    }

    /// <summary>Throws <see cref="NonFiniteValueException"/> when <paramref name="value"/> (e.g. the loss) is NaN or infinite.</summary>
    public static void Finite(string network, string what, float value)
    {
        if (!float.IsFinite(value))
            throw new NonFiniteValueException($"{network}: the {what} is {value}. The training diverged: lower the learning rate, clip gradients, or check the inputs for NaN.");
    }
}
