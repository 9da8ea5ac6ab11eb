using System.Runtime.InteropServices;

namespace GraphGen.Runtime.Tests;

public class AlignedBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(101_770)]
    public void StartsOnA64ByteBoundaryZeroedAndOfTheRequestedLength(int length)
    {
        // Several in a row, so that the array's own offset takes different values modulo 64.
        for (int i = 0; i < 8; i++)
        {
            var buffer = new AlignedBuffer(length);
            var span = buffer.Span;
            Assert.Equal(length, span.Length);
            Assert.Equal(length, buffer.Length);
            Assert.All(span.ToArray(), v => Assert.Equal(0f, v));
            if (length > 0) Assert.Equal(0, Address(span) % AlignedBuffer.Alignment);
            _ = new float[i + 1]; // shifts the next allocation
        }
    }

    [Fact]
    public void SlicesAreViewsOfTheSameMemory()
    {
        var buffer = new AlignedBuffer(32);
        buffer.Slice(16, 4).Fill(3f);
        Assert.Equal([0f, 3f, 3f, 3f, 3f, 0f], buffer.Span[15..21].ToArray());
        Assert.Equal(Address(buffer.Span) + 16 * sizeof(float), Address(buffer.Slice(16, 4)));
    }

    [Fact]
    public void SlicesAreCheckedAgainstTheBufferNotTheSlack()
    {
        var buffer = new AlignedBuffer(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(8, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(-1, 2));
    }

    [Fact]
    public void RejectsANegativeOrTooLargeLength()
    {
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(-1));
        Assert.Contains("holds from 0 to", negative.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AlignedBuffer(AlignedBuffer.MaxLength + 1));
    }

    [Fact]
    public void StaysAlignedAcrossGarbageCollections()
    {
        var buffer = new AlignedBuffer(1000);
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            Assert.Equal(0, Address(buffer.Span) % AlignedBuffer.Alignment);
        }
    }

    private static unsafe long Address(Span<float> span)
    {
        fixed (float* p = &MemoryMarshal.GetReference(span)) return (long)p;
    }
}
