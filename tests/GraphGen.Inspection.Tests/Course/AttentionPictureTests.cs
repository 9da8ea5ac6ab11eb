extern alias chartransformer;

using chartransformer::GraphGen.Examples.CharTransformer;

namespace GraphGen.Inspection.Tests.Course;

public class AttentionPictureTests
{
    private static readonly Lazy<(TinyGpt Network, CharCorpus Corpus)> Untrained = new(() =>
        (new TinyGpt(batchCapacity: 1, seed: 2), new CharCorpus(string.Concat(Enumerable.Repeat("Call me Ishmael. Some years ago, the whale. ", 20)), TinyGpt.Vocabulary)));

    [Fact]
    public void EveryHeadIsCausalAndEachRowSumsToOne()
    {
        var (network, corpus) = Untrained.Value;
        var attention = AttentionPictures.Record(network, corpus, "Call me Ishmael.");
        Assert.Equal(TinyGpt.Context, attention.Sentence.Length);
        Assert.EndsWith("Call me Ishmael.", attention.Sentence);
        const int T = TinyGpt.Context;
        for (int layer = 0; layer < TinyGpt.Layers; layer++)
            for (int head = 0; head < TinyGpt.Heads; head++)
            {
                var w = attention.Weights[layer][head];
                for (int row = 0; row < T; row++)
                {
                    Assert.Equal(1.0, Enumerable.Range(0, T).Sum(c => (double)w[row * T + c]), 1e-4);
                    for (int column = row + 1; column < T; column++) Assert.Equal(0f, w[row * T + column]);
                }
                // The first position can only look at itself: its row has no entropy; the mean is at most that of uniform rows.
                Assert.InRange(attention.Entropy(layer, head), 0, Enumerable.Range(1, T).Average(n => Math.Log(n)) + 1e-9);
            }
    }

    [Fact]
    public void PicturesAreValid()
    {
        var (network, corpus) = Untrained.Value;
        var attention = AttentionPictures.Record(network, corpus, "the whale");
        string path = Path.Combine(TestData.TemporaryDirectory(), "heads.png");
        try
        {
            AttentionPictures.Heads(attention).Save(path);
            var sheet = TestData.AssertPng(path);
            Assert.True(sheet.Width > 4 * 192 && sheet.Height > 2 * 192, "two rows of four 192-pixel heads");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
        var heatmap = AttentionPictures.Head(attention, 1, 2, positions: 24);
        Assert.Equal((24, 24), (heatmap.Rows, heatmap.Columns));
        Assert.Equal("␣", heatmap.RowLabels![^6]);   // "the whale": the space before "whale"
        TestData.AssertSvg(heatmap.ToSvg());
    }

    [Fact]
    public void CharactersOutsideTheAlphabetAreRejected()
    {
        var (network, corpus) = Untrained.Value;
        Assert.Throws<ArgumentException>(() => AttentionPictures.Record(network, corpus, "Queequeg~"));
    }

    [Fact]
    public void AnEmbeddingIsAOneHotVectorTimesTheTable()
    {
        var (network, corpus) = Untrained.Value;
        var recorder = new ActivationRecorder();
        var ids = new float[TinyGpt.Context];
        for (int t = 0; t < ids.Length; t++) ids[t] = t % corpus.Alphabet.Length;
        network.Forward(ids, new float[TinyGpt.Context * TinyGpt.Vocabulary], recorder);
        var table = network.ParameterTable.Slice(network.Parameters, "tokens.weight");
        var tokens = recorder["tokens"].Values;
        // one-hot(id) · W picks row id of W.
        for (int t = 0; t < TinyGpt.Context; t++)
            for (int d = 0; d < TinyGpt.Width; d++)
            {
                double product = 0;
                for (int v = 0; v < TinyGpt.Vocabulary; v++) product += (v == (int)ids[t] ? 1 : 0) * table[v * TinyGpt.Width + d];
                Assert.Equal(product, tokens[t * TinyGpt.Width + d]);
            }
    }
}
