using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GraphGen.Generator.Parsing;

/// <summary>
/// The only stage that touches Roslyn symbols and syntax: reads a [Network] class into a
/// <see cref="NetworkSpec"/> of plain, equatable data.
/// </summary>
internal static class NetworkParser
{
    /// <summary><see cref="Parse"/>, with any bug turned into a GG0099 diagnostic: the generator never throws.</summary>
    public static NetworkSpec ParseSafely(GeneratorAttributeSyntaxContext attributeContext, CancellationToken cancellation)
    {
        try
        {
            return Parse(attributeContext, cancellation);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            var type = attributeContext.TargetSymbol;
            var location = LocationInfo.From(((TypeDeclarationSyntax)attributeContext.TargetNode).Identifier.GetLocation());
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, location, type.Name, e.GetType().Name + ": " + e.Message);
            return new NetworkSpec(null, EquatableArray<string>.Empty, type.Name, false, null, null, EquatableArray<MethodSpec>.Empty,
                new EquatableArray<DiagnosticInfo>(new[] { diagnostic }), location);
        }
    }

    public static NetworkSpec Parse(GeneratorAttributeSyntaxContext attributeContext, CancellationToken cancellation)
    {
        var type = (INamedTypeSymbol)attributeContext.TargetSymbol;
        var typeDeclaration = (TypeDeclarationSyntax)attributeContext.TargetNode;
        var context = new ParseContext(type, attributeContext.SemanticModel.Compilation, cancellation);
        var location = LocationInfo.From(typeDeclaration.Identifier.GetLocation());
        if (typeDeclaration is not ClassDeclarationSyntax declaration)
        {
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, location,
                $"'{type.Name}' is a {typeDeclaration.Keyword.ValueText}: a network is declared as a 'partial class'"));
            return new NetworkSpec(null, EquatableArray<string>.Empty, type.Name, false, null, null, EquatableArray<MethodSpec>.Empty,
                context.Diagnostics.ToEquatableArray(), location);
        }

        CheckDeclaration(type, declaration, context);

        bool inputGradient = attributeContext.Attributes
            .SelectMany(a => a.NamedArguments)
            .Any(a => a.Key == "InputGradient" && a.Value.Value is true);

        var forward = FindAnnotated(type, KnownNames.ForwardAttribute);
        var loss = FindAnnotated(type, KnownNames.LossAttribute);
        if (forward.Count == 0)
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingForward, location, type.Name));
        foreach (var extra in forward.Skip(1))
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MultipleForward, LocationInfo.From(extra.Syntax.Identifier.GetLocation()), type.Name));
        foreach (var extra in loss.Skip(1))
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoss, LocationInfo.From(extra.Syntax.Identifier.GetLocation()),
                $"Network '{type.Name}' has more than one [Loss] method: keep exactly one (combine terms with + inside it)"));

        var forwardSpec = forward.Count > 0 ? new MethodParser(context, "Forward").Parse(forward[0].Method, forward[0].Syntax) : null;
        var lossSpec = loss.Count > 0 ? new MethodParser(context, "Loss").Parse(loss[0].Method, loss[0].Syntax) : null;

        var helpers = new List<MethodSpec>();
        for (int i = 0; i < context.PendingHelpers.Count; i++)
        {
            var helper = context.PendingHelpers[i];
            if (helper.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) is MethodDeclarationSyntax helperSyntax)
                helpers.Add(new MethodParser(context, helper.Name).Parse(helper, helperSyntax));
        }

        return new NetworkSpec(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            ContainingTypes(type).ToEquatableArray(),
            type.Name,
            inputGradient,
            forwardSpec,
            lossSpec,
            helpers.ToEquatableArray(),
            context.Diagnostics.ToEquatableArray(),
            location);
    }

    private static void CheckDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration, ParseContext context)
    {
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, identifier, type.Name));
        if (type.IsGenericType)
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, identifier,
                $"Network class '{type.Name}' is generic: a network's shapes are fixed at compile time, so declare it without type parameters"));
        if (type.IsStatic || type.IsAbstract)
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, identifier,
                $"Network class '{type.Name}' is {(type.IsStatic ? "static" : "abstract")}: GraphGen generates instance members and a constructor, so declare it as a plain 'partial class'"));
        for (var outer = declaration.Parent as TypeDeclarationSyntax; outer is not null; outer = outer.Parent as TypeDeclarationSyntax)
        {
            if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword) || outer.TypeParameterList is not null || outer is not ClassDeclarationSyntax)
                context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, identifier,
                    $"Network class '{type.Name}' is nested in '{outer.Identifier.ValueText}', which must then be a non-generic 'partial class' too"));
        }
    }

    private static List<(IMethodSymbol Method, MethodDeclarationSyntax Syntax)> FindAnnotated(INamedTypeSymbol type, string attribute) =>
        type.GetMembers()
            .OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == attribute))
            .Select(m => (m, m.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as MethodDeclarationSyntax))
            .Where(pair => pair.Item2 is not null)
            .Select(pair => (pair.m, pair.Item2!))
            .OrderBy(pair => pair.Item2.SpanStart)
            .ToList();

    private static IEnumerable<string> ContainingTypes(INamedTypeSymbol type)
    {
        var names = new List<string>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            names.Insert(0, outer.Name);
        return names;
    }
}
