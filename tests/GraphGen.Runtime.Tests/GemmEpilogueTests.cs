using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.GemmTestSupport;

namespace GraphGen.Runtime.Tests;

/// <summary>Fused epilogues against the reference GEMM followed by the scalar activation (or its derivative).</summary>
[Collection(GemmCollection.Name)]
public class GemmEpilogueTests
{
    private const float Slope = 0.07f;

    public static TheoryData<ActivationName> Activations() => ActivationCases.All();

    /// <summary>Shapes with ragged vector tails, padded strides, several K blocks and a threaded one.</summary>
    private static readonly (int M, int N, int K, int Pad)[] Shapes =
        [(1, 1, 1, 0), (5, 13, 7, 0), (32, 10, 32, 0), (37, 45, 33, 3), (29, 70, 300, 1), (150, 170, 90, 2)];

    [Theory]
    [MemberData(nameof(Activations))]
    public void ForwardEpilogueMatchesScalarReference(ActivationName activation)
    {
        var rng = new SeededRandom(31 + (ulong)activation);
        foreach (var (m, n, k, pad) in Shapes)
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
                foreach (bool withBias in new[] { true, false })
                {
                    var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: false, pad);
                    var bias = withBias ? RandomMatrix(rng, 1, n, n).Select(v => 2 * v).ToArray() : [];
                    var expected = gemm.Reference();
                    var magnitude = gemm.Magnitude();
                    foreach (var kind in RunnableKernels())
                    {
                        var c = (float[])gemm.C0.Clone();
                        Gemm.ForcedKernel = kind;
                        try { ActivationCases.With(activation, Slope, new ForwardCall(gemm, ta, tb, c, bias)); }
                        finally { Gemm.ForcedKernel = null; }

                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++)
                            {
                                int at = i * gemm.Ldc + j;
                                float b = withBias ? bias[j] : 0f;
                                float want = (float)ActivationCases.Forward(activation, expected[at] + b, Slope);
                                // GEMM rounding (|act′| ≤ 1.13 carries it through) plus the function's own 1e−6.
                                float tolerance = 1.2f * ((k + 4) * 1.2e-7f * magnitude[at] + 1e-6f * MathF.Abs(b))
                                    + 1e-6f * MathF.Abs(want) + 3e-7f;
                                Assert.True(MathF.Abs(c[at] - want) <= tolerance,
                                    $"{kind} {activation} bias={withBias} {gemm}: C[{i},{j}] = {c[at]}, expected {want}");
                            }
                        AssertPaddingUntouched(gemm, c);
                    }
                }
    }

    /// <summary>
    /// A bias alone (no activation) is added by the AVX-512 kernel to its accumulators on full
    /// tiles and by a pass over the tile on ragged ones: either way the same single rounding as the
    /// product followed by the addition, bit for bit, on one thread and on several, over one and
    /// several K blocks (the packed path: more rows than the in-place kernels take, or forced).
    /// </summary>
    [Theory]
    [InlineData(300, 70, 130, false)]
    [InlineData(520, 64, 128, false)]
    [InlineData(264, 96, 300, false)]
    [InlineData(48, 40, 20, true)]
    public void ABiasAloneIsTheProductPlusTheBiasBitForBit(int m, int n, int k, bool forcePacked)
    {
        var rng = new SeededRandom((ulong)(m * 7 + n * 3 + k));
        var a = RandomMatrix(rng, m, k, k);
        var b = RandomMatrix(rng, n, k, k);
        var bias = RandomMatrix(rng, 1, n, n);
        int saved = Gemm.MaxThreads;
        try
        {
            if (forcePacked) Gemm.ForcedInPlace = false;
            foreach (int threads in new[] { 1, saved })
            {
                Gemm.MaxThreads = threads;
                var product = new float[m * n];
                Gemm.MultiplyTransposedB(a, b, product, m, n, k);
                var withBias = new float[m * n];
                Gemm.MultiplyTransposedB(a, b, withBias, m, n, k, bias);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                        Assert.True(BitConverter.SingleToInt32Bits(product[i * n + j] + bias[j]) == BitConverter.SingleToInt32Bits(withBias[i * n + j]),
                            $"{m}×{n}×{k}, {threads} thread(s): C[{i},{j}] = {withBias[i * n + j]}, product + bias = {product[i * n + j] + bias[j]}");
            }
        }
        finally
        {
            Gemm.MaxThreads = saved;
            Gemm.ForcedInPlace = null;
        }
    }

    [Theory]
    [MemberData(nameof(Activations))]
    public void BackwardEpilogueMatchesScalarReference(ActivationName activation)
    {
        var rng = new SeededRandom(77 + (ulong)activation);
        foreach (var (m, n, k, pad) in Shapes)
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                var gemm = Case.Create(rng, ta, tb, m, n, k, accumulate: false, pad);
                // S as the activation would have produced it (an output in range, or a GELU input).
                var s = RandomMatrix(rng, m, n, gemm.Ldc).Select(v => float.IsNaN(v) ? v : (float)ActivationCases.Source(activation, 3 * v, Slope)).ToArray();
                var expected = gemm.Reference();
                var magnitude = gemm.Magnitude();
                foreach (var kind in RunnableKernels())
                {
                    var c = (float[])gemm.C0.Clone();
                    Gemm.ForcedKernel = kind;
                    try { ActivationCases.With(activation, Slope, new BackwardCall(gemm, ta, tb, c, s)); }
                    finally { Gemm.ForcedKernel = null; }

                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                        {
                            int at = i * gemm.Ldc + j;
                            float d = (float)ActivationCases.Derivative(activation, s[at], Slope);
                            float want = expected[at] * d;
                            float tolerance = (k + 4) * 1.2e-7f * magnitude[at] * (MathF.Abs(d) + 1e-6f)
                                + 1e-6f * MathF.Abs(expected[at]) + 1e-6f * MathF.Abs(want) + 1e-30f;
                            Assert.True(MathF.Abs(c[at] - want) <= tolerance,
                                $"{kind} {activation}′ {gemm}: C[{i},{j}] = {c[at]}, expected {want} (S = {s[at]})");
                        }
                    AssertPaddingUntouched(gemm, c);
                }
            }
    }

    [Fact]
    public void NamedFormsWithEpiloguesMatchCompute()
    {
        var rng = new SeededRandom(4);
        int m = 21, n = 19, k = 23;
        var a = RandomMatrix(rng, m, k, k);
        var at = RandomMatrix(rng, k, m, m);
        var b = RandomMatrix(rng, k, n, n);
        var bt = RandomMatrix(rng, n, k, k);
        var bias = RandomMatrix(rng, 1, n, n);
        var s = RandomMatrix(rng, m, n, n).Select(v => v * 0.5f + 0.5f).ToArray();

        Same(c => Gemm.Multiply(a, b, c, m, n, k, bias, new Tanh()), c => Gemm.Compute(false, false, m, n, k, a, k, b, n, c, n, bias, new Tanh()));
        Same(c => Gemm.MultiplyTransposedB(a, bt, c, m, n, k, bias, new LeakyRelu(0.2f)), c => Gemm.Compute(false, true, m, n, k, a, k, bt, k, c, n, bias, new LeakyRelu(0.2f)));
        Same(c => Gemm.MultiplyTransposedA(at, b, c, m, n, k, bias, new Gelu()), c => Gemm.Compute(true, false, m, n, k, at, m, b, n, c, n, bias, new Gelu()));
        Same(c => Gemm.MultiplyTransposedB(a, bt, c, m, n, k, bias), c => Gemm.Compute(false, true, m, n, k, a, k, bt, k, c, n, bias, new Identity()));
        Same(c => Gemm.Multiply(a, b, c, m, n, k, new Sigmoid(), s), c => Gemm.Compute(false, false, m, n, k, a, k, b, n, c, n, new Sigmoid(), s));
        Same(c => Gemm.MultiplyTransposedB(a, bt, c, m, n, k, new LeakyRelu(0.3f), s), c => Gemm.Compute(false, true, m, n, k, a, k, bt, k, c, n, new LeakyRelu(0.3f), s));
        Same(c => Gemm.MultiplyTransposedA(at, b, c, m, n, k, new Relu(), s), c => Gemm.Compute(true, false, m, n, k, at, m, b, n, c, n, new Relu(), s));

        void Same(Action<float[]> named, Action<float[]> general)
        {
            var x = new float[m * n];
            var y = new float[m * n];
            named(x);
            general(y);
            Assert.Equal(y, x);
        }
    }

    [Fact]
    public void EmptyReductionStillAppliesTheEpilogue()
    {
        // k = 0: op(A)·op(B) is the zero matrix, so C = act(bias) forward and 0 backward.
        var c = new float[] { 9, 9, 9, 9, 9, 9 };
        Gemm.Multiply([], [], c, 2, 3, 0, [-1f, 0.5f, 2f], new Relu());
        Assert.Equal(new float[] { 0, 0.5f, 2, 0, 0.5f, 2 }, c);
        c = [9, 9, 9, 9, 9, 9];
        Gemm.Multiply([], [], c, 2, 3, 0, new Tanh(), [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f]);
        Assert.All(c, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void EpilogueResultsDoNotDependOnTheThreadCount()
    {
        // The epilogue of an element does not depend on its tile or on the thread that ran it:
        // ragged edges go through the same vector code as full tiles.
        var rng = new SeededRandom(12);
        var gemm = Case.Create(rng, false, true, 200, 77, 150, accumulate: false);
        var bias = RandomMatrix(rng, 1, 77, 77);
        int saved = Gemm.MaxThreads;
        try
        {
            var results = new[] { 1, 2 }.Select(t =>
            {
                Gemm.MaxThreads = t;
                var c = new float[gemm.C0.Length];
                Gemm.Compute(false, true, 200, 77, 150, gemm.A, gemm.Lda, gemm.B, gemm.Ldb, c, gemm.Ldc, bias, new Gelu());
                return c;
            }).ToArray();
            Assert.Equal(results[0], results[1]);
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    private readonly record struct ForwardCall(Case Gemm, bool TransposeA, bool TransposeB, float[] C, float[] Bias) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> =>
            GraphGen.Kernels.Gemm.Compute(TransposeA, TransposeB, Gemm.M, Gemm.N, Gemm.K, Gemm.A, Gemm.Lda, Gemm.B, Gemm.Ldb, C, Gemm.Ldc, Bias, activation);
    }

    private readonly record struct BackwardCall(Case Gemm, bool TransposeA, bool TransposeB, float[] C, float[] Source) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> =>
            GraphGen.Kernels.Gemm.Compute(TransposeA, TransposeB, Gemm.M, Gemm.N, Gemm.K, Gemm.A, Gemm.Lda, Gemm.B, Gemm.Ldb, C, Gemm.Ldc, activation, Source);
    }

    private static void AssertPaddingUntouched(Case gemm, float[] c)
    {
        for (int at = 0; at < c.Length; at++)
            if (at % gemm.Ldc >= gemm.N) Assert.True(float.IsNaN(c[at]), $"{gemm}: padding at {at} was written");
    }
}
