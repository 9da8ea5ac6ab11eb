using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Conv2d(x, outChannels, kernel, name, stride, padding, dilation, groups): a 2-D convolution of
/// an image [C, H, W] as torch.nn.Conv2d, weight [OC, C/groups, K, K]:
/// y[o, i, j] = b[o] + Σ_{c, u, v} x[c, i·s − p + u·d, j·s − p + v·d] · W[o, c, u, v].
/// Backward: dW = Σ over the batch of dy ⋆ x (correlation), db = Σ dy, dx = dy ⊛ W (transposed convolution).
/// </summary>
internal sealed class Conv2dOp : OpRule
{
    public override string Name => "Conv2d";

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        var outChannels = call.Int("outChannels", 1);
        var kernel = call.Int("kernel", 1);
        var name = call.String("name");
        var stride = call.Int("stride", 1);
        var padding = call.Int("padding", 0);
        var dilation = call.Int("dilation", 1);
        var groups = call.Int("groups", 1);
        var bias = call.Bool("bias");
        var initValue = call.Float("init");
        var share = call.Bool("share");
        if (x is null || outChannels is null || kernel is null || name is null || stride is null || padding is null || dilation is null
            || groups is null || bias is null || initValue is null || share is null) return null;
        if (x.Shape.Rank != 3)
            return Mismatch(call, $"Conv2d takes images [channels, height, width], but {x.Name} is {x.Shape}; reshape it first, e.g. Reshape(x, 1, 28, 28)", "x");
        int c = x.Shape.Dimensions[0], h = x.Shape.Dimensions[1], w = x.Shape.Dimensions[2];
        if (c % groups.Value != 0 || outChannels.Value % groups.Value != 0)
            return Mismatch(call, $"Conv2d \"{name}\": {groups} groups must divide both the {c} input channels and the {outChannels} output channels", "groups");
        long span = (long)dilation.Value * (kernel.Value - 1) + 1;
        if (span > int.MaxValue || h + 2L * padding.Value > int.MaxValue || w + 2L * padding.Value > int.MaxValue)
            return Invalid(call, $"Conv2d \"{name}\": the kernel's span ({span}) and the padded input ({h + 2L * padding.Value}×{w + 2L * padding.Value}) must each be at most {int.MaxValue} (int.MaxValue)", "kernel");
        var geometry = new ConvGeometry(c, h, w, outChannels.Value, kernel.Value, stride.Value, padding.Value, dilation.Value, groups.Value);
        if (h + 2L * padding.Value < span || w + 2L * padding.Value < span)
            return Mismatch(call, $"Conv2d \"{name}\": the kernel spans {span}×{span} pixels (kernel {kernel}, dilation {dilation}) but the input is {h}×{w} with padding {padding}; use a smaller kernel or more padding", "kernel");
        int init = (int)initValue.Value;
        if (init < 0 || init >= DenseOp.InitNames.Length) return Invalid(call, $"Unknown initialisation {init}: use a member of GraphGen.Init", "init");

        int perGroupIn = c / groups.Value, k2 = kernel.Value * kernel.Value;
        string signature = $"Conv2d [{outChannels}, {perGroupIn}, {kernel}, {kernel}]{(bias.Value ? " with bias" : "")}";
        var layer = LayerRegistry.Resolve(call, name, share.Value, signature, () =>
        {
            int fanIn = perGroupIn * k2, fanOut = outChannels.Value / groups.Value * k2;
            var weight = new GraphParameter(name + ".weight", [outChannels.Value, perGroupIn, kernel.Value, kernel.Value], DenseOp.InitNames[init], fanIn, fanOut);
            GraphParameter[] parameters = bias.Value ? [weight, new GraphParameter(name + ".bias", [outChannels.Value], "Zeros", fanIn, fanOut)] : [weight];
            return new Layer(name, "Conv2d", parameters, [], signature, call.CallSite, call.Location);
        });
        if (layer is null) return null;
        var node = call.Builder.Graph.Add(OpKind.Conv2d, [x], TensorShape.Of(outChannels.Value, geometry.OutHeight, geometry.OutWidth), call.Location);
        node.Layer = layer;
        node.Attributes = new Conv2dAttributes(geometry);
        call.Builder.Name(node, name, 1);
        return node;
    }

    private static ConvGeometry Geometry(Node node) => node.Get<Conv2dAttributes>().Geometry;

    public override void Forward(Node node, PlanBuilder plan)
    {
        var layer = node.Layer!;
        var g = Geometry(node);
        plan.Emit(new CallStep("Conv2d", "Forward",
            [KernelArg.Code(g.Code), KernelArg.Batch, KernelArg.In(plan.Value(node.Inputs[0])), KernelArg.In(plan.Parameter(layer.Weight)),
             layer.Bias is null ? KernelArg.None() : KernelArg.In(plan.Parameter(layer.Bias)), KernelArg.Out(plan.Value(node))])
        {
            // The kernel can apply the activation that follows to each output plane as it writes it.
            Slot = ActivationSlot.Forward,
            SourceNode = node.Id,
            Label = "conv " + layer.Name,
            Comment =
            [
                $"Conv2d \"{layer.Name}\": {Describe(node)}",
                $"  {node.Name}[o, i, j] = {(layer.Bias is null ? "" : "b[o] + ")}Σ_c,u,v {node.Inputs[0].Name}[c, {g.Stride}i − {g.Padding} + {g.Dilation}u, {g.Stride}j − {g.Padding} + {g.Dilation}v] · W[o, c, u, v]",
                $"  W = {layer.Weight.Name} {layer.Weight.ShapeText}{(g.Groups > 1 ? $", {g.Groups} groups" : "")}",
            ],
        });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        var layer = node.Layer!;
        var g = Geometry(node);
        var x = plan.Value(node.Inputs[0]);
        var dy = plan.Gradient(node);
        var dW = plan.ParameterGradient(layer.Weight);
        var dB = layer.Bias is null ? (GradientTarget?)null : plan.ParameterGradient(layer.Bias);
        bool accumulate = plan.CommonAccumulate(node, (dW, Dim.Constant(1), layer.Weight.Count), (dB, Dim.Constant(1), layer.Bias?.Count ?? 0));
        var access = accumulate ? Access.InOut : Access.Out;
        plan.Emit(new CallStep("Conv2d", "BackwardWeight",
            [KernelArg.Code(g.Code), KernelArg.Batch, KernelArg.In(x), KernelArg.In(dy), new KernelArg(dW.Operand, access, null),
             dB is { } db ? new KernelArg(db.Operand, access, null) : KernelArg.None(), KernelArg.Of(accumulate, "accumulate")])
        {
            SourceNode = node.Id,
            Label = "conv " + layer.Name + " dW",
            Comment = [$"Conv2d \"{layer.Name}\" backward, weights: dW[o, c, u, v] {(accumulate ? "+=" : "=")} Σ_b,i,j {dy.Name}[o, i, j] · {x.Name}[c, …]{(dB is null ? "" : ", db[o] = Σ_b,i,j " + dy.Name + "[o, i, j]")}"],
        });
        if (plan.GradientOf(node.Inputs[0]) is { } dx)
        {
            var weight = plan.Parameter(layer.Weight);
            plan.Emit(new CallStep("Conv2d", "BackwardInput",
                [KernelArg.Code(g.Code), KernelArg.Batch, KernelArg.In(dy), KernelArg.In(weight), KernelArg.Gradient(dx), KernelArg.Of(dx.Accumulate, "accumulate")])
            {
                SourceNode = node.Id,
                Label = "conv " + layer.Name + " dx",
                Comment = [$"Conv2d \"{layer.Name}\" backward, input: {dx.Operand.Name} {(dx.Accumulate ? "+=" : "=")} the transposed convolution of {dy.Name} with W (each input pixel collects the gradient of every output it touched)"],
            });
        }
    }

    /// <summary>ONNX: Conv with the same strides, pads, dilations and groups (weight [out, in/groups, k, k] as here).</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        var g = node.Get<Conv2dAttributes>().Geometry;
        var layer = node.Layer!;
        var inputs = layer.Bias is null ? new[] { node.Inputs[0].Name, layer.Weight.Name } : new[] { node.Inputs[0].Name, layer.Weight.Name, layer.Bias.Name };
        onnx.Node("Conv", inputs, node.Name,
            Emit.OnnxEmitter.Ints("kernel_shape", g.Kernel, g.Kernel), Emit.OnnxEmitter.Ints("strides", g.Stride, g.Stride),
            Emit.OnnxEmitter.Ints("pads", g.Padding, g.Padding, g.Padding, g.Padding), Emit.OnnxEmitter.Ints("dilations", g.Dilation, g.Dilation),
            Emit.OnnxEmitter.Int("group", g.Groups));
    }

    public override string Describe(Node node)
    {
        var g = Geometry(node);
        return $"{node.Name} {node.Shape} = conv({node.Inputs[0].Name} {node.Inputs[0].Shape}, {g.Kernel}×{g.Kernel}, stride {g.Stride}, padding {g.Padding}{(g.Dilation > 1 ? ", dilation " + g.Dilation : "")})";
    }
}

/// <summary>The geometry of a convolution: channels, image size, kernel, stride, padding, dilation, groups.</summary>
internal sealed record Conv2dAttributes(ConvGeometry Geometry) : OpAttributes;

/// <summary>The geometry of a 2-D convolution, as the runtime's Conv2dShape takes it.</summary>
internal sealed record ConvGeometry(int InChannels, int InHeight, int InWidth, int OutChannels, int Kernel, int Stride, int Padding, int Dilation, int Groups)
{
    public int OutHeight => (InHeight + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1;
    public int OutWidth => (InWidth + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1;

    /// <summary>C# that builds the runtime shape.</summary>
    public string Code =>
        $"new global::GraphGen.Kernels.Conv2dShape({InChannels}, {InHeight}, {InWidth}, {OutChannels}, {Kernel}, {Kernel}, {Stride}, {Stride}, {Padding}, {Padding}, {Dilation}, {Dilation}, {Groups})";
}
