using System.Globalization;

namespace GraphGen.Inspection;

/// <summary>
/// One layer's gradient figures over a training run (a layer is every parameter tensor whose
/// name shares the prefix before the last dot: "layer3.weight" and "layer3.bias" are "layer3").
/// Norms are of the layer's tensors taken together: sqrt(‖∇W‖² + ‖∇b‖²).
/// </summary>
/// <param name="Layer">The name prefix, e.g. "layer3".</param>
/// <param name="ParameterCount">Floats in the layer's tensors.</param>
/// <param name="MedianGradientNorm">Median over the steps of ‖∇‖₂: the figure the status is judged by.</param>
/// <param name="MaxGradientNorm">The largest ‖∇‖₂ of any step (NaN or ∞ if any step had one).</param>
/// <param name="LastGradientNorm">‖∇‖₂ at the last recorded step.</param>
/// <param name="MedianUpdateRatio">Median over the steps of ‖Δθ‖/‖θ‖ (steps where the layer was all zeros are left out; NaN if all were).</param>
/// <param name="RelativeToLargest">MedianGradientNorm divided by the largest MedianGradientNorm of any layer.</param>
/// <param name="Status">Healthy, vanishing or exploding.</param>
public sealed record LayerGradients(
    string Layer,
    int ParameterCount,
    double MedianGradientNorm,
    double MaxGradientNorm,
    double LastGradientNorm,
    double MedianUpdateRatio,
    double RelativeToLargest,
    GradientStatus Status)
{
    /// <summary>One line: the layer, its median and largest gradient norm, its median update ratio and its status.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Layer}: median ‖∇‖ {MedianGradientNorm:0.00E+00} ({RelativeToLargest:0.0E+00} of the largest), max {MaxGradientNorm:0.00E+00}, median ‖Δθ‖/‖θ‖ {MedianUpdateRatio:0.00E+00}: {Status.ToString().ToLowerInvariant()}");

    /// <summary>The layer part of a parameter name: everything before the last dot ("block.2.fc.weight" → "block.2.fc").</summary>
    public static string LayerOf(string parameterName)
    {
        int dot = parameterName.LastIndexOf('.');
        return dot > 0 ? parameterName[..dot] : parameterName;
    }
}
