using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The AVX-512 micro-kernel: a 14×32 C tile in 28 zmm accumulators (14 rows × 2 vectors
    /// of 16), plus 2 registers for the B row and 1 for the broadcast A value: 31 of the 32 zmm
    /// registers. Per k step it issues 2 vector loads, 14 broadcasts and 28 FMAs: with two FMA
    /// pipes that is 14 cycles of FMA work against 16 loads, so the FMA pipes stay the bottleneck
    /// and 28 independent chains cover the FMA latency (4 cycles × 2 pipes = 8 needed).
    /// KC = 256: the B micro-panel is 256×32×4 B = 32 KiB and the A micro-panel 14 KiB, which
    /// share the 48 KiB L1. MC = 336 (24 micro-panels): the A block is 336 KiB, well inside a
    /// 1 MiB L2 (OpenBLAS assumes 512 KiB here). NC = 4096: the B block is 4 MiB, in L3.
    /// </summary>
    internal readonly unsafe struct MicroKernel512 : IMicroKernel
    {
        public static KernelKind Kind => KernelKind.Vector512;
        public static int MR => 14;
        public static int NR => 32;
        public static int KC => 256;
        public static int MC => 336;
        public static int NC => 4096;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC)
        {
            Vector512<float> c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1, c6_0, c6_1, c7_0, c7_1, c8_0, c8_1, c9_0, c9_1, c10_0, c10_1, c11_0, c11_1, c12_0, c12_1, c13_0, c13_1;
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
                c8_0 = Vector512.Load(c + 8 * ldc); c8_1 = Vector512.Load(c + 8 * ldc + 16);
                c9_0 = Vector512.Load(c + 9 * ldc); c9_1 = Vector512.Load(c + 9 * ldc + 16);
                c10_0 = Vector512.Load(c + 10 * ldc); c10_1 = Vector512.Load(c + 10 * ldc + 16);
                c11_0 = Vector512.Load(c + 11 * ldc); c11_1 = Vector512.Load(c + 11 * ldc + 16);
                c12_0 = Vector512.Load(c + 12 * ldc); c12_1 = Vector512.Load(c + 12 * ldc + 16);
                c13_0 = Vector512.Load(c + 13 * ldc); c13_1 = Vector512.Load(c + 13 * ldc + 16);
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
                c8_0 = default; c8_1 = default;
                c9_0 = default; c9_1 = default;
                c10_0 = default; c10_1 = default;
                c11_0 = default; c11_1 = default;
                c12_0 = default; c12_1 = default;
                c13_0 = default; c13_1 = default;
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
                var a8 = Vector512.Create(a[8]); c8_0 = Vector512.FusedMultiplyAdd(a8, b0, c8_0); c8_1 = Vector512.FusedMultiplyAdd(a8, b1, c8_1);
                var a9 = Vector512.Create(a[9]); c9_0 = Vector512.FusedMultiplyAdd(a9, b0, c9_0); c9_1 = Vector512.FusedMultiplyAdd(a9, b1, c9_1);
                var a10 = Vector512.Create(a[10]); c10_0 = Vector512.FusedMultiplyAdd(a10, b0, c10_0); c10_1 = Vector512.FusedMultiplyAdd(a10, b1, c10_1);
                var a11 = Vector512.Create(a[11]); c11_0 = Vector512.FusedMultiplyAdd(a11, b0, c11_0); c11_1 = Vector512.FusedMultiplyAdd(a11, b1, c11_1);
                var a12 = Vector512.Create(a[12]); c12_0 = Vector512.FusedMultiplyAdd(a12, b0, c12_0); c12_1 = Vector512.FusedMultiplyAdd(a12, b1, c12_1);
                var a13 = Vector512.Create(a[13]); c13_0 = Vector512.FusedMultiplyAdd(a13, b0, c13_0); c13_1 = Vector512.FusedMultiplyAdd(a13, b1, c13_1);
                a += aStep;
                b += bStep;
            }
            Vector512.Store(c0_0, c); Vector512.Store(c0_1, c + 16);
            Vector512.Store(c1_0, c + 1 * ldc); Vector512.Store(c1_1, c + 1 * ldc + 16);
            Vector512.Store(c2_0, c + 2 * ldc); Vector512.Store(c2_1, c + 2 * ldc + 16);
            Vector512.Store(c3_0, c + 3 * ldc); Vector512.Store(c3_1, c + 3 * ldc + 16);
            Vector512.Store(c4_0, c + 4 * ldc); Vector512.Store(c4_1, c + 4 * ldc + 16);
            Vector512.Store(c5_0, c + 5 * ldc); Vector512.Store(c5_1, c + 5 * ldc + 16);
            Vector512.Store(c6_0, c + 6 * ldc); Vector512.Store(c6_1, c + 6 * ldc + 16);
            Vector512.Store(c7_0, c + 7 * ldc); Vector512.Store(c7_1, c + 7 * ldc + 16);
            Vector512.Store(c8_0, c + 8 * ldc); Vector512.Store(c8_1, c + 8 * ldc + 16);
            Vector512.Store(c9_0, c + 9 * ldc); Vector512.Store(c9_1, c + 9 * ldc + 16);
            Vector512.Store(c10_0, c + 10 * ldc); Vector512.Store(c10_1, c + 10 * ldc + 16);
            Vector512.Store(c11_0, c + 11 * ldc); Vector512.Store(c11_1, c + 11 * ldc + 16);
            Vector512.Store(c12_0, c + 12 * ldc); Vector512.Store(c12_1, c + 12 * ldc + 16);
            Vector512.Store(c13_0, c + 13 * ldc); Vector512.Store(c13_1, c + 13 * ldc + 16);
        }
    }
}
