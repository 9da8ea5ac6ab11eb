using System.Collections.Generic;
using System.Threading;
using GraphGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;

namespace GraphGen.Generator.Parsing;

/// <summary>State shared while parsing one network: its symbol, diagnostics, and the helper methods still to parse.</summary>
internal sealed class ParseContext(INamedTypeSymbol network, Compilation compilation, CancellationToken cancellation)
{
    public INamedTypeSymbol Network { get; } = network;
    public Compilation Compilation { get; } = compilation;
    public CancellationToken Cancellation { get; } = cancellation;
    public List<DiagnosticInfo> Diagnostics { get; } = [];

    /// <summary>Helper methods referenced so far, in order of first reference.</summary>
    public List<IMethodSymbol> PendingHelpers { get; } = [];

    private readonly HashSet<string> _helperNames = [];

    public void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments) =>
        Diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(node), arguments));

    public void RequestHelper(IMethodSymbol method)
    {
        if (_helperNames.Add(method.Name)) PendingHelpers.Add(method);
    }

    public SemanticModel ModelFor(SyntaxTree tree) => Compilation.GetSemanticModel(tree);
}
