using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// The vectorised softmax cross-entropy, bias sums and optimizer updates against definitions
/// written here: the loss in double, the bias sums and optimizer steps as the scalar sequence of
/// float operations they promise to follow exactly.
/// </summary>
public class LossBiasOptimizerTests
{
    private static readonly int[] ClassCounts = [1, 2, 3, 10, 15, 16, 17, 31, 32, 33, 100];

    [Fact]
    public void SoftmaxCrossEntropyMatchesDoubleDefinition()
    {
        var rng = new SeededRandom(61);
        foreach (int classes in ClassCounts)
            foreach (int batch in new[] { 1, 7, 64, 65, 130 })
                foreach (float spread in new[] { 1f, 30f })
                {
                    var z = Random(rng, batch * classes, -spread, spread);
                    var y = Labels(rng, batch, classes);
                    var (loss, gradient) = Definition(z, y, batch, classes, 0.5);
                    var dz = new float[batch * classes];
                    float actual = Losses.SoftmaxCrossEntropy(z, y, dz, batch, classes, weight: 0.5f);
                    Assert.True(Math.Abs(actual - loss) <= 2e-6 * (Math.Abs(loss) + 1), $"classes {classes} batch {batch}: loss {actual}, expected {loss}");
                    Close(gradient, dz, 2e-6, $"dz (classes {classes}, batch {batch})", scale: 1.0 / batch);
                    Assert.Equal(actual, Losses.SoftmaxCrossEntropy(z, y, default, batch, classes, weight: 0.5f));
                }
    }

    [Fact]
    public void SoftmaxCrossEntropyAccumulatesTheSameGradient()
    {
        var rng = new SeededRandom(62);
        foreach (int classes in ClassCounts)
        {
            const int batch = 9;
            var z = Random(rng, batch * classes, -3f, 3f);
            var y = Labels(rng, batch, classes);
            var written = new float[batch * classes];
            Losses.SoftmaxCrossEntropy(z, y, written, batch, classes);
            var old = Random(rng, batch * classes);
            var accumulated = (float[])old.Clone();
            Losses.SoftmaxCrossEntropy(z, y, accumulated, batch, classes, accumulate: true);
            Bitwise(old.Select((v, i) => v + written[i]).ToArray(), accumulated, $"accumulated dz ({classes} classes)");
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyRowsDoNotDependOnTheBatchAroundThem()
    {
        var rng = new SeededRandom(63);
        const int batch = 70, classes = 10;
        var z = Random(rng, batch * classes, -5f, 5f);
        var y = Labels(rng, batch, classes);
        var dz = new float[batch * classes];
        Losses.SoftmaxCrossEntropy(z, y, dz, batch, classes);
        var row = new float[classes];
        for (int b = 0; b < batch; b += 23)
        {
            Losses.SoftmaxCrossEntropy(z.AsSpan(b * classes, classes), y.AsSpan(b, 1), row, 1, classes, weight: 1f / batch);
            Bitwise(dz.AsSpan(b * classes, classes), row, $"row {b}");
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyIsExactForHugeLogitsAndChecksItsArguments()
    {
        float[] z = [1e4f, -1e4f, 0f, 0f, 0f, 3e4f];
        int[] y = [1, 2];
        var dz = new float[6];
        float loss = Losses.SoftmaxCrossEntropy(z, y, dz, 2, 3);
        Assert.Equal((2e4 + 0) / 2, loss, 1e-2); // row 0 pays 2e4 nats, row 1 is sure and right
        Assert.All(dz, g => Assert.True(float.IsFinite(g)));

        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(z, [1, 3], dz, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(z, [-1, 0], dz, 2, 3));
        Assert.Contains("logits must hold 9 floats", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(z, [0, 0, 0], dz, 3, 3)).Message);
        Assert.Contains("dlogits", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(z, y, new float[5], 2, 3)).Message);
        Assert.Contains("labels", Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(z, [0], dz, 2, 3)).Message);
    }

    [Fact]
    public void SoftmaxCrossEntropySkipsIgnoredRowsLikeTheScoredRowsAlone()
    {
        // The loss and gradient of a batch with ignored rows are those of the scored rows alone,
        // bit for bit; the ignored rows' gradient is zero (written, or left as it was when accumulating).
        var rng = new SeededRandom(41);
        foreach (int classes in new[] { 3, 10, 16, 37 })
        {
            const int batch = 70; // more than one block of 64 rows
            var z = Random(rng, batch * classes);
            var y = new int[batch];
            for (int b = 0; b < batch; b++) y[b] = b % 3 == 1 ? -1 : rng.NextInt(classes);
            var kept = Enumerable.Range(0, batch).Where(b => y[b] != -1).ToArray();
            var zKept = kept.SelectMany(b => z.Skip(b * classes).Take(classes)).ToArray();
            var yKept = kept.Select(b => y[b]).ToArray();
            var dzKept = new float[zKept.Length];
            float expected = Losses.SoftmaxCrossEntropy(zKept, yKept, dzKept, kept.Length, classes, weight: 0.5f);

            var dz = Enumerable.Repeat(9f, batch * classes).ToArray();
            float actual = Losses.SoftmaxCrossEntropy(z, y, dz, batch, classes, weight: 0.5f, ignoreLabel: -1);
            Assert.Equal(expected, actual);
            for (int i = 0, k = 0; i < batch; i++)
            {
                var row = dz.AsSpan(i * classes, classes).ToArray();
                if (y[i] == -1) Assert.All(row, v => Assert.Equal(0f, v));
                else Assert.Equal(dzKept.AsSpan(k++ * classes, classes).ToArray(), row);
            }
            var accumulated = Enumerable.Repeat(9f, batch * classes).ToArray();
            Losses.SoftmaxCrossEntropy(z, y, accumulated, batch, classes, weight: 0.5f, accumulate: true, ignoreLabel: -1);
            for (int i = 0; i < batch; i++)
                if (y[i] == -1) Assert.All(accumulated.AsSpan(i * classes, classes).ToArray(), v => Assert.Equal(9f, v));
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyOfOnlyIgnoredRowsIsZeroAndOtherLabelsStillFail()
    {
        var z = new float[] { 1, 2, 3, 4, 5, 6 };
        var dz = new float[] { 7, 7, 7, 7, 7, 7 };
        Assert.Equal(0f, Losses.SoftmaxCrossEntropy(z, [-1, -1], dz, 2, 3, ignoreLabel: -1));
        Assert.All(dz, v => Assert.Equal(0f, v));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(z, [-2, 0], dz, 2, 3, ignoreLabel: -1));
        Assert.Contains("label 0 is -2, but class indices must be in 0..2 (or -1, the ignored label)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(z, [0, 0], dz, 2, 3, ignoreLabel: 1));
    }

    [Fact]
    public void BiasSumsAreColumnChainsInRowOrder()
    {
        var rng = new SeededRandom(64);
        foreach (int cols in new[] { 1, 5, 10, 16, 17, 32, 63, 64, 65, 128, 200 })
            foreach (int rows in new[] { 0, 1, 3, 32, 65 })
            {
                var dy = Random(rng, rows * cols + 3);
                var expected = new float[cols];
                for (int j = 0; j < cols; j++)
                {
                    float s = 0f;
                    for (int r = 0; r < rows; r++) s += dy[r * cols + j];
                    expected[j] = s;
                }
                var dbias = Random(rng, cols + 2);
                var tail = dbias[cols..];
                Bias.SumRows(dy, dbias, rows, cols, accumulate: false);
                Bitwise(expected, dbias.AsSpan(0, cols), $"SumRows {rows}×{cols}");
                Bitwise(tail, dbias.AsSpan(cols), "past the bias");

                var old = Random(rng, cols);
                var accumulated = (float[])old.Clone();
                Bias.SumRows(dy, accumulated, rows, cols, accumulate: true);
                Bitwise(old.Select((v, j) => v + expected[j]).ToArray(), accumulated, $"SumRows += {rows}×{cols}");

                var y = Random(rng, rows * cols);
                var bias = Random(rng, cols);
                var want = y.Select((v, i) => v + bias[i % cols]).ToArray();
                Bias.AddToRows(y, bias, rows, cols);
                Bitwise(want, y, $"AddToRows {rows}×{cols}");
            }
        Assert.Throws<ArgumentException>(() => Bias.SumRows(new float[5], new float[3], 2, 3, false));
        Assert.Throws<ArgumentException>(() => Bias.SumRows(new float[6], new float[2], 2, 3, false));
    }

    public static TheoryData<string> Optimizers() => new() { "adam", "adam-l2", "adamw", "sgd", "sgd-wd", "momentum", "nesterov" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerStepsFollowTheScalarSequenceExactly(string name)
    {
        var rng = new SeededRandom(65);
        // Sizes around the 16- and 8-lane bodies and their tails.
        foreach (int count in new[] { 1, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1000 })
        {
            var optimizer = Create(name);
            var p = Random(rng, count);
            var expected = (float[])p.Clone();
            var state = new ScalarState(count);
            for (int step = 1; step <= 3; step++)
            {
                var g = Random(rng, count, -0.1f, 0.1f);
                optimizer.Step(p, g);
                ScalarStep(name, optimizer, expected, g, state, step);
                Bitwise(expected, p, $"{name} step {step}, {count} parameters");
            }
        }
    }

    private static Optimizer Create(string name) => name switch
    {
        "adam" => new Adam(1e-2f),
        "adam-l2" => new Adam(1e-2f, weightDecay: 0.1f),
        "adamw" => new AdamW(1e-2f, weightDecay: 0.1f),
        "sgd" => new Sgd(0.1f),
        "sgd-wd" => new Sgd(0.1f, weightDecay: 0.01f),
        "momentum" => new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f),
        _ => new Sgd(0.1f, momentum: 0.9f, nesterov: true),
    };

    private sealed class ScalarState(int count)
    {
        public readonly float[] M = new float[count], V = new float[count];
    }

    /// <summary>The documented updates, one element at a time.</summary>
    private static void ScalarStep(string name, Optimizer optimizer, float[] p, float[] g, ScalarState state, int step)
    {
        if (optimizer is Adam adam)
        {
            bool decoupled = optimizer is AdamW;
            float correction1 = (float)(1 - Math.Pow(adam.Beta1, step));
            float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(adam.Beta2, step));
            float stepSize = adam.LearningRate / correction1;
            float l2 = decoupled ? 0f : adam.WeightDecay, shrink = decoupled ? 1f - adam.LearningRate * adam.WeightDecay : 1f;
            for (int i = 0; i < p.Length; i++)
            {
                float theta = p[i] * shrink;
                float grad = g[i] + l2 * theta;
                state.M[i] = adam.Beta1 * state.M[i] + (1 - adam.Beta1) * grad;
                state.V[i] = adam.Beta2 * state.V[i] + (1 - adam.Beta2) * grad * grad;
                float denominator = MathF.Sqrt(state.V[i]) / correction2Sqrt + adam.Epsilon;
                p[i] = theta - stepSize * state.M[i] / denominator;
            }
            return;
        }
        var sgd = (Sgd)optimizer;
        for (int i = 0; i < p.Length; i++)
        {
            float grad = g[i] + sgd.WeightDecay * p[i];
            if (sgd.Momentum == 0)
            {
                p[i] -= sgd.LearningRate * grad;
                continue;
            }
            state.V[i] = sgd.Momentum * state.V[i] + grad;
            p[i] -= sgd.LearningRate * (sgd.Nesterov ? grad + sgd.Momentum * state.V[i] : state.V[i]);
        }
        _ = name;
    }

    private static int[] Labels(SeededRandom rng, int batch, int classes)
    {
        var y = new int[batch];
        for (int i = 0; i < batch; i++) y[i] = rng.NextInt(classes);
        return y;
    }

    private static (double Loss, double[] Gradient) Definition(float[] z, int[] y, int batch, int classes, double weight)
    {
        double total = 0;
        var gradient = new double[batch * classes];
        for (int b = 0; b < batch; b++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = Math.Max(max, z[b * classes + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += Math.Exp(z[b * classes + j] - max);
            total += Math.Log(sum) - (z[b * classes + y[b]] - max);
            for (int j = 0; j < classes; j++)
                gradient[b * classes + j] = weight * (Math.Exp(z[b * classes + j] - max) / sum - (j == y[b] ? 1 : 0)) / batch;
        }
        return (total / batch, gradient);
    }
}

/// <summary>Large arenas are updated in ranges over the GEMM pool: the same bits for every thread count.</summary>
[Collection(GemmCollection.Name)]
public class ParallelOptimizerTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("sgd")]
    [InlineData("momentum")]
    public void LargeArenasGiveTheSameBitsOnEveryThreadCount(string name)
    {
        var rng = new SeededRandom(66);
        const int count = 100_003; // ragged: the last range ends in a scalar tail (and above SGD's threshold too)
        var p0 = Random(rng, count);
        var grads = Enumerable.Range(0, 3).Select(_ => Random(rng, count, -0.1f, 0.1f)).ToArray();
        int saved = Gemm.MaxThreads;
        try
        {
            float[] Train(int threads)
            {
                Gemm.MaxThreads = threads;
                Optimizer optimizer = name switch
                {
                    "adam" => new Adam(1e-2f),
                    "adamw" => new AdamW(1e-2f, weightDecay: 0.1f),
                    "sgd" => new Sgd(0.1f, weightDecay: 0.01f),
                    _ => new Sgd(0.1f, momentum: 0.9f, nesterov: true),
                };
                var p = (float[])p0.Clone();
                foreach (var g in grads) optimizer.Step(p, g);
                return p;
            }
            var one = Train(1);
            long before = WorkerPool.WorkJobsRun;
            Bitwise(one, Train(2), $"{name}, 2 threads");
            Assert.Equal(before + 3, WorkerPool.WorkJobsRun);
            Bitwise(one, Train(3), $"{name}, 3 threads");
            Bitwise(one, Train(8), $"{name}, 8 threads");
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }
}
