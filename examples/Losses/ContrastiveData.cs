using GraphGen.Data;

namespace GraphGen.Examples.Losses;

/// <summary>The tuples of the contrastive task, drawn from a set of labelled digits.</summary>
public static class ContrastiveData
{
    /// <summary>
    /// <paramref name="count"/> tuples of 1 + <see cref="Contrast.Candidates"/> digits: a random anchor,
    /// then the candidates in random order, one of the anchor's class (another sample) and the others
    /// of distinct other classes. The label is the position of the positive among the candidates.
    /// </summary>
    public static Dataset Tuples(Dataset digits, int count, ulong seed)
    {
        const int k = Contrast.Candidates, size = 64;
        var byClass = Enumerable.Range(0, digits.ClassCount).Select(c => Enumerable.Range(0, digits.Count).Where(i => digits.LabelOf(i) == c).ToArray()).ToArray();
        if (byClass.Any(members => members.Length < 2))
            throw new ArgumentException("Every class needs at least two samples to draw an anchor and a positive.", nameof(digits));
        var random = new SeededRandom(seed);
        var features = new float[count * (k + 1) * size];
        var labels = new int[count];
        var classes = new int[digits.ClassCount];
        for (int t = 0; t < count; t++)
        {
            int anchor = random.NextInt(digits.Count), anchorClass = digits.LabelOf(anchor);
            int positive;
            do positive = byClass[anchorClass][random.NextInt(byClass[anchorClass].Length)]; while (positive == anchor);
            // Negatives: the first k − 1 classes of a shuffle of the other classes.
            for (int c = 0; c < classes.Length; c++) classes[c] = c;
            random.Shuffle<int>(classes);
            var negativeClasses = classes.Where(c => c != anchorClass).Take(k - 1).ToArray();
            int position = random.NextInt(k);
            labels[t] = position;
            var tuple = features.AsSpan(t * (k + 1) * size, (k + 1) * size);
            digits.FeaturesOf(anchor).CopyTo(tuple);
            for (int slot = 0, negative = 0; slot < k; slot++)
            {
                int sample = slot == position ? positive : byClass[negativeClasses[negative]][random.NextInt(byClass[negativeClasses[negative++]].Length)];
                digits.FeaturesOf(sample).CopyTo(tuple.Slice((slot + 1) * size, size));
            }
        }
        return new Dataset(features, [k + 1, size], labels, k);
    }
}
