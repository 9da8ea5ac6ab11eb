using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// v = f(v + b) over a run of values that share one bias b (one output channel of a
/// convolution): the epilogue a GEMM applies per column, applied here per row. Every element
/// goes through the same vector code (a ragged tail is staged through a stack buffer), so a
/// value's result never depends on where it sits in the run.
/// </summary>
internal static class BiasActivation
{
    public static unsafe void Apply<TAct>(Span<float> values, float bias, TAct activation)
        where TAct : struct, IActivation<TAct>
    {
        if (typeof(TAct) == typeof(Identity))
        {
            if (bias == 0f) return;
            foreach (ref float v in values) v += bias;
            return;
        }
        int n = values.Length;
        fixed (float* p = values)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                var b = Vector512.Create(bias);
                int i = 0;
                for (; i <= n - 16; i += 16) Vector512.Store(activation.Forward(Vector512.Load(p + i) + b), p + i);
                if (i == n) return;
                float* stage = stackalloc float[16];
                new Span<float>(stage, 16).Clear();
                new Span<float>(p + i, n - i).CopyTo(new Span<float>(stage, 16));
                Vector512.Store(activation.Forward(Vector512.Load(stage) + b), stage);
                new Span<float>(stage, n - i).CopyTo(new Span<float>(p + i, n - i));
            }
            else
            {
                var b = Vector256.Create(bias);
                int i = 0;
                for (; i <= n - 8; i += 8) Vector256.Store(activation.Forward(Vector256.Load(p + i) + b), p + i);
                if (i == n) return;
                float* stage = stackalloc float[8];
                new Span<float>(stage, 8).Clear();
                new Span<float>(p + i, n - i).CopyTo(new Span<float>(stage, 8));
                Vector256.Store(activation.Forward(Vector256.Load(stage) + b), stage);
                new Span<float>(stage, n - i).CopyTo(new Span<float>(p + i, n - i));
            }
        }
    }
}
