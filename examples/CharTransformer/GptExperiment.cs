using System.Diagnostics;
using System.Globalization;

namespace GraphGen.Examples.CharTransformer;

/// <summary>Training, validation in nats per character, and sampling for the character-level transformer.</summary>
public static class GptExperiment
{
    public sealed record Result(TinyGpt Network, CharCorpus Corpus, double ValidationNats, double UnigramNats, string Sample);

    /// <param name="place">Moves the network to the device it trains on (nothing: the CPU).</param>
    public static Result Run(string text, int epochs, int stepsPerEpoch, int seed, int batchSize, float learningRate, TextWriter log, Action<INetwork>? place = null)
    {
        var corpus = new CharCorpus(text, TinyGpt.Vocabulary);
        log.WriteLine($"text: {corpus.Train.Length:N0} training and {corpus.Validation.Length:N0} validation characters, {corpus.Alphabet.Length} symbols");
        log.WriteLine($"unigram baseline (character frequencies alone): {corpus.UnigramNats:F4} nats/char");
        const int T = TinyGpt.Context;
        var network = new TinyGpt(batchCapacity: batchSize, seed: seed);
        place?.Invoke(network);
        var optimizer = new AdamW(learningRate, beta2: 0.99f, weightDecay: 0.01f);
        log.WriteLine(TinyGpt.Description.Summary);
        var rng = new SeededRandom((ulong)seed);
        var inputs = new float[batchSize * T];
        var targets = new int[batchSize * T];
        int totalSteps = epochs * stepsPerEpoch, step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++, step++)
            {
                // Linear warm-up over the first 5% of steps, then cosine decay to 10%.
                float progress = (float)step / Math.Max(1, totalSteps);
                float warmup = Math.Min(1f, step / Math.Max(1f, 0.05f * totalSteps));
                optimizer.LearningRate = learningRate * warmup * (0.1f + 0.9f * 0.5f * (1 + MathF.Cos(MathF.PI * progress)));
                for (int b = 0; b < batchSize; b++)
                    CharCorpus.Window(corpus.Train, rng.NextInt(corpus.Train.Length - T - 1), T, inputs.AsSpan(b * T, T), targets.AsSpan(b * T, T));
                lossSum += network.TrainStep(inputs, targets, optimizer);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            double validation = Validate(network, corpus, batchSize);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1,3}  train loss {lossSum / stepsPerEpoch:F4}  |  validation loss {validation:F4} nats/char  |  {seconds:F1} s, {stepsPerEpoch * batchSize * T / seconds:N0} chars/s"));
        }
        double final = Validate(network, corpus, batchSize);
        string sample = Generate(network, corpus, "Call me Ishmael. ", 400, temperature: 0.8, seed);
        return new Result(network, corpus, final, corpus.UnigramNats, sample);
    }

    /// <summary>Mean loss over consecutive windows of the validation text (the same windows every time).</summary>
    public static double Validate(TinyGpt network, CharCorpus corpus, int batchSize)
    {
        const int T = TinyGpt.Context;
        var inputs = new float[batchSize * T];
        var targets = new int[batchSize * T];
        int windows = Math.Min(64, (corpus.Validation.Length - 1) / T);
        double total = 0;
        int counted = 0;
        for (int first = 0; first < windows; first += batchSize)
        {
            int count = Math.Min(batchSize, windows - first);
            for (int b = 0; b < count; b++)
                CharCorpus.Window(corpus.Validation, (first + b) * T, T, inputs.AsSpan(b * T, T), targets.AsSpan(b * T, T));
            total += network.ComputeLoss(inputs.AsSpan(0, count * T), targets.AsSpan(0, count * T)) * count;
            counted += count;
        }
        return total / counted;
    }

    /// <summary>Samples text one character at a time from softmax(logits/temperature) at the last position.</summary>
    public static string Generate(TinyGpt network, CharCorpus corpus, string prompt, int length, double temperature, int seed)
    {
        const int T = TinyGpt.Context;
        var rng = new SeededRandom((ulong)seed + 1);
        var text = new List<int>(prompt.Where(c => corpus.Id(c) >= 0).Select(corpus.Id));
        var window = new float[T];
        var logits = new float[T * TinyGpt.Vocabulary];
        var probabilities = new double[corpus.Alphabet.Length];
        int space = Math.Max(0, corpus.Id(' '));
        for (int n = 0; n < length; n++)
        {
            for (int t = 0; t < T; t++)
            {
                int source = text.Count - T + t;
                window[t] = source >= 0 ? text[source] : space;
            }
            network.Forward(window, logits);
            var last = logits.AsSpan((T - 1) * TinyGpt.Vocabulary, TinyGpt.Vocabulary);
            double max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < probabilities.Length; c++) max = Math.Max(max, last[c]);
            for (int c = 0; c < probabilities.Length; c++) sum += probabilities[c] = Math.Exp((last[c] - max) / temperature);
            double u = rng.NextDouble() * sum;
            int next = 0;
            while (next < probabilities.Length - 1 && (u -= probabilities[next]) > 0) next++;
            text.Add(next);
        }
        return new string(text.Select(id => corpus.Alphabet[id]).ToArray());
    }
}
