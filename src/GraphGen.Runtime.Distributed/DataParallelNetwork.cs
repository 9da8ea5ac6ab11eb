using System.Diagnostics;

namespace GraphGen.Distributed;

/// <summary>
/// Data-parallel training of a generated network over MPI, behind the same
/// <see cref="ITrainableNetwork{TTarget}"/> as the network itself, so the
/// <see cref="Training.Trainer{T}"/>, evaluation and checkpoints work unchanged: every rank runs
/// the same program on the same data, and each call that takes a batch takes the whole global
/// batch, computes only this rank's <see cref="BatchShard"/> of it on <see cref="Local"/>, and
/// combines the ranks' results.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Construction copies rank 0's parameters and non-trainable state (BatchNorm running
/// statistics) to every rank, after checking that every rank holds the same network.</item>
/// <item><see cref="ComputeGradients"/>: each rank weights its shard's mean-loss gradient by its
/// share of the global batch (<see cref="BatchShard.Weight"/>), and one rank-ordered sum
/// (<see cref="MpiProcessGroup.SumInRankOrder"/>) over the gradient arena, with the loss
/// appended, gives every rank the gradient of the global batch's mean loss, the same bits on
/// every rank and in every run. The outputs are gathered, so <see cref="LastOutput"/> (and the
/// trainer's accuracy) covers the whole batch.</item>
/// <item><see cref="TrainStep"/> then applies the optimizer on every rank to identical
/// parameters and gradients: the replicas stay identical, which <see cref="VerifyReplicas"/>
/// checks (once per epoch is plenty).</item>
/// <item>Non-trainable state follows PyTorch's DistributedDataParallel: BatchNorm normalises each
/// shard with the shard's batch statistics, and after each step every rank takes the running
/// statistics of the lowest rank with rows in the batch (rank 0 unless the batch has fewer
/// samples than there are ranks).</item>
/// </list>
/// Every member that takes a batch is a collective: all ranks call it, in the same order, with
/// the same batch. <see cref="Forward(ReadOnlySpan{float}, Span{float}, IActivationObserver)"/> is
/// the exception: activations are per process, so it runs on this rank alone.
/// <para>
/// Dropout masks are a function of (seed, step, position in the local batch): build each rank's
/// network with its own seed (<c>seed + rank</c>; the initial parameters come from rank 0 anyway)
/// so that ranks do not drop the same positions of their shards.
/// </para>
/// </remarks>
public sealed partial class DataParallelNetwork<TTarget> : ITrainableNetwork<TTarget> where TTarget : unmanaged
{
    private readonly float[] _exchange;       // [gradients | state | loss], summed in rank order (pinned)
    private readonly float[] _outputs;        // the global batch's outputs, gathered (pinned)
    private readonly float[] _lossExchange;   // [loss] for evaluation (pinned)
    private readonly int[] _outputCounts;
    private readonly int _gradientCount, _stateCount;
    private int _lastOutputLength;
    private long _computeTicks, _communicationTicks;

    /// <summary>
    /// Wraps this rank's <paramref name="local"/> network for training with the ranks of
    /// <paramref name="group"/>, and copies rank 0's parameters and state to every rank (a
    /// collective: every rank constructs its wrapper at the same point of the program).
    /// </summary>
    /// <exception cref="ReplicaMismatchException">The ranks hold different networks (names, shapes or sizes differ).</exception>
    public DataParallelNetwork(ITrainableNetwork<TTarget> local, MpiProcessGroup group)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(group);
        if (typeof(TTarget) != typeof(int) && typeof(TTarget) != typeof(float))
            throw new ArgumentException("Targets are int class labels or float values.", nameof(TTarget));
        Local = local;
        Group = group;
        _gradientCount = local.Parameters.Length;
        _stateCount = local.State.Length;
        BatchCapacity = (int)Math.Min((long)local.BatchCapacity * group.Size, int.MaxValue);
        _exchange = GC.AllocateArray<float>(_gradientCount + _stateCount + 1, pinned: true);
        _outputs = GC.AllocateArray<float>(checked(BatchCapacity * local.OutputSize), pinned: true);
        _lossExchange = GC.AllocateArray<float>(1, pinned: true);
        _outputCounts = new int[group.Size];

        // Same architecture everywhere, before any message whose size depends on it.
        CheckSame(StructureFingerprint(local), $"The networks (rank {group.Rank} holds {local.Name}; compared: names, parameter and state tables, input, output and target sizes)");
        group.Broadcast(local.Parameters);
        if (_stateCount > 0) group.Broadcast(local.State);
        if (local is IStochasticNetwork stochastic)
        {
            stochastic.TrainingSteps = (long)group.AllGather((ulong)stochastic.TrainingSteps)[0];
            stochastic.EvaluationSteps = (long)group.AllGather((ulong)stochastic.EvaluationSteps)[0];
        }
    }

    /// <summary>This rank's network: the replica that computes this rank's shards.</summary>
    public ITrainableNetwork<TTarget> Local { get; }

    /// <summary>The ranks that train together.</summary>
    public MpiProcessGroup Group { get; }

    /// <inheritdoc/>
    public string Name => Local.Name;

    /// <inheritdoc/>
    public int InputSize => Local.InputSize;

    /// <inheritdoc/>
    public int OutputSize => Local.OutputSize;

    /// <summary>The largest global batch: the local capacity times the number of ranks, so that every shard fits its rank's network.</summary>
    public int BatchCapacity { get; }

    /// <inheritdoc/>
    public ParameterTable ParameterTable => Local.ParameterTable;

    /// <summary>This rank's parameters: the same bits on every rank.</summary>
    public Span<float> Parameters => Local.Parameters;

    /// <inheritdoc/>
    public ParameterTable StateTable => Local.StateTable;

    /// <inheritdoc/>
    public Span<float> State => Local.State;

    /// <inheritdoc/>
    public bool CheckFinite
    {
        get => Local.CheckFinite;
        set => Local.CheckFinite = value;
    }

    /// <inheritdoc/>
    public IReadOnlyList<TensorInfo> Activations => Local.Activations;

    /// <inheritdoc/>
    public int TargetSize => Local.TargetSize;

    /// <inheritdoc/>
    public int? IgnoredLabel => Local.IgnoredLabel;

    /// <summary>The gradient of the global batch's mean loss, from the last <see cref="ComputeGradients"/> (the same bits on every rank).</summary>
    public ReadOnlySpan<float> Gradients => _exchange.AsSpan(0, _gradientCount);

    /// <summary>The outputs of the whole global batch of the last call that took one, gathered from every rank.</summary>
    public ReadOnlySpan<float> LastOutput => _outputs.AsSpan(0, _lastOutputLength);

    /// <summary>Time this rank spent computing its shards (forward, loss, backward, weighting) in the calls that take a batch, since construction.</summary>
    public TimeSpan ComputeTime => Stopwatch.GetElapsedTime(0, _computeTicks);

    /// <summary>
    /// Time this rank spent in those calls' collectives since construction: sending, receiving and
    /// adding, and waiting for slower ranks. Against <see cref="ComputeTime"/> it says whether the
    /// batch is large enough for the network's arena to be worth sending.
    /// </summary>
    public TimeSpan CommunicationTime => Stopwatch.GetElapsedTime(0, _communicationTicks);

    /// <summary>
    /// Checks that every rank's parameters, state (and <paramref name="optimizer"/>'s state and
    /// step count, when given) are the same bits: a fingerprint per rank, gathered and compared.
    /// Call it once per epoch; a collective.
    /// </summary>
    /// <param name="when">Names the moment in the error message, e.g. "after epoch 3".</param>
    /// <param name="optimizer">This rank's optimizer, to check its state too.</param>
    /// <exception cref="ReplicaMismatchException">The replicas differ.</exception>
    public void VerifyReplicas(string when, Optimizer? optimizer = null)
    {
        var fingerprint = new Fingerprint();
        fingerprint.Add(Local.Parameters);
        fingerprint.Add(Local.State);
        if (Local is IStochasticNetwork stochastic)
        {
            fingerprint.Add((ulong)stochastic.TrainingSteps);
            fingerprint.Add((ulong)stochastic.EvaluationSteps);
        }
        if (optimizer is not null)
        {
            fingerprint.Add((ulong)optimizer.StepCount);
            foreach (var (name, values) in optimizer.State)
            {
                fingerprint.Add(name);
                fingerprint.Add(values);
            }
        }
        CheckSame(fingerprint.Value, $"The parameters, state{(optimizer is null ? "" : " and optimizer state")} of {Name} {when}");
    }

    /// <summary>
    /// Rank 0 writes the checkpoint (<see cref="Checkpoint.Save"/>, atomic) while the other ranks
    /// wait for it, so that on every rank the file is complete when this returns (on a file system
    /// the ranks share), and a failure to write stops every rank. A collective.
    /// </summary>
    /// <exception cref="IOException">On ranks other than 0, when rank 0 could not write the file (rank 0 throws its own error).</exception>
    public void SaveCheckpoint(string path, Optimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Exception? failure = null;
        if (Group.IsRoot)
        {
            try
            {
                Checkpoint.Save(path, Local, optimizer, metadata);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }
        bool written = Group.AllGather(failure is null ? 1UL : 0UL)[0] == 1;
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        if (!written) throw new IOException($"Rank 0 could not write the checkpoint {path}; its own error says why.");
    }

    private void CheckSame(ulong fingerprint, string what)
    {
        ulong[] all = Group.AllGather(fingerprint);
        foreach (ulong other in all)
            if (other != all[0]) throw new ReplicaMismatchException(what, all);
    }

    private static ulong StructureFingerprint(ITrainableNetwork<TTarget> network)
    {
        var fingerprint = new Fingerprint();
        fingerprint.Add(network.Name);
        fingerprint.Add((ulong)network.InputSize);
        fingerprint.Add((ulong)network.OutputSize);
        fingerprint.Add((ulong)network.TargetSize);
        foreach (var table in (ReadOnlySpan<ParameterTable>)[network.ParameterTable, network.StateTable])
        {
            fingerprint.Add((ulong)table.Count);
            foreach (var p in table.Parameters)
            {
                fingerprint.Add(p.Name);
                fingerprint.Add((ulong)p.Offset);
                fingerprint.Add((ulong)p.Count);
            }
        }
        fingerprint.Add((ulong)network.Parameters.Length);
        fingerprint.Add((ulong)network.State.Length);
        return fingerprint.Value;
    }
}
