using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Plans the channel-blocked layout for inference: the tensors that pass from one channels-last
/// convolution to the next are kept as [C/16, H + 2r, W + 2r, 16] with a ring of r zero pixels
/// (the runtime's <c>ChannelBlocks</c>, ONNX Runtime's NCHWc), so that no convolution turns its
/// register blocks into planes nor copies its input into padded rows.
/// <list type="bullet">
/// <item>A tensor is blocked when a channels-last convolution writes it at inference and only such
/// convolutions (as their input or their residual) and the global average pooling read it, and it
/// is not an output. A tensor that another step writes but only blocked convolutions read (the
/// stem's pooled output) is converted once after its writer (<c>ChannelBlocks.FromPlanes</c>), or, a
/// pooled convolution whose planes nothing else reads, written in blocks by the pooling itself
/// (<c>Conv2d.ForwardMaxPooledBlocked</c>).</item>
/// <item>A convolution runs blocked when its output is blocked and its input and residual are
/// blocked or converted; the sets shrink until every reader of a blocked tensor runs blocked.</item>
/// <item>Each step involved gets a <see cref="ModalStep.BlockedInference"/> branch: the same steps
/// with the blocked tensors in new buffers (<see cref="BufferRole.Blocked"/>). The planes' buffers
/// are not written there; training, observed inference and machines without the blocked kernels run
/// the other branches unchanged.</item>
/// </list>
/// A channels-last convolution, as this plan sees it: one group, stride 1 or 2, a kernel wider than
/// 1×1, both channel counts multiples of 16, and not 64 channels on both sides at 3×3 stride 1
/// (where the runtime takes Winograd). The runtime decides for its machine: the generated class
/// runs the branch only when the runtime's rule takes the channels-last kernel for every blocked
/// convolution (<see cref="KernelPlan.BlockedShapes"/>), so that the branch's values are the planes'
/// bits: the convolutions sum in the same order, and the pooling sums each plane as it would.
/// </summary>
internal static class ChannelBlocking
{
    /// <summary>Channels per block (one 512-bit vector of floats), as the runtime's <c>ChannelBlocks.Lanes</c>.</summary>
    private const int Lanes = 16;

    /// <summary>Floats after each sample, as the runtime's <c>ChannelBlocks.Slack</c>.</summary>
    private const int Slack = 32 * Lanes;

    /// <summary>From this many channels on both sides a 3×3 stride-1 layer runs Winograd (the runtime's <c>ConvAlgorithms.WinogradMinChannels</c>).</summary>
    private const int WinogradChannels = 64;

    /// <summary>Floats per sample of a [channels, height, width] tensor in the layout, as the runtime's <c>ChannelBlocks.Size</c>.</summary>
    internal static int Size(int channels, int height, int width, int ring) =>
        (channels + Lanes - 1) / Lanes * Lanes * (height + 2 * ring) * (width + 2 * ring) + Slack;

    /// <summary>A convolution of the unobserved inference program: its step there, its shape, its input, residual and output.</summary>
    private sealed record Conv(CallStep Inner, ConvGeometry Geometry, Operand X, Operand? Residual, Operand Y);

    public static KernelPlan Plan(KernelPlan plan)
    {
        var program = plan.Forward.Select((step, i) => step is ModalStep modal ? modal.Inference : [step]).ToList();
        var readers = new Dictionary<Operand, List<KernelStep>>();
        var writers = new Dictionary<Operand, List<int>>();
        for (int i = 0; i < program.Count; i++)
            foreach (var inner in program[i])
            {
                foreach (var read in inner.Reads) Add(readers, read, inner);
                foreach (var written in inner.Writes) Add(writers, written, i);
            }
        var lossReads = new HashSet<Operand>(plan.Loss.SelectMany(s => s.Reads));
        bool Kept(Operand o) => plan.Outputs.Contains(o) || o == plan.InputGradient || lossReads.Contains(o);

        var convs = new Dictionary<CallStep, Conv>();
        foreach (var inner in program.SelectMany(steps => steps))
            if (AsConv(plan, inner) is { } conv) convs[conv.Inner] = conv;
        if (convs.Count == 0) return plan;

        bool IsPool(KernelStep s) => s is CallStep { Kernel: "Pool2d", Method: "GlobalAverageForward" };
        IEnumerable<KernelStep> ReadersOf(Operand o) => readers.TryGetValue(o, out var list) ? list : [];
        // Read by a convolution as its input or residual (not as a weight), or pooled.
        bool ReadAsTensor(KernelStep s, Operand o) =>
            s is CallStep call && (convs.TryGetValue(call, out var c) ? c.X == o || c.Residual == o : IsPool(s) && call.Arguments[3].Operand == o);

        var blocked = new HashSet<Operand>(convs.Values
            .Where(c => c.Y.Kind == OperandKind.Buffer && !Kept(c.Y) && writers[c.Y].Count == 1
                && ReadersOf(c.Y).All(r => ReadAsTensor(r, c.Y)))
            .Select(c => c.Y));
        HashSet<Operand> converted;
        HashSet<CallStep> running, fromBlocks;
        while (true)
        {
            converted = Converted();
            // Writing channel blocks needs the input and the residual in them; a residual that a
            // convolution writing planes reads must be in planes.
            running = [.. convs.Values.Where(c => blocked.Contains(c.Y) && Ready(c.X) && (c.Residual is null || Ready(c.Residual))).Select(c => c.Inner)];
            var dropped = blocked.Where(y => !running.Contains(WriterConv(y).Inner)
                || ReadersOf(y).Any(r => r is CallStep call && convs.TryGetValue(call, out var c) && c.Residual == y && !blocked.Contains(c.Y))).ToList();
            if (dropped.Count == 0) break;
            blocked.ExceptWith(dropped);
        }
        // A convolution whose input is blocked and whose output is not reads the blocks and writes planes.
        fromBlocks = [.. convs.Values.Where(c => !blocked.Contains(c.Y) && blocked.Contains(c.X)).Select(c => c.Inner)];
        if (running.Count == 0) return plan;

        bool Ready(Operand o) => blocked.Contains(o) || converted.Contains(o);
        // A convolution that reads o's blocked twin (not its planes) in the blocked branch.
        bool ReadsTwin(KernelStep r, Operand o) =>
            r is CallStep call && convs.TryGetValue(call, out var c) && (running.Contains(call) || fromBlocks.Contains(call) && c.Residual != o);
        Conv WriterConv(Operand y) => convs.Values.First(c => c.Y == y);
        // A planes tensor another step writes, read as a tensor by a convolution that would run blocked.
        HashSet<Operand> Converted() =>
        [
            .. convs.Values.Where(c => blocked.Contains(c.Y)).SelectMany(c => c.Residual is null ? [c.X] : new[] { c.X, c.Residual })
                .Where(o => o == plan.Input || o.Kind == OperandKind.Buffer && !blocked.Contains(o) && writers.TryGetValue(o, out var w) && w.Count == 1
                    && program[w[0]].Count(s => s.Writes.Contains(o)) == 1),
        ];

        int ring = running.Concat(fromBlocks).Max(c => convs[c].Geometry.Padding);
        var buffers = plan.Buffers.ToList();
        var names = new HashSet<string>(plan.Buffers.Select(b => b.Name).Concat(plan.AllSteps.SelectMany(s => s.Uses).Select(u => u.Operand.Name)));
        var twins = new Dictionary<Operand, Operand>();
        foreach (var o in blocked.Concat(converted).OrderBy(o => o.Index))
        {
            var node = NodeOf(plan, o);
            var d = node.Shape.Dimensions;
            string name = o.Name + "Blocked";
            for (int n = 2; !names.Add(name); n++) name = o.Name + "Blocked" + n.ToString(CultureInfo.InvariantCulture);
            var buffer = new Buffer(buffers.Count, name, Size(d[0], d[1], d[2], ring), BufferRole.Blocked, node);
            buffers.Add(buffer);
            twins[o] = new Operand(OperandKind.Buffer, buffer.Id, name);
        }

        var forward = plan.Forward.ToList();
        for (int i = 0; i < forward.Count; i++)
        {
            var branch = new List<KernelStep>();
            bool changed = false;
            // The network's input, converted where the first step that reads it runs.
            if (converted.Contains(plan.Input) && program.FindIndex(p => p.Any(s => s.Reads.Contains(plan.Input))) == i)
            {
                branch.Add(FromPlanes(plan, plan.Input, twins, ring, program[i][0].SourceNode));
                changed = true;
            }
            foreach (var inner in program[i])
            {
                if (inner is CallStep call && (running.Contains(call) || fromBlocks.Contains(call)))
                {
                    branch.Add(Blocked(convs[call], twins, ring));
                    changed = true;
                    continue;
                }
                if (IsPool(inner) && ((CallStep)inner).Arguments[3].Operand is { } pooled && blocked.Contains(pooled))
                {
                    branch.Add(BlockedPool(plan, (CallStep)inner, twins[pooled], ring));
                    changed = true;
                    continue;
                }
                if (inner is CallStep { Kernel: "Conv2d", Method: "ForwardMaxPooled" } pooledConv && pooledConv.Arguments[6].Operand is { } pooledOutput
                    && converted.Contains(pooledOutput) && !Kept(pooledOutput) && ReadersOf(pooledOutput).All(r => ReadsTwin(r, pooledOutput)))
                {
                    // Nothing here reads the pooled planes: the pooling writes channel blocks itself.
                    var a = pooledConv.Arguments;
                    branch.Add(pooledConv with
                    {
                        Method = "ForwardMaxPooledBlocked",
                        Arguments = [a[0], a[1], a[2], a[3], a[4], a[5], KernelArg.Out(twins[pooledOutput]), KernelArg.Of(ring)],
                    });
                    changed = true;
                    continue;
                }
                branch.Add(inner);
                foreach (var o in inner.Writes.Where(converted.Contains))
                {
                    branch.Add(FromPlanes(plan, o, twins, ring, inner.SourceNode));
                    changed = true;
                }
            }
            if (!changed) continue;
            var step = forward[i];
            bool IsTwin(Operand o) => o.Kind == OperandKind.Buffer && buffers[o.Index].Role == BufferRole.Blocked;
            var written = branch.SelectMany(s => s.Writes).Where(IsTwin).Distinct().ToList();
            var read = branch.SelectMany(s => s.Reads).Where(IsTwin).Except(written).ToList();
            string note = "where they run (ChannelBlocked), inference "
                + string.Join(" and ", new[] { (read, "reads "), (written, "writes ") }.Where(p => p.Item1.Count > 0).Select(p => p.Item2 + string.Join(", ", p.Item1.Select(o => o.Name))))
                + $" in channel blocks [C/16, H + {2 * ring}, W + {2 * ring}, 16] with a ring of zeros: no transposes into planes between the convolutions";
            forward[i] = step is ModalStep modal
                ? modal with { BlockedInference = branch, BlockedNote = note }
                : new ModalStep([step], [step])
                {
                    BlockedInference = branch,
                    SourceNode = step.SourceNode,
                    Comment = step.Comment,
                    Label = step.Label,
                    Fused = step.Fused,
                    BlockedNote = note,
                };
        }
        return plan with
        {
            Forward = forward,
            Buffers = buffers,
            BlockedShapes = [.. running.Concat(fromBlocks).Select(c => convs[c].Geometry.Code).Distinct()],
        };
    }

    /// <summary>The graph node whose tensor an operand holds: a buffer's, or the network's input.</summary>
    private static Node NodeOf(KernelPlan plan, Operand o) => o == plan.Input ? plan.Graph.Input! : plan.BufferOf(o).Node;

    /// <summary>ChannelBlocks.FromPlanes of a planes tensor into its blocked twin.</summary>
    private static CallStep FromPlanes(KernelPlan plan, Operand o, Dictionary<Operand, Operand> twins, int ring, int sourceNode)
    {
        var d = NodeOf(plan, o).Shape.Dimensions;
        return new CallStep("ChannelBlocks", "FromPlanes",
            [KernelArg.Batch, KernelArg.Of(d[0]), KernelArg.Of(d[1]), KernelArg.Of(d[2]), KernelArg.Of(ring), KernelArg.In(o), KernelArg.Out(twins[o])])
        {
            SourceNode = sourceNode,
            Label = "channel blocks of " + o.Name,
        };
    }

    private static void Add<T>(Dictionary<Operand, List<T>> map, Operand key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    /// <summary>The convolution of an inference step, when the plan may run it on channel blocks.</summary>
    private static Conv? AsConv(KernelPlan plan, KernelStep inner)
    {
        if (inner is not CallStep { Kernel: "Conv2d", Method: "Forward" or "ForwardResidual" } call) return null;
        if (plan.Graph.Nodes.FirstOrDefault(n => n.Id == call.SourceNode)?.Attributes is not Conv2dAttributes { Geometry: var g }) return null;
        bool winograd = g.Kernel == 3 && g.Stride == 1 && g.Dilation == 1 && g.InChannels >= WinogradChannels && g.OutChannels >= WinogradChannels;
        if (g.Groups != 1 || g.Stride is not (1 or 2) || g.Kernel == 1 || g.InChannels % Lanes != 0 || g.OutChannels % Lanes != 0 || winograd) return null;
        bool residual = call.Method == "ForwardResidual";
        var y = call.Arguments[residual ? 6 : 5].Operand!;
        return new Conv(call, g, call.Arguments[2].Operand!, residual ? call.Arguments[5].Operand : null, y);
    }

    /// <summary>
    /// A convolution on channel blocks: Conv2d.ForwardBlocked (or ForwardResidualBlocked) where its
    /// output has a blocked twin, else Conv2d.ForwardFromBlocks (or ForwardResidualFromBlocks) into
    /// its planes; the same arguments with the twins and the rings.
    /// </summary>
    private static CallStep Blocked(Conv conv, Dictionary<Operand, Operand> twins, int ring)
    {
        var a = conv.Inner.Arguments;
        var ringArg = KernelArg.Of(ring);
        bool blockedOutput = twins.ContainsKey(conv.Y);
        List<KernelArg> arguments = [a[0], a[1], KernelArg.In(twins[conv.X]), ringArg, a[3], a[4]];
        if (conv.Residual is { } r) arguments.Add(KernelArg.In(blockedOutput ? twins[r] : r));
        arguments.Add(KernelArg.Out(blockedOutput ? twins[conv.Y] : conv.Y));
        if (blockedOutput) arguments.Add(ringArg);
        return conv.Inner with { Method = conv.Inner.Method + (blockedOutput ? "Blocked" : "FromBlocks"), Arguments = arguments };
    }

    /// <summary>Pool2d.GlobalAverageForwardBlocked of a global average pooling whose input is blocked.</summary>
    private static CallStep BlockedPool(KernelPlan plan, CallStep pool, Operand x, int ring)
    {
        var d = plan.Graph.Nodes.First(n => n.Id == pool.SourceNode).Inputs[0].Shape.Dimensions;
        return pool with
        {
            Method = "GlobalAverageForwardBlocked",
            Arguments = [KernelArg.Batch, KernelArg.Of(d[0]), KernelArg.Of(d[1]), KernelArg.Of(d[2]), KernelArg.Of(ring), KernelArg.In(x), pool.Arguments[4]],
        };
    }
}
