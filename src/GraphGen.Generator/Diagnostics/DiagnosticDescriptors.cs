using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace GraphGen.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Messages say what is wrong and what to write
/// instead. The table in docs/diagnostics.md lists them with examples.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "GraphGen";

    public static readonly DiagnosticDescriptor ShapeMismatch = Error("GG0001", "Shape mismatch",
        "{0}");

    public static readonly DiagnosticDescriptor UnsupportedConstruct = Error("GG0002", "Unsupported construct in a network method",
        "{0} is not supported in a [{1}] method: {2}");

    public static readonly DiagnosticDescriptor UnknownMethod = Error("GG0003", "Unknown method in a network method",
        "'{0}' is not a GraphGen op or a helper method of this class returning Tensor. {1}");

    public static readonly DiagnosticDescriptor NotPartial = Error("GG0004", "Network class must be partial",
        "Class '{0}' has [Network] but is not partial: declare it 'partial class {0}' so that GraphGen can add the generated members");

    public static readonly DiagnosticDescriptor MissingForward = Error("GG0005", "Network has no [Forward] method",
        "Network '{0}' has no [Forward] method: add one, e.g. '[Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, name: \"output\");'");

    public static readonly DiagnosticDescriptor NonConstantArgument = Error("GG0006", "Shape or setting is not a compile-time constant",
        "{0} of {1} must be a compile-time constant, but '{2}' is not: use a literal, a const field, or a loop variable of a constant-bound for loop");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error("GG0007", "Duplicate layer name",
        "Layer name '{0}' is already used at line {1}: give this layer its own name, or pass 'share: true' to reuse (tie) that layer's weights");

    public static readonly DiagnosticDescriptor InvalidInput = Error("GG0008", "Invalid network input",
        "{0}");

    public static readonly DiagnosticDescriptor InvalidLoss = Error("GG0009", "Invalid loss",
        "{0}");

    public static readonly DiagnosticDescriptor MultipleForward = Error("GG0010", "More than one [Forward] method",
        "Network '{0}' has more than one [Forward] method: keep exactly one");

    public static readonly DiagnosticDescriptor DataDependentControlFlow = Error("GG0011", "Data-dependent control flow",
        "{0} depends on tensor values, which are not known at compile time: the graph must be the same for every input. {1}");

    public static readonly DiagnosticDescriptor UnsupportedNetworkType = Error("GG0012", "Unsupported network class",
        "{0}");

    public static readonly DiagnosticDescriptor ForwardWithoutNetwork = Error("GG0013", "[Forward] outside a network",
        "Method '{0}' has [Forward] but class '{1}' has no [Network] attribute: add [Network] to the class");

    public static readonly DiagnosticDescriptor InvalidArgument = Error("GG0014", "Invalid op argument",
        "{0}");

    public static readonly DiagnosticDescriptor MemberCollision = Error("GG0015", "Member collides with a generated member",
        "{0}");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error("GG0016", "Network too large",
        "{0}");

    public static readonly DiagnosticDescriptor ShareWithoutSharing = Warning("GG0017", "share: true shares nothing",
        "{0}");

    public static readonly DiagnosticDescriptor UnusedLayer = Warning("GG0018", "Layer left out of the network",
        "{0}");

    public static readonly DiagnosticDescriptor InternalError = Error("GG0099", "Internal generator error",
        "GraphGen could not compile network '{0}': {1}. This is a bug in GraphGen; please report it with the network's source");

    private static readonly Dictionary<string, DiagnosticDescriptor> All = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => All[id];

    /// <summary>Whether the diagnostic stops generation (an error) or is reported beside the generated code (a warning).</summary>
    public static bool IsError(DiagnosticInfo diagnostic) => ById(diagnostic.Id).DefaultSeverity == DiagnosticSeverity.Error;

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
