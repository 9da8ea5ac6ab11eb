using System.Text;
using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("123456789", 0xCBF43926u)] // the standard check value of CRC-32/ISO-HDLC
    [InlineData("IEND", 0xAE426082u)] // the CRC every PNG ends with
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void ComputesKnownValues(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void AppendingInPiecesEqualsComputingAtOnce()
    {
        byte[] data = Encoding.ASCII.GetBytes("123456789");
        for (int split = 0; split <= data.Length; split++)
            Assert.Equal(0xCBF43926u, Crc32.Append(Crc32.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
    }

    [Fact]
    public void EveryByteValueChangesTheResult()
    {
        var seen = new HashSet<uint>();
        for (int b = 0; b < 256; b++) seen.Add(Crc32.Compute([(byte)b]));
        Assert.Equal(256, seen.Count);
    }
}
