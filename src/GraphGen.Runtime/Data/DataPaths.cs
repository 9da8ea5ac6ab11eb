namespace GraphGen.Data;

/// <summary>
/// Where the data lives in the repository: the committed small datasets in
/// &lt;repository&gt;/examples/data (the loaders in <see cref="Datasets"/> read the copies embedded
/// in this assembly instead, so they work anywhere), and the fetched large ones in
/// &lt;repository&gt;/data or in $GRAPHGEN_DATA when that is set (scripts/fetch-data.sh follows
/// the same rule).
/// </summary>
public static class DataPaths
{
    /// <summary>The environment variable that moves the fetched datasets out of the repository.</summary>
    public const string DataEnvironmentVariable = "GRAPHGEN_DATA";

    /// <summary>The file that marks the repository root.</summary>
    public const string SolutionFileName = "GraphGen.sln";

    /// <summary>
    /// The folder holding GraphGen.sln, found by walking up from the application's base
    /// directory (where a test or example runs from, inside bin/) and then from the current directory.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">Neither start lies inside the repository.</exception>
    public static string FindRepositoryRoot() => FindRepositoryRoot(SearchStarts);

    /// <summary>
    /// <see cref="FindRepositoryRoot()"/>, or null when the program runs outside the repository
    /// (a published binary, an application using the GraphGen package).
    /// </summary>
    public static string? TryFindRepositoryRoot() => TryFindRepositoryRoot(SearchStarts);

    /// <summary>Where the search for the repository starts: the application's base directory, then the current directory.</summary>
    internal static IReadOnlyList<string> SearchStarts => [AppContext.BaseDirectory, Directory.GetCurrentDirectory()];

    internal static string FindRepositoryRoot(IReadOnlyList<string> starts) =>
        TryFindRepositoryRoot(starts) ?? throw new DirectoryNotFoundException(
            $"Could not find the GraphGen repository (a folder holding {SolutionFileName}) above {string.Join(" or ", starts)}. " +
            $"Run from inside the repository, or pass the file paths to the readers in GraphGen.Data directly" +
            $" (for fetched datasets, set {DataEnvironmentVariable} to the folder the fetch script wrote).");

    /// <summary>The nearest folder holding GraphGen.sln above one of <paramref name="starts"/>, or null.</summary>
    internal static string? TryFindRepositoryRoot(IReadOnlyList<string> starts)
    {
        foreach (string start in starts)
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, SolutionFileName))) return directory.FullName;
            }
        }
        return null;
    }

    /// <summary>
    /// &lt;repository&gt;/examples/data/<paramref name="fileName"/>, a committed dataset (inside the
    /// repository only; <see cref="Datasets"/> loads the embedded copies from anywhere).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    public static string ExampleData(string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        string path = Path.Combine(FindRepositoryRoot(), "examples", "data", fileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist. The files in examples/data are committed: restore them with git checkout -- examples/data.", path);
        return path;
    }

    /// <summary>The folder of the fetched datasets: $GRAPHGEN_DATA when set, otherwise &lt;repository&gt;/data.</summary>
    public static string FetchedRoot() => FetchedRoot(Environment.GetEnvironmentVariable(DataEnvironmentVariable));

    internal static string FetchedRoot(string? environmentValue) =>
        string.IsNullOrWhiteSpace(environmentValue)
            ? Path.Combine(FindRepositoryRoot(), "data")
            : Path.GetFullPath(environmentValue);

    /// <summary>
    /// <see cref="FetchedRoot()"/>, or null when $GRAPHGEN_DATA is unset and the program runs
    /// outside the repository (an application using the GraphGen package).
    /// </summary>
    internal static string? TryFetchedRoot() => TryFetchedRoot(Environment.GetEnvironmentVariable(DataEnvironmentVariable), SearchStarts);

    internal static string? TryFetchedRoot(string? environmentValue, IReadOnlyList<string> starts) =>
        string.IsNullOrWhiteSpace(environmentValue)
            ? TryFindRepositoryRoot(starts) is { } root ? Path.Combine(root, "data") : null
            : Path.GetFullPath(environmentValue);

    /// <summary>
    /// The path of a fetched file, e.g. Fetched("mnist/train-images-idx3-ubyte"); whether it
    /// exists is for the caller to check (the loaders in <see cref="Datasets"/> throw
    /// <see cref="DatasetNotFoundException"/>).
    /// </summary>
    public static string Fetched(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        return Path.Combine(FetchedRoot(), relativePath);
    }
}
