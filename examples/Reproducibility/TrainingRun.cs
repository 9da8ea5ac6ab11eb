using GraphGen.Data;
using GraphGen.Inspection;
using GraphGen.Kernels;
using GraphGen.Training;

namespace GraphGen.Examples.Reproducibility;

/// <summary>What a training run leaves behind, for bitwise comparison: every batch loss and the final parameters.</summary>
public sealed record TrainingRun(int Seed, int Threads, float[] BatchLosses, float[] Parameters, double TestAccuracy)
{
    /// <summary>SHA-256 of the parameters' bits.</summary>
    public string ParameterHash => ParameterFingerprint.Of(Parameters);

    /// <summary>True when both runs have bitwise the same batch losses and parameters.</summary>
    public bool BitwiseEquals(TrainingRun other) =>
        BatchLosses.AsSpan().SequenceEqual(other.BatchLosses) && Parameters.AsSpan().SequenceEqual(other.Parameters);

    /// <summary>
    /// Trains <see cref="WideDigitsMlp"/> on the digits from <paramref name="seed"/> (the split,
    /// the initial weights and the shuffling all derive from it) with matrix products on at most
    /// <paramref name="threads"/> threads, recording every batch loss.
    /// </summary>
    public static TrainingRun Train(int seed, int threads, int epochs, int batchSize = 256)
    {
        var data = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);
        int previousThreads = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        try
        {
            var network = new WideDigitsMlp(batchCapacity: batchSize, seed: seed);
            var trainer = new Trainer<int>(network, new AdamW(1e-3f), data.Train, batchSize, (ulong)seed);
            var losses = new List<float>();
            trainer.BatchCompleted = (_, _, loss) => losses.Add(loss);
            for (int epoch = 0; epoch < epochs; epoch++) trainer.RunEpoch(epoch, data.Validation);
            return new TrainingRun(seed, threads, [.. losses], network.Parameters.ToArray(), Trainer<int>.Evaluate(network, data.Test).Accuracy);
        }
        finally
        {
            Gemm.MaxThreads = previousThreads;
        }
    }
}
