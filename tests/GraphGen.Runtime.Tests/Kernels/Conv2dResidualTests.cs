using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// Conv2d.ForwardResidual, inference's residual block end (convolution, sum with the skip,
/// activation) taken as each sample is written, against its definition: Conv2d.Forward, then
/// Elementwise.Add, then Activations.Forward, bit for bit, on every algorithm, with and without an
/// activation, on one and several threads.
/// </summary>
public class Conv2dResidualTests
{
    public static TheoryData<int, string, string> Cases()
    {
        var data = new TheoryData<int, string, string>();
        for (int i = 0; i < Shapes().Length; i++)
            foreach (var algorithm in new[] { "Im2ColGemm", "Direct", "Winograd", "ChannelsLast" })
                foreach (var activation in new[] { "Relu", "Tanh", "Identity" })
                    data.Add(i, algorithm, activation);
        return data;
    }

    /// <summary>FashionResNet's two block ends, an odd plane (a ragged last vector), Winograd's groups of samples, a strided one.</summary>
    private static Conv2dShape[] Shapes() =>
    [
        new(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1),
        new(32, 7, 7, 32, 3, 3, PadH: 1, PadW: 1),
        new(3, 9, 11, 5, 3, 3, PadH: 1, PadW: 1),
        new(64, 8, 8, 64, 3, 3, PadH: 1, PadW: 1),
        new(16, 14, 14, 32, 3, 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsTheConvolutionThenTheSumThenTheActivation(int shape, string algorithm, string activation)
    {
        var s = Shapes()[shape];
        const int batch = 5;
        var rng = new SeededRandom(60 + (ulong)shape);
        var x = Random(rng, batch * s.InputSize);
        var w = Random(rng, s.WeightSize);
        var bias = Random(rng, s.OutChannels);
        var residual = Random(rng, batch * s.OutputSize);
        residual[7] = float.NaN;
        float[] Expected()
        {
            var y = new float[batch * s.OutputSize];
            var sum = new float[y.Length];
            var h = new float[y.Length];
            Conv2d.Forward(s, batch, x, w, bias, y);
            Elementwise.Add(residual, y, sum);
            switch (activation)
            {
                case "Relu": Activations.Forward(new Relu(), sum, h); return h;
                case "Tanh": Activations.Forward(new Tanh(), sum, h); return h;
                default: return sum;
            }
        }
        float[] Actual(int threads) => WithThreads(threads, () =>
        {
            var y = new float[batch * s.OutputSize + 1];
            y[^1] = 12345f;
            var output = y.AsSpan(0, batch * s.OutputSize);
            switch (activation)
            {
                case "Relu": Conv2d.ForwardResidual(s, batch, x, w, bias, residual, output, new Relu()); break;
                case "Tanh": Conv2d.ForwardResidual(s, batch, x, w, bias, residual, output, new Tanh()); break;
                default: Conv2d.ForwardResidual(s, batch, x, w, bias, residual, output); break;
            }
            Assert.Equal(12345f, y[^1]);
            return y[..^1];
        });
        ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
        try
        {
            var expected = Expected();
            Bitwise(expected, Actual(1), $"{s} {algorithm} {activation}, one thread");
            Bitwise(expected, Actual(2), $"{s} {algorithm} {activation}, two threads");
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
    }

    [Fact]
    public void AResidualOverlappingTheOutputIsRejected()
    {
        var s = new Conv2dShape(2, 6, 6, 2, 3, 3, PadH: 1, PadW: 1);
        var x = new float[s.InputSize];
        var w = new float[s.WeightSize];
        var y = new float[s.OutputSize + 4];
        var error = Assert.Throws<ArgumentException>(() =>
            Conv2d.ForwardResidual(s, 1, x, w, default, y.AsSpan(0, s.OutputSize), y.AsSpan(4, s.OutputSize), new Relu()));
        Assert.Contains("residual and y overlap", error.Message);
    }

    [Fact]
    public void OnlyTheTensorsThemselvesMustNotOverlap()
    {
        // A residual buffer longer than its tensor may run into y's buffer past the tensor: nothing reads it there.
        var s = new Conv2dShape(2, 6, 6, 2, 3, 3, PadH: 1, PadW: 1);
        var rng = new SeededRandom(9);
        var x = Random(rng, s.InputSize);
        var w = Random(rng, s.WeightSize);
        var buffer = Random(rng, 2 * s.OutputSize + 4);
        var residual = buffer.AsSpan(0, s.OutputSize + 4);
        var expected = new float[s.OutputSize];
        Conv2d.Forward(s, 1, x, w, default, expected);
        Elementwise.Add(residual[..s.OutputSize], expected, expected);
        Conv2d.ForwardResidual(s, 1, x, w, default, residual, buffer.AsSpan(s.OutputSize));
        Bitwise(expected, buffer.AsSpan(s.OutputSize, s.OutputSize), "y");
    }

    [Fact]
    public void AResidualOfAnotherSizeIsRejectedWithTheShape()
    {
        var s = new Conv2dShape(2, 6, 6, 3, 3, 3, PadH: 1, PadW: 1);
        var error = Assert.Throws<ArgumentException>(() =>
            Conv2d.ForwardResidual(s, 2, new float[2 * s.InputSize], new float[s.WeightSize], default, new float[2 * s.OutputSize - 1], new float[2 * s.OutputSize]));
        Assert.Contains("Conv2d.ForwardResidual", error.Message);
        Assert.Contains("residual", error.Message);
    }

    [Fact]
    public void AllocatesNothingOnceWarm()
    {
        var s = new Conv2dShape(16, 14, 14, 16, 3, 3, PadH: 1, PadW: 1);
        const int batch = 4;
        float[] x = new float[batch * s.InputSize], w = new float[s.WeightSize], r = new float[batch * s.OutputSize], y = new float[batch * s.OutputSize];
        AllocatesNothing(() => Conv2d.ForwardResidual(s, batch, x, w, default, r, y, new Relu()));
    }
}
