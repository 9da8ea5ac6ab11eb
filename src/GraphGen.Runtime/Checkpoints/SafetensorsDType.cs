namespace GraphGen;

/// <summary>
/// The safetensors element types GraphGen can load; every one is converted to float on load.
/// GraphGen writes <see cref="F32"/> only.
/// </summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 single precision (PyTorch float32).</summary>
    F32,
    /// <summary>IEEE 754 half precision (PyTorch float16).</summary>
    F16,
    /// <summary>bfloat16: the upper 16 bits of a float32 (PyTorch bfloat16).</summary>
    BF16,
    /// <summary>IEEE 754 double precision (PyTorch float64); rounded to the nearest float on load.</summary>
    F64,
}

/// <summary>Names and sizes of <see cref="SafetensorsDType"/> as the format spells them.</summary>
public static class SafetensorsDTypes
{
    /// <summary>The dtypes GraphGen reads, as a sentence fragment for messages.</summary>
    internal const string SupportedList = "F32, F16, BF16 and F64";

    /// <summary>Bytes per element.</summary>
    public static int ByteSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => 4,
        SafetensorsDType.F16 => 2,
        SafetensorsDType.BF16 => 2,
        SafetensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>The header spelling: "F32", "F16", "BF16", "F64".</summary>
    public static string HeaderName(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F16 => "F16",
        SafetensorsDType.BF16 => "BF16",
        SafetensorsDType.F64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a safetensors dtype"),
    };

    /// <summary>Parses a header spelling; the format's names are case-sensitive.</summary>
    public static bool TryParse(string text, out SafetensorsDType dtype)
    {
        switch (text)
        {
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
            case "F64": dtype = SafetensorsDType.F64; return true;
            default: dtype = default; return false;
        }
    }
}
