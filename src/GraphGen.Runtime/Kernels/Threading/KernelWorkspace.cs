namespace GraphGen.Kernels;

/// <summary>
/// Scratch arrays of one thread, grown on demand and never shrunk, so that a kernel called
/// again with the same sizes allocates nothing. Each kernel family uses its own slots; a slot
/// is only valid until the same thread next asks for it.
/// </summary>
internal sealed class KernelWorkspace
{
    [ThreadStatic] private static KernelWorkspace? t_current;

    private float[] _columns = [], _padded = [], _staged = [], _partials = [], _lanes = [], _phases = [], _unpooled = [], _pooled = [];
    private int[] _indices = [], _tileOffsets = [];
    private double[] _doubles = [];
    private float[] _ones = [];

    /// <summary>This thread's workspace (created on first use).</summary>
    public static KernelWorkspace ForCurrentThread() => t_current ??= new KernelWorkspace();

    /// <summary>An im2col matrix, a GEMM result, or the "wide" output planes of the direct convolution.</summary>
    public Span<float> Columns(int length) => Grow(ref _columns, length);

    /// <summary>Zero-padded input planes of the direct convolution.</summary>
    public Span<float> Padded(int length) => Grow(ref _padded, length);

    /// <summary>The four phases of stride-2 im2col's padded planes (<see cref="Im2Col"/>); free while im2col's caller holds the other slots.</summary>
    public Span<float> Phases(int length) => Grow(ref _phases, length);

    /// <summary>A re-laid-out copy of a weight, or another small operand.</summary>
    public Span<float> Staged(int length) => Grow(ref _staged, length);

    /// <summary>Per-slice partial sums that other threads fill (owned by the calling thread).</summary>
    public Span<float> Partials(int length) => Grow(ref _partials, length);

    /// <summary>Vector accumulators that a kernel keeps across chunks of its work and reduces once at the end.</summary>
    public Span<float> Lanes(int length) => Grow(ref _lanes, length);

    /// <summary>A convolution's output for one part (a sample, or Winograd's group) before the max pooling fused after it.</summary>
    public Span<float> Unpooled(int length) => Grow(ref _unpooled, length);

    /// <summary>A part's pooled samples in planes, on their way into channel blocks (Conv2d.ForwardMaxPooledBlocked).</summary>
    public Span<float> Pooled(int length) => Grow(ref _pooled, length);

    /// <summary>Indices nothing reads afterwards (the argmax of a max pooling at inference).</summary>
    public Span<int> Indices(int length)
    {
        if (_indices.Length < length) _indices = GC.AllocateUninitializedArray<int>(length, pinned: true);
        return _indices.AsSpan(0, length);
    }

    /// <summary>Where each tile of a Winograd group starts in its input planes and its output.</summary>
    public Span<int> TileOffsets(int length)
    {
        if (_tileOffsets.Length < length) _tileOffsets = GC.AllocateUninitializedArray<int>(length, pinned: true);
        return _tileOffsets.AsSpan(0, length);
    }

    /// <summary>Double-precision accumulators.</summary>
    public Span<double> Doubles(int length)
    {
        if (_doubles.Length < length) _doubles = new double[length];
        return _doubles.AsSpan(0, length);
    }

    /// <summary>A run of 1s (γ of a normalisation without affine parameters).</summary>
    public ReadOnlySpan<float> Ones(int length)
    {
        if (_ones.Length < length)
        {
            _ones = new float[length];
            Array.Fill(_ones, 1f);
        }
        return _ones.AsSpan(0, length);
    }

    private static Span<float> Grow(ref float[] array, int length)
    {
        if (array.Length < length) array = GC.AllocateUninitializedArray<float>(length, pinned: true);
        return array.AsSpan(0, length);
    }
}
