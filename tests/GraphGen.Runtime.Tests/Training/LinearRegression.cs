using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Training;

/// <summary>
/// A hand-written trainable network, so the trainer is tested without the generator:
/// y = w·x + b per sample with the mean squared error, dL/dw = (2/n)·Σ (y − t)·x and
/// dL/db = (2/n)·Σ (y − t). With a learning rate far above 1/λ_max of the data's second
/// moment, plain SGD overshoots further every step, and the loss grows to infinity, then NaN.
/// </summary>
internal sealed class LinearRegression : ITrainableNetwork<float>
{
    private const int Features = 3;
    private readonly float[] _parameters = new float[Features + 1];
    private readonly float[] _gradients = new float[Features + 1];
    private readonly float[] _output;

    public LinearRegression(int batchCapacity = 8)
    {
        BatchCapacity = batchCapacity;
        _output = new float[batchCapacity];
        ParameterTable = new ParameterTable(
            new ParameterInfo("weight", [1, Features], 0, Init.Zeros, Features, 1),
            new ParameterInfo("bias", [1], Features, Init.Zeros, Features, 1));
        for (int i = 0; i < _parameters.Length; i++) _parameters[i] = 0.1f * (i + 1);
    }

    /// <summary>Samples of t = 2·x0 − x1 + 0.5·x2 + 1, with features in [−2, 2).</summary>
    public static Dataset Data(int count, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var x = new float[count * Features];
        var t = new float[count];
        for (int n = 0; n < count; n++)
        {
            for (int i = 0; i < Features; i++) x[n * Features + i] = rng.NextUniform(-2f, 2f);
            t[n] = 2 * x[n * Features] - x[n * Features + 1] + 0.5f * x[n * Features + 2] + 1;
        }
        return new Dataset(x, [Features], t, targetSize: 1);
    }

    public string Name => "LinearRegression";
    public int InputSize => Features;
    public int OutputSize => 1;
    public int TargetSize => 1;
    public int BatchCapacity { get; }
    public ParameterTable ParameterTable { get; }
    public Span<float> Parameters => _parameters;
    public ReadOnlySpan<float> Gradients => _gradients;
    public ReadOnlySpan<float> LastOutput => _output.AsSpan(0, _lastBatch);
    public bool CheckFinite { get; set; }

    /// <summary>Every TrainStep so far, for tests that count them.</summary>
    public int TrainSteps { get; private set; }

    private int _lastBatch;

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int batch = NetworkGuard.BatchOf(Name, input, Features, BatchCapacity);
        NetworkGuard.Output(Name, output, batch, 1);
        for (int n = 0; n < batch; n++)
        {
            float y = _parameters[Features];
            for (int i = 0; i < Features; i++) y += _parameters[i] * input[n * Features + i];
            output[n] = y;
        }
    }

    public float ComputeLoss(ReadOnlySpan<float> input, ReadOnlySpan<float> targets)
    {
        _lastBatch = input.Length / Features;
        Forward(input, _output.AsSpan(0, _lastBatch));
        NetworkGuard.Targets(Name, targets, _lastBatch, 1);
        float sum = 0;
        for (int n = 0; n < _lastBatch; n++) sum += (_output[n] - targets[n]) * (_output[n] - targets[n]);
        return sum / _lastBatch;
    }

    public float ComputeGradients(ReadOnlySpan<float> input, ReadOnlySpan<float> targets)
    {
        float loss = ComputeLoss(input, targets);
        Array.Clear(_gradients);
        for (int n = 0; n < _lastBatch; n++)
        {
            float residual = 2 * (_output[n] - targets[n]) / _lastBatch;
            for (int i = 0; i < Features; i++) _gradients[i] += residual * input[n * Features + i];
            _gradients[Features] += residual;
        }
        return loss;
    }

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, Optimizer optimizer)
    {
        float loss = ComputeGradients(input, targets);
        optimizer.Step(_parameters, _gradients);
        TrainSteps++;
        return loss;
    }
}
