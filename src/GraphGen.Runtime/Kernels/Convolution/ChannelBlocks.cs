using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// The channel-blocked layout that inference keeps between consecutive channels-last convolutions
/// (ONNX Runtime's NCHWc): each sample is [C/16, H + 2r, W + 2r, 16], sixteen channels of one pixel
/// in one vector, with a ring of r zero pixels around every plane, then <see cref="Slack"/> floats:
/// <code>
/// blocked[b, c / 16, h + r, w + r, c % 16] = x[b, c, h, w],   0 on the ring
/// </code>
/// A channels-last convolution's register block holds 16 channels of N pixels, one vector each, so
/// it stores them as they are (no transpose into planes), and the next convolution reads its
/// broadcasts from them directly (no copy into padded rows): the ring is its zero padding.
/// </summary>
/// <remarks>
/// The generator plans the layout (docs/kernels.md, "Channel blocks between convolutions"): a
/// buffer that only channels-last convolutions and the global average pooling read at inference
/// takes it, on machines where <see cref="Supported"/>. The values are those of the planes, bit for
/// bit: the convolutions sum in the same order, and the pooling sums each plane as it would.
/// </remarks>
public static class ChannelBlocks
{
    /// <summary>Channels per block: one 512-bit vector of floats.</summary>
    public const int Lanes = 16;

    /// <summary>
    /// Floats after each sample: a register block of up to 16 outputs at stride 2 reads up to 30
    /// pixels past the last valid column of its row (values it never stores), so the last plane's
    /// reads stay inside the sample.
    /// </summary>
    public const int Slack = 32 * Lanes;

    /// <summary>
    /// Set the environment variable <c>GRAPHGEN_CHANNEL_BLOCKS=0</c> to keep inference on planes
    /// everywhere (to compare, or to leave the twins' memory alone): read once, when a network's
    /// class asks <see cref="Takes"/> first.
    /// </summary>
    public const string EnvironmentVariable = "GRAPHGEN_CHANNEL_BLOCKS";

    private static readonly bool Disabled = Environment.GetEnvironmentVariable(EnvironmentVariable) == "0";

    /// <summary>Whether the blocked kernels run here (AVX-512); elsewhere the generated code keeps the planes.</summary>
    public static bool Supported => Avx512F.IsSupported;

    /// <summary>
    /// Whether inference may run this convolution on channel blocks here: the blocked kernels run
    /// (<see cref="Supported"/>), the shape fits them, and the rule (<see cref="ConvAlgorithms"/>)
    /// runs its forward pass on planes with the channels-last kernel, so that the blocked kernel
    /// gives the same bits. Generated networks ask once for each convolution they would block.
    /// </summary>
    public static bool Takes(in Conv2dShape s)
    {
        if (!Supported || Disabled || s.InChannels % Lanes != 0 || s.OutChannels % Lanes != 0) return false;
        // The rule as it stands for every caller: a test's forced algorithm is the calling thread's alone.
        var forced = ConvAlgorithms.Forced;
        ConvAlgorithms.Forced = null;
        try
        {
            return ConvAlgorithms.Forward(in s) == ConvAlgorithm.ChannelsLast;
        }
        finally
        {
            ConvAlgorithms.Forced = forced;
        }
    }

    /// <summary>Floats per sample of [channels, height, width] planes in the layout with a ring of <paramref name="ring"/> pixels.</summary>
    public static int Size(int channels, int height, int width, int ring) =>
        (channels + Lanes - 1) / Lanes * Lanes * (height + 2 * ring) * (width + 2 * ring) + Slack;

    /// <summary>
    /// blocked = the planes x [batch, channels, height, width] in the layout, the ring zero (and the
    /// channels past the last, to the block's end). Samples run on the pool; with AVX-512 each run of
    /// 16 columns of 16 channels' rows is turned into 16 pixels by a transpose in registers.
    /// </summary>
    public static unsafe void FromPlanes(int batch, int channels, int height, int width, int ring, ReadOnlySpan<float> x, Span<float> blocked)
    {
        const string Kernel = "ChannelBlocks.FromPlanes";
        Check(batch, channels, height, width, ring, Kernel, x.Length, blocked.Length, nameof(x), nameof(blocked));
        if (batch == 0) return;
        fixed (float* px = x, pb = blocked)
        {
            var work = FromPlanesWork.ForCurrentThread();
            work.Planes = px; work.Blocked = pb;
            work.Channels = channels; work.Height = height; work.Width = width; work.Ring = ring;
            WorkerPool.Run(work, batch, Math.Min(batch, WorkerPool.ThreadsFor((long)batch * channels * height * width, ParallelMinFloats)));
        }
    }

    /// <summary>Below this many floats a conversion runs on the calling thread.</summary>
    private const long ParallelMinFloats = 1 << 15;

    /// <summary>Part b: sample b into the layout.</summary>
    private sealed unsafe class FromPlanesWork : ParallelWork
    {
        [ThreadStatic] private static FromPlanesWork? t_instance;
        public float* Planes, Blocked;
        public int Channels, Height, Width, Ring;

        public static FromPlanesWork ForCurrentThread() => t_instance ??= new FromPlanesWork();

        public override void RunPart(int b)
        {
            int plane = Height * Width;
            SampleFromPlanes(Planes + (nint)b * Channels * plane, Blocked + (nint)b * Size(Channels, Height, Width, Ring), Channels, Height, Width, Ring);
        }
    }

    /// <summary>One sample's planes [channels, height, width] into the layout, the ring zero.</summary>
    internal static unsafe void SampleFromPlanes(float* from, float* to, int channels, int height, int width, int ring)
    {
        int plane = height * width, paddedW = width + 2 * ring;
        ClearRing(to, channels, height, width, ring);
        if (!Avx512F.IsSupported)
        {
            for (int c = 0; c < (channels + Lanes - 1) / Lanes * Lanes; c++)
                for (int h = 0; h < height; h++)
                    for (int w = 0; w < width; w++)
                        to[Offset(c, h, w, height, width, ring)] = c < channels ? from[(nint)c * plane + h * width + w] : 0f;
            return;
        }
        for (int c0 = 0; c0 < channels; c0 += Lanes)
        {
            float* block = to + (nint)(c0 / Lanes) * (height + 2 * ring) * paddedW * Lanes;
            // Channels past the last read row 0 of the block under an empty mask: zeros.
            int present = Math.Min(Lanes, channels - c0);
            for (int h = 0; h < height; h++)
                for (int w0 = 0; w0 < width; w0 += Lanes)
                {
                    int columns = Math.Min(Lanes, width - w0);
                    var lanes = ConvDirect.FirstLanes(columns);
                    float* row = from + (nint)c0 * plane + h * width + w0;
                    var a0 = Row(row, 0); var a1 = Row(row, 1); var a2 = Row(row, 2); var a3 = Row(row, 3);
                    var a4 = Row(row, 4); var a5 = Row(row, 5); var a6 = Row(row, 6); var a7 = Row(row, 7);
                    var a8 = Row(row, 8); var a9 = Row(row, 9); var a10 = Row(row, 10); var a11 = Row(row, 11);
                    var a12 = Row(row, 12); var a13 = Row(row, 13); var a14 = Row(row, 14); var a15 = Row(row, 15);
                    ConvChannelsLast.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
                    float* pixel = block + ((nint)(h + ring) * paddedW + w0 + ring) * Lanes;
                    Put(pixel, 0, columns, a0); Put(pixel, 1, columns, a1); Put(pixel, 2, columns, a2); Put(pixel, 3, columns, a3);
                    Put(pixel, 4, columns, a4); Put(pixel, 5, columns, a5); Put(pixel, 6, columns, a6); Put(pixel, 7, columns, a7);
                    Put(pixel, 8, columns, a8); Put(pixel, 9, columns, a9); Put(pixel, 10, columns, a10); Put(pixel, 11, columns, a11);
                    Put(pixel, 12, columns, a12); Put(pixel, 13, columns, a13); Put(pixel, 14, columns, a14); Put(pixel, 15, columns, a15);

                    Vector512<float> Row(float* first, int l) =>
                        Avx512F.MaskLoad(first + (nint)(l < present ? l : 0) * plane, l < present ? lanes : Vector512<float>.Zero, Vector512<float>.Zero);
                }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Put(float* pixel, int k, int columns, Vector512<float> value)
    {
        if (k < columns) value.Store(pixel + k * Lanes);
    }

    /// <summary>
    /// Sixteen vectors turned in place: lane k of vector l becomes lane l of vector k (four rounds
    /// of the channels-last kernel's <see cref="ConvChannelsLast.Swap"/>, each exchanging one bit of
    /// the vector index with the same bit of the lane index, on registers).
    /// </summary>
    internal static unsafe void Transpose(Vector512<float>* v)
    {
        Vector512<float> a0 = v[0], a1 = v[1], a2 = v[2], a3 = v[3], a4 = v[4], a5 = v[5], a6 = v[6], a7 = v[7];
        Vector512<float> a8 = v[8], a9 = v[9], a10 = v[10], a11 = v[11], a12 = v[12], a13 = v[13], a14 = v[14], a15 = v[15];
        ConvChannelsLast.Transpose(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref a8, ref a9, ref a10, ref a11, ref a12, ref a13, ref a14, ref a15);
        v[0] = a0; v[1] = a1; v[2] = a2; v[3] = a3; v[4] = a4; v[5] = a5; v[6] = a6; v[7] = a7;
        v[8] = a8; v[9] = a9; v[10] = a10; v[11] = a11; v[12] = a12; v[13] = a13; v[14] = a14; v[15] = a15;
    }

    /// <summary>x [batch, channels, height, width] = the planes held in the layout (inspection and tests).</summary>
    public static unsafe void ToPlanes(int batch, int channels, int height, int width, int ring, ReadOnlySpan<float> blocked, Span<float> x)
    {
        const string Kernel = "ChannelBlocks.ToPlanes";
        Check(batch, channels, height, width, ring, Kernel, x.Length, blocked.Length, nameof(x), nameof(blocked));
        int size = Size(channels, height, width, ring);
        fixed (float* px = x, pb = blocked)
            for (int b = 0; b < batch; b++)
                for (int c = 0; c < channels; c++)
                    Plane(pb + (nint)b * size, c, height, width, ring, px + ((nint)b * channels + c) * height * width);
    }

    /// <summary>Channel c's plane of one sample, copied out of the layout into <paramref name="plane"/> [height, width].</summary>
    internal static unsafe void Plane(float* sample, int c, int height, int width, int ring, float* plane)
    {
        for (int h = 0; h < height; h++)
            for (int w = 0; w < width; w++)
                plane[h * width + w] = sample[Offset(c, h, w, height, width, ring)];
    }

    /// <summary>Where x[c, h, w] of a [channels, height, width] sample lies in its layout with a ring of <paramref name="ring"/>.</summary>
    internal static nint Offset(int c, int h, int w, int height, int width, int ring)
    {
        int paddedW = width + 2 * ring;
        return ((nint)(c / Lanes) * (height + 2 * ring) * paddedW + (nint)(h + ring) * paddedW + w + ring) * Lanes + c % Lanes;
    }

    /// <summary>
    /// Zeroes the ring of every plane of one sample (a kernel that writes the interior calls this,
    /// since the arena hands the buffer over holding another tensor's values).
    /// </summary>
    internal static unsafe void ClearRing(float* sample, int channels, int height, int width, int ring)
    {
        if (ring == 0) return;
        int paddedW = width + 2 * ring;
        nint row = (nint)paddedW * Lanes;
        var zero = Vector512<float>.Zero;
        for (int block = 0; block < (channels + Lanes - 1) / Lanes; block++)
        {
            float* p = sample + block * (height + 2 * ring) * row;
            // The rows above and below the image, then the 2·ring pixels from each image row's right
            // edge to the next one's left edge, which lie together.
            for (nint i = 0; i < ring * row; i += Lanes) { zero.Store(p + i); zero.Store(p + (height + ring) * row + i); }
            for (int w = 0; w < ring; w++) zero.Store(p + ring * row + w * Lanes);
            for (int h = ring; h < height + ring; h++)
            {
                float* edge = p + h * row + (nint)(width + ring) * Lanes;
                for (int w = 0; w < 2 * ring; w++) zero.Store(edge + w * Lanes);
            }
        }
    }

    internal static void CheckLayout(int channels, int height, int width, int ring, string kernel)
    {
        KernelChecks.NotLess(channels, 1, kernel, nameof(channels));
        KernelChecks.NotLess(height, 1, kernel, nameof(height));
        KernelChecks.NotLess(width, 1, kernel, nameof(width));
        KernelChecks.NotLess(ring, 0, kernel, nameof(ring));
    }

    private static void Check(int batch, int channels, int height, int width, int ring, string kernel, int planesLength, int blockedLength,
        string planesName, string blockedName)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        CheckLayout(channels, height, width, ring, kernel);
        KernelChecks.Length(planesLength, kernel, planesName, "[batch, channels, height, width]", batch, channels, height, width);
        KernelChecks.Length(blockedLength, kernel, blockedName, "[batch, ChannelBlocks.Size(channels, height, width, ring)]", batch, Size(channels, height, width, ring));
    }
}
