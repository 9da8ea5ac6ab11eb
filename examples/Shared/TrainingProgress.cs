using System.Diagnostics;
using System.Globalization;
using GraphGen.Data;
using GraphGen.Training;
using Spectre.Console;

namespace GraphGen.Examples;

/// <summary>
/// Runs training epochs with a live progress bar in a terminal (Spectre.Console): the bar
/// over all batches, and a description with the epoch, the running loss, the last accuracy
/// and the throughput; each finished epoch is printed above the bar. When the output is not a
/// terminal (redirected to a file or a pipe, as in CI) it degrades to one plain line per
/// epoch, the same line <see cref="EpochStats"/> prints, with no escape codes.
/// </summary>
public sealed class TrainingProgress
{
    private readonly IAnsiConsole? _console;
    private readonly TextWriter? _plain;

    private TrainingProgress(IAnsiConsole? console, TextWriter? plain)
    {
        _console = console;
        _plain = plain;
    }

    /// <summary>True when this shows a live bar, false when it writes plain lines.</summary>
    public bool IsLive => _console is not null;

    /// <summary>A live bar on the terminal, or plain lines on standard output when it is redirected or not interactive.</summary>
    public static TrainingProgress ForConsole() =>
        ShouldBeLive(Console.IsOutputRedirected, AnsiConsole.Profile.Capabilities.Interactive)
            ? new TrainingProgress(AnsiConsole.Console, null)
            : new TrainingProgress(null, Console.Out);

    /// <summary>The live bar needs a terminal: output that is not redirected, on a console that can move the cursor.</summary>
    public static bool ShouldBeLive(bool outputRedirected, bool interactiveTerminal) => !outputRedirected && interactiveTerminal;

    /// <summary>Plain lines on <paramref name="writer"/> (also for tests and logs).</summary>
    public static TrainingProgress Plain(TextWriter writer) => new(null, writer ?? throw new ArgumentNullException(nameof(writer)));

    /// <summary>A live bar on <paramref name="console"/>.</summary>
    public static TrainingProgress Live(IAnsiConsole console) => new(console ?? throw new ArgumentNullException(nameof(console)), null);

    /// <summary>
    /// Trains <paramref name="epochs"/> epochs of <paramref name="trainer"/> over
    /// <paramref name="train"/> (evaluating on <paramref name="validation"/> when given) and
    /// returns each epoch's figures. <paramref name="afterEpoch"/> sees each epoch's figures
    /// and returns true to stop early. <paramref name="label"/> names the run on every line.
    /// </summary>
    public IReadOnlyList<EpochStats> Run<T>(Trainer<T> trainer, Dataset train, int epochs, Dataset? validation = null,
        string label = "", Func<EpochStats, bool>? afterEpoch = null) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        var results = new List<EpochStats>(epochs);
        string prefix = label.Length == 0 ? "" : label + ": ";
        if (_console is null)
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                var stats = trainer.RunEpoch(epoch, validation);
                results.Add(stats);
                _plain!.WriteLine(prefix + stats);
                if (afterEpoch?.Invoke(stats) == true) break;
            }
            return results;
        }

        var previous = trainer.BatchCompleted;
        try
        {
            _console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask(Markup.Escape(prefix + "starting"), maxValue: 1);
                    var clock = Stopwatch.StartNew();
                    long batchesDone = 0;
                    int batchesPerEpoch = 0, epoch = 0;
                    double lossSum = 0;
                    int lossCount = 0;
                    string accuracy = "";
                    void Describe(int shownEpoch)
                    {
                        double samplesPerSecond = batchesDone * ((double)train.Count / Math.Max(batchesPerEpoch, 1)) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                            $"{prefix}epoch {shownEpoch + 1}/{epochs}  loss {lossSum / Math.Max(lossCount, 1):F4}{accuracy}  {samplesPerSecond:N0} samples/s"));
                    }
                    trainer.BatchCompleted = (batch, perEpoch, loss) =>
                    {
                        previous?.Invoke(batch, perEpoch, loss);
                        if (batchesPerEpoch == 0) { batchesPerEpoch = perEpoch; task.MaxValue = (double)perEpoch * epochs; }
                        batchesDone++;
                        lossSum += loss;
                        lossCount++;
                        task.Value = batchesDone;
                        Describe(epoch);
                    };
                    for (; epoch < epochs; epoch++)
                    {
                        lossSum = 0;
                        lossCount = 0;
                        var stats = trainer.RunEpoch(epoch, validation);
                        results.Add(stats);
                        var shown = stats.Validation ?? stats.Train;
                        accuracy = shown.HasAccuracy ? string.Create(CultureInfo.InvariantCulture, $"  {(stats.Validation is null ? "train" : "val")} acc {shown.Accuracy:F4}") : "";
                        Describe(epoch);
                        _console.WriteLine(prefix + stats);
                        if (afterEpoch?.Invoke(stats) == true) break;
                    }
                    task.Value = task.MaxValue;
                    task.StopTask();
                });
        }
        finally
        {
            trainer.BatchCompleted = previous;
        }
        return results;
    }
}
