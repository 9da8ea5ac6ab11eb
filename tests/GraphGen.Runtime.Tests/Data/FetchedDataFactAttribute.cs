using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>
/// A test of a fetched dataset: it runs when the files are in data/ (or $GRAPHGEN_DATA) and is
/// skipped, with the command that fetches them as the reason, when they are not. Everything the
/// loaders do is also tested on synthetic files, so nothing else depends on fetched data.
/// </summary>
public sealed class FetchedDataFactAttribute : FactAttribute
{
    public FetchedDataFactAttribute(string fetchArgument, params string[] relativePaths)
    {
        string root;
        try
        {
            root = DataPaths.FetchedRoot();
        }
        catch (DirectoryNotFoundException e)
        {
            Skip = $"No data folder: {e.Message}";
            return;
        }
        string? missing = relativePaths.Select(p => Path.Combine(root, p)).FirstOrDefault(p => !File.Exists(p));
        if (missing is not null)
            Skip = $"{missing} has not been fetched; run: bash scripts/fetch-data.sh {fetchArgument}";
    }
}
