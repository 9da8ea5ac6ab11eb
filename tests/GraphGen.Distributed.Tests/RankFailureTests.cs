using GraphGen.Distributed.TestHost;

namespace GraphGen.Distributed.Tests;

/// <summary>
/// A rank that dies, hangs or throws in the middle of training (at step
/// <see cref="FailureScenarios.FailingStep"/>) must stop the whole job with an error that says
/// so, within the collective timeout and never as a hang; replicas that drift apart must stop it too.
/// </summary>
public sealed class RankFailureTests
{
    private const int TimeoutSeconds = 6;

    // Startup of two .NET processes on a busy two-core machine, five tiny steps, the timeout.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(TimeoutSeconds + 40);

    private static readonly string Timeout = TimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // For the runs that stop without a timeout: one through the environment, as a user sets it, long
    // enough for the ranks' start-up on a busy machine.
    private static readonly Dictionary<string, string> EnvironmentTimeout = new() { [MpiProcessGroup.TimeoutVariable] = "60" };

    // The gradient arena of ShardMlp (276 floats) and the loss: with two ranks one exchange per step.
    private static string SurvivorError => $"MPI rank 0 of 2: sum of 277 floats (exchanging contributions): rank 1 did not answer within {TimeoutSeconds} s";

    /// <summary>A hung rank (SIGSTOP: alive, silent) is what MPI cannot see; the survivor's timeout must.</summary>
    [MpiFact]
    public void AHungRankStopsTheOthersWithinTheTimeout()
    {
        var job = MpiLauncher.RunRanks(2, ["fail", "stop", Timeout], hardLimit: Deadline);
        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.Contains("rank 1: failing now (stop) at step 5", job.Output);
        Assert.Contains(SurvivorError, job.Output);
        Assert.Contains("MPI rank 0: aborting the job", job.Output);
        Assert.True(job.Elapsed < Deadline, job.ToString());
    }

    /// <summary>
    /// A killed rank (SIGKILL, as the OOM killer sends) under a launcher that keeps the job
    /// running (--enable-recovery, as a job on several hosts may when a host vanishes): the
    /// survivor stops with its own error.
    /// </summary>
    [MpiFact]
    public void AKilledRankStopsTheOthersWithinTheTimeout()
    {
        var job = MpiLauncher.RunRanks(2, ["fail", "kill", Timeout], mpirunOptions: ["--enable-recovery"], hardLimit: Deadline);
        // (Open MPI 4.1's mpirun --enable-recovery exits 0 even after MPI_Abort: the exit code says nothing here.)
        Assert.Contains("rank 1: failing now (kill) at step 5", job.Output);
        Assert.Contains(SurvivorError, job.Output);
        Assert.Contains("MPI rank 0: aborting the job", job.Output);
        Assert.True(job.Elapsed < Deadline, job.ToString());
    }

    /// <summary>With mpirun's defaults a killed rank ends the job at once: mpirun itself notices and says which rank died.</summary>
    [MpiFact]
    public void AKilledRankEndsTheJobUnderDefaultMpirun()
    {
        var job = MpiLauncher.RunRanks(2, ["fail", "kill", Timeout], hardLimit: Deadline);
        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.Contains("rank 1: failing now (kill) at step 5", job.Output);
        Assert.Contains("process rank 1", job.Output);
        Assert.Contains("exited on signal 9", job.Output);
        Assert.True(job.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds + 30), job.ToString());
    }

    /// <summary>An unhandled exception on one rank aborts the job at once, without waiting for the others' timeout.</summary>
    [MpiFact]
    public void AnUnhandledExceptionOnOneRankAbortsTheJob()
    {
        var job = MpiLauncher.RunRanks(2, ["fail", "throw", "600"], hardLimit: Deadline);
        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.Contains("rank 1 fails on purpose at step 5", job.Output);
        Assert.Contains("MPI rank 1: aborting the job: unhandled InvalidOperationException on rank 1", job.Output);
        Assert.DoesNotContain("did not answer", job.Output);
    }

    [MpiFact]
    public void ReplicasThatDifferStopTheRunAtTheEpochCheck()
    {
        var job = MpiLauncher.RunRanks(2, ["diverge"], EnvironmentTimeout, hardLimit: Deadline);
        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.Contains("ReplicaMismatchException: The parameters, state and optimizer state of ShardMlp after epoch 0 differ across ranks", job.Output);
        Assert.DoesNotContain("the replicas' check passed", job.Output);
    }

    [MpiFact]
    public void RanksWithDifferentNetworksAreRefusedBeforeAnyParameterMoves()
    {
        var job = MpiLauncher.RunRanks(2, ["different-networks"], EnvironmentTimeout, hardLimit: Deadline);
        Assert.True(job.ExitCode != 0, job.ToString());
        Assert.Contains("ReplicaMismatchException: The networks (rank ", job.Output);   // whichever rank's message comes out before the abort
        Assert.Contains("differ across ranks (fingerprint by rank: 0: ", job.Output);
    }
}
