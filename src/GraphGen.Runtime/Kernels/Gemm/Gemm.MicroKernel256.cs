using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The AVX2/FMA micro-kernel: a 6×16 C tile in 12 ymm accumulators (6 rows × 2 vectors of
    /// 8), 2 registers for the B row and 1 for the broadcast: 15 of the 16 ymm registers an AVX2
    /// machine has. 12 independent FMA chains cover 2 pipes × 4–5 cycles of latency.
    /// KC = 256: B micro-panel 16 KiB and A micro-panel 6 KiB fit a 32 KiB L1.
    /// MC = 144: A block 144 KiB for a 256 KiB or larger L2. NC = 4096: B block 4 MiB in L3.
    /// </summary>
    internal readonly unsafe struct MicroKernel256 : IMicroKernel
    {
        public static KernelKind Kind => KernelKind.Vector256;
        public static int MR => 6;
        public static int NR => 16;
        public static int KC => 256;
        public static int MC => 144;
        public static int NC => 4096;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC)
        {
            Vector256<float> c0_0, c0_1, c1_0, c1_1, c2_0, c2_1, c3_0, c3_1, c4_0, c4_1, c5_0, c5_1;
            if (loadC)
            {
                c0_0 = Vector256.Load(c); c0_1 = Vector256.Load(c + 8);
                c1_0 = Vector256.Load(c + 1 * ldc); c1_1 = Vector256.Load(c + 1 * ldc + 8);
                c2_0 = Vector256.Load(c + 2 * ldc); c2_1 = Vector256.Load(c + 2 * ldc + 8);
                c3_0 = Vector256.Load(c + 3 * ldc); c3_1 = Vector256.Load(c + 3 * ldc + 8);
                c4_0 = Vector256.Load(c + 4 * ldc); c4_1 = Vector256.Load(c + 4 * ldc + 8);
                c5_0 = Vector256.Load(c + 5 * ldc); c5_1 = Vector256.Load(c + 5 * ldc + 8);
            }
            else
            {
                c0_0 = default; c0_1 = default;
                c1_0 = default; c1_1 = default;
                c2_0 = default; c2_1 = default;
                c3_0 = default; c3_1 = default;
                c4_0 = default; c4_1 = default;
                c5_0 = default; c5_1 = default;
            }
            for (; kc > 0; kc--)
            {
                var b0 = Vector256.Load(b); var b1 = Vector256.Load(b + 8);
                var a0 = Vector256.Create(a[0]); c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0); c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
                var a1 = Vector256.Create(a[1]); c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0); c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
                var a2 = Vector256.Create(a[2]); c2_0 = Vector256.FusedMultiplyAdd(a2, b0, c2_0); c2_1 = Vector256.FusedMultiplyAdd(a2, b1, c2_1);
                var a3 = Vector256.Create(a[3]); c3_0 = Vector256.FusedMultiplyAdd(a3, b0, c3_0); c3_1 = Vector256.FusedMultiplyAdd(a3, b1, c3_1);
                var a4 = Vector256.Create(a[4]); c4_0 = Vector256.FusedMultiplyAdd(a4, b0, c4_0); c4_1 = Vector256.FusedMultiplyAdd(a4, b1, c4_1);
                var a5 = Vector256.Create(a[5]); c5_0 = Vector256.FusedMultiplyAdd(a5, b0, c5_0); c5_1 = Vector256.FusedMultiplyAdd(a5, b1, c5_1);
                a += aStep;
                b += bStep;
            }
            Vector256.Store(c0_0, c); Vector256.Store(c0_1, c + 8);
            Vector256.Store(c1_0, c + 1 * ldc); Vector256.Store(c1_1, c + 1 * ldc + 8);
            Vector256.Store(c2_0, c + 2 * ldc); Vector256.Store(c2_1, c + 2 * ldc + 8);
            Vector256.Store(c3_0, c + 3 * ldc); Vector256.Store(c3_1, c + 3 * ldc + 8);
            Vector256.Store(c4_0, c + 4 * ldc); Vector256.Store(c4_1, c + 4 * ldc + 8);
            Vector256.Store(c5_0, c + 5 * ldc); Vector256.Store(c5_1, c + 5 * ldc + 8);
        }
    }
}
