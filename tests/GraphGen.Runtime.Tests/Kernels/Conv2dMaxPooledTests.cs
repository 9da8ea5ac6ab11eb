using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// Conv2d.ForwardMaxPooled, inference's convolution with the max pooling taken as each sample is
/// written, against its definition: Conv2d.Forward, then Pool2d.MaxForward, bit for bit, on every
/// algorithm and on the 2×2 windows' vector path as well as overlapping and padded windows.
/// </summary>
public class Conv2dMaxPooledTests
{
    public static TheoryData<int, string, int> Cases()
    {
        var data = new TheoryData<int, string, int>();
        var shapes = Shapes();
        for (int i = 0; i < shapes.Length; i++)
            foreach (var algorithm in new[] { "Im2ColGemm", "Direct", "Winograd", "ChannelsLast" })
                foreach (int pool in new[] { 0, 1, 2 })
                    data.Add(i, algorithm, pool);
        return data;
    }

    /// <summary>
    /// Rows of 14 (a masked last block), 16 (whole blocks), odd sizes, a Winograd-sized layer, stride 2;
    /// rows of 17–32 columns, which the direct kernel pools as they leave its registers.
    /// </summary>
    private static Conv2dShape[] Shapes() =>
    [
        new(1, 28, 28, 16, 3, 3, PadH: 1, PadW: 1),                           // FashionResNet's stem: rows of 28, pooled to 14
        new(16, 32, 32, 16, 3, 3, PadH: 1, PadW: 1),                          // pooled rows of 16: whole vectors
        new(3, 11, 9, 5, 3, 3, PadH: 1, PadW: 1),                             // odd planes: the pooling drops the last row and column
        new(64, 8, 8, 64, 3, 3, PadH: 1, PadW: 1),                            // Winograd's groups of samples
        new(16, 14, 14, 32, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),  // stride 2, then the pooling
        new(1, 28, 28, 6, 5, 5, PadH: 2, PadW: 2),                            // LeNet's first layer: 4-channel blocks, two of them padding
        new(2, 19, 21, 8, 3, 3, PadH: 1, PadW: 1),                            // odd rows of 21: the pooling drops the last row and column
        new(4, 18, 18, 8, 3, 3, PadH: 1, PadW: 1, Groups: 2),                 // groups, rows of 18
    ];

    /// <summary>2×2 stride 2 (the vector path), 3×3 stride 2 padding 1, 3×3 stride 1 padding 1 (overlapping).</summary>
    private static Pool2dShape PoolFor(Conv2dShape s, int pool) => pool switch
    {
        0 => new Pool2dShape(s.OutChannels, s.OutHeight, s.OutWidth, 2, 2, 2, 2, 0, 0),
        1 => new Pool2dShape(s.OutChannels, s.OutHeight, s.OutWidth, 3, 3, 2, 2, 1, 1),
        _ => new Pool2dShape(s.OutChannels, s.OutHeight, s.OutWidth, 3, 3, 1, 1, 1, 1),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsTheConvolutionThenTheMaxPooling(int shape, string algorithm, int poolCase)
    {
        var s = Shapes()[shape];
        var pool = PoolFor(s, poolCase);
        const int batch = 5;
        var rng = new SeededRandom(40 + (ulong)shape);
        var x = Random(rng, batch * s.InputSize);
        var w = Random(rng, s.WeightSize);
        var bias = Random(rng, s.OutChannels);
        x[3] = float.NaN;   // a NaN wins its window, in both forms
        var unpooled = new float[batch * s.OutputSize];
        var expected = new float[batch * pool.OutputSize];
        var argmax = new int[expected.Length];
        var actual = new float[expected.Length + 1];
        actual[^1] = 12345f;
        ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
        try
        {
            Conv2d.Forward(s, batch, x, w, bias, unpooled, new LeakyRelu(0.1f));
            Pool2d.MaxForward(pool, batch, unpooled, expected, argmax);
            Conv2d.ForwardMaxPooled(s, pool, batch, x, w, bias, actual.AsSpan(0, expected.Length), new LeakyRelu(0.1f));
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{s} {algorithm} pooled {pool.KernelH}×{pool.KernelW} s{pool.StrideH}: y[{i}] = {actual[i]}, convolution then pooling gave {expected[i]}");
        Assert.Equal(12345f, actual[^1]);
    }

    [Fact]
    public void APoolingOfOtherPlanesIsRejectedWithTheShapes()
    {
        var s = new Conv2dShape(2, 8, 8, 4, 3, 3, PadH: 1, PadW: 1);
        var pool = new Pool2dShape(4, 6, 6, 2, 2, 2, 2, 0, 0);
        var e = Assert.Throws<ArgumentException>(() =>
            Conv2d.ForwardMaxPooled(s, pool, 1, new float[s.InputSize], new float[s.WeightSize], [], new float[pool.OutputSize], new Relu()));
        Assert.Contains("[4, 6, 6]", e.Message);
        Assert.Contains("[4, 8, 8]", e.Message);
    }

    [Fact]
    public void AnOutputShorterThanThePooledBatchIsRejected()
    {
        var s = new Conv2dShape(2, 8, 8, 4, 3, 3, PadH: 1, PadW: 1);
        var pool = new Pool2dShape(4, 8, 8, 2, 2, 2, 2, 0, 0);
        var y = Enumerable.Repeat(7f, 2 * pool.OutputSize - 1).ToArray();
        var e = Assert.Throws<ArgumentException>(() =>
            Conv2d.ForwardMaxPooled(s, pool, 2, new float[2 * s.InputSize], new float[s.WeightSize], [], y, new Relu()));
        Assert.Contains("Conv2d.ForwardMaxPooled", e.Message);
        Assert.All(y, v => Assert.Equal(7f, v));
    }
}
