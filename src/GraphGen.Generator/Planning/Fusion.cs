using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Rewrites a plan into fewer, fatter steps, between autodiff and memory planning (so a buffer
/// that fusion makes unnecessary is never allocated):
/// <list type="bullet">
/// <item>forward: z = x·Wᵀ + b followed by h = act(z), where nothing else reads z, becomes one
/// GEMM whose epilogue adds the bias and applies the activation while the tile is in registers;</item>
/// <item>backward: dh = dy·W followed by dz = dh ⊙ act′(h), where nothing else reads dh, becomes one
/// GEMM whose epilogue multiplies by the derivative: the gradient arrives at the next GEMM already
/// passed through the activation.</item>
/// <item>backward: a max-pooling backward (each window's gradient to its winner) followed by the
/// derivative of the ReLU or leaky ReLU that produced the pooled input becomes one kernel call:
/// each plane is routed and multiplied by act′ while in cache, and the gradient of the
/// activation's output is never stored.</item>
/// <item>elementwise chains: a map whose result is read only by the next map (over the same
/// rows and columns) is substituted into it, so the chain runs as one loop and the intermediate
/// tensor is never stored.</item>
/// </list>
/// Each rewrite is local and keeps the order of every other step, so it cannot change results
/// beyond floating-point rounding of the fused epilogue.
/// </summary>
internal static class Fusion
{
    public static void Apply(KernelPlan plan)
    {
        foreach (var section in new[] { plan.Forward, plan.Backward })
        {
            for (int i = 0; i < section.Count; i++)
            {
                if (section[i] is not MapStep { Activation: { } activation, Accumulate: false } map) continue;
                if (FuseIntoProducer(plan, section, map, activation)) i--;
            }
            for (int i = 0; i < section.Count; i++)
            {
                if (section[i] is MapStep { Accumulate: false } producer && FuseIntoConsumer(plan, section, producer)) i--;
            }
        }
    }

    /// <summary>Substitutes a map's expression into the one map that reads its result.</summary>
    private static bool FuseIntoConsumer(KernelPlan plan, List<KernelStep> section, MapStep producer)
    {
        var temp = producer.Output;
        if (temp.Kind != OperandKind.Buffer || temp == plan.Output || temp == plan.InputGradient) return false;
        var steps = plan.AllSteps.ToList();
        var readers = steps.Where(s => s.Reads.Contains(temp)).ToList();
        if (readers.Count != 1 || readers[0] is not MapStep consumer || steps.Count(s => s.Writes.Contains(temp)) != 1) return false;
        if (consumer.Output == temp || consumer.Rows != producer.Rows || consumer.Columns != producer.Columns) return false;
        if (MapStep.MapOperands(consumer.Expression).Any(o => o.Operand == temp && o.Broadcast != Broadcast.Elementwise)) return false;
        int from = section.IndexOf(producer), to = section.IndexOf(consumer);
        if (from < 0 || to < from) return false;
        // The producer's inputs must still hold the same values where the consumer now reads them.
        var inputs = MapStep.MapOperands(producer.Expression).Select(o => o.Operand).ToList();
        for (int k = from + 1; k < to; k++)
            if (section[k].Writes.Any(inputs.Contains)) return false;

        var fused = Substitute(consumer.Expression, temp, producer.Expression);
        if (Size(fused) > MaxExpressionSize) return false;   // a value read many times would be recomputed as often
        section[to] = consumer with
        {
            Expression = fused,
            Comment = producer.Comment.Concat(consumer.Comment.Select((line, i) => i == 0 ? "then " + line : line)).ToList(),
            Fused = $"one loop; {temp.Name} is never stored" + (consumer.Fused is null ? "" : "; " + consumer.Fused),
            Label = producer.Label + " + " + consumer.Label,
            Activation = null,
        };
        section.RemoveAt(from);
        plan.Buffers[temp.Index].Unused = true;
        return true;
    }

    private const int MaxExpressionSize = 24;

    private static int Size(MapExpr e) => e switch
    {
        MapUnary u => 1 + Size(u.Argument),
        MapBinary b => 1 + Size(b.Left) + Size(b.Right),
        MapSelect s => 1 + Size(s.Condition) + Size(s.WhenPositive) + Size(s.Otherwise),
        _ => 1,
    };

    private static MapExpr Substitute(MapExpr expression, Operand target, MapExpr replacement) => expression switch
    {
        MapOperand o when o.Operand == target => replacement,
        MapUnary u => u with { Argument = Substitute(u.Argument, target, replacement) },
        MapBinary b => b with { Left = Substitute(b.Left, target, replacement), Right = Substitute(b.Right, target, replacement) },
        MapSelect s => s with
        {
            Condition = Substitute(s.Condition, target, replacement),
            WhenPositive = Substitute(s.WhenPositive, target, replacement),
            Otherwise = Substitute(s.Otherwise, target, replacement),
        },
        _ => expression,
    };

    /// <summary>Moves an activation (or its derivative) into the epilogue of the GEMM that produced its input.</summary>
    private static bool FuseIntoProducer(KernelPlan plan, List<KernelStep> section, MapStep map, ActivationForm activation)
    {
        var input = activation.Input;
        // The network's output is read by the caller after the pass, so it must be stored.
        if (input.Kind != OperandKind.Buffer || input == plan.Output || input == plan.InputGradient) return false;
        var steps = plan.AllSteps.ToList();
        var writers = steps.Where(s => s.Writes.Contains(input)).ToList();
        var readers = steps.Where(s => s.Reads.Contains(input)).ToList();
        if (writers.Count != 1 || readers.Count != 1 || readers[0] != map) return false;
        bool backward = activation.DerivativeSource is not null;
        if (!backward && writers[0] is Conv2dStep { Activation: "None" } conv && section.IndexOf(conv) is int c && c >= 0 && c < section.IndexOf(map))
        {
            section[c] = conv with
            {
                Y = map.Output,
                Activation = activation.Kind,
                Slope = activation.Slope,
                Comment = conv.Comment.Concat(map.Comment.Select((line, i) => i == 0 ? "then " + line : line)).ToList(),
                Fused = $"{activation.Kind} is applied as each output is written, so {input.Name} is never stored",
                Label = conv.Label + " + " + map.Label,
            };
            section.Remove(map);
            plan.Buffers[input.Index].Unused = true;
            return true;
        }
        if (backward && FuseIntoMaxPoolBackward(plan, section, map, activation, writers[0])) return true;
        if (writers[0] is not GemmStep { Accumulate: false, Activation: "None", DerivativeSource: null } gemm) return false;
        int at = section.IndexOf(gemm);
        if (at < 0 || at > section.IndexOf(map)) return false;

        if (backward && gemm.Bias is not null) return false;
        section[at] = gemm with
        {
            C = map.Output,
            Activation = activation.Kind,
            Slope = activation.Slope,
            DerivativeSource = activation.DerivativeSource,
            Comment = gemm.Comment.Concat(map.Comment.Select((line, i) => i == 0 ? "then " + line : line)).ToList(),
            Fused = backward
                ? $"{activation.Kind}′ is applied in the GEMM epilogue, so {input.Name} is never stored"
                : $"bias and {activation.Kind} are applied in the GEMM epilogue, so {input.Name} is never stored",
            Label = gemm.Label + " + " + map.Label,
        };
        section.Remove(map);
        plan.Buffers[input.Index].Unused = true;
        return true;
    }

    /// <summary>
    /// dh = MaxPoolBackward(dy) then dz = dh ⊙ act′(h) for a ReLU or leaky ReLU: one kernel call that
    /// routes each plane's gradient and multiplies it by act′ while the plane is in cache, the same
    /// operations as the two steps (so the same bits) without storing dh.
    /// </summary>
    private static bool FuseIntoMaxPoolBackward(KernelPlan plan, List<KernelStep> section, MapStep map, ActivationForm activation, KernelStep writer)
    {
        if (activation.Kind is not ("Relu" or "LeakyRelu") || activation.DerivativeSource is not { } source) return false;
        if (writer is not KernelCallStep { Kernel: "Pool2d", Method: "MaxBackward" } pool) return false;
        // The fused overload writes dx: the pooling must write its gradient, not add to one.
        if (!pool.Arguments.Any(a => a is { Name: "accumulate", Value: "false" })) return false;
        int at = section.IndexOf(pool);
        if (at < 0 || at > section.IndexOf(map)) return false;
        var input = activation.Input;
        // The same call with dx = the map's output, and act′ in place of the accumulate flag.
        var arguments = pool.Arguments
            .Where(a => a.Name != "accumulate")
            .Select(a => a.Operand == input ? KernelArg.Of(map.Output) : a)
            .Concat(new[] { KernelArg.Code("global::GraphGen.Kernels.Activation." + activation.Kind), KernelArg.Of(source) });
        if (activation.Kind == "LeakyRelu") arguments = arguments.Append(KernelArg.Code(MapConstant.FloatLiteral(activation.Slope), "slope"));
        section[at] = pool with
        {
            Arguments = arguments.ToList(),
            ReadOperands = pool.ReadOperands.Append(source).ToList(),
            WriteOperands = [map.Output],
            Comment = pool.Comment.Concat(map.Comment.Select((line, i) => i == 0 ? "then " + line : line)).ToList(),
            Fused = $"{activation.Kind}′ is applied to each plane as its gradient is routed, so {input.Name} is never stored",
            Label = pool.Label + " + " + map.Label,
        };
        section.Remove(map);
        plan.Buffers[input.Index].Unused = true;
        return true;
    }
}
