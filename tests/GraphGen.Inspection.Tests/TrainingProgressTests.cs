extern alias gradientflow;

using gradientflow::GraphGen.Examples;
using GraphGen.Training;
using Spectre.Console;

namespace GraphGen.Inspection.Tests;

public class TrainingProgressTests
{
    private static (Trainer<int> Trainer, GraphGen.Data.Dataset Train, GraphGen.Data.Dataset Validation) Problem()
    {
        var digits = TestData.Digits();
        var net = new gradientflow::GraphGen.Examples.GradientFlow.ResidualReluMlp(batchCapacity: 64, seed: 0);
        return (new Trainer<int>(net, new Sgd(0.05f), digits.Train, 64, 0), digits.Train, digits.Validation);
    }

    [Theory]
    [InlineData(true, true, false)]    // redirected to a file or pipe: plain lines
    [InlineData(true, false, false)]
    [InlineData(false, false, false)]  // a terminal that cannot move the cursor: plain lines
    [InlineData(false, true, true)]
    public void TheLiveBarNeedsAnInteractiveTerminal(bool redirected, bool interactive, bool live) =>
        Assert.Equal(live, TrainingProgress.ShouldBeLive(redirected, interactive));

    [Fact]
    public void RedirectedOutputGetsOnePlainLinePerEpoch()
    {
        var (trainer, train, validation) = Problem();
        var output = new StringWriter();
        var progress = TrainingProgress.Plain(output);
        Assert.False(progress.IsLive);
        var epochs = progress.Run(trainer, train, 3, validation, "residual");
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, epochs.Count);
        Assert.Equal(epochs.Select(e => "residual: " + e), lines.Select(l => l.TrimEnd('\r')));
        Assert.DoesNotContain('\u001b', output.ToString());
        Assert.Contains("samples/s", lines[0]);
    }

    [Fact]
    public void ALiveBarOnATerminalShowsLossAccuracyAndThroughput()
    {
        var (trainer, train, validation) = Problem();
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Out = new AnsiConsoleOutput(output),
        });
        int batches = 0;
        trainer.BatchCompleted = (_, _, _) => batches++;
        var progress = TrainingProgress.Live(console);
        Assert.True(progress.IsLive);
        var epochs = progress.Run(trainer, train, 2, validation, "residual");
        string text = output.ToString();
        Assert.Equal(2, epochs.Count);
        Assert.Contains("residual: epoch   1  train loss", text);
        Assert.Contains("samples/s", text);
        Assert.Contains("val acc", text);
        Assert.Contains('\u001b', text);
        // The caller's own batch callback still ran, and is back in place afterwards.
        Assert.Equal(2 * ((train.Count + 63) / 64), batches);
        trainer.RunEpoch(2);
        Assert.Equal(3 * ((train.Count + 63) / 64), batches);
    }

    [Fact]
    public void StopsWhenTheEpochCallbackSaysSo()
    {
        var (trainer, train, validation) = Problem();
        var epochs = TrainingProgress.Plain(TextWriter.Null).Run(trainer, train, 10, validation, afterEpoch: stats => stats.Epoch == 1);
        Assert.Equal(2, epochs.Count);
    }
}
