using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Standard normal samples on the device for the reparameterisation trick (z = μ + σ·ε), from the
/// CPU's counter-based stream (<c>GraphGen.Kernels.GaussianNoise</c>): ε_i is a pure function of
/// (seed, step, i).
/// <code>
/// pair k = ⌊i/2⌋:  h = CounterHash(seed, step, k)                      (the CPU's bits, exactly)
///                  ε_{2k} = r·cos θ,  ε_{2k+1} = r·sin θ,  r = √(−2 ln U₁),  θ = 2π·U₂   (Box–Muller)
/// </code>
/// One thread per pair. The uniforms are the CPU's, exactly; the transform is float arithmetic
/// (<see cref="BoxMuller"/>) where the CPU's is double, so ε agrees with the CPU's within
/// 4·10⁻⁷·max(1, |ε|) (|ε| ≤ 5.77) and is the same on every launch.
/// </summary>
public static class GaussianNoise
{
    private static readonly Action<Index1D, ArrayView<float>, ulong, int> FillMethod = FillKernel;

    /// <summary>Fills <paramref name="eps"/> with N(0, 1) samples of call <paramref name="step"/> of the stream <paramref name="seed"/>.</summary>
    public static void Fill(GpuDevice device, ArrayView<float> eps, ulong seed, ulong step)
    {
        int n = ViewLength.Of(eps);
        if (n == 0) return;
        ulong key = CounterHash.Key(seed, step, CounterHash.NoiseStream);
        device.Kernel(FillMethod.Method, a => a.LoadAutoGroupedStreamKernel(FillMethod))((n + 1) / 2, eps, key, n);
    }

    /// <summary>Pair k: ε_{2k} and, when it exists, ε_{2k+1}.</summary>
    private static void FillKernel(Index1D k, ArrayView<float> eps, ulong key, int n)
    {
        ulong h = CounterHash.At(key, (ulong)(int)k);
        float r = BoxMuller.Radius(h);
        var angle = BoxMuller.SinCos(h);
        int i = 2 * k;
        eps[i] = r * angle.Cos;
        if (i + 1 < n) eps[i + 1] = r * angle.Sin;
    }
}
