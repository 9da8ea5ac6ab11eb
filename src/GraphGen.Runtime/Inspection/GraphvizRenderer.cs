using System.Diagnostics;
using System.Text;

namespace GraphGen.Inspection;

/// <summary>
/// Renders DOT text to SVG with Graphviz's <c>dot</c> executable when it is installed
/// (Debian: <c>apt-get install graphviz</c>). Nothing here needs it: without it the
/// result says so, and the DOT and Mermaid files are still there to render elsewhere.
/// </summary>
public static class GraphvizRenderer
{
    /// <summary>How long one rendering may take before the process is stopped.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The full path of <c>dot</c> in the directories of <paramref name="searchPath"/> (PATH's
    /// format; the process's PATH when null), or null when it is not there.
    /// </summary>
    public static string? FindDot(string? searchPath = null)
    {
        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        string[] names = OperatingSystem.IsWindows() ? ["dot.exe"] : ["dot"];
        foreach (string directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(directory.Trim('"'), name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Runs <c>dot -Tsvg</c> on <paramref name="dot"/> and returns the SVG text, or null with
    /// <paramref name="problem"/> saying why (not installed, failed, timed out).
    /// </summary>
    public static string? TryRenderSvg(string dot, out string problem, string? dotExecutable = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(dot);
        dotExecutable ??= FindDot();
        if (dotExecutable is null)
        {
            problem = "Graphviz 'dot' is not on PATH, so no SVG was rendered; install it (Debian/Ubuntu: apt-get install graphviz) or open the .md file, whose Mermaid diagram renders on GitHub without tools.";
            return null;
        }
        var start = new ProcessStartInfo(dotExecutable, ["-Tsvg"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            problem = $"Could not start Graphviz '{dotExecutable}': {e.Message}";
            return null;
        }
        // Read both streams while writing, so that a large graph cannot fill a pipe and deadlock.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(dot);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            problem = $"Graphviz '{dotExecutable}' did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:F0} s and was stopped.";
            return null;
        }
        string svg = output.GetAwaiter().GetResult();
        string messages = error.GetAwaiter().GetResult().Trim();
        if (process.ExitCode != 0 || svg.Length == 0)
        {
            problem = $"Graphviz '{dotExecutable}' failed (exit code {process.ExitCode}): {(messages.Length == 0 ? "no message" : messages)}";
            return null;
        }
        problem = "";
        return svg;
    }
}
