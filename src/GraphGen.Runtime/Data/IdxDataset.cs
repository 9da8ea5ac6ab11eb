namespace GraphGen.Data;

/// <summary>
/// Builds a classification <see cref="Dataset"/> from a pair of IDX files in MNIST's layout:
/// images [count, rows, columns] of bytes and labels [count] of bytes.
/// </summary>
public static class IdxDataset
{
    /// <summary>
    /// Reads the images and labels (each gzipped or not) into a dataset whose features are the
    /// pixels scaled to [0, 1] (byte / 255) with FeatureShape [1, rows, columns].
    /// </summary>
    /// <exception cref="InvalidDataException">A file is malformed, the files disagree on the number of samples, or a label is not below <paramref name="classCount"/>.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, int classCount = 10, IReadOnlyList<string>? classNames = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        IdxFile images = IdxFile.Read(imagesPath);
        IdxFile labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Count != 3)
            throw DataFile.Error(imagesPath, "byte 3", $"expected images with 3 dimensions [count, rows, columns], found [{string.Join(", ", images.Dimensions)}]");
        if (labels.Dimensions.Count != 1)
            throw DataFile.Error(labelsPath, "byte 3", $"expected labels with 1 dimension [count], found [{string.Join(", ", labels.Dimensions)}]");
        int count = images.Dimensions[0], rows = images.Dimensions[1], columns = images.Dimensions[2];
        if (labels.Dimensions[0] != count)
            throw new InvalidDataException($"{imagesPath} holds {count} images but {labelsPath} holds {labels.Dimensions[0]} labels; they must match one for one.");
        if (rows == 0 || columns == 0)
            throw DataFile.Error(imagesPath, "byte 8", $"images of {rows}x{columns} pixels hold no values");

        var label = new int[count];
        for (int i = 0; i < count; i++)
        {
            label[i] = labels.Data[i];
            if (label[i] >= classCount)
                throw DataFile.Error(labelsPath, $"byte {labels.HeaderSize + i}", $"label {label[i]} of sample {i} is outside [0, {classCount})");
        }

        Span<float> scaled = stackalloc float[256];
        for (int v = 0; v < 256; v++) scaled[v] = v / 255f;
        byte[] pixels = images.Data;
        var features = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) features[i] = scaled[pixels[i]];
        return new Dataset(features, [1, rows, columns], label, classCount, classNames);
    }
}
