using System.Globalization;

namespace GraphGen.Training;

/// <summary>Loss and accuracy of a network on one dataset (accuracy is NaN for regression).</summary>
/// <param name="Loss">The mean loss over every scored label (classification) or sample (regression).</param>
/// <param name="Accuracy">The fraction of scored labels predicted right, or NaN without labels.</param>
/// <param name="Samples">The number of samples evaluated.</param>
public readonly record struct Evaluation(double Loss, double Accuracy, int Samples)
{
    /// <summary>True for classification, where <see cref="Accuracy"/> is a number.</summary>
    public bool HasAccuracy => !double.IsNaN(Accuracy);

    /// <summary>"loss 0.1234, accuracy 0.9876", or "loss 0.1234" for regression.</summary>
    public override string ToString() => HasAccuracy
        ? string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}, accuracy {Accuracy:F4}")
        : string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4}");
}

/// <summary>One epoch of training: the training set's running figures, a validation evaluation, and the time it took.</summary>
/// <param name="Epoch">The epoch, from 0 (printed from 1).</param>
/// <param name="Train">The training set's figures, accumulated over the epoch's batches as the parameters changed.</param>
/// <param name="Validation">The validation set's figures after the epoch, or null when none was given.</param>
/// <param name="Seconds">The wall-clock time of the training batches (not the validation).</param>
/// <param name="SamplesPerSecond">Training samples per second.</param>
public sealed record EpochStats(int Epoch, Evaluation Train, Evaluation? Validation, double Seconds, double SamplesPerSecond)
{
    /// <summary>One line for logs: "epoch   3  train loss …  |  validation loss …  |  12 ms, 40,000 samples/s".</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"epoch {Epoch + 1,3}  train {Train}");
        if (Validation is { } v) text += "  |  validation " + v;
        return text + string.Create(CultureInfo.InvariantCulture, $"  |  {Seconds * 1000:F0} ms, {SamplesPerSecond:N0} samples/s");
    }
}
