using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Elementwise activations over whole tensors, for activations that could not be fused into the
/// kernel that produced their input (e.g. a GELU whose input the backward pass still needs).
/// Generic over the activation (<see cref="IActivation{TSelf}"/>): the same code serves all.
/// </summary>
/// <remarks>
/// Every element goes through the vector form (a ragged end is staged through a zero-padded vector);
/// tensors of at least <see cref="ParallelMinFloats"/> floats are split over the worker
/// pool in ranges of whole 16-float blocks, so every element takes the same path as on one thread.
/// </remarks>
public static class Activations
{
    /// <summary>
    /// Tensors of at least this many floats are split over the worker pool in ranges of whole
    /// 16-float blocks: each element goes through the same code as on one thread, and the ranges
    /// follow the threads of the kernel that wrote the input (a pooling or convolution backward
    /// split by samples), instead of one core reading everything the other core just wrote.
    /// </summary>
    private const int ParallelMinFloats = 64 * 1024;

    /// <summary>y = f(x).</summary>
    public static unsafe void Forward<TAct>(TAct activation, ReadOnlySpan<float> x, Span<float> y)
        where TAct : struct, IActivation<TAct>
    {
        if (y.Length < x.Length) throw new ArgumentException($"Activations.Forward: y holds {y.Length} values but x holds {x.Length}.", nameof(y));
        if (WorkerPool.ThreadsFor(x.Length, ParallelMinFloats) > 1)
        {
            fixed (float* px = x, py = y)
                RunRanges(activation, backward: false, px, null, py, x.Length, accumulate: false);
            return;
        }
        ForwardSpan(activation, x, y);
    }

    /// <summary>
    /// dx (+)= dy ⊙ f′(s), with s the activation's output, or its input when
    /// <see cref="IActivation{TSelf}.DerivativeFromInput"/> (as in the GEMM backward epilogue).
    /// </summary>
    public static unsafe void Backward<TAct>(TAct activation, ReadOnlySpan<float> source, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate)
        where TAct : struct, IActivation<TAct>
    {
        if (source.Length < dy.Length || dx.Length < dy.Length)
            throw new ArgumentException($"Activations.Backward: dy holds {dy.Length} values but the source holds {source.Length} and dx {dx.Length}.");
        if (WorkerPool.ThreadsFor(dy.Length, ParallelMinFloats) > 1)
        {
            fixed (float* ps = source, pdy = dy, pdx = dx)
                RunRanges(activation, backward: true, ps, pdy, pdx, dy.Length, accumulate);
            return;
        }
        BackwardSpan(activation, source, dy, dx, accumulate);
    }

    /// <summary>
    /// Full vectors, then the ragged end staged through a zero-padded vector (never the scalar
    /// form): every element goes through the same code wherever it sits, so a sample's result does
    /// not depend on the batch it came in (the scalar and vector forms of exp differ in the last bit).
    /// </summary>
    internal static void ForwardSpan<TAct>(TAct f, ReadOnlySpan<float> x, Span<float> y)
        where TAct : struct, IActivation<TAct>
    {
        int i = 0, n = x.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
                f.Forward(Vector512.Create(x.Slice(i, 16))).CopyTo(y.Slice(i, 16));
            if (i == n) return;
            Span<float> stage = stackalloc float[16];
            x[i..].CopyTo(stage);
            f.Forward(Vector512.Create(stage)).CopyTo(stage);
            stage[..(n - i)].CopyTo(y[i..]);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                f.Forward(Vector256.Create(x.Slice(i, 8))).CopyTo(y.Slice(i, 8));
            if (i == n) return;
            Span<float> stage = stackalloc float[8];
            x[i..].CopyTo(stage);
            f.Forward(Vector256.Create(stage)).CopyTo(stage);
            stage[..(n - i)].CopyTo(y[i..]);
        }
        else
        {
            for (; i < n; i++) y[i] = f.Forward(x[i]);
        }
    }

    /// <summary>dx (+)= dy ⊙ f′(s), the ragged end staged like <see cref="ForwardSpan"/>'s.</summary>
    private static void BackwardSpan<TAct>(TAct f, ReadOnlySpan<float> source, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate)
        where TAct : struct, IActivation<TAct>
    {
        int i = 0, n = dy.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                var g = Vector512.Create(dy.Slice(i, 16)) * f.Derivative(Vector512.Create(source.Slice(i, 16)));
                (accumulate ? Vector512.Create(dx.Slice(i, 16)) + g : g).CopyTo(dx.Slice(i, 16));
            }
            if (i == n) return;
            Span<float> stage = stackalloc float[3 * 16];
            Span<float> s = stage[..16], d = stage.Slice(16, 16), o = stage.Slice(32, 16);
            source.Slice(i, n - i).CopyTo(s);
            dy[i..].CopyTo(d);
            dx.Slice(i, n - i).CopyTo(o);
            var tail = Vector512.Create(d) * f.Derivative(Vector512.Create(s));
            (accumulate ? Vector512.Create(o) + tail : tail).CopyTo(o);
            o[..(n - i)].CopyTo(dx[i..]);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                var g = Vector256.Create(dy.Slice(i, 8)) * f.Derivative(Vector256.Create(source.Slice(i, 8)));
                (accumulate ? Vector256.Create(dx.Slice(i, 8)) + g : g).CopyTo(dx.Slice(i, 8));
            }
            if (i == n) return;
            Span<float> stage = stackalloc float[3 * 8];
            Span<float> s = stage[..8], d = stage.Slice(8, 8), o = stage.Slice(16, 8);
            source.Slice(i, n - i).CopyTo(s);
            dy[i..].CopyTo(d);
            dx.Slice(i, n - i).CopyTo(o);
            var tail = Vector256.Create(d) * f.Derivative(Vector256.Create(s));
            (accumulate ? Vector256.Create(o) + tail : tail).CopyTo(o);
            o[..(n - i)].CopyTo(dx[i..]);
        }
        else
        {
            for (; i < n; i++)
            {
                float g = dy[i] * f.Derivative(source[i]);
                dx[i] = accumulate ? dx[i] + g : g;
            }
        }
    }

    /// <summary>Forward (first = x, third = y) or backward (first = source, second = dy, third = dx) over n floats in ranges on the pool.</summary>
    private static unsafe void RunRanges<TAct>(TAct activation, bool backward, float* first, float* second, float* third, int n, bool accumulate)
        where TAct : struct, IActivation<TAct>
    {
        var work = RangeWork<TAct>.ForCurrentThread();
        int ranges = Gemm.MaxThreads * WorkerPool.PartsPerThread;
        work.RangeFloats = (n / ranges + 15) & ~15;
        work.Set(activation, backward, first, second, third, n, accumulate);
        WorkerPool.Run(work, (n + work.RangeFloats - 1) / work.RangeFloats, Gemm.MaxThreads);
    }

    /// <summary>Part r: floats r·RangeFloats .. (a multiple of 16, so the vector/scalar split is the one-thread split).</summary>
    private sealed unsafe class RangeWork<TAct> : ParallelWork
        where TAct : struct, IActivation<TAct>
    {
        [ThreadStatic] private static RangeWork<TAct>? t_instance;
        private TAct _activation;
        private bool _backward, _accumulate;
        private float* _first, _second, _third;
        private int _n;
        public int RangeFloats;

        public static RangeWork<TAct> ForCurrentThread() => t_instance ??= new RangeWork<TAct>();

        public void Set(TAct activation, bool backward, float* first, float* second, float* third, int n, bool accumulate)
        {
            _activation = activation; _backward = backward; _first = first; _second = second; _third = third; _n = n; _accumulate = accumulate;
        }

        public override void RunPart(int part)
        {
            int start = part * RangeFloats, count = Math.Min(RangeFloats, _n - start);
            if (_backward)
                BackwardSpan(_activation, new ReadOnlySpan<float>(_first + start, count), new ReadOnlySpan<float>(_second + start, count),
                    new Span<float>(_third + start, count), _accumulate);
            else
                ForwardSpan(_activation, new ReadOnlySpan<float>(_first + start, count), new Span<float>(_third + start, count));
        }
    }
}
