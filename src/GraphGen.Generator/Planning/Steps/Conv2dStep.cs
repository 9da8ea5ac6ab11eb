using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>The geometry of a 2-D convolution, as the runtime's Conv2dShape takes it.</summary>
internal sealed record ConvGeometry(int InChannels, int InHeight, int InWidth, int OutChannels, int Kernel, int Stride, int Padding, int Dilation, int Groups)
{
    public int OutHeight => (InHeight + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1;
    public int OutWidth => (InWidth + 2 * Padding - Dilation * (Kernel - 1) - 1) / Stride + 1;

    /// <summary>C# that builds the runtime shape.</summary>
    public string Code =>
        $"new global::GraphGen.Kernels.Conv2dShape({InChannels}, {InHeight}, {InWidth}, {OutChannels}, {Kernel}, {Kernel}, {Stride}, {Stride}, {Padding}, {Padding}, {Dilation}, {Dilation}, {Groups})";
}

/// <summary>y = conv2d(x, W) + b, then an optional activation fused into the output pass.</summary>
internal sealed record Conv2dStep(ConvGeometry Geometry, Operand X, Operand Weight, Operand? Bias, Operand Y) : KernelStep
{
    public string Activation { get; init; } = "None";
    public double Slope { get; init; }

    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return X;
            yield return Weight;
            if (Bias is not null) yield return Bias;
        }
    }

    public override IEnumerable<Operand> Writes { get { yield return Y; } }
}
