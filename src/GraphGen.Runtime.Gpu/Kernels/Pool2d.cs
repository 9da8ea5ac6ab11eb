using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// Max, average and global average pooling on the device (the CPU's <c>GraphGen.Kernels.Pool2d</c>:
/// PyTorch's <c>MaxPool2d</c>, <c>AvgPool2d</c> with count_include_pad = true, ceil_mode = false).
/// Window (i, j) covers rows i·sh − ph .. i·sh − ph + KH − 1 and columns j·sw − pw .. j·sw − pw + KW − 1,
/// clipped to the image:
/// <code>
/// max      y[i, j] = max over the window;  argmax[i, j] = h·W + w of the first maximum in row-major order
///          (a NaN wins); dx[h, w] = Σ dy[i, j] over the windows whose argmax is (h, w)
/// average  y[i, j] = (Σ over the window) / (KH·KW);  dx[h, w] = Σ dy[i, j] / (KH·KW) over the windows holding (h, w)
/// global   y[b, c] = (Σ_p x[b, c, p]) / P;  dx[b, c, p] = dy[b, c] / P
/// </code>
/// </summary>
/// <remarks>
/// One thread per output element forward, one per input element backward: a backward thread
/// gathers from the windows that hold its element, in the row-major order of the windows, starting
/// from 0 or the old value, which is the chain of additions the CPU's scatter performs on that
/// element. So max and average pooling match the CPU bit for bit, with no atomics. The global
/// average's sum is one chain in position order (the CPU adds in vector lanes: rounding differs).
/// </remarks>
public static partial class Pool2d
{
    /// <summary>y = max over each window; argmax holds the index within the input plane (h·InWidth + w) of the winner.</summary>
    public static void MaxForward(GpuDevice device, in Pool2dShape s, int batch, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax)
    {
        const string Kernel = "Pool2d.MaxForward";
        Check(in s, batch, Kernel, nameof(x), x.Length, nameof(y), y.Length);
        KernelChecks.Length(Length(argmax.Length), Kernel, nameof(argmax), "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
        var g = new PoolGeometry(in s, batch);
        if (g.OutputCount == 0) return;
        device.Kernel(MaxForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(MaxForwardMethod))(g.OutputCount, g, x, y, argmax);
    }

    /// <summary>
    /// dx (+)= dy routed to each window's winner. argmax must come from <see cref="MaxForward"/>:
    /// an index outside its own window routes nothing (the CPU checks the indices; here that would
    /// cost a copy to the host).
    /// </summary>
    public static void MaxBackward(GpuDevice device, in Pool2dShape s, int batch, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, bool accumulate) =>
        MaxBackwardChecked(device, in s, batch, dy, argmax, dx, accumulate, default, default(Identity));

    /// <summary>
    /// Max pooling backward with the derivative of the activation that produced the pooled input:
    /// dx = (dy routed to each window's winner) ⊙ f′(s), s the activation's output, in one pass.
    /// Only for activations whose derivative is taken from their output, as on the CPU.
    /// </summary>
    public static void MaxBackward<TAct>(GpuDevice device, in Pool2dShape s, int batch, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx,
        TAct activation, ArrayView<float> source) where TAct : struct, IActivation<TAct>
    {
        if (TAct.DerivativeFromInput)
            throw new ArgumentException($"{MaxBackwardKernel}: only activations whose derivative is taken from their output are fused into max pooling, not {typeof(TAct).Name}.", nameof(activation));
        KernelChecks.Length(Length(source.Length), MaxBackwardKernel, nameof(source), "[batch, Channels, InHeight, InWidth]", batch, s.Channels, s.InHeight, s.InWidth);
        MaxBackwardChecked(device, in s, batch, dy, argmax, dx, accumulate: false, source, activation);
    }

    private const string MaxBackwardKernel = "Pool2d.MaxBackward";

    private static void MaxBackwardChecked<TAct>(GpuDevice device, in Pool2dShape s, int batch, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx,
        bool accumulate, ArrayView<float> source, TAct activation) where TAct : struct, IActivation<TAct>
    {
        Check(in s, batch, MaxBackwardKernel, nameof(dx), dx.Length, nameof(dy), dy.Length);
        KernelChecks.Length(Length(argmax.Length), MaxBackwardKernel, nameof(argmax), "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
        var g = new PoolGeometry(in s, batch);
        if (g.InputCount == 0) return;
        device.Kernel(MaxBackwardKernels<TAct>.Method.Method, a => a.LoadAutoGroupedStreamKernel(MaxBackwardKernels<TAct>.Method))(
            g.InputCount, g, dy, argmax, dx, accumulate ? 1 : 0, source, source.Length > 0 ? 1 : 0, activation);
    }

    /// <summary>y = (Σ over each window) / (KH·KW).</summary>
    public static void AverageForward(GpuDevice device, in Pool2dShape s, int batch, ArrayView<float> x, ArrayView<float> y)
    {
        Check(in s, batch, "Pool2d.AverageForward", nameof(x), x.Length, nameof(y), y.Length);
        var g = new PoolGeometry(in s, batch);
        if (g.OutputCount == 0) return;
        device.Kernel(AverageForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(AverageForwardMethod))(g.OutputCount, g, x, y);
    }

    /// <summary>dx (+)= Σ over the windows holding each element of dy / (KH·KW).</summary>
    public static void AverageBackward(GpuDevice device, in Pool2dShape s, int batch, ArrayView<float> dy, ArrayView<float> dx, bool accumulate)
    {
        Check(in s, batch, "Pool2d.AverageBackward", nameof(dx), dx.Length, nameof(dy), dy.Length);
        var g = new PoolGeometry(in s, batch);
        if (g.InputCount == 0) return;
        device.Kernel(AverageBackwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(AverageBackwardMethod))(g.InputCount, g, dy, dx, accumulate ? 1 : 0);
    }

    /// <summary>y[b, c] = mean of x[b, c, :] over its <paramref name="planeSize"/> = H·W positions: [B, C, H, W] → [B, C].</summary>
    public static void GlobalAverageForward(GpuDevice device, int batch, int channels, int planeSize, ArrayView<float> x, ArrayView<float> y)
    {
        CheckGlobal(batch, channels, planeSize, "Pool2d.GlobalAverageForward", x.Length, y.Length, nameof(x), nameof(y));
        int planes = batch * channels;
        if (planes == 0) return;
        device.Kernel(GlobalForwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(GlobalForwardMethod))(planes, x, y, planeSize);
    }

    /// <summary>dx[b, c, p] (+)= dy[b, c] / planeSize.</summary>
    public static void GlobalAverageBackward(GpuDevice device, int batch, int channels, int planeSize, ArrayView<float> dy, ArrayView<float> dx, bool accumulate)
    {
        CheckGlobal(batch, channels, planeSize, "Pool2d.GlobalAverageBackward", dx.Length, dy.Length, nameof(dx), nameof(dy));
        int count = batch * channels * planeSize;
        if (count == 0) return;
        device.Kernel(GlobalBackwardMethod.Method, a => a.LoadAutoGroupedStreamKernel(GlobalBackwardMethod))(count, dy, dx, planeSize, accumulate ? 1 : 0);
    }

    private static void Check(in Pool2dShape s, int batch, string kernel, string inputName, long inputLength, string outputName, long outputLength)
    {
        s.Validate();
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.Length(Length(inputLength), kernel, inputName, "[batch, Channels, InHeight, InWidth]", batch, s.Channels, s.InHeight, s.InWidth);
        KernelChecks.Length(Length(outputLength), kernel, outputName, "[batch, Channels, OutHeight, OutWidth]", batch, s.Channels, s.OutHeight, s.OutWidth);
    }

    private static void CheckGlobal(int batch, int channels, int planeSize, string kernel, long planesLength, long valuesLength, string planesName, string valuesName)
    {
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.NotLess(channels, 1, kernel, nameof(channels));
        KernelChecks.NotLess(planeSize, 1, kernel, nameof(planeSize));
        KernelChecks.Length(Length(planesLength), kernel, planesName, "[batch, channels, planeSize]", batch, channels, planeSize);
        KernelChecks.Length(Length(valuesLength), kernel, valuesName, "[batch, channels]", batch, channels);
    }

    private static int Length(long length) => (int)Math.Min(length, int.MaxValue);
}
