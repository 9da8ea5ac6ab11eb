namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>A fresh directory under the system temp directory, deleted with its contents on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "graphgen-checkpoints-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Every entry in the directory, hidden ones included, by file name.</summary>
    public string[] Entries() =>
        Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>The committed fixtures in Checkpoints/Fixtures, found from the test binaries upwards.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string File(string name) => Path.Combine(Root.Value, name);

    private static string FindRoot()
    {
        string[] candidates = [Path.Combine("Checkpoints", "Fixtures"), Path.Combine("tests", "GraphGen.Runtime.Tests", "Checkpoints", "Fixtures")];
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in candidates)
            {
                string path = Path.Combine(dir.FullName, candidate);
                if (System.IO.File.Exists(Path.Combine(path, "make_fixtures.py"))) return path;
            }
        }
        throw new DirectoryNotFoundException($"No Checkpoints/Fixtures directory above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Builds safetensors files byte by byte, including broken ones.</summary>
internal static class RawSafetensors
{
    /// <summary>An 8-byte little-endian size, the header text as UTF-8, then <paramref name="data"/>.</summary>
    public static void Write(string path, string header, byte[]? data = null) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(header), data);

    public static void Write(string path, byte[] header, byte[]? data = null)
    {
        using var stream = System.IO.File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        if (data is not null) stream.Write(data);
    }

    /// <summary>Little-endian F32 bytes of <paramref name="values"/>.</summary>
    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }
}
