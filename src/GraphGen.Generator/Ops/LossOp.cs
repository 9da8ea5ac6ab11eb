using System.Globalization;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// The loss functions. Each is one fused runtime kernel that computes the mean loss and, in
/// the same pass, the gradient that starts backpropagation (scaled by the term's weight).
/// </summary>
internal sealed class LossOp : OpRule, ILossRule
{
    private readonly string _name;
    private readonly string[] _math;

    /// <param name="kind">The node kind.</param>
    /// <param name="name">The Nn method users call.</param>
    /// <param name="kernel">The GraphGen.Kernels.Losses method that computes the loss and its gradient in one pass.</param>
    /// <param name="math">The loss and its gradient, for the generated comments.</param>
    private LossOp(OpKind kind, string name, string kernel, params string[] math)
    {
        Kind = kind;
        _name = name;
        Kernel = kernel;
        _math = math;
    }

    public OpKind Kind { get; }

    /// <summary>The runtime kernel of this loss (GraphGen.Kernels.Losses.{Kernel}).</summary>
    public string Kernel { get; }

    public override string Name => _name;

    private bool TakesLabels => Kind == OpKind.SoftmaxCrossEntropy;

    public static readonly LossOp[] All =
    [
        new(OpKind.SoftmaxCrossEntropy, "SoftmaxCrossEntropy", kernel: "SoftmaxCrossEntropy",
            "loss = (1/N) Σ_r [log Σ_j e^(z[r,j] − m_r) − (z[r, y_r] − m_r)],  m_r = max_j z[r,j]",
            "dz[r, j] = (softmax(z_r)[j] − [j = y_r]) / N   (softmax and cross-entropy fused: stable for any logit size)"),
        new(OpKind.BinaryCrossEntropy, "BinaryCrossEntropy", kernel: "BinaryCrossEntropy",
            "loss = −(1/N) Σ_i [y_i·log p_i + (1 − y_i)·log(1 − p_i)]   (each log clamped at −100)",
            "dp_i = (p_i − y_i) / (p_i·(1 − p_i)) / N"),
        new(OpKind.BinaryCrossEntropyWithLogits, "BinaryCrossEntropyWithLogits", kernel: "BinaryCrossEntropyWithLogits",
            "loss = (1/N) Σ_i [max(z_i, 0) − z_i·y_i + log(1 + e^(−|z_i|))]   (= log loss of σ(z), without overflow)",
            "dz_i = (σ(z_i) − y_i) / N"),
        new(OpKind.MeanSquaredError, "MeanSquaredError", kernel: "MeanSquaredError",
            "loss = (1/N) Σ_i (ŷ_i − y_i)²",
            "dŷ_i = 2·(ŷ_i − y_i) / N"),
    ];

    public override Node? Build(OpCall call)
    {
        var builder = call.Builder;
        string predictionName = TakesLabels ? "logits" : Kind == OpKind.BinaryCrossEntropy ? "probabilities" : Kind == OpKind.MeanSquaredError ? "prediction" : "logits";
        string targetName = TakesLabels ? "labels" : "targets";
        var prediction = call.Tensor(predictionName);
        var target = call.Tensor(targetName);
        if (prediction is null || target is null) return null;
        var graph = builder.Graph;
        if (builder.Role != "Loss")
        {
            builder.Report(DiagnosticDescriptors.InvalidLoss, call.Location, $"{_name} is a loss function: call it in the [Loss] method and return the network's output from [Forward]");
            return null;
        }
        if (target != graph.Target)
        {
            builder.Report(DiagnosticDescriptors.InvalidLoss, call.LocationOf(targetName),
                $"The {targetName} of {_name} must be the [Loss] method's target parameter '{graph.Target?.Name}'");
            return null;
        }
        if (prediction.Shape.IsScalar)
        {
            builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf(predictionName), $"{_name} needs a tensor of predictions but receives a scalar");
            return null;
        }
        if (TakesLabels)
        {
            if (graph.TargetClasses == 0)
            {
                builder.Report(DiagnosticDescriptors.InvalidLoss, call.LocationOf(targetName),
                    $"SoftmaxCrossEntropy takes integer class labels: declare the target as '[Labels({prediction.Shape.Last})] Tensor {target.Name}'");
                return null;
            }
            if (prediction.Shape.Last != graph.TargetClasses)
            {
                builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf(predictionName),
                    $"SoftmaxCrossEntropy: the logits {prediction.Name} {prediction.Shape} have {prediction.Shape.Last} classes on their last axis but the labels declare [Labels({graph.TargetClasses})]");
                return null;
            }
            if (prediction.Shape.LeadingSize != target.Shape.Size)
            {
                builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf(predictionName),
                    $"SoftmaxCrossEntropy: the logits {prediction.Shape} hold {prediction.Shape.LeadingSize} rows of classes per sample but the labels hold {target.Shape.Size} per sample");
                return null;
            }
            if (!IgnoredLabel(call, graph, out var ignore)) return null;
            var term = graph.Add(Kind, [prediction, target], TensorShape.Scalar, call.Location);
            term.Attributes = new LossAttributes(ignore);
            return term;
        }
        else
        {
            if (graph.TargetClasses != 0)
            {
                builder.Report(DiagnosticDescriptors.InvalidLoss, call.LocationOf(targetName),
                    $"{_name} takes real-valued targets: declare the target as '[Shape({string.Join(", ", prediction.Shape.Dimensions)})] Tensor {target.Name}' instead of [Labels]");
                return null;
            }
            if (prediction.Shape.Size != target.Shape.Size)
            {
                builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf(predictionName),
                    $"{_name}: the prediction {prediction.Name} {prediction.Shape} and the target {target.Name} {target.Shape} must have the same number of values");
                return null;
            }
        }
        return graph.Add(Kind, [prediction, target], TensorShape.Scalar, call.Location);
    }

    /// <summary>
    /// The optional ignoreLabel of SoftmaxCrossEntropy: a constant outside the classes, the same
    /// in every SoftmaxCrossEntropy term of the loss (they read the same labels, and the network
    /// checks its labels once). False after reporting a diagnostic.
    /// </summary>
    private static bool IgnoredLabel(OpCall call, Graph graph, out int? ignore)
    {
        const string Parameter = "ignoreLabel";
        ignore = null;
        if (call.Has(Parameter))
        {
            ignore = call.Int(Parameter, int.MinValue);
            if (ignore is null) return false;
            if (ignore >= 0 && ignore < graph.TargetClasses)
            {
                call.Builder.Report(DiagnosticDescriptors.InvalidArgument, call.LocationOf(Parameter),
                    $"SoftmaxCrossEntropy: ignoreLabel {ignore} is a class index (0..{graph.TargetClasses - 1}); mark padding with a label outside the classes, such as -1");
                return false;
            }
        }
        if (graph.HasLabelLoss && graph.IgnoredLabel != ignore)
        {
            string Describe(int? label) => label is { } l ? $"ignores label {l}" : "ignores no label";
            call.Builder.Report(DiagnosticDescriptors.InvalidLoss, call.Location,
                $"Every SoftmaxCrossEntropy term reads the same labels, so they must ignore the same label: an earlier term {Describe(graph.IgnoredLabel)}, this one {Describe(ignore)}");
            return false;
        }
        graph.HasLabelLoss = true;
        graph.IgnoredLabel = ignore;
        return true;
    }

    /// <summary>Emits the fused loss-and-gradient kernel for one term of the total loss.</summary>
    public void EmitLoss(Node node, double weight, string result, PlanBuilder plan)
    {
        var prediction = node.Inputs[0];
        var target = node.Inputs[1];
        var gradient = plan.GradientOf(prediction);
        var (rows, columns) = TakesLabels
            ? (Dim.Batch(prediction.Shape.LeadingSize), prediction.Shape.Last)
            : (Dim.Batch(1), prediction.Shape.Size);
        string n = TakesLabels ? rows.Math : (prediction.Shape.Size == 1 ? "B" : prediction.Shape.Size.ToString(CultureInfo.InvariantCulture) + "B");
        int? ignore = (node.Attributes as LossAttributes)?.IgnoreLabel;
        if (ignore is not null) n = "the rows whose label is not " + ignore.Value.ToString(CultureInfo.InvariantCulture);
        var comment = new System.Collections.Generic.List<string>
        {
            $"{_name}({prediction.Name}, {target.Name}), N = {n}" + (weight == 1 ? "" : $", weight {weight.ToString("G6", CultureInfo.InvariantCulture)} in the total loss"),
            "  " + _math[0],
        };
        if (gradient is not null)
            comment.Add("  " + _math[1] + (weight == 1 ? "" : " · weight"));
        if (ignore is not null)
            comment.Add($"  rows labelled {ignore} (padding) add nothing to the sum and get dz = 0");
        var size = TakesLabels
            ? new[] { KernelArg.Of(rows), KernelArg.Of(columns) }
            : new[] { KernelArg.Of(new Dim(rows.Factor * columns, rows.PerBatch)) };
        var arguments = new System.Collections.Generic.List<KernelArg>
        {
            KernelArg.In(plan.Value(prediction)),
            KernelArg.In(plan.Value(target)),
            gradient is { } g ? KernelArg.Gradient(g) with { OnlyWithGradient = true } : KernelArg.None(),
        };
        arguments.AddRange(size);
        if (weight != 1) arguments.Add(KernelArg.Float(weight, "weight"));
        if (gradient is { Accumulate: true }) arguments.Add(KernelArg.Of(true, "accumulate"));
        if (ignore is { } ignored) arguments.Add(KernelArg.Of(ignored, "ignoreLabel"));
        plan.Emit(new CallStep("Losses", Kernel, arguments)
        {
            Result = result,
            SourceNode = node.Id,
            Label = _name,
            Comment = comment,
        });
    }

    /// <summary>A loss node is a scalar: the planner lowers it through <see cref="EmitLoss"/>, never as a forward step.</summary>
    public override void Forward(Node node, PlanBuilder plan) =>
        throw new System.InvalidOperationException("Loss terms are lowered by EmitLoss.");

    /// <summary>The loss gradient is produced by the fused kernel of <see cref="EmitLoss"/>.</summary>
    public override void Backward(Node node, PlanBuilder plan) =>
        throw new System.InvalidOperationException("Loss terms are lowered by EmitLoss.");

    public override string Describe(Node node) => _math[0];
}

/// <summary>SoftmaxCrossEntropy's ignored label (padding), or null when every label counts.</summary>
internal sealed record LossAttributes(int? IgnoreLabel) : OpAttributes;
