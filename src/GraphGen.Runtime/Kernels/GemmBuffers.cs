using System.Runtime.InteropServices;

namespace GraphGen.Kernels;

/// <summary>
/// One thread's packing buffers: the A block (MC×KC), the B block (KC×NC) and a scratch
/// micro-tile, in native memory aligned to 64 bytes (one cache line, one zmm load). They are
/// allocated on a thread's first GEMM and grown, never shrunk, so a steady state allocates
/// nothing, managed or native. The memory is returned when the thread ends and its buffers
/// are collected.
/// </summary>
internal sealed unsafe class GemmBuffers
{
    private const nuint Alignment = 64;
    /// <summary>The largest micro-tile of any kernel (14×32), rounded up.</summary>
    private const int TileFloats = 16 * 32;

    [ThreadStatic] private static GemmBuffers? t_current;

    private nuint _capacityA, _capacityB;

    public float* PackA { get; private set; }
    public float* PackB { get; private set; }
    public float* Tile { get; }

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

    private static float* Allocate(int floats) =>
        (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), Alignment);

    ~GemmBuffers()
    {
        NativeMemory.AlignedFree(PackA);
        NativeMemory.AlignedFree(PackB);
        NativeMemory.AlignedFree(Tile);
    }
}
