namespace GraphGen.Inspection;

/// <summary>What a layer's gradient is called, judged by <see cref="GradientThresholds"/>.</summary>
public enum GradientStatus
{
    /// <summary>Neither vanishing nor exploding.</summary>
    Healthy,
    /// <summary>So small, next to the other layers', that the layer hardly learns.</summary>
    Vanishing,
    /// <summary>Non-finite, or so large that one step throws the weights around.</summary>
    Exploding,
}

/// <summary>
/// When a layer's gradient counts as vanishing or exploding. A layer's figure is the median,
/// over the recorded steps, of its gradient norm ‖∇‖₂ (weight and bias together), so one odd
/// batch does not decide; exploding looks at the largest step instead, since one huge step is
/// enough to wreck the weights.
/// </summary>
/// <remarks>
/// Vanishing is relative: a layer is vanishing when its median norm is below
/// <see cref="VanishingRelative"/> times that of the layer with the largest median (usually
/// the output layer, which receives the loss gradient directly). Whether a gradient of 1e-5 is
/// small depends on the loss, batch size and layer size, but a layer whose gradient is 1000
/// times smaller than its neighbours' learns 1000 times slower under SGD: that is what
/// vanishing means. <see cref="VanishingAbsolute"/> also catches a network whose every layer
/// is stuck (a dead ReLU network has no "largest" to compare with). Exploding is absolute:
/// for a mean loss, a layer gradient norm above <see cref="ExplodingAbsolute"/> moves a weight
/// matrix (whose norm is a few units at Xavier/He initialisation) by more than its own size per
/// SGD step at learning rate 0.01.
/// </remarks>
public sealed record GradientThresholds(double VanishingRelative = 1e-3, double VanishingAbsolute = 1e-8, double ExplodingAbsolute = 1e3)
{
    /// <summary>The status of a layer with median gradient norm <paramref name="median"/> and largest <paramref name="max"/>, when the strongest layer's median is <paramref name="largestMedian"/>.</summary>
    public GradientStatus Classify(double median, double max, double largestMedian)
    {
        if (!double.IsFinite(max) || !double.IsFinite(median) || max > ExplodingAbsolute) return GradientStatus.Exploding;
        if (median < VanishingAbsolute || median < VanishingRelative * largestMedian) return GradientStatus.Vanishing;
        return GradientStatus.Healthy;
    }
}
