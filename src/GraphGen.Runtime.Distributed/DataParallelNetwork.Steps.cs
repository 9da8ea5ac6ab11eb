using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using GraphGen.Training;

namespace GraphGen.Distributed;

public sealed partial class DataParallelNetwork<TTarget>
{
    /// <summary>
    /// The gradient of the global batch's mean loss, in <see cref="Gradients"/> on every rank;
    /// returns that mean loss. This rank computes its shard; one rank-ordered sum combines them:
    /// <code>
    /// g = Σ_r w_r·g_r,  loss = Σ_r w_r·loss_r,  w_r = (values rank r scores) / (values the batch scores)
    /// </code>
    /// which is the single-process gradient of the same batch up to the order of the additions.
    /// </summary>
    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        int batch = CheckBatch(input, targets);
        var shard = BatchShard.Of(batch, Group.Rank, Group.Size);
        float weight = LossWeight(targets, shard);
        Span<float> exchange = _exchange;
        Span<float> gradients = exchange[.._gradientCount];
        Span<float> state = exchange.Slice(_gradientCount, _stateCount);
        long start = Stopwatch.GetTimestamp();
        if (shard.Count > 0)
        {
            float loss = Local.ComputeGradients(shard.Rows(input, InputSize), shard.Rows(targets, TargetSize));
            TensorPrimitives.Multiply(Local.Gradients, weight, gradients);
            // The running statistics of the lowest rank with rows, every other rank adds zeros (x + 0 = x exactly).
            if (Group.Rank == StateSource(batch)) Local.State.CopyTo(state);
            else state.Clear();
            exchange[^1] = loss * weight;
        }
        else
        {
            exchange.Clear();
            if (Local is IStochasticNetwork stochastic) stochastic.TrainingSteps++;   // as a training pass on rows would
        }
        SumAndGatherOutputs(exchange, batch, shard, start);
        if (_stateCount > 0) state.CopyTo(Local.State);
        return exchange[^1];
    }

    /// <summary><see cref="ComputeGradients"/>, then <paramref name="optimizer"/> on this rank's parameters: every rank applies the same update to the same values.</summary>
    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        float loss = ComputeGradients(input, targets);
        optimizer.Step(Local.Parameters, Gradients);
        return loss;
    }

    /// <summary>The global batch's mean loss in inference mode, each rank scoring its shard; <see cref="LastOutput"/> holds every output.</summary>
    public float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        int batch = CheckBatch(input, targets);
        var shard = BatchShard.Of(batch, Group.Rank, Group.Size);
        float weight = LossWeight(targets, shard);
        long start = Stopwatch.GetTimestamp();
        if (shard.Count > 0)
            _lossExchange[0] = Local.ComputeLoss(shard.Rows(input, InputSize), shard.Rows(targets, TargetSize)) * weight;
        else
        {
            _lossExchange[0] = 0f;
            if (Local is IStochasticNetwork stochastic) stochastic.EvaluationSteps++;
        }
        SumAndGatherOutputs(_lossExchange, batch, shard, start);
        return _lossExchange[0];
    }

    /// <summary>Inference on a global batch, each rank computing its shard; every rank receives every output.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = Rows(input, nameof(input));
        if (output.Length != batch * OutputSize)
            throw new ArgumentException($"{Name}: the output span holds {output.Length} floats but a batch of {batch} needs {batch * OutputSize} ({batch} × {OutputSize}).", nameof(output));
        var shard = BatchShard.Of(batch, Group.Rank, Group.Size);
        Span<float> mine = output.Slice(shard.Start * OutputSize, shard.Count * OutputSize);
        if (shard.Count > 0) Local.Forward(shard.Rows(input, InputSize), mine);
        else if (Local is IStochasticNetwork stochastic) stochastic.EvaluationSteps++;
        SetCounts(batch, OutputSize);
        Group.AllGather(mine, output, _outputCounts);
    }

    /// <summary>Inference on this rank alone, showing every activation to <paramref name="observer"/> (activations live in one process); not a collective.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, IActivationObserver observer) => Local.Forward(input, output, observer);

    // One collective per call: the rank-ordered sum of `exchange`, with every rank's outputs gathered
    // into LastOutput in the same round trip.
    private void SumAndGatherOutputs(Span<float> exchange, int batch, BatchShard shard, long computeStart)
    {
        long communicationStart = Stopwatch.GetTimestamp();
        _computeTicks += communicationStart - computeStart;
        SetCounts(batch, OutputSize);
        _lastOutputLength = batch * OutputSize;
        ReadOnlySpan<float> mine = shard.Count > 0 ? Local.LastOutput[..(shard.Count * OutputSize)] : [];
        Group.SumInRankOrderAndGather(exchange, exchange, mine, _outputs.AsSpan(0, _lastOutputLength), _outputCounts);
        _communicationTicks += Stopwatch.GetTimestamp() - communicationStart;
    }

    private void SetCounts(int batch, int rowSize)
    {
        for (int q = 0; q < _outputCounts.Length; q++) _outputCounts[q] = BatchShard.Of(batch, q, Group.Size).Count * rowSize;
    }

    // The lowest rank whose shard has rows: rank 0 unless the batch is smaller than the group.
    private int StateSource(int batch)
    {
        int q = 0;
        while (BatchShard.Of(batch, q, Group.Size).Count == 0) q++;
        return q;
    }

    // This shard's share of what the mean loss averages: the labels that are not ignored, or the samples.
    private float LossWeight(ReadOnlySpan<TTarget> targets, BatchShard shard)
    {
        if (typeof(TTarget) != typeof(int)) return BatchShard.Weight(shard.Count, targets.Length / TargetSize);
        var labels = MemoryMarshal.Cast<TTarget, int>(targets);
        return BatchShard.Weight(Metrics.CountScored(shard.Rows(labels, TargetSize), IgnoredLabel), Metrics.CountScored(labels, IgnoredLabel));
    }

    private int CheckBatch(ReadOnlySpan<float> input, ReadOnlySpan<TTarget> targets)
    {
        int batch = Rows(input, nameof(input));
        if (targets.Length != (long)batch * TargetSize)
            throw new ArgumentException($"{Name}: {batch} samples need {batch * (long)TargetSize} targets ({TargetSize} per sample), got {targets.Length}.", nameof(targets));
        return batch;
    }

    private int Rows(ReadOnlySpan<float> input, string name)
    {
        if (input.Length == 0 || input.Length % InputSize != 0)
            throw new ArgumentException($"{Name}: the input holds {input.Length} floats, not a positive multiple of {InputSize} (the floats per sample).", name);
        int batch = input.Length / InputSize;
        if (batch > BatchCapacity)
            throw new ArgumentException($"{Name}: a global batch of {batch} exceeds the capacity {BatchCapacity} ({Group.Size} ranks × {Local.BatchCapacity} per rank); build each rank's network with a larger batchCapacity.", name);
        return batch;
    }
}
