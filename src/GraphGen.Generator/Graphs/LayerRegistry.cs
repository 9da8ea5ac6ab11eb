using System.Globalization;
using System.Linq;
using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Graphs;

/// <summary>Creates named layers, and resolves a reused name to the layer it shares (or a diagnostic).</summary>
internal static class LayerRegistry
{
    /// <summary>
    /// The layer called <paramref name="name"/>: created with <paramref name="create"/> on first
    /// use; on a later use from another call site, shared when <paramref name="share"/> is set and
    /// the signatures match, else a GG0007 or GG0001 diagnostic and null.
    /// </summary>
    public static Layer? Resolve(OpCall call, string name, bool share, string signature, System.Func<Layer> create, string nameParameter = "name")
    {
        var builder = call.Builder;
        var graph = builder.Graph;
        if (Unprintable(name) is { } problem)
        {
            builder.Report(DiagnosticDescriptors.InvalidArgument, call.LocationOf(nameParameter),
                $"The layer name of {call.Op} is {Emit.CSharpText.Literal(name)}, which {problem}: layer names become parameter names in checkpoints and text in the generated code; use letters, digits, '.', '_' or '-'");
            return null;
        }
        var layer = graph.Layers.Find(l => l.Name == name);
        if (layer is null)
        {
            layer = create();
            if (TooLarge(graph, layer) is { } tooLarge)
            {
                builder.Report(DiagnosticDescriptors.NetworkTooLarge, call.Location, $"{call.Op} \"{name}\" {tooLarge}");
                return null;
            }
            graph.Layers.Add(layer);
            graph.Parameters.AddRange(layer.Parameters);
            graph.State.AddRange(layer.State);
        }
        else if (layer.CallSite != call.CallSite && !share)
        {
            builder.Report(DiagnosticDescriptors.DuplicateLayerName, call.LocationOf(nameParameter), name,
                ((layer.Location?.LineSpan.Start.Line ?? 0) + 1).ToString(CultureInfo.InvariantCulture));
            return null;
        }
        else if (layer.Signature != signature)
        {
            builder.Report(DiagnosticDescriptors.ShapeMismatch, call.Location,
                $"{call.Op} \"{name}\" shares the weights of its first use, a {layer.Signature}, but this use needs a {signature}; use the same sizes, or another name");
            return null;
        }
        layer.Uses++;
        if (share && layer.ShareLocation is null) layer.ShareLocation = call.LocationOf("share");
        return layer;
    }

    /// <summary>Why a layer name cannot be written on one line of text (it is empty, or holds a control character, a line break or half a surrogate pair), or null.</summary>
    private static string? Unprintable(string name)
    {
        if (name.Trim().Length == 0) return "is empty";
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool pairedSurrogate = char.IsHighSurrogate(c) ? i + 1 < name.Length && char.IsLowSurrogate(name[i + 1])
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(name[i - 1]);
            if (char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c) && !pairedSurrogate)
                return $"holds the character U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}";
        }
        return null;
    }

    /// <summary>Why a new layer does not fit <see cref="NetworkLimits"/> (its tensors, or the network's totals with it), or null.</summary>
    private static string? TooLarge(Graph graph, Layer layer)
    {
        foreach (var p in layer.Parameters.Concat(layer.State))
            if (p.Elements > NetworkLimits.MaxFloats)
                return $"would have {NetworkLimits.Count(p.Elements)} floats in {p.Name} {p.ShapeText}, more than one buffer holds: {NetworkLimits.FloatsLimitText}; use smaller sizes";
        long parameters = graph.Parameters.Sum(p => (long)p.Count) + layer.Parameters.Sum(p => p.Elements);
        if (parameters > NetworkLimits.MaxFloats)
            return $"would bring the network to {NetworkLimits.Count(parameters)} parameters, more than the parameter buffer holds: {NetworkLimits.FloatsLimitText}; use smaller layers";
        long state = graph.State.Sum(p => (long)p.Count) + layer.State.Sum(p => p.Elements);
        if (state > NetworkLimits.MaxFloats)
            return $"would bring the network's state to {NetworkLimits.Count(state)} floats, more than {NetworkLimits.FloatsLimitText}";
        return null;
    }
}
