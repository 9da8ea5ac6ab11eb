using GraphGen.Data;

namespace GraphGen.Examples.BackpropExercise;

/// <summary>The network and batch the exercise is checked on: the 8×8 digits, a network trained for a few steps so that γ and β are no longer 1 and 0.</summary>
public static class ExerciseBatch
{
    /// <summary>
    /// The network after <paramref name="warmupSteps"/> Adam steps on the training digits, and the
    /// first <paramref name="batchSize"/> validation digits (a batch it has not trained on).
    /// </summary>
    public static (BatchNormMlp Network, float[] X, int[] Y) Create(int seed, int batchSize, int warmupSteps)
    {
        var digits = DatasetSplit.StratifiedSplit(Datasets.Digits().ScaleFeatures(1f / 16), 0.7, 0.15, (ulong)seed);
        var network = new BatchNormMlp(batchCapacity: Math.Max(batchSize, 64), seed: seed);
        var optimizer = new Adam(1e-2f);
        var batches = new BatchIterator(digits.Train, batchSize, (ulong)seed, dropLast: true);
        for (int epoch = 0, step = 0; step < warmupSteps; epoch++)
        {
            foreach (Batch batch in batches.Epoch(epoch))
            {
                if (step == warmupSteps) break;
                network.TrainStep(batch.Features, batch.Labels, optimizer);
                step++;
            }
        }
        var held = digits.Validation;
        return (network, held.Features.AsSpan(0, batchSize * 64).ToArray(), held.Labels.AsSpan(0, batchSize).ToArray());
    }
}
