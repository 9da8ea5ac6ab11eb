using System.Runtime.InteropServices;
using GraphGen.Training;

namespace GraphGen.Distributed.TestHost;

/// <summary>
/// Runs that must stop with a clear error instead of hanging: a rank that dies or hangs in the
/// middle of training, and replicas that stop being the same bits.
/// </summary>
public static class FailureScenarios
{
    /// <summary>The global step at which the last rank fails.</summary>
    public const int FailingStep = 5;

    /// <summary>
    /// Trains until the last rank fails at step <see cref="FailingStep"/>: "kill" (SIGKILL, as the
    /// OOM killer would), "stop" (SIGSTOP: alive but silent, as a hung process), or "throw" (an
    /// unhandled exception). The other ranks wait in their next collective until the timeout.
    /// </summary>
    /// <param name="timeout">The collective timeout once the ranks are in step (the start, with .NET's start-up and JIT, keeps the default).</param>
    public static void RankFails(MpiProcessGroup group, string how, TimeSpan timeout)
    {
        var network = new DataParallelNetwork<int>(new ShardMlp(TrainScenario.GlobalBatch, 11), group);
        group.Timeout = timeout;
        var trainer = new Trainer<int>(network, new Adam(3e-3f), SyntheticData.Classes(1), TrainScenario.GlobalBatch, seed: 7);
        int step = 0;
        trainer.BatchCompleted = (_, _, _) =>
        {
            if (++step != FailingStep || group.Rank != group.Size - 1) return;
            Console.Error.WriteLine($"rank {group.Rank}: failing now ({how}) at step {step}");
            Console.Error.Flush();
            switch (how)
            {
                case "kill": Signal(9); break;
                case "stop": Signal(19); break;
                case "throw": throw new InvalidOperationException($"rank {group.Rank} fails on purpose at step {step}");
                default: throw new ArgumentException($"unknown failure '{how}': kill, stop or throw");
            }
        };
        for (int epoch = 0; epoch < 1000; epoch++) trainer.RunEpoch(epoch);
        throw new InvalidOperationException("training finished although a rank failed at step " + FailingStep);
    }

    /// <summary>The last rank nudges one parameter after the initial broadcast; the check after the first epoch must see it.</summary>
    public static void ReplicasDiverge(MpiProcessGroup group)
    {
        var network = new DataParallelNetwork<int>(new ShardMlp(TrainScenario.GlobalBatch, 11), group);
        if (group.Rank == group.Size - 1) network.Local.Parameters[3] += 1e-6f;
        var optimizer = new Adam(3e-3f);
        var trainer = new Trainer<int>(network, optimizer, SyntheticData.Classes(1), TrainScenario.GlobalBatch, seed: 7);
        trainer.RunEpoch(0);
        network.VerifyReplicas("after epoch 0", optimizer);
        throw new InvalidOperationException("the replicas' check passed although one rank changed a parameter");
    }

    /// <summary>Rank 0 builds one network and the others another of the same target type: the wrapper must refuse at construction.</summary>
    public static void DifferentNetworks(MpiProcessGroup group)
    {
        ITrainableNetwork<int> local = group.IsRoot ? new ShardMlp(TrainScenario.GlobalBatch, 11) : new ShardTagger(TrainScenario.GlobalBatch, 11);
        _ = new DataParallelNetwork<int>(local, group);
        throw new InvalidOperationException("two different networks were accepted as replicas");
    }

    private static unsafe void Signal(int signal)
    {
        var libc = NativeLibrary.Load("libc.so.6");
        var getpid = (delegate* unmanaged<int>)NativeLibrary.GetExport(libc, "getpid");
        var kill = (delegate* unmanaged<int, int, int>)NativeLibrary.GetExport(libc, "kill");
        kill(getpid(), signal);
    }
}
