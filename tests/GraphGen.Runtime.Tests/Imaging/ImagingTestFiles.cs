namespace GraphGen.Runtime.Tests.Imaging;

/// <summary>A fresh directory under the system's temporary directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "graphgen-imaging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every entry below the directory, hidden ones included, as relative paths.</summary>
    public string[] Entries() =>
        Directory.GetFileSystemEntries(Path, "*", SearchOption.AllDirectories)
            .Select(p => System.IO.Path.GetRelativePath(Path, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>The committed files in Imaging/Fixtures, found from the test binaries upwards.</summary>
internal static class ImagingFixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string File(string name) => Path.Combine(Root.Value, name);

    private static string FindRoot()
    {
        string[] candidates = [Path.Combine("Imaging", "Fixtures"), Path.Combine("tests", "GraphGen.Runtime.Tests", "Imaging", "Fixtures")];
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in candidates)
            {
                string path = Path.Combine(dir.FullName, candidate);
                if (System.IO.File.Exists(Path.Combine(path, "make_png_fixtures.py"))) return path;
            }
        }
        throw new DirectoryNotFoundException($"No Imaging/Fixtures directory above {AppContext.BaseDirectory}.");
    }
}
