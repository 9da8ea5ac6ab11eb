using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace GraphGen.Gpu;

/// <summary>
/// A device the generated networks can run on: an NVIDIA GPU through CUDA, or ILGPU's CPU
/// accelerator (a simulator that runs the same kernels, slowly, on the CPU: for tests and for
/// machines without a GPU). It owns the ILGPU context and accelerator and caches every kernel it
/// has compiled. One device serves any number of networks, one call at a time per network.
/// </summary>
public sealed class GpuDevice : IComputeDevice, IDisposable
{
    /// <summary>The names <see cref="Open"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["cuda", "ilgpu-cpu"];

    /// <summary>
    /// The CPU accelerator's simulated GPU: groups of up to 16 × 16 threads (the tiled GEMM's
    /// groups), one multiprocessor. ILGPU's default CPU device allows only 16 threads per group.
    /// </summary>
    private static readonly CPUDevice Simulator = new(numThreadsPerWarp: 16, numWarpsPerMultiprocessor: 16, numMultiprocessors: 1);

    private readonly Context _context;
    private readonly ConcurrentDictionary<(MethodInfo Method, Type Delegate), Delegate> _kernels = new();
    private readonly Lazy<CuBlas?> _blas;
    private readonly Lazy<StridedBatchedGemm?> _batchedBlas;
    private readonly Lazy<CuBlasLt?> _blasLt;

    private GpuDevice(Context context, Accelerator accelerator, string kind)
    {
        _context = context;
        Accelerator = accelerator;
        Kind = kind;
        _blas = new Lazy<CuBlas?>(LoadCuBlas);
        _batchedBlas = new Lazy<StridedBatchedGemm?>(() => _blas.Value is { } blas ? StridedBatchedGemm.TryLoad(blas) : null);
        _blasLt = new Lazy<CuBlasLt?>(() => _blas.Value is { } blas ? CuBlasLt.TryLoad(blas, Accelerator) : null);
    }

    /// <summary>"cuda" or "ilgpu-cpu".</summary>
    public string Kind { get; }

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The device in words, e.g. "cuda: NVIDIA H200 (sm_90)".</summary>
    public string Name => Kind == "cuda" && Accelerator is CudaAccelerator cuda
        ? $"cuda: {Accelerator.Name} (sm_{cuda.Architecture.Major}{cuda.Architecture.Minor})"
        : $"ilgpu-cpu: {Accelerator.Name}";

    /// <summary>True on a CUDA GPU.</summary>
    public bool IsCuda => Accelerator is CudaAccelerator;

    /// <summary>
    /// Which GEMM serves this device: "cuBLASLt" (cuBLAS's Lt interface, with <see cref="UseCuBlasLt"/>)
    /// or "cuBLAS" when the CUDA BLAS libraries load, otherwise "GraphGen tiled" (the tiled kernel in
    /// <see cref="Kernels.Gemm"/>). Forcing the tiled kernel (<see cref="PreferTiledGemm"/>) lets a test
    /// or benchmark compare them.
    /// </summary>
    public string GemmEngine => BlasLt is not null ? "cuBLASLt" : Blas is not null ? "cuBLAS" : "GraphGen tiled";

    /// <summary>
    /// When set, every kernel's time is measured (the device waits after each one, so work runs
    /// slower while a profile is attached); null, the default, measures nothing. See <see cref="KernelProfile"/>.
    /// </summary>
    public KernelProfile? Profile { get; set; }

    /// <summary>
    /// Which kernel serves batched products (attention's): "cuBLAS" (its strided batched SGEMM) or
    /// "GraphGen tiled", as <see cref="GemmEngine"/>.
    /// </summary>
    public string BatchedGemmEngine => BatchedBlas is not null ? "cuBLAS" : "GraphGen tiled";

    /// <summary>Use the tiled GEMM kernels (plain and batched) even where cuBLAS loads.</summary>
    public bool PreferTiledGemm { get; set; }

    /// <summary>The cuBLAS handle, or null (not CUDA, the library did not load, or <see cref="PreferTiledGemm"/>).</summary>
    internal CuBlas? Blas => PreferTiledGemm ? null : _blas.Value;

    /// <summary>cuBLASLt's product with cached algorithms, or null (as <see cref="Blas"/>, <see cref="UseCuBlasLt"/> off, or the library is missing).</summary>
    internal CuBlasLt? BlasLt => PreferTiledGemm || !UseCuBlasLt ? null : _blasLt.Value;

    /// <summary>
    /// Dense products through cuBLASLt (true, the default, where it loads): one cached algorithm per
    /// shape and the bias added in the product's own kernel. False: plain cuBLAS, the bias and
    /// activation in a second kernel.
    /// </summary>
    public bool UseCuBlasLt { get; set; } = true;

    /// <summary>Products cuBLASLt refused at launch so far; each sent its shape to plain cuBLAS (0 where all ran).</summary>
    public int CuBlasLtRefusals => _blasLt.IsValueCreated ? _blasLt.Value?.Refusals ?? 0 : 0;

    /// <summary>cuBLAS's strided batched SGEMM, or null (as <see cref="Blas"/>, or the function is missing).</summary>
    internal StridedBatchedGemm? BatchedBlas => PreferTiledGemm ? null : _batchedBlas.Value;

    /// <summary>
    /// Opens "cuda" (the first CUDA GPU) or "ilgpu-cpu" (ILGPU's CPU accelerator).
    /// </summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    /// <exception cref="GpuUnavailableException">"cuda" on a machine where no CUDA device is found.</exception>
    public static GpuDevice Open(string kind) => kind switch
    {
        "cuda" => Cuda(),
        "ilgpu-cpu" => CpuSimulator(),
        _ => throw new ArgumentException($"Unknown device '{kind}': use {string.Join(", ", Kinds.Select(k => "'" + k + "'"))} (or run on the CPU without a device).", nameof(kind)),
    };

    /// <summary>The first CUDA GPU.</summary>
    /// <exception cref="GpuUnavailableException">No CUDA driver or device.</exception>
    public static GpuDevice Cuda(int index = 0)
    {
        CudaLibraryResolver.Install();
        Context? context = null;
        try
        {
            context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
            var devices = context.GetCudaDevices();
            if (devices.Count <= index)
                throw new GpuUnavailableException(devices.Count == 0
                    ? "No CUDA device was found: the NVIDIA driver (libcuda.so.1) is missing or sees no GPU. Run with --device cpu, or --device ilgpu-cpu to simulate the GPU kernels on the CPU."
                    : $"CUDA device {index} does not exist: {devices.Count} found.");
            return new GpuDevice(context, devices[index].CreateAccelerator(context), "cuda");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or CudaException or EntryPointNotFoundException)
        {
            context?.Dispose();
            throw new GpuUnavailableException($"No CUDA device could be opened ({e.GetType().Name}: {e.Message}). Run with --device cpu, or --device ilgpu-cpu to simulate the GPU kernels on the CPU.", e);
        }
        catch
        {
            context?.Dispose();
            throw;
        }
    }

    /// <summary>ILGPU's CPU accelerator: every kernel runs, on the CPU, with the GPU's semantics (groups, shared memory, barriers).</summary>
    public static GpuDevice CpuSimulator()
    {
        var context = Context.Create(builder => builder.CPU(Simulator).EnableAlgorithms());
        return new GpuDevice(context, context.GetCPUDevice(0).CreateAccelerator(context), "ilgpu-cpu");
    }

    /// <summary>
    /// The compiled kernel for <paramref name="method"/> (a static method), compiled once per device:
    /// <paramref name="load"/> is the ILGPU loader, e.g. <c>a =&gt; a.LoadAutoGroupedStreamKernel&lt;...&gt;(method)</c>.
    /// </summary>
    public TDelegate Kernel<TDelegate>(MethodInfo method, Func<Accelerator, TDelegate> load) where TDelegate : Delegate
    {
        Profile?.Begin(this, method);
        return _kernels.TryGetValue((method, typeof(TDelegate)), out var kernel) ? (TDelegate)kernel
            : (TDelegate)_kernels.GetOrAdd((method, typeof(TDelegate)), load(Accelerator));
    }

    /// <summary>
    /// As <see cref="Kernel{TDelegate}(MethodInfo, Func{Accelerator, TDelegate})"/> with the loader's
    /// argument passed along (no closure is allocated once the kernel is compiled).
    /// </summary>
    public TDelegate Kernel<TDelegate, TKernel>(TKernel kernel, Func<Accelerator, TKernel, TDelegate> load)
        where TDelegate : Delegate where TKernel : Delegate
    {
        Profile?.Begin(this, kernel.Method);
        return _kernels.TryGetValue((kernel.Method, typeof(TDelegate)), out var compiled) ? (TDelegate)compiled
            : (TDelegate)_kernels.GetOrAdd((kernel.Method, typeof(TDelegate)), load(Accelerator, kernel));
    }

    private MemoryBuffer1D<float, Stride1D.Dense>? _scratch;
    private MemoryBuffer1D<double, Stride1D.Dense>? _doubleScratch;

    /// <summary>
    /// Device scratch memory of at least <paramref name="length"/> floats, grown on demand and never
    /// shrunk; valid until the next kernel that asks for it (kernels run in order on one stream).
    /// </summary>
    internal ArrayView<float> Scratch(long length) => Grown(ref _scratch, length);

    /// <summary>As <see cref="Scratch"/>, for partial sums kept in double.</summary>
    internal ArrayView<double> DoubleScratch(long length) => Grown(ref _doubleScratch, length);

    private ArrayView<T> Grown<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length) where T : unmanaged
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = Accelerator.Allocate1D<T>(Math.Max(length, 1024));
        }
        return buffer.View.SubView(0, length);
    }

    /// <summary>Waits until every launched kernel has finished.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    private CuBlas? LoadCuBlas()
    {
        if (Accelerator is not CudaAccelerator cuda) return null;
        try
        {
            return new CuBlas(cuda);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or CuBlasException)
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_blasLt.IsValueCreated) _blasLt.Value?.Dispose();
        if (_blas.IsValueCreated) _blas.Value?.Dispose();
        _scratch?.Dispose();
        _doubleScratch?.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>No device of the kind asked for: the message says what was found and what to do.</summary>
public sealed class GpuUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GpuUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// ILGPU loads the CUDA driver as "libcuda.so", which Linux installs only with the development
/// package; the driver itself is "libcuda.so.1". Resolve the one to the other (and cuBLAS's
/// versioned names) for ILGPU's assemblies.
/// </summary>
internal static class CudaLibraryResolver
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) != 0) return;
        foreach (var assembly in new[] { typeof(Context).Assembly, typeof(CuBlas).Assembly })
        {
            try
            {
                NativeLibrary.SetDllImportResolver(assembly, Resolve);
            }
            catch (InvalidOperationException)
            {
                // A resolver is already set for this assembly (by the application): keep it.
            }
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        string[] candidates = name switch
        {
            "cuda" or "libcuda" or "libcuda.so" or "nvcuda" => ["libcuda.so.1", "libcuda.so"],
            _ when name.Contains("cublas", StringComparison.OrdinalIgnoreCase) =>
                [name, "libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"],
            _ => [],
        };
        foreach (string candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        return IntPtr.Zero;
    }
}
