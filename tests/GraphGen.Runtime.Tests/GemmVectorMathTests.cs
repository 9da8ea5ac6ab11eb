using System.Runtime.Intrinsics;
using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests;

/// <summary>The vectorised functions of <see cref="VectorMath"/> against the scalar definitions.</summary>
public class GemmVectorMathTests
{
    /// <summary>Dense samples over [−30, 30], denser near 0, plus values at the edges of each branch.</summary>
    private static float[] Inputs()
    {
        var xs = new List<float>();
        for (int i = -30000; i <= 30000; i++) xs.Add(i * 1e-3f);
        for (int i = -2000; i <= 2000; i++) xs.Add(i * 1e-6f);
        xs.AddRange([0f, -0f, 0.4f, -0.4f, 0.39999998f, 1e-30f, -1e-30f, 80f, -80f, 88.7f, -87.5f, -100f, -104f, 89f, 200f, -200f]);
        return xs.ToArray();
    }

    public static TheoryData<string> Functions() => new() { "Exp", "Sigmoid", "Tanh", "Erf", "Gelu", "GeluDerivative" };

    [Theory]
    [MemberData(nameof(Functions))]
    public void AgreesWithScalarDefinition(string name)
    {
        var (v512, v256, scalar) = Pick(name);
        var xs = Inputs();
        var got512 = Apply512(v512, xs);
        var got256 = Apply256(v256, xs);
        for (int i = 0; i < xs.Length; i++)
        {
            float x = xs[i], expected = scalar(x);
            if (expected.Equals(got512[i]) && expected.Equals(got256[i])) continue; // ±∞, NaN, exact
            // 1e−6 relative, plus an absolute floor where the scalar form itself is ill conditioned:
            // erf near 0 is 1 − (≈1 − x), GELU′ near −0.75 is a difference of two terms ≈ 0.23, and
            // 1 + erf(x) for very negative x is 1 − (1 − tiny); there the scalar form is only good to
            // about erf's own accuracy, 1.5e−7, so 3e−7 absolute is the honest floor.
            float floor = name switch { "Exp" => 0f, "Sigmoid" or "Tanh" => 1e-9f, _ => 3e-7f };
            float tolerance = 1e-6f * MathF.Abs(expected) + floor;
            if (name == "Exp" && expected < 1.2e-38f) tolerance = 3e-45f; // subnormals: within 2 units of the last place
            Assert.True(MathF.Abs(got512[i] - expected) <= tolerance, $"{name}({x:R}): Vector512 gives {got512[i]:R}, scalar {expected:R}");
            Assert.True(got256[i].Equals(got512[i]), $"{name}({x:R}): Vector256 gives {got256[i]:R}, Vector512 {got512[i]:R}");
        }
    }

    [Fact]
    public void ExpHandlesOverflowUnderflowAndNaN()
    {
        var v = VectorMath.Exp(Vector512.Create(100f, -200f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 1f, -1f, 88.72f, 88.73f, -103f, -105f, 2f, 3f, 4f, 5f));
        Assert.Equal(float.PositiveInfinity, v[0]);
        Assert.Equal(0f, v[1]);
        Assert.True(float.IsNaN(v[2]));
        Assert.Equal(float.PositiveInfinity, v[3]);
        Assert.Equal(0f, v[4]);
        Assert.Equal(1f, v[5]);
        Assert.Equal(MathF.E, v[6], 1e-6f);
        Assert.Equal(MathF.Exp(88.72f), v[8], MathF.Exp(88.72f) * 1e-6f);
        Assert.Equal(float.PositiveInfinity, v[9]);
        Assert.True(v[10] > 0f && v[10] < 1e-44f);
        Assert.Equal(0f, v[11]);
    }

    [Fact]
    public void SigmoidAndTanhSaturateWithoutNaN()
    {
        var s = VectorMath.Sigmoid(Vector512.Create(1000f, -1000f, 0f, 50f, -50f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f));
        Assert.Equal(1f, s[0]);
        Assert.Equal(0f, s[1]);
        Assert.Equal(0.5f, s[2]);
        var t = VectorMath.Tanh(Vector512.Create(1000f, -1000f, 0f, -0f, 20f, -20f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f));
        Assert.Equal(1f, t[0]);
        Assert.Equal(-1f, t[1]);
        Assert.Equal(0f, t[2]);
        Assert.True(float.IsNegative(t[3]));
        Assert.Equal(-1f, t[5]);
    }

    private static (Func<Vector512<float>, Vector512<float>>, Func<Vector256<float>, Vector256<float>>, Func<float, float>) Pick(string name) => name switch
    {
        "Exp" => (VectorMath.Exp, VectorMath.Exp, MathF.Exp),
        "Sigmoid" => (VectorMath.Sigmoid, VectorMath.Sigmoid, SpecialFunctions.Sigmoid),
        "Tanh" => (VectorMath.Tanh, VectorMath.Tanh, MathF.Tanh),
        "Erf" => (VectorMath.Erf, VectorMath.Erf, SpecialFunctions.Erf),
        "Gelu" => (VectorMath.Gelu, VectorMath.Gelu, SpecialFunctions.Gelu),
        "GeluDerivative" => (VectorMath.GeluDerivative, VectorMath.GeluDerivative, SpecialFunctions.GeluDerivative),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static float[] Apply512(Func<Vector512<float>, Vector512<float>> f, float[] xs)
    {
        var result = new float[xs.Length];
        var lane = new float[16];
        for (int i = 0; i < xs.Length; i += 16)
        {
            Array.Clear(lane);
            Array.Copy(xs, i, lane, 0, Math.Min(16, xs.Length - i));
            var y = f(Vector512.Create(lane));
            for (int t = 0; t < 16 && i + t < xs.Length; t++) result[i + t] = y[t];
        }
        return result;
    }

    private static float[] Apply256(Func<Vector256<float>, Vector256<float>> f, float[] xs)
    {
        var result = new float[xs.Length];
        var lane = new float[8];
        for (int i = 0; i < xs.Length; i += 8)
        {
            Array.Clear(lane);
            Array.Copy(xs, i, lane, 0, Math.Min(8, xs.Length - i));
            var y = f(Vector256.Create(lane));
            for (int t = 0; t < 8 && i + t < xs.Length; t++) result[i + t] = y[t];
        }
        return result;
    }
}
