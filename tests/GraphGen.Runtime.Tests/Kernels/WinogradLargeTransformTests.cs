using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// F(4×4, 3×3)'s and F(3×3, 4×4)'s four data transforms, each against its matrix product in double
/// precision on random values, 16 tiles at a time (a short last block too): V = Bᵀ·d·B of the input
/// tiles, D = A·δ·Aᵀ of dy's 4×4 blocks, y = Aᵀ·M·A + bias of the output tiles, dW = Gᵀ·M·G of the
/// weight gradient. The convolution tests bound whole passes, whose error bounds (the matrices'
/// worst case) leave a perturbation of a percent in one coefficient unseen; these see one of 10⁻⁶.
/// </summary>
public unsafe class WinogradLargeTransformTests
{
    private static readonly double[,] BT =
    {
        { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 },
        { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 },
    };

    private static readonly double[,] AT = { { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 } };

    private static readonly double[,] G =
    {
        { 0.25, 0, 0 }, { -1.0 / 6, -1.0 / 6, -1.0 / 6 }, { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 }, { 1.0 / 24, -1.0 / 12, 1.0 / 6 }, { 0, 0, 1 },
    };

    private static bool Supported => ConvWinograd.Supports(new Conv2dShape(1, 8, 8, 1, 3, 3, PadH: 1, PadW: 1));

    [Theory]
    [InlineData(16)]
    [InlineData(5)]
    public void InputTransformIsBtDB(int tiles)
    {
        if (!Supported) return; // no AVX-512: Winograd never runs (the rule tests say so)
        var rng = new SeededRandom(21);
        const int pw = 22, stride = 16 * 3 + 5;
        var planes = Random(rng, pw * 30);
        var corners = new int[16];
        for (int l = 0; l < 16; l++) corners[l] = l < tiles ? (l / 4) * 4 * pw + l % 4 * 4 + l % 3 : 0;
        var v = new float[36 * stride];
        fixed (float* p = planes, pv = v)
        fixed (int* c = corners)
            ConvWinograd.TransformInputLarge(p, pw, c, pv, stride);
        for (int l = 0; l < tiles; l++)
        {
            var d = new double[6, 6];
            for (int u = 0; u < 6; u++)
                for (int w = 0; w < 6; w++) d[u, w] = planes[corners[l] + u * pw + w];
            Check(Product(BT, d, Transpose(BT)), Product(Abs(BT), Abs(d), Transpose(Abs(BT))), (i, j) => v[(6 * i + j) * stride + l], $"V of tile {l}");
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(7)]
    public void GradientTransformIsADAt(int blocks)
    {
        if (!Supported) return; // no AVX-512: Winograd never runs (the rule tests say so)
        var rng = new SeededRandom(22);
        const int ow = 20, stride = 16 * 2 + 3;
        var plane = Random(rng, ow * 20);
        var corners = new int[16];
        for (int l = 0; l < 16; l++) corners[l] = l < blocks ? (l / 5) * 4 * ow + l % 5 * 4 : -1;
        var d = new float[36 * stride];
        fixed (float* p = plane, pd = d)
        fixed (int* c = corners)
            ConvWinograd.TransformGradientLarge(p, c, blocks, ow, pd, stride);
        var a = Transpose(AT);
        for (int l = 0; l < 16; l++)
        {
            var delta = new double[4, 4];
            if (l < blocks)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) delta[i, j] = plane[corners[l] + i * ow + j];
            Check(Product(a, delta, AT), Product(Abs(a), Abs(delta), Abs(AT)), (i, j) => d[(6 * i + j) * stride + l], $"D of block {l}");
        }
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(9, true)]
    public void OutputTransformIsAtMA(int tiles, bool accumulate)
    {
        if (!Supported) return; // no AVX-512: Winograd never runs (the rule tests say so)
        var rng = new SeededRandom(23);
        const int stride = 16 + 7, ow = 16;
        var s = new Conv2dShape(1, 16, ow, 1, 3, 3, PadH: 1, PadW: 1);
        var m = Random(rng, 36 * stride);
        var corners = new int[16];
        for (int l = 0; l < 16; l++) corners[l] = (l / 4) * 4 * ow + l % 4 * 4;
        var y = Random(rng, 16 * ow);
        var old = (float[])y.Clone();
        const float bias = 0.375f;
        fixed (float* pm = m, py = y)
        fixed (int* c = corners)
            ConvWinograd.TransformOutputLarge(in s, pm, stride, c, tiles, py, bias, default(Identity), accumulate);
        for (int l = 0; l < 16; l++)
        {
            var mt = new double[6, 6];
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++) mt[i, j] = m[(6 * i + j) * stride + l];
            var expected = Product(AT, mt, Transpose(AT));
            var magnitude = Product(Abs(AT), Abs(mt), Transpose(Abs(AT)));
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                {
                    float before = old[corners[l] + i * ow + j];
                    expected[i, j] = l >= tiles ? before : expected[i, j] + bias + (accumulate ? before : 0);
                    magnitude[i, j] += Math.Abs(bias) + Math.Abs(before);
                }
            Check(expected, magnitude, (i, j) => y[corners[l] + i * ow + j], $"y of tile {l}");
        }
    }

    [Fact]
    public void WeightTransformIsGtMG()
    {
        if (!Supported) return; // no AVX-512: Winograd never runs (the rule tests say so)
        var rng = new SeededRandom(24);
        var s = new Conv2dShape(5, 8, 8, 7, 3, 3, PadH: 1, PadW: 1);   // 35 pairs: two blocks of 16 and one of 3
        Assert.True(ConvWinograd.WeightGradientTakesLargeTiles(s, 16));
        int pairs = s.InChannels * s.OutChannels, stride = ConvWinograd.Geometry.PositionStride(s.OutChannels, s.InChannels);
        var m = Random(rng, 36 * stride);
        var old = Random(rng, s.WeightSize);
        foreach (bool accumulate in new[] { false, true })
        {
            var dw = (float[])old.Clone();
            ConvWinograd.WeightFromTransformed(in s, 16, m, dw, accumulate);   // 16 samples of 4 tiles: 4×4 tiles
            for (int p = 0; p < pairs; p++)
            {
                var mt = new double[6, 6];
                for (int i = 0; i < 6; i++)
                    for (int j = 0; j < 6; j++) mt[i, j] = m[(6 * i + j) * stride + p];
                var expected = Product(Transpose(G), mt, G);
                var magnitude = Product(Transpose(Abs(G)), Abs(mt), Abs(G));
                for (int u = 0; u < 3; u++)
                    for (int w = 0; w < 3; w++)
                        if (accumulate)
                        {
                            expected[u, w] += old[p * 9 + 3 * u + w];
                            magnitude[u, w] += Math.Abs(old[p * 9 + 3 * u + w]);
                        }
                Check(expected, magnitude, (u, w) => dw[p * 9 + 3 * u + w], $"dW of pair {p}{(accumulate ? " accumulated" : "")}");
            }
        }
    }

    /// <summary>Each value within 10⁻⁶ of its terms' absolute sum from the double-precision product (float rounding over at most a dozen operations).</summary>
    private static void Check(double[,] expected, double[,] magnitude, Func<int, int, float> got, string what)
    {
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++)
            {
                float value = got(i, j);
                Assert.True(Math.Abs(value - expected[i, j]) <= 1e-6 * magnitude[i, j] + 1e-30,
                    $"{what} [{i}, {j}] = {value}, expected {expected[i, j]}");
            }
    }

    private static float[] Random(SeededRandom rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = rng.NextUniform(-1f, 1f);
        return values;
    }

    private static double[,] Product(double[,] a, double[,] b, double[,] c) => Multiply(Multiply(a, b), c);

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var r = new double[a.GetLength(0), b.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < b.GetLength(1); j++)
                for (int k = 0; k < a.GetLength(1); k++) r[i, j] += a[i, k] * b[k, j];
        return r;
    }

    private static double[,] Transpose(double[,] a)
    {
        var r = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) r[j, i] = a[i, j];
        return r;
    }

    private static double[,] Abs(double[,] a)
    {
        var r = new double[a.GetLength(0), a.GetLength(1)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++) r[i, j] = Math.Abs(a[i, j]);
        return r;
    }
}
