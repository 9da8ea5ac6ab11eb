namespace GraphGen.Data;

/// <summary>
/// A dataset that is fetched rather than shipped (MNIST, Fashion-MNIST, the text corpora) is not
/// on this machine. The message names both ways to point GraphGen at it (the loader's
/// <c>directory</c> argument and $GRAPHGEN_DATA) and the command that fetches it.
/// </summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>The loader looked for <paramref name="missingPath"/> and did not find it.</summary>
    /// <param name="datasetName">What is missing, e.g. "MNIST".</param>
    /// <param name="missingPath">The file that was looked for.</param>
    /// <param name="fetchArgument">The argument of scripts/fetch-data.sh that fetches it, e.g. "mnist"; also the sub-folder of $GRAPHGEN_DATA that holds it.</param>
    public DatasetNotFoundException(string datasetName, string missingPath, string fetchArgument)
        : base($"{datasetName} is not on this machine: {missingPath} does not exist. " + WhatToDo(fetchArgument), missingPath)
    {
        DatasetName = datasetName;
        FetchCommand = $"bash scripts/fetch-data.sh {fetchArgument}";
    }

    /// <summary>No folder was passed, $GRAPHGEN_DATA is not set, and the program runs outside the repository: there is nowhere to look.</summary>
    internal DatasetNotFoundException(string datasetName, string fetchArgument, IReadOnlyList<string> searchedFrom)
        : base(
            $"{datasetName} is not on this machine: no folder was passed, ${DataPaths.DataEnvironmentVariable} is not set, and " +
            $"{string.Join(" and ", searchedFrom.Distinct())} {(searchedFrom.Distinct().Count() == 1 ? "is" : "are")} not inside the GraphGen repository. " + WhatToDo(fetchArgument))
    {
        DatasetName = datasetName;
        FetchCommand = $"bash scripts/fetch-data.sh {fetchArgument}";
    }

    /// <summary>What is missing, e.g. "MNIST".</summary>
    public string DatasetName { get; }

    /// <summary>The command that fetches it, e.g. "bash scripts/fetch-data.sh mnist".</summary>
    public string FetchCommand { get; }

    private static string WhatToDo(string fetchArgument) =>
        $"Pass the folder that holds its files as the loader's directory argument, or set ${DataPaths.DataEnvironmentVariable} to a folder " +
        $"that holds {fetchArgument}/. To download it, run bash scripts/fetch-data.sh {fetchArgument} in a clone of the GraphGen repository " +
        $"(it writes to data/ there, or to ${DataPaths.DataEnvironmentVariable} when that is set).";
}
