using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Planning;

/// <summary>
/// Rewrites a plan into fewer, fatter steps, between autodiff and memory planning (so a buffer
/// that fusion makes unnecessary is never allocated):
/// <list type="bullet">
/// <item>forward: z = x·Wᵀ + b followed by h = act(z), where nothing else reads z, becomes one
/// GEMM whose epilogue adds the bias and applies the activation while the tile is in registers;</item>
/// <item>backward: dh = dy·W followed by dz = dh ⊙ act′(h), where nothing else reads dh, becomes one
/// GEMM whose epilogue multiplies by the derivative: the gradient arrives at the next GEMM already
/// passed through the activation.</item>
/// </list>
/// Each rewrite is local and keeps the order of every other step, so it cannot change results
/// beyond floating-point rounding of the fused epilogue.
/// </summary>
internal static class Fusion
{
    public static void Apply(KernelPlan plan)
    {
        foreach (var section in new[] { plan.Forward, plan.Backward })
        {
            for (int i = 0; i < section.Count; i++)
            {
                if (section[i] is not MapStep { Activation: { } activation, Accumulate: false } map) continue;
                if (FuseIntoProducer(plan, section, map, activation)) i--;
            }
        }
    }

    /// <summary>Moves an activation (or its derivative) into the epilogue of the GEMM that produced its input.</summary>
    private static bool FuseIntoProducer(KernelPlan plan, List<KernelStep> section, MapStep map, ActivationForm activation)
    {
        var input = activation.Input;
        // The network's output is read by the caller after the pass, so it must be stored.
        if (input.Kind != OperandKind.Buffer || input == plan.Output || input == plan.InputGradient) return false;
        var steps = plan.AllSteps.ToList();
        var writers = steps.Where(s => s.Writes.Contains(input)).ToList();
        var readers = steps.Where(s => s.Reads.Contains(input)).ToList();
        if (writers.Count != 1 || readers.Count != 1 || readers[0] != map) return false;
        if (writers[0] is not GemmStep { Accumulate: false, Activation: "None", DerivativeSource: null } gemm) return false;
        int at = section.IndexOf(gemm);
        if (at < 0 || at > section.IndexOf(map)) return false;

        bool backward = activation.DerivativeSource is not null;
        if (backward && gemm.Bias is not null) return false;
        section[at] = gemm with
        {
            C = map.Output,
            Activation = activation.Kind,
            Slope = activation.Slope,
            DerivativeSource = activation.DerivativeSource,
            Comment = gemm.Comment.Concat(map.Comment.Select((line, i) => i == 0 ? "then " + line : line)).ToList(),
            Fused = backward
                ? $"{activation.Kind}′ is applied in the GEMM epilogue, so {input.Name} is never stored"
                : $"bias and {activation.Kind} are applied in the GEMM epilogue, so {input.Name} is never stored",
            Label = gemm.Label + " + " + map.Label,
        };
        section.Remove(map);
        plan.Buffers[input.Index].Unused = true;
        return true;
    }
}
