using System.Runtime.InteropServices;

namespace GraphGen.Kernels;

/// <summary>
/// One thread's packing buffers: the A block (MC×KC), the B block (KC×NC), a scratch
/// micro-tile and, on a thread that starts parallel GEMMs, two B blocks shared by its helpers, in native memory aligned to 64 bytes (one cache line, one zmm load). They are
/// allocated on a thread's first GEMM and grown, never shrunk, so a steady state allocates
/// nothing, managed or native. The memory is returned when the thread ends and its buffers
/// are collected.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    private const nuint Alignment = 64;
    /// <summary>Room for the largest micro-tile of any kernel (8×32 today) with margin.</summary>
    private const int TileFloats = 16 * 32;

    [ThreadStatic] private static GemmBuffers? t_current;

    private nuint _capacityA, _capacityB, _capacityShared, _capacityDepth;
    private float* _depthPartials;

    public float* PackA { get; private set; }
    public float* PackB { get; private set; }
    public float* Tile { get; }

    /// <summary>Two B blocks that the threads of a parallel GEMM started from this thread pack together.</summary>
    public float* SharedB0 { get; private set; }
    public float* SharedB1 { get; private set; }

    private GemmBuffers() => Tile = Allocate(TileFloats);

    /// <summary>This thread's buffers (created on first use).</summary>
    public static GemmBuffers ForCurrentThread() => t_current ??= new GemmBuffers();

    /// <summary>Makes room for at least the given numbers of floats in the A and B blocks.</summary>
    public void Reserve(int floatsA, int floatsB)
    {
        if ((nuint)floatsA > _capacityA)
        {
            NativeMemory.AlignedFree(PackA);
            PackA = Allocate(floatsA);
            _capacityA = (nuint)floatsA;
        }
        if ((nuint)floatsB > _capacityB)
        {
            NativeMemory.AlignedFree(PackB);
            PackB = Allocate(floatsB);
            _capacityB = (nuint)floatsB;
        }
    }

    /// <summary>Makes room for at least <paramref name="floats"/> in each shared B block.</summary>
    public void ReserveShared(int floats)
    {
        if ((nuint)floats <= _capacityShared) return;
        NativeMemory.AlignedFree(SharedB0);
        NativeMemory.AlignedFree(SharedB1);
        SharedB0 = Allocate(floats);
        SharedB1 = Allocate(floats);
        _capacityShared = (nuint)floats;
    }

    /// <summary>At least <paramref name="floats"/> for the partial products of a GEMM cut into depth slices (see Gemm.DepthSlices).</summary>
    public float* ReserveDepthPartials(int floats)
    {
        if ((nuint)floats > _capacityDepth)
        {
            NativeMemory.AlignedFree(_depthPartials);
            _depthPartials = Allocate(floats);
            _capacityDepth = (nuint)floats;
        }
        return _depthPartials;
    }

    private static float* Allocate(int floats) =>
        (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), Alignment);

    ~GemmBuffers()
    {
        NativeMemory.AlignedFree(PackA);
        NativeMemory.AlignedFree(PackB);
        NativeMemory.AlignedFree(Tile);
        NativeMemory.AlignedFree(SharedB0);
        NativeMemory.AlignedFree(SharedB1);
        NativeMemory.AlignedFree(_depthPartials);
    }
}
