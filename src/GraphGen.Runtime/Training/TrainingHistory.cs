using System.Globalization;
using System.Text;

namespace GraphGen.Training;

/// <summary>Per-epoch figures of a training run, writable as CSV for plots and scripts.</summary>
public sealed class TrainingHistory
{
    private readonly List<EpochStats> _epochs = [];

    /// <summary>Every recorded epoch, in the order they ran.</summary>
    public IReadOnlyList<EpochStats> Epochs => _epochs;

    /// <summary>Records one epoch (the trainer does this after each completed epoch).</summary>
    /// <param name="stats">The epoch's figures.</param>
    public void Add(EpochStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        _epochs.Add(stats);
    }

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

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/>, creating its directory if needed.</summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    public void SaveCsv(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, ToCsv());
    }

    private static string Number(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);
}
