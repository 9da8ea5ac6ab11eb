using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>
/// The shipped datasets (examples/data, embedded in GraphGen.Runtime) read with the right sizes
/// and values, and the embedded copies are the committed files byte for byte.
/// </summary>
public class ShippedDatasetTests
{
    [Fact]
    public void IrisHasItsHeaderCountsAndFirstRow()
    {
        Dataset iris = Datasets.Iris();
        Assert.Equal(150, iris.Count);
        Assert.Equal([4], iris.FeatureShape);
        Assert.Equal(3, iris.ClassCount);
        Assert.Equal(["setosa", "versicolor", "virginica"], iris.ClassNames!);
        Assert.Equal([5.1f, 3.5f, 1.4f, 0.2f], iris.FeaturesOf(0).ToArray());
        Assert.Equal(0, iris.LabelOf(0));
        Assert.Equal([5.9f, 3.0f, 5.1f, 1.8f], iris.FeaturesOf(149).ToArray());
        Assert.Equal(2, iris.LabelOf(149));
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(50, iris.Labels.Count(l => l == c)));
    }

    [Fact]
    public void BreastCancerHas569SamplesOf30Features()
    {
        Dataset cancer = Datasets.BreastCancer();
        Assert.Equal(569, cancer.Count);
        Assert.Equal(30, cancer.FeatureSize);
        Assert.Equal(["malignant", "benign"], cancer.ClassNames!);
        Assert.Equal(17.99f, cancer.FeaturesOf(0)[0]);
        Assert.Equal(0.1189f, cancer.FeaturesOf(0)[29]);
        Assert.Equal(212, cancer.Labels.Count(l => l == 0));
        Assert.Equal(357, cancer.Labels.Count(l => l == 1));
    }

    [Fact]
    public void WineHas178SamplesOf13Features()
    {
        Dataset wine = Datasets.Wine();
        Assert.Equal(178, wine.Count);
        Assert.Equal(13, wine.FeatureSize);
        Assert.Equal(3, wine.ClassCount);
        Assert.Equal(1065f, wine.FeaturesOf(0)[12]);
        Assert.Equal([59, 71, 48], Enumerable.Range(0, 3).Select(c => wine.Labels.Count(l => l == c)));
    }

    [Fact]
    public void DigitsAre1797GzippedRowsOf64PixelsAndALabel()
    {
        Dataset digits = Datasets.Digits();
        Assert.Equal(1797, digits.Count);
        Assert.Equal([64], digits.FeatureShape);
        Assert.Equal(10, digits.ClassCount);
        Assert.Equal([0f, 0f, 5f, 13f, 9f, 1f, 0f, 0f, 0f, 0f, 13f, 15f], digits.FeaturesOf(0)[..12].ToArray());
        Assert.Equal(0, digits.LabelOf(0));
        Assert.Equal(8, digits.LabelOf(1796));
        Assert.Equal(174, digits.Labels.Count(l => l == 8));
        Assert.Equal(16f, digits.Features.Max());
        Assert.Equal(0f, digits.Features.Min());
    }

    [Fact]
    public void DiabetesIs442RowsOf10FeaturesWithOneTarget()
    {
        Dataset diabetes = Datasets.Diabetes();
        Assert.False(diabetes.HasLabels);
        Assert.Equal(442, diabetes.Count);
        Assert.Equal(10, diabetes.FeatureSize);
        Assert.Equal(1, diabetes.TargetSize);
        Assert.Equal([59f, 2f, 32.1f, 101f, 157f, 93.2f, 38f, 4f, 4.8598f, 87f], diabetes.FeaturesOf(0).ToArray());
        Assert.Equal(151f, diabetes.TargetsOf(0)[0]);
        Assert.Equal(57f, diabetes.TargetsOf(441)[0]);
    }

    [Fact]
    public void EveryCommittedDataFileIsEmbeddedByteForByte()
    {
        string folder = Path.Combine(DataPaths.FindRepositoryRoot(), "examples", "data");
        string[] committed = Directory.GetFiles(folder)
            .Select(Path.GetFileName).OfType<string>()
            .Where(name => name.EndsWith(".csv", StringComparison.Ordinal) || name.EndsWith(".csv.gz", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["breast_cancer.csv", "diabetes_data_raw.csv.gz", "diabetes_target.csv.gz", "digits.csv.gz", "iris.csv", "wine_data.csv"], committed);
        Assert.Equal(committed, ShippedData.FileNames);
        foreach (string name in committed)
            Assert.True(File.ReadAllBytes(Path.Combine(folder, name)).AsSpan().SequenceEqual(ShippedData.ReadAllBytes(name)), $"the embedded {name} differs from examples/data/{name}");
    }

    [Fact]
    public void ShippedDatasetsEqualTheCommittedFilesReadFromDisk()
    {
        // The loaders read the embedded copies; reading the files in examples/data gives the same bits.
        AssertSameDataset(CsvDatasetReader.ReadLabelLast(DataPaths.ExampleData("digits.csv.gz"), 10, Datasets.Digits().ClassNames), Datasets.Digits());
        AssertSameDataset(CsvDatasetReader.ReadSklearn(DataPaths.ExampleData("iris.csv")), Datasets.Iris());
        AssertSameDataset(CsvDatasetReader.ReadSklearn(DataPaths.ExampleData("wine_data.csv")), Datasets.Wine());
        AssertSameDataset(CsvDatasetReader.ReadSklearn(DataPaths.ExampleData("breast_cancer.csv")), Datasets.BreastCancer());
        AssertSameDataset(CsvDatasetReader.ReadFeaturesAndTargets(DataPaths.ExampleData("diabetes_data_raw.csv.gz"), DataPaths.ExampleData("diabetes_target.csv.gz")), Datasets.Diabetes());
    }

    [Fact]
    public void AnUnknownShippedFileNamesTheShippedOnes()
    {
        var error = Assert.Throws<FileNotFoundException>(() => ShippedData.ReadAllBytes("mnist.csv"));
        Assert.Equal("GraphGen ships no dataset file named \"mnist.csv\"; the shipped files are breast_cancer.csv, diabetes_data_raw.csv.gz, diabetes_target.csv.gz, digits.csv.gz, iris.csv, wine_data.csv.", error.Message);
    }

    [Fact]
    public void AFormatErrorInAShippedFileNamesItsCommittedCopy()
    {
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadSklearn(ShippedData.Source("iris.csv"), "150,4,setosa,versicolor,virginica\n5.1,x,1.4,0.2,0\n" + new string(' ', 2400)));
        Assert.Equal("examples/data/iris.csv (shipped in GraphGen.Runtime): line 2: column 2: \"x\" is not a number", error.Message);
    }

    private static void AssertSameDataset(Dataset expected, Dataset actual)
    {
        Assert.Equal(expected.FeatureShape, actual.FeatureShape);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.HasLabels, actual.HasLabels);
        if (expected.HasLabels)
        {
            Assert.Equal(expected.Labels, actual.Labels);
            Assert.Equal(expected.ClassNames, actual.ClassNames);
        }
        else Assert.Equal(expected.Targets, actual.Targets);
    }
}
