namespace GraphGen.Generator.Planning;

/// <summary>
/// Rewrites a plan into fewer, fatter steps. Applied between autodiff and memory planning,
/// so buffers that fusion makes unnecessary are never allocated.
/// </summary>
internal static class Fusion
{
    public static void Apply(KernelPlan plan)
    {
        // Fusion passes are added here by the performance work; an unfused plan is already correct.
    }
}
