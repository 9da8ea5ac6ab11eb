using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    private int _stepNumber;

    /// <summary>Where the passes being written run.</summary>
    private RenderTarget _target = RenderTarget.Cpu();

    private void WriteForwardPass()
    {
        _w.Line("/// <summary>The forward pass: every activation, in graph order. <paramref name=\"training\"/> selects batch statistics and dropout.</summary>");
        string input = _target.IsGpu ? "" : $"global::System.ReadOnlySpan<float> {InputName}, ";
        using (_w.Block($"protected override void RunForward({input}int batch, bool training)"))
        {
            var views = new Views(this);
            var observed = ObservedBuffers();
            _stepNumber = 0;
            for (int i = 0; i < _plan.Forward.Count; i++)
            {
                if (i > 0) _w.Line();
                var step = _plan.Forward[i];
                RenderStep(step, views);
                foreach (var written in step.Writes)
                {
                    int index = written.Kind == OperandKind.Buffer ? observed.IndexOf(_plan.BufferOf(written)) : -1;
                    if (index >= 0) _w.Line($"{ModeGuard(step, written)}Observe({index}, {written.Name}, batch);");
                }
            }
        }
        _w.Line();
    }

    /// <summary>
    /// "if (training) " before observing a tensor that only the training branch of a modal step writes
    /// (a convolution's output that inference folds away), "if (!training) " for one only inference
    /// writes, "" otherwise: an observer never sees a tensor the pass did not compute. A step whose
    /// inference stores more while observed (<see cref="ModalStep.ObservedInference"/>) counts that
    /// branch as its inference: observing is the only time the guard matters.
    /// </summary>
    private static string ModeGuard(KernelStep step, Operand written)
    {
        if (step is not ModalStep modal) return "";
        bool training = modal.Training.Any(s => s.Writes.Contains(written));
        bool inference = (modal.ObservedInference ?? modal.Inference).Any(s => s.Writes.Contains(written));
        return training == inference ? "" : training ? "if (training) " : "if (!training) ";
    }

    private void WriteLossPass()
    {
        string targets = $"global::System.ReadOnlySpan<{_targetType}> {TargetName}";
        _w.Line("/// <summary>The loss and, when <paramref name=\"withGradient\"/>, its gradient: the start of backpropagation.</summary>");
        if (_target.IsGpu)
        {
            using (_w.Block("protected override void RunLoss(int batch, bool withGradient)"))
                RenderSteps(_plan.Loss);
            _w.Line();
            _w.Line("/// <summary>The total loss from its terms, downloaded once per step.</summary>");
            using (_w.Block("protected override float TotalLoss(global::System.ReadOnlySpan<float> terms)"))
            {
                for (int i = 0; i < _plan.LossTerms.Count; i++) _w.Line($"float {_plan.LossTerms[i].Result} = terms[{i}];");
                _w.Line("return " + TotalLoss() + ";");
            }
            _w.Line();
            return;
        }
        using (_w.Block($"protected override float RunLoss({targets}, int batch, bool withGradient)"))
        {
            RenderSteps(_plan.Loss);
            _w.Line();
            _w.Line("return " + TotalLoss() + ";");
        }
        _w.Line();
    }

    /// <summary>Σ weight · term + constant, as C#.</summary>
    private string TotalLoss()
    {
        var terms = _plan.LossTerms.Select(t => t.Weight == 1 ? t.Result : MapConstant.FloatLiteral(t.Weight) + " * " + t.Result).ToList();
        if (_plan.Graph.LossConstant != 0) terms.Add(MapConstant.FloatLiteral(_plan.Graph.LossConstant));
        return string.Join(" + ", terms);
    }

    private void WriteBackwardPass()
    {
        _w.Line("/// <summary>");
        _w.Line("/// The backward pass: the graph walked in reverse, each step applying the chain rule to");
        _w.Line("/// turn the gradient of an op's output into gradients of its inputs and parameters.");
        _w.Line("/// </summary>");
        string input = _target.IsGpu ? "" : $"global::System.ReadOnlySpan<float> {InputName}, ";
        using (_w.Block($"protected override void RunBackward({input}int batch)"))
            RenderSteps(_plan.Backward);
        _w.Line();
    }

    /// <summary>Renders steps separated by blank lines, numbered across the passes in training order.</summary>
    private void RenderSteps(IReadOnlyList<KernelStep> steps)
    {
        var views = new Views(this);
        for (int i = 0; i < steps.Count; i++)
        {
            if (i > 0) _w.Line();
            RenderStep(steps[i], views);
        }
    }

    /// <summary>A step: its math, the views it is the first to use in this pass, its code.</summary>
    private void RenderStep(KernelStep step, Views views)
    {
        new StepRenderer(_target).RenderComment(_w, step, ++_stepNumber);
        // A GPU never runs the channel-blocked branch: its twins get no views there.
        var uses = _target.IsGpu && step is ModalStep { BlockedInference: not null } modal ? (modal with { BlockedInference = null }).Uses : step.Uses;
        foreach (var use in uses) views.Declare(use.Operand);
        _target.StepNumber = _stepNumber;
        new StepRenderer(_target).RenderBody(_w, step);
    }

    /// <summary>
    /// The local spans of one pass, declared where the first step that uses each is rendered. A
    /// buffer placed on floats that an earlier buffer of the same pass used (their lifetimes do not
    /// overlap, so the memory plan let them share) says so, so the reader is not surprised that
    /// two names are one memory.
    /// </summary>
    private sealed class Views(NetworkEmitter emitter)
    {
        private readonly HashSet<Operand> _declared = [];
        private readonly List<Buffer> _buffers = [];

        public void Declare(Operand operand)
        {
            bool gpu = emitter._target.IsGpu;
            // On the CPU the input and targets are the pass's parameters; on a GPU, the uploaded batch.
            if (operand.Kind is OperandKind.Input or OperandKind.Targets or OperandKind.Labels && !gpu || !_declared.Add(operand)) return;
            var plan = emitter._plan;
            string view = operand.Kind switch
            {
                OperandKind.Input => "InputView(batch)",
                OperandKind.Targets or OperandKind.Labels => "TargetView(batch)",
                _ => emitter.View(operand),
            };
            string note = "";
            if (operand.Kind == OperandKind.Buffer && plan.BufferOf(operand) is { AliasOf: >= 0 } alias)
            {
                var root = plan.Buffers[alias.AliasOf];
                var rootOperand = new Operand(OperandKind.Buffer, root.Id, root.Name);
                Declare(rootOperand);
                emitter._w.Line($"var {operand.Name} = {root.Name};   // the same floats: the gradient is passed on unchanged, so it is not copied");
                return;
            }
            if (operand.Kind == OperandKind.Buffer)
            {
                var buffer = plan.BufferOf(operand);
                if (buffer.Integer) view = gpu ? view + ".Cast<int>()" : $"global::System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>({view})";
                if (!buffer.Fixed)
                {
                    // The buffer that used these floats last: the latest to die among those it overlaps.
                    var previous = _buffers.Where(b => b.Offset < buffer.Offset + buffer.Width && buffer.Offset < b.Offset + b.Width)
                        .OrderByDescending(b => b.LastStep).FirstOrDefault();
                    if (previous is not null)
                        note = previous.LastStep >= buffer.FirstStep
                            // Alive at once by step numbers: one is a channel-blocked twin, the other outside the blocked pass.
                            ? $"   // shares floats with {previous.Name}, which never holds values in the same pass"
                            : $"   // reuses floats of {previous.Name} (free after step {(previous.LastStep + 1).ToString(CultureInfo.InvariantCulture)})";
                    _buffers.Add(buffer);
                }
            }
            emitter._w.Line($"var {operand.Name} = {view};{note}");
        }
    }

    private string View(Operand operand)
    {
        switch (operand.Kind)
        {
            case OperandKind.Buffer:
                var buffer = _plan.BufferOf(operand);
                if (buffer.Fixed) return $"FixedView({buffer.Offset}, {buffer.Width})";
                string length = buffer.Width == 1 ? "batch" : $"batch * {buffer.Width}";
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
}
