namespace GraphGen.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch's <c>nn.Conv2d</c>) over NCHW batches, its
/// input gradient and its weight and bias gradients:
/// <code>
/// y[b, o, i, j]  = act(bias[o] + Σ_{c,u,v} W[o, c, u, v] · x[b, g·ICg + c, i·sh − ph + u·dh, j·sw − pw + v·dw])
/// dx[b, c', h, w] = Σ_{o,u,v,i,j : h = i·sh − ph + u·dh, w = j·sw − pw + v·dw} W[o, c, u, v] · dy[b, o, i, j]
/// dW[o, c, u, v]  = Σ_{b,i,j} dy[b, o, i, j] · x[b, g·ICg + c, i·sh − ph + u·dh, j·sw − pw + v·dw]
/// dbias[o]        = Σ_{b,i,j} dy[b, o, i, j]
/// </code>
/// where g = o / OCg is the group of output channel o, c runs over the group's ICg input
/// channels, c' = g·ICg + c, and x outside the image (padding) is 0. dy is the gradient with
/// respect to the convolution's output before any activation: the backward pass of a fused
/// activation is applied by the caller.
/// </summary>
/// <remarks>
/// Four algorithms compute the passes: im2col + <see cref="Gemm"/> (<see cref="ConvGemm"/>), a
/// direct, register-blocked kernel for stride 1 (<see cref="ConvDirect"/>), for wide 3×3
/// stride-1 layers' forward pass and input gradient Winograd's F(2×2, 3×3), or F(4×4, 3×3) where the
/// output's sides are multiples of 4 (<see cref="ConvWinograd"/>),
/// and for the forward pass of layers with whole vectors of output channels a direct kernel with
/// the channels in the lanes (<see cref="ConvChannelsLast"/>);
/// <see cref="ConvAlgorithms"/> holds the measured rule that picks one. Samples (forward, input
/// gradient) or fixed slices of samples (weight gradient) run in parallel on
/// <see cref="WorkerPool"/>; the weight gradient sums the slices' partial sums in slice order,
/// so results are bitwise identical for every thread count.
/// </remarks>
public static partial class Conv2d
{
    /// <summary>
    /// y = W ⋆ x + bias. x is [batch, InChannels, InHeight, InWidth], weight
    /// [OutChannels, InChannels/Groups, KernelHeight, KernelWidth], bias [OutChannels] or empty,
    /// y [batch, OutChannels, OutHeight, OutWidth].
    /// </summary>
    public static void Forward(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> y) =>
        Forward(in s, batch, x, weight, bias, y, default(Identity));

    /// <summary>y = f(W ⋆ x + bias): the activation is applied to each output plane as it is written.</summary>
    public static void Forward<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.Forward";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckOutput(in s, batch, Kernel, nameof(y), y.Length);
        KernelChecks.EmptyOrExactly(bias.Length, s.OutChannels, Kernel, nameof(bias), "[OutChannels]");
        if (batch == 0) return;
        RunForward(in s, batch, x, weight, bias, y, activation, ConvAlgorithms.Forward(in s));
    }

    /// <summary>
    /// y = maxpool(W ⋆ x + bias): a convolution and the max pooling after it, as inference runs
    /// them (no argmax: nothing goes backward). Each sample's convolution output (a Winograd group's,
    /// for that algorithm) is written into the thread's scratch and pooled from there while it is in
    /// cache, so the full-size output is never stored: FashionResNet's stem wrote 3.2 MB that the
    /// pooling read back. The direct kernel, with rows of 17–32 columns and 2×2 windows of stride 2,
    /// pools each pair of rows as it leaves the registers and skips the scratch too. The bits are those of <see cref="Forward{TAct}"/> then
    /// <see cref="Pool2d.MaxForward"/>. <paramref name="pool"/> pools the convolution's output:
    /// Channels = OutChannels, InHeight × InWidth = OutHeight × OutWidth; y is [batch, Channels,
    /// pool.OutHeight, pool.OutWidth].
    /// </summary>
    public static void ForwardMaxPooled(in Conv2dShape s, in Pool2dShape pool, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y) => ForwardMaxPooled(in s, in pool, batch, x, weight, bias, y, default(Identity));

    /// <summary>y = maxpool(f(W ⋆ x + bias)), as above with the activation applied to each output before the pooling.</summary>
    public static void ForwardMaxPooled<TAct>(in Conv2dShape s, in Pool2dShape pool, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardMaxPooled";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckPool(in s, in pool, Kernel);
        KernelChecks.Length(y.Length, Kernel, nameof(y), "[batch, OutChannels, pooled height, pooled width]", batch, pool.Channels, pool.OutHeight, pool.OutWidth);
        KernelChecks.EmptyOrExactly(bias.Length, s.OutChannels, Kernel, nameof(bias), "[OutChannels]");
        if (batch == 0) return;
        RunForward(in s, batch, x, weight, bias, y, activation, ConvAlgorithms.Forward(in s), pool);
    }

    /// <summary>
    /// y = W ⋆ x + bias + residual: a convolution and the residual sum after it, as inference runs
    /// them. residual and y are [batch, OutChannels, OutHeight, OutWidth] and must not overlap.
    /// </summary>
    public static void ForwardResidual(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Span<float> y) => ForwardResidual(in s, batch, x, weight, bias, residual, y, default(Identity));

    /// <summary>
    /// y = f(W ⋆ x + bias + residual): a residual block's last convolution, its sum with the block's
    /// input and the activation after it, as inference runs them. Each sample's convolution is
    /// written into y, the residual added and the activation applied while the sample is in cache,
    /// so neither the convolution's output nor the sum is stored: the bits of
    /// <see cref="Forward(in Conv2dShape, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>,
    /// then <see cref="Elementwise.Add"/>(residual, y), then <see cref="Activations.Forward{TAct}"/>. (A
    /// sum written the other way round, y + residual, has the same bits except where both operands
    /// are NaN: x86 keeps the left operand's payload.)
    /// </summary>
    public static void ForwardResidual<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual, Span<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardResidual";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckOutput(in s, batch, Kernel, nameof(residual), residual.Length);
        CheckOutput(in s, batch, Kernel, nameof(y), y.Length);
        KernelChecks.EmptyOrExactly(bias.Length, s.OutChannels, Kernel, nameof(bias), "[OutChannels]");
        CheckResidualApart(residual, y, batch * s.OutputSize, Kernel);
        if (batch == 0) return;
        RunForward(in s, batch, x, weight, bias, y, activation, ConvAlgorithms.Forward(in s), residual: residual);
    }

    /// <summary>The first <paramref name="n"/> floats of residual and y must not overlap: each sample's convolution is written into y before its residual is read.</summary>
    internal static void CheckResidualApart(ReadOnlySpan<float> residual, Span<float> y, int n, string kernel)
    {
        if (residual[..n].Overlaps(y[..n]))
            throw new ArgumentException($"{kernel}: residual and y overlap; each sample's convolution is written into y before its residual is read, so give y a buffer of its own.", nameof(y));
    }

    /// <summary>
    /// y = f(residual + y) over one part: a residual block's end after its convolution, by the two
    /// elementwise steps' own kernels (the sum with the residual as its left operand, as a skip is
    /// written), so the bits are those of the steps it replaces.
    /// </summary>
    private static unsafe void AddResidual<TAct>(float* residual, float* y, int length, TAct activation) where TAct : struct, IActivation<TAct>
    {
        var part = new Span<float>(y, length);
        Elementwise.Add(new ReadOnlySpan<float>(residual, length), part, part);
        Activations.ForwardSpan(activation, part, part);
    }

    /// <summary>The pooling must read exactly the convolution's output planes.</summary>
    internal static void CheckPool(in Conv2dShape s, in Pool2dShape pool, string kernel)
    {
        pool.Validate();
        if (pool.Channels != s.OutChannels || pool.InHeight != s.OutHeight || pool.InWidth != s.OutWidth)
            throw new ArgumentException(
                $"{kernel}: the pooling reads [{pool.Channels}, {pool.InHeight}, {pool.InWidth}] planes but the convolution writes [{s.OutChannels}, {s.OutHeight}, {s.OutWidth}]; " +
                "give the pooling the convolution's output channels, height and width.", nameof(pool));
    }

    /// <summary>dx (+)= the gradient with respect to x of Σ dy ⊙ (W ⋆ x): dy [batch, OutChannels, OutHeight, OutWidth], dx like x.</summary>
    public static void BackwardInput(in Conv2dShape s, int batch, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx, bool accumulate)
    {
        const string Kernel = "Conv2d.BackwardInput";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckOutput(in s, batch, Kernel, nameof(dy), dy.Length);
        CheckInput(in s, batch, Kernel, nameof(dx), dx.Length);
        if (batch == 0) return;
        RunBackwardInput(in s, batch, dy, weight, dx, accumulate, ConvAlgorithms.BackwardInput(in s));
    }

    /// <summary>
    /// dweight (+)= Σ_b dy_b ⋆ x_b (the weight gradient, summed over the batch) and, unless
    /// <paramref name="dbias"/> is empty, dbias (+)= Σ_{b,i,j} dy[b, o, i, j].
    /// </summary>
    public static void BackwardWeight(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> dy,
        Span<float> dweight, Span<float> dbias, bool accumulate)
    {
        const string Kernel = "Conv2d.BackwardWeight";
        CheckCommon(in s, batch, Kernel, dweight.Length, nameof(dweight));
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckOutput(in s, batch, Kernel, nameof(dy), dy.Length);
        KernelChecks.EmptyOrExactly(dbias.Length, s.OutChannels, Kernel, nameof(dbias), "[OutChannels]");
        if (batch == 0)
        {
            if (!accumulate)
            {
                dweight.Slice(0, s.WeightSize).Clear();
                dbias.Clear();
            }
            return;
        }
        RunBackwardWeight(in s, batch, x, dy, dweight, dbias, accumulate, ConvAlgorithms.BackwardWeight(in s));
    }

    private static void CheckCommon(in Conv2dShape s, int batch, string kernel, int weightLength, string weightName = "weight")
    {
        s.Validate();
        KernelChecks.NotLess(batch, 0, kernel, nameof(batch));
        KernelChecks.Length(weightLength, kernel, weightName, "[OutChannels, InChannels/Groups, KernelHeight, KernelWidth]",
            s.OutChannels, s.GroupInChannels, s.KernelHeight, s.KernelWidth);
    }

    private static void CheckInput(in Conv2dShape s, int batch, string kernel, string name, int length) =>
        KernelChecks.Length(length, kernel, name, "[batch, InChannels, InHeight, InWidth]", batch, s.InChannels, s.InHeight, s.InWidth);

    private static void CheckOutput(in Conv2dShape s, int batch, string kernel, string name, int length) =>
        KernelChecks.Length(length, kernel, name, "[batch, OutChannels, OutHeight, OutWidth]", batch, s.OutChannels, s.OutHeight, s.OutWidth);
}
