using System;
using System.Linq;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Emit;
using GraphGen.Generator.Graphs;
using GraphGen.Generator.Model;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator;

/// <summary>
/// The result of compiling one network: its two files (the network, and its description), when it
/// compiled, and the diagnostics to report.
/// </summary>
internal sealed record GeneratedNetwork(string HintName, string? Source, string DescribeHintName, string? DescribeSource, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>The GPU file (when the compilation references GraphGen.Gpu).</summary>
    public string? GpuSource { get; init; }

    public string GpuHintName => HintName.Substring(0, HintName.Length - ".g.cs".Length) + ".Gpu.g.cs";
}

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

    /// <param name="spec">The parsed network.</param>
    /// <param name="gpu">Whether the compilation references GraphGen.Gpu: then the GPU file is written too.</param>
    public static GeneratedNetwork Compile(NetworkSpec spec, bool gpu = false)
    {
        string fileName = CSharpText.HintName(spec.FullName), hintName = fileName + ".g.cs", describeHintName = fileName + ".Describe.g.cs";
        try
        {
            if (spec.Diagnostics.Count > 0 || spec.Forward is null)
                return new GeneratedNetwork(hintName, null, describeHintName, null, spec.Diagnostics);
            var (graph, diagnostics) = GraphBuilder.Build(spec);
            if (diagnostics.Any(DiagnosticDescriptors.IsError) || graph.Output is null)
                return new GeneratedNetwork(hintName, null, describeHintName, null, diagnostics.ToEquatableArray());
            var plan = PlanPasses.Compile(graph);
            // Warnings (GG0017, GG0018) go out with the generated code.
            return new GeneratedNetwork(hintName, NetworkEmitter.Emit(spec, plan), describeHintName, NetworkEmitter.EmitDescription(spec, plan), diagnostics.ToEquatableArray())
            {
                GpuSource = gpu ? NetworkEmitter.EmitGpu(spec, plan) : null,
            };
        }
        catch (NetworkLimitException e)
        {
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, spec.Forward?.Location ?? spec.Location, e.Message);
            return new GeneratedNetwork(hintName, null, describeHintName, null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, spec.Location, spec.ClassName, e.GetType().Name + ": " + e.Message + " " + FirstOwnFrame(e));
            return new GeneratedNetwork(hintName, null, describeHintName, null, new EquatableArray<DiagnosticInfo>(new[] { diagnostic }));
        }
    }
}
