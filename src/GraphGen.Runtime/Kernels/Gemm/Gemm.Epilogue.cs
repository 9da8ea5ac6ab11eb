using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>What happens to a finished C tile. Forward: C = act(C + bias). Backward: C = C ⊙ act′(S).</summary>
    internal enum EpilogueKind : byte { None, Forward, Backward }

    /// <summary>
    /// An epilogue over pinned memory, offset to the first row and column of the (sub)problem
    /// it belongs to. Applied once per C tile, right after the tile's last K block, while the
    /// tile is still in L1: the cost is a few vector operations per output element.
    /// </summary>
    internal unsafe struct Epilogue
    {
        public EpilogueKind Kind;
        public Activation Activation;
        public float Slope;
        /// <summary>Bias of the first column (forward; null when there is none).</summary>
        public float* Bias;
        /// <summary>S[0, 0] (backward), with row stride <see cref="SourceStride"/>.</summary>
        public float* Source;
        public nint SourceStride;

        public readonly bool IsNone => Kind == EpilogueKind.None;

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
    /// Applies <paramref name="epilogue"/> to the rows×cols block at <paramref name="c"/> whose
    /// top-left element is (row, col) of the epilogue's frame. Every element goes through the same
    /// vector code (a ragged right edge is staged through a stack buffer), so an element's result
    /// never depends on where a tile or a thread boundary falls.
    /// </summary>
    internal static unsafe void ApplyEpilogue(KernelKind kind, in Epilogue epilogue, float* c, nint ldc, int rows, int cols, int row, int col)
    {
        var e = epilogue.Offset(row, col);
        switch (kind)
        {
            case KernelKind.Vector512: EpilogueRows512(in e, c, ldc, rows, cols); break;
            case KernelKind.Vector256: EpilogueRows256(in e, c, ldc, rows, cols); break;
            default: EpilogueRowsScalar(in e, c, ldc, rows, cols); break;
        }
    }

    private static unsafe void EpilogueRows512(in Epilogue e, float* c, nint ldc, int rows, int cols)
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
                var s = si == null ? Vector512<float>.Zero : Vector512.Load(si + j);
                Vector512.Store(Apply512(in e, Vector512.Load(ci + j), b, s), ci + j);
            }
            if (tail == 0) continue;
            for (int t = 0; t < W; t++)
            {
                bool inside = t < tail;
                stage[t] = inside ? ci[full + t] : 0f;
                stageBias[t] = inside && e.Bias != null ? e.Bias[full + t] : 0f;
                stageSource[t] = inside && si != null ? si[full + t] : 0f;
            }
            var r = Apply512(in e, Vector512.Load(stage), Vector512.Load(stageBias), Vector512.Load(stageSource));
            Vector512.Store(r, stage);
            for (int t = 0; t < tail; t++) ci[full + t] = stage[t];
        }
    }

    private static unsafe void EpilogueRows256(in Epilogue e, float* c, nint ldc, int rows, int cols)
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
                var s = si == null ? Vector256<float>.Zero : Vector256.Load(si + j);
                Vector256.Store(Apply256(in e, Vector256.Load(ci + j), b, s), ci + j);
            }
            if (tail == 0) continue;
            for (int t = 0; t < W; t++)
            {
                bool inside = t < tail;
                stage[t] = inside ? ci[full + t] : 0f;
                stageBias[t] = inside && e.Bias != null ? e.Bias[full + t] : 0f;
                stageSource[t] = inside && si != null ? si[full + t] : 0f;
            }
            var r = Apply256(in e, Vector256.Load(stage), Vector256.Load(stageBias), Vector256.Load(stageSource));
            Vector256.Store(r, stage);
            for (int t = 0; t < tail; t++) ci[full + t] = stage[t];
        }
    }

    private static unsafe void EpilogueRowsScalar(in Epilogue e, float* c, nint ldc, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        {
            float* ci = c + i * ldc;
            float* si = e.Source == null ? null : e.Source + i * e.SourceStride;
            for (int j = 0; j < cols; j++)
                ci[j] = ApplyScalar(in e, ci[j], e.Bias == null ? 0f : e.Bias[j], si == null ? 0f : si[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Apply512(in Epilogue e, Vector512<float> v, Vector512<float> bias, Vector512<float> s)
    {
        if (e.Kind == EpilogueKind.Forward)
        {
            v += bias;
            return e.Activation switch
            {
                Activation.Relu => Vector512.Max(v, Vector512<float>.Zero),
                Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, v * Vector512.Create(e.Slope)),
                Activation.Sigmoid => VectorMath.Sigmoid(v),
                Activation.Tanh => VectorMath.Tanh(v),
                Activation.Gelu => VectorMath.Gelu(v),
                _ => v,
            };
        }
        var one = Vector512<float>.One;
        var positive = Vector512.GreaterThan(s, Vector512<float>.Zero);
        var derivative = e.Activation switch
        {
            Activation.Relu => Vector512.ConditionalSelect(positive, one, Vector512<float>.Zero),
            Activation.LeakyRelu => Vector512.ConditionalSelect(positive, one, Vector512.Create(e.Slope)),
            Activation.Sigmoid => s * (one - s),
            Activation.Tanh => one - s * s,
            Activation.Gelu => VectorMath.GeluDerivative(s),
            _ => one,
        };
        return v * derivative;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Apply256(in Epilogue e, Vector256<float> v, Vector256<float> bias, Vector256<float> s)
    {
        if (e.Kind == EpilogueKind.Forward)
        {
            v += bias;
            return e.Activation switch
            {
                Activation.Relu => Vector256.Max(v, Vector256<float>.Zero),
                Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * Vector256.Create(e.Slope)),
                Activation.Sigmoid => VectorMath.Sigmoid(v),
                Activation.Tanh => VectorMath.Tanh(v),
                Activation.Gelu => VectorMath.Gelu(v),
                _ => v,
            };
        }
        var one = Vector256<float>.One;
        var positive = Vector256.GreaterThan(s, Vector256<float>.Zero);
        var derivative = e.Activation switch
        {
            Activation.Relu => Vector256.ConditionalSelect(positive, one, Vector256<float>.Zero),
            Activation.LeakyRelu => Vector256.ConditionalSelect(positive, one, Vector256.Create(e.Slope)),
            Activation.Sigmoid => s * (one - s),
            Activation.Tanh => one - s * s,
            Activation.Gelu => VectorMath.GeluDerivative(s),
            _ => one,
        };
        return v * derivative;
    }

    /// <summary>The scalar definitions the vector forms follow (and the epilogue of the scalar kernel).</summary>
    internal static float ApplyScalar(in Epilogue e, float v, float bias, float s)
    {
        if (e.Kind == EpilogueKind.Forward)
        {
            v += bias;
            return e.Activation switch
            {
                Activation.Relu => MathF.Max(v, 0f),
                Activation.LeakyRelu => v > 0f ? v : v * e.Slope,
                Activation.Sigmoid => SpecialFunctions.Sigmoid(v),
                Activation.Tanh => MathF.Tanh(v),
                Activation.Gelu => SpecialFunctions.Gelu(v),
                _ => v,
            };
        }
        float derivative = e.Activation switch
        {
            Activation.Relu => s > 0f ? 1f : 0f,
            Activation.LeakyRelu => s > 0f ? 1f : e.Slope,
            Activation.Sigmoid => s * (1f - s),
            Activation.Tanh => 1f - s * s,
            Activation.Gelu => SpecialFunctions.GeluDerivative(s),
            _ => 1f,
        };
        return v * derivative;
    }
}
