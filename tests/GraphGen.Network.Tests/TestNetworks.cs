using static GraphGen.Nn;

namespace GraphGen.Network.Tests;

// Networks that together use every op, several ways. Each is compiled by the generator.

/// <summary>Every activation in one chain, softmax cross-entropy.</summary>
[Network]
public partial class ActivationChain
{
    [Forward]
    Tensor Forward([Shape(6)] Tensor x)
    {
        var a = Relu(Dense(x, 7, "a"));
        var b = LeakyRelu(Dense(a, 7, "b"), slope: 0.1f);
        var c = Sigmoid(Dense(b, 6, "c"));
        var d = Tanh(Dense(c, 6, "d"));
        var e = Gelu(Dense(d, 5, "e"));
        return Dense(e, 4, "logits");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(4)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>
/// SiLU and softplus in each form the generator emits: fused into a GEMM epilogue (forward and
/// backward), left as the runtime activation kernel (its input is read again later), and inside
/// an elementwise chain (a loop calling the activation's runtime struct).
/// </summary>
[Network]
public partial class SmoothActivations
{
    [Forward]
    Tensor Forward([Shape(6)] Tensor x)
    {
        var a = Silu(Dense(x, 7, "a"));
        var z = Dense(a, 7, "b");
        var b = Softplus(z) + 0.5f * z;
        var c = Silu(b + Dense(x, 7, "skip"));
        var d = Softplus(Dense(c, 6, "d"));
        return Dense(d, 4, "logits");
    }

    [Loss]
    Tensor Loss(Tensor logits, [Labels(4)] Tensor y) => SoftmaxCrossEntropy(logits, y);
}

/// <summary>A DAG: residual sums, concatenation, tied weights, products, scalar arithmetic, broadcast reductions.</summary>
[Network]
public partial class ResidualDag
{
    const int Width = 6;

    [Forward]
    Tensor Forward([Shape(5)] Tensor x)
    {
        var h = Tanh(Dense(x, Width, "in"));
        h = h + Relu(Dense(h, Width, "block"));
        h = h + Relu(Dense(h, Width, "block", share: true));      // the same weights again
        var gate = Sigmoid(Dense(x, Width, "gate"));
        var mixed = h * gate - 0.5f * h + h / 2f;
        var centred = mixed - Mean(mixed);                          // broadcast of a per-sample [1]
        var scaled = centred * Sum(gate) / 10f;
        var both = Concat(scaled, x, 1f - gate);
        return Dense(both, 3, "head");
    }

    [Loss]
    Tensor Loss(Tensor z, [Labels(3)] Tensor y) => SoftmaxCrossEntropy(z, y);
}

/// <summary>Probabilities and log loss (the "single neuron" of logistic regression, with a hidden layer).</summary>
[Network]
public partial class BinaryClassifier
{
    [Forward]
    Tensor Forward([Shape(4)] Tensor x) => Sigmoid(Dense(Tanh(Dense(x, 5, "hidden")), 1, "output"));

    [Loss]
    Tensor Loss(Tensor p, [Shape(1)] Tensor y) => BinaryCrossEntropy(p, y);
}

/// <summary>A weighted sum of losses on logits and a softmax output; a dense layer without bias; the input gradient.</summary>
[Network(InputGradient = true)]
public partial class MultiLoss
{
    [Forward]
    Tensor Forward([Shape(3)] Tensor x)
    {
        var h = Gelu(Dense(x, 4, "hidden", bias: false));
        var z = Dense(h, 2, "out");
        return Softmax(z) * 2f + z;
    }

    [Loss]
    Tensor Loss(Tensor o, [Shape(2)] Tensor t) => BinaryCrossEntropyWithLogits(o, t) + 0.5f * MeanSquaredError(o, t) - 0.25f * MeanSquaredError(o, t) + 1f;
}

/// <summary>A helper method inlined twice, with names built from its arguments, and an unrolled loop.</summary>
[Network]
public partial class HelperAndLoop
{
    Tensor Block(Tensor h, string name) => h + Relu(Dense(h, 4, name + ".fc"));

    [Forward]
    Tensor Forward([Shape(4)] Tensor x)
    {
        var h = Block(x, "first");
        for (int i = 0; i < 3; i++)
            h = Tanh(Dense(h, 4, "recurrent"));      // one call site in a loop: one weight, used 3 times
        h = Block(h, "second");
        return Dense(h, 2, "out");
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(2)] Tensor t) => MeanSquaredError(p, t);
}

/// <summary>Regression with a per-sample sum and a division of tensors.</summary>
[Network]
public partial class RatioRegression
{
    [Forward]
    Tensor Forward([Shape(3)] Tensor x)
    {
        var a = Dense(x, 4, "a");
        var b = Sigmoid(Dense(x, 4, "b")) + 0.5f;
        return Sum(a / b) * 0.25f;
    }

    [Loss]
    Tensor Loss(Tensor p, [Shape(1)] Tensor t) => MeanSquaredError(p, t);
}

/// <summary>Logits of magnitude 1e4: softmax cross-entropy must stay exact (log-sum-exp).</summary>
[Network]
public partial class HugeLogits
{
    [Forward]
    Tensor Forward([Shape(3)] Tensor x) => Dense(x, 4, "out") * 10000f;

    [Loss]
    Tensor Loss(Tensor z, [Labels(4)] Tensor y) => SoftmaxCrossEntropy(z, y);
}
