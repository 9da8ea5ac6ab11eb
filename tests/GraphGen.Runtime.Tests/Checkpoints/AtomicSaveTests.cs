namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>A failed save must leave the previous checkpoint byte for byte, and no temporary file.</summary>
public class AtomicSaveTests
{
    private static byte[] WriteOldCheckpoint(string path)
    {
        Checkpoint.Save(path, TinyMlp.Seeded(7));
        return File.ReadAllBytes(path);
    }

    [Fact]
    public void SourceThatThrowsMidWriteLeavesTheOldFileAndNoTemporary()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        byte[] old = WriteOldCheckpoint(path);
        int entriesWhileWriting = 0;

        var error = Assert.Throws<IOException>(() => SafetensorsWriter.Write(path,
        [
            new SafetensorsTensor("a", [1000], new float[1000]),
            new SafetensorsTensor("b", [2], () =>
            {
                entriesWhileWriting = dir.Entries().Length;
                throw new IOException("simulated: no space left on device");
            }),
        ]));

        Assert.Equal("simulated: no space left on device", error.Message);
        Assert.Equal(2, entriesWhileWriting); // the old file and the temporary one being written
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    [Fact]
    public void NetworkThatFailsDuringCheckpointSaveLeavesTheOldFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        byte[] old = WriteOldCheckpoint(path);
        var network = new FailingNetwork(TinyMlp.Seeded(8), dir);

        Assert.Throws<IOException>(() => Checkpoint.Save(path, network));

        Assert.True(network.FailedMidWrite, "the failure should come while the temporary file is open");
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    [Fact]
    public void SourceOfTheWrongLengthFailsAndLeavesTheOldFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        byte[] old = WriteOldCheckpoint(path);

        var error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
            [new SafetensorsTensor("a", [2, 3], new float[5])]));

        Assert.Contains("'a'", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    [Fact]
    public void FailedRenameRemovesTheTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("occupied");
        Directory.CreateDirectory(path); // a directory where the file should go: the final move fails

        Assert.ThrowsAny<IOException>(() => Checkpoint.Save(path, TinyMlp.Seeded(1)));

        Assert.Equal(["occupied"], dir.Entries());
        Assert.Empty(Directory.GetFileSystemEntries(path));
    }

    [Fact]
    public void MissingDirectoryFailsWithoutCreatingAnything()
    {
        using var dir = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Save(dir.File(Path.Combine("absent", "model.safetensors")), TinyMlp.Seeded(1)));
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void SuccessfulSaveReplacesTheOldFileAndLeavesNoTemporary()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        WriteOldCheckpoint(path);
        var network = TinyMlp.Seeded(9);

        Checkpoint.Save(path, network);

        Assert.Equal(["model.safetensors"], dir.Entries());
        var loaded = new TinyMlp();
        Checkpoint.Load(path, loaded);
        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    /// <summary>Wraps a network; its parameter arena becomes unreadable once the checkpoint's temporary file exists.</summary>
    private sealed class FailingNetwork(TinyMlp inner, TempDirectory dir) : INetwork
    {
        public bool FailedMidWrite { get; private set; }
        public string Name => inner.Name;
        public int InputSize => inner.InputSize;
        public int OutputSize => inner.OutputSize;
        public int BatchCapacity => inner.BatchCapacity;
        public ParameterTable ParameterTable => inner.ParameterTable;
        public bool CheckFinite { get => inner.CheckFinite; set => inner.CheckFinite = value; }
        public void Forward(ReadOnlySpan<float> input, Span<float> output) => inner.Forward(input, output);

        public Span<float> Parameters
        {
            get
            {
                if (dir.Entries().Length > 1)
                {
                    FailedMidWrite = true;
                    throw new IOException("simulated: the device holding the parameters failed");
                }
                return inner.Parameters;
            }
        }
    }
}
