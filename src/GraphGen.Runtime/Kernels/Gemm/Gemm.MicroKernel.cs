namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>Which register-blocked micro-kernel (and matching epilogue width) runs the multiply.</summary>
    internal enum KernelKind : byte { Scalar, Vector256, Vector512 }

    /// <summary>
    /// A register-blocked micro-kernel and the cache blocking that feeds it (BLIS/GotoBLAS):
    /// <list type="bullet">
    /// <item>MR×NR: the C tile held in registers; every A value loaded is used NR times and
    /// every B value MR times, so loads per FMA are (MR + NR/W)/(MR·NR/W) for vector width W.</item>
    /// <item>KC: the depth of one packed panel. An A micro-panel (MR×KC) and a B micro-panel
    /// (KC×NR) must share L1 with room to spare; C is read and written once per KC, so KC
    /// must be large enough that this traffic is small next to the 2·MR·NR·KC FLOPs.</item>
    /// <item>MC: rows of the packed A block (MC×KC), which stays in L2 while the kernel sweeps
    /// all NC columns of the packed B block.</item>
    /// <item>NC: columns of the packed B block (KC×NC), which lives in L3 and is reused by every
    /// MC-row block of A.</item>
    /// </list>
    /// </summary>
    internal unsafe interface IMicroKernel
    {
        static abstract KernelKind Kind { get; }
        static abstract int MR { get; }
        static abstract int NR { get; }
        static abstract int KC { get; }
        static abstract int MC { get; }
        static abstract int NC { get; }

        /// <summary>
        /// C[MR×NR] = (loadC ? C : 0) + Σ_{p&lt;kc} A(:, p)·B(p, :), with A(r, p) = a[p·aStep + r] and
        /// B(p, j) = b[p·bStep + j]. Each element is one chain of fused multiply-adds in p order,
        /// so the result does not depend on how K was split into KC blocks, nor on the tile shape.
        /// </summary>
        static abstract void Run(int kc, float* a, nint aStep, float* b, nint bStep, float* c, nint ldc, bool loadC);
    }
}
