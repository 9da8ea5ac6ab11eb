namespace GraphGen;

/// <summary>
/// The parameters of a network in arena order. Every parameter is a contiguous slice of one
/// float array, so an optimizer can update all of them in a single pass and a checkpoint can
/// write them without copying.
/// </summary>
public sealed class ParameterTable
{
    private readonly ParameterInfo[] _parameters;
    private readonly Dictionary<string, ParameterInfo> _byName;

    /// <summary>A table of <paramref name="parameters"/> in arena order: names unique, each starting where the previous one ends.</summary>
    public ParameterTable(params ParameterInfo[] parameters)
    {
        _parameters = parameters;
        _byName = new Dictionary<string, ParameterInfo>(StringComparer.Ordinal);
        int expectedOffset = 0;
        foreach (var p in parameters)
        {
            if (!_byName.TryAdd(p.Name, p))
                throw new ArgumentException($"Parameter name '{p.Name}' appears twice in the table.", nameof(parameters));
            if (p.Offset != expectedOffset)
                throw new ArgumentException($"Parameter '{p.Name}' starts at {p.Offset}, expected {expectedOffset}: the arena must be contiguous.", nameof(parameters));
            expectedOffset += p.Count;
        }
        TotalCount = expectedOffset;
    }

    /// <summary>A table with no parameters.</summary>
    public static ParameterTable Empty { get; } = new();

    /// <summary>The parameters in arena order.</summary>
    public IReadOnlyList<ParameterInfo> Parameters => _parameters;

    /// <summary>Total number of floats in the parameter arena.</summary>
    public int TotalCount { get; }

    /// <summary>Number of parameter tensors.</summary>
    public int Count => _parameters.Length;

    /// <summary>The parameter named <paramref name="name"/> (e.g. "hidden.weight"); an unknown name throws, listing the known ones.</summary>
    public ParameterInfo this[string name] =>
        _byName.TryGetValue(name, out var p) ? p
            : throw new KeyNotFoundException($"No parameter named '{name}'. Known: {string.Join(", ", _byName.Keys)}.");

    /// <summary>The parameter named <paramref name="name"/>, if there is one.</summary>
    public bool TryGet(string name, out ParameterInfo parameter) => _byName.TryGetValue(name, out parameter!);

    /// <summary>The slice of <paramref name="arena"/> that holds <paramref name="name"/>.</summary>
    public Span<float> Slice(Span<float> arena, string name)
    {
        var p = this[name];
        return arena.Slice(p.Offset, p.Count);
    }
}
