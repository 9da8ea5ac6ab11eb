using E = GraphGen.Examples;
using T = GraphGen.Network.Tests;

namespace GraphGen.Onnx.Tests;

/// <summary>A network to export: how to make it (seeded) and what to feed it.</summary>
internal sealed record ExportCase(string Name, Func<CompiledNetwork> Create, InputSource Inputs);

/// <summary>
/// Every network of the examples (examples/*/), and the test networks of GraphGen.Network.Tests
/// (compiled here again from their linked source), with inputs from the data each is made for.
/// </summary>
internal static class ExportCases
{
    private const int Capacity = 16;
    private const int Seed = 1;

    private static ExportCase Case<TNetwork>(Func<int, int, TNetwork> create, InputSource inputs) where TNetwork : CompiledNetwork =>
        new(typeof(TNetwork).FullName!, () => create(Capacity, Seed), inputs);

    /// <summary>The examples' networks, one per [Network] class of examples/*/.</summary>
    public static IReadOnlyList<ExportCase> Examples { get; } =
    [
        Case((c, s) => new E.Adversarial.DigitsClassifier(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Adversarial.MnistClassifier(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Augmentation.SmallConvNet(c, s), ExportInputs.Digits),
        Case((c, s) => new E.BackpropExercise.BatchNormMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.BackpropExercise.FromH(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new E.BackpropExercise.FromHpreact(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new E.BackpropExercise.FromHprebn(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new E.BackpropExercise.FromLogits(c, s), ExportInputs.Uniform(-3, 3)),
        Case((c, s) => new E.CharTransformer.TinyGpt(c, s), ExportInputs.Tokens("tokens.weight")),
        Case((c, s) => new E.ComputationGraph.ResidualIrisNet(c, s), ExportInputs.Iris),
        Case((c, s) => new E.DenseBlocks.DenseBlockMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.DenseBlocks.PlainMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.DenseBlocks.ResidualMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Digits.DigitsMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.EagerTape.TapeNeuron(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new E.FashionResNet.ResNet(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.GradientFlow.DeepSigmoidMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.GradientFlow.ResidualReluMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.GradientFlow.ScaledReluMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Heatmaps.DigitsSaliencyNet(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Heatmaps.MnistSaliencyNet(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Iris.IrisNet(c, s), ExportInputs.Iris),
        Case((c, s) => new E.LeNet.LeNet5(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Losses.ContrastiveEncoder(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Losses.DigitEmbedder(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Losses.DigitsAutoencoder(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Losses.DigitsBetaVae(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Losses.DigitsVae(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Mnist.MnistMlp(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Names.NameGru(c, s), ExportInputs.Tokens("embed.weight")),
        Case((c, s) => new E.Neuron.Neuron(c, s), ExportInputs.BreastCancer),
        Case((c, s) => new E.Normalization.BatchNormNet(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Normalization.DropoutNet(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Normalization.LayerNormNet(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Normalization.PlainNet(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Overfitting.WideMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Recurrence.ElmanRnn(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Recurrence.GruRnn(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Regression.DiabetesNet(c, s), ExportInputs.Diabetes),
        Case((c, s) => new E.Reproducibility.WideDigitsMlp(c, s), ExportInputs.Digits),
        Case((c, s) => new E.Vae.Autoencoder(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Vae.LatentPlaneDecoder(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new E.Vae.LatentPlaneVae(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Vae.VaeDecoder(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new E.Vae.VariationalAutoencoder(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new E.Xor.XorNet(c, s), ExportInputs.Uniform(0, 1)),
    ];

    /// <summary>The networks that GraphGen.Network.Tests declares (activations, DAGs, convolution, pooling, normalization, attention, recurrence).</summary>
    public static IReadOnlyList<ExportCase> TestNetworks { get; } =
    [
        Case((c, s) => new T.ActivationChain(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.SmoothActivations(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.ResidualDag(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.BinaryClassifier(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.MultiLoss(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.HelperAndLoop(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.RatioRegression(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.HugeLogits(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.ConvNet(c, s), ExportInputs.Digits),
        Case((c, s) => new T.PoolNet(c, s), ExportInputs.Digits),
        Case((c, s) => new T.NormNet(c, s), ExportInputs.Uniform(-2, 2)),
        Case((c, s) => new T.TinyTransformer(c, s), ExportInputs.Tokens("tokens.weight")),
        Case((c, s) => new T.TinyRnn(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new T.TinyVae(c, s), ExportInputs.Uniform(0, 1)),
        Case((c, s) => new T.MatMulForms(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new T.TinyGru(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new T.LastStepRnn(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new T.AttentionOps(c, s), ExportInputs.Uniform(-1, 1)),
        Case((c, s) => new T.TorchCnn(c, s), ExportInputs.Digits),
        Case((c, s) => new T.TinyGptTorch(c, s), ExportInputs.Tokens("embed.weight")),
    ];

    /// <summary>The case named <paramref name="name"/> (a network class's full name).</summary>
    public static ExportCase Get(string name) => Examples.Concat(TestNetworks).Single(c => c.Name == name);
}
