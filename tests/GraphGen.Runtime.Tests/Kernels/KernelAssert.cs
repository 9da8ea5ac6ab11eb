using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Random data, comparisons against double references, finite differences and allocation checks for the kernel tests.</summary>
internal static class KernelAssert
{
    /// <summary>CsCheck iterations: <c>CsCheck_Iter</c> when set (to sample more), else <paramref name="ci"/>.</summary>
    public static int Iterations(int ci) => int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out int n) ? n : ci;

    public static float[] Random(SeededRandom rng, int count, float low = -1f, float high = 1f)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = rng.NextUniform(low, high);
        return values;
    }

    public static double[] ToDouble(float[] values) => Array.ConvertAll(values, v => (double)v);

    /// <summary>|actual − expected| ≤ relative·(|expected| + scale) element by element, with the first failure named.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double relative, string what, double scale = 1)
    {
        Assert.True(actual.Length >= expected.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= relative * (Math.Abs(expected[i]) + scale)))
                Assert.Fail($"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (error {error:E2}, bound {relative * (Math.Abs(expected[i]) + scale):E2})");
        }
    }

    /// <summary>|actual − expected| ≤ bound[i] for a per-element bound (a multiple of the sum of the magnitudes of the terms).</summary>
    public static void WithinBound(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, ReadOnlySpan<double> bound, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= bound[i] + 1e-30))
                Assert.Fail($"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (error {error:E2}, bound {bound[i]:E2})");
        }
    }

    /// <summary>Every value equals the other bit for bit (NaN payloads included).</summary>
    public static void Bitwise(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}] = {actual[i]:R}, expected exactly {expected[i]:R}");
    }

    /// <summary>
    /// Central differences of a scalar function f at <paramref name="point"/> (in double, step h),
    /// at <paramref name="checks"/> spread-out indices, against the analytic gradient.
    /// </summary>
    public static void MatchesFiniteDifferences(double[] point, ReadOnlySpan<float> analytic, Func<double[], double> f, string what,
        int checks = 16, double h = 1e-4, double tolerance = 2e-3)
    {
        int stride = Math.Max(1, point.Length / checks);
        for (int i = (point.Length - 1) % stride; i < point.Length; i += stride)
        {
            double saved = point[i];
            point[i] = saved + h;
            double plus = f(point);
            point[i] = saved - h;
            double minus = f(point);
            point[i] = saved;
            double numeric = (plus - minus) / (2 * h);
            if (!(Math.Abs(numeric - analytic[i]) <= tolerance * (1 + Math.Abs(numeric))))
                Assert.Fail($"{what}[{i}]: the kernel gives {analytic[i]:R}, central differences {numeric:R}");
        }
    }

    /// <summary>Σ r ⊙ y: the scalar whose gradient with respect to y is r (the "upstream gradient" of the tests).</summary>
    public static double Dot(ReadOnlySpan<double> r, ReadOnlySpan<double> y)
    {
        double sum = 0;
        for (int i = 0; i < r.Length; i++) sum += r[i] * y[i];
        return sum;
    }

    /// <summary>Runs <paramref name="call"/> once to warm up, then asserts further calls allocate nothing on this thread.</summary>
    public static void AllocatesNothing(Action call, int repeats = 4)
    {
        call();
        Assert.Equal(0, GraphGen.Tests.Allocations.InQuietestWindow(() => { for (int i = 0; i < repeats; i++) call(); }));
    }

    /// <summary>Runs <paramref name="body"/> with <see cref="Gemm.MaxThreads"/> set, restoring it after.</summary>
    public static T WithThreads<T>(int threads, Func<T> body)
    {
        int saved = Gemm.MaxThreads;
        try
        {
            Gemm.MaxThreads = threads;
            return body();
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }

    /// <summary>The message of an exception names <paramref name="parameter"/> and contains every fragment.</summary>
    public static void Names<TException>(Action call, string parameter, params string[] fragments) where TException : ArgumentException
    {
        var e = Assert.ThrowsAny<TException>(call);
        Assert.Equal(parameter, e.ParamName);
        foreach (var fragment in fragments) Assert.Contains(fragment, e.Message);
    }
}
