namespace GraphGen.Imaging;

/// <summary>Where pictures and plots are saved: the directory is created, and the file replaced atomically.</summary>
internal static class OutputFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> through <see cref="AtomicFile"/>,
    /// so a reader (a browser refreshing a plot during training) never sees half a file.
    /// </summary>
    public static void Write(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
