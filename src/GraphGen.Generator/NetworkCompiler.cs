using System;
using System.Linq;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Emit;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Model;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator;

/// <summary>The result of compiling one network: the source to add (if any) and the diagnostics to report.</summary>
internal sealed record GeneratedNetwork(string HintName, string? Source, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The pure part of the pipeline, with no Roslyn types: spec → graph (shapes, diagnostics) →
/// kernel plan (autodiff, fusion, memory plan) → C# text. It never throws: a bug becomes a
/// GG0099 diagnostic instead of a crashed build.
/// </summary>
internal static class NetworkCompiler
{
    /// <summary>The innermost stack frame in GraphGen's own code, to locate a bug from a user report.</summary>
    private static string FirstOwnFrame(Exception e) =>
        e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("GraphGen.Generator")) ?? "";

    public static GeneratedNetwork Compile(NetworkSpec spec)
    {
        string hintName = spec.FullName + ".g.cs";
        try
        {
            if (spec.Diagnostics.Count > 0 || spec.Forward is null)
                return new GeneratedNetwork(hintName, null, spec.Diagnostics);
            var (graph, diagnostics) = GraphBuilder.Build(spec);
            if (diagnostics.Count > 0 || graph.Output is null)
                return new GeneratedNetwork(hintName, null, diagnostics.ToEquatableArray());
            var plan = PlanBuilder.Build(graph);
            Fusion.Apply(plan);
            MemoryPlanner.Plan(plan);
            return new GeneratedNetwork(hintName, NetworkEmitter.Emit(spec, plan), EquatableArray<DiagnosticInfo>.Empty);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Location, spec.ClassName, e.GetType().Name + ": " + e.Message + " " + FirstOwnFrame(e));
            return new GeneratedNetwork(hintName, null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
        }
    }
}
