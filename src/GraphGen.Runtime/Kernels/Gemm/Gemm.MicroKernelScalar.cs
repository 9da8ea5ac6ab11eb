using System.Runtime.CompilerServices;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// The portable micro-kernel for machines without usable SIMD: a 4×4 C tile in 16 scalar
    /// accumulators. It uses <see cref="MathF.FusedMultiplyAdd"/> like the vector kernels, so
    /// each element is the same chain of fused multiply-adds and the results agree bit for bit.
    /// </summary>
    internal readonly unsafe struct MicroKernelScalar : IMicroKernel
    {
        public static KernelKind Kind => KernelKind.Scalar;
        public static int MR => 4;
        public static int NR => 4;
        public static int KC => 256;
        public static int MC => 64;
        public static int NC => 1024;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC)
        {
            float* c0 = c, c1 = c + ldc, c2 = c + 2 * ldc, c3 = c + 3 * ldc;
            float s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            float s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
            if (loadC)
            {
                s00 = c0[0]; s01 = c0[1]; s02 = c0[2]; s03 = c0[3];
                s10 = c1[0]; s11 = c1[1]; s12 = c1[2]; s13 = c1[3];
                s20 = c2[0]; s21 = c2[1]; s22 = c2[2]; s23 = c2[3];
                s30 = c3[0]; s31 = c3[1]; s32 = c3[2]; s33 = c3[3];
            }
            for (; kc > 0; kc--)
            {
                float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
                float a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
                s00 = MathF.FusedMultiplyAdd(a0, b0, s00); s01 = MathF.FusedMultiplyAdd(a0, b1, s01);
                s02 = MathF.FusedMultiplyAdd(a0, b2, s02); s03 = MathF.FusedMultiplyAdd(a0, b3, s03);
                s10 = MathF.FusedMultiplyAdd(a1, b0, s10); s11 = MathF.FusedMultiplyAdd(a1, b1, s11);
                s12 = MathF.FusedMultiplyAdd(a1, b2, s12); s13 = MathF.FusedMultiplyAdd(a1, b3, s13);
                s20 = MathF.FusedMultiplyAdd(a2, b0, s20); s21 = MathF.FusedMultiplyAdd(a2, b1, s21);
                s22 = MathF.FusedMultiplyAdd(a2, b2, s22); s23 = MathF.FusedMultiplyAdd(a2, b3, s23);
                s30 = MathF.FusedMultiplyAdd(a3, b0, s30); s31 = MathF.FusedMultiplyAdd(a3, b1, s31);
                s32 = MathF.FusedMultiplyAdd(a3, b2, s32); s33 = MathF.FusedMultiplyAdd(a3, b3, s33);
                a += aStep;
                b += bStep;
            }
            c0[0] = s00; c0[1] = s01; c0[2] = s02; c0[3] = s03;
            c1[0] = s10; c1[1] = s11; c1[2] = s12; c1[3] = s13;
            c2[0] = s20; c2[1] = s21; c2[2] = s22; c2[3] = s23;
            c3[0] = s30; c3[1] = s31; c3[2] = s32; c3[3] = s33;
        }
    }
}
