using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Many independent GEMMs laid out back to back, as attention needs per (sample, head), on the
/// device (the CPU's <c>GraphGen.Kernels.BatchedGemm</c>): C_i (+)= α·op(A_i)·op(B_i) for
/// i &lt; count, with A_i at i·m·k, B_i at i·k·n and C_i at i·m·n (op(A_i) is m×k, stored k×m when
/// transposed; op(B_i) is k×n, stored n×k when transposed).
/// </summary>
/// <remarks>
/// One launch for all problems. Where cuBLAS loads, its strided batched SGEMM
/// (<c>cublasSgemmStridedBatched</c>, called directly: ILGPU.Algorithms does not wrap it). Elsewhere
/// (and with <see cref="GpuDevice.PreferTiledGemm"/>) the tiled kernel of <see cref="Gemm"/> over a
/// three-dimensional grid whose third index is the problem. Attention's products are small (T × T
/// scores, T × d outputs, d = 32–64), so the tile is 32 × 32 rather than GEMM's 64 × 64: groups of
/// 8 × 8 threads, each thread a 4 × 4 block of C, 16-deep slices of op(A) and op(B) in shared
/// memory; less of a 64 × 32 output is padding and B·H problems give more groups. On an H200 the
/// tiled kernel took about 40 µs for TinyGpt's 128 products of 64 × 64 × 32, several times cuBLAS's.
/// As on the CPU, α scales each finished product: C = α·(AB), or C + α·(AB). Each element of C is one
/// chain of multiply-adds in k order in the tiled kernel; both give the same bits on every launch.
/// </remarks>
public static class BatchedGemm
{
    private const int Tile = 32, Depth = 16, Threads = 8, PerThread = 4;

    private static readonly Action<Problems> TiledMethod = TiledKernel;

    /// <summary>C_i (+)= α·op(A_i)·op(B_i) for every i &lt; <paramref name="count"/> (see the class summary for the layout).</summary>
    public static void Multiply(GpuDevice device, int count, bool transposeA, bool transposeB, int m, int n, int k,
        ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, bool accumulate, float alpha = 1f)
    {
        const string Kernel = "BatchedGemm.Multiply";
        KernelChecks.NotLess(count, 0, Kernel, nameof(count));
        KernelChecks.NotLess(m, 0, Kernel, nameof(m));
        KernelChecks.NotLess(n, 0, Kernel, nameof(n));
        KernelChecks.NotLess(k, 0, Kernel, nameof(k));
        KernelChecks.Length(ViewLength.Of(a), Kernel, nameof(a), transposeA ? "[count, k, m]" : "[count, m, k]", count, transposeA ? k : m, transposeA ? m : k);
        KernelChecks.Length(ViewLength.Of(b), Kernel, nameof(b), transposeB ? "[count, n, k]" : "[count, k, n]", count, transposeB ? n : k, transposeB ? k : n);
        KernelChecks.Length(ViewLength.Of(c), Kernel, nameof(c), "[count, m, n]", count, m, n);
        if (count == 0 || m == 0 || n == 0) return;
        if (device.BatchedBlas is { } batched && device.Blas is { } blas && k > 0)
        {
            // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: operands swapped, flags kept (as Gemm).
            device.Profile?.Begin(device, $"cuBLAS SGEMM batched {count}×({m}×{n}×{k})");
            batched.Run(blas, transposeB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                transposeA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose, n, m, k, alpha,
                b, transposeB ? k : n, (long)k * n, a, transposeA ? m : k, (long)m * k, accumulate ? 1f : 0f, c, n, (long)m * n, count);
            return;
        }
        var problems = new Problems(a, b, c, m, n, k, transposeA, transposeB, accumulate, alpha);
        var grid = new Index3D((n + Tile - 1) / Tile, (m + Tile - 1) / Tile, count);
        device.Kernel(TiledMethod.Method, acc => acc.LoadStreamKernel(TiledMethod))(new KernelConfig(grid, new Index3D(Threads, Threads, 1)), problems);
    }

    /// <summary>The operands and sizes of all the problems, passed to the kernel as one value.</summary>
    internal readonly struct Problems(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k,
        bool transposeA, bool transposeB, bool accumulate, float alpha)
    {
        public readonly ArrayView<float> A = a, B = b, C = c;
        public readonly int M = m, N = n, K = k;
        public readonly int TransposeA = transposeA ? 1 : 0, TransposeB = transposeB ? 1 : 0, Accumulate = accumulate ? 1 : 0;
        public readonly float Alpha = alpha;

        /// <summary>op(A_z)[i, p].</summary>
        public float AAt(long z, int i, int p) => A[z * M * K + (TransposeA != 0 ? (long)p * M + i : (long)i * K + p)];

        /// <summary>op(B_z)[p, j].</summary>
        public float BAt(long z, int p, int j) => B[z * K * N + (TransposeB != 0 ? (long)j * K + p : (long)p * N + j)];
    }

    /// <summary>
    /// One 32 × 32 tile of C_z per group, z = the grid's third index; thread (x, y) computes rows
    /// 4y..4y+3 and columns 4x..4x+3 of it.
    /// </summary>
    private static void TiledKernel(Problems g)
    {
        var aTile = SharedMemory.Allocate<float>(Depth * Tile);   // [p][i]
        var bTile = SharedMemory.Allocate<float>(Depth * Tile);   // [p][j]
        var acc = LocalMemory.Allocate<float>(PerThread * PerThread);
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * Threads + tx;
        int row0 = Grid.IdxY * Tile, col0 = Grid.IdxX * Tile;
        long z = Grid.IdxZ;
        for (int e = 0; e < PerThread * PerThread; e++) acc[e] = 0f;
        for (int p0 = 0; p0 < g.K; p0 += Depth)
        {
            // 512 values of each tile, 8 per thread; outside the matrices, zeros.
            for (int l = 0; l < Depth * Tile / (Threads * Threads); l++)
            {
                int at = thread + l * Threads * Threads;
                int lane = at % Tile, p = at / Tile;
                aTile[at] = row0 + lane < g.M && p0 + p < g.K ? g.AAt(z, row0 + lane, p0 + p) : 0f;
                bTile[at] = col0 + lane < g.N && p0 + p < g.K ? g.BAt(z, p0 + p, col0 + lane) : 0f;
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
        long c0 = z * g.M * g.N;
        for (int r = 0; r < PerThread; r++)
        {
            int i = row0 + ty * PerThread + r;
            if (i >= g.M) continue;
            for (int s = 0; s < PerThread; s++)
            {
                int j = col0 + tx * PerThread + s;
                if (j >= g.N) continue;
                long at = c0 + (long)i * g.N + j;
                float v = acc[r * PerThread + s];
                if (g.Alpha != 1f) v *= g.Alpha;
                g.C[at] = g.Accumulate != 0 ? g.C[at] + v : v;
            }
        }
    }
}
