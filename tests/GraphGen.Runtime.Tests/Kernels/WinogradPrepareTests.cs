using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// Winograd's weight transform U = G·g·Gᵀ for every kernel pair, against the definition in double
/// precision: channel counts that fill whole 16-pair blocks within one row (the gathered path), blocks
/// that cross rows, and a short last block; forward and flipped (the input gradient's W').
/// </summary>
public class WinogradPrepareTests
{
    private static readonly double[,] G = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };

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
        var s = new Conv2dShape(inChannels, 6, 6, outChannels, 3, 3, PadH: 1, PadW: 1);
        if (!ConvWinograd.Supports(s)) return; // no AVX-512: Winograd never runs (the rule tests say so)
        var rng = new SeededRandom(11);
        var w = new float[s.WeightSize];
        for (int i = 0; i < w.Length; i++) w[i] = rng.NextUniform(-1f, 1f);
        var u = new float[ConvWinograd.PreparedForwardSize(s)];

        ConvWinograd.PrepareForward(s, w, u);
        Check(u, outChannels, inChannels, (o, c, a, b) => w[((o * inChannels + c) * 3 + a) * 3 + b], "forward");

        ConvWinograd.PrepareBackwardInput(s, w, u);
        Check(u, inChannels, outChannels, (c, o, a, b) => w[((o * inChannels + c) * 3 + 2 - a) * 3 + 2 - b], "flipped");
    }

    /// <summary>U[ξ, r, k] for rows × cols pairs, positions PositionStride(rows, cols) apart, against G·g·Gᵀ of g = kernel(r, k).</summary>
    private static void Check(float[] u, int rows, int cols, Func<int, int, int, int, float> kernel, string what)
    {
        int stride = ConvWinograd.Geometry.PositionStride(rows, cols);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        double expected = 0, magnitude = 0;
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++)
                            {
                                double term = G[i, a] * kernel(r, k, a, b) * G[j, b];
                                expected += term;
                                magnitude += Math.Abs(term);
                            }
                        float got = u[(4 * i + j) * stride + r * cols + k];
                        Assert.True(Math.Abs(got - expected) <= 1e-6 * magnitude + 1e-30,
                            $"{what} U[{4 * i + j}, {r}, {k}] = {got}, expected {expected}");
                    }
    }
}
