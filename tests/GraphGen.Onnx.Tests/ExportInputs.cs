using GraphGen.Data;

namespace GraphGen.Onnx.Tests;

/// <summary>
/// Real inputs for a network, batch × InputSize floats; <c>draw</c> picks different rows (or
/// different random numbers) for the training steps and for the comparison.
/// </summary>
internal delegate float[] InputSource(CompiledNetwork network, int batch, int draw);

/// <summary>The inputs the example networks are compared on: the shipped datasets where they fit, else values in the input's range.</summary>
internal static class ExportInputs
{
    private static readonly Lazy<Dataset> DigitsData = new(() => Datasets.Digits().ScaleFeatures(1f / 16));
    private static readonly Lazy<Dataset> IrisData = new(Datasets.Iris);
    // Raw features of these two reach hundreds (diabetes) and 2,500 (breast cancer); the examples
    // standardize them, and so does this, or a random network would saturate.
    private static readonly Lazy<Dataset> DiabetesData = new(() => Standardized(Datasets.Diabetes()));
    private static readonly Lazy<Dataset> BreastCancerData = new(() => Standardized(Datasets.BreastCancer()));

    /// <summary>UCI digits scaled to [0, 1]: one 8×8 image per 64 inputs (a network reading several digits per sample gets consecutive ones).</summary>
    public static InputSource Digits { get; } = FromDataset(DigitsData);

    /// <summary>Iris measurements (cm), unscaled, as the examples read them.</summary>
    public static InputSource Iris { get; } = FromDataset(IrisData);

    /// <summary>The diabetes features, standardized.</summary>
    public static InputSource Diabetes { get; } = FromDataset(DiabetesData);

    /// <summary>The breast cancer features, standardized.</summary>
    public static InputSource BreastCancer { get; } = FromDataset(BreastCancerData);

    /// <summary>Values uniform in [<paramref name="low"/>, <paramref name="high"/>) (pixels of MNIST-sized images, latent codes, activations).</summary>
    public static InputSource Uniform(float low, float high) => (network, batch, draw) =>
    {
        var rng = new SeededRandom((ulong)(1000 + draw));
        var values = new float[batch * network.InputSize];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextUniform(low, high);
        return values;
    };

    /// <summary>Token ids below the row count of embedding table <paramref name="embedding"/> (its vocabulary), as floats.</summary>
    public static InputSource Tokens(string embedding) => (network, batch, draw) =>
    {
        int vocabulary = network.ParameterTable[embedding].Shape[0];
        var rng = new SeededRandom((ulong)(2000 + draw));
        var ids = new float[batch * network.InputSize];
        for (int i = 0; i < ids.Length; i++) ids[i] = rng.NextInt(vocabulary);
        return ids;
    };

    private static Dataset Standardized(Dataset data) => Standardizer.Fit(data).Transform(data);

    private static InputSource FromDataset(Lazy<Dataset> dataset) => (network, batch, draw) =>
    {
        var features = dataset.Value.Features;
        int size = dataset.Value.FeatureSize;
        if (network.InputSize % size != 0)
            throw new ArgumentException($"{network.Name} reads {network.InputSize} floats per sample, not a multiple of the dataset's {size}.");
        int count = batch * network.InputSize;
        int start = draw * count % (features.Length - count) / size * size;   // whole rows, different per draw
        return features.AsSpan(start, count).ToArray();
    };
}
