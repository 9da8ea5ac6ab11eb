using GraphGen.Imaging;
using GraphGen.Inspection;

namespace GraphGen.Examples.GradientFlow;

/// <summary>The pictures of the example: per-layer bars on a log axis, and per-step curves.</summary>
public static class GradientPlots
{
    /// <summary>Median gradient norm per layer (input side on the left), one bar series per run.</summary>
    public static BarChart GradientNormPerLayer(IReadOnlyList<GradientFlowExperiment.Run> runs) =>
        PerLayer(runs, "Gradient norm per layer (median over training steps)", "median ‖∇‖ of the layer", l => l.MedianGradientNorm);

    /// <summary>Median update-to-weight ratio ‖Δθ‖/‖θ‖ per layer.</summary>
    public static BarChart UpdateRatioPerLayer(IReadOnlyList<GradientFlowExperiment.Run> runs) =>
        PerLayer(runs, "Update-to-weight ratio per layer (median over steps)", "median ‖Δθ‖ / ‖θ‖", l => l.MedianUpdateRatio);

    /// <summary>The gradient norm of the first and the last layer at every step, for each run.</summary>
    public static LinePlot FirstAndLastLayerBySteps(IReadOnlyList<GradientFlowExperiment.Run> runs)
    {
        var plot = new LinePlot { Title = "Gradient norm during training: first (layer0) and output layer", XLabel = "step", YLabel = "‖∇W‖", LogY = true, Width = 720 };
        foreach (var run in runs)
        {
            foreach (string parameter in new[] { "layer0.weight", "output.weight" })
            {
                var norms = run.Monitor.GradientNorms(run.Monitor.IndexOf(parameter));
                var steps = Enumerable.Range(1, norms.Length).Select(s => (double)s).ToArray();
                plot.Add($"{run.Label} {parameter}", steps, norms);
            }
        }
        return plot;
    }

    private static BarChart PerLayer(IReadOnlyList<GradientFlowExperiment.Run> runs, string title, string yLabel, Func<LayerGradients, double> value)
    {
        var layers = runs[0].Report.Layers.Select(l => l.Layer).ToArray();
        var chart = new BarChart(layers) { Title = title, XLabel = "layer (input → output)", YLabel = yLabel, LogY = true, Width = 720 };
        foreach (var run in runs)
        {
            if (!run.Report.Layers.Select(l => l.Layer).SequenceEqual(layers))
                throw new ArgumentException($"Run '{run.Label}' has other layers than '{runs[0].Label}'; the bars must line up.", nameof(runs));
            chart.Add(run.Label, run.Report.Layers.Select(value).ToArray());
        }
        return chart;
    }
}
