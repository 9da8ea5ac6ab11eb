namespace GraphGen.Generator;

/// <summary>Tracking names of the incremental pipeline steps, asserted by the caching tests.</summary>
internal static class StepNames
{
    public const string Parse = nameof(Parse);
    public const string Compile = nameof(Compile);
    public const string Gpu = nameof(Gpu);
    public const string OrphanForward = nameof(OrphanForward);
}
