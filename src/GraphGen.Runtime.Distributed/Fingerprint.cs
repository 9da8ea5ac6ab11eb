using System.Runtime.InteropServices;

namespace GraphGen.Distributed;

/// <summary>
/// A 64-bit fingerprint of float arrays, bit for bit (FNV-1a over 32-bit words): two replicas
/// agree when their fingerprints do, up to a 2⁻⁶⁴ chance. Not <see cref="HashCode"/>, whose seed
/// differs between processes.
/// </summary>
internal struct Fingerprint
{
    private const ulong Offset = 0xCBF29CE484222325UL, Prime = 0x100000001B3UL;

    private ulong _hash;

    public Fingerprint() => _hash = Offset;

    /// <summary>The fingerprint so far.</summary>
    public readonly ulong Value => _hash;

    public void Add(ReadOnlySpan<float> values)
    {
        Add((ulong)values.Length);
        ulong hash = _hash;
        foreach (uint word in MemoryMarshal.Cast<float, uint>(values)) hash = (hash ^ word) * Prime;
        _hash = hash;
    }

    public void Add(ulong value)
    {
        _hash = ((_hash ^ (uint)value) * Prime ^ (uint)(value >> 32)) * Prime;
    }

    public void Add(string text)
    {
        Add((ulong)text.Length);
        foreach (char c in text) _hash = (_hash ^ c) * Prime;
    }
}
