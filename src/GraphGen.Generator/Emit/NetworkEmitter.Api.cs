namespace GraphGen.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    private void WriteApi()
    {
        string x = InputName;
        _w.Line("/// <summary>Inference: <paramref name=\"destination\"/> = f(<paramref name=\"" + x + "\"/>) for " + x + ".Length / InputSize samples.</summary>");
        using (_w.Block($"public void Forward(global::System.ReadOnlySpan<float> {x}, global::System.Span<float> destination)"))
        {
            _w.Line($"int batch = global::GraphGen.NetworkGuard.BatchOf(Name, {x}, InputSize, _capacity);");
            _w.Line("global::GraphGen.NetworkGuard.Output(Name, destination, batch, OutputSize);");
            _w.Line($"if (CheckFinite) global::GraphGen.NetworkGuard.Finite(Name, \"input\", {x});");
            _w.Line($"RunForward({x}, batch, training: false);");
            if (IsStochastic) _w.Line("EvaluationSteps++;");
            _w.Line("LastOutput.CopyTo(destination);");
        }
        _w.Line();
        _w.Line("/// <summary>Inference that shows every stored activation to <paramref name=\"observer\"/> as it is computed (heatmaps, statistics).</summary>");
        using (_w.Block($"public void Forward(global::System.ReadOnlySpan<float> {x}, global::System.Span<float> destination, global::GraphGen.IActivationObserver observer)"))
        {
            _w.Line("_observer = observer;");
            _w.Line("try");
            _w.Line("{");
            using (_w.Indent()) _w.Line($"Forward({x}, destination);");
            _w.Line("}");
            _w.Line("finally");
            _w.Line("{");
            using (_w.Indent()) _w.Line("_observer = null;");
            _w.Line("}");
        }
        _w.Line();
        if (!_trainable) return;

        string y = TargetName;
        string targets = $"global::System.ReadOnlySpan<{_targetType}> {y}";
        _w.Line("/// <summary>Forward pass and loss, no gradients: the mean loss over the batch.</summary>");
        using (_w.Block($"public float ComputeLoss(global::System.ReadOnlySpan<float> {x}, {targets})"))
        {
            _w.Line($"int batch = CheckBatch({x}, {y});");
            _w.Line($"RunForward({x}, batch, training: false);");
            if (IsStochastic) _w.Line("EvaluationSteps++;");
            _w.Line($"return RunLoss({y}, batch, withGradient: false);");
        }
        _w.Line();
        _w.Line("/// <summary>Forward, loss and backward: fills <see cref=\"Gradients\"/> and returns the mean loss.</summary>");
        using (_w.Block($"public float ComputeGradients(global::System.ReadOnlySpan<float> {x}, {targets})"))
        {
            _w.Line($"int batch = CheckBatch({x}, {y});");
            _w.Line($"RunForward({x}, batch, training: true);");
            _w.Line($"float loss = RunLoss({y}, batch, withGradient: true);");
            _w.Line($"RunBackward({x}, batch);");
            if (IsStochastic) _w.Line("TrainingSteps++;");
            _w.Line("return loss;");
        }
        _w.Line();
        _w.Line("/// <summary>One training step: gradients, then one optimizer update over the whole parameter arena. Returns the loss before the update.</summary>");
        using (_w.Block($"public float TrainStep(global::System.ReadOnlySpan<float> {x}, {targets}, global::GraphGen.Optimizer optimizer)"))
        {
            _w.Line($"float loss = ComputeGradients({x}, {y});");
            _w.Line("optimizer.Step(_parameters.Span, _gradients.Span);");
            _w.Line("return loss;");
        }
        _w.Line();
        using (_w.Block($"private int CheckBatch(global::System.ReadOnlySpan<float> {x}, {targets})"))
        {
            _w.Line($"int batch = global::GraphGen.NetworkGuard.BatchOf(Name, {x}, InputSize, _capacity);");
            if (_plan.Graph.TargetClasses > 0)
                _w.Line($"global::GraphGen.NetworkGuard.Labels(Name, {y}, batch * TargetSize, ClassCount{(_plan.Graph.IgnoredLabel is null ? "" : ", IgnoredLabel")});");
            else
                _w.Line($"global::GraphGen.NetworkGuard.Targets(Name, {y}, batch, TargetSize);");
            using (_w.Block("if (CheckFinite)"))
            {
                _w.Line($"global::GraphGen.NetworkGuard.Finite(Name, \"input\", {x});");
                if (_plan.Graph.TargetClasses == 0) _w.Line($"global::GraphGen.NetworkGuard.Finite(Name, \"target\", {y});");
            }
            _w.Line("return batch;");
        }
        _w.Line();
    }
}
