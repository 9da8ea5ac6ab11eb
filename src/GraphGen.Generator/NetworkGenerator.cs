using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GraphGen.Generator;

/// <summary>
/// The incremental pipeline, and nothing else: find [Network] classes, parse each into a
/// value-equal spec, compile the spec into C#, add the source and report diagnostics.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Parse: the only step that sees symbols. Its output is plain data, equal when the class
        // is unchanged, so an edit elsewhere leaves every later step Cached.
        var specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.NetworkAttribute,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (ctx, ct) => NetworkParser.ParseSafely(ctx, ct))
            .WithTrackingName(StepNames.Parse);

        // Whether the GPU backend is referenced: a bool, equal from one edit to the next, so it
        // costs the cache nothing.
        var gpu = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(KnownNames.GpuDevice) is not null)
            .WithTrackingName(StepNames.Gpu);

        // Compile: graph, autodiff, fusion, memory plan and C# text, from the spec (and that bool) alone.
        var networks = specs
            .Combine(gpu)
            .Select(static (pair, _) => NetworkCompiler.Compile(pair.Left, pair.Right))
            .WithTrackingName(StepNames.Compile);

        context.RegisterSourceOutput(networks, static (spc, network) =>
        {
            foreach (var diagnostic in network.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            if (network.Source is not null) spc.AddSource(network.HintName, SourceText.From(network.Source, System.Text.Encoding.UTF8));
            if (network.DescribeSource is not null) spc.AddSource(network.DescribeHintName, SourceText.From(network.DescribeSource, System.Text.Encoding.UTF8));
            if (network.GpuSource is not null) spc.AddSource(network.GpuHintName, SourceText.From(network.GpuSource, System.Text.Encoding.UTF8));
        });

        // A [Forward] method in a class without [Network] would silently do nothing: say so.
        var orphans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.ForwardAttribute,
                predicate: static (node, _) => node is MethodDeclarationSyntax,
                transform: static (ctx, _) => OrphanForward(ctx))
            .Where(static d => d is not null)
            .WithTrackingName(StepNames.OrphanForward);
        context.RegisterSourceOutput(orphans, static (spc, diagnostic) => spc.ReportDiagnostic(diagnostic!.ToDiagnostic()));
    }

    private static DiagnosticInfo? OrphanForward(GeneratorAttributeSyntaxContext ctx)
    {
        var type = ctx.TargetSymbol.ContainingType;
        foreach (var attribute in type.GetAttributes())
            if (attribute.AttributeClass?.ToDisplayString() == KnownNames.NetworkAttribute) return null;
        var method = (MethodDeclarationSyntax)ctx.TargetNode;
        return DiagnosticInfo.Create(DiagnosticDescriptors.ForwardWithoutNetwork, LocationInfo.From(method.Identifier.GetLocation()), method.Identifier.ValueText, type.Name);
    }
}
