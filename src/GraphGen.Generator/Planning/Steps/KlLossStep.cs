using System.Collections.Generic;

namespace GraphGen.Generator.Planning;

/// <summary>
/// The Kullback–Leibler divergence of N(μ, σ²) from N(0, 1), a VAE's regulariser, summed over
/// the latent dimensions and averaged over the batch; writes its gradients into dμ and dlogσ².
/// </summary>
internal sealed record KlLossStep(Operand Mu, Operand LogVar, GradientTarget? MuGradient, GradientTarget? LogVarGradient, int Latent, double Weight, string Result) : KernelStep
{
    public override IEnumerable<Operand> Reads
    {
        get
        {
            yield return Mu;
            yield return LogVar;
            if (MuGradient is { Accumulate: true } m) yield return m.Operand;
            if (LogVarGradient is { Accumulate: true } l) yield return l.Operand;
        }
    }

    public override IEnumerable<Operand> Writes
    {
        get
        {
            if (MuGradient is { } m) yield return m.Operand;
            if (LogVarGradient is { } l) yield return l.Operand;
        }
    }
}
