using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GraphGen.Gpu;

/// <summary>
/// cuBLASLt's matrix product (<c>cublasLtMatmul</c>), called directly (ILGPU.Algorithms does not
/// wrap it): D = α·op(A)·op(B) + β·C, with the bias added in the same kernel when asked
/// (<c>CUBLASLT_EPILOGUE_BIAS</c>). Each problem shape gets its descriptors and its algorithm once,
/// from cuBLASLt's heuristic, and keeps them: a call then costs one host call into the library, not
/// cuBLAS's per-call search, and a dense layer's bias needs no second kernel.
/// </summary>
/// <remarks>
/// Column-major, as cuBLAS (callers swap operands for row-major, as <see cref="Kernels.Gemm"/> does).
/// Compute in fp32 (<c>CUBLAS_COMPUTE_32F</c>, no TF32), on the stream of the device's
/// <see cref="CuBlas"/>, with a 32 MiB workspace on the device. A shape the heuristic has no algorithm
/// for is remembered as such and runs through plain cuBLAS.
/// </remarks>
internal sealed unsafe class CuBlasLt : IDisposable
{
    private const int Success = 0, ComputeFloat = 68 /* CUBLAS_COMPUTE_32F */, RealFloat = 0 /* CUDA_R_32F */;
    private const int DescTransA = 3, DescTransB = 4, DescEpilogue = 7, DescBiasPointer = 8;
    private const uint EpilogueDefault = 1, EpilogueBias = 4;
    private const int PreferenceMaxWorkspace = 1, PreferenceAlignmentA = 5 /* B, C, D follow */;
    private const long WorkspaceBytes = 32L << 20;

    /// <summary>cublasLtMatmulHeuristicResult_t: the algorithm (64 bytes) first, then its workspace size and state.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 96)]
    private struct HeuristicResult
    {
        public fixed ulong Algo[8];
        public nuint WorkspaceSize;
        public int State;
        public float Waves;
    }

    /// <summary>One shape's descriptors and algorithm; not usable when the heuristic found none or cuBLASLt refused it.</summary>
    private sealed class Plan
    {
        public IntPtr Desc, A, B, C, Preference;
        public HeuristicResult Result;
        public bool Usable;
    }

    private readonly delegate* unmanaged<IntPtr*, int> _create;
    private readonly delegate* unmanaged<IntPtr, int> _destroy;
    private readonly delegate* unmanaged<IntPtr*, int, int, int> _descCreate;
    private readonly delegate* unmanaged<IntPtr, int, void*, nuint, int> _descSet;
    private readonly delegate* unmanaged<IntPtr, int> _descDestroy;
    private readonly delegate* unmanaged<IntPtr*, int, ulong, ulong, long, int> _layoutCreate;
    private readonly delegate* unmanaged<IntPtr, int> _layoutDestroy;
    private readonly delegate* unmanaged<IntPtr*, int> _preferenceCreate;
    private readonly delegate* unmanaged<IntPtr, int, void*, nuint, int> _preferenceSet;
    private readonly delegate* unmanaged<IntPtr, int> _preferenceDestroy;
    private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, HeuristicResult*, int*, int> _heuristic;
    private readonly delegate* unmanaged<IntPtr, IntPtr, float*, IntPtr, IntPtr, IntPtr, IntPtr, float*, IntPtr, IntPtr, IntPtr, IntPtr, HeuristicResult*, IntPtr, nuint, IntPtr, int> _matmul;

    private readonly IntPtr _handle, _workspacePointer;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _workspace;
    private readonly Dictionary<(int, int, int, int, int, int, int, int, uint, int), Plan> _plans = new();
    private readonly object _gate = new();

    private CuBlasLt(IntPtr library, Accelerator accelerator)
    {
        IntPtr Export(string name) => NativeLibrary.GetExport(library, name);
        _create = (delegate* unmanaged<IntPtr*, int>)Export("cublasLtCreate");
        _destroy = (delegate* unmanaged<IntPtr, int>)Export("cublasLtDestroy");
        _descCreate = (delegate* unmanaged<IntPtr*, int, int, int>)Export("cublasLtMatmulDescCreate");
        _descSet = (delegate* unmanaged<IntPtr, int, void*, nuint, int>)Export("cublasLtMatmulDescSetAttribute");
        _descDestroy = (delegate* unmanaged<IntPtr, int>)Export("cublasLtMatmulDescDestroy");
        _layoutCreate = (delegate* unmanaged<IntPtr*, int, ulong, ulong, long, int>)Export("cublasLtMatrixLayoutCreate");
        _layoutDestroy = (delegate* unmanaged<IntPtr, int>)Export("cublasLtMatrixLayoutDestroy");
        _preferenceCreate = (delegate* unmanaged<IntPtr*, int>)Export("cublasLtMatmulPreferenceCreate");
        _preferenceSet = (delegate* unmanaged<IntPtr, int, void*, nuint, int>)Export("cublasLtMatmulPreferenceSetAttribute");
        _preferenceDestroy = (delegate* unmanaged<IntPtr, int>)Export("cublasLtMatmulPreferenceDestroy");
        _heuristic = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, int, HeuristicResult*, int*, int>)Export("cublasLtMatmulAlgoGetHeuristic");
        _matmul = (delegate* unmanaged<IntPtr, IntPtr, float*, IntPtr, IntPtr, IntPtr, IntPtr, float*, IntPtr, IntPtr, IntPtr, IntPtr, HeuristicResult*, IntPtr, nuint, IntPtr, int>)Export("cublasLtMatmul");

        IntPtr handle;
        Check(_create(&handle));
        _handle = handle;
        _workspace = accelerator.Allocate1D<byte>(WorkspaceBytes);
        _workspacePointer = ((ArrayView<byte>)_workspace.View).LoadEffectiveAddressAsPtr();
    }

    /// <summary>cuBLASLt from the library file matching <paramref name="blas"/>'s major version, or null where it cannot be loaded.</summary>
    public static CuBlasLt? TryLoad(CuBlas blas, Accelerator accelerator)
    {
        int major = blas.Version / 10000;
        foreach (string name in new[] { $"libcublasLt.so.{major}", $"cublasLt64_{major}", "libcublasLt.so" })
        {
            if (!NativeLibrary.TryLoad(name, out var library)) continue;
            try
            {
                return new CuBlasLt(library, accelerator);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or CuBlasException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// D = α·op(A)·op(B) + β·D (column-major: op(A) m × k, op(B) k × n, D m × n with leading
    /// dimension ldd), plus <paramref name="bias"/>[i] on row i when it is not empty. False when
    /// cuBLASLt has no algorithm for this shape and these pointers' alignment, or refused the call:
    /// nothing was launched, and the caller uses cuBLAS.
    /// </summary>
    public bool TryMultiply(CudaStream stream, CuBlasOperation transposeA, CuBlasOperation transposeB, int m, int n, int k,
        ArrayView<float> a, int lda, ArrayView<float> b, int ldb, float beta, ArrayView<float> d, int ldd, ArrayView<float> bias)
    {
        uint epilogue = bias.Length > 0 ? EpilogueBias : EpilogueDefault;
        IntPtr aPointer = a.LoadEffectiveAddressAsPtr(), bPointer = b.LoadEffectiveAddressAsPtr(), dPointer = d.LoadEffectiveAddressAsPtr();
        // The heuristic assumes 256-byte aligned operands unless told: tell it what these are (views
        // into a network's arena are 4-byte aligned), so that it picks an algorithm that can run.
        int alignment = Math.Min(Alignment(aPointer), Math.Min(Alignment(bPointer), Alignment(dPointer)));
        var key = ((int)transposeA, (int)transposeB, m, n, k, lda, ldb, ldd, epilogue, alignment);
        lock (_gate)
        {
            if (!_plans.TryGetValue(key, out var plan)) _plans[key] = plan = CreatePlan(transposeA, transposeB, m, n, k, lda, ldb, ldd, epilogue, alignment);
            if (!plan.Usable) return false;
            if (epilogue == EpilogueBias)
            {
                IntPtr biasPointer = bias.LoadEffectiveAddressAsPtr();
                Check(_descSet(plan.Desc, DescBiasPointer, &biasPointer, (nuint)sizeof(IntPtr)));
            }
            float alpha = 1f;
            var result = plan.Result;
            int status = _matmul(_handle, plan.Desc, &alpha, aPointer, plan.A, bPointer, plan.B,
                &beta, dPointer, plan.C, dPointer, plan.C, &result, _workspacePointer, (nuint)WorkspaceBytes, stream.StreamPtr);
            if (status == Success) return true;
            // Refused before launching (e.g. the bias vector's alignment): this shape goes to cuBLAS from now on.
            plan.Usable = false;
            Refusals++;
            return false;
        }
    }

    /// <summary>Calls cuBLASLt refused (each sends its shape to plain cuBLAS for good).</summary>
    public int Refusals { get; private set; }

    /// <summary>16, 8 or 4: the largest of these dividing the address.</summary>
    private static int Alignment(IntPtr pointer) => (int)((long)pointer & 15) == 0 ? 16 : ((long)pointer & 7) == 0 ? 8 : 4;

    private Plan CreatePlan(CuBlasOperation transposeA, CuBlasOperation transposeB, int m, int n, int k, int lda, int ldb, int ldd, uint epilogue, int alignment)
    {
        var plan = new Plan();
        IntPtr desc, layoutA, layoutB, layoutC, preference;
        Check(_descCreate(&desc, ComputeFloat, RealFloat));
        plan.Desc = desc;
        int ta = (int)transposeA, tb = (int)transposeB;
        Check(_descSet(desc, DescTransA, &ta, sizeof(int)));
        Check(_descSet(desc, DescTransB, &tb, sizeof(int)));
        Check(_descSet(desc, DescEpilogue, &epilogue, sizeof(uint)));
        // Layouts as stored: op(A) is m × k, so A is m × k (N) or k × m (T); likewise B.
        bool ta1 = transposeA != CuBlasOperation.NonTranspose, tb1 = transposeB != CuBlasOperation.NonTranspose;
        Check(_layoutCreate(&layoutA, RealFloat, (ulong)(ta1 ? k : m), (ulong)(ta1 ? m : k), lda));
        Check(_layoutCreate(&layoutB, RealFloat, (ulong)(tb1 ? n : k), (ulong)(tb1 ? k : n), ldb));
        Check(_layoutCreate(&layoutC, RealFloat, (ulong)m, (ulong)n, ldd));
        (plan.A, plan.B, plan.C) = (layoutA, layoutB, layoutC);
        Check(_preferenceCreate(&preference));
        plan.Preference = preference;
        ulong workspace = WorkspaceBytes;
        Check(_preferenceSet(preference, PreferenceMaxWorkspace, &workspace, (nuint)sizeof(ulong)));
        uint bytes = (uint)alignment;
        for (int operand = 0; operand < 4; operand++)   // A, B, C, D
            Check(_preferenceSet(preference, PreferenceAlignmentA + operand, &bytes, sizeof(uint)));
        HeuristicResult result;
        int found = 0;
        int status = _heuristic(_handle, desc, layoutA, layoutB, layoutC, layoutC, preference, 1, &result, &found);
        plan.Result = result;
        plan.Usable = status == Success && found > 0 && result.State == Success;
        return plan;
    }

    private static void Check(int status)
    {
        if (status != Success) throw new CuBlasException((CuBlasStatus)status);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var plan in _plans.Values)
        {
            _layoutDestroy(plan.A);
            _layoutDestroy(plan.B);
            _layoutDestroy(plan.C);
            _descDestroy(plan.Desc);
            _preferenceDestroy(plan.Preference);
        }
        _plans.Clear();
        _destroy(_handle);
        _workspace.Dispose();
    }
}
