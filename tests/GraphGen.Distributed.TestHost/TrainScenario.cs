using System.Runtime.InteropServices;
using GraphGen.Data;
using GraphGen.Examples.LeNet;
using GraphGen.Training;

namespace GraphGen.Distributed.TestHost;

/// <summary>
/// Trains the three shard networks for three epochs with the ordinary <see cref="Trainer{T}"/>,
/// alone or, under mpirun, through <see cref="DataParallelNetwork{TTarget}"/>, and records
/// per network: the gradient of the first global batch, every step's loss, each epoch's
/// figures, the final parameters and state, an evaluation, and the checkpoint's bytes.
/// </summary>
public static class TrainScenario
{
    public const int GlobalBatch = 24, Epochs = 3;
    private const ulong ShuffleSeed = 7;

    public static void Run(MpiProcessGroup? group, string outputDirectory)
    {
        var record = new RunRecord();
        Train("mlp", seed => new ShardMlp(GlobalBatch, seed), SyntheticData.Classes(1), SyntheticData.Classes(2, 61), () => new Adam(3e-3f), group, record, outputDirectory);
        Train("tagger", seed => new ShardTagger(GlobalBatch, seed), SyntheticData.Tags(3), SyntheticData.Tags(4, 61), () => new Sgd(0.1f, momentum: 0.9f), group, record, outputDirectory);
        Train("norm", seed => new ShardNormRegression(GlobalBatch, seed), SyntheticData.Regression(5), SyntheticData.Regression(6, 61), () => new AdamW(1e-2f), group, record, outputDirectory);
        // 49 samples: every epoch ends on a batch of one sample, so rank 0 (and with three ranks rank 1) has no rows.
        Train("mlp-tail", seed => new ShardMlp(GlobalBatch, seed), SyntheticData.Classes(1, 49), SyntheticData.Classes(2, 61), () => new Adam(3e-3f), group, record, outputDirectory);
        // Alone, libmpi must not even be mapped: single-process training needs no MPI.
        TrainLeNet(group, record);
        if (group is not null) SumCheck.Record(group, record);
        record.Add("mpi-loaded", File.ReadLines("/proc/self/maps").Any(line => line.Contains("libmpi.so", StringComparison.Ordinal)) ? 1 : 0);
        record.Save(Path.Combine(outputDirectory, $"rank{group?.Rank ?? 0}.bin"));
    }

    private static void Train<T>(string name, Func<int, ITrainableNetwork<T>> create, Dataset train, Dataset validation, Func<Optimizer> createOptimizer,
        MpiProcessGroup? group, RunRecord record, string outputDirectory) where T : unmanaged
    {
        // Every rank builds its replica with its own seed: rank 0's parameters must reach the others.
        int seed = 11 + (group?.Rank ?? 0);

        var probe = Distribute(create(seed), group);
        var batches = new BatchIterator(train, GlobalBatch, ShuffleSeed);
        foreach (Batch batch in batches.Epoch(0))
        {
            record.Add(name + ".loss0", probe.ComputeGradients(batch.Features, Targets<T>(batch)));
            record.Add(name + ".gradients0", probe.Gradients);
            record.Add(name + ".state0", probe.State);
            break;
        }
        if (group is null)
        {
            ShardEmulation.Record(name, () => create(seed), train, GlobalBatch, ShuffleSeed, ranks: 2, record);
            ShardEmulation.Record(name, () => create(seed), train, GlobalBatch, ShuffleSeed, ranks: 3, record);
        }

        var network = Distribute(create(seed), group);
        var optimizer = createOptimizer();
        var trainer = new Trainer<T>(network, optimizer, train, GlobalBatch, ShuffleSeed);
        var stepLosses = new List<double>();
        trainer.BatchCompleted = (_, _, loss) => stepLosses.Add(loss);
        var epochLosses = new List<double>();
        var epochAccuracies = new List<double>();
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            var stats = trainer.RunEpoch(epoch, validation);
            epochLosses.AddRange([stats.Train.Loss, stats.Validation!.Value.Loss]);
            epochAccuracies.AddRange([stats.Train.Accuracy, stats.Validation!.Value.Accuracy]);
            (network as DataParallelNetwork<T>)?.VerifyReplicas($"after epoch {epoch}", optimizer);
        }
        record.Add(name + ".steps", [.. stepLosses]);
        record.Add(name + ".epochs", [.. epochLosses]);
        record.Add(name + ".accuracy", [.. epochAccuracies]);
        record.Add(name + ".parameters", network.Parameters);
        record.Add(name + ".state", network.State);
        int rows = Math.Min(validation.Count, GlobalBatch);   // one batch, the same on one process and on N ranks
        var outputs = new float[rows * network.OutputSize];
        network.Forward(validation.Features.AsSpan(0, rows * network.InputSize), outputs);
        record.Add(name + ".forward", outputs);
        var evaluation = Trainer<T>.Evaluate(network, validation);
        record.Add(name + ".evaluation", evaluation.Loss, evaluation.Accuracy, evaluation.Samples);

        string checkpoint = Path.Combine(outputDirectory, name + ".safetensors");
        if (network is DataParallelNetwork<T> parallel) parallel.SaveCheckpoint(checkpoint, optimizer);
        else Checkpoint.Save(checkpoint, network, optimizer);
        // Every rank sees the file when SaveCheckpoint returns (rank 0 wrote it before the barrier).
        record.Add(name + ".checkpoint-seen", File.Exists(checkpoint) ? 1 : 0);
    }

    /// <summary>The LeNet example's own experiment (one epoch of 300 synthetic images, batch 32), data-parallel when a group is given.</summary>
    private static void TrainLeNet(MpiProcessGroup? group, RunRecord record)
    {
        // The first batch's gradient, as for the shard networks (LeNet5 is the example's own network).
        Dataset images = SyntheticData.Images(8, 300);
        var probe = Distribute<int>(new LeNet5(batchCapacity: 32, seed: group?.Rank ?? 0), group);
        foreach (Batch batch in new BatchIterator(images, 32, ShuffleSeed).Epoch(0))
        {
            record.Add("lenet.loss0", probe.ComputeGradients(batch.Features, batch.Labels));
            record.Add("lenet.gradients0", probe.Gradients);
            record.Add("lenet.state0", probe.State);
            break;
        }
        if (group is null)
            foreach (int ranks in (ReadOnlySpan<int>)[2, 3])
                ShardEmulation.Record<int>("lenet", () => new LeNet5(batchCapacity: 32, seed: 0), images, 32, ShuffleSeed, ranks, record);

        var result = LeNetExperiment.Run(images, SyntheticData.Images(9, 60), epochs: 1, seed: 0, batchSize: 32, learningRate: 2e-3f, TextWriter.Null, group);
        var epoch = result.History.Epochs[0];
        record.Add("lenet.parameters", result.Network.Parameters);
        record.Add("lenet.epochs", epoch.Train.Loss, epoch.Validation!.Value.Loss, result.Test.Loss);
        record.Add("lenet.accuracy", epoch.Train.Accuracy, epoch.Validation!.Value.Accuracy, result.Test.Accuracy);
    }

    private static ITrainableNetwork<T> Distribute<T>(ITrainableNetwork<T> local, MpiProcessGroup? group) where T : unmanaged =>
        group is null ? local : new DataParallelNetwork<T>(local, group);

    internal static ReadOnlySpan<T> Targets<T>(Batch batch) where T : unmanaged =>
        typeof(T) == typeof(int) ? MemoryMarshal.Cast<int, T>(batch.Labels) : MemoryMarshal.Cast<float, T>(batch.Targets);
}
