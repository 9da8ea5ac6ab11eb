using System.Globalization;
using GraphGen.Imaging;
using GraphGen.Inspection;

namespace GraphGen.Examples.CharTransformer;

/// <summary>The attention weights of every head on one sentence, as pictures: softmax(q·kᵀ/√d) row by row, causal.</summary>
public static class AttentionPictures
{
    /// <summary>The attention of each head: [layer][head] → 64 × 64 weights (row: the position that looks, column: the position looked at).</summary>
    public sealed record Attention(string Sentence, float[][][] Weights)
    {
        /// <summary>Mean entropy of a head's rows in nats: 0 when every position looks at one position only, log(t + 1) when it spreads evenly.</summary>
        public double Entropy(int layer, int head)
        {
            const int T = TinyGpt.Context;
            var w = Weights[layer][head];
            double total = 0;
            for (int row = 0; row < T; row++)
                for (int column = 0; column <= row; column++)
                {
                    double p = w[row * T + column];
                    if (p > 0) total -= p * Math.Log(p);
                }
            return total / T;
        }
    }

    /// <summary>
    /// Runs <paramref name="sentence"/> (cut or left-padded with spaces to the context of 64
    /// characters) through the network and keeps the softmax outputs of both blocks
    /// ("weights" and "weights2" in the generated code).
    /// </summary>
    public static Attention Record(TinyGpt network, CharCorpus corpus, string sentence)
    {
        const int T = TinyGpt.Context;
        string window = sentence.Length >= T ? sentence[^T..] : sentence.PadLeft(T);
        var ids = new float[T];
        for (int t = 0; t < T; t++)
        {
            int id = corpus.Id(window[t]);
            if (id < 0) throw new ArgumentException($"The character '{window[t]}' is not in the corpus's alphabet.", nameof(sentence));
            ids[t] = id;
        }
        var recorder = new ActivationRecorder();
        network.Forward(ids, new float[T * TinyGpt.Vocabulary], recorder);
        float[][] Heads(string name) =>
            [.. Enumerable.Range(0, TinyGpt.Heads).Select(h => recorder[name].Values.AsSpan(h * T * T, T * T).ToArray())];
        return new Attention(window, [Heads("weights"), Heads("weights2")]);
    }

    /// <summary>Every head as a 64×64 picture (viridis, dark 0, yellow the head's largest weight), a row per block, captioned with the head's mean entropy.</summary>
    public static Image Heads(Attention attention, int scale = 3)
    {
        const int T = TinyGpt.Context;
        var grid = new ImageGrid(columns: TinyGpt.Heads) { Margin = 14 };
        for (int layer = 0; layer < attention.Weights.Length; layer++)
            for (int head = 0; head < TinyGpt.Heads; head++)
            {
                var w = attention.Weights[layer][head];
                grid.Add(Image.FromValues(w, T, T, ColorMap.Viridis, 0, Math.Max(ValueRange.Of(w).Max, 1e-6)).Scale(scale),
                    string.Create(CultureInfo.InvariantCulture, $"block{layer} head{head} H={attention.Entropy(layer, head):0.00}"));
            }
        return grid.Render();
    }

    /// <summary>One head on the last <paramref name="positions"/> characters, with the characters as row and column labels.</summary>
    public static Heatmap Head(Attention attention, int layer, int head, int positions = 24)
    {
        const int T = TinyGpt.Context;
        int first = T - positions;
        var values = new float[positions * positions];
        for (int r = 0; r < positions; r++)
            for (int c = 0; c < positions; c++)
                values[r * positions + c] = attention.Weights[layer][head][(first + r) * T + first + c];
        string[] labels = [.. attention.Sentence[first..].Select(ch => ch == ' ' ? "␣" : ch.ToString())];
        return new Heatmap(values, positions, positions)
        {
            Title = $"block{layer}, head {head}: where each of the last {positions} characters looks",
            XLabel = "looked at (key position)", YLabel = "looking (query position)",
            RowLabels = labels, ColumnLabels = labels, ColorBarLabel = "attention weight",
            Range = new ValueRange(0, 1), Width = 720, Height = 640,
        };
    }
}
