namespace GraphGen;

/// <summary>
/// Seeded initialisation of a parameter arena. Each parameter draws from its own stream,
/// derived from the seed and the parameter's name, so adding a layer does not change the
/// initial values of the others, and the values are bitwise identical on every machine.
/// </summary>
public static class Initializer
{
    /// <summary>Fills every parameter of <paramref name="table"/> in <paramref name="arena"/> by its <see cref="ParameterInfo.Init"/>, each from its own stream of (<paramref name="seed"/>, name).</summary>
    public static void Initialize(Span<float> arena, ParameterTable table, ulong seed)
    {
        if (arena.Length != table.TotalCount)
            throw new ArgumentException($"The parameter arena holds {arena.Length} floats but the table needs {table.TotalCount}.", nameof(arena));
        foreach (var p in table.Parameters)
            Initialize(arena.Slice(p.Offset, p.Count), p, seed);
    }

    /// <summary>Fills one parameter's <paramref name="values"/> by <paramref name="p"/>'s <see cref="ParameterInfo.Init"/>, from the stream of (<paramref name="seed"/>, its name).</summary>
    public static void Initialize(Span<float> values, ParameterInfo p, ulong seed)
    {
        switch (p.Init)
        {
            case Init.Zeros:
                values.Clear();
                return;
            case Init.Ones:
                values.Fill(1f);
                return;
        }
        float bound = Bound(p);
        var rng = SeededRandom.ForStream(seed, p.Name);
        for (int i = 0; i < values.Length; i++)
            values[i] = rng.NextUniform(-bound, bound);
    }

    /// <summary>The half-width b of the uniform distribution U(-b, b).</summary>
    public static float Bound(ParameterInfo p) => p.Init switch
    {
        Init.HeUniform => MathF.Sqrt(6f / p.FanIn),
        Init.XavierUniform or Init.Auto => MathF.Sqrt(6f / (p.FanIn + p.FanOut)),
        Init.SmallUniform => MathF.Sqrt(3f) * 0.02f,
        _ => 0f,
    };

    /// <summary>A sentence for summaries and generated comments.</summary>
    public static string Describe(Init init, int fanIn, int fanOut) => init switch
    {
        Init.HeUniform => $"He uniform, bound sqrt(6/{fanIn})",
        Init.XavierUniform or Init.Auto => $"Xavier uniform, bound sqrt(6/({fanIn}+{fanOut}))",
        Init.Zeros => "zeros",
        Init.Ones => "ones",
        Init.SmallUniform => "uniform, std 0.02",
        _ => init.ToString(),
    };
}
