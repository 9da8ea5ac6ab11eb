using System.Globalization;
using System.Text;

namespace GraphGen.Training;

/// <summary>Per-epoch figures of a training run, writable as CSV for plots and scripts.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochStats> _epochs = [];

    public IReadOnlyList<EpochStats> Epochs => _epochs;

    public void Add(EpochStats stats) => _epochs.Add(stats);

    /// <summary>CSV with columns epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds\n");
        foreach (var e in _epochs)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.Epoch + 1},{e.Train.Loss:R},{Number(e.Train.Accuracy)},");
            csv.Append(CultureInfo.InvariantCulture, $"{Number(e.Validation?.Loss ?? double.NaN)},{Number(e.Validation?.Accuracy ?? double.NaN)},{e.Seconds:F3}\n");
        }
        return csv.ToString();
    }

    public void SaveCsv(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToCsv());
    }

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);
}
