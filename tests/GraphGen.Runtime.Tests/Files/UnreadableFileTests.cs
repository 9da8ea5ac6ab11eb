using GraphGen.Data;
using GraphGen.Runtime.Tests.Checkpoints;

namespace GraphGen.Runtime.Tests.Files;

/// <summary>
/// A file the system refuses to open (no permission, or a directory where a file was expected)
/// is an <see cref="IOException"/> from every reader and from a checkpoint save, as the docs
/// promise, never the <see cref="UnauthorizedAccessException"/> that escapes a
/// <c>catch (IOException)</c>. The system's own exception is kept as the inner exception.
/// </summary>
public class UnreadableFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        foreach (string entry in Directory.GetFileSystemEntries(_dir.Path))
            if (!OperatingSystem.IsWindows()) SetMode(entry, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _dir.Dispose();
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Unix file modes only");
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>A directory where a file is expected: opening it is "access denied" on every system and for every user.</summary>
    private string DirectoryInsteadOfFile(string name)
    {
        string path = _dir.File(name);
        Directory.CreateDirectory(path);
        return path;
    }

    private string Unreadable(string name)
    {
        string path = _dir.File(name);
        Checkpoint.Save(path, TinyMlp.Seeded(70));
        SetMode(path, UnixFileMode.None);
        return path;
    }

    private static void AssertCheckpointUnreadable(string path, Action read)
    {
        IOException error = Assert.ThrowsAny<IOException>(read);
        var checkpointError = Assert.IsType<CheckpointException>(error);
        Assert.Equal(path, checkpointError.FilePath);
        Assert.Null(checkpointError.TensorName);
        Assert.Contains("cannot be opened", checkpointError.Problem);
        Assert.Contains("permission", checkpointError.Advice);
        Assert.IsType<UnauthorizedAccessException>(checkpointError.InnerException);
    }

    private static void AssertDataUnreadable(string path, Action read)
    {
        IOException error = Assert.ThrowsAny<IOException>(read);
        Assert.Equal(typeof(IOException), error.GetType());
        Assert.StartsWith($"{path}: the file cannot be opened", error.Message);
        Assert.Contains("permission", error.Message);
        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
    }

    [Fact]
    public void CheckpointReadersReportADirectoryAsAnUnreadableCheckpoint()
    {
        string path = DirectoryInsteadOfFile("model.safetensors");
        AssertCheckpointUnreadable(path, () => Checkpoint.Load(path, TinyMlp.Seeded(71)));
        AssertCheckpointUnreadable(path, () => Checkpoint.ReadTensors(path));
        AssertCheckpointUnreadable(path, () => Checkpoint.ReadMetadata(path));
        AssertCheckpointUnreadable(path, () => SafetensorsFile.Open(path).Dispose());
    }

    [Fact]
    public void DataReadersReportADirectoryAsAnUnreadableFile()
    {
        string path = DirectoryInsteadOfFile("iris.csv");
        AssertDataUnreadable(path, () => CsvDatasetReader.ReadSklearn(path));
        AssertDataUnreadable(path, () => CsvDatasetReader.ReadLabelLast(path, 3));
        AssertDataUnreadable(path, () => CsvDatasetReader.ReadFeaturesAndTargets(path, path));
        AssertDataUnreadable(path, () => IdxFile.Read(path));
        AssertDataUnreadable(path, () => TextFiles.ReadAll(path));
        AssertDataUnreadable(path, () => TextFiles.ReadLines(path));
    }

    [Fact]
    public void MissingFilesKeepTheirOwnExceptions()
    {
        string path = _dir.File("absent.safetensors");
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(path, TinyMlp.Seeded(72)));
        Assert.Throws<FileNotFoundException>(() => CsvDatasetReader.ReadSklearn(path));
        Assert.Throws<DirectoryNotFoundException>(() => TextFiles.ReadAll(_dir.File(Path.Combine("absent", "names.txt"))));
    }

    [NonRootFact]
    public void CheckpointOfMode000IsAnUnreadableCheckpoint()
    {
        string path = Unreadable("model.safetensors");
        AssertCheckpointUnreadable(path, () => Checkpoint.Load(path, TinyMlp.Seeded(73)));
    }

    [NonRootFact]
    public void DataFileOfMode000IsAnUnreadableFile()
    {
        string path = _dir.File("iris.csv");
        File.WriteAllText(path, "1,1,a\n0.5,0\n");
        SetMode(path, UnixFileMode.None);
        AssertDataUnreadable(path, () => CsvDatasetReader.ReadSklearn(path));
    }

    [NonRootFact]
    public void SaveIntoAReadOnlyDirectoryIsAnIOException()
    {
        string folder = DirectoryInsteadOfFile("read-only");
        SetMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string path = Path.Combine(folder, "model.safetensors");

        var error = Assert.ThrowsAny<IOException>(() => Checkpoint.Save(path, TinyMlp.Seeded(74)));

        Assert.Contains(path, error.Message);
        Assert.IsType<UnauthorizedAccessException>(error.InnerException);
    }
}
