namespace GraphGen.Data;

/// <summary>Plain-text corpora (for character-level models): strict UTF-8, gzipped or not.</summary>
public static class TextFiles
{
    /// <summary>The whole text. Invalid UTF-8 throws an <see cref="InvalidDataException"/> naming the file and byte.</summary>
    public static string ReadAll(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return DataFile.ReadAllText(path);
    }

    /// <summary>The lines that hold something other than white space, trimmed (e.g. one name per line).</summary>
    public static IReadOnlyList<string> ReadLines(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return DataFile.NonBlankLines(path).Select(line => line.Text.Trim()).ToArray();
    }
}
