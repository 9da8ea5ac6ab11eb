using System.Globalization;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// LayerNorm(x, name): normalises each token over its last axis, y = γ·(x − μ)/√(σ² + ε) + β.
/// BatchNorm(x, name): normalises each channel over the batch (and the spatial positions of an
/// image): training uses the batch's statistics and updates running averages (state saved in
/// checkpoints); inference uses the running averages. Backward (both):
/// dx = γ·invstd/N · (N·dy − Σdy − x̂·Σ(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy.
/// </summary>
internal sealed class NormalizationOp(OpKind kind) : OpRule
{
    public override string Name => kind == OpKind.LayerNorm ? "LayerNorm" : "BatchNorm";

    private bool IsBatchNorm => kind == OpKind.BatchNorm;

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var name = call.String("name");
        var epsilon = call.Float("epsilon");
        var share = call.Bool("share");
        double momentum = 0;
        if (IsBatchNorm && call.Float("momentum") is not { } m) return null;
        else if (IsBatchNorm) momentum = call.Float("momentum")!.Value;
        if (x is null || name is null || epsilon is null || share is null) return null;
        if (x.Shape.IsScalar) return Mismatch(call, $"{Name} needs a tensor but receives a scalar loss", "x");
        if (!(epsilon > 0)) return Invalid(call, $"{Name}: epsilon must be positive, not {epsilon}", "epsilon");
        if (IsBatchNorm && !(momentum > 0 && momentum <= 1)) return Invalid(call, $"BatchNorm: momentum must be in (0, 1], not {momentum}", "momentum");
        if (IsBatchNorm && x.Shape.Rank != 1 && x.Shape.Rank != 3)
            return Mismatch(call, $"BatchNorm normalises features [F] or image channels [C, H, W], but {x.Name} is {x.Shape}", "x");

        int channels = IsBatchNorm ? x.Shape.Dimensions[0] : x.Shape.Last;
        string signature = $"{Name} [{channels}]";
        var layer = LayerRegistry.Resolve(call, name, share.Value, signature, () =>
        {
            GraphParameter[] parameters =
            [
                new GraphParameter(name + ".weight", [channels], "Ones", channels, channels),
                new GraphParameter(name + ".bias", [channels], "Zeros", channels, channels),
            ];
            GraphParameter[] state = IsBatchNorm
                ?
                [
                    new GraphParameter(name + ".running_mean", [channels], "Zeros", channels, channels),
                    new GraphParameter(name + ".running_var", [channels], "Ones", channels, channels),
                    new GraphParameter(name + ".num_batches_tracked", [], "Zeros", 1, 1),
                ]
                : [];
            return new Layer(name, Name, parameters, state, signature, call.CallSite, call.Location);
        });
        if (layer is null) return null;
        var node = call.Builder.Graph.Add(kind, [x], x.Shape, call.Location);
        node.Layer = layer;
        node.Attributes = new NormalizationAttributes(epsilon.Value, momentum);
        call.Builder.Name(node, name, 1);
        return node;
    }

    /// <summary>(channels or columns, spatial size or rows per sample).</summary>
    private (int Channels, int Spatial) Geometry(Node node) => IsBatchNorm
        ? (node.Shape.Dimensions[0], node.Shape.Size / node.Shape.Dimensions[0])
        : (node.Shape.Last, node.Shape.LeadingSize);

    public override void Forward(Node node, PlanBuilder plan)
    {
        var layer = node.Layer!;
        var x = plan.Value(node.Inputs[0]);
        var y = plan.Value(node);
        var gamma = plan.Parameter(layer.Parameters[0]);
        var beta = plan.Parameter(layer.Parameters[1]);
        var (channels, spatial) = Geometry(node);
        var settings = node.Get<NormalizationAttributes>();
        var eps = KernelArg.Float(settings.Epsilon);
        if (!IsBatchNorm)
        {
            var mean = plan.Saved(node, "Mean", spatial);
            var invStd = plan.Saved(node, "InvStd", spatial);
            plan.Emit(new CallStep("LayerNorm", "Forward",
                [KernelArg.Of(Dim.Batch(spatial)), KernelArg.Of(channels), KernelArg.In(x), KernelArg.In(gamma), KernelArg.In(beta), KernelArg.Out(y), KernelArg.Out(mean), KernelArg.Out(invStd), eps])
            {
                SourceNode = node.Id,
                Label = "LayerNorm " + layer.Name,
                Comment =
                [
                    $"LayerNorm \"{layer.Name}\": {node.Name} = γ·({x.Name} − μ)/√(σ² + ε) + β over each row of {channels}   (γ = {layer.Parameters[0].Name}, β = {layer.Parameters[1].Name})",
                    $"  μ and 1/√(σ² + ε) of each row are kept in {mean.Name} and {invStd.Name} for the backward pass",
                ],
            });
            return;
        }
        var savedMean = plan.Saved(node, "Mean", channels, fixedSize: true);
        var savedInvStd = plan.Saved(node, "InvStd", channels, fixedSize: true);
        var runningMean = plan.State(layer.State[0]);
        var runningVar = plan.State(layer.State[1]);
        var batches = plan.State(layer.State[2]);
        var training = new KernelStep[]
        {
            new CallStep("BatchNorm", "ForwardTraining",
                [KernelArg.Batch, KernelArg.Of(channels), KernelArg.Of(spatial), KernelArg.In(x), KernelArg.In(gamma), KernelArg.In(beta), KernelArg.Out(y),
                 KernelArg.Out(savedMean), KernelArg.Out(savedInvStd), KernelArg.InOut(runningMean), KernelArg.InOut(runningVar), KernelArg.Float(settings.Momentum), eps])
            {
                // The kernel can apply the activation that follows to each plane as it normalises it
                // (its backward pass recomputes x̂ from x, so it never reads y).
                Slot = ActivationSlot.Forward,
            },
            new MapStep(batches, Map.Add(Map.Of(batches), Map.Const(1)), Dim.Constant(1), 1, false),
        };
        var inference = new KernelStep[]
        {
            new CallStep("BatchNorm", "ForwardInference",
                [KernelArg.Batch, KernelArg.Of(channels), KernelArg.Of(spatial), KernelArg.In(x), KernelArg.In(gamma), KernelArg.In(beta), KernelArg.In(runningMean), KernelArg.In(runningVar), KernelArg.Out(y), eps]),
        };
        plan.Emit(new ModalStep(training, inference)
        {
            ConvolutionFold = ConvolutionFold(node, plan, channels, gamma, beta, runningMean, runningVar, eps),
            SourceNode = node.Id,
            Label = "BatchNorm " + layer.Name,
            Comment =
            [
                $"BatchNorm \"{layer.Name}\": {node.Name} = γ·({x.Name} − μ)/√(σ² + ε) + β per channel ({channels} channels{(spatial > 1 ? $" × {spatial} positions" : "")})",
                $"  training: μ, σ² of this batch; running_mean/var ← (1 − {settings.Momentum.ToString("G3", CultureInfo.InvariantCulture)})·running + {settings.Momentum.ToString("G3", CultureInfo.InvariantCulture)}·batch (unbiased σ²)",
                "  inference: the running averages",
            ],
        });
    }

    /// <summary>
    /// After a convolution, the step that folds this BatchNorm's inference form into the convolution's
    /// weights and bias (W' = s·W, b' = β + (b − μ)·s, s = γ/√(running_var + ε)), for <see cref="Fusion"/>
    /// to use at inference when nothing else reads the convolution's output; null after anything else.
    /// </summary>
    private static CallStep? ConvolutionFold(Node node, PlanBuilder plan, int channels, Operand gamma, Operand beta,
        Operand runningMean, Operand runningVar, KernelArg eps)
    {
        if (node.Inputs[0] is not { Kind: OpKind.Conv2d, Layer: { } conv }) return null;
        int rowSize = conv.Weight.Count / channels;
        var foldedWeight = plan.Saved(node, "FoldedWeight", conv.Weight.Count, fixedSize: true);
        var foldedBias = plan.Saved(node, "FoldedBias", channels, fixedSize: true);
        return new CallStep("BatchNorm", "FoldIntoConvolution",
            [KernelArg.Of(channels), KernelArg.Of(rowSize), KernelArg.In(plan.Parameter(conv.Weight)),
             conv.Bias is null ? KernelArg.None() : KernelArg.In(plan.Parameter(conv.Bias)), KernelArg.In(gamma), KernelArg.In(beta),
             KernelArg.In(runningMean), KernelArg.In(runningVar), KernelArg.Out(foldedWeight), KernelArg.Out(foldedBias), eps])
        {
            SourceNode = node.Id,
            Label = "fold BatchNorm " + node.Layer!.Name,
        };
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var layer = node.Layer!;
        var x = node.Inputs[0];
        var (channels, spatial) = Geometry(node);
        var dy = plan.Gradient(node);
        var dGamma = plan.ParameterGradient(layer.Parameters[0]);
        var dBeta = plan.ParameterGradient(layer.Parameters[1]);
        // Normalisation needs dx written even when x needs no gradient (the input itself): a throwaway buffer then.
        var dx = plan.GradientOf(x) ?? new GradientTarget(plan.Saved(node, "DiscardedGradient", x.Shape.Size), false);
        bool accumulate = plan.CommonAccumulate(node,
            (dx, Dim.Batch(1), x.Shape.Size), (dGamma, Dim.Constant(1), channels), (dBeta, Dim.Constant(1), channels));
        var mean = plan.FindSaved(node, "Mean");
        var invStd = plan.FindSaved(node, "InvStd");
        var gamma = plan.Parameter(layer.Parameters[0]);
        var xv = plan.Value(x);
        var rows = IsBatchNorm
            ? new[] { KernelArg.Batch, KernelArg.Of(channels), KernelArg.Of(spatial) }
            : new[] { KernelArg.Of(Dim.Batch(spatial)), KernelArg.Of(channels) };
        var access = accumulate ? Access.InOut : Access.Out;
        plan.Emit(new CallStep(Name, "Backward",
            [.. rows, KernelArg.In(dy), KernelArg.In(xv), KernelArg.In(gamma), KernelArg.In(mean), KernelArg.In(invStd),
             new KernelArg(dx.Operand, access, null), new KernelArg(dGamma.Operand, access, null), new KernelArg(dBeta.Operand, access, null), KernelArg.Of(accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = Name + " backward",
            Comment =
            [
                $"{Name} backward: with x̂ = ({x.Name} − μ)·invstd and N values per {(IsBatchNorm ? "channel" : "row")},",
                $"  {dx.Operand.Name} = γ·invstd/N · (N·{dy.Name} − Σ{dy.Name} − x̂·Σ({dy.Name}·x̂)),  dγ = Σ {dy.Name}·x̂,  dβ = Σ {dy.Name}",
            ],
        });
    }

    /// <summary>ONNX: LayerNormalization on the last axis; BatchNormalization with the running statistics (inference form).</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var layer = node.Layer!;
        var epsilon = Emit.OnnxEmitter.Float("epsilon", node.Get<NormalizationAttributes>().Epsilon);
        if (IsBatchNorm)
            onnx.Node("BatchNormalization", [node.Inputs[0].Name, layer.Parameters[0].Name, layer.Parameters[1].Name, layer.State[0].Name, layer.State[1].Name], node.Name, epsilon);
        else
            onnx.Node("LayerNormalization", [node.Inputs[0].Name, layer.Parameters[0].Name, layer.Parameters[1].Name], node.Name, Emit.OnnxEmitter.Int("axis", -1), epsilon);
    }

    public override string Describe(Node node) => $"{node.Name} = γ·({node.Inputs[0].Name} − μ)/√(σ² + ε) + β";
}

/// <summary>ε under the square root, and BatchNorm's running-average momentum (0 for LayerNorm).</summary>
internal sealed record NormalizationAttributes(double Epsilon, double Momentum) : OpAttributes;
