using GraphGen.Eager;

namespace GraphGen;

/// <summary>
/// The ops a [Forward] or [Loss] method may call (<c>using static GraphGen.Nn;</c>). The
/// generator knows each by name and emits its forward, backward and shape rule; called at
/// run time, each executes eagerly as the reference implementation.
/// </summary>
public static class Nn
{
    /// <summary>
    /// Fully connected layer over the last axis: y = x·Wᵀ + b, with W of shape [units, in]
    /// named "<paramref name="name"/>.weight" and b of shape [units] named "<paramref name="name"/>.bias".
    /// Using a name twice is an error unless the later use says <paramref name="share"/>: true, which
    /// reuses (ties) the first use's weights; a call inside a loop reuses its own weights on every iteration.
    /// </summary>
    public static Tensor Dense(Tensor x, int units, string name, bool bias = true, Init init = Init.Auto, bool share = false) =>
        EagerDense.Apply(x, units, name, bias, init);

    /// <summary>ReLU: max(x, 0).</summary>
    public static Tensor Relu(Tensor x) =>
        EagerElementwise.Unary(x, "relu", v => Math.Max(v, 0), (v, y) => v > 0 ? 1 : 0);

    /// <summary>Leaky ReLU: x for x &gt; 0, else slope·x.</summary>
    public static Tensor LeakyRelu(Tensor x, float slope = 0.01f) =>
        EagerElementwise.Unary(x, "leaky_relu", v => v > 0 ? v : slope * v, (v, y) => v > 0 ? 1 : slope);

    /// <summary>Logistic sigmoid: 1 / (1 + e^(−x)).</summary>
    public static Tensor Sigmoid(Tensor x) =>
        EagerElementwise.Unary(x, "sigmoid", EagerElementwise.Sigmoid, (v, y) => y * (1 - y));

    /// <summary>Hyperbolic tangent.</summary>
    public static Tensor Tanh(Tensor x) =>
        EagerElementwise.Unary(x, "tanh", Math.Tanh, (v, y) => 1 - y * y);

    /// <summary>GELU, exact form: x·Φ(x) with Φ the standard normal CDF.</summary>
    public static Tensor Gelu(Tensor x) =>
        EagerElementwise.Unary(x, "gelu", v => v * EagerElementwise.NormalCdf(v),
            (v, y) => EagerElementwise.NormalCdf(v) + v * EagerElementwise.NormalPdf(v));

    /// <summary>Softmax over the last axis.</summary>
    public static Tensor Softmax(Tensor x) => EagerStructure.Softmax(x);

    /// <summary>Concatenation along the last axis; the other axes must agree.</summary>
    public static Tensor Concat(params Tensor[] tensors) => EagerStructure.Concat(tensors);

    /// <summary>Sum of each sample's values: per-sample shape [1].</summary>
    public static Tensor Sum(Tensor x) => EagerStructure.Reduce(x, mean: false);

    /// <summary>Mean of each sample's values: per-sample shape [1].</summary>
    public static Tensor Mean(Tensor x) => EagerStructure.Reduce(x, mean: true);

    /// <summary>
    /// Cross-entropy of softmax(logits) against integer labels, mean over the batch; computed
    /// from log-sum-exp, so it is exact for logits of any magnitude.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels) => EagerLosses.SoftmaxCrossEntropy(logits, labels);

    /// <summary>Log loss on probabilities in [0, 1]: −mean(y·log p + (1−y)·log(1−p)).</summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets) => EagerLosses.BinaryCrossEntropy(probabilities, targets);

    /// <summary>Log loss on logits, the sigmoid folded in: mean(max(z,0) − z·y + log(1 + e^(−|z|))).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets) => EagerLosses.BinaryCrossEntropyWithLogits(logits, targets);

    /// <summary>Mean squared error over all elements: mean((ŷ − y)²).</summary>
    public static Tensor MeanSquaredError(Tensor prediction, Tensor targets) => EagerLosses.MeanSquaredError(prediction, targets);
}
