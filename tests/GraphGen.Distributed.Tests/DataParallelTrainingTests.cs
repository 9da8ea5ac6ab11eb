using System.Numerics.Tensors;
using GraphGen.Distributed.TestHost;

namespace GraphGen.Distributed.Tests;

/// <summary>
/// Real data-parallel runs of the test host (three small networks, three epochs with the
/// ordinary Trainer, global batch 24 of 203 samples, so every epoch ends on a partial batch of
/// 11) against each other and against one process.
/// </summary>
public sealed class DataParallelTrainingTests(TrainingRuns runs) : IClassFixture<TrainingRuns>
{
    private static readonly string[] Networks = ["mlp", "tagger", "norm"];
    private static readonly string[] ProbedNetworks = [.. Networks, "lenet"];

    /// <summary>
    /// Two ranks against one process: only the order of additions differs (each rank sums its
    /// shard inside the GEMMs, then the shards are added), so the first batch's gradients agree
    /// to rounding (measured: 6e-8) and, after 27 steps of Adam or SGD on the shard networks,
    /// parameters, losses and evaluation to 1e-5 (measured: 2.4e-7 at most), also when each
    /// epoch ends on a batch of one sample that rank 0 has no part of ("mlp-tail"). The LeNet example's
    /// experiment (9 Adam steps) agrees in losses to 5e-3 (measured: 4.2e-4) but not weight by
    /// weight: Adam's first updates are ±lr whatever the gradient's size, so a weight whose
    /// gradient is zero up to rounding (26,894 of 61,706 on the first batch) may step either way.
    /// Not for the BatchNorm network: each rank normalises its own shard, as in PyTorch's DDP.
    /// </summary>
    [MpiFact]
    public void TwoRanksTrainLikeOneProcessWithTheSameGlobalBatch()
    {
        foreach (var (network, what, tolerance) in Comparisons())
        {
            double[] alone = runs.Alone.Root[$"{network}.{what}"], ranks = runs.TwoRanks.Root[$"{network}.{what}"];
            Assert.Equal(alone.Length, ranks.Length);
            for (int i = 0; i < alone.Length; i++)
                Assert.True(Math.Abs(alone[i] - ranks[i]) <= tolerance * Math.Max(1, Math.Abs(alone[i])),
                    $"{network}.{what}[{i}]: one process {alone[i]:R}, two ranks {ranks[i]:R}");
        }
        Assert.Equal(runs.Alone.Root["lenet.accuracy"], runs.TwoRanks.Root["lenet.accuracy"]);
    }

    private static IEnumerable<(string Network, string What, double Tolerance)> Comparisons()
    {
        foreach (string network in (string[])["mlp", "tagger", "mlp-tail"])
            foreach (string what in (string[])["parameters", "steps", "epochs", "evaluation", "forward", "gradients0", "loss0"])
                yield return (network, what, 1e-5);
        yield return ("lenet", "gradients0", 1e-6);
        yield return ("lenet", "loss0", 1e-6);
        yield return ("lenet", "epochs", 5e-3);
    }

    /// <summary>
    /// With one rank the weights are exactly 1 and the sum is a copy, so every figure, parameter,
    /// running statistic and checkpoint is the single process's, bit for bit: what the wrapper
    /// adds around the network changes nothing but the order of additions between ranks.
    /// </summary>
    [MpiFact]
    public void OneRankIsTheSingleProcessBitForBit()
    {
        foreach (var (name, values) in runs.OneRank.Root.Values)
        {
            if (name == "mpi-loaded" || name.StartsWith("sum.", StringComparison.Ordinal)) continue;
            Assert.True(values.AsSpan().SequenceEqual(runs.Alone.Root[name]), $"{name} differs between one rank and one process");
        }
        foreach (string network in Networks)
            Assert.Equal(File.ReadAllBytes(Path.Combine(runs.Alone.Directory, network + ".safetensors")),
                         File.ReadAllBytes(Path.Combine(runs.OneRank.Directory, network + ".safetensors")));
    }

    [MpiFact]
    public void EveryRankEndsWithTheSameBits()
    {
        foreach (var run in (TrainingRun[])[runs.TwoRanks, runs.ThreeRanks])
            foreach (var rank in run.Ranks.Skip(1))
                foreach (var (name, values) in run.Root.Values)
                    Assert.True(values.AsSpan().SequenceEqual(rank[name]), $"{name} differs between rank 0 and another rank of a {run.Ranks.Count}-rank run");
    }

    [MpiFact]
    public void TwoRankRunsAreBitwiseRepeatable()
    {
        foreach (var (name, values) in runs.TwoRanks.Root.Values)
            Assert.True(values.AsSpan().SequenceEqual(runs.TwoRanksAgain.Root[name]), $"{name} differs between two runs with two ranks");
        foreach (string network in Networks)
            Assert.Equal(File.ReadAllBytes(Path.Combine(runs.TwoRanks.Directory, network + ".safetensors")),
                         File.ReadAllBytes(Path.Combine(runs.TwoRanksAgain.Directory, network + ".safetensors")));
    }

    /// <summary>
    /// The first global batch's gradient, loss and running statistics equal, bit for bit, each
    /// shard computed alone, weighted by its share and added in rank order; with three ranks the
    /// reverse order gives other bits, so the order is really fixed (for the BatchNorm network
    /// too: this is what its ranks compute).
    /// </summary>
    [MpiFact]
    public void TheGradientIsTheShardsWeightedAndAddedInRankOrder()
    {
        foreach (var (ranks, run) in (ReadOnlySpan<(int, TrainingRun)>)[(2, runs.TwoRanks), (3, runs.ThreeRanks)])
            foreach (string network in ProbedNetworks)
                foreach (string what in (string[])["gradients0", "loss0", "state0"])
                    Assert.True(runs.Alone.Root[$"{network}.sharded{ranks}.{what}"].AsSpan().SequenceEqual(run.Root[$"{network}.{what}"]),
                        $"{network}.{what} with {ranks} ranks is not the rank-ordered sum of the weighted shards");
        int reorderedDiffer = ProbedNetworks.Count(network =>
            !runs.Alone.Root[$"{network}.sharded3.reverse-order.gradients0"].AsSpan().SequenceEqual(runs.ThreeRanks.Root[$"{network}.gradients0"]));
        Assert.True(reorderedDiffer > 0, "Adding three ranks' gradients in reverse order gave the same bits for every network: the test cannot see the order.");
    }

    [MpiFact]
    public void OnlyDistributedRunsLoadMpiAndRankZeroWritesCheckpointsEveryRankSees()
    {
        Assert.Equal(0, runs.Alone.Root["mpi-loaded"][0]);
        Assert.Equal(1, runs.TwoRanks.Root["mpi-loaded"][0]);
        foreach (var rank in runs.TwoRanks.Ranks)
            foreach (string network in Networks)
                Assert.Equal(1, rank[network + ".checkpoint-seen"][0]);
        // The checkpoint holds the parameters every rank ended with.
        var saved = Checkpoint.ReadTensors(Path.Combine(runs.TwoRanks.Directory, "mlp.safetensors"));
        var values = saved["hidden.weight"].Values.Concat(saved["hidden.bias"].Values).Concat(saved["output.weight"].Values).Concat(saved["output.bias"].Values);
        Assert.Equal(runs.TwoRanks.Root["mlp.parameters"], values.Select(v => (double)v));
    }

    [MpiFact]
    public void TheBatchNormNetworkKeepsOneSetOfRunningStatistics()
    {
        double[] state = runs.TwoRanks.Root["norm.state"];
        Assert.Equal(33, state.Length);
        Assert.Contains(state, v => v != 0 && v != 1);   // trained, not the initial zeros and ones
        Assert.Equal(3 * 9, state[^1]);                   // num_batches_tracked: a whole count of the 27 steps, not an average
        Assert.True(state.AsSpan().SequenceEqual(runs.TwoRanks.Ranks[1]["norm.state"]));
    }

    /// <summary>
    /// SumInRankOrder on arenas from 1 to 100,003 floats: with three ranks the small ones go by
    /// full exchange and the large ones by reduce-scatter and all-gather; every rank gets
    /// ((x₀ + x₁) + x₂) exactly, which another order would not give.
    /// </summary>
    [MpiFact]
    public void SumsAddTheRanksInRankOrderWhicheverWayTheyTravel()
    {
        foreach (var run in (TrainingRun[])[runs.TwoRanks, runs.ThreeRanks])
            foreach (int length in SumCheck.Lengths)
            {
                float[] expected = SumCheck.Contribution(length, 0);
                for (int rank = 1; rank < run.Ranks.Count; rank++) TensorPrimitives.Add(expected, SumCheck.Contribution(length, rank), expected);
                foreach (var rank in run.Ranks)
                    Assert.True(expected.Select(v => (double)v).SequenceEqual(rank[$"sum.{length}"]), $"sum of {length} floats over {run.Ranks.Count} ranks");
            }
        float[] reversed = SumCheck.Contribution(100_003, 2);
        TensorPrimitives.Add(reversed, SumCheck.Contribution(100_003, 1), reversed);
        TensorPrimitives.Add(reversed, SumCheck.Contribution(100_003, 0), reversed);
        Assert.False(reversed.Select(v => (double)v).SequenceEqual(runs.ThreeRanks.Root["sum.100003"]), "the reverse order gave the same bits: the check cannot see the order");
    }
}
