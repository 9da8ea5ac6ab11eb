using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Distributed.TestHost;

/// <summary>
/// What N ranks must compute for the first global batch, emulated in one process with nothing
/// but the network: each shard's mean-loss gradient on a fresh replica, times the shard's share,
/// added in rank order; the running statistics are rank 0's. The ranks' result must equal this
/// bit for bit, which pins down the sharding, the weights and the order of the additions
/// (with three ranks, ((x₀ + x₁) + x₂) differs from other orders in the last bits).
/// </summary>
public static class ShardEmulation
{
    public static void Record<T>(string name, Func<ITrainableNetwork<T>> create, Dataset train, int globalBatch, ulong shuffleSeed, int ranks, RunRecord record)
        where T : unmanaged
    {
        var batches = new BatchIterator(train, globalBatch, shuffleSeed);
        foreach (Batch batch in batches.Epoch(0))
        {
            ReadOnlySpan<T> targets = TrainScenario.Targets<T>(batch);
            float[]? sum = null;
            var pieces = new List<float[]>();
            float[] state = [];
            float loss = 0;
            for (int rank = 0; rank < ranks; rank++)
            {
                var replica = create();
                var shard = BatchShard.Of(batch.Size, rank, ranks);
                float weight = typeof(T) == typeof(int)
                    ? BatchShard.Weight(Metrics.CountScored(shard.Rows(batch.Labels, replica.TargetSize), replica.IgnoredLabel), Metrics.CountScored(batch.Labels, replica.IgnoredLabel))
                    : BatchShard.Weight(shard.Count, batch.Size);
                float shardLoss = replica.ComputeGradients(shard.Rows(batch.Features, replica.InputSize), shard.Rows(targets, replica.TargetSize));
                var weighted = new float[replica.Gradients.Length];
                TensorPrimitives.Multiply(replica.Gradients, weight, weighted);
                pieces.Add(weighted);
                if (sum is null)
                {
                    sum = (float[])weighted.Clone();
                    loss = shardLoss * weight;
                    state = replica.State.ToArray();
                }
                else
                {
                    TensorPrimitives.Add(sum, weighted, sum);
                    loss += shardLoss * weight;
                }
            }
            record.Add($"{name}.sharded{ranks}.gradients0", sum);
            record.Add($"{name}.sharded{ranks}.loss0", loss);
            record.Add($"{name}.sharded{ranks}.state0", state);
            // The other order, (((x_N-1 + x_N-2) + ...) + x0), to show that the order is visible in the bits.
            float[] reversed = (float[])pieces[^1].Clone();
            for (int rank = ranks - 2; rank >= 0; rank--) TensorPrimitives.Add(reversed, pieces[rank], reversed);
            record.Add($"{name}.sharded{ranks}.reverse-order.gradients0", reversed);
            return;
        }
    }
}
