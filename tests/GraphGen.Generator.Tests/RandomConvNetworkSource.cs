using System.Text;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Random, valid convolutional networks: convolutions with random kernel, stride, padding,
/// dilation and groups, max and average pooling, batch normalisation, global pooling, ending in
/// a dense head and softmax cross-entropy.
/// </summary>
internal sealed class RandomConvNetworkSource(IChoices rng)
{
    private readonly StringBuilder _body = new();
    private int _next;

    public string Write(string className)
    {
        int c = 1 + rng.NextInt(3), h = 5 + rng.NextInt(5), w = 5 + rng.NextInt(5);
        string inputShape = $"{c}, {h}, {w}";
        string current = "x";
        int layers = 1 + rng.NextInt(3);
        for (int i = 0; i < layers; i++)
        {
            int groups = new[] { 1, 1, 2, c }[rng.NextInt(4)];
            if (c % groups != 0) groups = 1;
            int outChannels = groups * (1 + rng.NextInt(3));
            int kernel = 1 + rng.NextInt(3), dilation = 1 + rng.NextInt(2), stride = 1 + rng.NextInt(2), padding = rng.NextInt(2);
            if (h + 2 * padding < dilation * (kernel - 1) + 1 || w + 2 * padding < dilation * (kernel - 1) + 1) (kernel, dilation) = (1, 1);
            int span = dilation * (kernel - 1) + 1;
            int oh = (h + 2 * padding - span) / stride + 1, ow = (w + 2 * padding - span) / stride + 1;
            string conv = $"Conv2d({current}, {outChannels}, kernel: {kernel}, name: \"conv{i}\", stride: {stride}, padding: {padding}, dilation: {dilation}, groups: {groups}{(rng.NextInt(3) == 0 ? ", bias: false" : "")})";
            if (rng.NextInt(3) == 0)
            {
                // As in PyTorch, no bias before a normalisation: it cancels, so its gradient is zero up to
                // float rounding, which no comparison relative to the gradient's own size can check.
                if (!conv.Contains("bias: false", StringComparison.Ordinal)) conv = conv.Substring(0, conv.Length - 1) + ", bias: false)";
                conv = $"BatchNorm({conv}, \"bn{i}\")";
            }
            conv = rng.NextInt(3) switch { 0 => $"Relu({conv})", 1 => $"Tanh({conv})", _ => conv };
            current = Add(conv);
            (c, h, w) = (outChannels, oh, ow);
            if (h >= 2 && w >= 2 && rng.NextInt(2) == 0)
            {
                bool max = rng.NextInt(2) == 0;
                current = Add(max ? $"MaxPool2d({current}, kernel: 2)" : $"AvgPool2d({current}, kernel: 2, stride: 1, padding: 1)");
                (h, w) = max ? (h / 2, w / 2) : (h + 1, w + 1);
            }
        }
        string features = rng.NextInt(2) == 0 ? $"Flatten({current})" : $"Concat(Flatten({current}), GlobalAveragePool({current}))";
        string output = Add($"Dense({features}, 3, \"head\")");
        return $$"""
            [Network] public partial class {{className}}
            {
                [Forward] Tensor Forward([Shape({{inputShape}})] Tensor x)
                {
            {{_body}}        return {{output}};
                }
                [Loss] Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
            }

            """;
    }

    private string Add(string expression)
    {
        string name = "t" + _next++;
        _body.Append("        var ").Append(name).Append(" = ").Append(expression).Append(";\n");
        return name;
    }
}
