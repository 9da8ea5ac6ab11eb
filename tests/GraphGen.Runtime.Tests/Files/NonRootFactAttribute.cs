namespace GraphGen.Runtime.Tests.Files;

/// <summary>
/// A test that needs file permissions to be enforced: it is skipped, with the reason, when the
/// tests run as root (as in CI), because root reads and writes a file of mode 000 all the same.
/// The same translation of "access denied" is tested for every user through a path that names
/// a directory, which the system refuses to open as a file even for root.
/// </summary>
public sealed class NonRootFactAttribute : FactAttribute
{
    public NonRootFactAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "Unix file modes do not apply on Windows.";
        else if (Environment.IsPrivilegedProcess)
            Skip = "Running as root, for whom mode 000 does not stop reading or writing; the directory-as-file tests cover the same translation.";
    }
}
