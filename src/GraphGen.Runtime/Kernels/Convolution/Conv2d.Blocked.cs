using System.Globalization;

namespace GraphGen.Kernels;

public static partial class Conv2d
{
    /// <summary>
    /// y = f(W ⋆ x + bias) with x and y in the channel-blocked layout (<see cref="ChannelBlocks"/>):
    /// x [batch, ChannelBlocks.Size(InChannels, InHeight, InWidth, inputRing)], y [batch,
    /// ChannelBlocks.Size(OutChannels, OutHeight, OutWidth, outputRing)]. The channels-last kernel
    /// reads x in place and stores its register blocks as they are; the values are those of
    /// <see cref="Forward{TAct}"/> on the planes, bit for bit, where that runs the channels-last kernel.
    /// Both channel counts must be multiples of 16, one group, stride 1 or 2, the input's ring at
    /// least the padding, and <see cref="ChannelBlocks.Supported"/>.
    /// </summary>
    public static void ForwardBlocked<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int outputRing, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardBlocked";
        CheckBlocked(in s, batch, Kernel, weight.Length, bias.Length, x.Length, inputRing, y.Length, outputRing);
        RunBlocked(in s, batch, x, inputRing, weight, bias, default, y, outputRing, activation);
    }

    /// <summary>y = W ⋆ x + bias in the channel-blocked layout: <see cref="ForwardBlocked{TAct}"/> without an activation.</summary>
    public static void ForwardBlocked(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int outputRing) => ForwardBlocked(in s, batch, x, inputRing, weight, bias, y, outputRing, default(Identity));

    /// <summary>y = W ⋆ x + bias + residual in the channel-blocked layout, without an activation.</summary>
    public static void ForwardResidualBlocked(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> y, int outputRing) =>
        ForwardResidualBlocked(in s, batch, x, inputRing, weight, bias, residual, y, outputRing, default(Identity));

    /// <summary>y = f(W ⋆ x + bias + residual) in the channel-blocked layout: <see cref="ForwardBlocked{TAct}"/> with <see cref="ForwardResidual{TAct}"/>'s sum; residual is laid out as y.</summary>
    public static void ForwardResidualBlocked<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> y, int outputRing, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardResidualBlocked";
        CheckBlocked(in s, batch, Kernel, weight.Length, bias.Length, x.Length, inputRing, y.Length, outputRing);
        int n = batch * ChannelBlocks.Size(s.OutChannels, s.OutHeight, s.OutWidth, outputRing);
        KernelChecks.Length(residual.Length, Kernel, nameof(residual), "[batch, ChannelBlocks.Size(OutChannels, OutHeight, OutWidth, outputRing)]", n);
        CheckResidualApart(residual, y, n, Kernel);
        RunBlocked(in s, batch, x, inputRing, weight, bias, residual, y, outputRing, activation);
    }

    /// <summary>
    /// y = f(W ⋆ x + bias) with x in the channel-blocked layout and y in planes [batch, OutChannels,
    /// OutHeight, OutWidth]: the last convolution of a run on channel blocks, before a step that reads
    /// planes. The conditions and the bits are those of <see cref="ForwardBlocked{TAct}"/>.
    /// </summary>
    public static void ForwardFromBlocks<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardFromBlocks";
        CheckBlocked(in s, batch, Kernel, weight.Length, bias.Length, x.Length, inputRing, yLength: 0, outputRing: -1);
        CheckOutput(in s, batch, Kernel, nameof(y), y.Length);
        RunBlocked(in s, batch, x, inputRing, weight, bias, default, y, -1, activation);
    }

    /// <summary>y = W ⋆ x + bias, x in channel blocks, y in planes, without an activation.</summary>
    public static void ForwardFromBlocks(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y) => ForwardFromBlocks(in s, batch, x, inputRing, weight, bias, y, default(Identity));

    /// <summary>
    /// y = f(W ⋆ x + bias + residual), x in channel blocks, residual and y in planes: <see cref="ForwardResidual{TAct}"/>'s
    /// sum and activation after <see cref="ForwardFromBlocks{TAct}"/>, on each sample while it is in cache.
    /// </summary>
    public static void ForwardResidualFromBlocks<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardResidualFromBlocks";
        CheckBlocked(in s, batch, Kernel, weight.Length, bias.Length, x.Length, inputRing, yLength: 0, outputRing: -1);
        CheckOutput(in s, batch, Kernel, nameof(residual), residual.Length);
        CheckOutput(in s, batch, Kernel, nameof(y), y.Length);
        CheckResidualApart(residual, y, batch * s.OutputSize, Kernel);
        RunBlocked(in s, batch, x, inputRing, weight, bias, residual, y, -1, activation);
    }

    /// <summary>y = W ⋆ x + bias + residual, x in channel blocks, residual and y in planes, without an activation.</summary>
    public static void ForwardResidualFromBlocks(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> y) =>
        ForwardResidualFromBlocks(in s, batch, x, inputRing, weight, bias, residual, y, default(Identity));

    /// <summary>
    /// y = maxpool(f(W ⋆ x + bias)) with x in planes and y in the channel-blocked layout with a ring of
    /// <paramref name="outputRing"/>: <see cref="ForwardMaxPooled{TAct}"/> (the same algorithm, the same
    /// bits), each part's pooled samples turned into channel blocks while they are in cache
    /// (<see cref="ChannelBlocks.FromPlanes"/> without the trip through memory). A pooled stem before
    /// convolutions that run on channel blocks.
    /// </summary>
    public static void ForwardMaxPooledBlocked<TAct>(in Conv2dShape s, in Pool2dShape pool, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int outputRing, TAct activation) where TAct : struct, IActivation<TAct>
    {
        const string Kernel = "Conv2d.ForwardMaxPooledBlocked";
        CheckCommon(in s, batch, Kernel, weight.Length);
        CheckInput(in s, batch, Kernel, nameof(x), x.Length);
        CheckPool(in s, in pool, Kernel);
        KernelChecks.NotLess(outputRing, 0, Kernel, nameof(outputRing));
        KernelChecks.Length(y.Length, Kernel, nameof(y), "[batch, ChannelBlocks.Size(OutChannels, pooled height, pooled width, outputRing)]",
            batch, ChannelBlocks.Size(pool.Channels, pool.OutHeight, pool.OutWidth, outputRing));
        KernelChecks.EmptyOrExactly(bias.Length, s.OutChannels, Kernel, nameof(bias), "[OutChannels]");
        if (batch == 0) return;
        RunForward(in s, batch, x, weight, bias, y, activation, ConvAlgorithms.Forward(in s), pool, blockedRing: outputRing);
    }

    /// <summary>y = maxpool(W ⋆ x + bias) into channel blocks, without an activation.</summary>
    public static void ForwardMaxPooledBlocked(in Conv2dShape s, in Pool2dShape pool, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int outputRing) => ForwardMaxPooledBlocked(in s, in pool, batch, x, weight, bias, y, outputRing, default(Identity));

    private static void CheckBlocked(in Conv2dShape s, int batch, string kernel, int weightLength, int biasLength, int xLength, int inputRing,
        int yLength, int outputRing)
    {
        CheckCommon(in s, batch, kernel, weightLength);
        KernelChecks.EmptyOrExactly(biasLength, s.OutChannels, kernel, "bias", "[OutChannels]");
        if (!ChannelBlocks.Supported)
            throw new PlatformNotSupportedException($"{kernel}: the channel-blocked kernels need AVX-512; check ChannelBlocks.Supported and keep the planes (Conv2d.Forward) where it is false.");
        if (!ConvChannelsLast.Supports(in s) || s.InChannels % ChannelBlocks.Lanes != 0 || s.OutChannels % ChannelBlocks.Lanes != 0)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{kernel}: the channel-blocked layout takes one group, stride 1 or 2 and channel counts that are multiples of 16, but the shape has {s.Groups} group(s), stride {s.StrideH}×{s.StrideW} and {s.InChannels} → {s.OutChannels} channels; use Conv2d.Forward on planes."), nameof(s));
        if (outputRing != -1) KernelChecks.NotLess(outputRing, 0, kernel, nameof(outputRing));
        if (inputRing < Math.Max(s.PadH, s.PadW))
            throw new ArgumentOutOfRangeException(nameof(inputRing), inputRing,
                $"{kernel}: the input's ring of zeros is the convolution's padding, so it must be at least {Math.Max(s.PadH, s.PadW).ToString(CultureInfo.InvariantCulture)}.");
        KernelChecks.Length(xLength, kernel, "x", "[batch, ChannelBlocks.Size(InChannels, InHeight, InWidth, inputRing)]", batch, ChannelBlocks.Size(s.InChannels, s.InHeight, s.InWidth, inputRing));
        if (outputRing >= 0)
            KernelChecks.Length(yLength, kernel, "y", "[batch, ChannelBlocks.Size(OutChannels, OutHeight, OutWidth, outputRing)]", batch, ChannelBlocks.Size(s.OutChannels, s.OutHeight, s.OutWidth, outputRing));
    }

    private static unsafe void RunBlocked<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, int inputRing, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Span<float> y, int outputRing, TAct activation) where TAct : struct, IActivation<TAct>
    {
        if (batch == 0) return;
        var prepared = KernelWorkspace.ForCurrentThread().Staged(ConvChannelsLast.PreparedForwardSize(in s));
        ConvChannelsLast.PrepareForward(in s, weight, prepared);
        fixed (float* px = x, pb = bias, pr = residual, py = y, pp = prepared)
        {
            var work = BlockedWork<TAct>.ForCurrentThread();
            work.Set(in s, ConvAlgorithm.ChannelsLast, px, null, pp, bias.IsEmpty ? null : pb, py);
            work.Residual = residual.IsEmpty ? null : pr;
            work.InputRing = inputRing; work.OutputRing = outputRing;
            work.Activation = activation;
            work.Threads = Threads(in s, batch, batch);
            WorkerPool.Run(work, batch, work.Threads);
        }
    }

    /// <summary>Part b: sample b, read in the channel-blocked layout and written in it (a ring of <see cref="OutputRing"/>) or, where that is −1, in planes.</summary>
    private sealed unsafe class BlockedWork<TAct> : ConvWork where TAct : struct, IActivation<TAct>
    {
        [ThreadStatic] private static BlockedWork<TAct>? t_instance;
        public TAct Activation;
        public float* Residual;
        public int InputRing, OutputRing;

        public static BlockedWork<TAct> ForCurrentThread() => t_instance ??= new BlockedWork<TAct>();

        public override void RunPart(int b)
        {
            ref readonly var s = ref Shape;
            float* xb = Input + (nint)b * ChannelBlocks.Size(s.InChannels, s.InHeight, s.InWidth, InputRing);
            if (OutputRing >= 0)
            {
                nint output = (nint)b * ChannelBlocks.Size(s.OutChannels, s.OutHeight, s.OutWidth, OutputRing);
                ConvChannelsLast.ForwardSampleBlocked(in s, xb, InputRing, Prepared, Bias, Residual == null ? null : Residual + output,
                    Output + output, OutputRing, Activation);
                return;
            }
            float* yb = Output + (nint)b * s.OutputSize;
            if (Residual == null)
            {
                ConvChannelsLast.ForwardSampleBlocked(in s, xb, InputRing, Prepared, Bias, null, yb, -1, Activation);
                return;
            }
            ConvChannelsLast.ForwardSampleBlocked(in s, xb, InputRing, Prepared, Bias, null, yb, -1, default(Identity));
            AddResidual(Residual + (nint)b * s.OutputSize, yb, s.OutputSize, Activation);
        }
    }
}
