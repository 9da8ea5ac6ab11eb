using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The AVX-512 micro-kernel for narrow outputs (n ≤ 16, e.g. the 10 logits of a classifier):
    /// an 8×16 C tile in 8 zmm accumulators. With n ≤ 16 the 8×32 kernel would spend at least
    /// half of its FMAs on padding; this one spends none when n = 16. Per k step: 1 vector load,
    /// 8 broadcasts and 8 FMAs, so it is bound by loads rather than FMAs, which is the price of a
    /// tile that is one vector wide. Blocking as in <see cref="MicroKernel512"/>.
    /// </summary>
    internal readonly unsafe struct MicroKernel512Narrow : IMicroKernel
    {
        public static KernelKind Kind => KernelKind.Vector512;
        public static int MR => 8;
        public static int NR => 16;
        public static int KC => MicroKernel512.KC;
        public static int MC => MicroKernel512.MC;
        public static int NC => MicroKernel512.NC;

        /// <summary>Whether a problem with <paramref name="n"/> columns is better served by this kernel.</summary>
        public static bool Suits(int n) => n <= 16;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC)
        {
            Vector512<float> c0_0, c1_0, c2_0, c3_0, c4_0, c5_0, c6_0, c7_0;
            if (loadC)
            {
                c0_0 = Vector512.Load(c);
                c1_0 = Vector512.Load(c + 1 * ldc);
                c2_0 = Vector512.Load(c + 2 * ldc);
                c3_0 = Vector512.Load(c + 3 * ldc);
                c4_0 = Vector512.Load(c + 4 * ldc);
                c5_0 = Vector512.Load(c + 5 * ldc);
                c6_0 = Vector512.Load(c + 6 * ldc);
                c7_0 = Vector512.Load(c + 7 * ldc);
            }
            else
            {
                c0_0 = default;
                c1_0 = default;
                c2_0 = default;
                c3_0 = default;
                c4_0 = default;
                c5_0 = default;
                c6_0 = default;
                c7_0 = default;
            }
            for (; kc > 0; kc--)
            {
                var b0 = Vector512.Load(b);
                var a0 = Vector512.Create(a[0]); c0_0 = Vector512.FusedMultiplyAdd(a0, b0, c0_0);
                var a1 = Vector512.Create(a[1]); c1_0 = Vector512.FusedMultiplyAdd(a1, b0, c1_0);
                var a2 = Vector512.Create(a[2]); c2_0 = Vector512.FusedMultiplyAdd(a2, b0, c2_0);
                var a3 = Vector512.Create(a[3]); c3_0 = Vector512.FusedMultiplyAdd(a3, b0, c3_0);
                var a4 = Vector512.Create(a[4]); c4_0 = Vector512.FusedMultiplyAdd(a4, b0, c4_0);
                var a5 = Vector512.Create(a[5]); c5_0 = Vector512.FusedMultiplyAdd(a5, b0, c5_0);
                var a6 = Vector512.Create(a[6]); c6_0 = Vector512.FusedMultiplyAdd(a6, b0, c6_0);
                var a7 = Vector512.Create(a[7]); c7_0 = Vector512.FusedMultiplyAdd(a7, b0, c7_0);
                a += aStep;
                b += bStep;
            }
            Vector512.Store(c0_0, c);
            Vector512.Store(c1_0, c + 1 * ldc);
            Vector512.Store(c2_0, c + 2 * ldc);
            Vector512.Store(c3_0, c + 3 * ldc);
            Vector512.Store(c4_0, c + 4 * ldc);
            Vector512.Store(c5_0, c + 5 * ldc);
            Vector512.Store(c6_0, c + 6 * ldc);
            Vector512.Store(c7_0, c + 7 * ldc);
        }
    }
}
