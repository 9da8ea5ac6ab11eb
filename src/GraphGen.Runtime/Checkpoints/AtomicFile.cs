namespace GraphGen;

/// <summary>
/// Replaces a file all at once: the new content goes to a temporary file in the same
/// directory, is flushed to the disk, and is then renamed over the target. A crash or an
/// exception at any point leaves either the old file or the new one, never a mixture, and
/// no temporary file behind (short of the process dying mid-write).
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException($"'{path}' names a root directory, not a file.", nameof(path));
        // Same directory, so the rename stays within one file system and is atomic; the dot
        // hides it from a casual listing while it is being written.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
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
            throw;
        }
    }
}
