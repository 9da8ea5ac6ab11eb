using System.Runtime.InteropServices;

namespace GraphGen.Distributed.Mpi;

/// <summary>
/// The few functions and predefined handles of Open MPI's C API that data-parallel training
/// needs, bound at run time: the library is opened on first use, so a program that never asks
/// for distributed training runs without MPI installed.
/// </summary>
/// <remarks>
/// Open MPI's handles are not integer constants. <c>MPI_COMM_WORLD</c> is
/// <c>(MPI_Comm)&amp;ompi_mpi_comm_world</c>, <c>MPI_BYTE</c> is <c>&amp;ompi_mpi_byte</c>, and so
/// on: each predefined handle is the address of an exported global, which
/// <see cref="NativeLibrary.GetExport"/> returns directly, exactly as the C macros compute it.
/// That needs no C shim (and no compiler at install time); it is also why this binding is Open
/// MPI's alone (MPICH's handles are integers). Every function is called through an unmanaged
/// function pointer, so there are no marshalling stubs and the binding is NativeAOT-clean.
/// <para>
/// The library is opened with <c>RTLD_GLOBAL</c>: Open MPI loads its components
/// (<c>mca_pml_ob1.so</c>, ...) as plugins that expect libmpi's symbols to be global, as they
/// are in a program linked against it. .NET's <see cref="NativeLibrary.Load(string)"/> opens
/// libraries local, so the first open goes through libc's <c>dlopen</c> (as mpi4py does).
/// </para>
/// </remarks>
internal sealed unsafe class OpenMpi
{
    public const int Success = 0;
    public const int ThreadSerialized = 2;   // enum order in mpi.h: SINGLE, FUNNELED, SERIALIZED, MULTIPLE
    public const int MaxStringLength = 256;  // MPI_MAX_ERROR_STRING and MPI_MAX_LIBRARY_VERSION_STRING

    /// <summary>The environment variable that names the libmpi to open, when the default names are not found.</summary>
    public const string LibraryVariable = "GRAPHGEN_MPI_LIBRARY";

    private static readonly Lock s_gate = new();
    private static OpenMpi? s_loaded;

    private OpenMpi(nint library)
    {
        CommWorld = Symbol(library, "ompi_mpi_comm_world");
        Byte = Symbol(library, "ompi_mpi_byte");
        Float = Symbol(library, "ompi_mpi_float");
        OpSum = Symbol(library, "ompi_mpi_op_sum");
        ErrorsReturn = Symbol(library, "ompi_mpi_errors_return");
        GetLibraryVersion = (delegate* unmanaged<byte*, int*, int>)Symbol(library, "MPI_Get_library_version");
        Initialized = (delegate* unmanaged<int*, int>)Symbol(library, "MPI_Initialized");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Symbol(library, "MPI_Init_thread");
        FinalizeMpi = (delegate* unmanaged<int>)Symbol(library, "MPI_Finalize");
        Abort = (delegate* unmanaged<nint, int, int>)Symbol(library, "MPI_Abort");
        CommRank = (delegate* unmanaged<nint, int*, int>)Symbol(library, "MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Symbol(library, "MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Symbol(library, "MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Symbol(library, "MPI_Error_string");
        Isend = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Symbol(library, "MPI_Isend");
        Irecv = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Symbol(library, "MPI_Irecv");
        Test = (delegate* unmanaged<nint*, int*, void*, int>)Symbol(library, "MPI_Test");
        Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Symbol(library, "MPI_Iallreduce");
    }

    // Predefined handles: addresses of Open MPI's globals (see remarks).
    public nint CommWorld { get; }
    public nint Byte { get; }
    public nint Float { get; }
    public nint OpSum { get; }
    public nint ErrorsReturn { get; }

    public delegate* unmanaged<byte*, int*, int> GetLibraryVersion { get; }
    public delegate* unmanaged<int*, int> Initialized { get; }
    public delegate* unmanaged<int*, byte***, int, int*, int> InitThread { get; }
    public delegate* unmanaged<int> FinalizeMpi { get; }
    public delegate* unmanaged<nint, int, int> Abort { get; }
    public delegate* unmanaged<nint, int*, int> CommRank { get; }
    public delegate* unmanaged<nint, int*, int> CommSize { get; }
    public delegate* unmanaged<nint, nint, int> CommSetErrhandler { get; }
    public delegate* unmanaged<int, byte*, int*, int> ErrorString { get; }
    /// <summary>MPI_Isend(buf, count, datatype, dest, tag, comm, &amp;request).</summary>
    public delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> Isend { get; }
    /// <summary>MPI_Irecv(buf, count, datatype, source, tag, comm, &amp;request).</summary>
    public delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> Irecv { get; }
    /// <summary>MPI_Test(&amp;request, &amp;flag, status): a completed request becomes MPI_REQUEST_NULL.</summary>
    public delegate* unmanaged<nint*, int*, void*, int> Test { get; }
    /// <summary>MPI_Iallreduce(send, recv, count, datatype, op, comm, &amp;request): MPI's own sum, whose order is not fixed (for comparison only).</summary>
    public delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> Iallreduce { get; }

    /// <summary>Opens libmpi once per process and binds it; throws <see cref="MpiException"/> with what to install when it is missing.</summary>
    public static OpenMpi Load() => Load(Environment.GetEnvironmentVariable(LibraryVariable));

    /// <summary>Opens <paramref name="library"/> (a name or path; null: the default names) and binds it.</summary>
    internal static OpenMpi Load(string? library)
    {
        lock (s_gate)
        {
            if (s_loaded is not null) return s_loaded;
            if (!OperatingSystem.IsLinux())
                throw new MpiException($"Distributed training binds Open MPI on Linux; this is {RuntimeInformation.OSDescription}.");
            var (handle, path) = Open(library);
            var mpi = new OpenMpi(handle);
            string version = mpi.LibraryVersion();
            if (!version.Contains("Open MPI", StringComparison.Ordinal))
                throw new MpiException($"{path} is not Open MPI (it reports \"{version}\"). GraphGen binds Open MPI's ABI, whose handles are addresses of ompi_mpi_* globals; " +
                                       $"install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or point {LibraryVariable} at its libmpi.so.");
            return s_loaded = mpi;
        }
    }

    /// <summary>MPI_Get_library_version: callable before MPI_Init.</summary>
    public string LibraryVersion()
    {
        byte* text = stackalloc byte[MaxStringLength];
        int length;
        int rc = GetLibraryVersion(text, &length);
        return rc == Success ? Marshal.PtrToStringUTF8((nint)text, length).TrimEnd('\0', '\n', ' ') : $"(MPI_Get_library_version failed with {rc})";
    }

    /// <summary>The text of an MPI error code.</summary>
    public string DescribeError(int code)
    {
        byte* text = stackalloc byte[MaxStringLength];
        int length;
        return ErrorString(code, text, &length) == Success ? Marshal.PtrToStringUTF8((nint)text, length) : $"MPI error {code}";
    }

    private static (nint Library, string Path) Open(string? chosen)
    {
        // Open MPI 3, 4 and 5 all use soname libmpi.so.40; libmpi.so is the development symlink.
        string[] candidates = string.IsNullOrEmpty(chosen) ? ["libmpi.so.40", "libmpi.so"] : [chosen];
        var dlopen = DynamicLinker.Open();
        var failures = new List<string>();
        foreach (string name in candidates)
        {
            nint handle = dlopen.OpenGlobal(name, out string? error);
            if (handle != 0) return (handle, name);
            failures.Add(error ?? name);
        }
        throw new MpiException(
            "Distributed training needs Open MPI, and libmpi could not be opened (" + string.Join("; ", failures) + "). " +
            $"Install it (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev), or set {LibraryVariable} to the full path of libmpi.so. " +
            "Single-process training needs no MPI: run the program without mpirun.");
    }

    private static nint Symbol(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out nint address)
            ? address
            : throw new MpiException($"The opened libmpi has no symbol '{name}': it is not an Open MPI 3 to 5 library. Install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or set {LibraryVariable}.");
}
