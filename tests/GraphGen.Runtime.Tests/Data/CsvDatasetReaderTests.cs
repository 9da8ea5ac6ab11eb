using System.Text;
using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>The CSV readers on small hand-written files, well formed and malformed.</summary>
public sealed class CsvDatasetReaderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private InvalidDataException ReadSklearnFails(string text)
    {
        string path = _temp.WriteText("bad.csv", text);
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadSklearn(path));
        Assert.StartsWith(path + ": ", error.Message);
        return error;
    }

    [Fact]
    public void SklearnLayoutReadsHeaderRowsAndClassNames()
    {
        string path = _temp.WriteText("ok.csv", "3,2,cat,dog\r\n1.5,2,0\r\n-3,4e1,1\n\n5,6,1\n");
        Dataset data = CsvDatasetReader.ReadSklearn(path);
        Assert.Equal(3, data.Count);
        Assert.Equal([1.5f, 2f, -3f, 40f, 5f, 6f], data.Features);
        Assert.Equal([0, 1, 1], data.Labels);
        Assert.Equal(["cat", "dog"], data.ClassNames!);
    }

    [Fact]
    public void WrongColumnCountNamesTheLine()
    {
        var error = ReadSklearnFails("2,2,a,b\n1,2,0\n1,2\n");
        Assert.Contains("line 3", error.Message);
        Assert.Contains("expected 3 columns (2 features and a label), found 2", error.Message);
    }

    [Fact]
    public void NonNumberNamesTheLineAndColumn()
    {
        var error = ReadSklearnFails("2,2,a,b\n1,2,0\n1,x7,1\n");
        Assert.Contains("line 3: column 2: \"x7\" is not a number", error.Message);
    }

    [Fact]
    public void NonFiniteValueIsRejected()
    {
        var error = ReadSklearnFails("1,2,a,b\n1,NaN,0\n");
        Assert.Contains("line 2: column 2: \"NaN\" is not a finite number", error.Message);
    }

    [Fact]
    public void LabelOutsideTheClassesIsRejected()
    {
        var error = ReadSklearnFails("2,2,a,b\n1,2,0\n1,2,2\n");
        Assert.Contains("line 3: column 3: the label 2 is outside [0, 2) (classes: a, b)", error.Message);
    }

    [Fact]
    public void FractionalLabelIsRejected()
    {
        var error = ReadSklearnFails("1,2,a,b\n1,2,0.5\n");
        Assert.Contains("line 2: column 3: the label \"0.5\" is not a whole number", error.Message);
    }

    [Fact]
    public void RowCountMustMatchTheHeader()
    {
        var error = ReadSklearnFails("3,2,a,b\n1,2,0\n1,2,1\n");
        Assert.Contains("line 1: the header announces 3 samples, but the file has 2 rows", error.Message);
    }

    [Fact]
    public void MalformedHeaderIsRejected()
    {
        Assert.Contains("line 1: expected a header n_samples,n_features,class names...", ReadSklearnFails("1,2\n1,0\n").Message);
        Assert.Contains("line 1: the header's n_features \"two\" is not a positive whole number", ReadSklearnFails("1,two,a,b\n1,2,0\n").Message);
        Assert.Contains("the file is empty", ReadSklearnFails("\n\n").Message);
    }

    [Theory]
    [InlineData("50000,50000,a,b", "50000 samples of 50000 features")]
    [InlineData("2147483647,1,a,b", "2147483647 samples of 1 features")]
    [InlineData("1,2147483647,a,b", "1 samples of 2147483647 features")]
    [InlineData("2147483647,2147483647,a,b", "2147483647 samples of 2147483647 features")]
    public void HeaderCountsThatTheFileCannotHoldAreADataError(string header, string declared)
    {
        // Two rows of two features follow: far less than any of these headers announce. The
        // reader must say so before it sizes anything by the header.
        string rows = "1,2,0\n1,2,1\n";
        var error = ReadSklearnFails(header + "\n" + rows);
        Assert.Contains($"line 1: the header declares {declared}", error.Message);
        Assert.Contains($"but the {header.Length + 1 + rows.Length}-character file", error.Message);
    }

    [Fact]
    public void LabelLastReadsGzippedCsvAndChecksItsColumns()
    {
        string good = _temp.WriteGzip("good.csv.gz", Encoding.UTF8.GetBytes("0,16,3\n8,1,0\n"));
        Dataset data = CsvDatasetReader.ReadLabelLast(good, classCount: 4);
        Assert.Equal([0f, 16f, 8f, 1f], data.Features);
        Assert.Equal([3, 0], data.Labels);
        Assert.Null(data.ClassNames);

        string bad = _temp.WriteGzip("bad.csv.gz", Encoding.UTF8.GetBytes("0,16,3\n8,1,0\n1,2,3,0\n"));
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadLabelLast(bad, classCount: 4));
        Assert.Equal($"{bad}: line 3: expected 3 columns (2 features and a label), found 4", error.Message);
    }

    [Fact]
    public void CorruptGzipNamesTheFile()
    {
        string path = _temp.File("corrupt.csv.gz");
        File.WriteAllBytes(path, [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0xFF, 0xFF, 0xFF]);
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadLabelLast(path, classCount: 2));
        Assert.StartsWith($"{path}: not a valid gzip file", error.Message);
    }

    [Fact]
    public void FeaturesAndTargetsReadWhitespaceSeparatedPairs()
    {
        string x = _temp.WriteText("x.txt", "1 2.5  3\n4\t5 6\n");
        string y = _temp.WriteText("y.txt", "1.5e+02\n7\n");
        Dataset data = CsvDatasetReader.ReadFeaturesAndTargets(x, y);
        Assert.Equal([1f, 2.5f, 3f, 4f, 5f, 6f], data.Features);
        Assert.Equal([150f, 7f], data.Targets);
    }

    [Fact]
    public void FeaturesAndTargetsMustAgree()
    {
        string x = _temp.WriteText("x.txt", "1 2\n3 4\n");
        string y = _temp.WriteText("y.txt", "1\n");
        var mismatch = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadFeaturesAndTargets(x, y));
        Assert.Equal($"{x} has 2 rows of features but {y} has 1 rows of targets; they must match row for row.", mismatch.Message);

        string ragged = _temp.WriteText("ragged.txt", "1 2\n3 4 5\n");
        var error = Assert.Throws<InvalidDataException>(() => CsvDatasetReader.ReadFeaturesAndTargets(ragged, y));
        Assert.Equal($"{ragged}: line 2: expected 2 values (as on the first row), found 3", error.Message);
    }
}
