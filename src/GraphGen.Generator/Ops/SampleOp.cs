using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Sample(mu, logVar): the reparameterisation trick of a variational autoencoder,
/// z = μ + e^(½·logσ²) ⊙ ε with ε ~ N(0, 1) drawn from (seed, stream, step), so the noise is
/// outside the graph and gradients flow to μ and logσ²: dμ = dz, dlogσ² = ½·dz ⊙ ε ⊙ e^(½·logσ²).
/// </summary>
internal sealed class SampleOp : OpRule
{
    public override string Name => "Sample";

    public override Node? Build(OpCall call)
    {
        var mu = call.Tensor("mean");
        var logVar = call.Tensor("logVariance");
        if (mu is null || logVar is null) return null;
        if (mu.Shape.IsScalar || mu.Shape != logVar.Shape)
            return Mismatch(call, $"Sample needs a mean and a log-variance of one shape, but receives {mu.Name} {mu.Shape} and {logVar.Name} {logVar.Shape}");
        var graph = call.Builder.Graph;
        var node = graph.Add(OpKind.Sample, [mu, logVar], mu.Shape, call.Location);
        node.Stream = graph.StochasticOps++;
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var eps = plan.Saved(node, "Noise", node.Shape.Size);
        var mu = plan.Value(node.Inputs[0]);
        var logVar = plan.Value(node.Inputs[1]);
        plan.Emit(new CallStep("GaussianNoise", "Fill",
            [KernelArg.Out(eps), KernelArg.StreamSeed(node.Stream), KernelArg.Code("(ulong)(training ? TrainingSteps : EvaluationSteps)")])
        {
            SourceNode = node.Id,
            Label = "Sample noise",
            Comment = [$"Sample: ε ~ N(0, 1) from (seed, stream {node.Stream}, step), kept in {eps.Name} for the backward pass"],
        });
        plan.Emit(new MapStep(plan.Value(node), Map.Add(Map.Of(mu), Map.Mul(Map.Fn("exp", Map.Mul(Map.Const(0.5), Map.Of(logVar))), Map.Of(eps))), Dim.Batch(1), node.Shape.Size, false)
        {
            SourceNode = node.Id,
            Label = "Sample",
            Comment = [$"Sample: {Describe(node)}"],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var dz = plan.Gradient(node);
        var eps = plan.FindSaved(node, "Noise");
        var logVar = plan.Value(node.Inputs[1]);
        if (plan.GradientOf(node.Inputs[0]) is { } dmu)
            plan.Emit(new MapStep(dmu.Operand, Map.Of(dz), Dim.Batch(1), node.Shape.Size, dmu.Accumulate)
            {
                SourceNode = node.Id,
                Label = "Sample backward dμ",
                Comment = [$"Sample backward: {dmu.Operand.Name} {(dmu.Accumulate ? "+=" : "=")} {dz.Name}"],
            });
        if (plan.GradientOf(node.Inputs[1]) is { } dlv)
            plan.Emit(new MapStep(dlv.Operand, Map.Mul(Map.Mul(Map.Const(0.5), Map.Of(dz)), Map.Mul(Map.Of(eps), Map.Fn("exp", Map.Mul(Map.Const(0.5), Map.Of(logVar))))),
                Dim.Batch(1), node.Shape.Size, dlv.Accumulate)
            {
                SourceNode = node.Id,
                Label = "Sample backward dlogσ²",
                Comment = [$"Sample backward: {dlv.Operand.Name} {(dlv.Accumulate ? "+=" : "=")} ½·{dz.Name} ⊙ ε ⊙ e^(½·{node.Inputs[1].Name})"],
            });
    }

    /// <summary>
    /// ONNX: ε from RandomNormalLike (ONNX Runtime's generator, not GraphGen's streams: the same
    /// distribution, other draws), then μ + e^(½·logσ²) ⊙ ε.
    /// </summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        string mean = node.Inputs[0].Name, logVariance = node.Inputs[1].Name;
        var noise = onnx.Node("RandomNormalLike", [mean], onnx.Temp(node, "noise"));
        var half = onnx.Node("Mul", [logVariance, onnx.Scalar(node, "half", 0.5)], onnx.Temp(node, "half_log_variance"));
        var deviation = onnx.Node("Exp", [half], onnx.Temp(node, "deviation"));
        var scaled = onnx.Node("Mul", [deviation, noise], onnx.Temp(node, "scaled_noise"));
        onnx.Node("Add", [mean, scaled], node.Name);
    }

    public override string Describe(Node node) => $"{node.Name} = {node.Inputs[0].Name} + e^(½·{node.Inputs[1].Name}) ⊙ ε";
}

/// <summary>
/// KlDivergence(mean, logVariance): a loss term, KL(N(μ, σ²) ‖ N(0, 1)) summed over the latent
/// axis and averaged over the batch: −½ Σ (1 + logσ² − μ² − σ²). Gradients dμ = μ/B, dlogσ² = ½(σ² − 1)/B.
/// </summary>
internal sealed class KlDivergenceOp : OpRule, ILossRule
{
    public override string Name => "KlDivergence";

    public override Node? Build(OpCall call)
    {
        var mu = call.Tensor("mean");
        var logVar = call.Tensor("logVariance");
        if (mu is null || logVar is null) return null;
        if (call.Builder.Role != "Loss")
        {
            call.Builder.Report(DiagnosticDescriptors.InvalidLoss, call.Location, "KlDivergence is a loss term: call it in the [Loss] method, with μ and log σ² returned from [Forward]");
            return null;
        }
        if (mu.Shape.IsScalar || mu.Shape != logVar.Shape)
            return Mismatch(call, $"KlDivergence needs a mean and a log-variance of one shape, but receives {mu.Name} {mu.Shape} and {logVar.Name} {logVar.Shape}");
        return call.Builder.Graph.Add(OpKind.KlDivergence, [mu, logVar], TensorShape.Scalar, call.Location);
    }

    public void EmitLoss(Node node, double weight, string result, PlanBuilder plan)
    {
        var mu = node.Inputs[0];
        var logVar = node.Inputs[1];
        var dMu = plan.GradientOf(mu);
        var dLogVar = plan.GradientOf(logVar);
        var arguments = new System.Collections.Generic.List<KernelArg>
        {
            KernelArg.In(plan.Value(mu)),
            KernelArg.In(plan.Value(logVar)),
            dMu is { } m ? KernelArg.Gradient(m) with { OnlyWithGradient = true } : KernelArg.None(),
            dLogVar is { } l ? KernelArg.Gradient(l) with { OnlyWithGradient = true } : KernelArg.None(),
            KernelArg.Batch,
            KernelArg.Of(mu.Shape.Size),
        };
        if (weight != 1) arguments.Add(KernelArg.Float(weight, "weight"));
        if (dMu is { Accumulate: true }) arguments.Add(KernelArg.Of(true, "accumulateMu"));
        if (dLogVar is { Accumulate: true }) arguments.Add(KernelArg.Of(true, "accumulateLogVar"));
        plan.Emit(new CallStep("Losses", "KlDivergence", arguments)
        {
            Result = result,
            SourceNode = node.Id,
            Label = "KlDivergence",
            Comment =
            [
                $"KlDivergence({mu.Name}, {logVar.Name}) = (1/B) Σ_b Σ_j −½·(1 + logσ² − μ² − σ²)" + (weight == 1 ? "" : $", weight {weight.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}"),
                "  dμ = μ/B,  dlogσ² = ½·(σ² − 1)/B",
            ],
        });
    }

    /// <summary>A loss term is lowered by <see cref="EmitLoss"/>, never as a forward step.</summary>
    public override void Forward(Node node, PlanBuilder plan) => throw new System.InvalidOperationException("Loss terms are lowered by EmitLoss.");

    /// <summary>The gradient comes from the fused kernel of <see cref="EmitLoss"/>.</summary>
    public override void Backward(Node node, PlanBuilder plan) => throw new System.InvalidOperationException("Loss terms are lowered by EmitLoss.");

    public override string Describe(Node node) => "KL(N(μ, σ²) ‖ N(0, 1))";
}
