using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests;

/// <summary>Invalid arguments are rejected before anything is written, with a message that names the culprit.</summary>
public class GemmArgumentTests
{
    private readonly float[] _a = new float[6 * 4], _b = new float[4 * 5], _c = new float[6 * 5];

    [Fact]
    public void ShortSpansNameTheMatrix()
    {
        Assert.Contains("A is 6×4", Assert.Throws<ArgumentException>(() => Gemm.Multiply(_a.AsSpan(1), _b, _c, 6, 5, 4)).Message);
        Assert.Contains("B is 4×5", Assert.Throws<ArgumentException>(() => Gemm.Multiply(_a, _b.AsSpan(0, 19), _c, 6, 5, 4)).Message);
        Assert.Contains("C is 6×5", Assert.Throws<ArgumentException>(() => Gemm.Multiply(_a, _b, _c.AsSpan(0, 29), 6, 5, 4)).Message);
        Assert.Contains("B is 5×4", Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(_a, _b.AsSpan(2), _c, 6, 5, 4)).Message);
        Assert.Contains("A is 4×6", Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedA(_a.AsSpan(3), _b, _c, 6, 5, 4)).Message);
    }

    [Fact]
    public void StridesNarrowerThanTheMatrixAreRejected()
    {
        Assert.Contains("row stride of A", Assert.Throws<ArgumentException>(() => Gemm.Compute(false, false, 6, 5, 4, _a, 3, _b, 5, _c, 5, false)).Message);
        Assert.Contains("row stride of B", Assert.Throws<ArgumentException>(() => Gemm.Compute(false, true, 6, 5, 4, _a, 4, _b, 3, _c, 5, false)).Message);
        Assert.Contains("row stride of C", Assert.Throws<ArgumentException>(() => Gemm.Compute(false, false, 6, 5, 4, _a, 4, _b, 5, _c, 4, false)).Message);
    }

    [Fact]
    public void NegativeDimensionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(_a, _b, _c, -1, 5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(_a, _b, _c, 6, 5, -4));
    }

    [Fact]
    public void EpilogueArgumentsAreChecked()
    {
        // (An epilogue writes C, so the epilogue forms take no accumulate flag: C += f(...) cannot be asked for.)
        Assert.Contains("bias has 4 floats", Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(_a, _b, _c, 6, 5, 4, new float[4], new Relu())).Message);
        Assert.Contains("bias has 4 floats", Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(_a, _b, _c, 6, 5, 4, new float[4])).Message);
        Assert.Contains("derivative source S", Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(_a, _b, _c, 6, 5, 4, new Sigmoid(), new float[29])).Message);
    }

    [Fact]
    public void IdentityWithoutBiasIsNoEpilogue()
    {
        // No bias and no activation is the plain product, and the identity's derivative source is never read.
        var plain = new float[6 * 5];
        Gemm.Multiply(_a, _b, plain, 6, 5, 4);
        var forward = new float[6 * 5];
        Gemm.Compute(false, false, 6, 5, 4, _a, 4, _b, 5, forward, 5, [], new Identity());
        var backward = new float[6 * 5];
        Gemm.Compute(false, false, 6, 5, 4, _a, 4, _b, 5, backward, 5, new Identity(), []);
        Assert.Equal(plain, forward);
        Assert.Equal(plain, backward);
    }

    [Fact]
    public void RejectedCallsWriteNothing()
    {
        var c = new float[6 * 5];
        Array.Fill(c, 7f);
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(_a, _b.AsSpan(1), c, 6, 5, 4));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(_a, _b, c, 6, 5, 4, new float[3]));
        Assert.All(c, v => Assert.Equal(7f, v));
    }
}
