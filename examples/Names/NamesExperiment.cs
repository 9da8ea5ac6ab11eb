using System.Globalization;
using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Examples.Names;

/// <summary>
/// Training the GRU on names, one per sequence: input ".emma...." predicts "emma." and then
/// nothing: '.' marks both the start and the end of a name (and pads the input), and the targets
/// after the end are <see cref="NameGru.Padding"/>, which the loss skips.
/// </summary>
public static class NamesExperiment
{
    public const string Alphabet = ".abcdefghijklmnopqrstuvwxyz-";

    public sealed record Result(NameGru Network, double ValidationNats, IReadOnlyList<string> Samples);

    public static Dataset Encode(IEnumerable<string> names)
    {
        const int T = NameGru.Steps;
        var list = names.Select(n => n.Trim().ToLowerInvariant()).Where(n => n.Length is > 0 and < T && n.All(c => Alphabet.Contains(c))).ToList();
        var inputs = new float[list.Count * T];
        var targets = new int[list.Count * T];
        for (int i = 0; i < list.Count; i++)
        {
            string padded = "." + list[i] + new string('.', T - list[i].Length);
            for (int t = 0; t < T; t++)
            {
                inputs[i * T + t] = Alphabet.IndexOf(padded[t]);
                targets[i * T + t] = t <= list[i].Length ? Alphabet.IndexOf(padded[t + 1]) : NameGru.Padding;
            }
        }
        return new Dataset(inputs, [T], targets, NameGru.Vocabulary, labelsPerSample: T, ignoredLabel: NameGru.Padding);
    }

    public static Result Run(IReadOnlyList<string> names, int epochs, int seed, int batchSize, float learningRate, TextWriter log)
    {
        var all = Encode(names);
        var split = DatasetSplit.Split(all, 0.9, 0.1, (ulong)seed);
        log.WriteLine($"names: {split.Train.Count} train, {split.Validation.Count} validation");
        var network = new NameGru(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        var optimizer = new Adam(learningRate);
        log.WriteLine(NameGru.Description.Summary);
        var trainer = new Trainer<int>(network, optimizer, split.Train, batchSize, (ulong)seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var stats = trainer.RunEpoch(epoch, split.Validation);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1,3}  train loss {stats.Train.Loss:F4}  |  validation loss {stats.Validation!.Value.Loss:F4} nats/char  |  {stats.Seconds:F1} s"));
        }
        var samples = Enumerable.Range(0, 20).Select(i => Sample(network, new SeededRandom((ulong)(seed * 1000 + i)))).ToList();
        return new Result(network, Trainer<int>.Evaluate(network, split.Validation).Loss, samples);
    }

    /// <summary>Generates a name one character at a time from the model's next-character distribution.</summary>
    public static string Sample(NameGru network, SeededRandom rng, double temperature = 0.9)
    {
        const int T = NameGru.Steps;
        var input = new float[T];
        var logits = new float[T * NameGru.Vocabulary];
        var name = new System.Text.StringBuilder();
        for (int t = 0; t < T - 1; t++)
        {
            network.Forward(input, logits);
            var row = logits.AsSpan(t * NameGru.Vocabulary, Alphabet.Length);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            var p = new double[row.Length];
            for (int c = 0; c < p.Length; c++) sum += p[c] = Math.Exp((row[c] - max) / temperature);
            double u = rng.NextDouble() * sum;
            int next = 0;
            while (next < p.Length - 1 && (u -= p[next]) > 0) next++;
            if (next == 0) break;
            name.Append(Alphabet[next]);
            input[t + 1] = next;
        }
        return name.ToString();
    }
}
