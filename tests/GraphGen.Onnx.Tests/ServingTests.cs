using GraphGen.Data;
using GraphGen.Examples.Digits;
using GraphGen.Training;
using Microsoft.ML.OnnxRuntime;

namespace GraphGen.Onnx.Tests;

/// <summary>
/// The serving snippet of docs/onnx.md, run: the main example's MLP, trained, saved as .onnx and
/// served by ONNX Runtime, predicts the same class as GraphGen for every test image.
/// </summary>
public class ServingTests
{
    private const string SnippetStart = "// docs/onnx.md: serving snippet", SnippetEnd = "// end of snippet";

    [Fact]
    public void The_served_digits_model_predicts_what_GraphGen_predicts()
    {
        var digits = Datasets.Digits().ScaleFeatures(1f / 16);
        var split = DatasetSplit.StratifiedSplit(digits, 0.7, 0.15, seed: 0);
        var network = new DigitsMlp(batchCapacity: 512, seed: 0);
        var trainer = new Trainer<int>(network, new AdamW(3e-3f), split.Train, batchSize: 32, seed: 0);
        for (int epoch = 0; epoch < 5; epoch++) trainer.RunEpoch(epoch);

        string directory = Directory.CreateTempSubdirectory("graphgen-serve-").FullName;
        try
        {
            string path = Path.Combine(directory, "digits-mlp.onnx");
            OnnxExport.Save(network, path);

            int[] served = Classify(path, split.Test.Features, split.Test.Count);

            var logits = new float[split.Test.Count * 10];
            network.Forward(split.Test.Features, logits);
            int[] expected = [.. Enumerable.Range(0, split.Test.Count).Select(i => ArgMax(logits.AsSpan(i * 10, 10)))];
            Assert.Equal(expected, served);
            double accuracy = served.Where((c, i) => c == split.Test.Labels[i]).Count() / (double)served.Length;
            Assert.True(accuracy > 0.9, $"accuracy {accuracy:F4} after 5 epochs");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_docs_quote_the_snippet_as_it_runs_here()
    {
        string root = DataPaths.FindRepositoryRoot();
        string[] source = File.ReadAllLines(Path.Combine(root, "tests", "GraphGen.Onnx.Tests", "ServingTests.cs"));
        int start = Array.FindIndex(source, l => l.Trim() == SnippetStart) + 1, end = Array.FindIndex(source, l => l.Trim() == SnippetEnd);
        Assert.True(start > 0 && end > start, "the snippet markers are missing");
        int indent = source[start].Length - source[start].TrimStart().Length;
        string snippet = string.Join("\n", source[start..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));

        string docs = File.ReadAllText(Path.Combine(root, "docs", "onnx.md")).ReplaceLineEndings("\n");
        Assert.Contains(snippet, docs);
    }

    // docs/onnx.md: serving snippet
    static int[] Classify(string modelPath, float[] pixels, int count)
    {
        using var session = new InferenceSession(modelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [count, 64]);   // [batch, 64], any batch
        using var options = new RunOptions();
        using var outputs = session.Run(options, ["x"], [input], ["output"]);
        ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();           // [batch, 10]

        var classes = new int[count];
        for (int i = 0; i < count; i++) classes[i] = ArgMax(logits.Slice(i * 10, 10));
        return classes;
    }

    static int ArgMax(ReadOnlySpan<float> scores)
    {
        int best = 0;
        for (int c = 1; c < scores.Length; c++)
            if (scores[c] > scores[best]) best = c;
        return best;
    }
    // end of snippet
}
