using System.Text.Json;

namespace GraphGen;

/// <summary>
/// The parsed and validated JSON header of a safetensors file: its metadata and its tensors
/// in data order. Parsing checks everything that can be checked without reading tensor
/// data, so a reader that got a header can trust every offset in it.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The reference implementation's limit; a larger header is damage, not data.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(IReadOnlyDictionary<string, string> metadata, SafetensorsTensorInfo[] tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors sorted by data offset.</summary>
    public SafetensorsTensorInfo[] Tensors { get; }

    /// <summary>
    /// Parses <paramref name="json"/> and checks it against a data buffer of
    /// <paramref name="bufferLength"/> bytes (the file length minus 8 minus the header).
    /// </summary>
    public static SafetensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long bufferLength)
    {
        const string damaged = "The file is damaged or was not written as safetensors; save it again or restore a good copy";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, null,
                $"the {json.Length}-byte header is not valid UTF-8 JSON ({e.Message})", damaged, e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, null,
                    $"the header is a JSON {Describe(document.RootElement.ValueKind)}, not an object mapping tensor names to descriptions", damaged);

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var tensors = new List<SafetensorsTensorInfo>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new CheckpointException(path, property.Name,
                        "the name appears twice in the header, so it is ambiguous which data belongs to it",
                        "The file was written by a faulty tool; write it again with a safetensors library");
                if (property.Name == MetadataKey)
                    ReadMetadata(path, property.Value, metadata);
                else
                    tensors.Add(ReadTensor(path, property.Name, property.Value));
            }

            var ordered = tensors.ToArray();
            Array.Sort(ordered, (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            CheckLayout(path, ordered, bufferLength);
            return new SafetensorsHeader(metadata, ordered);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        const string advice = "Metadata must map strings to strings; write it again with a safetensors library";
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, null, $"\"{MetadataKey}\" is a JSON {Describe(value.ValueKind)}, not an object", advice);
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, null,
                    $"metadata entry \"{entry.Name}\" is a JSON {Describe(entry.Value.ValueKind)}, not a string", advice);
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new CheckpointException(path, null, $"metadata entry \"{entry.Name}\" appears twice", advice);
        }
    }

    private static SafetensorsTensorInfo ReadTensor(string path, string name, JsonElement entry)
    {
        const string damaged = "The header is damaged; save the checkpoint again or restore a good copy";
        if (entry.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, name,
                $"the entry is a JSON {Describe(entry.ValueKind)}, not an object with \"dtype\", \"shape\" and \"data_offsets\"", damaged);

        if (!entry.TryGetProperty("dtype", out var dtypeElement))
            throw new CheckpointException(path, name, "the entry has no \"dtype\"", damaged);
        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw new CheckpointException(path, name, $"\"dtype\" is a JSON {Describe(dtypeElement.ValueKind)}, not a string such as \"F32\"", damaged);
        string dtypeText = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeText, out var dtype))
            throw new CheckpointException(path, name,
                $"dtype \"{dtypeText}\" is not supported; GraphGen loads {SafetensorsDTypes.SupportedList} tensors as float",
                "Convert the tensor to floating point before saving (in PyTorch: tensor.float()), or leave it out of the checkpoint");

        if (!entry.TryGetProperty("shape", out var shapeElement))
            throw new CheckpointException(path, name, "the entry has no \"shape\"", damaged);
        if (shapeElement.ValueKind != JsonValueKind.Array)
            throw new CheckpointException(path, name, $"\"shape\" is a JSON {Describe(shapeElement.ValueKind)}, not an array of sizes", damaged);
        var shape = new int[shapeElement.GetArrayLength()];
        int axis = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[axis]) || shape[axis] < 0)
                throw new CheckpointException(path, name,
                    $"\"shape\" entry {axis} is {d.GetRawText()}, not a size from 0 to {int.MaxValue}", damaged);
            axis++;
        }

        if (!entry.TryGetProperty("data_offsets", out var offsetsElement))
            throw new CheckpointException(path, name, "the entry has no \"data_offsets\"", damaged);
        if (offsetsElement.ValueKind != JsonValueKind.Array || offsetsElement.GetArrayLength() != 2)
            throw new CheckpointException(path, name,
                $"\"data_offsets\" is {offsetsElement.GetRawText()}, not a pair [begin, end]", damaged);
        long begin = ReadOffset(path, name, offsetsElement[0], "begin");
        long end = ReadOffset(path, name, offsetsElement[1], "end");
        if (end < begin)
            throw new CheckpointException(path, name, $"\"data_offsets\" [{begin}, {end}] ends before it begins", damaged);

        int count;
        try
        {
            count = ShapeMath.ElementCount(shape);
        }
        catch (OverflowException)
        {
            throw new CheckpointException(path, name,
                $"shape {ShapeMath.Format(shape)} has more than {int.MaxValue} elements, more than one float array can hold",
                "GraphGen loads tensors into float arrays; split the tensor or check that the header is not damaged");
        }
        long expectedBytes = (long)count * dtype.ByteSize();
        if (end - begin != expectedBytes)
            throw new CheckpointException(path, name,
                $"\"data_offsets\" [{begin}, {end}] span {end - begin} bytes, but shape {ShapeMath.Format(shape)} of {dtypeText} needs {count} × {dtype.ByteSize()} = {expectedBytes} bytes",
                damaged);

        return new SafetensorsTensorInfo(name, dtype, shape, begin, end);
    }

    private static long ReadOffset(string path, string name, JsonElement value, string which)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long offset) || offset < 0)
            throw new CheckpointException(path, name,
                $"the {which} of \"data_offsets\" is {value.GetRawText()}, not a byte offset from 0 to {long.MaxValue}",
                "The header is damaged; save the checkpoint again or restore a good copy");
        return offset;
    }

    /// <summary>
    /// The format stores tensors back to back: sorted by offset, the first begins at 0, each
    /// begins where the previous ends, and the last ends at the end of the file.
    /// </summary>
    private static void CheckLayout(string path, SafetensorsTensorInfo[] ordered, long bufferLength)
    {
        const string damaged = "The header is damaged; save the checkpoint again or restore a good copy";
        long position = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var t in ordered)
        {
            if (t.Begin < position)
                throw new CheckpointException(path, t.Name,
                    $"its data [{t.Begin}, {t.End}) overlaps the data of '{previous!.Name}' [{previous.Begin}, {previous.End})", damaged);
            if (t.Begin > position)
                throw new CheckpointException(path, t.Name,
                    previous is null
                        ? $"its data begins at byte {t.Begin}, but the first tensor's data must begin at byte 0 of the data buffer"
                        : $"its data begins at byte {t.Begin}, leaving a gap of {t.Begin - position} bytes after '{previous.Name}', which ends at byte {position}",
                    damaged);
            position = t.End;
            previous = t;
        }

        if (position > bufferLength)
        {
            var cut = Array.Find(ordered, t => t.End > bufferLength)!;
            throw new CheckpointException(path, cut.Name,
                $"the data is truncated: the header places tensor data up to byte {position} of the data buffer, but the file holds only {bufferLength} bytes after the header, so this tensor is cut short",
                "The file was cut off, e.g. by an interrupted save, copy or download; restore a complete copy");
        }
        if (position < bufferLength)
            throw new CheckpointException(path, null,
                $"{bufferLength - position} bytes follow the last tensor's data, which the header does not describe",
                damaged);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };
}
