using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>
/// Pooling over image planes [C, H, W], as torch.nn.MaxPool2d / AvgPool2d (count_include_pad)
/// / adaptive average to 1×1:
///   max:     y = max over the window; backward routes dy to the argmax (saved in the forward pass);
///   average: y = mean over the k×k window; backward spreads dy/k² over the window;
///   global:  y[c] = mean over the plane; backward spreads dy[c]/(H·W).
/// </summary>
internal sealed class PoolOp(OpKind kind) : OpRule
{
    public override string Name => kind switch
    {
        OpKind.MaxPool2d => "MaxPool2d",
        OpKind.AvgPool2d => "AvgPool2d",
        _ => "GlobalAveragePool",
    };

    public override Node? Build(OpCall call)
    {
        var x = call.Tensor("x");
        if (x is null) return null;
        if (x.Shape.Rank != 3) return Mismatch(call, $"{Name} takes images [channels, height, width], but {x.Name} is {x.Shape}", "x");
        int c = x.Shape.Dimensions[0], h = x.Shape.Dimensions[1], w = x.Shape.Dimensions[2];
        var graph = call.Builder.Graph;
        if (kind == OpKind.GlobalAveragePool)
            return graph.Add(kind, [x], TensorShape.Of(c), call.Location);

        var kernel = call.Int("kernel", 1);
        var strideArgument = call.Int("stride", 0);
        var padding = call.Int("padding", 0);
        if (kernel is null || strideArgument is null || padding is null) return null;
        int stride = strideArgument.Value == 0 ? kernel.Value : strideArgument.Value;
        if (2L * padding.Value > kernel.Value)
            return Invalid(call, $"{Name}: padding {padding} is more than half the kernel {kernel} (PyTorch's limit too)", "padding");
        if (h + 2L * padding.Value > int.MaxValue || w + 2L * padding.Value > int.MaxValue)
            return Invalid(call, $"{Name}: the padded input ({h + 2L * padding.Value}×{w + 2L * padding.Value}) must be at most {int.MaxValue} (int.MaxValue) on each side", "padding");
        if (h + 2L * padding.Value < kernel.Value || w + 2L * padding.Value < kernel.Value)
            return Mismatch(call, $"{Name}: the {kernel}×{kernel} window is larger than the {h}×{w} input with padding {padding}", "kernel");
        // 2·padding ≤ kernel ≤ the padded input, so these fit an int.
        int oh = (int)((h + 2L * padding.Value - kernel.Value) / stride + 1), ow = (int)((w + 2L * padding.Value - kernel.Value) / stride + 1);
        var node = graph.Add(kind, [x], TensorShape.Of(c, oh, ow), call.Location);
        node.Attributes = new PoolAttributes(kernel.Value, stride, padding.Value);
        return node;
    }

    private static string Shape(Node node)
    {
        var x = node.Inputs[0].Shape.Dimensions;
        var (k, s, p) = node.Get<PoolAttributes>();
        return $"new global::GraphGen.Kernels.Pool2dShape({x[0]}, {x[1]}, {x[2]}, {k}, {k}, {s}, {s}, {p}, {p})";
    }

    public override void Forward(Node node, PlanBuilder plan)
    {
        var x = plan.Value(node.Inputs[0]);
        var y = plan.Value(node);
        CallStep step;
        if (kind == OpKind.GlobalAveragePool)
        {
            var d = node.Inputs[0].Shape.Dimensions;
            step = new CallStep("Pool2d", "GlobalAverageForward", [KernelArg.Batch, KernelArg.Of(d[0]), KernelArg.Of(d[1] * d[2]), KernelArg.In(x), KernelArg.Out(y)]);
        }
        else if (kind == OpKind.MaxPool2d)
        {
            var argmax = plan.Saved(node, "Argmax", node.Shape.Size, integer: true);
            step = new CallStep("Pool2d", "MaxForward", [KernelArg.Code(Shape(node)), KernelArg.Batch, KernelArg.In(x), KernelArg.Out(y), KernelArg.Out(argmax)]);
        }
        else
            step = new CallStep("Pool2d", "AverageForward", [KernelArg.Code(Shape(node)), KernelArg.Batch, KernelArg.In(x), KernelArg.Out(y)]);
        plan.Emit(step with { SourceNode = node.Id, Label = Name, Comment = [$"{Name}: {Describe(node)}"] });
    }

    public override void Backward(Node node, PlanBuilder plan)
    {
        if (plan.GradientOf(node.Inputs[0]) is not { } dx) return;
        var dy = plan.Gradient(node);
        var acc = KernelArg.Of(dx.Accumulate, "accumulate");
        CallStep step;
        string math;
        if (kind == OpKind.GlobalAveragePool)
        {
            var d = node.Inputs[0].Shape.Dimensions;
            step = new CallStep("Pool2d", "GlobalAverageBackward", [KernelArg.Batch, KernelArg.Of(d[0]), KernelArg.Of(d[1] * d[2]), KernelArg.In(dy), KernelArg.Gradient(dx), acc]);
            math = $"every {dx.Operand.Name}[c, i, j] gets {dy.Name}[c]/{d[1] * d[2]}";
        }
        else if (kind == OpKind.MaxPool2d)
        {
            var argmax = plan.FindSaved(node, "Argmax");
            // The kernel can also multiply each routed plane by the derivative of the activation
            // that produced the pooled input (fusion decides; see Planning/Fusion).
            step = new CallStep("Pool2d", "MaxBackward", [KernelArg.Code(Shape(node)), KernelArg.Batch, KernelArg.In(dy), KernelArg.In(argmax), KernelArg.Gradient(dx), acc])
            {
                Slot = ActivationSlot.Derivative,
            };
            math = $"each {dy.Name} value goes to the input that was the maximum of its window ({argmax.Name}); the others get 0";
        }
        else
        {
            int k = node.Get<PoolAttributes>().Kernel;
            step = new CallStep("Pool2d", "AverageBackward", [KernelArg.Code(Shape(node)), KernelArg.Batch, KernelArg.In(dy), KernelArg.Gradient(dx), acc]);
            math = $"each {dy.Name} value is spread as {dy.Name}/{k * k} over its {k}×{k} window";
        }
        plan.Emit(step with { SourceNode = node.Id, Label = Name + " backward", Comment = [$"{Name} backward: {math}"] });
    }

    /// <summary>ONNX: MaxPool, AveragePool (count_include_pad = 1, as here), GlobalAveragePool flattened to [C].</summary>
    public override void Onnx(Node node, Emit.OnnxEmitter onnx)
    {
        string x = node.Inputs[0].Name;
        if (kind == OpKind.GlobalAveragePool)
        {
            var pooled = onnx.Node("GlobalAveragePool", [x], onnx.Temp(node, "pooled"));
            onnx.Node("Flatten", [pooled], node.Name, Emit.OnnxEmitter.Int("axis", 1));
            return;
        }
        var p = node.Get<PoolAttributes>();
        var window = new[] { Emit.OnnxEmitter.Ints("kernel_shape", p.Kernel, p.Kernel), Emit.OnnxEmitter.Ints("strides", p.Stride, p.Stride), Emit.OnnxEmitter.Ints("pads", p.Padding, p.Padding, p.Padding, p.Padding) };
        if (kind == OpKind.MaxPool2d) onnx.Node("MaxPool", [x], node.Name, window);
        else onnx.Node("AveragePool", [x], node.Name, [.. window, Emit.OnnxEmitter.Int("count_include_pad", 1)]);
    }

    public override string Describe(Node node)
    {
        string x = node.Inputs[0].Name;
        if (kind == OpKind.GlobalAveragePool) return $"{node.Name}[c] = mean over the plane of {x}[c]";
        var (k, s, _) = node.Get<PoolAttributes>();
        return $"{node.Name} {node.Shape} = {(kind == OpKind.MaxPool2d ? "max" : "mean")} of {x} over {k}×{k} windows, stride {s}";
    }
}

/// <summary>The window of a max or average pooling: k×k, its stride and zero padding.</summary>
internal sealed record PoolAttributes(int Kernel, int Stride, int Padding) : OpAttributes;
