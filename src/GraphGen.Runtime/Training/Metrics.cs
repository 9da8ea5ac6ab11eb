namespace GraphGen.Training;

/// <summary>Classification metrics over network outputs.</summary>
public static class Metrics
{
    /// <summary>Index of the largest value (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best]) best = i;
        return best;
    }

    /// <summary>How many rows of <paramref name="scores"/> (rows × classes) have their maximum at the label (rows labelled <paramref name="ignoredLabel"/> never count).</summary>
    public static int CountCorrect(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int classes, int? ignoredLabel = null)
    {
        if (scores.Length != labels.Length * classes)
            throw new ArgumentException($"{scores.Length} scores for {labels.Length} labels of {classes} classes.", nameof(scores));
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
            if (labels[r] != ignoredLabel && ArgMax(scores.Slice(r * classes, classes)) == labels[r]) correct++;
        return correct;
    }

    /// <summary>How many labels are not <paramref name="ignoredLabel"/>: the rows a loss and an accuracy are averaged over.</summary>
    public static int CountScored(ReadOnlySpan<int> labels, int? ignoredLabel)
    {
        if (ignoredLabel is not { } ignored) return labels.Length;
        int scored = 0;
        foreach (int label in labels)
            if (label != ignored) scored++;
        return scored;
    }

    /// <summary>How many probabilities (or logits, with threshold 0) fall on the side of 0.5 (or 0) that their 0/1 target is on.</summary>
    public static int CountCorrectBinary(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, float threshold = 0.5f)
    {
        int correct = 0;
        for (int i = 0; i < outputs.Length; i++)
            if ((outputs[i] > threshold) == (targets[i] > 0.5f)) correct++;
        return correct;
    }
}
