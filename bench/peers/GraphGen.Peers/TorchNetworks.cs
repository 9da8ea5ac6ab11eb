using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GraphGen.Peers;

/// <summary>
/// The benchmark's networks in TorchSharp, layer for layer as bench/peers/networks.py builds them in
/// PyTorch (and as bench/GraphGen.Bench/Networks and the examples declare them for GraphGen).
/// </summary>
public static class TorchNetworks
{
    /// <summary>Dense layers with ReLU between them, logits out.</summary>
    public static Module<Tensor, Tensor> Mlp(params int[] widths)
    {
        var layers = new List<Module<Tensor, Tensor>>();
        for (int i = 0; i < widths.Length - 1; i++)
        {
            layers.Add(Linear(widths[i], widths[i + 1]));
            if (i < widths.Length - 2) layers.Add(ReLU());
        }
        return Sequential(layers.ToArray());
    }

    /// <summary>LeNet-5 of examples/LeNet: conv 1→6 5×5 pad 2, max pool, conv 6→16 5×5, max pool, dense 400→120→84→10, ReLU.</summary>
    public static Module<Tensor, Tensor> LeNet5() => Sequential(
        Conv2d(1, 6, 5, padding: 2), ReLU(), MaxPool2d(2),
        Conv2d(6, 16, 5), ReLU(), MaxPool2d(2),
        Flatten(),
        Linear(400, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10));

    /// <summary>
    /// Stem (in → width, 3×3, BN, ReLU), max pool, a width-channel block, a stride-2 conv to 2·width
    /// (BN, ReLU), a 2·width block, GAP, linear to 10: examples/FashionResNet (1, 16) and the
    /// benchmark's BenchResNet64 (3, 64).
    /// </summary>
    public static Module<Tensor, Tensor> ResidualNet(int inChannels, int width) => Sequential(
        Conv2d(inChannels, width, 3, padding: 1, bias: false), BatchNorm2d(width), ReLU(), MaxPool2d(2),
        new ResidualBlock(width),
        Conv2d(width, 2 * width, 3, stride: 2, padding: 1, bias: false), BatchNorm2d(2 * width), ReLU(),
        new ResidualBlock(2 * width),
        AdaptiveAvgPool2d(1), Flatten(), Linear(2 * width, 10));

    /// <summary>conv-BN-ReLU-conv-BN added to the input, then ReLU.</summary>
    private sealed class ResidualBlock : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> f;

        public ResidualBlock(int channels) : base("block")
        {
            f = Sequential(
                Conv2d(channels, channels, 3, padding: 1, bias: false), BatchNorm2d(channels), ReLU(),
                Conv2d(channels, channels, 3, padding: 1, bias: false), BatchNorm2d(channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor h) => functional.relu(h + f.forward(h));
    }
}
