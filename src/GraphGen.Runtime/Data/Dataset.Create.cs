using System.Globalization;
using System.Numerics;

namespace GraphGen.Data;

// Datasets from what an application usually has at hand: one array per sample (float[][],
// double[][], List<int[]>...) and labels of any type that names a class (strings, enums,
// characters, 1-based numbers) or class indices of any integer type (byte, long...). The
// constructors keep taking the flat float[] and int[] the trainer works on.
public sealed partial class Dataset
{
    /// <summary>
    /// A classification dataset from one array of features per sample and one label per sample,
    /// where a label is anything that names a class: a string ("setosa"), an enum value, a
    /// character, a 1-based number. Each class becomes an index in 0..classes−1 and its name
    /// (<see cref="ClassNames"/>) is the label's text.
    /// </summary>
    /// <typeparam name="TValue">The feature type: float, double, int, byte... (converted to float).</typeparam>
    /// <typeparam name="TLabel">The label type.</typeparam>
    /// <param name="rows">One array per sample, all of the same length (the feature shape is [length]).</param>
    /// <param name="labels">One label per sample.</param>
    /// <param name="classes">
    /// The classes in index order. When null: the distinct labels, sorted (strings ordinally,
    /// numbers and enums by value; other types in order of first appearance).
    /// </param>
    /// <example><code>var data = Dataset.ForClassification(measurements, species);   // double[][] and string[]</code></example>
    public static Dataset ForClassification<TValue, TLabel>(IReadOnlyList<TValue[]> rows, IReadOnlyList<TLabel> labels, IReadOnlyList<TLabel>? classes = null)
        where TValue : INumberBase<TValue>
        where TLabel : notnull
    {
        (float[] features, int width) = Flatten(rows, nameof(rows));
        return ForClassification(features, [width], labels, classes);
    }

    /// <summary>
    /// A classification dataset from flat features (Count × FeatureSize, sample after sample)
    /// and one label per sample of any type that names a class; see
    /// <see cref="ForClassification{TValue, TLabel}(IReadOnlyList{TValue[]}, IReadOnlyList{TLabel}, IReadOnlyList{TLabel})"/>.
    /// </summary>
    /// <param name="features">Count × FeatureSize values, sample after sample.</param>
    /// <param name="featureShape">The shape of one sample, e.g. [4] or [1, 28, 28].</param>
    /// <param name="labels">One label per sample.</param>
    /// <param name="classes">The classes in index order; when null, the distinct labels sorted.</param>
    public static Dataset ForClassification<TLabel>(float[] features, ReadOnlySpan<int> featureShape, IReadOnlyList<TLabel> labels, IReadOnlyList<TLabel>? classes = null)
        where TLabel : notnull
    {
        ArgumentNullException.ThrowIfNull(labels);
        TLabel[] order = classes is null ? DistinctSorted(labels) : [.. classes];
        if (order.Length == 0)
            throw new ArgumentException(classes is null ? "There are no labels, so no classes." : "The list of classes is empty.", classes is null ? nameof(labels) : nameof(classes));
        var index = new Dictionary<TLabel, int>(order.Length);
        for (int c = 0; c < order.Length; c++)
        {
            if (!index.TryAdd(order[c], c))
                throw new ArgumentException($"The class '{Text(order[c])}' is listed twice.", nameof(classes));
        }
        var ids = new int[labels.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            if (!index.TryGetValue(labels[i], out ids[i]))
                throw new ArgumentException($"Label {i} is '{Text(labels[i])}', which is not one of the classes: {string.Join(", ", order.Select(Text))}.", nameof(labels));
        }
        return new Dataset(features, featureShape, ids, order.Length, order.Select(Text).ToArray());
    }

    /// <summary>
    /// A classification dataset from one array of features per sample and class indices of any
    /// integer type (byte, short, long...), each in 0..<paramref name="classCount"/>−1 and kept as it is.
    /// </summary>
    /// <param name="rows">One array per sample, all of the same length.</param>
    /// <param name="classIndices">The class index of each sample.</param>
    /// <param name="classCount">The number of classes.</param>
    /// <param name="classNames">Optional names of the classes, one per class.</param>
    /// <example><code>var data = Dataset.ForClassification(pixels, labelBytes, classCount: 10);   // byte[][] and byte[]</code></example>
    public static Dataset ForClassification<TValue, TIndex>(IReadOnlyList<TValue[]> rows, IReadOnlyList<TIndex> classIndices, int classCount, IReadOnlyList<string>? classNames = null)
        where TValue : INumberBase<TValue>
        where TIndex : IBinaryInteger<TIndex>
    {
        ArgumentNullException.ThrowIfNull(classIndices);
        (float[] features, int width) = Flatten(rows, nameof(rows));
        var ids = new int[classIndices.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            // Saturating: a long beyond int's range lands outside the classes and is reported below with its own value.
            int id = int.CreateSaturating(classIndices[i]);
            if ((uint)id >= (uint)classCount && classCount > 0)
                throw new ArgumentException($"Class index {i} is {classIndices[i]}, outside [0, {classCount}).", nameof(classIndices));
            ids[i] = id;
        }
        return new Dataset(features, [width], ids, classCount, classNames);
    }

    /// <summary>A regression dataset from one array of features per sample and one target value per sample.</summary>
    /// <param name="rows">One array per sample, all of the same length.</param>
    /// <param name="targets">One real-valued target per sample (converted to float).</param>
    public static Dataset ForRegression<TValue, TTarget>(IReadOnlyList<TValue[]> rows, IReadOnlyList<TTarget> targets)
        where TValue : INumberBase<TValue>
        where TTarget : INumberBase<TTarget>
    {
        ArgumentNullException.ThrowIfNull(targets);
        (float[] features, int width) = Flatten(rows, nameof(rows));
        var values = new float[targets.Count];
        for (int i = 0; i < values.Length; i++) values[i] = float.CreateChecked(targets[i]);
        return new Dataset(features, [width], values, targetSize: 1);
    }

    /// <summary>A regression dataset from one array of features and one array of targets per sample (all target arrays of the same length).</summary>
    /// <param name="rows">One array per sample, all of the same length.</param>
    /// <param name="targets">One array of target values per sample.</param>
    public static Dataset ForRegression<TValue, TTarget>(IReadOnlyList<TValue[]> rows, IReadOnlyList<TTarget[]> targets)
        where TValue : INumberBase<TValue>
        where TTarget : INumberBase<TTarget>
    {
        (float[] features, int width) = Flatten(rows, nameof(rows));
        (float[] values, int targetSize) = Flatten(targets, nameof(targets));
        return new Dataset(features, [width], values, targetSize);
    }

    // Rows of equal length, converted to float one by one; a value too large for float becomes
    // infinity, which the constructors reject with its sample and position.
    private static (float[] Values, int Width) Flatten<T>(IReadOnlyList<T[]> rows, string parameterName) where T : INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(rows, parameterName);
        if (rows.Count == 0)
            throw new ArgumentException("There are no rows; a dataset needs at least one sample.", parameterName);
        int width = rows[0]?.Length ?? 0;
        var values = new float[checked(rows.Count * width)];
        for (int r = 0; r < rows.Count; r++)
        {
            T[]? row = rows[r];
            if (row is null || row.Length != width || width == 0)
                throw new ArgumentException(row is null ? $"Row {r} is null." : width == 0 ? "Row 0 is empty; every sample needs at least one value."
                    : $"Row {r} has {row.Length} values but row 0 has {width}; every sample needs the same number.", parameterName);
            for (int c = 0; c < width; c++) values[r * width + c] = float.CreateChecked(row[c]);
        }
        return (values, width);
    }

    private static TLabel[] DistinctSorted<TLabel>(IReadOnlyList<TLabel> labels) where TLabel : notnull
    {
        TLabel[] distinct = labels.Distinct().ToArray();
        if (distinct is string[] names) Array.Sort(names, StringComparer.Ordinal);
        else if (distinct.Length > 0 && (distinct[0] is IComparable<TLabel> || distinct[0] is IComparable)) Array.Sort(distinct, Comparer<TLabel>.Default);
        return distinct;
    }

    private static string Text<TLabel>(TLabel label) where TLabel : notnull => Convert.ToString(label, CultureInfo.InvariantCulture) ?? "";
}
