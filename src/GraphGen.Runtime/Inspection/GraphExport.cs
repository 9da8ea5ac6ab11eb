using System.Text;
using GraphGen.Imaging;

namespace GraphGen.Inspection;

/// <summary>The files <see cref="GraphExport"/> wrote for one graph.</summary>
/// <param name="DotPath">Graphviz text (render with <c>dot -Tsvg</c>).</param>
/// <param name="MermaidPath">Mermaid text.</param>
/// <param name="MarkdownPath">A page with the Mermaid text in a <c>```mermaid</c> block: GitHub draws it.</param>
/// <param name="SvgPath">The rendered picture, or null when Graphviz is missing or failed.</param>
/// <param name="SvgProblem">Why there is no SVG; empty when there is one.</param>
public sealed record GraphFiles(string DotPath, string MermaidPath, string MarkdownPath, string? SvgPath, string SvgProblem);

/// <summary>
/// Writes a network's computation graphs for people: <c>&lt;name&gt;.forward.dot</c>,
/// <c>.mmd</c>, <c>.md</c> (the Mermaid diagram, which renders on a repository page without
/// tools) and <c>.svg</c> when Graphviz is installed, and the same for the backward graph.
/// </summary>
public static class GraphExport
{
    /// <summary>Writes the forward and backward graphs of <paramref name="graphs"/> into <paramref name="directory"/>.</summary>
    public static (GraphFiles Forward, GraphFiles Backward) Write(string directory, NetworkGraphs graphs, string? dotExecutable = null)
    {
        ArgumentNullException.ThrowIfNull(graphs);
        var forward = Write(directory, graphs.Name + ".forward", $"Forward graph of {graphs.Name}", graphs.ForwardDot, graphs.ForwardMermaid,
            "Each box is one operation with its output shape ([B, n]: B is the batch) and its parameter count.", dotExecutable);
        var backward = Write(directory, graphs.Name + ".backward", $"Backward graph of {graphs.Name}", graphs.BackwardDot, graphs.BackwardMermaid,
            "Each orange box is one step of the generated backward pass, numbered as in the generated code; solid arrows carry gradients, and a dotted link joins each step to the forward operation it differentiates (grey).", dotExecutable);
        return (forward, backward);
    }

    /// <summary>Writes one graph as <paramref name="baseName"/>.dot, .mmd, .md and (with Graphviz) .svg.</summary>
    public static GraphFiles Write(string directory, string baseName, string title, string dot, string mermaid, string caption = "", string? dotExecutable = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(baseName);
        ArgumentNullException.ThrowIfNull(dot);
        ArgumentNullException.ThrowIfNull(mermaid);
        Directory.CreateDirectory(directory);
        string dotPath = Path.Combine(directory, baseName + ".dot");
        string mermaidPath = Path.Combine(directory, baseName + ".mmd");
        string markdownPath = Path.Combine(directory, baseName + ".md");
        Save(dotPath, WithNewline(dot));
        Save(mermaidPath, WithNewline(mermaid));
        Save(markdownPath, Markdown(title, caption, mermaid));

        string? svg = GraphvizRenderer.TryRenderSvg(dot, out string problem, dotExecutable);
        string svgPath = Path.Combine(directory, baseName + ".svg");
        if (svg is null)
        {
            // A picture from an earlier run would no longer match the .dot beside it.
            File.Delete(svgPath);
            return new GraphFiles(dotPath, mermaidPath, markdownPath, null, problem);
        }
        Save(svgPath, svg);
        return new GraphFiles(dotPath, mermaidPath, markdownPath, svgPath, problem);
    }

    /// <summary>A Markdown page: the title, the caption, and the diagram in a ```mermaid block.</summary>
    public static string Markdown(string title, string caption, string mermaid)
    {
        var page = new StringBuilder();
        page.Append("# ").Append(title).Append("\n\n");
        if (caption.Length > 0) page.Append(caption).Append("\n\n");
        page.Append("```mermaid\n").Append(WithNewline(mermaid)).Append("```\n");
        return page.ToString();
    }

    private static string WithNewline(string text) => text.EndsWith('\n') ? text : text + "\n";

    private static void Save(string path, string text) => OutputFile.Write(path, new UTF8Encoding(false).GetBytes(text));
}
