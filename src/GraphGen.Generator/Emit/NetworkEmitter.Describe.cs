using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Emit;

internal sealed partial class NetworkEmitter
{
    /// <summary>The describe file's class: the summary as the class's documentation, and the static Description.</summary>
    private void WriteDescriptionClass()
    {
        var graph = _plan.Graph;
        _w.Line("/// <summary>");
        _w.Line($"/// {Xml(_spec.ClassName)}, compiled by GraphGen: input {graph.Input!.Shape.WithBatch} → output {graph.Output!.Shape.WithBatch}, {Count(graph.ParameterCount)} parameters.");
        _w.Line("/// <code>");
        foreach (var line in SummaryWriter.SummaryLines(_plan)) _w.Line("/// " + Xml(line));
        _w.Line("/// </code>");
        _w.Line("/// </summary>");
        using (_w.Block($"partial class {_name} : global::GraphGen.Onnx.IOnnxExportable"))
        {
            _w.Line("/// <summary>The layer summary, and the forward and backward graphs as Graphviz DOT and Mermaid text.</summary>");
            _w.Line("public static readonly global::GraphGen.NetworkDescription Description = new(");
            using (_w.Indent())
            {
                _w.Comment("Summary: layer by layer, output shapes and parameter counts.");
                RawString(SummaryWriter.SummaryLines(_plan), last: false);
                _w.Comment("ForwardGraphDot: the forward graph as Graphviz DOT (render with: dot -Tsvg).");
                RawString(DotWriter.Forward(_plan, _spec.ClassName).TrimEnd('\n', '\r').Split('\n'), last: false);
                _w.Comment("ForwardGraphMermaid: the forward graph as a Mermaid flowchart (renders on GitHub in a ```mermaid block).");
                RawString(MermaidWriter.Forward(_plan).TrimEnd('\n').Split('\n'), last: false);
                if (_trainable)
                {
                    _w.Comment("BackwardGraphDot: each backward step, the gradients between them, and the forward op it differentiates.");
                    RawString(DotWriter.Backward(_plan, _spec.ClassName).TrimEnd('\n', '\r').Split('\n'), last: false);
                    _w.Comment("BackwardGraphMermaid: the same as a Mermaid flowchart (dotted: the forward op each step differentiates).");
                    RawString(MermaidWriter.Backward(_plan).TrimEnd('\n').Split('\n'), last: true);
                }
                else
                {
                    _w.Comment("BackwardGraphDot and BackwardGraphMermaid: none, the network has no [Loss].");
                    _w.Line("\"\", \"\");");
                }
            }
            _w.Line();
            WriteOnnx();
        }
    }

    private void RawString(IEnumerable<string> lines, bool last)
    {
        var content = lines.Select(l => l.TrimEnd('\r')).ToList();
        string delimiter = CSharpText.RawDelimiter(content);
        _w.Line(delimiter);
        foreach (var line in content) _w.Line(line);
        _w.Line(delimiter + (last ? ");" : ","));
    }

    /// <summary>
    /// BuildOnnx: the inference graph as ONNX nodes, one group per forward node (comment: what it
    /// computes), for GraphGen.Onnx.OnnxExport (docs/onnx.md).
    /// </summary>
    private void WriteOnnx()
    {
        _w.Line("/// <summary>The inference graph as ONNX nodes (opset 17): <c>GraphGen.Onnx.OnnxExport.Save(network, path)</c> writes it with the current parameters.</summary>");
        using (_w.Block("void global::GraphGen.Onnx.IOnnxExportable.BuildOnnx(global::GraphGen.Onnx.OnnxGraphBuilder onnx)"))
        {
            var body = new CodeWriter();
            if (OnnxEmitter.TryWrite(body, _plan.Graph, out string unsupported))
                foreach (var line in body.ToString().TrimEnd('\n').Split('\n')) _w.Line(line);
            else
                _w.Line($"throw new global::System.NotSupportedException({CSharpText.Literal($"{_spec.ClassName} cannot be exported to ONNX: {unsupported} has no ONNX form.")});");
        }
    }
}
