using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>Embedding lookup and its scatter-add gradient.</summary>
public class EmbeddingTests
{
    private const int Vocabulary = 7, Dimension = 5;
    private static readonly float[] Ids = [3, 0, 6, 3, 3, 1];

    [Fact]
    public void ForwardCopiesTheRowsTheIdsName()
    {
        var table = Random(new SeededRandom(1), Vocabulary * Dimension);
        var y = new float[Ids.Length * Dimension];
        Embedding.Forward(Ids, table, y, Vocabulary, Dimension);
        for (int t = 0; t < Ids.Length; t++)
            Bitwise(table.AsSpan((int)Ids[t] * Dimension, Dimension), y.AsSpan(t * Dimension, Dimension), $"y[{t}]");
    }

    [Fact]
    public void BackwardSumsTheGradientsOfEachTokenInPositionOrder()
    {
        var rng = new SeededRandom(2);
        var dy = Random(rng, Ids.Length * Dimension);
        var dtable = Random(rng, Vocabulary * Dimension);
        Embedding.Backward(Ids, dy, dtable, Vocabulary, Dimension, accumulate: false);
        var expected = new float[Vocabulary * Dimension];
        for (int t = 0; t < Ids.Length; t++)
            for (int d = 0; d < Dimension; d++) expected[(int)Ids[t] * Dimension + d] += dy[t * Dimension + d];
        Bitwise(expected, dtable, "dtable");

        // The gradient of L = Σ r ⊙ y with respect to the table, by finite differences of the lookup.
        var table = Random(rng, Vocabulary * Dimension);
        double Loss(double[] tab) => Enumerable.Range(0, Ids.Length * Dimension).Sum(k => dy[k] * tab[(int)Ids[k / Dimension] * Dimension + k % Dimension]);
        MatchesFiniteDifferences(ToDouble(table), dtable, Loss, "dtable", checks: 35, tolerance: 1e-6);

        var old = Random(rng, Vocabulary * Dimension);
        var sum = (float[])old.Clone();
        Embedding.Backward(Ids, dy, sum, Vocabulary, Dimension, accumulate: true);
        var expectedSum = (float[])old.Clone();
        for (int t = 0; t < Ids.Length; t++)
            for (int d = 0; d < Dimension; d++) expectedSum[(int)Ids[t] * Dimension + d] += dy[t * Dimension + d];
        Bitwise(expectedSum, sum, "dtable accumulated");
    }

    [Theory]
    [InlineData(2.5f, "2.5")]
    [InlineData(-1f, "-1")]
    [InlineData(7f, "7")]
    [InlineData(float.NaN, "NaN")]
    public void AnIdThatIsNotATokenIndexIsReportedWithItsPosition(float bad, string shown)
    {
        float[] ids = [1, 2, bad, 4];
        var table = new float[Vocabulary * Dimension];
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Forward(ids, table, new float[4 * Dimension], Vocabulary, Dimension));
        Assert.Equal("ids", e.ParamName);
        Assert.Contains($"ids[2] = {shown}", e.Message);
        Assert.Contains("[0, 7)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Embedding.Backward(ids, new float[4 * Dimension], table, Vocabulary, Dimension, false));
    }

    [Fact]
    public void ArgumentErrorsNameTheArgument()
    {
        Names<ArgumentException>(() => Embedding.Forward(Ids, new float[34], new float[30], Vocabulary, Dimension), "table", "35", "34");
        Names<ArgumentException>(() => Embedding.Forward(Ids, new float[35], new float[29], Vocabulary, Dimension), "y", "30", "29");
        Names<ArgumentException>(() => Embedding.Backward(Ids, new float[29], new float[35], Vocabulary, Dimension, false), "dy", "30", "29");
        Names<ArgumentException>(() => Embedding.Backward(Ids, new float[30], new float[30], Vocabulary, Dimension, false), "dtable", "35", "30");
        Names<ArgumentOutOfRangeException>(() => Embedding.Forward(Ids, [], [], 0, Dimension), "vocabulary", "at least 1");
    }
}
