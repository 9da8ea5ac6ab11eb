namespace GraphGen;

/// <summary>
/// What a generated network says about itself, in text: the layer summary and its forward and
/// backward graphs as Graphviz DOT and Mermaid. The generator writes it into a second file per
/// network (<c>&lt;Network&gt;.Describe.g.cs</c>) as the static <c>Description</c>, so that the
/// main file holds only the network.
/// </summary>
/// <param name="Summary">The layer-by-layer summary: output shapes and parameter counts.</param>
/// <param name="ForwardGraphDot">Graphviz DOT text of the forward graph (render with <c>dot -Tsvg</c>).</param>
/// <param name="ForwardGraphMermaid">Mermaid flowchart of the forward graph.</param>
/// <param name="BackwardGraphDot">Graphviz DOT text of the backward graph (empty without a [Loss]).</param>
/// <param name="BackwardGraphMermaid">Mermaid flowchart of the backward graph (empty without a [Loss]).</param>
public sealed record NetworkDescription(string Summary, string ForwardGraphDot, string ForwardGraphMermaid, string BackwardGraphDot, string BackwardGraphMermaid);
