namespace GraphGen.Examples.CharTransformer;

/// <summary>A text as character ids, split into training and validation parts, with the unigram baseline.</summary>
public sealed class CharCorpus
{
    public CharCorpus(string text, int vocabularyLimit, double validationFraction = 0.1)
    {
        Alphabet = text.Distinct().Order().ToArray();
        if (Alphabet.Length > vocabularyLimit)
            throw new InvalidOperationException($"The text has {Alphabet.Length} distinct characters but the model's vocabulary holds {vocabularyLimit}.");
        var index = Alphabet.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var ids = text.Select(c => index[c]).ToArray();
        int cut = (int)(ids.Length * (1 - validationFraction));
        Train = ids[..cut];
        Validation = ids[cut..];
        // The entropy of the character frequencies: what a model that ignores context can reach.
        var counts = new double[Alphabet.Length];
        foreach (int id in Train) counts[id]++;
        UnigramNats = -counts.Where(c => c > 0).Sum(c => c / Train.Length * Math.Log(c / Train.Length));
    }

    public char[] Alphabet { get; }
    public int[] Train { get; }
    public int[] Validation { get; }
    public double UnigramNats { get; }

    public int Id(char c) => Array.IndexOf(Alphabet, c);

    /// <summary>Fills a batch of windows: inputs[t] = text[s + t], targets[t] = text[s + t + 1].</summary>
    public static void Window(int[] source, int start, int length, Span<float> inputs, Span<int> targets)
    {
        for (int t = 0; t < length; t++)
        {
            inputs[t] = source[start + t];
            targets[t] = source[start + t + 1];
        }
    }
}
