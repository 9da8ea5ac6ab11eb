using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Max, average and global average pooling against their definitions and finite differences.</summary>
public class Pool2dTests
{
    public static readonly Pool2dShape[] Shapes =
    [
        new(3, 8, 8, 2, 2, 2, 2),                 // LeNet's 2×2 pooling
        new(2, 7, 9, 3, 3, 2, 2, 1, 1),           // ResNet's stem pooling, odd sizes
        new(2, 6, 7, 3, 2, 1, 2, 1, 0),           // per-axis kernel, stride and padding
        new(1, 5, 5, 5, 5, 1, 1),                 // one window over the whole image
        new(2, 9, 6, 2, 3, 3, 1, 1, 1),           // stride larger than the window
        new(2, 7, 37, 2, 2, 2, 2),                // 2×2 pairs: a block of 16 windows, a ragged end, an odd row and column left over
        new(2, 10, 10, 2, 2, 2, 2),               // LeNet's second pooling: 5 windows a row, all under masks
        new(1, 4, 66, 2, 2, 2, 2),                // two full blocks and one masked window
    ];

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int i = 0; i < Shapes.Length; i++)
            foreach (int batch in new[] { 1, 3 }) data.Add(i, batch);
        return data;
    }

    /// <summary>The elements of window (i, j) as input-plane indices, padding excluded.</summary>
    private static IEnumerable<int> Window(Pool2dShape s, int i, int j)
    {
        for (int u = 0; u < s.KernelH; u++)
            for (int v = 0; v < s.KernelW; v++)
            {
                int h = i * s.StrideH - s.PadH + u, w = j * s.StrideW - s.PadW + v;
                if (h >= 0 && h < s.InHeight && w >= 0 && w < s.InWidth) yield return h * s.InWidth + w;
            }
    }

    private static double[] AverageReference(Pool2dShape s, int batch, double[] x)
    {
        var y = new double[batch * s.OutputSize];
        for (int p = 0; p < batch * s.Channels; p++)
            for (int i = 0; i < s.OutHeight; i++)
                for (int j = 0; j < s.OutWidth; j++)
                    y[(p * s.OutHeight + i) * s.OutWidth + j] = Window(s, i, j).Sum(at => x[p * s.InPlane + at]) / (s.KernelH * s.KernelW);
        return y;
    }

    private static double[] MaxReference(Pool2dShape s, int batch, double[] x)
    {
        var y = new double[batch * s.OutputSize];
        for (int p = 0; p < batch * s.Channels; p++)
            for (int i = 0; i < s.OutHeight; i++)
                for (int j = 0; j < s.OutWidth; j++)
                    y[(p * s.OutHeight + i) * s.OutWidth + j] = Window(s, i, j).Max(at => x[p * s.InPlane + at]);
        return y;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxPoolingMatchesTheDefinitionAndFiniteDifferences(int shape, int batch)
    {
        var s = Shapes[shape];
        var rng = new SeededRandom(40 + (ulong)shape);
        var x = Random(rng, batch * s.InputSize);
        var y = new float[batch * s.OutputSize];
        var argmax = new int[y.Length];
        Pool2d.MaxForward(s, batch, x, y, argmax);
        var expected = MaxReference(s, batch, ToDouble(x));
        Close(expected, y, 0, "y");
        for (int k = 0; k < y.Length; k++)
            Assert.Equal(y[k], x[k / s.OutPlane * s.InPlane + argmax[k]]);

        var r = Random(rng, y.Length);
        var dx = new float[x.Length];
        Pool2d.MaxBackward(s, batch, r, argmax, dx, accumulate: false);
        var xd = ToDouble(x);
        // Random values are distinct, so a step of 1e-6 never changes a window's winner.
        MatchesFiniteDifferences(xd, dx, p => Dot(ToDouble(r), MaxReference(s, batch, p)), "dx", checks: 40, h: 1e-6, tolerance: 1e-6);

        var before = Random(rng, x.Length);
        var sum = (float[])before.Clone();
        Pool2d.MaxBackward(s, batch, r, argmax, sum, accumulate: true);
        Bitwise(before.Select((b, i) => AddInOrder(b, s, batch, r, argmax, i)).ToArray(), sum, "dx accumulated");
    }

    /// <summary>before[i] plus the dy values routed to i, added in output order (what the kernel promises).</summary>
    private static float AddInOrder(float before, Pool2dShape s, int batch, float[] dy, int[] argmax, int i)
    {
        int plane = i / s.InPlane, at = i % s.InPlane;
        for (int k = plane * s.OutPlane; k < (plane + 1) * s.OutPlane; k++)
            if (argmax[k] == at) before += dy[k];
        return before;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AveragePoolingMatchesTheDefinitionAndFiniteDifferences(int shape, int batch)
    {
        var s = Shapes[shape];
        var rng = new SeededRandom(50 + (ulong)shape);
        var x = Random(rng, batch * s.InputSize);
        var y = new float[batch * s.OutputSize];
        Pool2d.AverageForward(s, batch, x, y);
        Close(AverageReference(s, batch, ToDouble(x)), y, 1e-6, "y");

        var r = Random(rng, y.Length);
        var dx = new float[x.Length];
        Pool2d.AverageBackward(s, batch, r, dx, accumulate: false);
        MatchesFiniteDifferences(ToDouble(x), dx, p => Dot(ToDouble(r), AverageReference(s, batch, p)), "dx", checks: 40, tolerance: 1e-5);

        var sum = Random(rng, x.Length);
        var expected = sum.Select((b, i) => (double)b + dx[i]).ToArray();
        Pool2d.AverageBackward(s, batch, r, sum, accumulate: true);
        Close(expected, sum, 1e-6, "dx accumulated");
    }

    [Fact]
    public void PaddingNeverWinsAndNaNPropagates()
    {
        var s = new Pool2dShape(1, 2, 2, 3, 3, 1, 1, 1, 1);
        var x = new float[] { -5f, -7f, -6f, -8f };
        var y = new float[4];
        var argmax = new int[4];
        Pool2d.MaxForward(s, 1, x, y, argmax);
        Assert.Equal(new[] { -5f, -5f, -5f, -5f }, y);
        Assert.Equal(new[] { 0, 0, 0, 0 }, argmax);

        x[3] = float.NaN;
        Pool2d.MaxForward(s, 1, x, y, argmax);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
        Assert.Equal(new[] { 3, 3, 3, 3 }, argmax);

        // An all −∞ window still points at a real element (the first of the window).
        Array.Fill(x, float.NegativeInfinity);
        Pool2d.MaxForward(s, 1, x, y, argmax);
        Assert.Equal(new[] { 0, 0, 0, 0 }, argmax);
    }

    [Fact]
    public void TwoByTwoWindowsPropagateNaNAndKeepTheScanOrder()
    {
        var s = new Pool2dShape(1, 2, 40, 2, 2, 2, 2);
        var x = new float[80];
        x[3] = float.NaN;              // window 1: NaN in the top row wins over the larger 5 below it
        x[40 + 2] = 5f;
        x[40 + 35] = float.NaN;        // window 17 (ragged end): the last NaN wins
        x[35 - 1] = float.NaN;
        x[40 + 20] = 1f; x[40 + 21] = 1f; // window 10: a tie goes to the first in scan order
        var y = new float[20];
        var argmax = new int[20];
        Pool2d.MaxForward(s, 1, x, y, argmax);
        Assert.True(float.IsNaN(y[1]));
        Assert.Equal(3, argmax[1]);
        Assert.True(float.IsNaN(y[17]));
        Assert.Equal(75, argmax[17]);
        Assert.Equal(1f, y[10]);
        Assert.Equal(60, argmax[10]);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0, argmax[0]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(784)]
    public void ABadArgmaxIsNamedAndLeavesDxAsItWas(int bad)
    {
        var s = new Pool2dShape(6, 28, 28, 2, 2, 2, 2);
        const int batch = 3;
        var argmax = new int[batch * s.OutputSize];
        argmax[700] = bad; // past the vector blocks' start, inside one
        var dx = Enumerable.Repeat(2f, batch * s.InputSize).ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Pool2d.MaxBackward(s, batch, new float[argmax.Length], argmax, dx, accumulate: false));
        Assert.Contains($"argmax[700] = {bad} is not an index within an input plane of 784 floats", e.Message);
        Assert.All(dx, v => Assert.Equal(2f, v));
    }

    [Theory]
    [InlineData(0, ActivationName.Relu)]
    [InlineData(1, ActivationName.LeakyRelu)]   // overlapping windows: a pixel can win twice
    [InlineData(6, ActivationName.Relu)]        // LeNet's second pooling
    [InlineData(1, ActivationName.Sigmoid)]
    [InlineData(6, ActivationName.Tanh)]
    public void MaxBackwardWithAFusedDerivativeEqualsTheTwoSteps(int shape, ActivationName activation)
    {
        var s = Shapes[shape];
        const int batch = 3;
        var rng = new SeededRandom(60 + (ulong)shape);
        var source = Random(rng, batch * s.InputSize);
        for (int i = 0; i < source.Length; i += 3) source[i] = activation == ActivationName.Relu ? 0f : -source[i] * 0.1f; // activation outputs
        var pooled = new float[batch * s.OutputSize];
        var argmax = new int[pooled.Length];
        Pool2d.MaxForward(s, batch, source, pooled, argmax);
        var dy = Random(rng, pooled.Length);

        var routed = new float[source.Length];
        Pool2d.MaxBackward(s, batch, dy, argmax, routed, accumulate: false);
        var expected = new float[source.Length];
        ActivationCases.Backward(activation, 0.1f, source, routed, expected, accumulate: false);

        var fused = Enumerable.Repeat(5f, source.Length).ToArray(); // overwritten, not added to
        ActivationCases.With(activation, 0.1f, new FusedMaxBackward(s, batch, dy, argmax, fused, source));
        Bitwise(expected, fused, activation.ToString()); // signed zeros and pixels that win twice included
    }

    [Fact]
    public void MaxBackwardFusesOnlyDerivativesTakenFromTheOutput()
    {
        var s = new Pool2dShape(1, 4, 4, 2, 2, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => Pool2d.MaxBackward(s, 1, new float[4], new int[4], new float[16], new Gelu(), new float[16]));
        Assert.Contains("only activations whose derivative is taken from their output are fused", e.Message);
        Assert.Contains("source", Assert.Throws<ArgumentException>(() => Pool2d.MaxBackward(s, 1, new float[4], new int[4], new float[16], new Relu(), new float[15])).Message);
    }

    private readonly record struct FusedMaxBackward(Pool2dShape Shape, int Batch, float[] Dy, int[] Argmax, float[] Dx, float[] Source) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> => Pool2d.MaxBackward(Shape, Batch, Dy, Argmax, Dx, activation, Source);
    }

    [Fact]
    public void TiesGoToTheFirstElementInRowMajorOrder()
    {
        var s = new Pool2dShape(1, 4, 4, 2, 2, 2, 2);
        var x = new float[16];
        Array.Fill(x, 1f);
        x[5] = 2f; x[6] = 2f; // window (0, 0) holds 5 once; window (0, 1) holds 6 and 7...
        x[7] = 2f;
        var y = new float[4];
        var argmax = new int[4];
        Pool2d.MaxForward(s, 1, x, y, argmax);
        Assert.Equal(new[] { 5, 6, 8, 10 }, argmax);
    }

    [Fact]
    public void GlobalAverageMatchesTheDefinitionAndFiniteDifferences()
    {
        const int batch = 3, channels = 4, plane = 37;
        var rng = new SeededRandom(60);
        var x = Random(rng, batch * channels * plane);
        var y = new float[batch * channels];
        Pool2d.GlobalAverageForward(batch, channels, plane, x, y);
        double[] Reference(double[] v) => Enumerable.Range(0, batch * channels).Select(p => v.Skip(p * plane).Take(plane).Average()).ToArray();
        Close(Reference(ToDouble(x)), y, 1e-6, "y");

        var r = Random(rng, y.Length);
        var dx = new float[x.Length];
        Pool2d.GlobalAverageBackward(batch, channels, plane, r, dx, accumulate: false);
        MatchesFiniteDifferences(ToDouble(x), dx, p => Dot(ToDouble(r), Reference(p)), "dx", checks: 30, tolerance: 1e-6);
        var again = (float[])dx.Clone();
        Pool2d.GlobalAverageBackward(batch, channels, plane, r, again, accumulate: true);
        Bitwise(dx.Select(v => v + v).ToArray(), again, "dx accumulated");
    }

    [Fact]
    public void ShapesFollowPyTorchAndInvalidOnesAreRejected()
    {
        Assert.Equal((4, 4), (new Pool2dShape(1, 9, 9, 2, 2, 2, 2).OutHeight, new Pool2dShape(1, 9, 9, 2, 2, 2, 2).OutWidth));
        Assert.Equal(4, new Pool2dShape(1, 7, 7, 3, 3, 2, 2, 1, 1).OutHeight);
        Names<ArgumentException>(() => new Pool2dShape(1, 8, 8, 3, 3, 1, 1, 2, 1).Validate(), "shape", "PadH", "KernelH/2 = 1", "is 2");
        Names<ArgumentException>(() => new Pool2dShape(1, 8, 8, 2, 2, 0, 1).Validate(), "shape", "StrideH must be positive");
        Names<ArgumentException>(() => new Pool2dShape(1, 1, 8, 4, 2, 1, 1, 1, 0).Validate(), "shape", "InHeight + 2·PadH is only 3");
        Names<ArgumentException>(() => new Pool2dShape(0, 8, 8, 2, 2, 2, 2).Validate(), "shape", "Channels must be positive");
    }

    [Fact]
    public void ArgumentErrorsNameTheArgumentAndTheLengths()
    {
        var s = new Pool2dShape(2, 4, 4, 2, 2, 2, 2);
        Names<ArgumentException>(() => Pool2d.MaxForward(s, 3, new float[95], new float[24], new int[24]), "x", "96", "95", "[3, 2, 4, 4]");
        Names<ArgumentException>(() => Pool2d.MaxForward(s, 3, new float[96], new float[24], new int[23]), "argmax", "24", "23");
        Names<ArgumentException>(() => Pool2d.AverageForward(s, 3, new float[96], new float[20]), "y", "24", "20");
        Names<ArgumentException>(() => Pool2d.AverageBackward(s, 3, new float[24], new float[90], false), "dx", "96", "90");
        Names<ArgumentOutOfRangeException>(() => Pool2d.MaxBackward(s, 1, new float[8], [0, 1, 2, 3, 4, 5, 16, 7], new float[32], false), "argmax", "argmax[6] = 16");
        Names<ArgumentOutOfRangeException>(() => Pool2d.MaxForward(s, -1, [], [], []), "batch", "at least 0", "-1");
        Names<ArgumentException>(() => Pool2d.GlobalAverageForward(2, 3, 5, new float[29], new float[6]), "x", "30", "29");
        Names<ArgumentException>(() => Pool2d.GlobalAverageBackward(2, 3, 5, new float[5], new float[30], false), "dy", "6", "5");
    }
}
