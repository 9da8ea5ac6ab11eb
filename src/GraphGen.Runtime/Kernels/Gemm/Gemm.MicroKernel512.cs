using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The AVX-512 micro-kernel: an 8×32 C tile in 16 zmm accumulators (8 rows × 2 vectors of
    /// 16). Per k step: 2 vector loads of B, 8 broadcasts of A, 16 FMAs, i.e. 8 cycles on two
    /// FMA pipes against 10 loads, and 16 independent chains cover the FMA latency (4 cycles ×
    /// 2 pipes = 8 needed). 8 rows rather than the 14 that would fill the register file: the
    /// batch and feature sizes of networks are multiples of 8, so no rows are wasted on ragged
    /// tiles (m = 32 with 14-row tiles computes 42 rows), and measured on Zen 5 the large sizes
    /// ran as fast (about 95% of the FMA peak on one core at 512³).
    /// KC = 256: the B micro-panel is 256×32×4 B = 32 KiB and the A micro-panel 8 KiB, which
    /// share the 48 KiB L1. MC = 192: the A block is 192 KiB of the L2 (1 MiB on Zen 5;
    /// OpenBLAS assumes 512 KiB here). NC = 4096: the B block is 4 MiB, in L3.
    /// </summary>
    internal readonly unsafe struct MicroKernel512 : IMicroKernel
    {
        public static KernelKind Kind => KernelKind.Vector512;
        public static int MR => 8;
        public static int NR => 32;
        public static int KC => 256;
        public static int MC => 192;
        public static int NC => 4096;

        public static void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC) =>
            Run(kc, a, aStep, b, bStep, c, ldc, loadC, null);

        /// <summary>As <see cref="Run(int, float*, nint, float*, nint, float*, nint, bool)"/>, then bias[j] added to column j in registers before the store (when bias is not null).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC, float* bias)
        {
            Vector512<float> c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1, c6_0, c6_1, c7_0, c7_1;
            if (loadC)
            {
                c0_0 = Vector512.Load(c); c0_1 = Vector512.Load(c + 16);
                c1_0 = Vector512.Load(c + 1 * ldc); c1_1 = Vector512.Load(c + 1 * ldc + 16);
                c2_0 = Vector512.Load(c + 2 * ldc); c2_1 = Vector512.Load(c + 2 * ldc + 16);
                c3_0 = Vector512.Load(c + 3 * ldc); c3_1 = Vector512.Load(c + 3 * ldc + 16);
                c4_0 = Vector512.Load(c + 4 * ldc); c4_1 = Vector512.Load(c + 4 * ldc + 16);
                c5_0 = Vector512.Load(c + 5 * ldc); c5_1 = Vector512.Load(c + 5 * ldc + 16);
                c6_0 = Vector512.Load(c + 6 * ldc); c6_1 = Vector512.Load(c + 6 * ldc + 16);
                c7_0 = Vector512.Load(c + 7 * ldc); c7_1 = Vector512.Load(c + 7 * ldc + 16);
            }
            else
            {
                c0_0 = default; c0_1 = default;
                c1_0 = default; c1_1 = default;
                c2_0 = default; c2_1 = default;
                c3_0 = default; c3_1 = default;
                c4_0 = default; c4_1 = default;
                c5_0 = default; c5_1 = default;
                c6_0 = default; c6_1 = default;
                c7_0 = default; c7_1 = default;
            }
            for (; kc > 0; kc--)
            {
                var b0 = Vector512.Load(b); var b1 = Vector512.Load(b + 16);
                var a0 = Vector512.Create(a[0]); c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(a0, b1, c0_1);
                var a1 = Vector512.Create(a[1]); c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(a1, b1, c1_1);
                var a2 = Vector512.Create(a[2]); c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(a2, b1, c2_1);
                var a3 = Vector512.Create(a[3]); c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(a3, b1, c3_1);
                var a4 = Vector512.Create(a[4]); c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(a4, b1, c4_1);
                var a5 = Vector512.Create(a[5]); c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(a5, b1, c5_1);
                var a6 = Vector512.Create(a[6]); c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0); c6_1 = Vector512.FusedMultiplyAdd(a6, b1, c6_1);
                var a7 = Vector512.Create(a[7]); c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0); c7_1 = Vector512.FusedMultiplyAdd(a7, b1, c7_1);
                a += aStep;
                b += bStep;
            }
            if (bias != null)
            {
                var bias0 = Vector512.Load(bias); var bias1 = Vector512.Load(bias + 16);
                c0_0 += bias0; c0_1 += bias1; c1_0 += bias0; c1_1 += bias1;
                c2_0 += bias0; c2_1 += bias1; c3_0 += bias0; c3_1 += bias1;
                c4_0 += bias0; c4_1 += bias1; c5_0 += bias0; c5_1 += bias1;
                c6_0 += bias0; c6_1 += bias1; c7_0 += bias0; c7_1 += bias1;
            }
            Vector512.Store(c0_0, c); Vector512.Store(c0_1, c + 16);
            Vector512.Store(c1_0, c + 1 * ldc); Vector512.Store(c1_1, c + 1 * ldc + 16);
            Vector512.Store(c2_0, c + 2 * ldc); Vector512.Store(c2_1, c + 2 * ldc + 16);
            Vector512.Store(c3_0, c + 3 * ldc); Vector512.Store(c3_1, c + 3 * ldc + 16);
            Vector512.Store(c4_0, c + 4 * ldc); Vector512.Store(c4_1, c + 4 * ldc + 16);
            Vector512.Store(c5_0, c + 5 * ldc); Vector512.Store(c5_1, c + 5 * ldc + 16);
            Vector512.Store(c6_0, c + 6 * ldc); Vector512.Store(c6_1, c + 6 * ldc + 16);
            Vector512.Store(c7_0, c + 7 * ldc); Vector512.Store(c7_1, c + 7 * ldc + 16);
        }
    }
}
