namespace GraphGen.Inspection;

/// <summary>
/// A network's graph descriptions as the generator emits them (the constants
/// <c>ForwardGraphDot</c>, <c>BackwardGraphDot</c>, <c>ForwardGraphMermaid</c> and
/// <c>BackwardGraphMermaid</c> of every generated class), gathered for <see cref="GraphExport"/>:
/// <c>new NetworkGraphs("DigitsMlp", DigitsMlp.ForwardGraphDot, DigitsMlp.ForwardGraphMermaid, DigitsMlp.BackwardGraphDot, DigitsMlp.BackwardGraphMermaid)</c>.
/// </summary>
public sealed record NetworkGraphs(string Name, string ForwardDot, string ForwardMermaid, string BackwardDot, string BackwardMermaid);
