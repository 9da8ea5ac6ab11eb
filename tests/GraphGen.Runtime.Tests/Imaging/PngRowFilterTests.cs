using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class PngRowFilterTests
{
    [Theory]
    // p = a + b − c; the neighbour nearest p wins, ties preferring a, then b, then c.
    [InlineData(10, 20, 10, 20)] // p = 20 = b
    [InlineData(20, 10, 10, 20)] // p = 20 = a
    [InlineData(10, 20, 30, 10)] // p = 0: a is nearest
    [InlineData(5, 5, 5, 5)] // all equal
    [InlineData(3, 0, 2, 0)] // p = 1: |p − b| = |p − c| = 1 < |p − a| = 2, tie goes to b
    [InlineData(3, 0, 1, 3)] // p = 2: |p − a| = |p − c| = 1 < |p − b| = 2, tie goes to a
    [InlineData(0, 4, 2, 2)] // p = 2 = c exactly
    public void PaethPicksTheNearestNeighbourWithTheSpecificationsTieOrder(int a, int b, int c, int expected) =>
        Assert.Equal(expected, PngRowFilters.Paeth(a, b, c));

    [Theory]
    [InlineData(PngFilter.None)]
    [InlineData(PngFilter.Sub)]
    [InlineData(PngFilter.Up)]
    [InlineData(PngFilter.Average)]
    [InlineData(PngFilter.Paeth)]
    public void ReverseUndoesApply(PngFilter filter)
    {
        byte[] prior = [250, 3, 128, 7, 200, 0];
        byte[] row = [1, 255, 129, 64, 2, 199];
        var filtered = new byte[row.Length];
        PngRowFilters.Apply(filter, row, prior, bpp: 2, filtered);
        PngRowFilters.Reverse(filter, filtered, prior, bpp: 2);
        Assert.Equal(row, filtered);
    }

    [Fact]
    public void AverageRoundsDownAndWrapsModulo256()
    {
        // Byte 1 has zeros to its left and above, so is stored as is. Byte 2 predicts
        // ⌊(a + b) / 2⌋ = ⌊(200 + 255) / 2⌋ = 227 and stores 10 − 227 = −217 ≡ 39.
        var filtered = new byte[2];
        PngRowFilters.Apply(PngFilter.Average, [200, 10], [0, 255], bpp: 1, filtered);
        Assert.Equal([200, 39], filtered);
    }
}
