using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// Winograd's weight transform U = G·g·Gᵀ for every kernel pair, against the definition in double
/// precision: channel counts that fill whole 16-pair blocks within one row (the gathered path), blocks
/// that cross rows, and a short last block; forward and flipped (the input gradient's W'); F(2×2, 3×3)'s
/// 4×3 G on 6×6 images and F(4×4, 3×3)'s 6×3 G on 8×8 ones (whole 4×4 tiles).
/// </summary>
public class WinogradPrepareTests
{
    private static readonly double[,] G = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };

    private static readonly double[,] LargeG =
    {
        { 0.25, 0, 0 }, { -1.0 / 6, -1.0 / 6, -1.0 / 6 }, { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 }, { 1.0 / 24, -1.0 / 12, 1.0 / 6 }, { 0, 0, 1 },
    };

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(16, 16)]
    [InlineData(17, 33)]
    [InlineData(20, 48)]
    [InlineData(40, 5)]
    [InlineData(64, 64)]
    [InlineData(50, 70)]   // two parts of the transform, the second starting mid-row
    public void TransformIsGgGtForEveryPair(int inChannels, int outChannels)
    {
        foreach (int side in new[] { 6, 8 })
            TransformIsGgGt(new Conv2dShape(inChannels, side, side, outChannels, 3, 3, PadH: 1, PadW: 1));
    }

    private static void TransformIsGgGt(Conv2dShape s)
    {
        int inChannels = s.InChannels, outChannels = s.OutChannels;
        if (!ConvWinograd.Supports(s)) return; // no AVX-512: Winograd never runs (the rule tests say so)
        var g = ConvWinograd.TakesLargeTiles(s) ? LargeG : G;
        Assert.Equal(s.InHeight == 8, ConvWinograd.TakesLargeTiles(s));
        var rng = new SeededRandom(11);
        var w = new float[s.WeightSize];
        for (int i = 0; i < w.Length; i++) w[i] = rng.NextUniform(-1f, 1f);
        var u = new float[ConvWinograd.PreparedForwardSize(s)];

        ConvWinograd.PrepareForward(s, w, u);
        Check(u, g, outChannels, inChannels, (o, c, a, b) => w[((o * inChannels + c) * 3 + a) * 3 + b], "forward");

        ConvWinograd.PrepareBackwardInput(s, w, u);
        Check(u, g, inChannels, outChannels, (c, o, a, b) => w[((o * inChannels + c) * 3 + 2 - a) * 3 + 2 - b], "flipped");
    }

    /// <summary>U[ξ, r, k] for rows × cols pairs, positions PositionStride(rows, cols) apart, against G·g·Gᵀ of g = kernel(r, k).</summary>
    private static void Check(float[] u, double[,] g, int rows, int cols, Func<int, int, int, int, float> kernel, string what)
    {
        int stride = ConvWinograd.Geometry.PositionStride(rows, cols), n = g.GetLength(0);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double expected = 0, magnitude = 0;
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++)
                            {
                                double term = g[i, a] * kernel(r, k, a, b) * g[j, b];
                                expected += term;
                                magnitude += Math.Abs(term);
                            }
                        float got = u[(n * i + j) * stride + r * cols + k];
                        Assert.True(Math.Abs(got - expected) <= 1e-6 * magnitude + 1e-30,
                            $"{what} U[{n * i + j}, {r}, {k}] = {got}, expected {expected}");
                    }
    }
}
