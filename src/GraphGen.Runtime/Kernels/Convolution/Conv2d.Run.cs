namespace GraphGen.Kernels;

public static partial class Conv2d
{
    /// <summary>
    /// The weight gradient is summed over at most this many fixed slices of the batch (slice i holds
    /// samples [i·B/S, (i+1)·B/S)); slices run in parallel and their partial sums are added in slice
    /// order. The slicing depends on the batch size only, never on the thread count.
    /// </summary>
    internal const int WeightSlices = 8;

    /// <summary>Below this many FLOPs a pass runs on the calling thread (waking a worker costs a few µs).</summary>
    private const long ParallelMinFlops = 1L << 20;

    /// <summary>
    /// Threads for <paramref name="parts"/> parts covering <paramref name="samples"/> samples: one when
    /// the pass is too small to share or has a single part. With more than one, the im2col path's
    /// GEMMs run on their part's thread alone, so that the samples are the only level of threads.
    /// </summary>
    private static int Threads(in Conv2dShape s, int parts, long samples)
    {
        long perSample = 2L * s.OutputSize * s.GroupWeightColumns;
        if (parts < 2 || perSample * samples < ParallelMinFlops) return 1;
        return Math.Min(parts, Gemm.MaxThreads);
    }

    private static unsafe void RunForward<TAct>(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> y, TAct activation, ConvAlgorithm algorithm, Pool2dShape? pool = null, ReadOnlySpan<float> residual = default, int blockedRing = -1)
        where TAct : struct, IActivation<TAct>
    {
        var prepared = Span<float>.Empty;
        int parts = batch;
        if (algorithm == ConvAlgorithm.Direct)
        {
            prepared = KernelWorkspace.ForCurrentThread().Staged(ConvDirect.PreparedForwardSize(in s));
            ConvDirect.PrepareForward(in s, weight, prepared);
        }
        else if (algorithm == ConvAlgorithm.ChannelsLast)
        {
            prepared = KernelWorkspace.ForCurrentThread().Staged(ConvChannelsLast.PreparedForwardSize(in s));
            ConvChannelsLast.PrepareForward(in s, weight, prepared);
        }
        else if (algorithm == ConvAlgorithm.Winograd)
        {
            prepared = KernelWorkspace.ForCurrentThread().Staged(ConvWinograd.PreparedForwardSize(in s));
            ConvWinograd.PrepareForward(in s, weight, prepared);
            parts = ConvWinograd.Groups(in s, batch);
        }
        fixed (float* px = x, pw = weight, pb = bias, py = y, pp = prepared, pr = residual)
        {
            var work = ForwardWork<TAct>.ForCurrentThread();
            work.Set(in s, algorithm, px, pw, pp, bias.IsEmpty ? null : pb, py);
            work.Residual = residual.IsEmpty ? null : pr;
            work.Activation = activation;
            work.Batch = batch;
            work.Pooled = pool.HasValue;
            work.Pool = pool.GetValueOrDefault();
            work.BlockedRing = blockedRing;
            work.Threads = Threads(in s, parts, batch);
            WorkerPool.Run(work, parts, work.Threads);
        }
    }

    private static unsafe void RunBackwardInput(in Conv2dShape s, int batch, ReadOnlySpan<float> dy, ReadOnlySpan<float> weight, Span<float> dx,
        bool accumulate, ConvAlgorithm algorithm)
    {
        var prepared = Span<float>.Empty;
        int parts = batch;
        if (algorithm == ConvAlgorithm.Direct)
        {
            prepared = KernelWorkspace.ForCurrentThread().Staged(ConvDirect.PreparedBackwardInputSize(in s));
            ConvDirect.PrepareBackwardInput(in s, weight, prepared);
        }
        else if (algorithm == ConvAlgorithm.ChannelsLast)
        {
            prepared = KernelWorkspace.ForCurrentThread().Staged(ConvChannelsLast.PreparedForwardSize(ConvChannelsLast.BackwardInputShape(in s)));
            ConvChannelsLast.PrepareBackwardInput(in s, weight, prepared);
        }
        else if (algorithm == ConvAlgorithm.Winograd)
        {
            prepared = KernelWorkspace.ForCurrentThread().Staged(ConvWinograd.PreparedForwardSize(ConvWinograd.BackwardInputShape(in s)));
            ConvWinograd.PrepareBackwardInput(in s, weight, prepared);
            parts = ConvWinograd.Groups(ConvWinograd.BackwardInputShape(in s), batch);
        }
        fixed (float* pdy = dy, pw = weight, pdx = dx, pp = prepared)
        {
            var work = BackwardInputWork.ForCurrentThread();
            work.Set(in s, algorithm, pdy, pw, pp, null, pdx);
            work.Accumulate = accumulate;
            work.Batch = batch;
            work.Threads = Threads(in s, parts, batch);
            WorkerPool.Run(work, parts, work.Threads);
        }
    }

    private static unsafe void RunBackwardWeight(in Conv2dShape s, int batch, ReadOnlySpan<float> x, ReadOnlySpan<float> dy,
        Span<float> dweight, Span<float> dbias, bool accumulate, ConvAlgorithm algorithm)
    {
        // Winograd's slices sum the transformed gradient M (16 or 36 per channel pair): one output transform after the sum.
        bool winograd = algorithm == ConvAlgorithm.Winograd;
        int slices = winograd ? ConvWinograd.WeightSlices(in s, batch) : Math.Min(batch, WeightSlices);
        int weightSize = winograd ? ConvWinograd.WeightPartialSize(in s, batch) - s.OutChannels : s.WeightSize, stride = weightSize + s.OutChannels;
        var partials = KernelWorkspace.ForCurrentThread().Partials(slices * stride);
        fixed (float* px = x, pdy = dy, pp = partials)
        {
            var work = BackwardWeightWork.ForCurrentThread();
            work.Set(in s, algorithm, px, pdy, null, null, pp);
            work.Batch = batch;
            work.Slices = slices;
            work.WithBias = !dbias.IsEmpty;
            work.Threads = Threads(in s, slices, batch);
            WorkerPool.Run(work, slices, work.Threads);
        }
        // dW (+)= ((p₀ + p₁) + p₂) + ...: the gradient is complete before it meets the old value,
        // so accumulating gives exactly old + (what a write would have given).
        var first = partials.Slice(0, stride);
        fixed (float* pp = partials)
        {
            var reduce = SliceSumWork.ForCurrentThread();
            reduce.Partials = pp; reduce.Stride = stride; reduce.Slices = slices;
            int parts = (stride + SliceSumWork.Block - 1) / SliceSumWork.Block;
            WorkerPool.Run(reduce, parts, Math.Min(parts, WorkerPool.ThreadsFor((long)stride * slices, SliceSumWork.ParallelMinFloats)));
        }
        if (winograd) ConvWinograd.WeightFromTransformed(in s, batch, first.Slice(0, weightSize), dweight.Slice(0, s.WeightSize), accumulate);
        else SpanMath.CopyOrAdd(first.Slice(0, weightSize), dweight.Slice(0, weightSize), accumulate);
        if (!dbias.IsEmpty) SpanMath.CopyOrAdd(first.Slice(weightSize, s.OutChannels), dbias, accumulate);
    }

    /// <summary>The fields every convolution job carries: pointers into the caller's pinned spans.</summary>
    private abstract unsafe class ConvWork : ParallelWork
    {
        public Conv2dShape Shape;
        public ConvAlgorithm Algorithm;
        public float* Input, Weight, Prepared, Bias, Output;
        /// <summary>Threads the job runs on: above one, each part's GEMMs stay on its thread.</summary>
        public int Threads;

        public void Set(in Conv2dShape s, ConvAlgorithm algorithm, float* input, float* weight, float* prepared, float* bias, float* output)
        {
            Shape = s; Algorithm = algorithm;
            Input = input; Weight = weight; Prepared = prepared; Bias = bias; Output = output;
        }
    }

    /// <summary>
    /// Part b: sample b of the forward pass (Winograd: group b of samples); with <see cref="Pooled"/>,
    /// written into the thread's scratch and max-pooled from there into the output; with a
    /// <see cref="Residual"/>, written into the output, which then takes the residual and the
    /// activation while the part is in cache.
    /// </summary>
    private sealed unsafe class ForwardWork<TAct> : ConvWork where TAct : struct, IActivation<TAct>
    {
        [ThreadStatic] private static ForwardWork<TAct>? t_instance;
        public TAct Activation;
        public int Batch;
        public bool Pooled;
        public Pool2dShape Pool;
        /// <summary>With <see cref="Pooled"/>: the output is in channel blocks with a ring of this many pixels, or −1 for planes.</summary>
        public int BlockedRing = -1;
        /// <summary>Added to the convolution's output before the activation, or null.</summary>
        public float* Residual;

        public static ForwardWork<TAct> ForCurrentThread() => t_instance ??= new ForwardWork<TAct>();

        public override void RunPart(int b)
        {
            if (Residual != null)
            {
                Compute(b, Output, default(Identity));
                var (first, count) = Samples(b);
                nint start = (nint)first * Shape.OutputSize;
                AddResidual(Residual + start, Output + start, count * Shape.OutputSize, Activation);
                return;
            }
            if (!Pooled)
            {
                Compute(b, Output, Activation);
                return;
            }
            if (BlockedRing < 0)
            {
                PoolPart(b, Output);
                return;
            }
            // Channel blocks: the part's samples pooled into the thread's scratch, then each turned
            // into blocks while it is in cache.
            ref readonly var s = ref Shape;
            var (from, samples) = Samples(b);
            int pooledSize = s.OutChannels * Pool.OutPlane, blockedSize = ChannelBlocks.Size(s.OutChannels, Pool.OutHeight, Pool.OutWidth, BlockedRing);
            fixed (float* pooled = KernelWorkspace.ForCurrentThread().Pooled(samples * pooledSize))
            {
                PoolPart(b, pooled - (nint)from * pooledSize);
                for (int k = 0; k < samples; k++)
                    ChannelBlocks.SampleFromPlanes(pooled + (nint)k * pooledSize, Output + (nint)(from + k) * blockedSize, s.OutChannels, Pool.OutHeight, Pool.OutWidth, BlockedRing);
            }
        }

        /// <summary>Part b's samples max-pooled into <paramref name="pooled"/>, laid out as the pooled y: [batch, OutChannels, pooled height, pooled width].</summary>
        private void PoolPart(int b, float* pooled)
        {
            ref readonly var s = ref Shape;
            if (Algorithm == ConvAlgorithm.Direct && ConvDirect.PoolsRows(in s, in Pool))
            {
                ConvDirect.ForwardSamplePooled(in s, in Pool, Input + (nint)b * s.InputSize, Prepared, Bias, pooled + (nint)b * s.OutChannels * Pool.OutPlane, Activation);
                return;
            }
            var (from, samples) = Samples(b);
            var ws = KernelWorkspace.ForCurrentThread();
            fixed (float* unpooled = ws.Unpooled(samples * s.OutputSize))
            fixed (int* argmax = ws.Indices(Pool.OutPlane))
            {
                // The part writes its samples where they would lie in y, shifted onto the scratch.
                Compute(b, unpooled - (nint)from * s.OutputSize, Activation);
                for (int plane = 0; plane < samples * s.OutChannels; plane++)
                    Pool2d.MaxValuesPlane(in Pool, unpooled + (nint)plane * s.OutPlane, pooled + ((nint)from * s.OutChannels + plane) * Pool.OutPlane, argmax);
            }
        }

        /// <summary>The samples of part b: b alone, or Winograd's group b.</summary>
        private (int First, int Count) Samples(int b)
        {
            if (Algorithm != ConvAlgorithm.Winograd) return (b, 1);
            int group = ConvWinograd.SamplesPerGroup(in Shape), first = b * group;
            return (first, Math.Min(group, Batch - first));
        }

        /// <summary>Part b of the convolution into <paramref name="output"/>, laid out as y: [batch, OutChannels, OutHeight, OutWidth].</summary>
        private void Compute<TA>(int b, float* output, TA activation) where TA : struct, IActivation<TA>
        {
            ref readonly var s = ref Shape;
            if (Algorithm == ConvAlgorithm.Winograd)
            {
                ConvWinograd.ForwardPart(in s, b, Batch, Input, Prepared, Bias, output, activation, accumulate: false);
                return;
            }
            float* xb = Input + (nint)b * s.InputSize, yb = output + (nint)b * s.OutputSize;
            if (Algorithm == ConvAlgorithm.Direct)
            {
                ConvDirect.ForwardSample(in s, xb, Prepared, Bias, yb, activation);
                return;
            }
            if (Algorithm == ConvAlgorithm.ChannelsLast)
            {
                ConvChannelsLast.ForwardSample(in s, xb, Prepared, Bias, yb, activation);
                return;
            }
            var y = new Span<float>(yb, s.OutputSize);
            ConvGemm.ForwardSample(in s, new ReadOnlySpan<float>(xb, s.InputSize), new ReadOnlySpan<float>(Weight, s.WeightSize), y, Threads > 1);
            if (Bias == null && typeof(TA) == typeof(Identity)) return;
            for (int oc = 0; oc < s.OutChannels; oc++)
                BiasActivation.Apply(y.Slice(oc * s.OutPlane, s.OutPlane), Bias == null ? 0f : Bias[oc], activation);
        }
    }

    /// <summary>
    /// Part b: sample b of the input gradient (Winograd: group b of samples); dy is
    /// <see cref="ConvWork.Input"/>, dx is <see cref="ConvWork.Output"/>.
    /// </summary>
    private sealed unsafe class BackwardInputWork : ConvWork
    {
        [ThreadStatic] private static BackwardInputWork? t_instance;
        public bool Accumulate;
        public int Batch;

        public static BackwardInputWork ForCurrentThread() => t_instance ??= new BackwardInputWork();

        public override void RunPart(int b)
        {
            ref readonly var s = ref Shape;
            if (Algorithm == ConvAlgorithm.Winograd)
            {
                ConvWinograd.ForwardPart(ConvWinograd.BackwardInputShape(in s), b, Batch, Input, Prepared, null, Output, default(Identity), Accumulate);
                return;
            }
            float* dyb = Input + (nint)b * s.OutputSize, dxb = Output + (nint)b * s.InputSize;
            if (Algorithm == ConvAlgorithm.Direct)
                ConvDirect.BackwardInputSample(in s, dyb, Prepared, dxb, Accumulate);
            else if (Algorithm == ConvAlgorithm.ChannelsLast)
                ConvChannelsLast.ForwardSample(ConvChannelsLast.BackwardInputShape(in s), dyb, Prepared, null, dxb, default(Identity), Accumulate);
            else
                ConvGemm.BackwardInputSample(in s, new ReadOnlySpan<float>(dyb, s.OutputSize), new ReadOnlySpan<float>(Weight, s.WeightSize),
                    new Span<float>(dxb, s.InputSize), Accumulate, Threads > 1);
        }
    }

    /// <summary>
    /// Part i: slice i of the batch, its weight and bias gradients written into slot i of the
    /// partial sums (x is <see cref="ConvWork.Input"/>, dy is <see cref="ConvWork.Weight"/>, the slots <see cref="ConvWork.Output"/>).
    /// </summary>
    private sealed unsafe class BackwardWeightWork : ConvWork
    {
        [ThreadStatic] private static BackwardWeightWork? t_instance;
        public int Batch, Slices;
        public bool WithBias;

        public static BackwardWeightWork ForCurrentThread() => t_instance ??= new BackwardWeightWork();

        public override void RunPart(int slice)
        {
            ref readonly var s = ref Shape;
            var (first, end) = FixedSlices.Bounds(Batch, Slices, slice);
            if (Algorithm == ConvAlgorithm.Winograd)
            {
                ConvWinograd.BackwardWeightSlice(in s, Batch, first, end, Input, Weight, Output + (nint)slice * ConvWinograd.WeightPartialSize(in s, Batch), WithBias, Threads > 1);
                return;
            }
            int stride = s.WeightSize + s.OutChannels;
            float* dw = Output + (nint)slice * stride;
            var db = WithBias ? new Span<float>(dw + s.WeightSize, s.OutChannels) : Span<float>.Empty;
            if (Algorithm == ConvAlgorithm.Direct)
            {
                ConvDirect.BackwardWeightSlice(in s, first, end, Input, Weight, dw, db);
                return;
            }
            ConvGemm.BackwardWeightSlice(in s, first, end,
                new ReadOnlySpan<float>(Input, Batch * s.InputSize), new ReadOnlySpan<float>(Weight, Batch * s.OutputSize),
                new Span<float>(dw, s.WeightSize), db, Threads > 1);
        }
    }

    /// <summary>
    /// Part i: floats [i·<see cref="Block"/>, …) of the slices' partial sums added into slot 0, slot by
    /// slot in order, so every float is ((p₀ + p₁) + p₂) + … whatever thread adds it. On the calling
    /// thread alone this took 185 µs for 128→128 Winograd's eight slices of M (262 144 floats each),
    /// as much as a tenth of the pass.
    /// </summary>
    private sealed unsafe class SliceSumWork : ParallelWork
    {
        [ThreadStatic] private static SliceSumWork? t_instance;
        public float* Partials;
        public int Stride, Slices;

        /// <summary>Floats per part: 64 KiB of each slice.</summary>
        public const int Block = 16 << 10;

        /// <summary>Below this many floats over all slices the calling thread adds them alone.</summary>
        public const long ParallelMinFloats = 1L << 18;

        public static SliceSumWork ForCurrentThread() => t_instance ??= new SliceSumWork();

        public override void RunPart(int part)
        {
            int start = part * Block, length = Math.Min(Block, Stride - start);
            var sum = new Span<float>(Partials + start, length);
            for (int i = 1; i < Slices; i++) SpanMath.Add(new ReadOnlySpan<float>(Partials + (nint)i * Stride + start, length), sum);
        }
    }
}
