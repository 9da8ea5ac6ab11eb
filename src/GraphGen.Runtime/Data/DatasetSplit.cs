namespace GraphGen.Data;

/// <summary>The three disjoint parts of a dataset that together hold every sample once.</summary>
public sealed record DatasetSplits(Dataset Train, Dataset Validation, Dataset Test);

/// <summary>
/// Seeded train/validation/test splits. The same dataset, fractions and seed give the same
/// split on every machine: the shuffle is <see cref="SeededRandom"/>'s, and the sizes come from
/// IEEE double arithmetic only.
/// </summary>
public static class DatasetSplit
{
    /// <summary>
    /// Shuffles the samples with <paramref name="seed"/> and cuts them into train, validation and
    /// test parts; the test part gets what is left, 1 − train − validation.
    /// </summary>
    /// <remarks>
    /// The cuts are at round(train·n) and round((train + validation)·n), so fractions that add
    /// up to 1 leave the test part empty, and each part keeps the shuffled order.
    /// </remarks>
    public static DatasetSplits Split(Dataset dataset, double trainFraction, double validationFraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ValidateFractions(trainFraction, validationFraction);
        int[] order = ShuffledIndices(dataset.Count, new SeededRandom(seed));
        (int trainEnd, int validationEnd) = Cuts(dataset.Count, trainFraction, validationFraction);
        return new DatasetSplits(
            dataset.Subset(order.AsSpan(0, trainEnd)),
            dataset.Subset(order.AsSpan(trainEnd, validationEnd - trainEnd)),
            dataset.Subset(order.AsSpan(validationEnd)));
    }

    /// <summary>
    /// Like <see cref="Split"/>, but splits each class on its own so that every part keeps the
    /// class proportions of the whole: a class of n_c samples puts round(train·n_c) in train and
    /// round((train + validation)·n_c) − round(train·n_c) in validation. Each part is shuffled
    /// afterwards, so its classes are interleaved rather than in blocks.
    /// </summary>
    public static DatasetSplits StratifiedSplit(Dataset dataset, double trainFraction, double validationFraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!dataset.HasLabels)
            throw new ArgumentException("A stratified split needs class labels; this dataset has regression targets. Use Split.", nameof(dataset));
        if (dataset.LabelSize != 1)
            throw new ArgumentException($"A stratified split needs one label per sample; this dataset has {dataset.LabelSize}. Use Split.", nameof(dataset));
        ValidateFractions(trainFraction, validationFraction);

        var random = new SeededRandom(seed);
        int[] labels = dataset.Labels;
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        for (int c = 0; c < dataset.ClassCount; c++)
        {
            int[] members = Enumerable.Range(0, dataset.Count).Where(i => labels[i] == c).ToArray();
            random.Shuffle<int>(members);
            (int trainEnd, int validationEnd) = Cuts(members.Length, trainFraction, validationFraction);
            train.AddRange(members.AsSpan(0, trainEnd));
            validation.AddRange(members.AsSpan(trainEnd, validationEnd - trainEnd));
            test.AddRange(members.AsSpan(validationEnd));
        }
        return new DatasetSplits(
            dataset.Subset(Shuffled(train, random)),
            dataset.Subset(Shuffled(validation, random)),
            dataset.Subset(Shuffled(test, random)));
    }

    private static void ValidateFractions(double train, double validation)
    {
        if (!(train >= 0 && train <= 1))
            throw new ArgumentOutOfRangeException("trainFraction", train, "The train fraction must be in [0, 1].");
        if (!(validation >= 0 && validation <= 1))
            throw new ArgumentOutOfRangeException("validationFraction", validation, "The validation fraction must be in [0, 1].");
        // A little slack so that 0.7 + 0.3 (= 1.0000000000000002 in doubles) is accepted.
        if (train + validation > 1 + 1e-9)
            throw new ArgumentException($"The train fraction {train} and validation fraction {validation} add up to more than 1.");
    }

    private static (int TrainEnd, int ValidationEnd) Cuts(int count, double train, double validation)
    {
        int trainEnd = (int)Math.Round(train * count, MidpointRounding.AwayFromZero);
        int validationEnd = (int)Math.Round(Math.Min(1.0, train + validation) * count, MidpointRounding.AwayFromZero);
        return (Math.Min(trainEnd, count), Math.Clamp(validationEnd, trainEnd, count));
    }

    private static int[] ShuffledIndices(int count, SeededRandom random)
    {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        random.Shuffle<int>(order);
        return order;
    }

    private static int[] Shuffled(List<int> indices, SeededRandom random)
    {
        int[] array = [.. indices];
        random.Shuffle<int>(array);
        return array;
    }
}
