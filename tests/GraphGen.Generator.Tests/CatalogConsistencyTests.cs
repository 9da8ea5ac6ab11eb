using System.Reflection;
using GraphGen.Generator.Ops;

namespace GraphGen.Generator.Tests;

/// <summary>The generator matches the DSL by name (it references neither assembly): keep the two in step.</summary>
public class CatalogConsistencyTests
{
    [Fact]
    public void EveryNnMethodIsAnOpTheGeneratorKnows()
    {
        var dsl = typeof(Nn).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(dsl, OpCatalog.Names);
    }

    [Fact]
    public void InitNamesFollowTheRuntimeEnum()
    {
        var runtime = Enum.GetValues<Init>().OrderBy(v => (int)v).Select(v => v.ToString());
        Assert.Equal(runtime, DenseOp.InitNames);
    }

    [Fact]
    public void OpParameterNamesMatchTheDsl()
    {
        // The op rules read arguments by parameter name; a renamed DSL parameter would go unnoticed otherwise.
        var expected = new Dictionary<string, string[]>
        {
            ["Dense"] = ["x", "units", "name", "bias", "init", "share"],
            ["LeakyRelu"] = ["x", "slope"],
            ["Concat"] = ["tensors"],
            ["SoftmaxCrossEntropy"] = ["logits", "labels", "ignoreLabel"], // the longest overload
            ["BinaryCrossEntropy"] = ["probabilities", "targets"],
            ["BinaryCrossEntropyWithLogits"] = ["logits", "targets"],
            ["MeanSquaredError"] = ["prediction", "targets"],
            ["Softmax"] = ["x", "causal"],
            ["Reshape"] = ["x", "shape"],
            ["SplitHeads"] = ["x", "heads"],
            ["MatMul"] = ["a", "b", "transposeA", "transposeB"],
            ["Embedding"] = ["ids", "vocabulary", "dimension", "name", "share"],
            ["PositionalEmbedding"] = ["x", "name", "share"],
            ["LayerNorm"] = ["x", "name", "epsilon", "share"],
            ["BatchNorm"] = ["x", "name", "momentum", "epsilon", "share"],
            ["Dropout"] = ["x", "p"],
            ["Conv2d"] = ["x", "outChannels", "kernel", "name", "stride", "padding", "dilation", "groups", "bias", "init", "share"],
            ["MaxPool2d"] = ["x", "kernel", "stride", "padding"],
            ["AvgPool2d"] = ["x", "kernel", "stride", "padding"],
            ["Stack"] = ["tensors"],
            ["Zeros"] = ["like", "shape"],
            ["ScaledDotProductAttention"] = ["query", "key", "value", "causal"],
            ["MultiHeadAttention"] = ["x", "heads", "name", "causal"],
            ["Sample"] = ["mean", "logVariance"],
            ["KlDivergence"] = ["mean", "logVariance"],
        };
        foreach (var (name, parameters) in expected)
        {
            // Overloads (SoftmaxCrossEntropy with and without ignoreLabel) are prefixes of the longest one.
            var overloads = typeof(Nn).GetMethods().Where(m => m.Name == name).Select(m => m.GetParameters().Select(p => p.Name!).ToArray()).ToList();
            Assert.NotEmpty(overloads);
            Assert.Equal(parameters, overloads.MaxBy(o => o.Length)!);
            Assert.All(overloads, o => Assert.Equal(parameters.Take(o.Length), o));
        }
        foreach (var name in new[] { "Relu", "Sigmoid", "Tanh", "Gelu", "Sum", "Mean", "Flatten", "Transpose", "MergeHeads", "GlobalAveragePool", "Unstack" })
            Assert.Equal(["x"], typeof(Nn).GetMethod(name)!.GetParameters().Select(p => p.Name!));
    }
}
