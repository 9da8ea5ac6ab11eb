using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GraphGen.Gpu;

/// <summary>
/// cuBLAS's <c>cublasSgemmStridedBatched</c>, which ILGPU.Algorithms' <see cref="CuBlas"/> does not
/// wrap: many equal products C_z = α·op(A_z)·op(B_z) + β·C_z whose operands lie a fixed stride
/// apart, in one launch. It is called through the handle (and so the stream) of the device's
/// <see cref="CuBlas"/>, from the same library file that one loaded (chosen by its major version).
/// </summary>
internal sealed unsafe class StridedBatchedGemm
{
    private readonly delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, long, IntPtr, int, long, float*, IntPtr, int, long, int, int> _gemm;

    private StridedBatchedGemm(IntPtr function) =>
        _gemm = (delegate* unmanaged<IntPtr, int, int, int, int, int, float*, IntPtr, int, long, IntPtr, int, long, float*, IntPtr, int, long, int, int>)function;

    /// <summary>The function from the library <paramref name="blas"/> came from, or null where it cannot be found.</summary>
    public static StridedBatchedGemm? TryLoad(CuBlas blas)
    {
        int major = blas.Version / 10000;   // CUBLAS_VERSION = major·10000 + minor·100 + patch
        foreach (string name in new[] { $"libcublas.so.{major}", $"cublas64_{major}", "libcublas.so" })
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "cublasSgemmStridedBatched", out var function))
                return new StridedBatchedGemm(function);
        return null;
    }

    /// <summary>
    /// Column-major, as cuBLAS: C_z (ldc, stride c) = α·op(A_z)·op(B_z) + β·C_z for z &lt; count, op(A)
    /// m × k, op(B) k × n. Throws <see cref="CuBlasException"/> when cuBLAS refuses the call.
    /// </summary>
    public void Run(CuBlas blas, CuBlasOperation transposeA, CuBlasOperation transposeB, int m, int n, int k, float alpha,
        ArrayView<float> a, int lda, long strideA, ArrayView<float> b, int ldb, long strideB, float beta,
        ArrayView<float> c, int ldc, long strideC, int count)
    {
        blas.PointerMode = CuBlasPointerMode.Host;   // α and β are read from the host's stack
        int status = _gemm(blas.Handle, (int)transposeA, (int)transposeB, m, n, k, &alpha,
            Address(a), lda, strideA, Address(b), ldb, strideB, &beta, Address(c), ldc, strideC, count);
        if (status != 0) throw new CuBlasException((CuBlasStatus)status);
    }

    /// <summary>The device address of the view's first element.</summary>
    private static IntPtr Address(ArrayView<float> view) => view.LoadEffectiveAddressAsPtr();
}
