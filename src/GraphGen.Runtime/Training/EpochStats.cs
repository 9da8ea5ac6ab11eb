using System.Globalization;

namespace GraphGen.Training;

/// <summary>Loss and accuracy of a network on one dataset (accuracy is NaN for regression).</summary>
public readonly record struct Evaluation(double Loss, double Accuracy, int Samples)
{
    public bool HasAccuracy => !double.IsNaN(Accuracy);

    public override string ToString() => HasAccuracy
        ? string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}, accuracy {Accuracy:F4}")
        : string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}");
}

/// <summary>One epoch of training: the training set's running figures, a validation evaluation, and the time it took.</summary>
public sealed record EpochStats(int Epoch, Evaluation Train, Evaluation? Validation, double Seconds, double SamplesPerSecond)
{
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch + 1,3}  train {Train}");
        if (Validation is { } v) text += "  |  validation " + v;
        return text + string.Create(CultureInfo.InvariantCulture, $"  |  {Seconds * 1000:F0} ms, {SamplesPerSecond:N0} samples/s");
    }
}
