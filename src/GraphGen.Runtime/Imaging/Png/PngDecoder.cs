using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GraphGen.Imaging;

/// <summary>
/// Reads the PNGs that <see cref="PngEncoder"/> writes, and any other PNG of the same kind
/// (8 bits per channel; gray, RGB or RGBA; not interlaced), checking everything on the way:
/// the signature, every chunk's CRC, the header, and that the image data inflates to exactly
/// the expected size. Ancillary chunks are skipped. Anything else throws
/// <see cref="InvalidDataException"/> saying what is wrong.
/// </summary>
public static class PngDecoder
{
    /// <summary>Reads and decodes the PNG file at <paramref name="path"/>.</summary>
    public static Image Load(string path) => Decode(File.ReadAllBytes(path));

    /// <summary>Decodes a PNG held in memory; an unsupported or corrupt file throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static Image Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < PngFormat.Signature.Length || !png[..PngFormat.Signature.Length].SequenceEqual(PngFormat.Signature))
            throw new InvalidDataException("Not a PNG: the file does not start with the PNG signature.");

        PngHeader? header = null;
        using var imageData = new MemoryStream();
        int offset = PngFormat.Signature.Length;
        while (true)
        {
            string type = ReadChunk(png, ref offset, out var data);
            if (header is null && type != "IHDR")
                throw new InvalidDataException($"The first chunk must be IHDR, not {type}.");
            switch (type)
            {
                case "IHDR" when header is null:
                    header = PngHeader.Parse(data);
                    break;
                case "IDAT":
                    imageData.Write(data);
                    break;
                case "IEND":
                    if (offset != png.Length)
                        throw new InvalidDataException($"{png.Length - offset} bytes follow the IEND chunk.");
                    if (imageData.Length == 0)
                        throw new InvalidDataException("The PNG has no IDAT chunk.");
                    return Unfilter(header!, imageData);
                default:
                    // Bit 5 of the first letter (lower case) marks an ancillary chunk, safe to skip;
                    // an unknown critical chunk (e.g. PLTE of a palette image) changes the meaning.
                    if (char.IsUpper(type[0]))
                        throw new InvalidDataException($"Critical chunk {type} is not supported here (or IHDR appears twice).");
                    break;
            }
        }
    }

    /// <summary>Reads the chunk at <paramref name="offset"/>, checks its CRC, and moves past it; returns its type.</summary>
    private static string ReadChunk(ReadOnlySpan<byte> png, ref int offset, out ReadOnlySpan<byte> data)
    {
        if (png.Length - offset < 12)
            throw new InvalidDataException($"The PNG ends at byte {png.Length} inside a chunk header, before IEND.");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(png[offset..]);
        ReadOnlySpan<byte> typeBytes = png.Slice(offset + 4, 4);
        string type = Encoding.ASCII.GetString(typeBytes);
        if (!type.All(char.IsAsciiLetter))
            throw new InvalidDataException($"The chunk at byte {offset} has an invalid type '{type}'.");
        if (length > (uint)(png.Length - offset - 12))
            throw new InvalidDataException($"Chunk {type} at byte {offset} claims {length} bytes of data, more than the file holds.");
        data = png.Slice(offset + 8, (int)length);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + (int)length)..]);
        uint actual = Crc32.Append(Crc32.Compute(typeBytes), data);
        if (stored != actual)
            throw new InvalidDataException($"Chunk {type} at byte {offset} has CRC 0x{stored:X8}, but its bytes give 0x{actual:X8}.");
        offset += 12 + (int)length;
        return type;
    }

    /// <summary>Inflates the IDAT stream and reverses each row's filter, top to bottom.</summary>
    private static Image Unfilter(PngHeader header, MemoryStream imageData)
    {
        int bpp = (int)header.Format;
        int stride = header.Width * bpp;
        var image = new Image(header.Width, header.Height, header.Format);
        imageData.Position = 0;
        using var zlib = new ZLibStream(imageData, CompressionMode.Decompress);
        var zeros = new byte[stride];
        Span<byte> filterType = stackalloc byte[1];
        for (int y = 0; y < header.Height; y++)
        {
            Span<byte> row = image.Row(y);
            if (Inflate(zlib, filterType) < 1 || Inflate(zlib, row) < stride)
                throw new InvalidDataException($"The image data ends in row {y} of {header.Height}.");
            if (filterType[0] > (byte)PngFilter.Paeth)
                throw new InvalidDataException($"Row {y} has filter type {filterType[0]}; PNG defines 0 to 4.");
            PngRowFilters.Reverse((PngFilter)filterType[0], row, y == 0 ? zeros : image.Row(y - 1), bpp);
        }
        // Asking for one byte past the end bounds the work a malicious stream can cause.
        if (Inflate(zlib, filterType) != 0)
            throw new InvalidDataException("The image data holds more bytes than the header's size needs.");
        return image;
    }

    /// <summary>Fills <paramref name="buffer"/> unless the stream ends first; returns the bytes read.</summary>
    private static int Inflate(ZLibStream zlib, Span<byte> buffer)
    {
        try
        {
            return zlib.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The image data is not a valid zlib stream: {e.Message}", e);
        }
    }
}
