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
            string kind = typeDeclaration is RecordDeclarationSyntax ? "record" : typeDeclaration.Keyword.ValueText;
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, location,
                $"'{type.Name}' is {(kind == "interface" ? "an" : "a")} {kind}: a network is declared as a 'partial class'"));
            return new NetworkSpec(null, EquatableArray<string>.Empty, type.Name, false, null, null, EquatableArray<MethodSpec>.Empty,
                context.Diagnostics.ToEquatableArray(), location);
        }
        if (!IsFirstNetworkDeclaration(type, declaration))
        {
            // [Network] on a second part of the class: the compiler reports the duplicate attribute
            // (CS0579), and the first part generates the network once.
            return new NetworkSpec(null, EquatableArray<string>.Empty, type.Name, false, null, null, EquatableArray<MethodSpec>.Empty,
                EquatableArray<DiagnosticInfo>.Empty, location);
        }

        DeclarationRules.CheckDeclaration(type, declaration, context);

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

        if (inputGradient && loss.Count == 0)
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLoss, InputGradientArgument(attributeContext) ?? location,
                $"[Network(InputGradient = true)] asks for dLoss/dInput, but '{type.Name}' has no [Loss] method to differentiate: add one, or remove InputGradient"));
        DeclarationRules.CheckMembers(type, trainable: loss.Count > 0, inputGradient, context);

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

    /// <summary>Where [Network(InputGradient = ...)] sets the flag, for diagnostics about it.</summary>
    private static LocationInfo? InputGradientArgument(GeneratorAttributeSyntaxContext attributeContext)
    {
        foreach (var attribute in attributeContext.Attributes)
            if (attribute.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: { } arguments })
                foreach (var argument in arguments.Arguments)
                    if (argument.NameEquals?.Name.Identifier.ValueText == "InputGradient") return LocationInfo.From(argument);
        return null;
    }

    /// <summary>Whether this declaration's [Network] is the type's first (by file and position): only that one generates.</summary>
    private static bool IsFirstNetworkDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration)
    {
        var first = type.GetAttributes()
            .Where(a => a.AttributeClass?.ToDisplayString() == KnownNames.NetworkAttribute && a.ApplicationSyntaxReference is not null)
            .Select(a => a.ApplicationSyntaxReference!)
            .OrderBy(r => r.SyntaxTree.FilePath, System.StringComparer.Ordinal).ThenBy(r => r.Span.Start)
            .FirstOrDefault();
        return first is null || (first.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(first.Span));
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
