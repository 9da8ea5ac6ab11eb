using GraphGen.Eager;

namespace GraphGen.Tests;

/// <summary>
/// The independent references a compiled network is checked against: the eager interpreter
/// (double precision, running the same [Forward] method), and central finite differences.
/// </summary>
internal static class GradientChecks
{
    public static float[] RandomInputs(int count, ulong seed, float low = -1f, float high = 1f)
    {
        var rng = new SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextUniform(low, high);
        return values;
    }

    public static int[] RandomLabels(int count, int classes, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = rng.NextInt(classes);
        return labels;
    }

    public static EagerResult Eager<T>(EagerModel model, float[] x, T[] targets) where T : unmanaged => targets switch
    {
        int[] labels => model.ComputeGradients(x, labels),
        float[] values => model.ComputeGradients(x, values),
        _ => throw new ArgumentException("targets must be int[] or float[]"),
    };

    /// <summary>Loss, output, every parameter gradient and (when available) the input gradient agree with the eager interpreter.</summary>
    public static void AssertMatchesEager<T>(ITrainableNetwork<T> net, float[] x, T[] targets, double tolerance = 2e-4, ulong seed = 0) where T : unmanaged
    {
        var model = Reference(net, seed);
        var eager = Eager(model, x, targets);
        float loss = net.ComputeGradients(x, targets);

        AssertClose(eager.Loss, loss, tolerance, "loss");
        AssertAllClose(eager.Output.Data, net.LastOutput, tolerance, "output");
        foreach (var p in net.ParameterTable.Parameters)
            AssertAllClose(model.Parameters[p.Name].Grad, net.Gradients.Slice(p.Offset, p.Count), tolerance, "d" + p.Name);
        if (net is IInputGradientNetwork withInput)
            AssertAllClose(eager.InputGradient, withInput.InputGradient, tolerance, "dInput");
    }

    /// <summary>The eager interpreter's gradients equal central differences of its own loss (double precision: tight).</summary>
    public static void AssertEagerMatchesFiniteDifferences<T>(ITrainableNetwork<T> net, float[] x, T[] targets, int maxChecksPerParameter = 12, ulong seed = 0) where T : unmanaged
    {
        var model = Reference(net, seed);
        // Every evaluation replays the same training step, so dropout masks and noise stay fixed.
        EagerResult Evaluate()
        {
            model.TrainingSteps = 0;
            return Eager(model, x, targets);
        }
        Evaluate();
        var analytic = model.Parameters.ToDictionary(p => p.Key, p => (double[])p.Value.Grad.Clone());
        const double h = 1e-5;
        foreach (var (name, parameter) in model.Parameters)
        {
            int stride = Math.Max(1, parameter.Data.Length / maxChecksPerParameter);
            for (int k = 0; k < parameter.Data.Length; k += stride)
            {
                double saved = parameter.Data[k];
                parameter.Data[k] = saved + h;
                double plus = Evaluate().Loss;
                parameter.Data[k] = saved - h;
                double minus = Evaluate().Loss;
                parameter.Data[k] = saved;
                double numeric = (plus - minus) / (2 * h);
                double g = analytic[name][k];
                Assert.True(Math.Abs(numeric - g) <= 1e-6 + 1e-5 * Math.Abs(g),
                    $"d{name}[{k}]: backpropagation gives {g:R}, finite differences {numeric:R}");
            }
        }
    }

    /// <summary>An eager model with the compiled network's parameters, state and seed.</summary>
    public static EagerModel Reference(INetwork net, ulong seed)
    {
        var model = new EagerModel((IEagerNetwork)net, net.ParameterTable, net.Parameters, seed);
        model.LoadState(net.StateTable, net.State);
        return model;
    }

    /// <summary>The compiled float gradients against central differences of the compiled loss (float: loose, a second independent check).</summary>
    public static void AssertCompiledMatchesFiniteDifferences<T>(ITrainableNetwork<T> net, float[] x, T[] targets, int checks = 24) where T : unmanaged
    {
        net.ComputeGradients(x, targets);
        var gradients = net.Gradients.ToArray();
        var parameters = net.Parameters;
        const float h = 2e-3f;
        int stride = Math.Max(1, parameters.Length / checks);
        for (int k = 0; k < parameters.Length; k += stride)
        {
            float saved = parameters[k];
            parameters[k] = saved + h;
            double plus = net.ComputeLoss(x, targets);
            parameters[k] = saved - h;
            double minus = net.ComputeLoss(x, targets);
            parameters[k] = saved;
            double numeric = (plus - minus) / (2.0 * h);
            Assert.True(Math.Abs(numeric - gradients[k]) <= 2e-3 + 3e-2 * Math.Abs(gradients[k]),
                $"parameter {k}: compiled backward gives {gradients[k]:R}, finite differences {numeric:R}");
        }
    }

    public static void AssertClose(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)),
            $"{what}: eager {expected:R}, compiled {actual:R}");

    /// <summary>Elementwise agreement, relative to the largest magnitude in the tensor.</summary>
    /// <summary>|reference − compiled| ≤ tolerance × the largest reference magnitude (at least 1e−3), element by element.</summary>
    public static void AssertAllClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double tolerance, string what, string reference = "eager")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {expected.Length} {reference} values, {actual.Length} compiled");
        double scale = 1e-3;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: {reference} {expected[i]:R}, compiled {actual[i]:R} (scale {scale:G3})");
    }
}
