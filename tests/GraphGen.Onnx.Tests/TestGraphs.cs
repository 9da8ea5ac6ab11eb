namespace GraphGen.Onnx.Tests;

/// <summary>Hand-built graphs written through the internal <c>OnnxExport.ToBytes(graph, name, lookup)</c>.</summary>
internal static class TestGraphs
{
    /// <summary>The model of <paramref name="graph"/>, its initializers taken from <paramref name="tensors"/>.</summary>
    public static byte[] ToBytes(OnnxGraphBuilder graph, params OnnxInitializer[] tensors)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return OnnxExport.ToBytes(graph, "TestGraph", name => byName.GetValueOrDefault(name));
    }

    /// <summary>Asserts that <paramref name="actual"/> equals <paramref name="expected"/> element by element within <paramref name="tolerance"/>.</summary>
    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, ONNX Runtime gave {actual[i]}");
    }
}
