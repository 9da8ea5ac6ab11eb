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
    public static byte[] ReadAllBytes(string path, out bool gzipped) => Decompress(path, ReadFile(path), out gzipped);

    /// <summary>
    /// <paramref name="raw"/> as read from <paramref name="source"/> (a path, or the name of a
    /// shipped copy), decompressed when it is gzipped.
    /// </summary>
    public static byte[] Decompress(string source, byte[] raw, out bool gzipped)
    {
        gzipped = IsGzip(source, raw);
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
            throw new InvalidDataException($"{source}: not a valid gzip file ({e.Message})", e);
        }
        GzipTrailer.Check(source, raw, output.GetBuffer().AsSpan(0, (int)output.Length));
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
    private static bool IsGzip(string source, ReadOnlySpan<byte> content) =>
        source.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || content is [0x1F, 0x8B, ..];

    /// <summary>The file's text, decompressed when gzipped, decoded as strict UTF-8 without a byte-order mark.</summary>
    public static string ReadAllText(string path) => DecodeText(path, ReadAllBytes(path));

    /// <summary>Decompressed bytes from <paramref name="source"/> as strict UTF-8 text, without a byte-order mark.</summary>
    private static string DecodeText(string source, byte[] bytes)
    {
        ReadOnlySpan<byte> text = bytes.AsSpan();
        if (text is [0xEF, 0xBB, 0xBF, ..]) text = text[3..];
        try
        {
            return StrictUtf8.GetString(text);
        }
        catch (DecoderFallbackException e)
        {
            throw Error(source, $"byte {e.Index + (bytes.Length - text.Length)}", "the text is not valid UTF-8");
        }
    }

    /// <summary>The file's lines that hold something other than white space, with their 1-based line numbers.</summary>
    public static IEnumerable<(int Line, string Text)> NonBlankLines(string path) => NonBlankLinesOf(ReadAllText(path));

    /// <summary>
    /// The non-blank lines of <paramref name="raw"/>, the content of <paramref name="source"/>
    /// (gzipped or not), with their 1-based line numbers.
    /// </summary>
    public static IEnumerable<(int Line, string Text)> NonBlankLines(string source, byte[] raw) => NonBlankLinesOf(Text(source, raw));

    /// <summary><paramref name="raw"/>, the content of <paramref name="source"/> (gzipped or not), as strict UTF-8 text.</summary>
    public static string Text(string source, byte[] raw) => DecodeText(source, Decompress(source, raw, out _));

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
