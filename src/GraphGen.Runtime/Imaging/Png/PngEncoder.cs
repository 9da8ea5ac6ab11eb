using System.Buffers.Binary;
using System.IO.Compression;

namespace GraphGen.Imaging;

/// <summary>
/// Writes an <see cref="Image"/> as a PNG: signature, IHDR, one IDAT, IEND; 8 bits per
/// channel, gray, RGB or RGBA, not interlaced, no ancillary chunks. The bytes depend only on
/// the image, the filter choice and the runtime's zlib, so the same image saves to the same
/// file on every run.
/// </summary>
public static class PngEncoder
{
    /// <summary>
    /// The PNG bytes of <paramref name="image"/>. With <paramref name="filter"/> null each row
    /// gets the filter that the minimum-sum-of-absolute-differences heuristic picks; otherwise
    /// every row uses <paramref name="filter"/>.
    /// </summary>
    public static byte[] Encode(Image image, PngFilter? filter = null)
    {
        using var stream = new MemoryStream();
        Write(stream, image, filter);
        return stream.ToArray();
    }

    /// <summary>Writes the PNG bytes of <paramref name="image"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, Image image, PngFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(image);
        if (filter is { } f && !Enum.IsDefined(f))
            throw new ArgumentOutOfRangeException(nameof(filter), f, "PNG defines filter types 0 to 4.");

        stream.Write(PngFormat.Signature);
        PngFormat.WriteChunk(stream, "IHDR", Header(image));
        PngFormat.WriteChunk(stream, "IDAT", CompressedScanlines(image, filter));
        PngFormat.WriteChunk(stream, "IEND", []);
    }

    /// <summary>Writes a PNG file, replacing it atomically and creating its directory if needed.</summary>
    public static void Save(string path, Image image, PngFilter? filter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OutputFile.Write(path, Encode(image, filter));
    }

    /// <summary>IHDR: width, height, bit depth 8, colour type, and zeros for compression method (deflate), filter method (adaptive) and interlace (none).</summary>
    private static byte[] Header(Image image)
    {
        var header = new byte[PngFormat.HeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)image.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)image.Height);
        header[8] = 8;
        header[9] = PngFormat.ColorType(image.Format);
        return header;
    }

    /// <summary>Each row as its filter-type byte followed by the filtered bytes, all through one zlib stream.</summary>
    private static byte[] CompressedScanlines(Image image, PngFilter? filter)
    {
        int stride = image.Width * image.Channels;
        var zeros = new byte[stride];
        var line = new byte[1 + stride];
        var scratch = new byte[stride];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> row = image.Row(y);
                ReadOnlySpan<byte> prior = y == 0 ? zeros : image.Row(y - 1);
                var chosen = filter ?? PngRowFilters.Choose(row, prior, image.Channels, scratch);
                line[0] = (byte)chosen;
                PngRowFilters.Apply(chosen, row, prior, image.Channels, line.AsSpan(1));
                zlib.Write(line);
            }
        }
        return compressed.ToArray();
    }
}
