using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// 2-D convolution on the device (the CPU's <c>GraphGen.Kernels.Conv2d</c>: cross-correlation as
/// PyTorch's <c>nn.Conv2d</c>, NCHW, any stride, padding, dilation and groups), its input gradient
/// and its weight and bias gradients:
/// <code>
/// y[b, o, i, j]  = f(bias[o] + Σ_{c,u,v} W[o, c, u, v] · x[b, g·ICg + c, i·sh − ph + u·dh, j·sw − pw + v·dw])
/// dx[b, c', h, w] = Σ_{o,u,v,i,j : h = i·sh − ph + u·dh, w = j·sw − pw + v·dw} W[o, c, u, v] · dy[b, o, i, j]
/// dW[o, c, u, v]  = Σ_{b,i,j} dy[b, o, i, j] · x[b, g·ICg + c, i·sh − ph + u·dh, j·sw − pw + v·dw]
/// dbias[o]        = Σ_{b,i,j} dy[b, o, i, j]
/// </code>
/// with g = o / OCg the group of output channel o and x outside the image (padding) 0.
/// </summary>
/// <remarks>
/// Two ways to compute each pass, both without atomics and each value one chain of multiply-adds
/// in a fixed order, so every launch gives the same bits:
/// <list type="bullet">
/// <item>direct kernels: one thread per output element (forward), per input element (input
/// gradient: it gathers from the outputs its value reached, nothing is scattered), and per weight
/// element and slice of the batch's positions (weight gradient; the slices' partial sums are then
/// added in slice order, a second launch that a single slice does without);</item>
/// <item>implicit GEMMs (<c>Conv2d.Tiled.cs</c>): each pass is a GEMM per group whose operands are
/// gathered from the tensors as the tiles are loaded (im2col without its buffer), computed by
/// 16 × 16 threads per 64 × 64 tile with both operands staged in shared memory.</item>
/// </list>
/// <see cref="PathFor"/> picks the tiled form where the GEMM fills its tiles. The two forms add in
/// the same order but differ in where they skip padding, and the CPU adds in another order (im2col +
/// its GEMM, or its direct kernel), so the results agree to rounding, not bit for bit.
/// </remarks>
public static partial class Conv2d
{
    /// <summary>y = W ⋆ x + bias; bias [OutChannels] or empty.</summary>
    public static void Forward(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y) =>
        Forward(device, in s, batch, x, weight, bias, y, default(Identity));

    /// <summary>y = f(W ⋆ x + bias): the activation applied to each output as it is written.</summary>
    public static void Forward<TAct>(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> y, TAct activation) where TAct : struct, IActivation<TAct> =>
        Forward(device, in s, batch, x, weight, bias, y, activation, ConvPath.Auto);

    /// <summary><see cref="Forward{TAct}(GpuDevice, in Conv2dShape, int, ArrayView{float}, ArrayView{float}, ArrayView{float}, ArrayView{float}, TAct)"/> by the given path (tests compare both).</summary>
    internal static void Forward<TAct>(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> y, TAct activation, ConvPath path) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.Forward";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckOutput(in s, batch, Kernel, nameof(y), y.Length);
        KernelChecks.EmptyOrExactly(Length(bias), s.OutChannels, Kernel, nameof(bias), "[OutChannels]");
        if (batch == 0) return;
        var g = new ConvGeometry(in s, batch);
        if (Choose(path, g.GroupOutChannels, (long)batch * s.OutPlane, s.GroupWeightColumns) == ConvPath.Tiled)
        {
            TiledForward(device, g, x, weight, bias, y, activation);
            return;
        }
        device.Kernel(ForwardKernels<TAct>.Method.Method, a => a.LoadAutoGroupedStreamKernel(ForwardKernels<TAct>.Method))(
            g.OutputCount, g, x, weight, bias, y, bias.Length > 0 ? 1 : 0, activation);
    }

    /// <summary>
    /// y = maxpool(f(W ⋆ x + bias)), the convolution's output never stored (inference; no argmax):
    /// one thread per pooled output computes the outputs of its window as the direct forward kernel
    /// does and keeps their maximum as the max pooling does. <paramref name="pool"/> pools the
    /// convolution's output planes.
    /// </summary>
    public static void ForwardMaxPooled(GpuDevice device, in Conv2dShape s, in Pool2dShape pool, int batch, ArrayView<float> x, ArrayView<float> weight,
        ArrayView<float> bias, ArrayView<float> y) => ForwardMaxPooled(device, in s, in pool, batch, x, weight, bias, y, default(Identity));

    /// <summary>y = maxpool(f(W ⋆ x + bias)), as above with the activation applied to each output before the pooling.</summary>
    public static void ForwardMaxPooled<TAct>(GpuDevice device, in Conv2dShape s, in Pool2dShape pool, int batch, ArrayView<float> x, ArrayView<float> weight,
        ArrayView<float> bias, ArrayView<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardMaxPooled";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        GraphGen.Kernels.Conv2d.CheckPool(in s, in pool, Kernel);
        KernelChecks.Length(Length(y), Kernel, nameof(y), "[batch, OutChannels, pooled height, pooled width]", batch, pool.Channels, pool.OutHeight, pool.OutWidth);
        KernelChecks.EmptyOrExactly(Length(bias), s.OutChannels, Kernel, nameof(bias), "[OutChannels]");
        var p = new PoolGeometry(in pool, batch);
        if (p.OutputCount == 0) return;
        device.Kernel(ForwardKernels<TAct>.MaxPooled.Method, a => a.LoadAutoGroupedStreamKernel(ForwardKernels<TAct>.MaxPooled))(
            p.OutputCount, new ConvGeometry(in s, batch), p, x, weight, bias, y, bias.Length > 0 ? 1 : 0, activation);
    }

    /// <summary>y = W ⋆ x + bias + residual (inference: a residual block's last convolution and its sum).</summary>
    public static void ForwardResidual(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> residual, ArrayView<float> y) => ForwardResidual(device, in s, batch, x, weight, bias, residual, y, default(Identity));

    /// <summary>
    /// y = f(W ⋆ x + bias + residual): the convolution into y, then one thread per output adds the
    /// residual and applies the activation, so the convolution's output and the sum get no buffers of
    /// their own. residual and y must not overlap (ILGPU's views do not expose where they lie, so
    /// this is not checked here; the CPU kernel checks it, and the generated programs' memory plan
    /// never gives a step's output the buffer of a tensor it reads).
    /// </summary>
    public static void ForwardResidual<TAct>(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> residual, ArrayView<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardResidual";
        CheckOutput(in s, batch, Kernel, nameof(residual), residual.Length);
        Forward(device, in s, batch, x, weight, bias, y, default(Identity));
        int count = batch * s.OutputSize;
        if (count == 0) return;
        device.Kernel(ForwardKernels<TAct>.Residual.Method, a => a.LoadAutoGroupedStreamKernel(ForwardKernels<TAct>.Residual))(
            count, residual.SubView(0, count), y, activation);
    }

    /// <summary>dx (+)= the gradient with respect to x of Σ dy ⊙ (W ⋆ x): dy like y, dx like x.</summary>
    public static void BackwardInput(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> dx, bool accumulate) =>
        BackwardInput(device, in s, batch, dy, weight, dx, accumulate, ConvPath.Auto);

    /// <summary><see cref="BackwardInput(GpuDevice, in Conv2dShape, int, ArrayView{float}, ArrayView{float}, ArrayView{float}, bool)"/> by the given path.</summary>
    internal static void BackwardInput(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> dx,
        bool accumulate, ConvPath path)
    {
        const string Kernel = "Conv2d.BackwardInput";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckOutput(in s, batch, Kernel, nameof(dy), dy.Length);
        CheckInput(in s, batch, Kernel, nameof(dx), dx.Length);
        if (batch == 0) return;
        var g = new ConvGeometry(in s, batch);
        if (Choose(path, g.GroupInChannels, (long)batch * s.InPlane, (long)g.GroupOutChannels * s.KernelHeight * s.KernelWidth) == ConvPath.Tiled)
        {
            TiledBackwardInput(device, g, dy, weight, dx, accumulate);
            return;
        }
        device.Kernel(BackwardInputMethod.Method, a => a.LoadAutoGroupedStreamKernel(BackwardInputMethod))(
            g.InputCount, g, dy, weight, dx, accumulate ? 1 : 0);
    }

    /// <summary>
    /// dweight (+)= Σ_b dy_b ⋆ x_b (summed over the batch) and, unless <paramref name="dbias"/> is
    /// empty, dbias (+)= Σ_{b,i,j} dy[b, o, i, j]. The sums are complete before they meet the old
    /// values: accumulating gives exactly old + (what a write would have given).
    /// </summary>
    public static void BackwardWeight(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> dy,
        ArrayView<float> dweight, ArrayView<float> dbias, bool accumulate) =>
        BackwardWeight(device, in s, batch, x, dy, dweight, dbias, accumulate, ConvPath.Auto);

    /// <summary><see cref="BackwardWeight(GpuDevice, in Conv2dShape, int, ArrayView{float}, ArrayView{float}, ArrayView{float}, ArrayView{float}, bool)"/> by the given path.</summary>
    internal static void BackwardWeight(GpuDevice device, in Conv2dShape s, int batch, ArrayView<float> x, ArrayView<float> dy,
        ArrayView<float> dweight, ArrayView<float> dbias, bool accumulate, ConvPath path)
    {
        const string Kernel = "Conv2d.BackwardWeight";
        CheckCommon(in s, batch, Kernel, dweight.Length, nameof(dweight));
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckOutput(in s, batch, Kernel, nameof(dy), dy.Length);
        KernelChecks.EmptyOrExactly(Length(dbias), s.OutChannels, Kernel, nameof(dbias), "[OutChannels]");
        bool withBias = dbias.Length > 0;
        int weightSize = s.WeightSize, sums = weightSize + (withBias ? s.OutChannels : 0);
        if (batch == 0)
        {
            if (!accumulate)
            {
                Elementwise.Clear(device, dweight.SubView(0, weightSize));
                Elementwise.Clear(device, dbias);
            }
            return;
        }
        var g = new ConvGeometry(in s, batch);
        if (Choose(path, g.GroupOutChannels, s.GroupWeightColumns + (withBias ? 1 : 0), (long)batch * s.OutPlane) == ConvPath.Tiled)
        {
            TiledBackwardWeight(device, g, x, dy, dweight.SubView(0, weightSize), dbias, accumulate);
            return;
        }
        int slices = WeightSlices((long)batch * s.OutPlane, sums);
        var partials = slices > 1 ? device.Scratch((long)slices * sums) : default;
        var dw = dweight.SubView(0, weightSize);
        device.Kernel(WeightPartialsMethod.Method, a => a.LoadAutoGroupedStreamKernel(WeightPartialsMethod))(
            slices * sums, g, x, dy, partials, dw, dbias, sums, slices, accumulate ? 1 : 0);
        if (slices > 1)
            device.Kernel(WeightTotalsMethod.Method, a => a.LoadAutoGroupedStreamKernel(WeightTotalsMethod))(
                sums, partials, dw, dbias, weightSize, sums, slices, accumulate ? 1 : 0);
    }

    /// <summary>
    /// The weight gradient's sum over the batch·OH·OW positions is cut into this many consecutive
    /// slices (one thread, or one layer of tiles, per weight element and slice), whose partial sums
    /// are then added in slice order: about <see cref="PositionsPerSlice"/> positions a slice, at
    /// most <see cref="MaxSlices"/>, and never more partial sums than <see cref="MaxPartials"/>
    /// floats of scratch. The count depends on the sizes alone, never on the device, so the bits do
    /// not either.
    /// </summary>
    internal static int WeightSlices(long positions, int sums) =>
        (int)Math.Clamp((positions + PositionsPerSlice - 1) / PositionsPerSlice, 1, Math.Max(1, Math.Min(MaxSlices, MaxPartials / sums)));

    private const int MaxPartials = 1 << 24;
    private const int PositionsPerSlice = 256, MaxSlices = 64;

    /// <summary>
    /// The tiled form for a GEMM of m × n outputs per group and the given depth when it fills a good
    /// part of its 64 × 64 tiles: m ≥ 16, n ≥ 64 and a depth of at least 16 (so depthwise
    /// convolutions, m = 1, stay direct). A rule of thumb, not yet measured on a GPU; it depends on
    /// the sizes alone, so a network's bits never depend on the device.
    /// </summary>
    internal static ConvPath PathFor(long m, long n, long depth) => m >= 16 && n >= 64 && depth >= 16 ? ConvPath.Tiled : ConvPath.Direct;

    private static ConvPath Choose(ConvPath path, long m, long n, long depth) => path == ConvPath.Auto ? PathFor(m, n, depth) : path;

    private static void CheckCommon(in Conv2dShape s, int batch, string kernel, long weightLength, string weightName = "weight")
    {
        s.Validate();
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.Length(Length(weightLength), kernel, weightName, "[OutChannels, InChannels/Groups, KernelHeight, KernelWidth]",
            s.OutChannels, s.GroupInChannels, s.KernelHeight, s.KernelWidth);
    }

    private static void CheckInput(in Conv2dShape s, int batch, string kernel, string name, long length) =>
        KernelChecks.Length(Length(length), kernel, name, "[batch, InChannels, InHeight, InWidth]", batch, s.InChannels, s.InHeight, s.InWidth);

    private static void CheckOutput(in Conv2dShape s, int batch, string kernel, string name, long length) =>
        KernelChecks.Length(Length(length), kernel, name, "[batch, OutChannels, OutHeight, OutWidth]", batch, s.OutChannels, s.OutHeight, s.OutWidth);

    private static int Length(ArrayView<float> view) => Length(view.Length);

    private static int Length(long length) => (int)Math.Min(length, int.MaxValue);
}

/// <summary>How a convolution pass is computed: chosen by <see cref="Conv2d.PathFor"/>, or forced (tests).</summary>
internal enum ConvPath { Auto, Direct, Tiled }
