namespace GraphGen.Data;

/// <summary>
/// The small datasets of examples/data, embedded in this assembly at build time
/// (GraphGen.Runtime.csproj), so that <see cref="Datasets"/> loads them from any folder: inside
/// the repository, from the GraphGen package, or from a NativeAOT binary. Each copy is the
/// committed file byte for byte (examples/data/ATTRIBUTION.md gives sources and sha256).
/// </summary>
internal static class ShippedData
{
    private const string ResourcePrefix = "GraphGen.Data.Shipped.";

    /// <summary>The file names of the shipped copies, e.g. "digits.csv.gz".</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        typeof(ShippedData).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name => name[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>The bytes of a shipped file, exactly as committed (still gzipped for .gz files).</summary>
    /// <exception cref="FileNotFoundException">No shipped file has that name.</exception>
    public static byte[] ReadAllBytes(string fileName)
    {
        using Stream stream = typeof(ShippedData).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new FileNotFoundException(
                $"GraphGen ships no dataset file named \"{fileName}\"; the shipped files are {string.Join(", ", FileNames)}.", fileName);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The non-blank lines of a shipped file (decompressed), numbered from 1, for the CSV readers.</summary>
    public static IEnumerable<(int Line, string Text)> NonBlankLines(string fileName) =>
        DataFile.NonBlankLines(Source(fileName), ReadAllBytes(fileName));

    /// <summary>The text of a shipped file, decompressed.</summary>
    public static string Text(string fileName) => DataFile.Text(Source(fileName), ReadAllBytes(fileName));

    /// <summary>How errors name a shipped file: where its committed copy lives in the repository.</summary>
    public static string Source(string fileName) => $"examples/data/{fileName} (shipped in GraphGen.Runtime)";
}
