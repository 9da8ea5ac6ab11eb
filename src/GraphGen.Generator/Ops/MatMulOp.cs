using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// MatMul(a, b): a product of two activations over their last two axes, for every sample and
/// every leading index (attention scores Q·Kᵀ, attention output P·V): C = op(A)·op(B).
/// Backward: d op(A) = dC·op(B)ᵀ and d op(B) = op(A)ᵀ·dC, each rewritten for the stored layouts
/// so that no transpose is ever materialised.
/// </summary>
internal sealed class MatMulOp : OpRule
{
    public override string Name => "MatMul";

    public override Node? Build(OpCall call)
    {
        var a = call.Tensor("a");
        var b = call.Tensor("b");
        var ta = call.Bool("transposeA");
        var tb = call.Bool("transposeB");
        if (a is null || b is null || ta is null || tb is null) return null;
        if (a.Shape.Rank < 2 || b.Shape.Rank < 2 || a.Shape.Rank != b.Shape.Rank)
            return Mismatch(call, $"MatMul multiplies the last two axes of tensors of the same rank (2 or more), but receives {a.Name} {a.Shape} and {b.Name} {b.Shape}");
        var lead = a.Shape.Dimensions.Take(a.Shape.Rank - 2).ToArray();
        if (!lead.SequenceEqual(b.Shape.Dimensions.Take(b.Shape.Rank - 2)))
            return Mismatch(call, $"MatMul: the leading axes of {a.Name} {a.Shape} and {b.Name} {b.Shape} must agree");
        int ar = a.Shape.Dimensions[a.Shape.Rank - 2], ac = a.Shape.Last, br = b.Shape.Dimensions[b.Shape.Rank - 2], bc = b.Shape.Last;
        int m = ta.Value ? ac : ar, k = ta.Value ? ar : ac, kb = tb.Value ? bc : br, n = tb.Value ? br : bc;
        if (k != kb)
            return Mismatch(call, $"MatMul: {(ta.Value ? a.Name + "ᵀ" : a.Name)} has {k} columns but {(tb.Value ? b.Name + "ᵀ" : b.Name)} has {kb} rows");
        var node = call.Builder.Graph.Add(OpKind.MatMul, [a, b], TensorShape.Of(lead.Concat(new[] { m, n }).ToArray()), call.Location);
        node.Attributes = new MatMulAttributes(m, n, k, ta.Value, tb.Value);
        return node;
    }

    private static Dim Count(Node node)
    {
        var mm = node.Get<MatMulAttributes>();
        return Dim.Batch(node.Shape.Size / (mm.M * mm.N));
    }

    private static CallStep Gemm(Node node, bool ta, bool tb, int m, int n, int k, Operand a, Operand b, Operand c, bool accumulate, string label, string comment) =>
        new("BatchedGemm", "Multiply",
            [KernelArg.Of(Count(node)), KernelArg.Of(ta, "transposeA"), KernelArg.Of(tb, "transposeB"), KernelArg.Of(m), KernelArg.Of(n), KernelArg.Of(k),
             KernelArg.In(a), KernelArg.In(b), new KernelArg(c, accumulate ? Access.InOut : Access.Out, null), KernelArg.Of(accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = label,
            Comment = [comment],
        };

    public override void Forward(Node node, PlanBuilder plan)
    {
        var (m, n, k, ta, tb) = node.Get<MatMulAttributes>();
        plan.Emit(Gemm(node, ta, tb, m, n, k,
            plan.Value(node.Inputs[0]), plan.Value(node.Inputs[1]), plan.Value(node), false, "MatMul", $"MatMul: {Describe(node)}, for each sample and leading index"));
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var (m, n, k, ta, tb) = node.Get<MatMulAttributes>();
        var a = plan.Value(node.Inputs[0]);
        var b = plan.Value(node.Inputs[1]);
        var dc = plan.Gradient(node);
        if (plan.GradientOf(node.Inputs[0]) is { } da)
        {
            string op = da.Accumulate ? "+=" : "=";
            plan.Emit(ta
                ? Gemm(node, tb, true, k, m, n, b, dc, da.Operand, da.Accumulate, "MatMul backward dA", $"MatMul backward: {da.Operand.Name} {op} op({b.Name})·{dc.Name}ᵀ   (A is stored transposed)")
                : Gemm(node, false, !tb, m, k, n, dc, b, da.Operand, da.Accumulate, "MatMul backward dA", $"MatMul backward: {da.Operand.Name} {op} {dc.Name}·op({b.Name})ᵀ"));
        }
        if (plan.GradientOf(node.Inputs[1]) is { } db)
        {
            string op = db.Accumulate ? "+=" : "=";
            plan.Emit(tb
                ? Gemm(node, true, ta, n, k, m, dc, a, db.Operand, db.Accumulate, "MatMul backward dB", $"MatMul backward: {db.Operand.Name} {op} {dc.Name}ᵀ·op({a.Name})   (B is stored transposed)")
                : Gemm(node, !ta, false, k, n, m, a, dc, db.Operand, db.Accumulate, "MatMul backward dB", $"MatMul backward: {db.Operand.Name} {op} op({a.Name})ᵀ·{dc.Name}"));
        }
    }

    /// <summary>ONNX: MatMul, a transposed operand first swapped on its last two axes.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var settings = node.Get<MatMulAttributes>();
        string Operand(Node x, bool transpose, string what) => transpose
            ? onnx.Node("Transpose", [x.Name], onnx.Temp(node, what), Emit.OnnxEmitter.Ints("perm", Emit.OnnxEmitter.SwapLastTwo(x.Shape.Rank + 1)))
            : x.Name;
        onnx.Node("MatMul", [Operand(node.Inputs[0], settings.TransposeA, "a_t"), Operand(node.Inputs[1], settings.TransposeB, "b_t")], node.Name);
    }

    public override string Describe(Node node) =>
        $"{node.Name} = {node.Inputs[0].Name}{(node.Get<MatMulAttributes>().TransposeA ? "ᵀ" : "")} · {node.Inputs[1].Name}{(node.Get<MatMulAttributes>().TransposeB ? "ᵀ" : "")}";
}

/// <summary>op(A) is M×K, op(B) K×N; which of them is stored transposed.</summary>
internal sealed record MatMulAttributes(int M, int N, int K, bool TransposeA, bool TransposeB) : OpAttributes;
