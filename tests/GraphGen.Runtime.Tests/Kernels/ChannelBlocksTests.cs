using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// The channel-blocked layout inference keeps between channels-last convolutions: the layout's
/// round trip, and every blocked kernel against the planes' kernels it replaces, bit for bit
/// (Conv2d.Forward and ForwardResidual on the channels-last kernel, the global average pooling),
/// with rings wider than the padding and buffers holding garbage on the ring before the call.
/// </summary>
public class ChannelBlocksTests
{
    /// <summary>FashionResNet's convolutions (16→16 on 14×14, the strided 16→32, 32→32 on 7×7), rows of 5 (a block wider than the row), a dilated one, a 1×1.</summary>
    public static TheoryData<int> ShapeIndices() => [.. Enumerable.Range(0, Shapes().Length)];

    private static Conv2dShape[] Shapes() =>
    [
        new(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1),
        new(16, 14, 14, 32, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),
        new(32, 7, 7, 32, 3, 3, PadH: 1, PadW: 1),
        new(32, 5, 5, 48, 3, 3, PadH: 1, PadW: 1),
        new(16, 9, 10, 16, 3, 3, PadH: 2, PadW: 2, DilationH: 2, DilationW: 2),
        new(32, 6, 6, 16, 1, 1),
    ];

    [Fact]
    public void PlanesGoInAndComeBackOutUnchanged()
    {
        const int batch = 3, channels = 20, height = 5, width = 7, ring = 2;
        var x = Random(new SeededRandom(1), batch * channels * height * width);
        var blocked = Garbage(batch * ChannelBlocks.Size(channels, height, width, ring));
        ChannelBlocks.FromPlanes(batch, channels, height, width, ring, x, blocked);
        var back = new float[x.Length];
        ChannelBlocks.ToPlanes(batch, channels, height, width, ring, blocked, back);
        Bitwise(x, back, "round trip");
        // The ring and the padded channels are zero; so [0, 0, 0, 0, 0] (b, block, h, w, lane) is.
        Assert.Equal(0f, blocked[0]);
        Assert.Equal(x[0], blocked[(2 * (width + 4) + 2) * 16]);
    }

    [Theory]
    [MemberData(nameof(ShapeIndices))]
    public void ABlockedConvolutionHasThePlanesBits(int shape)
    {
        if (!ChannelBlocks.Supported) return; // no AVX-512: the generated code keeps the planes (the generator tests say so)
        var s = Shapes()[shape];
        const int batch = 3;
        var rng = new SeededRandom(70 + (ulong)shape);
        var x = Random(rng, batch * s.InputSize);
        var w = Random(rng, s.WeightSize);
        var bias = Random(rng, s.OutChannels);
        var residual = Random(rng, batch * s.OutputSize);
        int inRing = Math.Max(s.PadH, s.PadW) + 1, outRing = 1;
        var xb = Blocked(batch, s.InChannels, s.InHeight, s.InWidth, inRing, x);
        var rb = Blocked(batch, s.OutChannels, s.OutHeight, s.OutWidth, outRing, residual);
        ConvAlgorithms.Forced = ConvAlgorithm.ChannelsLast;
        try
        {
            var plain = new float[batch * s.OutputSize];
            Conv2d.Forward(s, batch, x, w, bias, plain, new Relu());
            var summed = new float[batch * s.OutputSize];
            Conv2d.ForwardResidual(s, batch, x, w, bias, residual, summed, new Relu());
            foreach (int threads in new[] { 1, 2 })
            {
                var y = WithThreads(threads, () =>
                {
                    var yb = Garbage(batch * ChannelBlocks.Size(s.OutChannels, s.OutHeight, s.OutWidth, outRing));
                    Conv2d.ForwardBlocked(s, batch, xb, inRing, w, bias, yb, outRing, new Relu());
                    return yb;
                });
                Bitwise(plain, Planes(batch, s.OutChannels, s.OutHeight, s.OutWidth, outRing, y), $"{s}, {threads} thread(s)");
                RingIsZero(batch, s.OutChannels, s.OutHeight, s.OutWidth, outRing, y);
                var sum = WithThreads(threads, () =>
                {
                    var yb = Garbage(batch * ChannelBlocks.Size(s.OutChannels, s.OutHeight, s.OutWidth, outRing));
                    Conv2d.ForwardResidualBlocked(s, batch, xb, inRing, w, bias, rb, yb, outRing, new Relu());
                    return yb;
                });
                Bitwise(summed, Planes(batch, s.OutChannels, s.OutHeight, s.OutWidth, outRing, sum), $"{s} with the residual, {threads} thread(s)");
                // Read from channel blocks, written in planes (the run's last convolution).
                var planes = WithThreads(threads, () =>
                {
                    var y = Random(new SeededRandom(98), batch * s.OutputSize);
                    Conv2d.ForwardFromBlocks(s, batch, xb, inRing, w, bias, y, new Relu());
                    return y;
                });
                Bitwise(plain, planes, $"{s} into planes, {threads} thread(s)");
                var planesSum = WithThreads(threads, () =>
                {
                    var y = Random(new SeededRandom(97), batch * s.OutputSize);
                    Conv2d.ForwardResidualFromBlocks(s, batch, xb, inRing, w, bias, residual, y, new Relu());
                    return y;
                });
                Bitwise(summed, planesSum, $"{s} with the residual into planes, {threads} thread(s)");
            }
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
    }

    [Theory]
    [InlineData("Direct")]
    [InlineData("Im2ColGemm")]
    [InlineData("ChannelsLast")]
    public void APooledConvolutionIntoChannelBlocksHasThePlanesBits(string algorithm)
    {
        // FashionResNet's stem (rows pooled as they leave the direct kernel's registers) and a
        // 16-channel shape that pools from the scratch, on every algorithm that takes it.
        foreach (var (s, pool) in new[]
        {
            (new Conv2dShape(1, 28, 28, 16, 3, 3, PadH: 1, PadW: 1), new Pool2dShape(16, 28, 28, 2, 2, 2, 2, 0, 0)),
            (new Conv2dShape(16, 10, 12, 32, 3, 3, PadH: 1, PadW: 1), new Pool2dShape(32, 10, 12, 2, 2, 2, 2, 0, 0)),
        })
        {
            if (algorithm == "ChannelsLast" && !ConvChannelsLast.Supports(s)) continue;
            const int batch = 3, ring = 1;
            var rng = new SeededRandom(80);
            var x = Random(rng, batch * s.InputSize);
            var w = Random(rng, s.WeightSize);
            var bias = Random(rng, s.OutChannels);
            ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
            try
            {
                var planes = new float[batch * pool.Channels * pool.OutPlane];
                Conv2d.ForwardMaxPooled(s, pool, batch, x, w, bias, planes, new Relu());
                foreach (int threads in new[] { 1, 2 })
                {
                    var blocked = WithThreads(threads, () =>
                    {
                        var y = Garbage(batch * ChannelBlocks.Size(pool.Channels, pool.OutHeight, pool.OutWidth, ring));
                        Conv2d.ForwardMaxPooledBlocked(s, pool, batch, x, w, bias, y, ring, new Relu());
                        return y;
                    });
                    Bitwise(planes, Planes(batch, pool.Channels, pool.OutHeight, pool.OutWidth, ring, blocked), $"{s} {algorithm}, {threads} thread(s)");
                    RingIsZero(batch, pool.Channels, pool.OutHeight, pool.OutWidth, ring, blocked);
                }
            }
            finally
            {
                ConvAlgorithms.Forced = null;
            }
        }
    }

    [Fact]
    public void TheBlockedGlobalAveragePoolingHasThePlanesBits()
    {
        const int batch = 4, channels = 32, height = 7, width = 7, ring = 1;
        var x = Random(new SeededRandom(5), batch * channels * height * width);
        var expected = new float[batch * channels];
        Pool2d.GlobalAverageForward(batch, channels, height * width, x, expected);
        var actual = new float[batch * channels];
        Pool2d.GlobalAverageForwardBlocked(batch, channels, height, width, ring, Blocked(batch, channels, height, width, ring, x), actual);
        Bitwise(expected, actual, "pooled");
    }

    [Fact]
    public void AChainOfBlockedConvolutionsNeverAllocates()
    {
        if (!ChannelBlocks.Supported) return; // no AVX-512: nothing runs the blocked kernels
        var s = Shapes()[0];
        var x = new float[8 * ChannelBlocks.Size(16, 14, 14, 1)];
        var y = new float[x.Length];
        var w = new float[s.WeightSize];
        Conv2d.ForwardBlocked(s, 8, x, 1, w, default, y, 1, new Relu());
        AllocatesNothing(() => Conv2d.ForwardBlocked(s, 8, x, 1, w, default, y, 1, new Relu()));
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        if (!ChannelBlocks.Supported)
        {
            var error = Assert.Throws<PlatformNotSupportedException>(() =>
                Conv2d.ForwardBlocked(Shapes()[0], 1, new float[5000], 1, new float[Shapes()[0].WeightSize], default, new float[5000], 1));
            Assert.Contains("ChannelBlocks.Supported", error.Message);
            return;
        }
        var s = Shapes()[0];
        int size = ChannelBlocks.Size(16, 14, 14, 1);
        var w = new float[s.WeightSize];
        Names<ArgumentOutOfRangeException>(() => Conv2d.ForwardBlocked(s, 1, new float[size], 0, w, default, new float[size], 1), "inputRing", "at least 1");
        Names<ArgumentException>(() => Conv2d.ForwardBlocked(s, 2, new float[size], 1, w, default, new float[2 * size], 1), "x", "ChannelBlocks.Size");
        var odd = new Conv2dShape(8, 14, 14, 16, 3, 3, PadH: 1, PadW: 1);
        Names<ArgumentException>(() => Conv2d.ForwardBlocked(odd, 1, new float[size], 1, new float[odd.WeightSize], default, new float[size], 1), "s", "multiples of 16");
        Names<ArgumentException>(() => Conv2d.ForwardResidualBlocked(s, 1, new float[size], 1, w, default, new float[size], new float[size - 1], 1), "y", "ChannelBlocks.Size");
    }

    private static float[] Blocked(int batch, int channels, int height, int width, int ring, float[] planes)
    {
        var blocked = Garbage(batch * ChannelBlocks.Size(channels, height, width, ring));
        ChannelBlocks.FromPlanes(batch, channels, height, width, ring, planes, blocked);
        return blocked;
    }

    private static float[] Planes(int batch, int channels, int height, int width, int ring, float[] blocked)
    {
        var planes = new float[batch * channels * height * width];
        ChannelBlocks.ToPlanes(batch, channels, height, width, ring, blocked, planes);
        return planes;
    }

    /// <summary>What an arena buffer holds before a kernel writes it: another tensor's values.</summary>
    private static float[] Garbage(int length)
    {
        var values = Random(new SeededRandom(99), length, 1e3f, 2e3f);
        return values;
    }

    private static void RingIsZero(int batch, int channels, int height, int width, int ring, float[] blocked)
    {
        int size = ChannelBlocks.Size(channels, height, width, ring), paddedH = height + 2 * ring, paddedW = width + 2 * ring;
        for (int b = 0; b < batch; b++)
            for (int block = 0; block < channels / 16; block++)
                for (int h = 0; h < paddedH; h++)
                    for (int w = 0; w < paddedW; w++)
                    {
                        if (h >= ring && h < height + ring && w >= ring && w < width + ring) continue;
                        for (int lane = 0; lane < 16; lane++)
                            Assert.Equal(0f, blocked[b * size + ((block * paddedH + h) * paddedW + w) * 16 + lane]);
                    }
    }
}
