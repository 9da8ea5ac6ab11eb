using System.IO.Compression;
using System.Text;

namespace GraphGen.Data;

/// <summary>
/// Opening data files the same way everywhere: gzip is undone transparently (by the ".gz"
/// extension or the gzip magic bytes 1F 8B), text is strict UTF-8, and every format error
/// names the file, the place in it and the problem.
/// </summary>
internal static class DataFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The whole content, decompressed when the file is gzipped.</summary>
    public static byte[] ReadAllBytes(string path) => ReadAllBytes(path, out _);

    /// <summary>The whole content, decompressed when the file is gzipped (then <paramref name="gzipped"/> is true).</summary>
    public static byte[] ReadAllBytes(string path, out bool gzipped) => Decompress(path, File.ReadAllBytes(path), out gzipped);

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
        return output.ToArray();
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
    public static IEnumerable<(int Line, string Text)> NonBlankLines(string source, byte[] raw) =>
        NonBlankLinesOf(DecodeText(source, Decompress(source, raw, out _)));

    private static IEnumerable<(int Line, string Text)> NonBlankLinesOf(string text)
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
