using GraphGen.Generator.Graphs;

namespace GraphGen.Generator.Planning;

/// <summary>
/// The passes from graph to plan, in the one order they run. Each is a function from plan to
/// plan, so a renderer (C# today, GPU next) receives the same finished plan:
/// <list type="number">
/// <item><see cref="PlanBuilder.Build"/>: each op's forward rule, the loss terms, then each op's
/// backward rule in reverse order (automatic differentiation);</item>
/// <item><see cref="Fusion.Fuse"/>: activations into the kernels that produce their inputs,
/// elementwise chains into one loop (before memory planning, so a buffer fusion removes is never placed);</item>
/// <item><see cref="CopyElision.Elide"/>: the backward pass's copies of a gradient that the
/// source and the copy can share become one tensor under two names;</item>
/// <item><see cref="ChannelBlocking.Plan"/>: an inference branch that keeps the tensors between
/// channels-last convolutions in the channel-blocked layout (before memory planning, which places its buffers);</item>
/// <item><see cref="MemoryPlanner.Place"/>: live ranges, then offsets in one arena.</item>
/// </list>
/// </summary>
internal static class PlanPasses
{
    public static KernelPlan Compile(Graph graph) => MemoryPlanner.Place(ChannelBlocking.Plan(CopyElision.Elide(Fusion.Fuse(PlanBuilder.Build(graph)))));
}
