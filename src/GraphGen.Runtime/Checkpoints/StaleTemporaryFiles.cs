namespace GraphGen;

/// <summary>
/// The temporary files of <see cref="AtomicFile"/>: ".&lt;name&gt;.&lt;32 hex digits&gt;.tmp"
/// beside the target (hidden by the dot, unique by a GUID), and the removal of the ones a
/// killed save left behind. A checkpoint saved every epoch by a run that is killed now and
/// then would otherwise collect one hidden file of the checkpoint's size per kill.
/// </summary>
/// <remarks>
/// A leftover is removed only when all three hold: its name is exactly this pattern for this
/// target (another checkpoint's files, or anything the user named alike, are never touched);
/// it has not been written for <see cref="StaleAfter"/>; and no process holds it open. The
/// writer holds its temporary file with <see cref="FileShare.None"/>, which .NET turns into
/// an exclusive advisory lock on Unix and a sharing lock on Windows, so a save that is still
/// running elsewhere keeps its file; a killed process has released its lock. Removal is best
/// effort: a leftover that cannot be removed never fails the save.
/// </remarks>
internal static class StaleTemporaryFiles
{
    /// <summary>How long a temporary file must have been left unwritten before it may be removed.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    private const string Suffix = ".tmp";
    private const int GuidDigits = 32;

    /// <summary>A fresh temporary name for <paramref name="fileName"/>.</summary>
    public static string NewName(string fileName) => $".{fileName}.{Guid.NewGuid():N}{Suffix}";

    /// <summary>True when <paramref name="candidate"/> is a temporary name of <paramref name="fileName"/>, as <see cref="NewName"/> makes them.</summary>
    public static bool IsTemporaryNameOf(string candidate, string fileName)
    {
        // "." + fileName + "." + 32 lowercase hex digits + ".tmp", compared ordinally.
        int length = 1 + fileName.Length + 1 + GuidDigits + Suffix.Length;
        if (candidate.Length != length || candidate[0] != '.') return false;
        if (!candidate.AsSpan(1, fileName.Length).SequenceEqual(fileName)) return false;
        if (candidate[1 + fileName.Length] != '.') return false;
        var digits = candidate.AsSpan(2 + fileName.Length, GuidDigits);
        foreach (char c in digits)
            if (!char.IsAsciiHexDigitLower(c)) return false;
        return candidate.AsSpan(length - Suffix.Length).SequenceEqual(Suffix);
    }

    /// <summary>Removes the stale temporary files of <paramref name="fileName"/> in <paramref name="directory"/>.</summary>
    public static void Remove(string directory, string fileName)
    {
        IEnumerable<string> candidates;
        try
        {
            // Filtered here rather than by a search pattern: a file name may itself hold '*' or '?'.
            candidates = Directory.EnumerateFiles(directory, "*" + Suffix)
                .Where(path => IsTemporaryNameOf(Path.GetFileName(path), fileName))
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return; // A missing or unlistable directory: the save itself will report it.
        }
        foreach (string path in candidates) TryRemove(path);
    }

    private static void TryRemove(string path)
    {
        try
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < StaleAfter) return;
            // Opening with FileShare.None fails while the writer holds it: the save is alive.
            // DeleteOnClose removes it while this handle still holds the lock, so no writer can
            // start using it in between.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Held open, already gone, or not ours to remove: leave it.
        }
    }
}
