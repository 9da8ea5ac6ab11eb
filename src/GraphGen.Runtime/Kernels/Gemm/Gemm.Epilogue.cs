using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// What happens to a finished C tile, bound to one activation when the GEMM is called: forward
    /// C = f(C + bias) (perhaps also saving S = f′(C + bias) for the backward pass), backward C = C ⊙ f′(S). The activation's type is gone from here on (the
    /// problem crosses the worker pool as plain data), so the epilogue carries pointers to the code
    /// generated for it: <see cref="ApplyRows"/> for a block of C, <see cref="InPlace"/> for the
    /// in-place kernels, which apply cheap epilogues to the accumulators in registers.
    /// </summary>
    internal unsafe struct Epilogue
    {
        /// <summary>The activation's parameter (leaky ReLU's slope).</summary>
        public float Parameter;
        /// <summary>Bias of the first column (forward; null when there is none).</summary>
        public float* Bias;
        /// <summary>S[0, 0] with row stride <see cref="SourceStride"/>: read (backward), or written (a forward epilogue that saves f′).</summary>
        public float* Source;
        public nint SourceStride;
        /// <summary><see cref="EpilogueRows{TE}"/> for this epilogue; null when there is none.</summary>
        public delegate*<in Epilogue, KernelKind, float*, nint, int, int, void> ApplyRows;
        /// <summary><see cref="InPlaceLoop{TE}"/> for this epilogue.</summary>
        public delegate*<in Problem, GemmBuffers, void> InPlace;

        public readonly bool IsNone => ApplyRows == null;

        /// <summary>No epilogue: C = op(A)·op(B) (+ C).</summary>
        public static Epilogue None => new() { InPlace = &InPlaceLoop<NoEpilogue> };

        /// <summary>C = f(C + bias).</summary>
        public static Epilogue Forward<TAct>(TAct activation, float* bias) where TAct : struct, IActivation<TAct> => new()
        {
            Parameter = activation.Parameter, Bias = bias,
            ApplyRows = &EpilogueRows<ForwardEpilogue<TAct>>,
            InPlace = &InPlaceLoop<ForwardEpilogue<TAct>>,
        };

        /// <summary>C = f(C + bias) and S = f′(C + bias), S with row stride <paramref name="derivativeStride"/>.</summary>
        public static Epilogue ForwardSaving<TAct>(TAct activation, float* bias, float* derivative, nint derivativeStride) where TAct : struct, IForwardWithDerivative<TAct> => new()
        {
            Parameter = activation.Parameter, Bias = bias, Source = derivative, SourceStride = derivativeStride,
            ApplyRows = &EpilogueRows<ForwardSavingEpilogue<TAct>>,
            InPlace = &InPlaceLoop<ForwardSavingEpilogue<TAct>>,
        };

        /// <summary>C = C ⊙ f′(S), S with row stride <paramref name="sourceStride"/>.</summary>
        public static Epilogue Backward<TAct>(TAct activation, float* source, nint sourceStride) where TAct : struct, IActivation<TAct> => new()
        {
            Parameter = activation.Parameter, Source = source, SourceStride = sourceStride,
            ApplyRows = &EpilogueRows<BackwardEpilogue<TAct>>,
            InPlace = &InPlaceLoop<BackwardEpilogue<TAct>>,
        };

        /// <summary>The same epilogue seen from the sub-block whose top-left element is (row, col).</summary>
        public readonly Epilogue Offset(int row, int col)
        {
            var e = this;
            if (e.Bias != null) e.Bias += col;
            if (e.Source != null) e.Source += row * SourceStride + col;
            return e;
        }
    }

    /// <summary>
    /// One epilogue at every width, built from an activation's own forms
    /// (<see cref="IActivation{TSelf}"/>): the row pass below, the in-place tile kernels and the
    /// scalar kernel all apply the same operations to an element, so they give the same bits.
    /// </summary>
    internal interface IEpilogue
    {
        /// <summary>Applied by the in-place tile kernels to their accumulators (else in a pass over the tile).</summary>
        static abstract bool InRegisters { get; }
        static abstract bool ReadsSource { get; }
        static abstract Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, Vector512<float> source, float parameter);
        static abstract Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, Vector256<float> source, float parameter);
        static abstract float Apply(float v, float bias, float source, float parameter);

        /// <summary>Writes S instead of reading it: y = f(v + bias) is returned and f′(v + bias) stored in S (never in registers).</summary>
        static virtual bool SavesDerivative => false;
        static virtual Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, float parameter, out Vector512<float> derivative) => throw new NotSupportedException();
        static virtual Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, float parameter, out Vector256<float> derivative) => throw new NotSupportedException();
        static virtual float Apply(float v, float bias, float parameter, out float derivative) => throw new NotSupportedException();
    }

    internal readonly struct NoEpilogue : IEpilogue
    {
        public static bool InRegisters => false;
        public static bool ReadsSource => false;
        public static Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, Vector512<float> source, float parameter) => v;
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, Vector256<float> source, float parameter) => v;
        public static float Apply(float v, float bias, float source, float parameter) => v;
    }

    /// <summary>C = f(C + bias).</summary>
    internal readonly struct ForwardEpilogue<TAct> : IEpilogue where TAct : struct, IActivation<TAct>
    {
        public static bool InRegisters => TAct.IsCheap;
        public static bool ReadsSource => false;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, Vector512<float> source, float parameter) =>
            TAct.FromParameter(parameter).Forward(v + bias);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, Vector256<float> source, float parameter) =>
            TAct.FromParameter(parameter).Forward(v + bias);
        public static float Apply(float v, float bias, float source, float parameter) =>
            TAct.FromParameter(parameter).Forward(v + bias);
    }

    /// <summary>C = f(C + bias), and S = f′(C + bias) saved for the backward pass.</summary>
    internal readonly struct ForwardSavingEpilogue<TAct> : IEpilogue where TAct : struct, IForwardWithDerivative<TAct>
    {
        public static bool InRegisters => false;
        public static bool ReadsSource => false;
        public static bool SavesDerivative => true;
        public static Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, Vector512<float> source, float parameter) => throw new NotSupportedException();
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, Vector256<float> source, float parameter) => throw new NotSupportedException();
        public static float Apply(float v, float bias, float source, float parameter) => throw new NotSupportedException();
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, float parameter, out Vector512<float> derivative) =>
            TAct.FromParameter(parameter).Forward(v + bias, out derivative);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, float parameter, out Vector256<float> derivative) =>
            TAct.FromParameter(parameter).Forward(v + bias, out derivative);
        public static float Apply(float v, float bias, float parameter, out float derivative) =>
            TAct.FromParameter(parameter).Forward(v + bias, out derivative);
    }

    /// <summary>C = C ⊙ f′(S).</summary>
    internal readonly struct BackwardEpilogue<TAct> : IEpilogue where TAct : struct, IActivation<TAct>
    {
        public static bool InRegisters => TAct.IsCheap;
        public static bool ReadsSource => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Apply(Vector512<float> v, Vector512<float> bias, Vector512<float> source, float parameter) =>
            v * TAct.FromParameter(parameter).Derivative(source);
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Apply(Vector256<float> v, Vector256<float> bias, Vector256<float> source, float parameter) =>
            v * TAct.FromParameter(parameter).Derivative(source);
        public static float Apply(float v, float bias, float source, float parameter) =>
            v * TAct.FromParameter(parameter).Derivative(source);
    }

    /// <summary>
    /// Applies <paramref name="epilogue"/> to the rows×cols block at <paramref name="c"/> whose
    /// top-left element is (row, col) of the epilogue's frame. Every element goes through the same
    /// vector code (a ragged right edge is staged through a stack buffer), so an element's result
    /// never depends on where a tile or a thread boundary falls.
    /// </summary>
    internal static unsafe void ApplyEpilogue(KernelKind kind, in Epilogue epilogue, float* c, nint ldc, int rows, int cols, int row, int col)
    {
        var e = epilogue.Offset(row, col);
        e.ApplyRows(in e, kind, c, ldc, rows, cols);
    }

    private static unsafe void EpilogueRows<TE>(in Epilogue e, KernelKind kind, float* c, nint ldc, int rows, int cols) where TE : struct, IEpilogue
    {
        switch (kind)
        {
            case KernelKind.Vector512: EpilogueRows512<TE>(in e, c, ldc, rows, cols); break;
            case KernelKind.Vector256: EpilogueRows256<TE>(in e, c, ldc, rows, cols); break;
            default: EpilogueRowsScalar<TE>(in e, c, ldc, rows, cols); break;
        }
    }

    private static unsafe void EpilogueRows512<TE>(in Epilogue e, float* c, nint ldc, int rows, int cols) where TE : struct, IEpilogue
    {
        const int W = 16;
        float* stage = stackalloc float[3 * W];
        float* stageBias = stage + W, stageSource = stage + 2 * W;
        int full = cols & ~(W - 1), tail = cols - full;
        for (int i = 0; i < rows; i++)
        {
            float* ci = c + i * ldc;
            float* si = e.Source == null ? null : e.Source + i * e.SourceStride;
            for (int j = 0; j < full; j += W)
            {
                var b = e.Bias == null ? Vector512<float>.Zero : Vector512.Load(e.Bias + j);
                if (TE.SavesDerivative)
                {
                    Vector512.Store(TE.Apply(Vector512.Load(ci + j), b, e.Parameter, out var derivative), ci + j);
                    Vector512.Store(derivative, si + j);
                    continue;
                }
                var s = si == null ? Vector512<float>.Zero : Vector512.Load(si + j);
                Vector512.Store(TE.Apply(Vector512.Load(ci + j), b, s, e.Parameter), ci + j);
            }
            if (tail == 0) continue;
            for (int t = 0; t < W; t++)
            {
                bool inside = t < tail;
                stage[t] = inside ? ci[full + t] : 0f;
                stageBias[t] = inside && e.Bias != null ? e.Bias[full + t] : 0f;
                stageSource[t] = inside && si != null && TE.ReadsSource ? si[full + t] : 0f;
            }
            if (TE.SavesDerivative)
            {
                Vector512.Store(TE.Apply(Vector512.Load(stage), Vector512.Load(stageBias), e.Parameter, out var derivative), stage);
                Vector512.Store(derivative, stageSource);
                for (int t = 0; t < tail; t++) si[full + t] = stageSource[t];
            }
            else
                Vector512.Store(TE.Apply(Vector512.Load(stage), Vector512.Load(stageBias), Vector512.Load(stageSource), e.Parameter), stage);
            for (int t = 0; t < tail; t++) ci[full + t] = stage[t];
        }
    }

    private static unsafe void EpilogueRows256<TE>(in Epilogue e, float* c, nint ldc, int rows, int cols) where TE : struct, IEpilogue
    {
        const int W = 8;
        float* stage = stackalloc float[3 * W];
        float* stageBias = stage + W, stageSource = stage + 2 * W;
        int full = cols & ~(W - 1), tail = cols - full;
        for (int i = 0; i < rows; i++)
        {
            float* ci = c + i * ldc;
            float* si = e.Source == null ? null : e.Source + i * e.SourceStride;
            for (int j = 0; j < full; j += W)
            {
                var b = e.Bias == null ? Vector256<float>.Zero : Vector256.Load(e.Bias + j);
                if (TE.SavesDerivative)
                {
                    Vector256.Store(TE.Apply(Vector256.Load(ci + j), b, e.Parameter, out var derivative), ci + j);
                    Vector256.Store(derivative, si + j);
                    continue;
                }
                var s = si == null ? Vector256<float>.Zero : Vector256.Load(si + j);
                Vector256.Store(TE.Apply(Vector256.Load(ci + j), b, s, e.Parameter), ci + j);
            }
            if (tail == 0) continue;
            for (int t = 0; t < W; t++)
            {
                bool inside = t < tail;
                stage[t] = inside ? ci[full + t] : 0f;
                stageBias[t] = inside && e.Bias != null ? e.Bias[full + t] : 0f;
                stageSource[t] = inside && si != null && TE.ReadsSource ? si[full + t] : 0f;
            }
            if (TE.SavesDerivative)
            {
                Vector256.Store(TE.Apply(Vector256.Load(stage), Vector256.Load(stageBias), e.Parameter, out var derivative), stage);
                Vector256.Store(derivative, stageSource);
                for (int t = 0; t < tail; t++) si[full + t] = stageSource[t];
            }
            else
                Vector256.Store(TE.Apply(Vector256.Load(stage), Vector256.Load(stageBias), Vector256.Load(stageSource), e.Parameter), stage);
            for (int t = 0; t < tail; t++) ci[full + t] = stage[t];
        }
    }

    /// <summary>The scalar definitions the vector forms follow (and the epilogue of the scalar kernel).</summary>
    private static unsafe void EpilogueRowsScalar<TE>(in Epilogue e, float* c, nint ldc, int rows, int cols) where TE : struct, IEpilogue
    {
        for (int i = 0; i < rows; i++)
        {
            float* ci = c + i * ldc;
            float* si = e.Source == null ? null : e.Source + i * e.SourceStride;
            for (int j = 0; j < cols; j++)
            {
                float bias = e.Bias == null ? 0f : e.Bias[j];
                if (TE.SavesDerivative) ci[j] = TE.Apply(ci[j], bias, e.Parameter, out si[j]);
                else ci[j] = TE.Apply(ci[j], bias, si == null ? 0f : si[j], e.Parameter);
            }
        }
    }
}
