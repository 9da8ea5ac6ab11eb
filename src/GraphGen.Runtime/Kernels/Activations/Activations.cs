using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Elementwise activations over whole tensors, vectorised with the same functions the GEMM
/// epilogues use (<see cref="VectorMath"/>): for activations that could not be fused into the
/// producing GEMM, e.g. a GELU whose input the backward pass still needs.
/// </summary>
public static class Activations
{
    /// <summary>
    /// Tensors of at least this many floats are split over the worker pool in ranges of whole
    /// 16-float blocks: each element goes through the same code as on one thread, and the ranges
    /// follow the threads of the kernel that wrote the input (a pooling or convolution backward
    /// split by samples), instead of one core reading everything the other core just wrote.
    /// </summary>
    private const int ParallelMinFloats = 64 * 1024;

    /// <summary>y = act(x).</summary>
    public static unsafe void Forward(Activation activation, ReadOnlySpan<float> x, Span<float> y, float slope = 0.01f)
    {
        if (y.Length < x.Length) throw new ArgumentException($"Activations.Forward: y holds {y.Length} values but x holds {x.Length}.", nameof(y));
        if (WorkerPool.ThreadsFor(x.Length, ParallelMinFloats) > 1)
        {
            fixed (float* px = x, py = y)
                RunRanges(backward: false, activation, px, null, py, x.Length, accumulate: false, slope);
            return;
        }
        ForwardSpan(activation, x, y, slope);
    }

    private static void ForwardSpan(Activation activation, ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
                Apply(activation, Vector512.Create(x.Slice(i, 16)), slope).CopyTo(y.Slice(i, 16));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 8; i += 8)
                Apply(activation, Vector256.Create(x.Slice(i, 8)), slope).CopyTo(y.Slice(i, 8));
        }
        for (; i < x.Length; i++) y[i] = Apply(activation, x[i], slope);
    }

    /// <summary>
    /// dx (+)= dy ⊙ act′(s), with s the activation's output for ReLU, leaky ReLU, sigmoid and tanh
    /// and its input for GELU (as in the GEMM backward epilogue).
    /// </summary>
    public static unsafe void Backward(Activation activation, ReadOnlySpan<float> source, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate, float slope = 0.01f)
    {
        if (source.Length < dy.Length || dx.Length < dy.Length)
            throw new ArgumentException($"Activations.Backward: dy holds {dy.Length} values but the source holds {source.Length} and dx {dx.Length}.");
        if (WorkerPool.ThreadsFor(dy.Length, ParallelMinFloats) > 1)
        {
            fixed (float* ps = source, pdy = dy, pdx = dx)
                RunRanges(backward: true, activation, ps, pdy, pdx, dy.Length, accumulate, slope);
            return;
        }
        BackwardSpan(activation, source, dy, dx, accumulate, slope);
    }

    private static void BackwardSpan(Activation activation, ReadOnlySpan<float> source, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate, float slope)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= dy.Length - 16; i += 16)
            {
                var g = Vector512.Create(dy.Slice(i, 16)) * Derivative(activation, Vector512.Create(source.Slice(i, 16)), slope);
                (accumulate ? Vector512.Create(dx.Slice(i, 16)) + g : g).CopyTo(dx.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= dy.Length - 8; i += 8)
            {
                var g = Vector256.Create(dy.Slice(i, 8)) * Derivative(activation, Vector256.Create(source.Slice(i, 8)), slope);
                (accumulate ? Vector256.Create(dx.Slice(i, 8)) + g : g).CopyTo(dx.Slice(i, 8));
            }
        }
        for (; i < dy.Length; i++)
        {
            float g = dy[i] * Derivative(activation, source[i], slope);
            dx[i] = accumulate ? dx[i] + g : g;
        }
    }

    /// <summary>Forward (first = x, third = y) or backward (first = source, second = dy, third = dx) over n floats in ranges on the pool.</summary>
    private static unsafe void RunRanges(bool backward, Activation activation, float* first, float* second, float* third, int n, bool accumulate, float slope)
    {
        var work = RangeWork.ForCurrentThread();
        int ranges = Gemm.MaxThreads * WorkerPool.PartsPerThread;
        work.RangeFloats = (n / ranges + 15) & ~15;
        work.Set(backward, activation, first, second, third, n, accumulate, slope);
        WorkerPool.Run(work, (n + work.RangeFloats - 1) / work.RangeFloats, Gemm.MaxThreads);
    }

    /// <summary>Part r: floats r·RangeFloats .. (a multiple of 16, so the vector/scalar split is the one-thread split).</summary>
    private sealed unsafe class RangeWork : ParallelWork
    {
        [ThreadStatic] private static RangeWork? t_instance;
        private bool _backward, _accumulate;
        private Activation _activation;
        private float* _first, _second, _third;
        private int _n;
        private float _slope;
        public int RangeFloats;

        public static RangeWork ForCurrentThread() => t_instance ??= new RangeWork();

        public void Set(bool backward, Activation activation, float* first, float* second, float* third, int n, bool accumulate, float slope)
        {
            _backward = backward; _activation = activation; _first = first; _second = second; _third = third; _n = n; _accumulate = accumulate; _slope = slope;
        }

        public override void RunPart(int part)
        {
            int start = part * RangeFloats, count = Math.Min(RangeFloats, _n - start);
            if (_backward)
                BackwardSpan(_activation, new ReadOnlySpan<float>(_first + start, count), new ReadOnlySpan<float>(_second + start, count),
                    new Span<float>(_third + start, count), _accumulate, _slope);
            else
                ForwardSpan(_activation, new ReadOnlySpan<float>(_first + start, count), new Span<float>(_third + start, count), _slope);
        }
    }

    private static float Apply(Activation a, float x, float slope) => a switch
    {
        Activation.Relu => MathF.Max(x, 0f),
        Activation.LeakyRelu => x > 0 ? x : slope * x,
        Activation.Sigmoid => SpecialFunctions.Sigmoid(x),
        Activation.Tanh => MathF.Tanh(x),
        Activation.Gelu => SpecialFunctions.Gelu(x),
        _ => x,
    };

    private static float Derivative(Activation a, float s, float slope) => a switch
    {
        Activation.Relu => s > 0 ? 1f : 0f,
        Activation.LeakyRelu => s > 0 ? 1f : slope,
        Activation.Sigmoid => s * (1f - s),
        Activation.Tanh => 1f - s * s,
        Activation.Gelu => SpecialFunctions.GeluDerivative(s),
        _ => 1f,
    };

    private static Vector512<float> Apply(Activation a, Vector512<float> x, float slope) => a switch
    {
        Activation.Relu => Vector512.Max(x, Vector512<float>.Zero),
        Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope),
        Activation.Sigmoid => VectorMath.Sigmoid(x),
        Activation.Tanh => VectorMath.Tanh(x),
        Activation.Gelu => VectorMath.Gelu(x),
        _ => x,
    };

    private static Vector256<float> Apply(Activation a, Vector256<float> x, float slope) => a switch
    {
        Activation.Relu => Vector256.Max(x, Vector256<float>.Zero),
        Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope),
        Activation.Sigmoid => VectorMath.Sigmoid(x),
        Activation.Tanh => VectorMath.Tanh(x),
        Activation.Gelu => VectorMath.Gelu(x),
        _ => x,
    };

    private static Vector512<float> Derivative(Activation a, Vector512<float> s, float slope) => a switch
    {
        Activation.Relu => Vector512.ConditionalSelect(Vector512.GreaterThan(s, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero),
        Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(s, Vector512<float>.Zero), Vector512<float>.One, Vector512.Create(slope)),
        Activation.Sigmoid => s * (Vector512<float>.One - s),
        Activation.Tanh => Vector512<float>.One - s * s,
        Activation.Gelu => VectorMath.GeluDerivative(s),
        _ => Vector512<float>.One,
    };

    private static Vector256<float> Derivative(Activation a, Vector256<float> s, float slope) => a switch
    {
        Activation.Relu => Vector256.ConditionalSelect(Vector256.GreaterThan(s, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero),
        Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(s, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(slope)),
        Activation.Sigmoid => s * (Vector256<float>.One - s),
        Activation.Tanh => Vector256<float>.One - s * s,
        Activation.Gelu => VectorMath.GeluDerivative(s),
        _ => Vector256<float>.One,
    };
}
