using System.IO.Compression;
using System.Text;
using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>
/// A gzip file cut short (an interrupted download or copy) must not load as a shorter
/// dataset. The decompressor stops quietly when the file ends at a flush point, so the reader
/// checks that the file ends with its gzip trailer and that the trailer's length and CRC-32
/// match what was decompressed.
/// </summary>
public sealed class TruncatedGzipTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A digits-like CSV: <paramref name="rows"/> rows of 8 features and a label.</summary>
    private static string DigitsCsv(int rows)
    {
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++)
            text.Append(string.Join(',', Enumerable.Range(0, 8).Select(c => (r * 7 + c * 3) % 17))).Append(',').Append(r % 10).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Gzips <paramref name="text"/> with a flush after half of its rows, as a writer that
    /// flushes periodically does, and returns the compressed bytes and where the flush ended.
    /// </summary>
    private static (byte[] Bytes, int FlushPoint) GzipWithFlush(string text)
    {
        string[] lines = text.Split('\n');
        string firstHalf = string.Join('\n', lines[..(lines.Length / 2)]) + "\n";
        using var output = new MemoryStream();
        int flushPoint;
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(firstHalf));
            gzip.Flush();
            flushPoint = (int)output.Length;
            gzip.Write(Encoding.UTF8.GetBytes(text[firstHalf.Length..]));
        }
        return (output.ToArray(), flushPoint);
    }

    private string Write(string name, ReadOnlySpan<byte> bytes)
    {
        string path = _temp.File(name);
        File.WriteAllBytes(path, bytes.ToArray());
        return path;
    }

    private static void AssertTruncated(string path, Action read)
    {
        var error = Assert.Throws<InvalidDataException>(read);
        Assert.StartsWith($"{path}: ", error.Message);
        Assert.Contains("gzip", error.Message);
    }

    [Fact]
    public void CsvCutAtAFlushPointIsRefusedNotHalfLoaded()
    {
        var (bytes, flushPoint) = GzipWithFlush(DigitsCsv(200));
        Assert.Equal(200, CsvDatasetReader.ReadLabelLast(Write("whole.csv.gz", bytes), classCount: 10).Count);
        string cut = Write("cut.csv.gz", bytes.AsSpan(0, flushPoint));

        AssertTruncated(cut, () => CsvDatasetReader.ReadLabelLast(cut, classCount: 10));
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadLabelLast(cut, classCount: 10));
        Assert.Contains("the gzip data is truncated or damaged: the file does not end with the gzip trailer", error.Message);
    }

    [Fact]
    public void EveryCutIsRefused()
    {
        // Whatever the byte at which the file ends, a cut file never loads.
        var (bytes, _) = GzipWithFlush(DigitsCsv(40));
        for (int length = 0; length < bytes.Length; length++)
        {
            string path = Write($"cut-{length}.csv.gz", bytes.AsSpan(0, length));
            AssertTruncated(path, () => CsvDatasetReader.ReadLabelLast(path, classCount: 10));
        }
    }

    [Fact]
    public void TextAndIdxReadersRefuseACutFileToo()
    {
        var (text, textFlush) = GzipWithFlush(string.Concat(Enumerable.Repeat("Call me Ishmael.\n", 400)));
        string cutText = Write("moby.txt.gz", text.AsSpan(0, textFlush));
        AssertTruncated(cutText, () => TextFiles.ReadAll(cutText));
        AssertTruncated(cutText, () => TextFiles.ReadLines(cutText));

        var idx = new IdxFile([300, 4], Enumerable.Range(0, 1200).Select(i => (byte)(i * 37)).ToArray());
        string whole = _temp.File("images.idx.gz");
        idx.Write(whole);
        byte[] bytes = File.ReadAllBytes(whole);
        string cutIdx = Write("cut-images.idx.gz", bytes.AsSpan(0, bytes.Length - 8));
        AssertTruncated(cutIdx, () => IdxFile.Read(cutIdx));
    }

    [Fact]
    public void WrongTrailerIsRefused()
    {
        var (bytes, _) = GzipWithFlush(DigitsCsv(50));
        byte[] wrongLength = bytes.ToArray();
        wrongLength[^1] ^= 0x40; // ISIZE, the length modulo 2^32
        string path = Write("wrong-length.csv.gz", wrongLength);
        AssertTruncated(path, () => CsvDatasetReader.ReadLabelLast(path, classCount: 10));

        byte[] wrongCrc = bytes.ToArray();
        wrongCrc[^8] ^= 0x01; // CRC-32 of the decompressed data
        string crcPath = Write("wrong-crc.csv.gz", wrongCrc);
        AssertTruncated(crcPath, () => CsvDatasetReader.ReadLabelLast(crcPath, classCount: 10));
    }

    [Fact]
    public void ConcatenatedMembersStillLoad()
    {
        // gzip allows several members in one file (cat a.gz b.gz); each ends with its own trailer.
        var (first, _) = GzipWithFlush(DigitsCsv(30));
        var (second, _) = GzipWithFlush(DigitsCsv(20));
        string path = Write("two-members.csv.gz", [.. first, .. second]);

        Assert.Equal(50, CsvDatasetReader.ReadLabelLast(path, classCount: 10).Count);
    }

    [Fact]
    public void EmptyGzipMemberLoadsAsAnEmptyFileButAnEmptyFileIsNotGzip()
    {
        // gzip.compress(b"", mtime=0) in Python: header, an empty final block, CRC 0 and length 0.
        string member = Write("member.txt.gz", [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
        Assert.Equal("", TextFiles.ReadAll(member));

        string empty = Write("empty.txt.gz", []);
        AssertTruncated(empty, () => TextFiles.ReadAll(empty));
    }
}
