using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// The direct kernel's rows from its registers against its wide buffer. The switch between them
/// (<see cref="ConvDirect.RowsDisabled"/>) is process-wide, so this runs alone: no other test sees
/// the wide path while it expects the rows (both give the same bits, but a test of the rows would
/// then test nothing).
/// </summary>
[Collection(GemmCollection.Name)]
public class ConvDirectRowsTests
{
    /// <summary>
    /// The direct kernel's forward pass writes rows of 17–32 columns straight from its registers;
    /// through the wide buffer they have the same bits (the same sums, bias and activation).
    /// </summary>
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void DirectRowsFromRegistersHaveTheWideBuffersBits(int shape, bool withBias)
    {
        Conv2dShape[] shapes =
        [
            new(1, 28, 28, 16, 3, 3, PadH: 1, PadW: 1),                                     // FashionResNet's stem
            new(3, 32, 32, 64, 3, 3, PadH: 1, PadW: 1),                                     // ResNet64's stem: rows of exactly 32
            Conv2dTests.Shapes[^2],
            Conv2dTests.Shapes[^1],
        ];
        var s = shapes[shape];
        var p = Conv2dTests.Problem.Create(s, 3, 17);
        float[] Run(bool wide)
        {
            var y = new float[p.Batch * s.OutputSize];
            ConvDirect.RowsDisabled = wide;
            try
            {
                Conv2dTests.Using("Direct", () => { Conv2d.Forward(in s, p.Batch, p.X, p.W, withBias ? p.Bias : default, y, new Relu()); return 0; });
            }
            finally
            {
                ConvDirect.RowsDisabled = false;
            }
            return y;
        }
        Assert.True(ConvDirect.WritesRows(ConvDirect.Geometry.Forward(in s)) || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        Bitwise(Run(wide: true), Run(wide: false), $"{s}: rows from the registers");
    }

    /// <summary>The shapes the pooled and plain tests give the rows path do take it (on AVX-512).</summary>
    [Fact]
    public void RowShapesTakeTheRowsPath()
    {
        if (!System.Runtime.Intrinsics.X86.Avx512F.IsSupported) return;
        var pool = (Conv2dShape s) => new Pool2dShape(s.OutChannels, s.OutHeight, s.OutWidth, 2, 2, 2, 2, 0, 0);
        foreach (var s in new Conv2dShape[] { new(1, 28, 28, 16, 3, 3, PadH: 1, PadW: 1), new(1, 28, 28, 6, 5, 5, PadH: 2, PadW: 2),
                     new(2, 19, 21, 8, 3, 3, PadH: 1, PadW: 1), new(4, 18, 18, 8, 3, 3, PadH: 1, PadW: 1, Groups: 2), new(16, 32, 32, 16, 3, 3, PadH: 1, PadW: 1) })
            Assert.True(ConvDirect.PoolsRows(in s, pool(s)), $"{s} should pool its rows from the registers");
        Assert.False(ConvDirect.PoolsRows(new Conv2dShape(4, 14, 14, 8, 3, 3, PadH: 1, PadW: 1), new Pool2dShape(8, 14, 14, 2, 2, 2, 2, 0, 0)), "rows of 14 go through the wide buffer");
    }
}
