using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>The convolution shape's PyTorch output sizes, its validation, and the kernels' argument checks.</summary>
public class Conv2dShapeTests
{
    [Theory]
    // (in, kernel, stride, pad, dilation) → floor((in + 2p − d(k−1) − 1)/s) + 1, as torch.nn.Conv2d
    [InlineData(28, 5, 1, 0, 1, 24)]
    [InlineData(28, 3, 1, 1, 1, 28)]
    [InlineData(28, 3, 2, 1, 1, 14)]
    [InlineData(7, 3, 2, 1, 1, 4)]
    [InlineData(8, 3, 1, 2, 2, 8)]
    [InlineData(9, 3, 3, 0, 2, 2)]
    [InlineData(5, 5, 1, 0, 1, 1)]
    [InlineData(1, 1, 4, 0, 1, 1)]
    public void OutputSizesFollowPyTorch(int size, int kernel, int stride, int pad, int dilation, int expected)
    {
        var s = new Conv2dShape(1, size, size + 1, 1, kernel, kernel, stride, stride, pad, pad, dilation, dilation);
        Assert.Equal(expected, s.OutHeight);
        Assert.Equal((size + 1 + 2 * pad - dilation * (kernel - 1) - 1) / stride + 1, s.OutWidth);
        s.Validate();
    }

    [Fact]
    public void DerivedSizesDescribeTheTensors()
    {
        var s = new Conv2dShape(6, 12, 10, 9, 3, 2, PadH: 1, Groups: 3);
        Assert.Equal((2, 3), (s.GroupInChannels, s.GroupOutChannels));
        Assert.Equal((12, 9), (s.OutHeight, s.OutWidth));
        Assert.Equal(6 * 120, s.InputSize);
        Assert.Equal(9 * 108, s.OutputSize);
        Assert.Equal(9 * 2 * 3 * 2, s.WeightSize);
        Assert.Contains("6→9 k3×2", s.ToString());
    }

    [Fact]
    public void InvalidShapesAreRejectedWithTheReason()
    {
        Names<ArgumentException>(() => new Conv2dShape(6, 8, 8, 4, 3, 3, Groups: 4).Validate(), "shape", "InChannels (6) must be divisible by Groups (4)");
        Names<ArgumentException>(() => new Conv2dShape(4, 8, 8, 6, 3, 3, Groups: 4).Validate(), "shape", "OutChannels (6) must be divisible by Groups (4)");
        Names<ArgumentException>(() => new Conv2dShape(1, 4, 8, 1, 5, 3).Validate(), "shape", "spans 5", "InHeight + 2·pad is only 4");
        Names<ArgumentException>(() => new Conv2dShape(1, 8, 8, 1, 3, 3, DilationW: 4).Validate(), "shape", "spans 9", "InWidth");
        Names<ArgumentException>(() => new Conv2dShape(1, 8, 8, 1, 3, 3, StrideH: 0).Validate(), "shape", "StrideH must be positive but is 0");
        Names<ArgumentException>(() => new Conv2dShape(1, 8, 8, 1, 3, 3, PadW: -1).Validate(), "shape", "PadW must not be negative");
        Names<ArgumentException>(() => new Conv2dShape(0, 8, 8, 1, 3, 3).Validate(), "shape", "InChannels must be positive");
        Names<ArgumentException>(() => new Conv2dShape(50000, 300, 300, 1, 1, 1).Validate(), "shape", "too large");
    }

    [Fact]
    public void KernelsNameTheArgumentAndTheExpectedLength()
    {
        var s = new Conv2dShape(2, 5, 5, 3, 3, 3, PadH: 1, PadW: 1);
        float[] x = new float[2 * 50], w = new float[54], y = new float[2 * 75];
        Names<ArgumentException>(() => Conv2d.Forward(s, 2, new float[99], w, [], y), "x", "100", "99", "[batch, InChannels, InHeight, InWidth] = [2, 2, 5, 5]");
        Names<ArgumentException>(() => Conv2d.Forward(s, 2, x, new float[53], [], y), "weight", "54", "53", "[3, 2, 3, 3]");
        Names<ArgumentException>(() => Conv2d.Forward(s, 2, x, w, new float[2], y), "bias", "empty or hold 3", "holds 2");
        Names<ArgumentException>(() => Conv2d.Forward(s, 2, x, w, [], new float[149]), "y", "150", "149");
        Names<ArgumentOutOfRangeException>(() => Conv2d.Forward(s, -1, x, w, [], y), "batch", "-1");
        Names<ArgumentException>(() => Conv2d.BackwardInput(s, 2, new float[10], w, x, false), "dy", "150", "10");
        Names<ArgumentException>(() => Conv2d.BackwardInput(s, 2, y, w, new float[10], false), "dx", "100", "10");
        Names<ArgumentException>(() => Conv2d.BackwardWeight(s, 2, x, y, new float[50], [], false), "dweight", "54", "50");
        Names<ArgumentException>(() => Conv2d.BackwardWeight(s, 2, x, y, w, new float[4], false), "dbias", "empty or hold 3");
        Names<ArgumentException>(() => Conv2d.BackwardWeight(s with { Groups = 4 }, 2, x, y, w, [], false), "shape", "divisible");
    }
}

/// <summary>The measured rule of <see cref="ConvAlgorithms"/> (docs/kernels.md): a change to it must change the documentation too.</summary>
public class ConvAlgorithmRuleTests
{
    [Theory]
    // forward, input gradient, weight gradient (with AVX-512; without it, always the GEMM)
    [InlineData(1, 28, 6, 5, 1, 0, 1, "Direct", "Im2ColGemm", "Direct")]          // LeNet conv1
    [InlineData(6, 14, 16, 5, 1, 0, 1, "Direct", "Direct", "Direct")]             // LeNet conv2: 58% of the lanes
    [InlineData(6, 12, 16, 5, 1, 0, 1, "Direct", "Direct", "Direct")]             // 56%
    [InlineData(6, 8, 16, 5, 1, 0, 1, "Direct", "Im2ColGemm", "Direct")]          // 50%: the GEMM
    [InlineData(16, 28, 16, 3, 1, 1, 1, "Direct", "Direct", "Direct")]            // ResNet
    [InlineData(16, 14, 16, 3, 1, 1, 1, "ChannelsLast", "ChannelsLast", "Direct")] // 16 channels, rows of 14 (one block): channels last
    [InlineData(32, 14, 32, 3, 1, 1, 1, "ChannelsLast", "ChannelsLast", "Winograd")] // 1024 channel pairs: Winograd's weight gradient
    [InlineData(32, 14, 32, 3, 1, 1, 32, "Direct", "Direct", "Direct")]           // depthwise
    [InlineData(3, 32, 16, 3, 1, 1, 1, "Direct", "Direct", "Direct")]             // 3 of 4 lanes of a block, wide image
    [InlineData(64, 7, 64, 3, 1, 1, 1, "Winograd", "Winograd", "Winograd")]      // 64 channels and more: Winograd
    [InlineData(64, 16, 64, 3, 1, 1, 1, "Winograd", "Winograd", "Winograd")]
    [InlineData(128, 8, 128, 3, 1, 1, 1, "Winograd", "Winograd", "Winograd")]
    [InlineData(32, 16, 64, 3, 1, 1, 1, "ChannelsLast", "ChannelsLast", "Winograd")] // 32 input channels: Winograd's weight gradient alone
    [InlineData(3, 32, 64, 3, 1, 1, 1, "Direct", "Direct", "Direct")]             // a stem
    [InlineData(64, 224, 64, 3, 1, 1, 1, "Direct", "Direct", "Im2ColGemm")]       // a large plane: Winograd's scratch would be 100 MB
    [InlineData(32, 14, 64, 1, 1, 0, 1, "Im2ColGemm", "Im2ColGemm", "Im2ColGemm")] // 1×1
    [InlineData(16, 28, 32, 3, 2, 1, 1, "ChannelsLast", "Im2ColGemm", "Im2ColGemm")] // stride 2
    public void TheRulePicksTheMeasuredWinner(int inC, int size, int outC, int k, int stride, int pad, int groups,
        string forward, string backwardInput, string backwardWeight)
    {
        var s = new Conv2dShape(inC, size, size, outC, k, k, stride, stride, pad, pad, Groups: groups);
        if (!System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            forward = backwardInput = backwardWeight = "Im2ColGemm"; // the direct and Winograd kernels need AVX-512
        Assert.Equal(forward, ConvAlgorithms.Forward(s).ToString());
        Assert.Equal(backwardInput, ConvAlgorithms.BackwardInput(s).ToString());
        Assert.Equal(backwardWeight, ConvAlgorithms.BackwardWeight(s).ToString());
    }

    [Theory]
    [InlineData(1, 28, 6, 5, 0, 1.0 / 4 * 28 / 32)]   // LeNet conv1: 1 of 4 lanes; dy 24 wide padded by 4 on each side
    [InlineData(6, 12, 16, 5, 0, 6.0 / 8 * 12 / 16)]  // LeNet conv2
    [InlineData(16, 28, 16, 3, 1, 28.0 / 30)]         // ResNet: full blocks, one column of padding each side
    public void InputGradientLaneUseIsChannelsTimesColumnsKept(int inC, int size, int outC, int k, int pad, double expected)
    {
        var s = new Conv2dShape(inC, size, size, outC, k, k, PadH: pad, PadW: pad);
        Assert.Equal(expected, ConvAlgorithms.InputGradientLaneUse(s), 12);
    }
}
