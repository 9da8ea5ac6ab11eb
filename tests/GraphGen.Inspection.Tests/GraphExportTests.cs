extern alias computationgraph;

using computationgraph::GraphGen.Examples.ComputationGraph;

namespace GraphGen.Inspection.Tests;

public class GraphExportTests
{
    private static NetworkGraphs Graphs => new(nameof(ResidualIrisNet),
        ResidualIrisNet.Description.ForwardGraphDot, ResidualIrisNet.Description.ForwardGraphMermaid, ResidualIrisNet.Description.BackwardGraphDot, ResidualIrisNet.Description.BackwardGraphMermaid);

    [Fact]
    public void WritesDotMermaidAndAMarkdownPageThatGitHubDraws()
    {
        string dir = TestData.TemporaryDirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir, "ResidualIrisNet.forward.svg"), "<svg/>");   // from an earlier run
            var (forward, backward) = GraphExport.Write(dir, Graphs, dotExecutable: Path.Combine(dir, "no-such-dot"));
            Assert.Equal(Path.Combine(dir, "ResidualIrisNet.forward.dot"), forward.DotPath);
            Assert.Equal(ResidualIrisNet.Description.ForwardGraphDot + "\n", File.ReadAllText(forward.DotPath));
            Assert.Equal(ResidualIrisNet.Description.BackwardGraphMermaid + "\n", File.ReadAllText(backward.MermaidPath));
            string page = File.ReadAllText(backward.MarkdownPath);
            Assert.StartsWith("# Backward graph of ResidualIrisNet\n", page);
            Assert.Contains("```mermaid\n" + ResidualIrisNet.Description.BackwardGraphMermaid + "\n```\n", page);
            Assert.Null(forward.SvgPath);
            Assert.Contains("Could not start Graphviz", forward.SvgProblem);
            Assert.False(File.Exists(Path.Combine(dir, "ResidualIrisNet.forward.svg")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RendersWellFormedSvgWithGraphvizOrSaysHowToGetIt()
    {
        string dir = TestData.TemporaryDirectory();
        try
        {
            var (forward, backward) = GraphExport.Write(dir, Graphs);
            if (GraphvizRenderer.FindDot() is null)
            {
                // Without Graphviz (Debian package graphviz) there is no SVG, and the message says what to install.
                Assert.Null(forward.SvgPath);
                Assert.Contains("apt-get install graphviz", forward.SvgProblem);
                return;
            }
            foreach (var files in new[] { forward, backward })
            {
                Assert.Equal("", files.SvgProblem);
                var svg = TestData.AssertSvg(File.ReadAllText(files.SvgPath!));
                var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
                Assert.Contains(texts, t => t.Contains("Dense \"block\"", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void DotIsFoundOnlyOnTheSearchPath()
    {
        string dir = TestData.TemporaryDirectory();
        try
        {
            Assert.Null(GraphvizRenderer.FindDot(dir));
            string fake = Path.Combine(dir, OperatingSystem.IsWindows() ? "dot.exe" : "dot");
            File.WriteAllText(fake, "");
            Assert.Equal(fake, GraphvizRenderer.FindDot("/nonexistent" + Path.PathSeparator + dir));
            Assert.Null(GraphvizRenderer.TryRenderSvg("digraph { a -> b }", out string problem, dotExecutable: Path.Combine(dir, "missing")));
            Assert.NotEqual("", problem);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ForwardNodesShowOpShapeAndParametersAndBackwardStepsLinkToThem()
    {
        // Issue item 1: what the exported pictures must show.
        Assert.Contains("block\\nDense \\\"block\\\"  [B, 8]\\n72 parameters", ResidualIrisNet.Description.ForwardGraphDot);
        foreach (string layer in new[] { "embed", "block", "classify" })
            Assert.Contains($"dense {layer} dW", ResidualIrisNet.Description.BackwardGraphDot);
        int links = ResidualIrisNet.Description.BackwardGraphDot.Split('\n').Count(l => l.Contains("label=\"differentiates\"", StringComparison.Ordinal));
        int steps = System.Text.RegularExpressions.Regex.Matches(ResidualIrisNet.Description.BackwardGraphDot, @"^\s*s\d+ \[label=", System.Text.RegularExpressions.RegexOptions.Multiline).Count;
        Assert.True(steps > 0);
        Assert.Equal(steps, links);
        Assert.Contains("-.-", ResidualIrisNet.Description.BackwardGraphMermaid);
    }
}
