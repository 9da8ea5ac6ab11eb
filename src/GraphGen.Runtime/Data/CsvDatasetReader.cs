using System.Globalization;

namespace GraphGen.Data;

/// <summary>
/// Reads datasets stored as rows of numbers in text (gzipped or not): scikit-learn's CSV
/// layout, headerless CSV with the label last, and a whitespace-separated features file with
/// its targets file. Any malformed line throws an <see cref="InvalidDataException"/> whose
/// message reads "file: line N: problem".
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>
    /// scikit-learn's layout (iris.csv, breast_cancer.csv, wine_data.csv): a header
    /// <c>n_samples,n_features,class names...</c>, then n_samples rows of n_features values
    /// followed by the class index.
    /// </summary>
    public static Dataset ReadSklearn(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ReadSklearn(path, DataFile.ReadAllText(path));
    }

    /// <summary><see cref="ReadSklearn(string)"/> over the text of <paramref name="path"/> (a file, or a shipped copy's name).</summary>
    internal static Dataset ReadSklearn(string path, string content)
    {
        using var lines = DataFile.NonBlankLinesOf(content).GetEnumerator();
        if (!lines.MoveNext())
            throw DataFile.Error(path, "line 1", "the file is empty; expected a header n_samples,n_features,class names...");
        (int headerLine, string header) = lines.Current;
        string[] fields = header.Split(',');
        if (fields.Length < 3)
            throw DataFile.Error(path, $"line {headerLine}", $"expected a header n_samples,n_features,class names..., found \"{header}\"");
        int sampleCount = ParseCount(path, headerLine, fields[0], "n_samples");
        int featureCount = ParseCount(path, headerLine, fields[1], "n_features");
        // Every value takes at least two characters (a digit and a separator), so a header
        // that announces more values than that is damaged; checked before anything is sized by it.
        Int128 charactersNeeded = 2 * (Int128)sampleCount * (featureCount + 1L);
        if (charactersNeeded > content.Length)
            throw DataFile.Error(path, $"line {headerLine}",
                $"the header declares {sampleCount} samples of {featureCount} features, which need at least {charactersNeeded} characters (a digit and a separator per value and label), but the {content.Length}-character file cannot hold them; check n_samples and n_features");
        string[] classNames = fields[2..].Select(name => name.Trim()).ToArray();
        if (classNames.Any(name => name.Length == 0))
            throw DataFile.Error(path, $"line {headerLine}", "a class name in the header is empty");

        var features = new List<float>(sampleCount * featureCount);
        var labels = new List<int>(sampleCount);
        while (lines.MoveNext())
        {
            (int line, string text) = lines.Current;
            ReadLabelledRow(path, line, text, featureCount, classNames, features, labels);
        }
        if (labels.Count != sampleCount)
            throw DataFile.Error(path, $"line {headerLine}", $"the header announces {sampleCount} samples, but the file has {labels.Count} rows");
        return new Dataset([.. features], [featureCount], [.. labels], classNames.Length, classNames);
    }

    /// <summary>
    /// Headerless CSV whose last column is the class index (digits.csv.gz); every row must have
    /// the same number of columns as the first.
    /// </summary>
    public static Dataset ReadLabelLast(string path, int classCount, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        return ReadLabelLast(path, DataFile.NonBlankLines(path), classCount, classNames);
    }

    /// <summary><see cref="ReadLabelLast(string, int, IReadOnlyList{string})"/> over the non-blank lines of <paramref name="path"/> (a file, or a shipped copy's name).</summary>
    internal static Dataset ReadLabelLast(string path, IEnumerable<(int Line, string Text)> nonBlankLines, int classCount, IReadOnlyList<string>? classNames)
    {
        string[] names = classNames?.ToArray() ?? Enumerable.Range(0, classCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (names.Length != classCount)
            throw new ArgumentException($"{classCount} classes but {names.Length} class names.", nameof(classNames));

        var features = new List<float>();
        var labels = new List<int>();
        int featureCount = -1;
        foreach ((int line, string text) in nonBlankLines)
        {
            if (featureCount < 0)
            {
                featureCount = text.Split(',').Length - 1;
                if (featureCount < 1)
                    throw DataFile.Error(path, $"line {line}", "expected at least one feature and a label, found a single column");
            }
            ReadLabelledRow(path, line, text, featureCount, names, features, labels);
        }
        if (featureCount < 0)
            throw DataFile.Error(path, "line 1", "the file holds no rows");
        return new Dataset([.. features], [featureCount], [.. labels], classCount, classNames is null ? null : names);
    }

    /// <summary>
    /// A regression dataset from two whitespace-separated files (diabetes_data_raw.csv.gz and
    /// diabetes_target.csv.gz): one row of features per line in the first, the same number of
    /// rows of targets in the second.
    /// </summary>
    public static Dataset ReadFeaturesAndTargets(string featuresPath, string targetsPath)
    {
        ArgumentNullException.ThrowIfNull(featuresPath);
        ArgumentNullException.ThrowIfNull(targetsPath);
        return ReadFeaturesAndTargets(featuresPath, DataFile.NonBlankLines(featuresPath), targetsPath, DataFile.NonBlankLines(targetsPath));
    }

    /// <summary><see cref="ReadFeaturesAndTargets(string, string)"/> over the non-blank lines of both (files, or shipped copies' names).</summary>
    internal static Dataset ReadFeaturesAndTargets(string featuresPath, IEnumerable<(int Line, string Text)> featureLines,
        string targetsPath, IEnumerable<(int Line, string Text)> targetLines)
    {
        (List<float> features, int featureCount, int rows) = ReadWhitespaceTable(featuresPath, featureLines);
        (List<float> targets, int targetCount, int targetRows) = ReadWhitespaceTable(targetsPath, targetLines);
        if (rows != targetRows)
            throw new InvalidDataException($"{featuresPath} has {rows} rows of features but {targetsPath} has {targetRows} rows of targets; they must match row for row.");
        return new Dataset([.. features], [featureCount], [.. targets], targetCount);
    }

    private static (List<float> Values, int Columns, int Rows) ReadWhitespaceTable(string path, IEnumerable<(int Line, string Text)> nonBlankLines)
    {
        var values = new List<float>();
        int columns = -1, rows = 0;
        foreach ((int line, string text) in nonBlankLines)
        {
            string[] fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (columns < 0) columns = fields.Length;
            else if (fields.Length != columns)
                throw DataFile.Error(path, $"line {line}", $"expected {columns} values (as on the first row), found {fields.Length}");
            for (int c = 0; c < fields.Length; c++) values.Add(ParseValue(path, line, c, fields[c]));
            rows++;
        }
        if (columns < 0)
            throw DataFile.Error(path, "line 1", "the file holds no rows");
        return (values, columns, rows);
    }

    private static void ReadLabelledRow(string path, int line, string text, int featureCount, string[] classNames, List<float> features, List<int> labels)
    {
        string[] fields = text.Split(',');
        if (fields.Length != featureCount + 1)
            throw DataFile.Error(path, $"line {line}", $"expected {featureCount + 1} columns ({featureCount} features and a label), found {fields.Length}");
        for (int c = 0; c < featureCount; c++) features.Add(ParseValue(path, line, c, fields[c]));
        labels.Add(ParseLabel(path, line, featureCount, fields[featureCount], classNames));
    }

    private static float ParseValue(string path, int line, int column, string field)
    {
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            throw DataFile.Error(path, $"line {line}", $"column {column + 1}: \"{field.Trim()}\" is not a number");
        if (!float.IsFinite(value))
            throw DataFile.Error(path, $"line {line}", $"column {column + 1}: \"{field.Trim()}\" is not a finite number");
        return value;
    }

    private static int ParseLabel(string path, int line, int column, string field, string[] classNames)
    {
        // Labels are class indices; "2" and "2.0" are both accepted.
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value != Math.Floor(value))
            throw DataFile.Error(path, $"line {line}", $"column {column + 1}: the label \"{field.Trim()}\" is not a whole number");
        if (value < 0 || value >= classNames.Length)
            throw DataFile.Error(path, $"line {line}", $"column {column + 1}: the label {value} is outside [0, {classNames.Length}) (classes: {string.Join(", ", classNames)})");
        return (int)value;
    }

    private static int ParseCount(string path, int line, string field, string what)
    {
        if (!int.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw DataFile.Error(path, $"line {line}", $"the header's {what} \"{field.Trim()}\" is not a positive whole number");
        return value;
    }
}
