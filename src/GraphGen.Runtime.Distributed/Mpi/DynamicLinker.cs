using System.Runtime.InteropServices;

namespace GraphGen.Distributed.Mpi;

/// <summary>
/// libc's <c>dlopen</c>, for the one library that must be opened with <c>RTLD_GLOBAL</c> (see
/// <see cref="OpenMpi"/>). glibc 2.34 and later export it from libc.so.6, older ones from libdl.so.2.
/// </summary>
internal sealed unsafe class DynamicLinker
{
    private const int RtldNow = 0x2, RtldGlobal = 0x100;   // <dlfcn.h> on Linux

    private readonly delegate* unmanaged<byte*, int, nint> _dlopen;
    private readonly delegate* unmanaged<byte*> _dlerror;

    private DynamicLinker(nint library)
    {
        _dlopen = (delegate* unmanaged<byte*, int, nint>)NativeLibrary.GetExport(library, "dlopen");
        _dlerror = (delegate* unmanaged<byte*>)NativeLibrary.GetExport(library, "dlerror");
    }

    public static DynamicLinker Open()
    {
        foreach (string name in (ReadOnlySpan<string>)["libc.so.6", "libdl.so.2"])
            if (NativeLibrary.TryLoad(name, out nint library) && NativeLibrary.TryGetExport(library, "dlopen", out _))
                return new DynamicLinker(library);
        throw new MpiException("Neither libc.so.6 nor libdl.so.2 exports dlopen; distributed training needs a glibc Linux system.");
    }

    /// <summary>dlopen(name, RTLD_NOW | RTLD_GLOBAL); on failure returns 0 and dlerror's text.</summary>
    public nint OpenGlobal(string name, out string? error)
    {
        byte[] bytes = [.. System.Text.Encoding.UTF8.GetBytes(name), 0];
        nint handle;
        fixed (byte* path = bytes) handle = _dlopen(path, RtldNow | RtldGlobal);
        error = handle == 0 ? Marshal.PtrToStringUTF8((nint)_dlerror()) : null;
        return handle;
    }
}
