using System.Runtime.CompilerServices;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Hand-written snapshot testing (Verify is not available here): compares text with a
/// committed .verified file; on a difference writes .received beside it and fails with the
/// first differing line. GRAPHGEN_ACCEPT=1 accepts the new text.
/// </summary>
internal static class Snapshot
{
    public static bool Accepting => Environment.GetEnvironmentVariable("GRAPHGEN_ACCEPT") == "1";

    public static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));

    public static string SnapshotDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Snapshots");

    public static void Verify(string verifiedPath, string actual)
    {
        actual = Normalize(actual);
        string receivedPath = Path.ChangeExtension(verifiedPath, null) switch
        {
            var p when p.EndsWith(".verified", StringComparison.Ordinal) => p[..^".verified".Length] + ".received" + Path.GetExtension(verifiedPath),
            var p => p + ".received" + Path.GetExtension(verifiedPath),
        };
        string? expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }
        if (Accepting)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(verifiedPath)!);
            File.WriteAllText(verifiedPath, actual);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        if (expected is null)
            Assert.Fail($"No snapshot at {verifiedPath}. The new output is in {receivedPath}; review it and run the tests with GRAPHGEN_ACCEPT=1 to accept.");
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line]) line++;
        Assert.Fail($"{verifiedPath} is stale: first difference at line {line + 1}.\n  expected: {(line < e.Length ? e[line] : "<end>")}\n  actual:   {(line < a.Length ? a[line] : "<end>")}\n" +
            $"The new output is in {receivedPath}; if the change is intended, run the tests with GRAPHGEN_ACCEPT=1.");
    }

    /// <summary>Line endings, a byte-order mark and the generator version do not count as differences.</summary>
    private static string Normalize(string text) =>
        text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace("GraphGen " + Emit.NetworkEmitter.GeneratorVersion, "GraphGen {version}")
            .Replace("\"GraphGen\", \"" + Emit.NetworkEmitter.GeneratorVersion + "\"", "\"GraphGen\", \"{version}\"");
}
