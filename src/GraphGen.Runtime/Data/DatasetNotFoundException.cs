namespace GraphGen.Data;

/// <summary>
/// A dataset that is fetched rather than committed (MNIST, Fashion-MNIST, the text corpora) is
/// not on this machine. The message says which command fetches it.
/// </summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <param name="datasetName">What is missing, e.g. "MNIST".</param>
    /// <param name="missingPath">The file that was looked for.</param>
    /// <param name="fetchArgument">The argument of scripts/fetch-data.sh that fetches it, e.g. "mnist".</param>
    public DatasetNotFoundException(string datasetName, string missingPath, string fetchArgument)
        : base(
            $"{datasetName} is not on this machine: {missingPath} does not exist. " +
            $"Fetch it from the repository root with: bash scripts/fetch-data.sh {fetchArgument} " +
            $"(it writes to data/ in the repository, or to ${DataPaths.DataEnvironmentVariable} when that is set).",
            missingPath)
    {
        DatasetName = datasetName;
        FetchCommand = $"bash scripts/fetch-data.sh {fetchArgument}";
    }

    /// <summary>What is missing, e.g. "MNIST".</summary>
    public string DatasetName { get; }

    /// <summary>The command that fetches it, e.g. "bash scripts/fetch-data.sh mnist".</summary>
    public string FetchCommand { get; }
}
