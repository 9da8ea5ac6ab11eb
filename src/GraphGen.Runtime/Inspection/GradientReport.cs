using System.Globalization;
using System.Text;

namespace GraphGen.Inspection;

/// <summary>
/// Gradient health per layer, from a <see cref="GradientMonitor"/>: each layer's median and
/// largest gradient norm and update-to-weight ratio, and which layers are vanishing or
/// exploding by <see cref="GradientThresholds"/>. Layers keep the order of the parameter table
/// (input side first).
/// </summary>
public sealed class GradientReport
{
    private GradientReport(IReadOnlyList<LayerGradients> layers, GradientThresholds thresholds, int steps)
    {
        Layers = layers;
        Thresholds = thresholds;
        Steps = steps;
    }

    /// <summary>One entry per layer, in parameter-table order (input side first).</summary>
    public IReadOnlyList<LayerGradients> Layers { get; }

    /// <summary>The thresholds that decided each layer's <see cref="LayerGradients.Status"/>.</summary>
    public GradientThresholds Thresholds { get; }

    /// <summary>How many training steps the figures summarise.</summary>
    public int Steps { get; }

    /// <summary>The layers whose gradients vanish.</summary>
    public IEnumerable<LayerGradients> Vanishing => Layers.Where(l => l.Status == GradientStatus.Vanishing);

    /// <summary>The layers whose gradients explode (or are not finite).</summary>
    public IEnumerable<LayerGradients> Exploding => Layers.Where(l => l.Status == GradientStatus.Exploding);

    /// <summary>The entry of the layer named <paramref name="layer"/> (e.g. "hidden"); an unknown name throws, listing the known ones.</summary>
    public LayerGradients this[string layer] =>
        Layers.FirstOrDefault(l => l.Layer == layer) ?? throw new KeyNotFoundException($"No layer '{layer}'. Known: {string.Join(", ", Layers.Select(l => l.Layer))}.");

    /// <summary>Summarises every step <paramref name="monitor"/> recorded.</summary>
    public static GradientReport From(GradientMonitor monitor, GradientThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        ArgumentNullException.ThrowIfNull(thresholds);
        if (monitor.StepCount == 0)
            throw new InvalidOperationException("The monitor has recorded no step; train (with the monitor attached) before asking for a report.");
        var groups = monitor.Parameters
            .Select((p, index) => (Layer: LayerGradients.LayerOf(p.Name), Index: index, p.Count))
            .GroupBy(p => p.Layer, StringComparer.Ordinal)
            .ToList();
        int steps = monitor.StepCount;
        var figures = new List<(string Layer, int Count, double Median, double Max, double Last, double Ratio)>();
        foreach (var group in groups)
        {
            var gradient = new double[steps];
            var ratios = new List<double>(steps);
            for (int s = 0; s < steps; s++)
            {
                double g = 0, update = 0, weight = 0;
                foreach (var p in group)
                {
                    g += Square(monitor.GradientNorm(s, p.Index));
                    update += Square(monitor.UpdateNorm(s, p.Index));
                    weight += Square(monitor.WeightNorm(s, p.Index));
                }
                gradient[s] = Math.Sqrt(g);
                if (weight > 0) ratios.Add(Math.Sqrt(update / weight));
            }
            double max = gradient.Any(double.IsNaN) ? double.NaN : gradient.Max();
            figures.Add((group.Key, group.Sum(p => p.Count), Median(gradient), max, gradient[^1], ratios.Count == 0 ? double.NaN : Median([.. ratios])));
        }
        double largest = figures.Where(f => double.IsFinite(f.Median)).Select(f => f.Median).DefaultIfEmpty(0).Max();
        var layers = figures.Select(f => new LayerGradients(
            f.Layer, f.Count, f.Median, f.Max, f.Last, f.Ratio,
            largest > 0 ? f.Median / largest : double.NaN,
            thresholds.Classify(f.Median, f.Max, largest))).ToArray();
        return new GradientReport(layers, thresholds, steps);
    }

    /// <summary>CSV, one row per layer: layer,parameters,median_gradient_norm,max_gradient_norm,last_gradient_norm,median_update_ratio,relative_to_largest,status.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("layer,parameters,median_gradient_norm,max_gradient_norm,last_gradient_norm,median_update_ratio,relative_to_largest,status\n");
        foreach (var l in Layers)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{GradientCsv.Field(l.Layer)},{l.ParameterCount},{GradientCsv.Number(l.MedianGradientNorm)},{GradientCsv.Number(l.MaxGradientNorm)},{GradientCsv.Number(l.LastGradientNorm)},");
            csv.Append(CultureInfo.InvariantCulture,
                $"{GradientCsv.Number(l.MedianUpdateRatio)},{GradientCsv.Number(l.RelativeToLargest)},{l.Status.ToString().ToLowerInvariant()}\n");
        }
        return csv.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> (the folder is created; the write is atomic).</summary>
    public void SaveCsv(string path) => GradientCsv.Save(path, ToCsv());

    /// <summary>A table for the console, then one line naming the vanishing and exploding layers.</summary>
    public override string ToString()
    {
        int width = Math.Max(5, Layers.Max(l => l.Layer.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{"layer".PadRight(width)}  median ‖∇‖  vs largest    max ‖∇‖   ‖Δθ‖/‖θ‖  status\n");
        foreach (var l in Layers)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{l.Layer.PadRight(width)}  {l.MedianGradientNorm,10:0.00E+00}  {l.RelativeToLargest,9:0.0E+00}  {l.MaxGradientNorm,9:0.00E+00}  {l.MedianUpdateRatio,9:0.00E+00}  {l.Status.ToString().ToLowerInvariant()}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"{Steps} steps; vanishing (median below {Thresholds.VanishingRelative:G3} of the largest): {Names(Vanishing)}; exploding (above {Thresholds.ExplodingAbsolute:G3} or not finite): {Names(Exploding)}");
        return text.ToString();
    }

    private static string Names(IEnumerable<LayerGradients> layers)
    {
        var names = layers.Select(l => l.Layer).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    private static double Square(double x) => x * x;

    private static double Median(double[] values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
