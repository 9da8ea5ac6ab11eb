using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// v = act(v + b) over a run of values that share one bias b (one output channel of a
/// convolution): the epilogue a GEMM applies per column, applied here per row. Every element
/// goes through the same vector code (a ragged tail is staged through a stack buffer), so a
/// value's result never depends on where it sits in the run.
/// </summary>
internal static class BiasActivation
{
    public static unsafe void Apply(Span<float> values, float bias, Activation activation, float slope)
    {
        if (activation == Activation.None)
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
                int i = 0;
                for (; i <= n - 16; i += 16) Vector512.Store(Apply(Vector512.Load(p + i), bias, activation, slope), p + i);
                if (i == n) return;
                float* stage = stackalloc float[16];
                new Span<float>(stage, 16).Clear();
                new Span<float>(p + i, n - i).CopyTo(new Span<float>(stage, 16));
                Vector512.Store(Apply(Vector512.Load(stage), bias, activation, slope), stage);
                new Span<float>(stage, n - i).CopyTo(new Span<float>(p + i, n - i));
            }
            else
            {
                int i = 0;
                for (; i <= n - 8; i += 8) Vector256.Store(Apply(Vector256.Load(p + i), bias, activation, slope), p + i);
                if (i == n) return;
                float* stage = stackalloc float[8];
                new Span<float>(stage, 8).Clear();
                new Span<float>(p + i, n - i).CopyTo(new Span<float>(stage, 8));
                Vector256.Store(Apply(Vector256.Load(stage), bias, activation, slope), stage);
                new Span<float>(stage, n - i).CopyTo(new Span<float>(p + i, n - i));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Apply(Vector512<float> v, float bias, Activation activation, float slope)
    {
        v += Vector512.Create(bias);
        return activation switch
        {
            Activation.Relu => Vector512.Max(v, Vector512<float>.Zero),
            Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * Vector512.Create(slope)),
            Activation.Sigmoid => VectorMath.Sigmoid(v),
            Activation.Tanh => VectorMath.Tanh(v),
            Activation.Gelu => VectorMath.Gelu(v),
            _ => v,
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Apply(Vector256<float> v, float bias, Activation activation, float slope)
    {
        v += Vector256.Create(bias);
        return activation switch
        {
            Activation.Relu => Vector256.Max(v, Vector256<float>.Zero),
            Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * Vector256.Create(slope)),
            Activation.Sigmoid => VectorMath.Sigmoid(v),
            Activation.Tanh => VectorMath.Tanh(v),
            Activation.Gelu => VectorMath.Gelu(v),
            _ => v,
        };
    }
}
