using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Model;

/// <summary>
/// Everything the parser read from one [Network] class, as plain data: the only model that
/// comes out of Roslyn symbols, and equal whenever the declaration is unchanged.
/// </summary>
internal sealed record NetworkSpec(
    string? Namespace,
    EquatableArray<string> ContainingTypes,
    string ClassName,
    bool InputGradient,
    MethodSpec? Forward,
    MethodSpec? Loss,
    EquatableArray<MethodSpec> Helpers,
    EquatableArray<DiagnosticInfo> Diagnostics,
    LocationInfo Location)
{
    /// <summary>Namespace-qualified name with containing types, e.g. "Examples.Digits.DigitsMlp".</summary>
    public string FullName =>
        (Namespace is null ? "" : Namespace + ".") +
        (ContainingTypes.Count == 0 ? "" : string.Join(".", ContainingTypes) + ".") + ClassName;
}

/// <summary>A [Forward], [Loss] or helper method: parameters and the parsed body.</summary>
internal sealed record MethodSpec(
    string Name,
    EquatableArray<ParameterSpec> Parameters,
    EquatableArray<Stmt> Body,
    LocationInfo Location);

/// <summary>What a method parameter is.</summary>
internal enum ParameterKind
{
    Tensor,
    TensorArray,
    Int,
    Float,
    String,
    Bool,
    Unsupported,
}

/// <summary>
/// A method parameter. For a Tensor input, <see cref="Shape"/> comes from [Shape(...)] and
/// <see cref="LabelClasses"/> from [Labels(n)] when <see cref="HasLabels"/>.
/// </summary>
internal sealed record ParameterSpec(
    string Name,
    ParameterKind Kind,
    string TypeName,
    EquatableArray<int> Shape,
    bool HasShape,
    bool HasLabels,
    int LabelClasses,
    LocationInfo Location);
