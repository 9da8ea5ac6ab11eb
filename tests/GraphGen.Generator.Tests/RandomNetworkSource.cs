using System.Globalization;
using System.Text;

namespace GraphGen.Generator.Tests;

/// <summary>
/// Writes random, valid [Network] classes: DAGs of every op with fan-out, residual sums,
/// products, broadcasts, concatenations, scalar arithmetic and tied weights, ending in one of
/// the losses (sometimes a weighted sum of two).
/// </summary>
internal sealed class RandomNetworkSource(IChoices rng)
{
    private readonly List<(string Name, int Width)> _tensors = [];
    private readonly List<(string Layer, int In, int Units, bool Bias)> _layers = [];
    private readonly StringBuilder _body = new();
    private int _next;

    private static readonly string[] Activations = ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Gelu"];

    public string Write(string className, out bool labels)
    {
        int inputWidth = 2 + rng.NextInt(5);
        _tensors.Add(("x", inputWidth));
        int steps = 3 + rng.NextInt(6);
        for (int s = 0; s < steps; s++) Step();

        int lossKind = rng.NextInt(4);
        labels = lossKind == 0;
        int outputs = 2 + rng.NextInt(3);
        Line($"return Dense({Pick().Name} , {outputs}, \"head\");".Replace(" ,", ","));
        string loss = lossKind switch
        {
            0 => $"[Loss] Tensor Loss(Tensor z, [Labels({outputs})] Tensor y) => SoftmaxCrossEntropy(z, y);",
            1 => $"[Loss] Tensor Loss(Tensor z, [Shape({outputs})] Tensor y) => MeanSquaredError(z, y);",
            2 => $"[Loss] Tensor Loss(Tensor z, [Shape({outputs})] Tensor y) => BinaryCrossEntropyWithLogits(z, y) + 0.5f * MeanSquaredError(z, y);",
            _ => $"[Loss] Tensor Loss(Tensor z, [Shape({outputs})] Tensor y) => BinaryCrossEntropy(Sigmoid(z) * 0.98f + 0.01f, y);",
        };
        return $$"""
            [Network] public partial class {{className}}
            {
                [Forward] Tensor Forward([Shape({{inputWidth}})] Tensor x)
                {
            {{_body}}    }
                {{loss}}
            }

            """;
    }

    private void Step()
    {
        switch (rng.NextInt(8))
        {
            case 0 or 1:
                Dense();
                break;
            case 2:
                SameWidthPair(out var a, out var b);
                string op = new[] { "+", "-", "*" }[rng.NextInt(3)];
                Add($"{a} {op} {b}", WidthOf(a));
                break;
            case 3:
                var t = Pick();
                string c = Float(0.25 + rng.NextDouble() * 2);
                Add(rng.NextInt(4) switch { 0 => $"{t.Name} * {c}", 1 => $"{t.Name} + {c}", 2 => $"{c} - {t.Name}", _ => $"{t.Name} / {c}" }, t.Width);
                break;
            case 4:
                var p = Pick();
                var q = Pick();
                Add($"Concat({p.Name}, {q.Name})", p.Width + q.Width);
                break;
            case 5:
                var r = Pick();
                Add(rng.NextInt(3) switch
                {
                    0 => $"{r.Name} - Mean({r.Name})",
                    1 => $"{r.Name} * Sum({Pick().Name}) * 0.1f",
                    _ => $"Mean({r.Name}) + {r.Name}",
                }, r.Width);
                break;
            case 6:
                var s = Pick();
                Add(rng.NextInt(2) == 0 ? $"Softmax({s.Name})" : $"{s.Name} / (Sigmoid({Pick(s.Width)}) + 0.5f)", s.Width);
                break;
            default:
                SharedLayer();
                break;
        }
    }

    private void Dense()
    {
        var t = Pick();
        int units = 2 + rng.NextInt(6);
        string layer = "layer" + _layers.Count;
        bool bias = rng.NextInt(4) != 0;
        _layers.Add((layer, t.Width, units, bias));
        string dense = $"Dense({t.Name}, {units}, \"{layer}\"{(bias ? "" : ", bias: false")})";
        int activation = rng.NextInt(Activations.Length + 1);
        if (activation < Activations.Length)
            dense = Activations[activation] == "LeakyRelu" ? $"LeakyRelu({dense}, slope: 0.2f)" : $"{Activations[activation]}({dense})";
        Add(dense, units);
    }

    /// <summary>Reuses an earlier layer's weights on another tensor of the right width.</summary>
    private void SharedLayer()
    {
        foreach (var (layer, inWidth, units, bias) in _layers)
        {
            var candidates = _tensors.Where(t => t.Width == inWidth).ToList();
            if (candidates.Count == 0) continue;
            var t = candidates[rng.NextInt(candidates.Count)];
            // A shared use repeats the layer's signature, bias included.
            Add($"Tanh(Dense({t.Name}, {units}, \"{layer}\"{(bias ? "" : ", bias: false")}, share: true))", units);
            return;
        }
        Dense();
    }

    private void SameWidthPair(out string a, out string b)
    {
        var first = Pick();
        var same = _tensors.Where(t => t.Width == first.Width).ToList();
        var second = same[rng.NextInt(same.Count)];
        a = first.Name;
        b = second.Name;
    }

    private string Pick(int width) => _tensors.Where(t => t.Width == width).ElementAt(rng.NextInt(_tensors.Count(t => t.Width == width))).Name;

    private (string Name, int Width) Pick() => _tensors[rng.NextInt(_tensors.Count)];

    private int WidthOf(string name) => _tensors.First(t => t.Name == name).Width;

    private void Add(string expression, int width)
    {
        string name = "t" + _next++;
        Line($"var {name} = {expression};");
        _tensors.Add((name, width));
    }

    private void Line(string text) => _body.Append("        ").Append(text).Append('\n');

    private static string Float(double v) => ((float)v).ToString("0.###", CultureInfo.InvariantCulture) + "f";
}
