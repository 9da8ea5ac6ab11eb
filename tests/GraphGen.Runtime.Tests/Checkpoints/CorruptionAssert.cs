namespace GraphGen.Runtime.Tests.Checkpoints;

internal static class CorruptionAssert
{
    /// <summary>
    /// Reading <paramref name="path"/> throws a <see cref="CheckpointException"/> that names the
    /// file and <paramref name="tensor"/> (null: no tensor), says what to do, and contains every one of <paramref name="words"/>.
    /// </summary>
    public static CheckpointException Throws(string path, string? tensor, params string[] words)
    {
        var error = Assert.Throws<CheckpointException>(() => Checkpoint.ReadTensors(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(tensor, error.TensorName);
        Assert.Contains($"'{path}'", error.Message);
        if (tensor is not null) Assert.Contains($"'{tensor}'", error.Message);
        Assert.False(string.IsNullOrWhiteSpace(error.Advice));
        Assert.EndsWith(error.Advice, error.Message);
        foreach (string word in words) Assert.Contains(word, error.Message);
        return error;
    }
}
