using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

/// <summary>Datasets built from rows and labels of the types applications have (Dataset.Create.cs).</summary>
public class DatasetCreateTests
{
    private enum Fruit { Apple = 1, Pear = 2, Plum = 3 }

    [Fact]
    public void StringLabelsBecomeSortedClassesNamedByTheirText()
    {
        double[][] rows = [[1.5, 2], [3, 4], [5, 6.25]];
        var data = Dataset.ForClassification(rows, ["virginica", "setosa", "virginica"]);
        Assert.Equal([1.5f, 2f, 3f, 4f, 5f, 6.25f], data.Features);
        Assert.Equal([2], data.FeatureShape);
        Assert.Equal(["setosa", "virginica"], data.ClassNames!);
        Assert.Equal([1, 0, 1], data.Labels);
    }

    [Fact]
    public void ExplicitClassesFixTheOrderAndMayIncludeUnseenOnes()
    {
        float[][] rows = [[0f], [1f]];
        var data = Dataset.ForClassification(rows, ["b", "a"], classes: ["c", "b", "a"]);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal([1, 2], data.Labels);
        Assert.Equal(["c", "b", "a"], data.ClassNames!);
    }

    [Fact]
    public void EnumAndOneBasedLabelsAreOrderedByValue()
    {
        int[][] rows = [[1], [2], [3]];
        var fruit = Dataset.ForClassification(rows, [Fruit.Plum, Fruit.Apple, Fruit.Pear]);
        Assert.Equal(["Apple", "Pear", "Plum"], fruit.ClassNames!);
        Assert.Equal([2, 0, 1], fruit.Labels);

        var grades = Dataset.ForClassification(rows, new List<long> { 3, 1, 2 });
        Assert.Equal(["1", "2", "3"], grades.ClassNames!);
        Assert.Equal([2, 0, 1], grades.Labels);
    }

    [Fact]
    public void ByteClassIndicesAreKeptAsTheyAre()
    {
        byte[][] pixels = [[0, 255], [128, 1]];
        var data = Dataset.ForClassification(pixels, new byte[] { 9, 0 }, classCount: 10);
        Assert.Equal([9, 0], data.Labels);
        Assert.Equal(10, data.ClassCount);
        Assert.Equal([0f, 255f, 128f, 1f], data.Features);
    }

    [Fact]
    public void FlatFeaturesTakeNamedLabelsToo()
    {
        var data = Dataset.ForClassification(new float[8], [1, 2, 2], ["dog", "cat"]);
        Assert.Equal([1, 2, 2], data.FeatureShape);
        Assert.Equal(["cat", "dog"], data.ClassNames!);
        Assert.Equal([1, 0], data.Labels);
    }

    [Fact]
    public void RegressionTakesOneOrManyTargetsPerSample()
    {
        double[][] rows = [[1], [2]];
        var single = Dataset.ForRegression(rows, new[] { 0.5, 1.5 });
        Assert.Equal(1, single.TargetSize);
        Assert.Equal([0.5f, 1.5f], single.Targets);

        var pairs = Dataset.ForRegression(rows, new[] { new[] { 1, 2 }, new[] { 3, 4 } });
        Assert.Equal(2, pairs.TargetSize);
        Assert.Equal([1f, 2f, 3f, 4f], pairs.Targets);
    }

    [Fact]
    public void BadInputSaysWhatIsWrong()
    {
        double[][] ragged = [[1, 2], [3]];
        Assert.Equal("Row 1 has 1 values but row 0 has 2; every sample needs the same number. (Parameter 'rows')",
            Assert.Throws<ArgumentException>(() => Dataset.ForClassification(ragged, ["a", "b"])).Message);

        double[][] rows = [[1], [2]];
        Assert.Equal("Label 1 is 'z', which is not one of the classes: a, b. (Parameter 'labels')",
            Assert.Throws<ArgumentException>(() => Dataset.ForClassification(rows, ["a", "z"], classes: ["a", "b"])).Message);
        Assert.Equal("The class 'a' is listed twice. (Parameter 'classes')",
            Assert.Throws<ArgumentException>(() => Dataset.ForClassification(rows, ["a", "a"], classes: ["a", "a"])).Message);
        Assert.Equal("Class index 1 is 300, outside [0, 10). (Parameter 'classIndices')",
            Assert.Throws<ArgumentException>(() => Dataset.ForClassification(rows, new long[] { 1, 300 }, classCount: 10)).Message);
        Assert.StartsWith("There are 2 samples but 1 labels",
            Assert.Throws<ArgumentException>(() => Dataset.ForClassification(rows, ["a"])).Message);
        // 1e300 does not fit in a float: it becomes infinity, which the dataset rejects with its place.
        Assert.StartsWith("Value 0 of sample 1 is Infinity",
            Assert.Throws<ArgumentException>(() => Dataset.ForRegression(new[] { new[] { 1.0 }, new[] { 1e300 } }, new[] { 0.0, 1.0 })).Message);
    }
}
