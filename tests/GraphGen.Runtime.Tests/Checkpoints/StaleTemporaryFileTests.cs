namespace GraphGen.Runtime.Tests.Checkpoints;

/// <summary>
/// A save killed mid-write (kill -9, power loss) leaves its hidden temporary file behind; the
/// next save of the same checkpoint removes it. Only files of the writer's own pattern for that
/// checkpoint are touched, and only stale ones: none that a live save holds open, none written
/// in the last minute.
/// </summary>
public class StaleTemporaryFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-1);

    /// <summary>What a save killed mid-write leaves: a hidden temporary file with part of a checkpoint in it.</summary>
    private string CrashedSave(string checkpoint, DateTime lastWrite, int bytes = 10_000)
    {
        string path = _dir.File($".{checkpoint}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, lastWrite);
        return path;
    }

    [Fact]
    public void TheNextSaveRemovesWhatACrashedSaveLeft()
    {
        string path = _dir.File("model.safetensors");
        Checkpoint.Save(path, TinyMlp.Seeded(80));
        CrashedSave("model.safetensors", LongAgo);
        CrashedSave("model.safetensors", LongAgo.AddMinutes(-30), bytes: 25_000);
        Assert.Equal(3, _dir.Entries().Length);

        var network = TinyMlp.Seeded(81);
        Checkpoint.Save(path, network);

        Assert.Equal(["model.safetensors"], _dir.Entries());
        var loaded = new TinyMlp();
        Checkpoint.Load(path, loaded);
        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    [Fact]
    public void CleanUpAlsoHappensWhenThePreviousFileWasNeverCompleted()
    {
        // The very first save of a run was killed: only the temporary file exists.
        CrashedSave("model.safetensors", LongAgo);

        Checkpoint.Save(_dir.File("model.safetensors"), TinyMlp.Seeded(82));

        Assert.Equal(["model.safetensors"], _dir.Entries());
    }

    [Fact]
    public void OnlyThisCheckpointsOwnPatternIsRemoved()
    {
        string guid = Guid.NewGuid().ToString("N");
        string[] others =
        [
            $".other.safetensors.{guid}.tmp",            // another checkpoint's leftover
            $".model.safetensors.{guid[..31]}.tmp",      // not 32 hex digits
            $".model.safetensors.{guid[..31]}g.tmp",     // not hex
            $".model.safetensors.{guid}.tmp.keep",       // another extension
            $"model.safetensors.{guid}.tmp",             // not hidden
            $".model.safetensors.{guid}.TMP",            // another case
            $".model.safetensors.x.{guid}.tmp",          // something else in between
            $".Model.safetensors.{guid}.tmp",            // another file on a case-sensitive system
        ];
        foreach (string name in others)
        {
            File.WriteAllBytes(_dir.File(name), [1, 2, 3]);
            File.SetLastWriteTimeUtc(_dir.File(name), LongAgo);
        }
        Directory.CreateDirectory(_dir.File($".model.safetensors.{Guid.NewGuid():N}.tmp")); // a directory, not a file

        Checkpoint.Save(_dir.File("model.safetensors"), TinyMlp.Seeded(83));

        Assert.Equal(others.Length + 2, _dir.Entries().Length);
        foreach (string name in others) Assert.Equal([1, 2, 3], File.ReadAllBytes(_dir.File(name)));
    }

    [Fact]
    public void ATemporaryFileThatASaveHoldsOpenIsLeftAlone()
    {
        // Another process saving the same checkpoint holds its temporary file open (exclusively) while writing.
        string live = CrashedSave("model.safetensors", LongAgo);
        using (var writer = new FileStream(live, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            File.SetLastWriteTimeUtc(live, LongAgo);
            Checkpoint.Save(_dir.File("model.safetensors"), TinyMlp.Seeded(84));
            Assert.True(File.Exists(live));
        }
    }

    [Fact]
    public void ARecentTemporaryFileIsLeftAlone()
    {
        // Written seconds ago: perhaps a save by a process that does not lock its files.
        string recent = CrashedSave("model.safetensors", DateTime.UtcNow.AddSeconds(-5));

        Checkpoint.Save(_dir.File("model.safetensors"), TinyMlp.Seeded(85));

        Assert.True(File.Exists(recent));
    }

    [Fact]
    public void SaveWithoutLeftoversCreatesNothingElse()
    {
        File.WriteAllText(_dir.File("notes.txt"), "keep");

        Checkpoint.Save(_dir.File("model.safetensors"), TinyMlp.Seeded(86));

        Assert.Equal(["model.safetensors", "notes.txt"], _dir.Entries());
    }
}
