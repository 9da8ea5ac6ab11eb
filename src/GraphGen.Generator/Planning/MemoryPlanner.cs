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
/// </summary>
internal static class MemoryPlanner
{
    public static void Plan(KernelPlan plan)
    {
        var steps = plan.AllSteps.ToList();
        for (int s = 0; s < steps.Count; s++)
        {
            foreach (var operand in steps[s].Reads.Concat(steps[s].Writes))
            {
                if (operand.Kind != OperandKind.Buffer) continue;
                var buffer = plan.Buffers[operand.Index];
                if (s < buffer.FirstStep) buffer.FirstStep = s;
                if (s > buffer.LastStep) buffer.LastStep = s;
            }
        }
        int end = steps.Count;
        foreach (var buffer in plan.Buffers)
        {
            if (plan.Outputs.Exists(o => o.Kind == OperandKind.Buffer && o.Index == buffer.Id)) buffer.Pinned = true;
            if (plan.InputGradient is { Kind: OperandKind.Buffer } dx && buffer.Id == dx.Index) buffer.Pinned = true;
            if (buffer.FirstStep == int.MaxValue) buffer.FirstStep = end;
            if (buffer.Pinned || buffer.LastStep < buffer.FirstStep) buffer.LastStep = end;
        }

        int fixedOffset = 0;
        foreach (var buffer in plan.Buffers.Where(b => !b.Unused && b.Fixed))
        {
            buffer.Offset = fixedOffset;
            fixedOffset += buffer.Width;
        }
        plan.FixedSize = fixedOffset;

        var placed = new List<Buffer>();
        foreach (var buffer in plan.Buffers.Where(b => !b.Unused && !b.Fixed).OrderBy(b => b.FirstStep).ThenByDescending(b => b.Width).ThenBy(b => b.Id))
        {
            var conflicts = placed
                .Where(p => p.FirstStep <= buffer.LastStep && buffer.FirstStep <= p.LastStep)
                .OrderBy(p => p.Offset)
                .ToList();
            int offset = 0;
            foreach (var other in conflicts)
            {
                if (offset + buffer.Width <= other.Offset) break;
                offset = System.Math.Max(offset, other.Offset + other.Width);
            }
            buffer.Offset = offset;
            placed.Add(buffer);
        }
        plan.ArenaWidth = placed.Count == 0 ? 0 : placed.Max(b => b.Offset + b.Width);
    }
}
