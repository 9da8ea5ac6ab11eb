namespace GraphGen;

/// <summary>
/// Replaces a file all at once: the new content goes to a temporary file in the same
/// directory, is flushed to the disk, and is then renamed over the target. A crash or an
/// exception at any point leaves either the old file or the new one, never a mixture. An
/// exception removes the temporary file; a process killed mid-write leaves it behind, and
/// the next write of the same target removes it (see <see cref="StaleTemporaryFiles"/>).
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. A file or directory the
    /// system refuses to write is an <see cref="IOException"/> naming the file, with the
    /// system's <see cref="UnauthorizedAccessException"/> inside.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' names a root directory, not a file.", nameof(path));
        string fileName = Path.GetFileName(target);
        StaleTemporaryFiles.Remove(directory, fileName);
        string temporary = Path.Combine(directory, StaleTemporaryFiles.NewName(fileName));
        try
        {
            // FileShare.None takes an exclusive lock for as long as the file is written, which
            // tells a concurrent save of the same target that this temporary file is not stale.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // The original failure is the one worth reporting.
            }
            catch (UnauthorizedAccessException)
            {
            }
            if (e is UnauthorizedAccessException denied)
                throw new IOException($"'{path}' cannot be written ({denied.Message.TrimEnd('.')}). Check that the directory exists and that this process has permission to create and replace files in it.", denied);
            throw;
        }
    }
}
