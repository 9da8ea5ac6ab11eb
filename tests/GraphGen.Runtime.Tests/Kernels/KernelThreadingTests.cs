using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// Results are bitwise identical for every thread count, the worker pool really runs parts, and
/// no kernel allocates after its first call. In the GEMM collection: these tests change
/// <see cref="Gemm.MaxThreads"/> and measure allocations, so they run alone.
/// </summary>
[Collection(GemmCollection.Name)]
public class KernelThreadingTests
{
    private static readonly Conv2dShape[] ThreadedShapes =
    [
        new(1, 28, 28, 6, 5, 5),                                   // LeNet conv1
        new(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1),               // ResNet-like
        new(8, 31, 29, 12, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 4),
        new(32, 16, 16, 48, 3, 3, PadH: 1, PadW: 1),               // per-sample GEMMs above 4 MFLOP, kept on their part's thread
        new(48, 12, 12, 64, 3, 3, PadH: 1, PadW: 1),               // Winograd's 4×4 tiles, its weight transform in two parts of pairs
    ];

    [Theory]
    [InlineData(0, "Im2ColGemm")]
    [InlineData(0, "Direct")]
    [InlineData(1, "Im2ColGemm")]
    [InlineData(1, "Direct")]
    [InlineData(2, "Im2ColGemm")]
    [InlineData(3, "Im2ColGemm")]
    [InlineData(1, "Winograd")]
    [InlineData(3, "Winograd")]
    [InlineData(4, "Winograd")]
    [InlineData(1, "ChannelsLast")]
    [InlineData(3, "ChannelsLast")]
    public void ConvolutionIsBitwiseIdenticalForEveryThreadCount(int shape, string algorithm)
    {
        var s = ThreadedShapes[shape];
        const int batch = 13; // slices of 1 and 2 samples
        var rng = new SeededRandom(70);
        var x = Random(rng, batch * s.InputSize);
        var w = Random(rng, s.WeightSize);
        var bias = Random(rng, s.OutChannels);
        var dy = Random(rng, batch * s.OutputSize);
        float[] Run(int threads)
        {
            return WithThreads(threads, () =>
            {
                ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
                try
                {
                    var y = new float[batch * s.OutputSize];
                    var dx = new float[batch * s.InputSize];
                    var dw = new float[s.WeightSize];
                    var db = new float[s.OutChannels];
                    Conv2d.Forward(s, batch, x, w, bias, y, new Gelu());
                    Conv2d.BackwardInput(s, batch, dy, w, dx, accumulate: false);
                    Conv2d.BackwardWeight(s, batch, x, dy, dw, db, accumulate: false);
                    return y.Concat(dx).Concat(dw).Concat(db).ToArray();
                }
                finally
                {
                    ConvAlgorithms.Forced = null;
                }
            });
        }
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), $"{s} {algorithm}, 2 threads");
        Bitwise(one, Run(3), $"{s} {algorithm}, 3 threads");
        Bitwise(one, Run(8), $"{s} {algorithm}, 8 threads");
    }

    [Theory]
    [InlineData(false, false, 40, 700, 300)]
    [InlineData(true, false, 33, 517, 129)]
    [InlineData(false, true, 64, 1152, 49)]
    [InlineData(true, true, 17, 90, 2000)]
    public void AGemmKeptOnTheCallingThreadGivesTheBitsOfAThreadedOne(bool ta, bool tb, int m, int n, int k)
    {
        var rng = new SeededRandom(74);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n + 7);
        var c0 = Random(rng, m * (n + 3));
        var whole = (float[])c0.Clone();
        var blocked = (float[])c0.Clone();
        int lda = ta ? m : k, ldb = tb ? k : n;
        WithThreads(2, () =>
        {
            Gemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, whole, n + 3, accumulate: true);
            SingleThreadedGemm.Compute(ta, tb, m, n, k, a, lda, b, ldb, blocked, n + 3, accumulate: true);
            return 0;
        });
        Assert.True(2L * m * n * k >= 2 * Gemm.FlopsPerThread, "the whole GEMM is big enough to take two threads");
        Bitwise(whole, blocked, "C");
    }

    [Fact]
    public void AttentionKernelsAreBitwiseIdenticalForEveryThreadCount()
    {
        const int count = 24, t = 64, d = 32;
        var rng = new SeededRandom(71);
        var q = Random(rng, count * t * d);
        var k = Random(rng, count * t * d);
        var dyScores = Random(rng, count * t * t);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var scores = new float[count * t * t];
            var p = new float[scores.Length];
            var ds = new float[scores.Length];
            var dq = Random(new SeededRandom(72), count * t * d);
            BatchedGemm.Multiply(count, false, true, t, t, d, q, k, scores, accumulate: false, alpha: 0.125f);
            CausalSoftmax.Forward(count, t, scores, p);
            CausalSoftmax.Backward(count, t, p, dyScores, ds, accumulate: false);
            BatchedGemm.Multiply(count, false, false, t, d, t, ds, k, dq, accumulate: true, alpha: 0.125f);
            return scores.Concat(p).Concat(ds).Concat(dq).ToArray();
        });
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), "2 threads");
        Bitwise(one, Run(5), "5 threads");
    }

    [Theory]
    [InlineData(6, 28, 28, 2, 2, 0)]   // LeNet's first pooling: 2×2 pairs under masks, in parallel
    [InlineData(16, 10, 10, 2, 2, 0)]  // LeNet's second
    [InlineData(8, 31, 29, 3, 2, 1)]   // the general loop
    public void MaxPoolingIsBitwiseIdenticalForEveryThreadCount(int channels, int height, int width, int kernel, int stride, int padding)
    {
        var s = new Pool2dShape(channels, height, width, kernel, kernel, stride, stride, padding, padding);
        const int batch = 64;
        var rng = new SeededRandom(74);
        var x = Random(rng, batch * s.InputSize);
        var dy = Random(rng, batch * s.OutputSize);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var y = new float[dy.Length];
            var argmax = new int[dy.Length];
            Pool2d.MaxForward(s, batch, x, y, argmax);
            var dx = Random(new SeededRandom(75), x.Length);
            Pool2d.MaxBackward(s, batch, dy, argmax, dx, accumulate: true);
            var written = new float[x.Length];
            Pool2d.MaxBackward(s, batch, dy, argmax, written, accumulate: false);
            return y.Concat(argmax.Select(a => (float)a)).Concat(dx).Concat(written).ToArray();
        });
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), "2 threads");
        Bitwise(one, Run(3), "3 threads");
    }

    [Theory]
    [InlineData(ActivationName.Relu)]
    [InlineData(ActivationName.Sigmoid)]
    [InlineData(ActivationName.Tanh)]
    [InlineData(ActivationName.Gelu)]
    [InlineData(ActivationName.Silu)]
    [InlineData(ActivationName.Softplus)]
    public void LargeActivationsAreBitwiseIdenticalForEveryThreadCount(ActivationName activation)
    {
        const int n = 3 * 64 * 1024 + 13; // above the parallel threshold, with a scalar tail
        var rng = new SeededRandom(76);
        var x = Random(rng, n);
        var dy = Random(rng, n);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var y = new float[n];
            ActivationCases.Forward(activation, 0.01f, x, y);
            var dx = Random(new SeededRandom(77), n);
            ActivationCases.Backward(activation, 0.01f, y, dy, dx, accumulate: true);
            return y.Concat(dx).ToArray();
        });
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), "2 threads");
        Bitwise(one, Run(3), "3 threads");
    }

    [Fact]
    public void LayerNormAndHeadPermutesAreBitwiseIdenticalForEveryThreadCount()
    {
        const int batch = 8, tokens = 64, heads = 4, headSize = 32, width = heads * headSize, rows = batch * tokens;
        var rng = new SeededRandom(78);
        var x = Random(rng, rows * width);
        var dy = Random(rng, rows * width);
        var gamma = Random(rng, width);
        var beta = Random(rng, width);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var y = new float[x.Length];
            var mean = new float[rows];
            var invStd = new float[rows];
            LayerNorm.Forward(rows, width, x, gamma, beta, y, mean, invStd);
            var dx = Random(new SeededRandom(79), x.Length);
            var dgamma = new float[width];
            var dbeta = new float[width];
            LayerNorm.Backward(rows, width, dy, x, gamma, mean, invStd, dx, dgamma, dbeta, accumulate: true);
            var split = new float[x.Length];
            Permute.SplitHeads(batch, tokens, heads, headSize, y, split, accumulate: false);
            var merged = Random(new SeededRandom(80), x.Length);
            Permute.MergeHeads(batch, tokens, heads, headSize, split, merged, accumulate: true);
            return y.Concat(mean).Concat(invStd).Concat(dx).Concat(dgamma).Concat(dbeta).Concat(split).Concat(merged).ToArray();
        });
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), "2 threads");
        Bitwise(one, Run(3), "3 threads");
    }

    /// <summary>
    /// From 1024 rows a bias sum goes by the weight gradient's depth slices: the column chains of
    /// each slice (rows [s·R/S, (s+1)·R/S)), then the slices added in order; the same bits on every thread count.
    /// </summary>
    [Fact]
    public void LongBatchBiasSumsAreTheSlicesChainsAddedInOrder()
    {
        var rng = new SeededRandom(65);
        int saved = Gemm.MaxThreads;
        try
        {
            foreach (var (rows, cols) in new[] { (1024, 128), (2048, 96), (1500, 17), (5000, 64) })
            {
                var dy = Random(rng, rows * cols);
                int slices = Gemm.DepthSliceCount(rows);
                Assert.True(slices > 1);
                var expected = new float[cols];
                for (int s = 0; s < slices; s++)
                {
                    var (first, end) = FixedSlices.Bounds(rows, slices, s);
                    for (int j = 0; j < cols; j++)
                    {
                        float sum = 0f;
                        for (int r = first; r < end; r++) sum += dy[r * cols + j];
                        expected[j] = s == 0 ? sum : expected[j] + sum;
                    }
                }
                var old = Random(rng, cols);
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    Gemm.MaxThreads = threads;
                    var dbias = new float[cols];
                    Bias.SumRows(dy, dbias, rows, cols, accumulate: false);
                    Bitwise(expected, dbias, $"SumRows {rows}×{cols} on {threads} threads");
                    var accumulated = (float[])old.Clone();
                    Bias.SumRows(dy, accumulated, rows, cols, accumulate: true);
                    Bitwise(old.Select((v, j) => v + expected[j]).ToArray(), accumulated, $"SumRows += {rows}×{cols}");
                }
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    /// <summary>The generated code's elementwise maps: TensorPrimitives' bits, on ranges over threads for large tensors.</summary>
    [Fact]
    public void ElementwiseMapsAreTensorPrimitivesBitForBitOnEveryThreadCount()
    {
        const int n = 3 * 64 * 1024 + 13; // above the parallel threshold, with a tail
        var rng = new SeededRandom(86);
        var a = Random(rng, n);
        var b = Random(rng, n);
        var o0 = Random(rng, n);
        const float c = 0.3f;
        float[] Expected(Action<float[]> map) { var o = (float[])o0.Clone(); map(o); return o; }
        var cases = new (string Name, Action<float[]> Map, float[] Want)[]
        {
            ("Add", o => Elementwise.Add(a, b, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Add(a, b, o))),
            ("Subtract", o => Elementwise.Subtract(a, b, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Subtract(a, b, o))),
            ("Multiply", o => Elementwise.Multiply(a, b, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Multiply(a, b, o))),
            ("Divide", o => Elementwise.Divide(a, b, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Divide(a, b, o))),
            ("AddScalar", o => Elementwise.AddScalar(a, c, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Add(a, c, o))),
            ("SubtractScalar", o => Elementwise.SubtractScalar(a, c, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Subtract(a, c, o))),
            ("Scale", o => Elementwise.Scale(a, c, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Multiply(a, c, o))),
            ("Negate", o => Elementwise.Negate(a, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Negate(a, o))),
            ("MultiplyAdd", o => Elementwise.MultiplyAdd(a, b, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a, b, o, o))),
            ("ScaleAdd", o => Elementwise.ScaleAdd(a, c, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(a, c, o, o))),
            ("Accumulate", o => Elementwise.Accumulate(a, o), Expected(o => System.Numerics.Tensors.TensorPrimitives.Add(o, a, o))),
        };
        foreach (var (name, map, want) in cases)
        {
            float[] Run(int threads) => WithThreads(threads, () => { var o = (float[])o0.Clone(); map(o); return o; });
            Bitwise(want, Run(1), name + " on 1 thread");
            Bitwise(want, RunUntilWorkersHelp(() => Run(2)), name + " on 2 threads");
            Bitwise(want, Run(3), name + " on 3 threads");
        }
        var e = Assert.Throws<ArgumentException>(() => Elementwise.Add(a, b.AsSpan(1), new float[n]));
        Assert.Contains("Elementwise.Add: the output holds", e.Message);
    }

    /// <summary>A long batch's softmax cross-entropy runs its rows over the pool: the loss and gradient of the one-thread loop, bit for bit.</summary>
    [Fact]
    public void SoftmaxCrossEntropyIsBitwiseIdenticalForEveryThreadCount()
    {
        const int batch = 2048 + 37, classes = 96;
        var rng = new SeededRandom(87);
        var logits = Random(rng, batch * classes, -6f, 6f);
        var labels = Enumerable.Range(0, batch).Select(i => i % 7 == 3 ? -1 : (i * 31) % classes).ToArray();
        var old = Random(rng, batch * classes);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var dz = (float[])old.Clone();
            float loss = Losses.SoftmaxCrossEntropy(logits, labels, dz, batch, classes, weight: 0.5f, accumulate: true, ignoreLabel: -1);
            return dz.Append(loss).ToArray();
        });
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), "2 threads");
        Bitwise(one, Run(3), "3 threads");
    }

    [Fact]
    public void BatchNormIsBitwiseIdenticalForEveryThreadCount()
    {
        const int batch = 16, channels = 12, spatial = 14 * 14;
        var rng = new SeededRandom(81);
        var x = Random(rng, batch * channels * spatial);
        var dy = Random(rng, x.Length);
        var gamma = Random(rng, channels);
        var beta = Random(rng, channels);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var y = new float[x.Length];
            var mean = new float[channels];
            var invStd = new float[channels];
            var runningMean = Random(new SeededRandom(82), channels);
            var runningVar = Enumerable.Repeat(1.5f, channels).ToArray();
            BatchNorm.ForwardTraining(batch, channels, spatial, x, gamma, beta, y, mean, invStd, runningMean, runningVar);
            var inference = new float[x.Length];
            BatchNorm.ForwardInference(batch, channels, spatial, x, gamma, beta, runningMean, runningVar, inference);
            var dx = Random(new SeededRandom(83), x.Length);
            var dgamma = new float[channels];
            var dbeta = new float[channels];
            BatchNorm.Backward(batch, channels, spatial, dy, x, gamma, mean, invStd, dx, dgamma, dbeta, accumulate: true);
            return y.Concat(mean).Concat(invStd).Concat(runningMean).Concat(runningVar).Concat(inference).Concat(dx).Concat(dgamma).Concat(dbeta).ToArray();
        });
        var one = Run(1);
        Bitwise(one, RunUntilWorkersHelp(() => Run(2)), "2 threads");
        Bitwise(one, Run(3), "3 threads");
    }

    /// <summary>Runs until a worker thread has run at least one part (a busy pool or a sleeping worker can leave the caller alone).</summary>
    private static float[] RunUntilWorkersHelp(Func<float[]> run)
    {
        // On a loaded machine a worker can stay descheduled while the caller does every part itself
        // (a CI-like run at load average 15–30 saw 50 attempts in a row go that way), and a test of
        // another class running beside this one can hold the pool, so that every call runs on its
        // caller (a clean-clone run beside another test run saw 300 attempts, 0.7 s, go that way):
        // sleep between attempts so that the workers get the cores, and try for up to 30 seconds.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int attempts = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            attempts++;
            long before = WorkerPool.WorkerParts;
            var result = run();
            if (WorkerPool.WorkerParts > before) return result;
            Thread.Sleep(attempts < 100 ? 1 : 10);
        }
        Assert.Fail($"In {attempts} attempts over {clock.Elapsed.TotalSeconds:F0} s no worker thread ran a part: the pool never helped.");
        return [];
    }

    private static readonly ConvAlgorithm[] Algorithms = [ConvAlgorithm.Im2ColGemm, ConvAlgorithm.Direct, ConvAlgorithm.Winograd, ConvAlgorithm.ChannelsLast];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SteadyStateCallsAllocateNothing(int threads)
    {
        var rng = new SeededRandom(73);
        var conv = new Conv2dShape(6, 12, 12, 16, 5, 5);
        var strided = new Conv2dShape(4, 9, 9, 8, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Groups: 2);
        var same = new Conv2dShape(16, 8, 8, 16, 3, 3, PadH: 1, PadW: 1);   // 3×3 "same": every algorithm's forward, Winograd's included
        const int batch = 8;
        var x = Random(rng, batch * 6 * 144);
        var w = Random(rng, conv.WeightSize);
        var bias = Random(rng, 16);
        var y = new float[batch * conv.OutputSize];
        var dx = new float[x.Length];
        var dw = new float[conv.WeightSize];
        var db = new float[16];
        var xs = Random(rng, batch * strided.InputSize);
        var ws = Random(rng, strided.WeightSize);
        var ys = new float[batch * strided.OutputSize];
        var ysame = new float[batch * same.OutputSize];
        var pool = new Pool2dShape(16, 8, 8, 2, 2, 2, 2);
        var pooled = new float[batch * pool.OutputSize];
        var argmax = new int[pooled.Length];
        var bnMean = new float[16];
        var bnInv = new float[16];
        var running = new float[16];
        var runningVar = Enumerable.Repeat(1f, 16).ToArray();
        var gamma = Random(rng, 64);
        var beta = Random(rng, 64);
        var mask = new float[y.Length];
        var ids = new float[] { 1, 2, 3, 1 };
        var table = Random(rng, 10 * 8);
        var emb = new float[32];
        var scores = new float[8 * 32 * 32];
        var q = Random(rng, 8 * 32 * 16);
        var heads = new float[q.Length];
        void Calls()
        {
            foreach (var algorithm in Algorithms)
            {
                ConvAlgorithms.Forced = algorithm;
                Conv2d.Forward(conv, batch, x, w, bias, y, new Relu());
                Conv2d.BackwardInput(conv, batch, y, w, dx, accumulate: true);
                Conv2d.BackwardWeight(conv, batch, x, y, dw, db, accumulate: false);
                Conv2d.Forward(strided, batch, xs, ws, [], ys);
                Conv2d.Forward(same, batch, y, w.AsSpan(0, same.WeightSize), bias, ysame, new Relu());
                Conv2d.BackwardWeight(strided, batch, xs, ys, new Span<float>(dw, 0, strided.WeightSize), [], accumulate: true);
                Conv2d.ForwardMaxPooled(same, pool, batch, y, w.AsSpan(0, same.WeightSize), bias, pooled, new Relu());
            }
            ConvAlgorithms.Forced = null;
            Pool2d.MaxForward(pool, batch, y, pooled, argmax);
            Pool2d.MaxBackward(pool, batch, pooled, argmax, y, accumulate: true);
            Pool2d.AverageForward(pool, batch, y, pooled);
            Pool2d.AverageBackward(pool, batch, pooled, y, accumulate: false);
            Pool2d.GlobalAverageForward(batch, 16, 64, y, pooled);
            Pool2d.GlobalAverageBackward(batch, 16, 64, pooled, y, accumulate: true);
            BatchNorm.ForwardTraining(batch, 16, 64, y, gamma.AsSpan(0, 16), beta.AsSpan(0, 16), y, bnMean, bnInv, running, runningVar);
            BatchNorm.ForwardTraining(batch * 64, 16, 1, y, [], [], y, bnMean, bnInv, [], []);
            BatchNorm.Backward(batch, 16, 64, y, y, gamma.AsSpan(0, 16), bnMean, bnInv, mask, db, db, accumulate: false);
            BatchNorm.ForwardInference(batch, 16, 64, y, gamma.AsSpan(0, 16), beta.AsSpan(0, 16), running, runningVar, y);
            LayerNorm.Forward(batch * 16, 64, y, gamma, beta, y, new Span<float>(dx, 0, 128), new Span<float>(dx, 128, 128));
            LayerNorm.Forward(batch * 16, 64, y, [], [], y, new Span<float>(dx, 0, 128), new Span<float>(dx, 128, 128));
            LayerNorm.Backward(batch * 16, 64, y, y, gamma, new Span<float>(dx, 0, 128), new Span<float>(dx, 128, 128), mask, gamma, beta, accumulate: true);
            Dropout.Forward(y, y, mask, 0.3f, 1, 2);
            Dropout.Backward(y, mask, y, accumulate: true);
            GaussianNoise.Fill(mask, 3, 4);
            Embedding.Forward(ids, table, emb, 10, 8);
            Embedding.Backward(ids, emb, table, 10, 8, accumulate: true);
            BatchedGemm.Multiply(8, false, true, 32, 32, 16, q, q, scores, accumulate: false, alpha: 0.25f);
            BatchedGemm.Multiply(8, false, false, 32, 16, 32, scores, q, heads, accumulate: true, alpha: 0.5f);
            CausalSoftmax.Forward(8, 32, scores, scores);
            CausalSoftmax.Backward(8, 32, scores, scores, scores, accumulate: true);
            Permute.SplitHeads(8, 32, 4, 4, q, heads, accumulate: false);
            Permute.MergeHeads(8, 32, 4, 4, heads, q, accumulate: true);
            Permute.SwapLastTwo(8, 32, 16, q, heads, accumulate: false);
        }
        WithThreads(threads, () => { AllocatesNothing(Calls); return 0; });
    }
}
