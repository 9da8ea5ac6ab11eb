namespace GraphGen.Kernels;

/// <summary>
/// Single-precision matrix multiply on row-major matrices: C = op(A)·op(B), or
/// C += op(A)·op(B) when <c>accumulate</c> is set. op(A) is m×k, op(B) is k×n, C is m×n.
/// The three forms a dense layer needs are named: forward Y = X·Wᵀ, input gradient
/// dX = dY·W, weight gradient dW = dYᵀ·X. No transpose is ever materialised.
/// </summary>
/// <remarks>
/// Overloads with an epilogue fuse the elementwise step that follows a GEMM in a network:
/// forward C = act(op(A)·op(B) + bias), backward C = (op(A)·op(B)) ⊙ act′(S). Each C element
/// is one chain of fused multiply-adds in k order, so results are bitwise identical for every
/// thread count (<see cref="MaxThreads"/>) and blocking. (One exception to the chain, not to
/// the invariance: a single row times a transposed B, batch-1 inference, uses dot products.)
/// </remarks>
public static partial class Gemm
{
    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
        Compute(false, false, m, n, k, a, k, b, n, c, n, accumulate);

    /// <summary>C[m×n] (+)= A[m×k] · Bᵀ, where B is stored n×k (a dense layer's [out, in] weight).</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
        Compute(false, true, m, n, k, a, k, b, k, c, n, accumulate);

    /// <summary>C[m×n] (+)= Aᵀ · B[k×n], where A is stored k×m (the weight gradient dYᵀ·X).</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
        Compute(true, false, m, n, k, a, m, b, n, c, n, accumulate);

    /// <summary>C = A·B + bias: bias has n entries, added to every row.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, ReadOnlySpan<float> bias) =>
        Compute(false, false, m, n, k, a, k, b, n, c, n, bias, default(Identity));

    /// <summary>C = A·Bᵀ + bias, B stored n×k: a dense layer without activation.</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, ReadOnlySpan<float> bias) =>
        Compute(false, true, m, n, k, a, k, b, k, c, n, bias, default(Identity));

    /// <summary>C = Aᵀ·B + bias, A stored k×m.</summary>
    public static void MultiplyTransposedA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, ReadOnlySpan<float> bias) =>
        Compute(true, false, m, n, k, a, m, b, n, c, n, bias, default(Identity));

    /// <summary>C = f(A·B + bias): bias has n entries (added to every row) or none.</summary>
    public static void Multiply<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, TAct activation) where TAct : struct, IActivation<TAct> =>
        Compute(false, false, m, n, k, a, k, b, n, c, n, bias, activation);

    /// <summary>C = f(A·Bᵀ + bias), B stored n×k: a dense layer's whole forward pass.</summary>
    public static void MultiplyTransposedB<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, TAct activation) where TAct : struct, IActivation<TAct> =>
        Compute(false, true, m, n, k, a, k, b, k, c, n, bias, activation);

    /// <summary>C = f(Aᵀ·B + bias), A stored k×m.</summary>
    public static void MultiplyTransposedA<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, TAct activation) where TAct : struct, IActivation<TAct> =>
        Compute(true, false, m, n, k, a, m, b, n, c, n, bias, activation);

    /// <summary>
    /// C = f(A·B + bias), and D = f′(A·B + bias) saved for the backward pass (D m×n, apart from C):
    /// for an activation whose derivative needs its input, the input is then never stored, and the
    /// backward GEMM multiplies by D (<see cref="Saved{TAct}"/>) instead of computing f′.
    /// </summary>
    public static void Multiply<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, TAct activation, Span<float> derivative) where TAct : struct, IForwardWithDerivative<TAct> =>
        Compute(false, false, m, n, k, a, k, b, n, c, n, bias, activation, derivative);

    /// <summary>C = f(A·Bᵀ + bias) and D = f′(A·Bᵀ + bias), B stored n×k: a dense layer's forward pass that saves its activation's slope.</summary>
    public static void MultiplyTransposedB<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, TAct activation, Span<float> derivative) where TAct : struct, IForwardWithDerivative<TAct> =>
        Compute(false, true, m, n, k, a, k, b, k, c, n, bias, activation, derivative);

    /// <summary>C = f(Aᵀ·B + bias) and D = f′(Aᵀ·B + bias), A stored k×m.</summary>
    public static void MultiplyTransposedA<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        ReadOnlySpan<float> bias, TAct activation, Span<float> derivative) where TAct : struct, IForwardWithDerivative<TAct> =>
        Compute(true, false, m, n, k, a, m, b, n, c, n, bias, activation, derivative);

    /// <summary>
    /// C = (A·B) ⊙ f′(S), S m×n: the gradient through an activation, e.g. dZ₁ = (dZ₂·W₂) ⊙ relu′(H).
    /// S holds the activation's output, or its input when <see cref="IActivation{TSelf}.DerivativeFromInput"/>.
    /// </summary>
    public static void Multiply<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        TAct activation, ReadOnlySpan<float> derivativeSource) where TAct : struct, IActivation<TAct> =>
        Compute(false, false, m, n, k, a, k, b, n, c, n, activation, derivativeSource);

    /// <summary>C = (A·Bᵀ) ⊙ f′(S), B stored n×k, S m×n.</summary>
    public static void MultiplyTransposedB<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        TAct activation, ReadOnlySpan<float> derivativeSource) where TAct : struct, IActivation<TAct> =>
        Compute(false, true, m, n, k, a, k, b, k, c, n, activation, derivativeSource);

    /// <summary>C = (Aᵀ·B) ⊙ f′(S), A stored k×m, S m×n.</summary>
    public static void MultiplyTransposedA<TAct>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        TAct activation, ReadOnlySpan<float> derivativeSource) where TAct : struct, IActivation<TAct> =>
        Compute(true, false, m, n, k, a, m, b, n, c, n, activation, derivativeSource);

    /// <summary>
    /// The general form with leading dimensions (row strides): A is m×k (lda ≥ k) or, when
    /// <paramref name="transposeA"/>, k×m (lda ≥ m); B is k×n (ldb ≥ n) or n×k (ldb ≥ k).
    /// </summary>
    public static unsafe void Compute(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        Run(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, accumulate, Epilogue.None);
    }

    /// <summary>
    /// The general form with a forward epilogue: C = f(op(A)·op(B) + bias), bias of length n
    /// (or empty for none). The epilogue writes C; it cannot add to it.
    /// </summary>
    public static unsafe void Compute<TAct>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, TAct activation) where TAct : struct, IActivation<TAct>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"GEMM: the bias has {bias.Length} floats but C has {n} columns.", nameof(bias));
        fixed (float* pBias = bias)
        {
            var epilogue = bias.IsEmpty && typeof(TAct) == typeof(Identity) ? Epilogue.None : Epilogue.Forward(activation, bias.IsEmpty ? null : pBias);
            Run(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, false, epilogue, biasOnly: !bias.IsEmpty && typeof(TAct) == typeof(Identity));
        }
    }

    /// <summary>
    /// The general form with a forward epilogue that saves the slope: C = f(op(A)·op(B) + bias) and
    /// D = f′(op(A)·op(B) + bias), D m×n with row stride <paramref name="ldc"/> and apart from C.
    /// </summary>
    public static unsafe void Compute<TAct>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, TAct activation, Span<float> derivative) where TAct : struct, IForwardWithDerivative<TAct>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"GEMM: the bias has {bias.Length} floats but C has {n} columns.", nameof(bias));
        long needed = m == 0 || n == 0 ? 0 : (long)(m - 1) * ldc + n;
        if (derivative.Length < needed)
            throw new ArgumentException($"GEMM: the saved derivative D is {m}×{n} with row stride {ldc} and needs {needed} floats, but the span holds {derivative.Length}.", nameof(derivative));
        if (needed > 0 && c[..(int)needed].Overlaps(derivative[..(int)needed]))
            throw new ArgumentException("GEMM: the saved derivative D overlaps C; give it floats of its own.", nameof(derivative));
        fixed (float* pBias = bias, pDerivative = derivative)
            Run(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, false,
                Epilogue.ForwardSaving(activation, bias.IsEmpty ? null : pBias, pDerivative, ldc));
    }

    /// <summary>
    /// The general form with a backward epilogue: C = (op(A)·op(B)) ⊙ f′(S). S is m×n with row
    /// stride <paramref name="ldc"/> and holds the activation's output (ReLU: f′ = S &gt; 0 ? 1 : 0;
    /// leaky ReLU: S &gt; 0 ? 1 : slope; sigmoid: S(1 − S); tanh: 1 − S²), or its input when
    /// <see cref="IActivation{TSelf}.DerivativeFromInput"/> (GELU, SiLU, softplus). For
    /// <see cref="Identity"/> S is not read and may be empty. The epilogue writes C; it cannot add to it.
    /// </summary>
    public static unsafe void Compute<TAct>(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        TAct activation, ReadOnlySpan<float> derivativeSource) where TAct : struct, IActivation<TAct>
    {
        CheckArguments(transposeA, transposeB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (typeof(TAct) == typeof(Identity))
        {
            Run(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, false, Epilogue.None);
            return;
        }
        long needed = m == 0 || n == 0 ? 0 : (long)(m - 1) * ldc + n;
        if (derivativeSource.Length < needed)
            throw new ArgumentException($"GEMM: the derivative source S is {m}×{n} with row stride {ldc} and needs {needed} floats, but the span holds {derivativeSource.Length}.", nameof(derivativeSource));
        fixed (float* pSource = derivativeSource)
            Run(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, false, Epilogue.Backward(activation, pSource, ldc));
    }

    /// <summary>Runs a checked problem; the epilogue's pointers stay valid because the caller keeps them fixed.</summary>
    private static unsafe void Run(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate, Epilogue epilogue, bool biasOnly = false)
    {
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            var prob = new Problem
            {
                A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc,
                TransA = transposeA, TransB = transposeB, Accumulate = accumulate, BiasOnly = biasOnly,
                M = m, N = n, K = k,
                Epilogue = epilogue,
            };
            if (k == 0)
            {
                // An empty sum: C = 0 (or unchanged), then the epilogue as usual.
                if (!accumulate)
                    for (int i = 0; i < m; i++) new Span<float>(pc + (nint)i * ldc, n).Clear();
                if (!prob.Epilogue.IsNone) ApplyEpilogue(ActiveKernel, in prob.Epilogue, pc, ldc, m, n, 0, 0);
                return;
            }
            Execute(in prob);
        }
    }

    internal static void CheckArguments(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM dimensions must not be negative (m={m}, n={n}, k={k}).");
        int aRows = transposeA ? k : m, aCols = transposeA ? m : k;
        int bRows = transposeB ? n : k, bCols = transposeB ? k : n;
        Check("A", aRows, aCols, aLength, lda);
        Check("B", bRows, bCols, bLength, ldb);
        Check("C", m, n, cLength, ldc);

        static void Check(string name, int rows, int cols, int length, int ld)
        {
            if (ld < cols && rows > 0)
                throw new ArgumentException($"GEMM: the row stride of {name} is {ld} but it has {cols} columns.");
            long needed = rows == 0 ? 0 : (long)(rows - 1) * ld + cols;
            if (length < needed)
                throw new ArgumentException($"GEMM: {name} is {rows}×{cols} with row stride {ld} and needs {needed} floats, but the span holds {length}.");
        }
    }
}
