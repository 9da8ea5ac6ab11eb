using System.Globalization;
using System.Text;
using GraphGen.Imaging;

namespace GraphGen.Inspection;

/// <summary>CSV text of gradient figures: invariant culture, round-trippable numbers, NaN as an empty field.</summary>
internal static class GradientCsv
{
    public static string Steps(GradientMonitor monitor)
    {
        var csv = new StringBuilder("step,parameter,gradient_norm,update_norm,weight_norm,update_ratio\n");
        for (int s = 0; s < monitor.StepCount; s++)
        {
            for (int p = 0; p < monitor.Parameters.Count; p++)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{s + 1},{Field(monitor.Parameters[p].Name)},{Number(monitor.GradientNorm(s, p))},");
                csv.Append(CultureInfo.InvariantCulture, $"{Number(monitor.UpdateNorm(s, p))},{Number(monitor.WeightNorm(s, p))},{Number(monitor.UpdateRatio(s, p))}\n");
            }
        }
        return csv.ToString();
    }

    public static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A text field, quoted when it holds a comma or quote.</summary>
    public static string Field(string text) =>
        text.AsSpan().IndexOfAny(",\"\n") < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static void Save(string path, string csv) => OutputFile.Write(path, new UTF8Encoding(false).GetBytes(csv));
}
