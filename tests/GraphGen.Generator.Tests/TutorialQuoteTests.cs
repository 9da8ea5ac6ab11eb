using System.Text.RegularExpressions;

namespace GraphGen.Generator.Tests;

/// <summary>
/// The lessons quote generated code by step number ("step 9 (`Add backward: dh = dResidual`)", a
/// table row "| 4 | `dW = dOutputᵀ · h` |", "**Step 1**, ...: `neuron = x · Wᵀ + b`"). Each quote must
/// appear in that step's comment in the committed generated file the lesson last linked to, so a
/// change to the generator that renumbers or rewords steps fails here until the lesson is updated.
/// </summary>
public class TutorialQuoteTests
{
    private static readonly Regex Link = new(@"\]\((?<path>[^)]*?/Generated/[^)]*?\.g\.cs)\)", RegexOptions.Compiled);
    private static readonly Regex InlineStep = new(@"\b[Ss]tep (?<n>\d+)\b[^`.\n]{0,60}`(?<quote>[^`]+)`", RegexOptions.Compiled);
    private static readonly Regex BoldStep = new(@"\*\*Steps? (?<n>\d+)(?:–(?<m>\d+))?\*\*(?<rest>[^\n]*)", RegexOptions.Compiled);
    private static readonly Regex TableRow = new(@"^\| (?<n>\d+)(?:–(?<m>\d+))? \| (?<cell>[^|]*)\|", RegexOptions.Compiled | RegexOptions.Multiline);
    private static readonly Regex Code = new("`(?<quote>[^`]+)`", RegexOptions.Compiled);

    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Snapshot.RepositoryRoot(), "docs", "tutorials"), "*.md").Order(StringComparer.Ordinal))
            if (Path.GetFileName(file) != "README.md") data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Lessons))]
    public void QuotedStepsMatchTheCommittedGeneratedCode(string lesson)
    {
        string path = Path.Combine(Snapshot.RepositoryRoot(), "docs", "tutorials", lesson);
        string text = File.ReadAllText(path).Replace("\r\n", "\n");
        var failures = new List<string>();
        foreach (var (position, first, last, quote) in Quotes(text))
        {
            var link = Link.Matches(text[..position]).LastOrDefault();
            if (link is null)
            {
                failures.Add($"step {first}: `{quote}` quotes generated code but no generated file is linked before it");
                continue;
            }
            string generated = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, link.Groups["path"].Value));
            var steps = StepComments(File.ReadAllText(generated));
            string wanted = Normalize(quote);
            bool found = Enumerable.Range(first, last - first + 1).Any(n => steps.TryGetValue(n, out var comment) && comment.Contains(wanted, StringComparison.Ordinal));
            if (!found)
                failures.Add($"step {(first == last ? first.ToString() : first + "–" + last)} of {Path.GetFileName(generated)} does not say `{quote}`"
                    + (steps.TryGetValue(first, out var actual) ? $"; it says: {actual}" : "; there is no such step"));
        }
        Assert.True(failures.Count == 0, lesson + ":\n" + string.Join("\n", failures));
    }

    [Fact]
    public void TheCheckFindsTheLessonsQuotes()
    {
        // The lesson on the backward pass quotes steps in a table and inline: the test must see them.
        string text = File.ReadAllText(Path.Combine(Snapshot.RepositoryRoot(), "docs", "tutorials", "03-backward-code.md"));
        Assert.True(Quotes(text.Replace("\r\n", "\n")).Count() >= 6);
    }

    /// <summary>Every quote with its position in the lesson and the steps it may come from.</summary>
    private static IEnumerable<(int Position, int First, int Last, string Quote)> Quotes(string text)
    {
        foreach (Match m in InlineStep.Matches(text))
            yield return (m.Index, int.Parse(m.Groups["n"].Value), int.Parse(m.Groups["n"].Value), m.Groups["quote"].Value);
        foreach (Match m in BoldStep.Matches(text))
        {
            int first = int.Parse(m.Groups["n"].Value), last = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value) : first;
            foreach (Match code in Code.Matches(m.Groups["rest"].Value))
                yield return (m.Index, first, last, code.Groups["quote"].Value);
        }
        foreach (Match m in TableRow.Matches(text))
        {
            int first = int.Parse(m.Groups["n"].Value), last = m.Groups["m"].Success ? int.Parse(m.Groups["m"].Value) : first;
            foreach (Match code in Code.Matches(m.Groups["cell"].Value))
                yield return (m.Index, first, last, code.Groups["quote"].Value);
        }
    }

    /// <summary>Step number → its comment, the lines "// N. ..." and their continuations joined.</summary>
    private static Dictionary<int, string> StepComments(string source)
    {
        var steps = new Dictionary<int, string>();
        var lines = source.Replace("\r\n", "\n").Split('\n');
        var start = new Regex(@"^\s*// (?<n>\d+)\. (?<text>.*)$");
        for (int i = 0; i < lines.Length; i++)
        {
            var m = start.Match(lines[i]);
            if (!m.Success) continue;
            var parts = new List<string> { m.Groups["text"].Value };
            for (int j = i + 1; j < lines.Length && lines[j].TrimStart().StartsWith("//", StringComparison.Ordinal) && !start.IsMatch(lines[j]); j++)
                parts.Add(lines[j].TrimStart()[2..]);
            steps[int.Parse(m.Groups["n"].Value)] = Normalize(string.Join(" ", parts));
        }
        return steps;
    }

    private static string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();
}
