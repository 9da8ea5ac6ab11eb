using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// The one source of the C# identifiers that the generated passes declare: tensor views, parameter
/// and gradient views, saved buffers, loss terms and the passes' own parameters. Every name is
/// claimed here, so two are never equal, none is a C# keyword, and none hides a name the generated
/// code itself uses (its loop variables, the base class members it calls). A name that is free is
/// kept as it is, so the generated code reads like the user's own names.
/// </summary>
internal sealed class NameAllocator
{
    /// <summary>
    /// Names the generated methods use themselves: their parameters and loop variables, and the
    /// members of GraphGen.CompiledNetwork / TrainableNetwork that they call without qualification
    /// (a local of that name would hide the member).
    /// </summary>
    private static readonly HashSet<string> Reserved = new(System.StringComparer.Ordinal)
    {
        "batch", "training", "withGradient", "destination", "optimizer", "loss", "i", "r", "c", "j", "sum", "value", "global",
        "Seed", "TrainingSteps", "EvaluationSteps", "Observe", "ArenaView", "ParameterView", "StateView", "FixedView",
        "GradientView", "InputGradientView",
    };

    private readonly HashSet<string> _used = new(System.StringComparer.Ordinal);

    /// <summary>
    /// A free identifier made from <paramref name="wanted"/> (already an identifier, see
    /// <see cref="Identifier"/>): itself when free; with "_" appended when it is a keyword or
    /// reserved; then with a counter (wanted2, wanted3... or wanted_2... with
    /// <paramref name="separator"/>) until it is unused.
    /// </summary>
    public string Claim(string wanted, string separator = "")
    {
        string name = IsReserved(wanted) ? wanted + "_" : wanted;
        string unique = name;
        for (int k = 2; !_used.Add(unique); k++) unique = name + separator + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return unique;
    }

    /// <summary>Loss-term locals are called term0, term1...: a tensor must not take those names.</summary>
    private static bool IsTermName(string name)
    {
        if (name.Length <= 4 || !name.StartsWith("term", System.StringComparison.Ordinal)) return false;
        for (int i = 4; i < name.Length; i++)
            if (name[i] is < '0' or > '9') return false;
        return true;
    }

    private static bool IsReserved(string name) =>
        Reserved.Contains(name) || IsTermName(name)
        || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
        || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None;

    /// <summary>Claims a loss term's local (term0, term1...); these are exempt from the term-name rule.</summary>
    public string ClaimTerm(int index)
    {
        string wanted = "term" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string unique = wanted;
        for (int k = 2; !_used.Add(unique); k++) unique = wanted + "_" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return unique;
    }

    /// <summary>A C# identifier from a layer or variable name: "block.0.fc" becomes "block0Fc".</summary>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder();
        bool upper = false;
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                sb.Append(upper && sb.Length > 0 ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else upper = true;
        }
        if (sb.Length == 0 || char.IsDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    /// <summary>The name of dLoss/d(tensor): "h" → "dh", "logits" → "dLogits".</summary>
    public static string GradientName(string name) =>
        name.Length == 1 ? "d" + name : "d" + char.ToUpperInvariant(name[0]) + name.Substring(1);
}
