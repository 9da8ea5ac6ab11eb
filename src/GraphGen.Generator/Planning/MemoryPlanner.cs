using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Places every buffer in one arena. A buffer is live from the first step that touches it to
/// the last (inclusive, in training order: forward, loss, backward); two buffers may share
/// floats only when their live ranges do not overlap. Placement is greedy first-fit by start
/// step, largest first, which is optimal for interval graphs when sizes are equal and close
/// to it otherwise. Offsets are in floats per sample: a buffer occupies
/// [Offset·capacity, (Offset + Width)·capacity).
/// <para>
/// Modal steps make passes that never run together: training (the training branches, the loss and
/// the backward pass), inference, observed inference and the channel-blocked inference
/// (<see cref="ChannelBlocking"/>), each with the loss after it. Two buffers that no one pass both
/// touches never hold values at once, so they may share floats whatever their steps, unless the
/// caller reads one after its pass (an output, dLoss/dInput): the channel-blocked twins share with
/// the training pass's buffers, a pre-activation stored only while observed shares with the slope
/// that training saves in its place.
/// </para>
/// </summary>
internal static class MemoryPlanner
{
    [System.Flags]
    private enum Pass { Training = 1, Inference = 2, Observed = 4, Blocked = 8 }

    /// <summary>For each buffer, the passes that touch it (see the class remarks).</summary>
    private static Pass[] PassesOf(KernelPlan plan)
    {
        var passes = new Pass[plan.Buffers.Count];
        void Mark(IEnumerable<KernelStep> steps, Pass pass)
        {
            foreach (var use in steps.SelectMany(s => s.Uses))
                if (use.Operand.Kind == OperandKind.Buffer) passes[use.Operand.Index] |= pass;
        }
        IEnumerable<KernelStep> Branch(System.Func<ModalStep, IReadOnlyList<KernelStep>> branch) =>
            plan.Forward.SelectMany(s => s is ModalStep m ? branch(m) : [s]).Concat(plan.Loss);
        Mark(Branch(m => m.Training).Concat(plan.Backward), Pass.Training);
        Mark(Branch(m => m.Inference), Pass.Inference);
        Mark(Branch(m => m.ObservedInference ?? m.Inference), Pass.Observed);
        Mark(Branch(m => m.BlockedInference ?? m.Inference), Pass.Blocked);
        return passes;
    }

    public static KernelPlan Place(KernelPlan plan)
    {
        var steps = plan.AllSteps.ToList();
        int end = steps.Count;
        var first = new int[plan.Buffers.Count];
        var last = new int[plan.Buffers.Count];
        for (int b = 0; b < first.Length; b++) (first[b], last[b]) = (int.MaxValue, -1);
        for (int s = 0; s < steps.Count; s++)
        {
            foreach (var use in steps[s].Uses)
            {
                if (use.Operand.Kind != OperandKind.Buffer) continue;
                int b = use.Operand.Index;
                if (s < first[b]) first[b] = s;
                if (s > last[b]) last[b] = s;
            }
        }
        // An alias is its root's floats: the root lives from the first use of either to the last.
        foreach (var alias in plan.Buffers.Where(b => b.AliasOf >= 0))
        {
            first[alias.AliasOf] = System.Math.Min(first[alias.AliasOf], first[alias.Id]);
            last[alias.AliasOf] = System.Math.Max(last[alias.AliasOf], last[alias.Id]);
        }
        var buffers = plan.Buffers.Select(buffer =>
        {
            bool pinned = plan.Outputs.Any(o => o.Kind == OperandKind.Buffer && o.Index == buffer.Id)
                || plan.InputGradient is { Kind: OperandKind.Buffer } dx && buffer.Id == dx.Index;
            int firstStep = first[buffer.Id] == int.MaxValue ? end : first[buffer.Id];
            int lastStep = pinned || last[buffer.Id] < firstStep ? end : last[buffer.Id];
            return buffer with { Pinned = pinned, FirstStep = firstStep, LastStep = lastStep };
        }).ToList();

        long fixedOffset = 0;
        foreach (var buffer in buffers.Where(b => !b.Unused && b.Fixed).ToList())
        {
            buffers[buffer.Id] = buffer with { Offset = (int)fixedOffset };
            fixedOffset += buffer.Width;
            if (fixedOffset > Graphs.NetworkLimits.MaxFloats)
                throw new Graphs.NetworkLimitException($"The network's per-channel statistics need more than {Graphs.NetworkLimits.FloatsLimitText}");
        }

        var passes = PassesOf(plan);
        foreach (var alias in plan.Buffers.Where(b => b.AliasOf >= 0)) passes[alias.AliasOf] |= passes[alias.Id];
        // Whether a and b can never hold values at once: no pass touches both, and the caller reads neither after its pass.
        bool Apart(Buffer a, Buffer b) => (passes[a.Id] & passes[b.Id]) == 0 && !a.Pinned && !b.Pinned;
        var arena = buffers.Where(b => !b.Unused && !b.Fixed && b.AliasOf < 0).ToList();
        // First fit in two orders, by start step and by size, and the smaller arena of the two (the
        // first when they tie): either order alone leaves gaps the other fills on some networks.
        var byStart = Place(arena.OrderBy(b => b.FirstStep).ThenByDescending(b => b.Width).ThenBy(b => b.Id), Apart);
        var bySize = Place(arena.OrderByDescending(b => b.Width).ThenBy(b => b.FirstStep).ThenBy(b => b.Id), Apart);
        var placed = Width(bySize) < Width(byStart) ? bySize : byStart;
        foreach (var buffer in placed) buffers[buffer.Id] = buffer;
        foreach (var alias in buffers.Where(b => b.AliasOf >= 0).ToList())
            buffers[alias.Id] = alias with { Offset = buffers[alias.AliasOf].Offset };
        return plan with
        {
            Buffers = buffers,
            FixedSize = (int)fixedOffset,
            ArenaWidth = Width(placed),
        };
    }

    private static int Width(List<Buffer> placed) => placed.Count == 0 ? 0 : placed.Max(b => b.Offset + b.Width);

    /// <summary>First fit: each buffer, in the order given, at the lowest offset where it overlaps no placed buffer alive with it.</summary>
    private static List<Buffer> Place(IEnumerable<Buffer> order, System.Func<Buffer, Buffer, bool> apart)
    {
        var placed = new List<Buffer>();
        foreach (var buffer in order)
        {
            var conflicts = placed
                .Where(p => p.FirstStep <= buffer.LastStep && buffer.FirstStep <= p.LastStep && !apart(p, buffer))
                .OrderBy(p => p.Offset)
                .ToList();
            long offset = 0;
            foreach (var other in conflicts)
            {
                if (offset + buffer.Width <= other.Offset) break;
                offset = System.Math.Max(offset, (long)other.Offset + other.Width);
            }
            if (offset + buffer.Width > Graphs.NetworkLimits.MaxFloats)
                throw new Graphs.NetworkLimitException(
                    $"The activations and gradients that are alive at the same time during a training step need more than {Graphs.NetworkLimits.FloatsLimitText} per sample " +
                    $"(at {buffer.Name}, {Graphs.NetworkLimits.Count(buffer.Width)} floats per sample); use smaller tensors");
            placed.Add(buffer with { Offset = (int)offset });
        }
        return placed;
    }
}
