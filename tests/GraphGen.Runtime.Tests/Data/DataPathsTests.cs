using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public sealed class DataPathsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void RepositoryRootHoldsTheSolution()
    {
        string root = DataPaths.FindRepositoryRoot();
        Assert.True(File.Exists(Path.Combine(root, "GraphGen.sln")));
        Assert.True(Directory.Exists(Path.Combine(root, "src", "GraphGen.Runtime")));
    }

    [Fact]
    public void RepositoryRootIsFoundAboveANestedStart()
    {
        File.WriteAllText(_temp.File("GraphGen.sln"), "");
        string nested = Directory.CreateDirectory(Path.Combine(_temp.Path, "a", "b")).FullName;
        Assert.Equal(_temp.Path, DataPaths.FindRepositoryRoot([nested]));
    }

    [Fact]
    public void MissingRepositorySaysWhatToDo()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => DataPaths.FindRepositoryRoot([_temp.Path]));
        Assert.Contains($"Could not find the GraphGen repository (a folder holding GraphGen.sln) above {_temp.Path}", error.Message);
        Assert.Contains("GRAPHGEN_DATA", error.Message);
    }

    [Fact]
    public void ExampleDataIsInExamplesData()
    {
        string path = DataPaths.ExampleData("iris.csv");
        Assert.Equal(Path.Combine(DataPaths.FindRepositoryRoot(), "examples", "data", "iris.csv"), path);
        var missing = Assert.Throws<FileNotFoundException>(() => DataPaths.ExampleData("no-such.csv"));
        Assert.Contains("no-such.csv does not exist", missing.Message);
        Assert.Contains("git checkout -- examples/data", missing.Message);
    }

    [Fact]
    public void FetchedDataLivesInDataOrInTheEnvironmentVariable()
    {
        Assert.Equal(Path.Combine(DataPaths.FindRepositoryRoot(), "data"), DataPaths.FetchedRoot(null));
        Assert.Equal(Path.Combine(DataPaths.FindRepositoryRoot(), "data"), DataPaths.FetchedRoot(" "));
        Assert.Equal(_temp.Path, DataPaths.FetchedRoot(_temp.Path));
        Assert.Equal(Path.Combine(DataPaths.FetchedRoot(), "mnist", "x"), DataPaths.Fetched(Path.Combine("mnist", "x")));
    }

    [Fact]
    public void MissingMnistNamesTheFileAndTheFetchCommand()
    {
        var error = Assert.Throws<DatasetNotFoundException>(() => Datasets.Mnist(train: true, directory: _temp.Path));
        string missing = Path.Combine(_temp.Path, "train-images-idx3-ubyte");
        Assert.Equal(
            $"MNIST is not on this machine: {missing} does not exist. Pass the folder that holds its files as the loader's directory argument, " +
            "or set $GRAPHGEN_DATA to a folder that holds mnist/. To download it, run bash scripts/fetch-data.sh mnist in a clone of the " +
            "GraphGen repository (it writes to data/ there, or to $GRAPHGEN_DATA when that is set).",
            error.Message);
        Assert.Equal(missing, error.FileName);
        Assert.Equal("bash scripts/fetch-data.sh mnist", error.FetchCommand);
        Assert.Equal("MNIST", error.DatasetName);
        Assert.IsAssignableFrom<FileNotFoundException>(error);
    }

    [Fact]
    public void EveryFetchedLoaderNamesItsOwnFetchCommand()
    {
        var fashion = Assert.Throws<DatasetNotFoundException>(() => Datasets.FashionMnist(train: false, directory: _temp.Path));
        Assert.Equal("bash scripts/fetch-data.sh fashion-mnist", fashion.FetchCommand);
        Assert.Contains(Path.Combine(_temp.Path, "t10k-images-idx3-ubyte.gz") + " does not exist", fashion.Message);

        var moby = Assert.Throws<DatasetNotFoundException>(() => Datasets.MobyDick(_temp.Path));
        Assert.Equal("bash scripts/fetch-data.sh text", moby.FetchCommand);
        Assert.Contains("moby-dick.txt does not exist", moby.Message);

        var names = Assert.Throws<DatasetNotFoundException>(() => Datasets.Names(_temp.Path));
        Assert.Contains("bash scripts/fetch-data.sh text", names.Message);
    }

    [Fact]
    public void MnistLoaderReadsRawOrGzippedFilesFromADirectory()
    {
        new IdxFile([2, 28, 28], Enumerable.Range(0, 2 * 784).Select(i => (byte)i).ToArray()).Write(_temp.File("t10k-images-idx3-ubyte"));
        new IdxFile([2], [7, 2]).Write(_temp.File("t10k-labels-idx1-ubyte.gz"));
        Dataset test = Datasets.Mnist(train: false, directory: _temp.Path);
        Assert.Equal(2, test.Count);
        Assert.Equal([1, 28, 28], test.FeatureShape);
        Assert.Equal([7, 2], test.Labels);
        Assert.Equal(255f / 255f, test.FeaturesOf(0)[255]);
        Assert.Equal("7", test.ClassNames![7]);
    }

    [Fact]
    public void NamesMergeBothFilesEachNameOnce()
    {
        _temp.WriteText("names-female.txt", "Ada\nJean\nAda\n");
        _temp.WriteText("names-male.txt", "Jean\nOtto\n");
        Assert.Equal(["Ada", "Jean", "Otto"], Datasets.Names(_temp.Path));
        _temp.WriteText("moby-dick.txt", "Call me Ishmael.\n");
        Assert.Equal("Call me Ishmael.\n", Datasets.MobyDick(_temp.Path));
    }

    [Fact]
    public void OutsideTheRepositoryFetchedDataComesFromTheVariableOrNowhere()
    {
        Assert.Null(DataPaths.TryFetchedRoot(null, [_temp.Path]));
        Assert.Null(DataPaths.TryFetchedRoot(" ", [_temp.Path]));
        Assert.Equal(_temp.Path, DataPaths.TryFetchedRoot(_temp.Path, [_temp.Path]));
        Assert.Equal(Path.Combine(DataPaths.FindRepositoryRoot(), "data"), DataPaths.TryFetchedRoot(null, DataPaths.SearchStarts));
    }

    [Fact]
    public void WithNowhereToLookTheMessageNamesTheArgumentAndTheVariable()
    {
        var error = new DatasetNotFoundException("MNIST", "mnist", [_temp.Path, _temp.Path]);
        Assert.Equal(
            $"MNIST is not on this machine: no folder was passed, $GRAPHGEN_DATA is not set, and {_temp.Path} is not inside the GraphGen repository. " +
            "Pass the folder that holds its files as the loader's directory argument, or set $GRAPHGEN_DATA to a folder that holds mnist/. " +
            "To download it, run bash scripts/fetch-data.sh mnist in a clone of the GraphGen repository (it writes to data/ there, or to $GRAPHGEN_DATA when that is set).",
            error.Message);
        Assert.Equal("bash scripts/fetch-data.sh mnist", error.FetchCommand);
        Assert.Null(error.FileName);
    }
}
