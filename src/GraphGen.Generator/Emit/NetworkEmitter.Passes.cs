using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    private int _stepNumber;

    private void WriteForwardPass()
    {
        _w.Line("/// <summary>The forward pass: every activation, in graph order. <paramref name=\"training\"/> selects batch statistics and dropout.</summary>");
        using (_w.Block($"private void RunForward(global::System.ReadOnlySpan<float> {InputName}, int batch, bool training)"))
        {
            _w.Line("_lastBatch = batch;");
            DeclareViews(_plan.Forward);
            _stepNumber = 0;
            for (int i = 0; i < _plan.Forward.Count; i++)
            {
                if (i > 0) _w.Line();
                var step = _plan.Forward[i];
                StepRenderer.Render(_w, step, ++_stepNumber);
                foreach (var written in step.Writes)
                {
                    int index = ObservedIndex(written);
                    if (index >= 0) _w.Line($"_observer?.Observe(ActivationTable[{index}], {written.Name}, batch);");
                }
            }
        }
        _w.Line();
    }

    private void WriteLossPass()
    {
        string targets = $"global::System.ReadOnlySpan<{_targetType}> {TargetName}";
        _w.Line("/// <summary>The loss and, when <paramref name=\"withGradient\"/>, its gradient: the start of backpropagation.</summary>");
        using (_w.Block($"private float RunLoss({targets}, int batch, bool withGradient)"))
        {
            DeclareViews(_plan.Loss);
            RenderSteps(_plan.Loss);
            _w.Line();
            var terms = _plan.LossTerms.Select(t => t.Weight == 1 ? t.Result : MapConstant.FloatLiteral(t.Weight) + " * " + t.Result).ToList();
            if (_plan.Graph.LossConstant != 0) terms.Add(MapConstant.FloatLiteral(_plan.Graph.LossConstant));
            _w.Line("float loss = " + string.Join(" + ", terms) + ";");
            _w.Line("if (CheckFinite) global::GraphGen.NetworkGuard.Finite(Name, \"loss\", loss);");
            _w.Line("return loss;");
        }
        _w.Line();
    }

    private void WriteBackwardPass()
    {
        _w.Line("/// <summary>");
        _w.Line("/// The backward pass: the graph walked in reverse, each step applying the chain rule to");
        _w.Line("/// turn the gradient of an op's output into gradients of its inputs and parameters.");
        _w.Line("/// </summary>");
        using (_w.Block($"private void RunBackward(global::System.ReadOnlySpan<float> {InputName}, int batch)"))
        {
            DeclareViews(_plan.Backward);
            RenderSteps(_plan.Backward);
        }
        _w.Line();
    }

    /// <summary>Declares a local span for every arena buffer and parameter the steps use, in order of first use.</summary>
    private void DeclareViews(IEnumerable<KernelStep> steps)
    {
        var seen = new HashSet<Operand>();
        var declarations = new List<string>();
        foreach (var step in steps)
        {
            foreach (var operand in step.Reads.Concat(step.Writes))
            {
                if (operand.Kind is OperandKind.Input or OperandKind.Targets or OperandKind.Labels || !seen.Add(operand)) continue;
                string view = View(operand, "batch");
                if (operand.Kind == OperandKind.Buffer && _plan.Buffers[operand.Index].Integer)
                    view = $"global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>({view})";
                declarations.Add($"var {operand.Name} = {view};");
            }
        }
        if (declarations.Count == 0) return;
        _w.Comment("Views: arena buffers (offsets from the memory plan), parameters and their gradients.");
        foreach (var line in declarations) _w.Line(line);
        _w.Line();
    }

    private string View(Operand operand, string batch)
    {
        switch (operand.Kind)
        {
            case OperandKind.Buffer:
                var buffer = _plan.Buffers[operand.Index];
                if (buffer.Fixed) return $"FixedView({buffer.Offset}, {buffer.Width})";
                string length = buffer.Width == 1 ? batch : $"{batch} * {buffer.Width}";
                return $"ArenaView({buffer.Offset}, {length})";
            case OperandKind.State:
                var state = _plan.Graph.State[operand.Index];
                return $"StateView({state.Offset}, {state.Count})";
            case OperandKind.Parameter:
                var p = _plan.Graph.Parameters[operand.Index];
                return $"ParameterView({p.Offset}, {p.Count})";
            case OperandKind.ParameterGradient:
                var g = _plan.Graph.Parameters[operand.Index];
                return $"GradientView({g.Offset}, {g.Count})";
            default:
                return operand.Name;
        }
    }

    private void WriteViews()
    {
        _w.Line("/// <summary>Buffer <paramref name=\"offset\"/> of the memory plan: it starts at offset × capacity.</summary>");
        _w.Line("private global::System.Span<float> ArenaView(int offset, int length) => _arena.Slice(offset * _capacity, length);");
        _w.Line();
        _w.Line("private global::System.ReadOnlySpan<float> ParameterView(int offset, int count) => _parameters.Slice(offset, count);");
        _w.Line();
        if (HasState)
        {
            _w.Line("private global::System.Span<float> StateView(int offset, int count) => global::System.MemoryExtensions.AsSpan(_state, offset, count);");
            _w.Line();
        }
        if (_plan.FixedSize > 0)
        {
            _w.Line("private global::System.Span<float> FixedView(int offset, int count) => _fixed.Slice(offset, count);");
            _w.Line();
        }
        if (_trainable)
        {
            _w.Line("private global::System.Span<float> GradientView(int offset, int count) => _gradients.Slice(offset, count);");
            _w.Line();
        }
    }

    /// <summary>Forward activations that an observer sees, in the order the forward pass stores them.</summary>
    private List<Buffer> ObservedBuffers() =>
        _plan.Forward.SelectMany(s => s.Writes).Where(o => o.Kind == OperandKind.Buffer).Select(o => _plan.Buffers[o.Index])
            .Where(b => b.Role == BufferRole.Activation).Distinct().ToList();

    private int ObservedIndex(Operand operand) =>
        operand.Kind == OperandKind.Buffer ? ObservedBuffers().IndexOf(_plan.Buffers[operand.Index]) : -1;

    /// <summary>Renders steps separated by blank lines, numbered across the passes in training order.</summary>
    private void RenderSteps(List<KernelStep> steps)
    {
        for (int i = 0; i < steps.Count; i++)
        {
            if (i > 0) _w.Line();
            StepRenderer.Render(_w, steps[i], ++_stepNumber);
        }
    }

}
