using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// C = op(A)·op(B) on the device, row-major, in the three forms a dense layer needs, with the CPU
/// kernel's epilogues: forward C = f(op(A)·op(B) + bias), backward C = (op(A)·op(B)) ⊙ f′(S), or
/// C (+)= op(A)·op(B). On CUDA with cuBLAS the product is cuBLAS's SGEMM and the epilogue a second,
/// elementwise kernel; otherwise it is the tiled kernel below, epilogue included.
/// </summary>
/// <remarks>
/// The tiled kernel: a group of 16 × 16 threads computes a 64 × 64 tile of C, each thread a 4 × 4
/// block, with 64 × 16 tiles of op(A) and 16 × 64 tiles of op(B) staged in shared memory. Each
/// element of C is one chain of multiply-adds in k order, so a launch gives the same bits every
/// time and for every tiling of the grid (the GPU may contract a multiply and an add into one FMA,
/// so the bits differ from the CPU's in the last places).
/// </remarks>
public static class Gemm
{
    private const int Tile = 64, Depth = 16, Threads = 16, PerThread = 4;

    /// <summary>C[m×n] (+)= A[m×k]·B[k×n].</summary>
    public static void Multiply(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, bool accumulate = false) =>
        Run(device, false, false, a, b, c, m, n, k, accumulate, default, default(Identity), default, Mode.Plain);

    /// <summary>C[m×n] (+)= A[m×k]·Bᵀ, B stored n×k.</summary>
    public static void MultiplyTransposedB(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, bool accumulate = false) =>
        Run(device, false, true, a, b, c, m, n, k, accumulate, default, default(Identity), default, Mode.Plain);

    /// <summary>C[m×n] (+)= Aᵀ·B[k×n], A stored k×m.</summary>
    public static void MultiplyTransposedA(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, bool accumulate = false) =>
        Run(device, true, false, a, b, c, m, n, k, accumulate, default, default(Identity), default, Mode.Plain);

    /// <summary>C = A·B + bias.</summary>
    public static void Multiply(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias) =>
        Run(device, false, false, a, b, c, m, n, k, false, bias, default(Identity), default, Mode.Forward);

    /// <summary>C = A·Bᵀ + bias.</summary>
    public static void MultiplyTransposedB(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias) =>
        Run(device, false, true, a, b, c, m, n, k, false, bias, default(Identity), default, Mode.Forward);

    /// <summary>C = Aᵀ·B + bias.</summary>
    public static void MultiplyTransposedA(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias) =>
        Run(device, true, false, a, b, c, m, n, k, false, bias, default(Identity), default, Mode.Forward);

    /// <summary>C = f(A·B + bias); bias may be empty.</summary>
    public static void Multiply<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct activation)
        where TAct : struct, IActivation<TAct> => Run(device, false, false, a, b, c, m, n, k, false, bias, activation, default, Mode.Forward);

    /// <summary>C = f(A·Bᵀ + bias): a dense layer's forward pass.</summary>
    public static void MultiplyTransposedB<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct activation)
        where TAct : struct, IActivation<TAct> => Run(device, false, true, a, b, c, m, n, k, false, bias, activation, default, Mode.Forward);

    /// <summary>C = f(Aᵀ·B + bias).</summary>
    public static void MultiplyTransposedA<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct activation)
        where TAct : struct, IActivation<TAct> => Run(device, true, false, a, b, c, m, n, k, false, bias, activation, default, Mode.Forward);

    /// <summary>C = f(A·B + bias) and D = f′(A·B + bias), saved for the backward pass (the CPU's <c>Gemm.Multiply</c> with a derivative).</summary>
    public static void Multiply<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct activation, ArrayView<float> derivative)
        where TAct : struct, IForwardWithDerivative<TAct> => Run(device, false, false, a, b, c, m, n, k, false, bias, activation, Checked(derivative, m, n), Mode.ForwardSaving);

    /// <summary>C = f(A·Bᵀ + bias) and D = f′(A·Bᵀ + bias): a dense layer's forward pass that saves its activation's slope.</summary>
    public static void MultiplyTransposedB<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct activation, ArrayView<float> derivative)
        where TAct : struct, IForwardWithDerivative<TAct> => Run(device, false, true, a, b, c, m, n, k, false, bias, activation, Checked(derivative, m, n), Mode.ForwardSaving);

    /// <summary>C = f(Aᵀ·B + bias) and D = f′(Aᵀ·B + bias).</summary>
    public static void MultiplyTransposedA<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, ArrayView<float> bias, TAct activation, ArrayView<float> derivative)
        where TAct : struct, IForwardWithDerivative<TAct> => Run(device, true, false, a, b, c, m, n, k, false, bias, activation, Checked(derivative, m, n), Mode.ForwardSaving);

    private static ArrayView<float> Checked(ArrayView<float> derivative, int m, int n) => derivative.Length >= (long)m * n ? derivative
        : throw new ArgumentException($"GEMM: the saved derivative D is {m}×{n} and needs {(long)m * n} floats, but the view holds {derivative.Length}.", nameof(derivative));

    /// <summary>C = (A·B) ⊙ f′(S).</summary>
    public static void Multiply<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, TAct activation, ArrayView<float> derivativeSource)
        where TAct : struct, IActivation<TAct> => Run(device, false, false, a, b, c, m, n, k, false, default, activation, derivativeSource, Mode.Backward);

    /// <summary>C = (A·Bᵀ) ⊙ f′(S).</summary>
    public static void MultiplyTransposedB<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, TAct activation, ArrayView<float> derivativeSource)
        where TAct : struct, IActivation<TAct> => Run(device, false, true, a, b, c, m, n, k, false, default, activation, derivativeSource, Mode.Backward);

    /// <summary>C = (Aᵀ·B) ⊙ f′(S).</summary>
    public static void MultiplyTransposedA<TAct>(GpuDevice device, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k, TAct activation, ArrayView<float> derivativeSource)
        where TAct : struct, IActivation<TAct> => Run(device, true, false, a, b, c, m, n, k, false, default, activation, derivativeSource, Mode.Backward);

    /// <summary>
    /// The general form with row strides, as the CPU's <c>Gemm.Compute</c>: C (+)= op(A)·op(B) with
    /// op(A) m×k stored with row stride lda, op(B) k×n with ldb, C with ldc.
    /// </summary>
    public static void Compute(GpuDevice device, bool transposeA, bool transposeB, int m, int n, int k,
        ArrayView<float> a, int lda, ArrayView<float> b, int ldb, ArrayView<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return;
        var args = new Args(a, b, c, default, default, m, n, k, lda, ldb, ldc, transposeA, transposeB, accumulate, Mode.Plain);
        if (!TryCuBlasLt(device, in args, withBias: false) && !TryCuBlas(device, in args)) Tiled(device, args, default(Identity));
    }

    /// <summary>What happens to a finished element: stored (or added), f(v + bias), that and s = f′(v + bias) saved, or v ⊙ f′(s).</summary>
    internal enum Mode { Plain, Forward, Backward, ForwardSaving }

    /// <summary>One GEMM's operands and sizes, passed to the kernel as one value.</summary>
    internal readonly struct Args(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> bias, ArrayView<float> source,
        int m, int n, int k, int lda, int ldb, int ldc, bool transposeA, bool transposeB, bool accumulate, Mode mode)
    {
        public readonly ArrayView<float> A = a, B = b, C = c, Bias = bias, Source = source;
        public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
        public readonly int TransposeA = transposeA ? 1 : 0, TransposeB = transposeB ? 1 : 0, Accumulate = accumulate ? 1 : 0;
        public readonly int Epilogue = (int)mode, HasBias = bias.Length > 0 ? 1 : 0;

        /// <summary>The same problem with no bias (one that cuBLASLt's product has added already).</summary>
        public Args WithoutBias() => new(A, B, C, default, Source, M, N, K, Lda, Ldb, Ldc, TransposeA != 0, TransposeB != 0, Accumulate != 0, (Mode)Epilogue);

        public float AAt(int i, int p) => TransposeA != 0 ? A[(long)p * Lda + i] : A[(long)i * Lda + p];
        public float BAt(int p, int j) => TransposeB != 0 ? B[(long)j * Ldb + p] : B[(long)p * Ldb + j];
    }

    private static void Run<TAct>(GpuDevice device, bool transposeA, bool transposeB, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c,
        int m, int n, int k, bool accumulate, ArrayView<float> bias, TAct activation, ArrayView<float> source, Mode mode)
        where TAct : struct, IActivation<TAct>
    {
        if (m == 0 || n == 0) return;
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        var args = new Args(a, b, c, bias, source, m, n, k, lda, ldb, n, transposeA, transposeB, accumulate, mode);
        bool forward = mode is Mode.Forward or Mode.ForwardSaving;
        bool viaLt = TryCuBlasLt(device, in args, withBias: forward && args.HasBias != 0);
        if (viaLt || TryCuBlas(device, in args))
        {
            // What the product left: f(v + b) (the bias not added by cuBLASLt), or v ⊙ f′(s), by
            // the epilogue kernel; nothing when that would be the identity with no bias.
            var rest = viaLt ? args.WithoutBias() : args;   // cuBLASLt added any bias itself
            if (mode is Mode.Backward or Mode.ForwardSaving || (mode == Mode.Forward && (rest.HasBias != 0 || typeof(TAct) != typeof(Identity))))
                Epilogue.Apply(device, rest, activation);
            return;
        }
        Tiled(device, args, activation);
    }

    /// <summary>
    /// cuBLAS is column-major: a row-major X is the column-major Xᵀ, so C = op(A)·op(B) is computed as
    /// Cᵀ = op(B)ᵀ·op(A)ᵀ, the operands swapped and each transpose flag kept.
    /// </summary>
    private static bool TryCuBlas(GpuDevice device, in Args g)
    {
        if (device.Blas is not { } blas || g.K == 0) return false;
        device.Profile?.Begin(device, $"cuBLAS SGEMM {(g.TransposeA != 0 ? "Aᵀ" : "A")}{(g.TransposeB != 0 ? "Bᵀ" : "B")} {g.M}×{g.N}×{g.K}");
        blas.Gemm(g.TransposeB != 0 ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
            g.TransposeA != 0 ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
            g.N, g.M, g.K, 1f, g.B, g.Ldb, g.A, g.Lda, g.Accumulate != 0 ? 1f : 0f, g.C, g.Ldc);
        return true;
    }

    /// <summary>As <see cref="TryCuBlas"/> through cuBLASLt (a cached algorithm per shape), the bias added in the product when <paramref name="withBias"/>.</summary>
    private static bool TryCuBlasLt(GpuDevice device, in Args g, bool withBias)
    {
        if (device.BlasLt is not { } lt || device.Blas is not { } blas || g.K == 0) return false;
        device.Profile?.Begin(device, $"cuBLASLt SGEMM {(g.TransposeA != 0 ? "Aᵀ" : "A")}{(g.TransposeB != 0 ? "Bᵀ" : "B")} {g.M}×{g.N}×{g.K}{(withBias ? " + bias" : "")}");
        return lt.TryMultiply(blas.Stream, g.TransposeB != 0 ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
            g.TransposeA != 0 ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
            g.N, g.M, g.K, g.B, g.Ldb, g.A, g.Lda, g.Accumulate != 0 ? 1f : 0f, g.C, g.Ldc, withBias ? g.Bias : default);
    }

    private static void Tiled<TAct>(GpuDevice device, Args args, TAct activation) where TAct : struct, IActivation<TAct>
    {
        var kernel = device.Kernel(TiledKernels<TAct>.Method.Method, a => a.LoadStreamKernel(TiledKernels<TAct>.Method));
        var grid = new Index2D((args.N + Tile - 1) / Tile, (args.M + Tile - 1) / Tile);
        kernel(new KernelConfig(grid, new Index2D(Threads, Threads)), args, activation);
    }

    private static class TiledKernels<TAct> where TAct : struct, IActivation<TAct>
    {
        public static readonly Action<Args, TAct> Method = TiledKernel;
    }

    /// <summary>One 64 × 64 tile of C per group; thread (x, y) computes rows 4y..4y+3 and columns 4x..4x+3 of it.</summary>
    private static void TiledKernel<TAct>(Args g, TAct f) where TAct : struct, IActivation<TAct>
    {
        var aTile = SharedMemory.Allocate<float>(Depth * Tile);   // [p][i]
        var bTile = SharedMemory.Allocate<float>(Depth * Tile);   // [p][j]
        var acc = LocalMemory.Allocate<float>(PerThread * PerThread);
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * Threads + tx;
        int row0 = Grid.IdxY * Tile, col0 = Grid.IdxX * Tile;
        for (int e = 0; e < PerThread * PerThread; e++) acc[e] = 0f;
        for (int p0 = 0; p0 < g.K; p0 += Depth)
        {
            // 1024 values of each tile, 4 per thread; outside the matrices, zeros.
            for (int l = 0; l < Depth * Tile / (Threads * Threads); l++)
            {
                int at = thread + l * Threads * Threads;
                int ai = at % Tile, ap = at / Tile;
                aTile[at] = row0 + ai < g.M && p0 + ap < g.K ? g.AAt(row0 + ai, p0 + ap) : 0f;
                int bj = at % Tile, bp = at / Tile;
                bTile[at] = col0 + bj < g.N && p0 + bp < g.K ? g.BAt(p0 + bp, col0 + bj) : 0f;
            }
            Group.Barrier();
            int depth = Math.Min(Depth, g.K - p0);
            for (int p = 0; p < depth; p++)
                for (int r = 0; r < PerThread; r++)
                {
                    float av = aTile[p * Tile + ty * PerThread + r];
                    for (int s = 0; s < PerThread; s++)
                        acc[r * PerThread + s] += av * bTile[p * Tile + tx * PerThread + s];
                }
            Group.Barrier();
        }
        for (int r = 0; r < PerThread; r++)
        {
            int i = row0 + ty * PerThread + r;
            if (i >= g.M) continue;
            for (int s = 0; s < PerThread; s++)
            {
                int j = col0 + tx * PerThread + s;
                if (j >= g.N) continue;
                long at = (long)i * g.Ldc + j;
                float v = acc[r * PerThread + s];
                if (g.Epilogue == (int)Mode.Forward) v = f.Forward(g.HasBias != 0 ? v + g.Bias[j] : v);
                else if (g.Epilogue == (int)Mode.ForwardSaving) v = ForwardSaving(g, f, v, j, at);
                else if (g.Epilogue == (int)Mode.Backward) v *= f.Derivative(g.Source[at]);
                else if (g.Accumulate != 0) v += g.C[at];
                g.C[at] = v;
            }
        }
    }

    /// <summary>f(v + bias), with f′(v + bias) stored in S at the same place (the activation's two scalar forms: a GPU recomputes cheaply).</summary>
    private static float ForwardSaving<TAct>(Args g, TAct f, float v, int j, long at) where TAct : struct, IActivation<TAct>
    {
        float z = g.HasBias != 0 ? v + g.Bias[j] : v;
        g.Source[at] = f.Derivative(z);
        return f.Forward(z);
    }

    /// <summary>The epilogue alone, after cuBLAS: one thread per element of C.</summary>
    private static class Epilogue
    {
        public static void Apply<TAct>(GpuDevice device, Args args, TAct activation) where TAct : struct, IActivation<TAct> =>
            device.Kernel(Kernels<TAct>.Method.Method, a => a.LoadAutoGroupedStreamKernel(Kernels<TAct>.Method))(args.M * args.N, args, activation);

        private static class Kernels<TAct> where TAct : struct, IActivation<TAct>
        {
            public static readonly Action<Index1D, Args, TAct> Method = Kernel;
        }

        private static void Kernel<TAct>(Index1D index, Args g, TAct f) where TAct : struct, IActivation<TAct>
        {
            int i = index / g.N, j = index % g.N;
            long at = (long)i * g.Ldc + j;
            float v = g.C[at];
            g.C[at] = g.Epilogue == (int)Mode.Forward ? f.Forward(g.HasBias != 0 ? v + g.Bias[j] : v)
                : g.Epilogue == (int)Mode.ForwardSaving ? ForwardSaving(g, f, v, j, at)
                : v * f.Derivative(g.Source[at]);
        }
    }
}
