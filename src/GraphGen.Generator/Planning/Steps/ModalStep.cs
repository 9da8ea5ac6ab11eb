using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>Steps that differ between training (batch statistics, dropout) and inference.</summary>
internal sealed record ModalStep(IReadOnlyList<KernelStep> Training, IReadOnlyList<KernelStep> Inference) : KernelStep
{
    public override IEnumerable<OperandUse> Uses => Training.Concat(Inference).SelectMany(s => s.Uses);
}
