using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Dense (fully connected) layer over the last axis, as torch.nn.Linear:
/// forward  y = x·Wᵀ + b            W [out, in], b [out]
/// backward dx = dy·W,  dW = dyᵀ·x,  db = Σ_rows dy
/// </summary>
internal sealed class DenseOp : OpRule
{
    /// <summary>GraphGen.Init members by value (a test keeps this in step with the runtime enum).</summary>
    public static readonly string[] InitNames = ["Auto", "HeUniform", "XavierUniform", "Zeros", "Ones", "SmallUniform"];

    public override string Name => "Dense";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var units = call.Int("units", 1);
        var name = call.String("name");
        var bias = call.Bool("bias");
        var initValue = call.Float("init");
        var share = call.Bool("share");
        if (x is null || units is null || name is null || bias is null || initValue is null || share is null) return null;
        var builder = call.Builder;
        if (builder.Role != "Forward")
        {
            builder.Report(DiagnosticDescriptors.InvalidLoss, call.Location, "Layers with parameters belong in the [Forward] method, not in the [Loss]");
            return null;
        }
        if (name.Trim().Length == 0)
        {
            builder.Report(DiagnosticDescriptors.InvalidArgument, call.LocationOf("name"), "Dense needs a non-empty name: it names the parameters, e.g. name: \"hidden\" gives hidden.weight and hidden.bias");
            return null;
        }
        if (x.Shape.IsScalar)
        {
            builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf("x"), $"Dense \"{name}\" needs a tensor input but receives a scalar");
            return null;
        }
        int init = (int)initValue.Value;
        if (init < 0 || init >= InitNames.Length)
        {
            builder.Report(DiagnosticDescriptors.InvalidArgument, call.LocationOf("init"), $"Unknown initialisation {init}: use a member of GraphGen.Init");
            return null;
        }

        int inFeatures = x.Shape.Last;
        var existing = builder.Graph.Layers.Find(l => l.Name == name);
        if (existing is not null && existing.Op == "Dense" && (existing.CallSite == call.CallSite || share.Value) && existing.InFeatures != inFeatures)
        {
            builder.Report(DiagnosticDescriptors.ShapeMismatch, call.LocationOf("x"),
                $"Dense \"{name}\" expects {existing.InFeatures} inputs (its shared weight is [{existing.Units}, {existing.InFeatures}]) but receives {inFeatures}");
            return null;
        }
        string signature = $"Dense [{units.Value}, {inFeatures}]{(bias.Value ? " with bias" : " without bias")}";
        var layer = LayerRegistry.Resolve(call, name, share.Value, signature, () =>
        {
            var weight = new GraphParameter(name + ".weight", [units.Value, inFeatures], InitNames[init], inFeatures, units.Value);
            GraphParameter[] parameters = bias.Value
                ? [weight, new GraphParameter(name + ".bias", [units.Value], "Zeros", inFeatures, units.Value)]
                : [weight];
            return new Layer(name, "Dense", parameters, [], signature, call.CallSite, call.Location);
        });
        if (layer is null) return null;
        var graph = builder.Graph;
        var node = graph.Add(OpKind.Dense, [x], x.Shape.WithLast(units.Value), call.Location);
        node.Layer = layer;
        builder.Name(node, name, 1);
        return node;
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var layer = node.Layer!;
        var x = node.Inputs[0];
        plan.Emit(new GemmStep(plan.Value(x), false, plan.Parameter(layer.Weight), true, plan.Value(node),
            PlanBuilder.Rows(node), Dim.Constant(layer.Units), Dim.Constant(layer.InFeatures), Accumulate: false)
        {
            Bias = layer.Bias is null ? null : plan.Parameter(layer.Bias),
            SourceNode = node.Id,
            Label = "dense " + layer.Name,
            Comment =
            [
                $"Dense \"{layer.Name}\": {Describe(node)}",
                $"  {node.Name}[r, o] = Σ_i {x.Name}[r, i] · W[o, i]{(layer.Bias is null ? "" : " + b[o]")}   for o < {layer.Units}, i < {layer.InFeatures}",
                $"  W = {layer.Weight.Name} {layer.Weight.ShapeText}{(layer.Bias is null ? "" : $", b = {layer.Bias.Name} {layer.Bias.ShapeText}")}",
            ],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var layer = node.Layer!;
        var x = node.Inputs[0];
        var dy = plan.Gradient(node);
        var rows = PlanBuilder.Rows(node);

        var dW = plan.ParameterGradient(layer.Weight);
        plan.Emit(new GemmStep(dy, true, plan.Value(x), false, dW.Operand, Dim.Constant(layer.Units), Dim.Constant(layer.InFeatures), rows, dW.Accumulate)
        {
            SourceNode = node.Id,
            Label = "dense " + layer.Name + " dW",
            Comment =
            [
                $"Dense \"{layer.Name}\" backward, weight: dW {(dW.Accumulate ? "+=" : "=")} {dy.Name}ᵀ · {x.Name}   (W = {layer.Weight.Name}{(dW.Accumulate ? ", shared: contributions add up" : "")})",
                $"  dW[o, i] = Σ_r {dy.Name}[r, o] · {x.Name}[r, i]   (summed over the batch)",
            ],
        });
        if (layer.Bias is not null)
        {
            var db = plan.ParameterGradient(layer.Bias);
            plan.Emit(new CallStep("Bias", "SumRows", [KernelArg.In(dy), KernelArg.Gradient(db), KernelArg.Of(rows), KernelArg.Of(layer.Units), KernelArg.Of(db.Accumulate, "accumulate")])
            {
                SourceNode = node.Id,
                Label = "dense " + layer.Name + " db",
                Comment = [$"Dense \"{layer.Name}\" backward, bias: db[o] {(db.Accumulate ? "+=" : "=")} Σ_r {dy.Name}[r, o]   (b = {layer.Bias.Name})"],
            });
        }
        if (plan.GradientOf(x) is { } dx)
        {
            plan.Emit(new GemmStep(dy, false, plan.Parameter(layer.Weight), false, dx.Operand, rows, Dim.Constant(layer.InFeatures), Dim.Constant(layer.Units), dx.Accumulate)
            {
                SourceNode = node.Id,
                Label = "dense " + layer.Name + " dx",
                Comment =
                [
                    $"Dense \"{layer.Name}\" backward, input: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} {dy.Name} · W",
                    $"  {dx.Operand.Name}[r, i] {(dx.Accumulate ? "+=" : "=")} Σ_o {dy.Name}[r, o] · W[o, i]",
                ],
            });
        }
    }

    /// <summary>ONNX: Gemm (transB) for a row per sample; MatMul by Wᵀ plus the bias for more axes.</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var layer = node.Layer!;
        string x = node.Inputs[0].Name;
        if (node.Inputs[0].Shape.Rank == 1)
        {
            var inputs = layer.Bias is null ? new[] { x, layer.Weight.Name } : new[] { x, layer.Weight.Name, layer.Bias.Name };
            onnx.Node("Gemm", inputs, node.Name, Emit.OnnxEmitter.Int("transB", 1));
            return;
        }
        var transposed = onnx.Node("Transpose", [layer.Weight.Name], onnx.Temp(node, "weight_t"), Emit.OnnxEmitter.Ints("perm", 1, 0));
        if (layer.Bias is null)
        {
            onnx.Node("MatMul", [x, transposed], node.Name);
            return;
        }
        var product = onnx.Node("MatMul", [x, transposed], onnx.Temp(node, "product"));
        onnx.Node("Add", [product, layer.Bias.Name], node.Name);
    }

    public override string Describe(Node node)
    {
        var layer = node.Layer!;
        return $"{node.Name} = {node.Inputs[0].Name} · Wᵀ{(layer.Bias is null ? "" : " + b")}";
    }
}
