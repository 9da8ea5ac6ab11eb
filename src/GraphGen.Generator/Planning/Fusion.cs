using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Rewrites a plan into fewer, fatter steps, between autodiff and memory planning (so a buffer
/// that fusion makes unnecessary is never allocated):
/// <list type="bullet">
/// <item>inference: a convolution followed by BatchNorm, where nothing else reads the convolution's
/// output, becomes one convolution with the BatchNorm folded into its weights and bias (training
/// keeps the two steps: it needs the batch statistics of the convolution's output);</item>
/// <item>forward: z = x·Wᵀ + b (or a convolution) followed by h = f(z), where nothing else reads z,
/// becomes one kernel that applies the activation as it writes its output (for a folded
/// convolution, at inference only);</item>
/// <item>backward: dh = dy·W followed by dz = dh ⊙ f′(s), where nothing else reads dh, becomes one
/// GEMM whose epilogue multiplies by the derivative: the gradient arrives at the next GEMM already
/// passed through the activation;</item>
/// <item>forward, training: z = x·Wᵀ + b followed by h = f(z) for an activation whose derivative
/// needs its input (GELU, SiLU, softplus), where besides that map only the backward pass's f′(z)
/// reads z: one GEMM writes h and saves the slope f′(z) in a buffer of its own, z is never stored,
/// and the backward pass multiplies by the saved slope instead of evaluating f′ (inference applies f
/// alone; an observed inference stores z as before);</item>
/// <item>backward: a kernel that can multiply its output gradient by f′ (max-pooling backward: each
/// plane is routed and multiplied while in cache) takes the derivative of the activation that
/// produced its input, and the gradient of the activation's output is never stored;</item>
/// <item>elementwise chains: a map whose result is read only by the next map (over the same
/// rows and columns) is substituted into it, so the chain runs as one loop and the intermediate
/// tensor is never stored;</item>
/// <item>inference: a max pooling whose input only a convolution (with its activation, and its
/// BatchNorm folded in) writes and nothing else reads becomes one <c>Conv2d.ForwardMaxPooled</c>:
/// each sample is pooled while its convolution output is in cache, and the full-size output is never
/// stored (training keeps the two steps: the backward pass needs the output and the argmax; so does
/// inference while an activation observer is attached, which sees every activation);</item>
/// <item>inference: a convolution (its BatchNorm perhaps folded, no activation of its own) whose
/// output only a sum with another tensor reads, the sum perhaps read only by an activation (a
/// residual block's end), becomes one <c>Conv2d.ForwardResidual</c>: each sample takes the residual
/// and the activation while it is in cache, and neither the convolution's output nor the sum is
/// stored (training, and inference while observed, keep the steps);</item>
/// <item>attention's scale: scores·c read only by a causal softmax become the softmax's
/// <c>scale</c> argument (it multiplies each score as it reads it), and in the backward pass
/// c·(the softmax's gradient) becomes the softmax backward's <c>scale</c>: the same products,
/// without two passes over the scores.</item>
/// </list>
/// Each rewrite is local and keeps the order of every other step, so it cannot change results
/// beyond floating-point rounding of the fused epilogue.
/// </summary>
internal static class Fusion
{
    public static KernelPlan Fuse(KernelPlan plan)
    {
        var draft = new Draft(plan);
        FoldBatchNorms(draft);
        FoldScalesIntoCausalSoftmax(draft);
        foreach (var section in new[] { draft.Forward, draft.Backward })
        {
            for (int i = 0; i < section.Count; i++)
            {
                if (section[i] is not MapStep { Activation: { } activation, Accumulate: false } map) continue;
                if (FuseIntoProducer(draft, section, map, activation)) i--;
            }
            for (int i = 0; i < section.Count; i++)
            {
                if (section[i] is MapStep { Accumulate: false } producer && FuseIntoConsumer(draft, section, producer)) i--;
            }
        }
        SaveSlopesInForwardEpilogues(draft);
        PoolAsConvolutionsWrite(draft);
        ResidualAsConvolutionsWrite(draft);
        return plan with { Forward = draft.Forward, Backward = draft.Backward, Buffers = draft.Buffers };
    }

    /// <summary>The plan's step lists and buffers, copied so the rewrites can edit them in place.</summary>
    private sealed class Draft(KernelPlan plan)
    {
        public KernelPlan Plan { get; } = plan;
        public List<KernelStep> Forward { get; } = [.. plan.Forward];
        public List<KernelStep> Backward { get; } = [.. plan.Backward];
        public List<Buffer> Buffers { get; } = [.. plan.Buffers];

        public IEnumerable<KernelStep> AllSteps => Forward.Concat(Plan.Loss).Concat(Backward);

        /// <summary>The caller reads these after the pass, so they must be stored.</summary>
        public bool IsKept(Operand operand) => operand.Kind != OperandKind.Buffer || Plan.Outputs.Contains(operand) || operand == Plan.InputGradient;

        public void Drop(Operand buffer) => Buffers[buffer.Index] = Buffers[buffer.Index] with { Unused = true };
    }

    /// <summary>Substitutes a map's expression into the one map that reads its result.</summary>
    private static bool FuseIntoConsumer(Draft draft, List<KernelStep> section, MapStep producer)
    {
        var temp = producer.Output;
        if (Passed(draft, temp) is not (_, MapStep consumer)) return false;
        if (consumer.Output == temp || consumer.Rows != producer.Rows || consumer.Columns != producer.Columns) return false;
        if (MapStep.MapOperands(consumer.Expression).Any(o => o.Operand == temp && o.Broadcast != Broadcast.Elementwise)) return false;
        int from = section.IndexOf(producer), to = section.IndexOf(consumer);
        if (from < 0 || to < from) return false;
        // The producer's inputs must still hold the same values where the consumer now reads them.
        var inputs = MapStep.MapOperands(producer.Expression).Select(o => o.Operand).ToList();
        if (Between(section, from, to).Any(s => s.Writes.Any(inputs.Contains))) return false;

        var fused = Substitute(consumer.Expression, temp, producer.Expression);
        if (Size(fused) > MaxExpressionSize) return false;   // a value read many times would be recomputed as often
        section[to] = consumer with
        {
            Expression = fused,
            Comment = Then(producer.Comment, consumer.Comment),
            Fused = $"one loop; {temp.Name} is never stored" + (consumer.Fused is null ? "" : "; " + consumer.Fused),
            Label = producer.Label + " + " + consumer.Label,
            Activation = null,
        };
        section.RemoveAt(from);
        draft.Drop(temp);
        return true;
    }

    private const int MaxExpressionSize = 24;

    private static int Size(MapExpr e) => e switch
    {
        MapUnary u => 1 + Size(u.Argument),
        MapActivation a => 1 + Size(a.Argument),
        MapBinary b => 1 + Size(b.Left) + Size(b.Right),
        MapSelect s => 1 + Size(s.Condition) + Size(s.WhenPositive) + Size(s.Otherwise),
        _ => 1,
    };

    private static MapExpr Substitute(MapExpr expression, Operand target, MapExpr replacement) => expression switch
    {
        MapOperand o when o.Operand == target => replacement,
        MapUnary u => u with { Argument = Substitute(u.Argument, target, replacement) },
        MapActivation a => a with { Argument = Substitute(a.Argument, target, replacement) },
        MapBinary b => b with { Left = Substitute(b.Left, target, replacement), Right = Substitute(b.Right, target, replacement) },
        MapSelect s => s with
        {
            Condition = Substitute(s.Condition, target, replacement),
            WhenPositive = Substitute(s.WhenPositive, target, replacement),
            Otherwise = Substitute(s.Otherwise, target, replacement),
        },
        _ => expression,
    };

    /// <summary>The comment of a step that now also does what a later one did: "then ..." before the later lines.</summary>
    private static IReadOnlyList<string> Then(IReadOnlyList<string> first, IReadOnlyList<string> second) =>
        first.Concat(second.Select((line, i) => i == 0 ? "then " + line : line)).ToList();

    /// <summary>Moves an activation (or its derivative) into the kernel that produced its input.</summary>
    private static bool FuseIntoProducer(Draft draft, List<KernelStep> section, MapStep map, ActivationForm activation)
    {
        var input = activation.Input;
        if (Passed(draft, input) is not (var writer, var reader) || reader != map) return false;
        int at = section.IndexOf(writer);
        if (at < 0 || at > section.IndexOf(map)) return false;
        var use = activation.Use;
        string name = use.Function.Name;
        KernelStep? fused = writer switch
        {
            GemmStep { Accumulate: false, Activation: null } gemm when !use.IsBackward || gemm.Bias is null => gemm with
            {
                C = map.Output,
                Activation = use,
                Fused = use.IsBackward
                    ? $"{name}′ is applied in the GEMM epilogue, so {input.Name} is never stored"
                    : $"bias and {name} are applied in the GEMM epilogue, so {input.Name} is never stored",
            },
            CallStep { Slot: ActivationSlot.Forward, Activation: null } call when !use.IsBackward => call with
            {
                Arguments = Replace(call.Arguments, input, map.Output),
                Activation = use,
                Fused = $"{name} is applied as each output is written, so {input.Name} is never stored",
            },
            // The fused kernel writes its gradient: it must not have been adding to one. Only
            // activations whose derivative comes from their output: their scalar and vector
            // derivatives are the same operations, so the fused call gives the bits of the two steps.
            CallStep { Slot: ActivationSlot.Derivative, Activation: null } call when use.IsBackward && !use.Function.DerivativeFromInput
                && call.Arguments.Any(a => a is { Name: "accumulate", Value: "false" }) => call with
            {
                Arguments = Replace(call.Arguments.Where(a => a.Name != "accumulate"), input, map.Output),
                Activation = use,
                Fused = $"{name}′ is applied to each plane as its gradient is routed, so {input.Name} is never stored",
            },
            // A convolution with BatchNorm folded in (inference) takes the activation, and so does the
            // batch-statistics BatchNorm of training, which applies it to each plane as it normalises it.
            ModalStep modal when !use.IsBackward && modal.Inference.Count > 0
                && modal.Inference[modal.Inference.Count - 1] is CallStep { Slot: ActivationSlot.Forward, Activation: null } last
                && last.Writes.Contains(input) => IntoModal(modal, last, map, input, use),
            _ => null,
        };
        if (fused is null) return false;
        section[at] = fused with
        {
            Comment = Then(writer.Comment, map.Comment),
            Label = writer.Label + " + " + map.Label,
        };
        section.Remove(map);
        if (fused is not ModalStep m || !m.Training.Any(s => s.Writes.Contains(input))) draft.Drop(input);
        return true;
    }

    /// <summary>
    /// The activation h = f(input) moved into a modal step: at inference into its last call (a
    /// convolution with BatchNorm folded in); in training into the call that writes the input when
    /// that call can apply it (the batch-statistics BatchNorm, as it normalises each plane), else
    /// as its own step after the branch.
    /// </summary>
    private static ModalStep IntoModal(ModalStep modal, CallStep last, MapStep map, Operand input, ActivationUse use)
    {
        string name = use.Function.Name;
        var training = modal.Training.ToList();
        int at = training.FindIndex(s => s.Writes.Contains(input));
        var writer = at >= 0 ? training[at] as CallStep : null;
        bool inTraining = writer is { Slot: ActivationSlot.Forward, Activation: null };
        if (inTraining) training[at] = writer! with { Arguments = Replace(writer.Arguments, input, map.Output), Activation = use };
        else training.Add(map);
        return modal with
        {
            Training = training,
            Inference = [.. modal.Inference.Take(modal.Inference.Count - 1), last with { Arguments = Replace(last.Arguments, input, map.Output), Activation = use }],
            Fused = modal.Fused + (inTraining
                ? $"; {name} is applied as each output is written (in training as BatchNorm normalises each plane), so {input.Name} is not written"
                : $"; at inference {name} is applied as each output is written, so {input.Name} is not written"),
        };
    }

    /// <summary>
    /// z = x·Wᵀ + b (a GEMM with no epilogue but its bias) then h = f(z), f an activation whose
    /// derivative needs its input, where nothing but the map reads z before the backward pass and
    /// the backward pass reads z only as f′(z) (a GEMM's derivative source, or f′ in a map): in
    /// training one GEMM writes h and saves s = f′(z) (the runtime's IForwardWithDerivative computes
    /// both from one erf or exponential), and each backward use of f′(z) reads s instead (the
    /// runtime's <c>Saved&lt;F&gt;</c>). At inference the GEMM applies f alone; observed, it runs the
    /// two steps as before. The same operations on the same values, so the same bits as the two steps.
    /// </summary>
    private static void SaveSlopesInForwardEpilogues(Draft draft)
    {
        var forward = draft.Forward;
        for (int i = 0; i < forward.Count; i++)
        {
            if (forward[i] is not MapStep { Accumulate: false, Activation: { Use: { IsBackward: false } use, Input: var z } } map
                || !use.Function.DerivativeFromInput || draft.IsKept(z)) continue;
            var writers = draft.AllSteps.Where(s => s.Writes.Contains(z)).ToList();
            if (writers.Count != 1 || writers[0] is not GemmStep { Accumulate: false, Activation: null, SavedDerivative: null } gemm) continue;
            int at = forward.IndexOf(gemm);
            if (at < 0 || at > i || ReadInForward(draft, z).Any(s => s != map)) continue;
            var backward = draft.Backward.Where(s => s.Reads.Contains(z)).ToList();
            if (backward.Count == 0 || !backward.All(s => ReadsOnlySlope(s, z, use))) continue;

            string name = draft.Plan.Graph.Names.Claim(z.Name + use.Function.Name + "Slope", "_");
            var buffer = new Buffer(draft.Buffers.Count, name, draft.Buffers[z.Index].Width, BufferRole.Saved, draft.Buffers[map.Output.Index].Node);
            draft.Buffers.Add(buffer);
            var slope = new Operand(OperandKind.Buffer, buffer.Id, name);
            string f = use.Function.Name;
            var inference = gemm with { C = map.Output, Activation = use };
            forward[at] = new ModalStep([inference with { SavedDerivative = slope }], [inference])
            {
                ObservedInference = [gemm, map],
                SourceNode = gemm.SourceNode,
                Comment = Then(gemm.Comment, map.Comment),
                Label = gemm.Label + " + " + map.Label,
                Fused = $"bias and {f} are applied in the GEMM epilogue, so {z.Name} is not stored (unless observed); "
                    + $"in training the epilogue also saves the slope {f}′({z.Name}) in {name} for the backward pass",
            };
            forward.RemoveAt(i);
            foreach (var step in backward)
                draft.Backward[draft.Backward.IndexOf(step)] = WithSavedSlope(step, z, use, slope);
            i--;
        }
    }

    /// <summary>True when the backward step reads z only to evaluate f′(z): a GEMM's derivative source, or f′(z) in a map.</summary>
    private static bool ReadsOnlySlope(KernelStep step, Operand z, ActivationUse use) => step switch
    {
        GemmStep { Activation: { IsBackward: true, Saved: false } a } g => a.DerivativeSource == z && a.Function == use.Function && g.A != z && g.B != z && g.Bias != z,
        MapStep m => !MapStep.MapOperands(SavedSlope(m.Expression, z, use, Map.Const(1))).Any(o => o.Operand == z)
            && m.Activation is null or { Use.Saved: false },
        _ => false,
    };

    /// <summary>The backward step with every f′(z) it evaluates read from the saved <paramref name="slope"/> instead.</summary>
    private static KernelStep WithSavedSlope(KernelStep step, Operand z, ActivationUse use, Operand slope)
    {
        var saved = use with { DerivativeSource = slope, Saved = true };
        string note = $"{use.Function.Name}′({z.Name}) is the slope the forward pass saved in {slope.Name}";
        return step switch
        {
            GemmStep g => g with { Activation = saved, Fused = g.Fused is null ? note : g.Fused + "; " + note },
            MapStep m => m with
            {
                Expression = SavedSlope(m.Expression, z, use, Map.Of(slope)),
                Activation = m.Activation is { } form ? form with { Use = saved } : null,
                Fused = m.Fused is null ? note : m.Fused + "; " + note,
            },
            _ => throw new System.InvalidOperationException("only GEMMs and maps read a saved slope"),
        };
    }

    /// <summary>The expression with each f′(z) replaced by <paramref name="slope"/>.</summary>
    private static MapExpr SavedSlope(MapExpr e, Operand z, ActivationUse use, MapExpr slope) => e switch
    {
        MapActivation { Derivative: true, Argument: MapOperand { Operand: var o, Broadcast: Broadcast.Elementwise } } a
            when o == z && a.Function == use.Function => slope,
        MapUnary u => u with { Argument = SavedSlope(u.Argument, z, use, slope) },
        MapActivation a => a with { Argument = SavedSlope(a.Argument, z, use, slope) },
        MapBinary b => b with { Left = SavedSlope(b.Left, z, use, slope), Right = SavedSlope(b.Right, z, use, slope) },
        MapSelect c => c with
        {
            Condition = SavedSlope(c.Condition, z, use, slope),
            WhenPositive = SavedSlope(c.WhenPositive, z, use, slope),
            Otherwise = SavedSlope(c.Otherwise, z, use, slope),
        },
        _ => e,
    };

    /// <summary>
    /// Conv2d then BatchNorm (whose rule offered a <see cref="ModalStep.ConvolutionFold"/>) becomes one
    /// step: training runs the two as before; inference folds the BatchNorm into the convolution's
    /// weights and bias and runs one convolution straight into the BatchNorm's output. Only when the
    /// convolution's output is read by nothing else before the backward pass (which runs in training
    /// only) and is not an output; otherwise the fold's buffers are dropped.
    /// </summary>
    private static void FoldBatchNorms(Draft draft)
    {
        var section = draft.Forward;
        for (int i = 0; i < section.Count; i++)
        {
            if (section[i] is not ModalStep { ConvolutionFold: { } fold } modal) continue;
            var folded = i > 0 ? FoldIntoConvolution(draft, section[i - 1], modal, fold) : null;
            if (folded is null)
            {
                foreach (var buffer in fold.Writes) draft.Drop(buffer);
                section[i] = modal with { ConvolutionFold = null };
                continue;
            }
            section[i - 1] = folded;
            section.RemoveAt(i);
            i--;
        }
    }

    private static ModalStep? FoldIntoConvolution(Draft draft, KernelStep previous, ModalStep modal, CallStep fold)
    {
        if (previous is not CallStep { Kernel: "Conv2d", Method: "Forward", Activation: null } conv) return null;
        if (modal.Inference.Count != 1 || modal.Inference[0] is not CallStep { Kernel: "BatchNorm", Method: "ForwardInference" } inference) return null;
        var convOutput = conv.Writes.Single();
        var normalized = inference.Writes.Single();
        // BatchNorm.ForwardInference reads x first; FoldIntoConvolution writes W' then b'.
        if (inference.Reads.First() != convOutput || draft.IsKept(convOutput)) return null;
        if (draft.Forward.Concat(draft.Plan.Loss).Any(s => s != conv && s != modal && s.Reads.Contains(convOutput))) return null;
        var foldedWeight = fold.Writes.First();
        var foldedBias = fold.Writes.Last();
        var foldedConv = conv with
        {
            Arguments = [conv.Arguments[0], conv.Arguments[1], conv.Arguments[2], KernelArg.In(foldedWeight), KernelArg.In(foldedBias), KernelArg.Out(normalized)],
        };
        return modal with
        {
            Training = [conv, .. modal.Training],
            Inference = [fold, foldedConv],
            ConvolutionFold = null,
            SourceNode = conv.SourceNode,
            Comment = Then(conv.Comment, modal.Comment),
            Label = conv.Label + " + " + modal.Label,
            Fused = $"at inference the BatchNorm is folded into the convolution (W' = γ/√(σ² + ε)·W in {foldedWeight.Name}, b' = β + (b − μ)·γ/√(σ² + ε) in {foldedBias.Name}), so {convOutput.Name} is not written",
        };
    }

    /// <summary>
    /// Conv2d.Forward (its activation fused, perhaps its BatchNorm folded: a modal step's inference
    /// branch) followed by Pool2d.MaxForward of its output becomes, at inference, one
    /// Conv2d.ForwardMaxPooled into the pooling's output; training runs the two steps as before (its
    /// backward pass reads the convolution's output and the argmax). Only when the convolution's
    /// output is not an output of the network and nothing before the backward pass reads it or the
    /// argmax but the pooling.
    /// </summary>
    private static void PoolAsConvolutionsWrite(Draft draft)
    {
        var forward = draft.Forward;
        for (int i = 1; i < forward.Count; i++)
        {
            if (forward[i] is not CallStep { Kernel: "Pool2d", Method: "MaxForward" } pool) continue;
            var (x, argmax) = (pool.Arguments[2].Operand!, pool.Arguments[4].Operand!);
            var previous = forward[i - 1];
            var inference = previous is ModalStep modal ? modal.Inference.LastOrDefault() : previous;
            if (inference is not CallStep { Kernel: "Conv2d", Method: "Forward" } conv || !conv.Writes.Contains(x) || draft.IsKept(x)) continue;
            if (draft.Forward.Concat(draft.Plan.Loss).Any(s => s != pool && (s.Reads.Contains(x) || s.Reads.Contains(argmax)))) continue;
            var pooled = conv with
            {
                Method = "ForwardMaxPooled",
                Arguments = [conv.Arguments[0], pool.Arguments[0], conv.Arguments[1], conv.Arguments[2], conv.Arguments[3], conv.Arguments[4], pool.Arguments[3]],
            };
            string fused = $"at inference (unless observed) the max pooling is taken as the convolution writes each sample, so {x.Name} is not stored";
            forward[i - 1] = previous is ModalStep m
                ? m with
                {
                    Training = [.. m.Training, pool],
                    Inference = [.. m.Inference.Take(m.Inference.Count - 1), pooled],
                    ObservedInference = [.. m.Inference, pool],
                    Comment = Then(m.Comment, pool.Comment),
                    Label = m.Label + " + " + pool.Label,
                    Fused = m.Fused + "; " + fused,
                }
                : new ModalStep([conv, pool], [pooled])
                {
                    ObservedInference = [conv, pool],
                    SourceNode = conv.SourceNode,
                    Comment = Then(conv.Comment, pool.Comment),
                    Label = conv.Label + " + " + pool.Label,
                    Fused = (conv.Fused is null ? "" : conv.Fused + "; ") + fused,
                };
            forward.RemoveAt(i);
            i--;
        }
    }

    /// <summary>
    /// Conv2d.Forward without an activation (perhaps with its BatchNorm folded: a modal step's
    /// inference branch), then the map s = y + r (or r + y) of its output y and another tensor r,
    /// then perhaps the activation h = f(s), become at inference one Conv2d.ForwardResidual(…, r, h, f):
    /// the same operations per element, so the same bits (the kernel adds r + y; for a sum written
    /// y + r the one difference is which payload a NaN + NaN keeps). Training and observed
    /// inference run the steps as before. Only when the three steps are consecutive and nothing but
    /// the sum reads y, and nothing but the activation reads s, before the backward pass (which runs
    /// in training only); r is read by the fused step, so the memory plan never gives its buffer to h.
    /// </summary>
    private static void ResidualAsConvolutionsWrite(Draft draft)
    {
        var forward = draft.Forward;
        for (int i = 0; i + 1 < forward.Count; i++)
        {
            var step = forward[i];
            var inference = step is ModalStep modal ? modal.Inference.LastOrDefault() : step;
            if (inference is not CallStep { Kernel: "Conv2d", Method: "Forward", Activation: null } conv) continue;
            var y = conv.Writes.Single();
            if (forward[i + 1] is not MapStep { Accumulate: false, Activation: null } add || ResidualOf(add.Expression, y) is not { } residual) continue;
            var sum = add.Output;
            if (draft.IsKept(y) || ReadInForward(draft, y).Any(s => s != add)) continue;
            var activation = i + 2 < forward.Count && forward[i + 2] is MapStep { Accumulate: false, Activation: { Use.IsBackward: false } form } map
                && form.Input == sum && !draft.IsKept(sum) && ReadInForward(draft, sum).All(s => s == map) ? map : null;
            var output = activation?.Output ?? sum;
            var fusedConv = conv with
            {
                Method = "ForwardResidual",
                Arguments = [conv.Arguments[0], conv.Arguments[1], conv.Arguments[2], conv.Arguments[3], conv.Arguments[4], KernelArg.In(residual), KernelArg.Out(output)],
                Activation = activation?.Activation!.Use,
            };
            List<KernelStep> after = activation is null ? [add] : [add, activation];
            var comment = after.Aggregate(step.Comment, (c, s) => Then(c, s.Comment));
            string label = string.Join(" + ", new[] { step }.Concat(after).Select(s => s.Label));
            string fused = $"at inference (unless observed) {residual.Name} is added" + (activation is null ? "" : $" and {activation.Activation!.Use.Function.Name} applied")
                + $" as the convolution writes each sample, so {y.Name}" + (activation is null ? " is" : $" and {sum.Name} are") + " not stored";
            forward[i] = step is ModalStep m
                ? m with
                {
                    Training = [.. m.Training, .. after],
                    Inference = [.. m.Inference.Take(m.Inference.Count - 1), fusedConv],
                    ObservedInference = [.. m.ObservedInference ?? m.Inference, .. after],
                    Comment = comment,
                    Label = label,
                    Fused = (m.Fused is null ? "" : m.Fused + "; ") + fused,
                }
                : new ModalStep([conv, .. after], [fusedConv])
                {
                    ObservedInference = [conv, .. after],
                    SourceNode = conv.SourceNode,
                    Comment = comment,
                    Label = label,
                    Fused = (conv.Fused is null ? "" : conv.Fused + "; ") + fused,
                };
            forward.RemoveRange(i + 1, after.Count);
        }
    }

    /// <summary>r when the map is y + r or r + y, both whole tensors, r another tensor than y.</summary>
    private static Operand? ResidualOf(MapExpr expression, Operand y) => expression switch
    {
        MapBinary { Operator: "+", Left: MapOperand { Broadcast: Broadcast.Elementwise } l, Right: MapOperand { Broadcast: Broadcast.Elementwise } r }
            when l.Operand == y && r.Operand != y => r.Operand,
        MapBinary { Operator: "+", Left: MapOperand { Broadcast: Broadcast.Elementwise } l, Right: MapOperand { Broadcast: Broadcast.Elementwise } r }
            when r.Operand == y && l.Operand != y => l.Operand,
        _ => null,
    };

    /// <summary>The forward and loss steps that read <paramref name="operand"/> (the backward pass runs in training only).</summary>
    private static IEnumerable<KernelStep> ReadInForward(Draft draft, Operand operand) =>
        draft.Forward.Concat(draft.Plan.Loss).Where(s => s.Reads.Contains(operand));

    /// <summary>
    /// y = softmax(c·x) for a map a = c·x read only by the causal softmax's forward (and not kept):
    /// the softmax reads x with <c>scale: c</c> and a is never stored. dx (+)= c·g for a map of the
    /// softmax backward's gradient g, read by nothing else and written by a non-accumulating
    /// backward: the backward writes (or adds) into dx with <c>scale: c</c>. The kernel rounds each
    /// product once, as the map did, so the bits do not change.
    /// </summary>
    private static void FoldScalesIntoCausalSoftmax(Draft draft)
    {
        var forward = draft.Forward;
        for (int i = 0; i < forward.Count; i++)
        {
            if (forward[i] is not CallStep { Kernel: "CausalSoftmax", Method: "Forward" } softmax || HasScale(softmax)) continue;
            var scores = softmax.Arguments[2].Operand!;
            if (Passed(draft, scores) is not (MapStep { Accumulate: false } map, _) || ScaleOf(map.Expression) is not { } scale) continue;
            var (c, x) = scale;
            int at = forward.IndexOf(map);
            if (at < 0 || at > i || Between(forward, at, i).Any(s => s.Writes.Contains(x))) continue;
            forward[i] = softmax with
            {
                Arguments = [softmax.Arguments[0], softmax.Arguments[1], KernelArg.In(x), softmax.Arguments[3], KernelArg.Float(c, "scale")],
                Comment = Then(map.Comment, softmax.Comment),
                Label = map.Label + " + " + softmax.Label,
                Fused = $"the scale is applied as each score is read, so {scores.Name} is never stored",
            };
            forward.RemoveAt(at);
            draft.Drop(scores);
            i--;
        }
        var backward = draft.Backward;
        for (int i = 0; i < backward.Count; i++)
        {
            if (backward[i] is not MapStep map || ScaleOf(map.Expression) is not { } scale) continue;
            var (c, gradient) = scale;
            if (Passed(draft, gradient) is not (CallStep { Kernel: "CausalSoftmax", Method: "Backward" } softmax, _)
                || HasScale(softmax) || !softmax.Arguments.Any(a => a is { Name: "accumulate", Value: "false" })) continue;
            int at = backward.IndexOf(softmax);
            // The gradient is now written where the softmax backward runs: nothing between may touch it.
            if (at < 0 || at > i || Between(backward, at, i).Any(s => s.Reads.Contains(map.Output) || s.Writes.Contains(map.Output))) continue;
            backward[at] = softmax with
            {
                Arguments = [.. softmax.Arguments.Take(4), new KernelArg(map.Output, map.Accumulate ? Access.InOut : Access.Out, null),
                    KernelArg.Of(map.Accumulate, "accumulate"), KernelArg.Float(c, "scale")],
                Comment = Then(softmax.Comment, map.Comment),
                Label = softmax.Label + " + " + map.Label,
                Fused = $"the scale is applied as each gradient is written, so {gradient.Name} is never stored",
            };
            backward.Remove(map);
            draft.Drop(gradient);
            i--;
        }
    }

    private static bool HasScale(CallStep softmax) => softmax.Arguments.Any(a => a.Name == "scale");

    /// <summary>
    /// The one step that writes <paramref name="temp"/> and the one that reads it, when it is a
    /// temporary passed between just those two (not an output, written once, read once).
    /// </summary>
    private static (KernelStep Writer, KernelStep Reader)? Passed(Draft draft, Operand temp)
    {
        if (draft.IsKept(temp)) return null;
        var steps = draft.AllSteps.ToList();
        var writers = steps.Where(s => s.Writes.Contains(temp)).ToList();
        var readers = steps.Where(s => s.Reads.Contains(temp)).ToList();
        return writers.Count == 1 && readers.Count == 1 ? (writers[0], readers[0]) : null;
    }

    /// <summary>The steps strictly between positions <paramref name="from"/> and <paramref name="to"/> of a section.</summary>
    private static IEnumerable<KernelStep> Between(List<KernelStep> section, int from, int to) => section.Skip(from + 1).Take(to - from - 1);

    /// <summary>(c, x) when the map is c·x (or x·c) for a constant c and a whole tensor x.</summary>
    private static (double Scale, Operand Operand)? ScaleOf(MapExpr expression) => expression switch
    {
        MapBinary { Operator: "*", Left: MapConstant c, Right: MapOperand { Broadcast: Broadcast.Elementwise } x } => (c.Value, x.Operand),
        MapBinary { Operator: "*", Left: MapOperand { Broadcast: Broadcast.Elementwise } x, Right: MapConstant c } => (c.Value, x.Operand),
        _ => null,
    };

    /// <summary>The arguments with the written operand <paramref name="from"/> replaced by <paramref name="to"/>.</summary>
    private static List<KernelArg> Replace(IEnumerable<KernelArg> arguments, Operand from, Operand to) =>
        arguments.Select(a => a.Operand == from ? a with { Operand = to } : a).ToList();
}
