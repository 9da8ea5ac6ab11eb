using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Removes the backward pass's copies y = x (a sum passes its gradient to each operand unchanged:
/// dA = dY, dB = dY) where x and y can be one tensor: y becomes another name for x's floats
/// (<see cref="Buffer.AliasOf"/>), declared in the generated code as <c>var y = x;</c>. A residual
/// block's end copied its gradient twice, a megabyte each in ResNet64's stage 2.
/// <para>
/// They can be one when neither sees the other's changes: every write to x after the copy comes
/// after the last use of y, and every write to y (a later contribution added to it) after the last
/// read of x. Neither may be a tensor the caller reads after the step, and y must be new at the
/// copy (no step before it touches y). Copies are taken in order, each against the aliases made
/// before it, so a chain y = x, z = y names one tensor three times.
/// </para>
/// </summary>
internal static class CopyElision
{
    public static KernelPlan Elide(KernelPlan plan)
    {
        var backward = plan.Backward.ToList();
        var buffers = plan.Buffers.ToList();
        var root = new Dictionary<int, int>();
        int Root(Operand o) => o.Kind == OperandKind.Buffer && root.TryGetValue(o.Index, out int r) ? r : o.Index;
        bool Kept(Operand o) => plan.Outputs.Contains(o) || o == plan.InputGradient;
        var before = new HashSet<int>(plan.Forward.Concat(plan.Loss).SelectMany(s => s.Uses).Where(u => u.Operand.Kind == OperandKind.Buffer).Select(u => u.Operand.Index));
        bool changed = false;
        for (int i = 0; i < backward.Count; i++)
        {
            if (backward[i] is not MapStep { Accumulate: false, Activation: null, Expression: MapOperand { Broadcast: Broadcast.Elementwise, Operand: var x } } copy) continue;
            var y = copy.Output;
            if (x.Kind != OperandKind.Buffer || y.Kind != OperandKind.Buffer || Root(x) == Root(y) || Kept(x) || Kept(y) || root.ContainsKey(y.Index)) continue;
            if (buffers[x.Index].Width != buffers[y.Index].Width || (long)copy.Rows.Factor * copy.Columns != buffers[y.Index].Width || !copy.Rows.PerBatch) continue;
            int rx = Root(x), ry = y.Index;
            // y must be new here, its group alone.
            if (before.Contains(ry) || backward.Take(i).Any(s => s.Uses.Any(u => u.Operand.Kind == OperandKind.Buffer && Root(u.Operand) == ry))) continue;
            if (root.ContainsValue(ry)) continue;
            var after = backward.Skip(i + 1).Select((s, k) => (Step: s, At: i + 1 + k)).ToList();
            IEnumerable<int> Where(int group, System.Func<OperandUse, bool> use) =>
                after.Where(a => a.Step.Uses.Any(u => u.Operand.Kind == OperandKind.Buffer && Root(u.Operand) == group && use(u))).Select(a => a.At);
            var writesX = Where(rx, u => u.Access != Access.In).ToList();
            var readsX = Where(rx, u => u.Access != Access.Out).ToList();
            var usesY = Where(ry, _ => true).ToList();
            var writesY = Where(ry, u => u.Access != Access.In).ToList();
            bool xSteady = writesX.Count == 0 || usesY.Count == 0 || writesX.Min() > usesY.Max();
            bool ySteady = writesY.Count == 0 || readsX.Count == 0 || readsX.Max() < writesY.Min();
            if (!xSteady || !ySteady) continue;
            root[ry] = rx;
            buffers[ry] = buffers[ry] with { AliasOf = rx };
            backward.RemoveAt(i);
            i--;
            changed = true;
        }
        return changed ? plan with { Backward = backward, Buffers = buffers } : plan;
    }
}
