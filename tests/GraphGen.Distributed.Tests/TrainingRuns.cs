using GraphGen.Distributed.TestHost;

namespace GraphGen.Distributed.Tests;

/// <summary>
/// The training runs the tests compare, each started once and shared: one process alone, one
/// rank under mpirun, two runs with two ranks, one with three. Lazy, so a skipped test starts nothing.
/// </summary>
public sealed class TrainingRuns : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("graphgen-mpi-").FullName;
    private readonly Lazy<TrainingRun> _alone, _oneRank, _twoRanks, _twoRanksAgain, _threeRanks;

    public TrainingRuns()
    {
        _alone = new(() => Start("alone", 0));
        _oneRank = new(() => Start("one-rank", 1));
        _twoRanks = new(() => Start("two-ranks", 2));
        _twoRanksAgain = new(() => Start("two-ranks-again", 2));
        _threeRanks = new(() => Start("three-ranks", 3));
    }

    public TrainingRun Alone => _alone.Value;
    public TrainingRun OneRank => _oneRank.Value;
    public TrainingRun TwoRanks => _twoRanks.Value;
    public TrainingRun TwoRanksAgain => _twoRanksAgain.Value;
    public TrainingRun ThreeRanks => _threeRanks.Value;

    // ranks 0: the plain process, without mpirun.
    private TrainingRun Start(string name, int ranks)
    {
        string directory = Path.Combine(_root, name);
        Directory.CreateDirectory(directory);
        var job = ranks == 0 ? MpiLauncher.RunAlone(["train", directory]) : MpiLauncher.RunRanks(ranks, ["train", directory]);
        if (job.ExitCode != 0) throw new InvalidOperationException($"The {name} training run failed: {job}");
        return new TrainingRun(directory, [.. Enumerable.Range(0, Math.Max(ranks, 1)).Select(r => RunRecord.Load(Path.Combine(directory, $"rank{r}.bin")))]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

/// <summary>One run's directory (checkpoints) and what each rank recorded.</summary>
public sealed record TrainingRun(string Directory, IReadOnlyList<RunRecord> Ranks)
{
    public RunRecord Root => Ranks[0];
}
