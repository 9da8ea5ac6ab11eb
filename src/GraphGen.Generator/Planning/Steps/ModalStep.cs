using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>Steps that differ between training (batch statistics, dropout) and inference.</summary>
internal sealed record ModalStep(IReadOnlyList<KernelStep> Training, IReadOnlyList<KernelStep> Inference) : KernelStep
{
    /// <summary>
    /// A BatchNorm after a convolution offers this step, which folds its inference form into the
    /// convolution's weights and bias (BatchNorm.FoldIntoConvolution); <see cref="Fusion"/> uses it
    /// when nothing else reads the convolution's output, and drops its buffers otherwise. It is not
    /// part of <see cref="Uses"/>: until fusion places it in a branch, it does not run.
    /// </summary>
    public CallStep? ConvolutionFold { get; init; }

    /// <summary>
    /// The inference steps to run instead of <see cref="Inference"/> while an activation observer
    /// is attached, or null when they are the same: a fusion that leaves an activation unstored at
    /// inference keeps here the steps that store it, so an observer (the activation recorder, a
    /// heatmap) still sees every activation of the graph.
    /// </summary>
    public IReadOnlyList<KernelStep>? ObservedInference { get; init; }

    /// <summary>
    /// The inference steps to run instead of <see cref="Inference"/> on machines where the plan's
    /// channel blocks run (<see cref="ChannelBlocking"/>; never while observed), or null: the same
    /// steps with the tensors between channels-last convolutions in the channel-blocked layout.
    /// </summary>
    public IReadOnlyList<KernelStep>? BlockedInference { get; init; }

    /// <summary>What the blocked branch keeps in channel blocks, for the step's comment on the CPU (the GPU never runs the branch).</summary>
    public string? BlockedNote { get; init; }

    public override IEnumerable<OperandUse> Uses =>
        Training.Concat(Inference).Concat(ObservedInference ?? []).Concat(BlockedInference ?? []).SelectMany(s => s.Uses);
}
