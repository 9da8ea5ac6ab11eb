using System.IO.Compression;
using System.Text;

namespace GraphGen.Data;

/// <summary>
/// Opening data files the same way everywhere: gzip is undone transparently (by the ".gz"
/// extension or the gzip magic bytes 1F 8B) and checked to its trailer, so a file cut short
/// never loads as a shorter one; text is strict UTF-8; every format error names the file, the
/// place in it and the problem.
/// </summary>
internal static class DataFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The whole content, decompressed when the file is gzipped.</summary>
    public static byte[] ReadAllBytes(string path) => ReadAllBytes(path, out _);

    /// <summary>The whole content, decompressed when the file is gzipped (then <paramref name="gzipped"/> is true).</summary>
    public static byte[] ReadAllBytes(string path, out bool gzipped)
    {
        byte[] raw = ReadFile(path);
        gzipped = IsGzip(path, raw);
        if (!gzipped) return raw;
        using var input = new MemoryStream(raw);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        try
        {
            gzip.CopyTo(output);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid gzip file ({e.Message})", e);
        }
        GzipTrailer.Check(path, raw, output.GetBuffer().AsSpan(0, (int)output.Length));
        return output.ToArray();
    }

    /// <summary>
    /// The raw bytes. A file the system refuses to open (no permission, or a directory) is an
    /// <see cref="IOException"/> naming the file, like a missing one, so that one
    /// <c>catch (IOException)</c> covers every file that cannot be read; the system's
    /// <see cref="UnauthorizedAccessException"/> is the inner exception.
    /// </summary>
    private static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"{path}: the file cannot be opened ({e.Message.TrimEnd('.')}). Check that the path names a file, not a directory, and that this process has permission to read it.", e);
        }
    }

    /// <summary>True when the data is gzipped: the name ends in ".gz" or it starts with 1F 8B.</summary>
    private static bool IsGzip(string path, ReadOnlySpan<byte> content) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || content is [0x1F, 0x8B, ..];

    /// <summary>The file's text, decompressed when gzipped, decoded as strict UTF-8 without a byte-order mark.</summary>
    public static string ReadAllText(string path)
    {
        byte[] bytes = ReadAllBytes(path);
        ReadOnlySpan<byte> text = bytes.AsSpan();
        if (text is [0xEF, 0xBB, 0xBF, ..]) text = text[3..];
        try
        {
            return StrictUtf8.GetString(text);
        }
        catch (DecoderFallbackException e)
        {
            throw Error(path, $"byte {e.Index + (bytes.Length - text.Length)}", "the text is not valid UTF-8");
        }
    }

    /// <summary>The file's lines that hold something other than white space, with their 1-based line numbers.</summary>
    public static IEnumerable<(int Line, string Text)> NonBlankLines(string path) => NonBlankLinesOf(ReadAllText(path));

    /// <summary>The lines of <paramref name="text"/> that hold something other than white space, with their 1-based line numbers.</summary>
    public static IEnumerable<(int Line, string Text)> NonBlankLinesOf(string text)
    {
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            string trimmed = line.TrimEnd('\r');
            if (!string.IsNullOrWhiteSpace(trimmed)) yield return (lineNumber, trimmed);
        }
    }

    /// <summary>A format error: "path: where: problem".</summary>
    public static InvalidDataException Error(string path, string where, string problem) =>
        new($"{path}: {where}: {problem}");
}
