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
    /// <param name="x">The input; its last axis is the layer's input size.</param>
    /// <param name="units">Outputs per row (a compile-time constant).</param>
    /// <param name="name">The layer's name: its parameters are "name.weight" and "name.bias", as in a PyTorch state_dict.</param>
    /// <param name="bias">Whether the layer adds a bias.</param>
    /// <param name="init">The weight initialisation; Auto picks He or Xavier from the activation that follows.</param>
    /// <param name="share">
    /// True to reuse the weights of an earlier call with the same <paramref name="name"/> (tied
    /// weights, e.g. an autoencoder's decoder or two towers of a siamese network); the input size
    /// must match, or the build fails with GG0001. Without it a repeated name is GG0007.
    /// </param>
    /// <example>
    /// <code>
    /// var a = Dense(left, 32, name: "tower");
    /// var b = Dense(right, 32, name: "tower", share: true);   // the same tower.weight and tower.bias
    /// </code>
    /// </example>
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

    /// <summary>SiLU (swish): x·σ(x), a smooth ReLU that lets a little negative signal through.</summary>
    public static Tensor Silu(Tensor x) =>
        EagerElementwise.Unary(x, "silu", v => v * EagerElementwise.Sigmoid(v),
            (v, y) => EagerElementwise.Sigmoid(v) * (1 + v * (1 - EagerElementwise.Sigmoid(v))));

    /// <summary>Softplus: log(1 + e^x), a smooth ReLU whose derivative is σ(x).</summary>
    public static Tensor Softplus(Tensor x) =>
        EagerElementwise.Unary(x, "softplus", v => Math.Max(v, 0) + Log1p(Math.Exp(-Math.Abs(v))), (v, y) => EagerElementwise.Sigmoid(v));

    /// <summary>log(1 + e) for 0 ≤ e ≤ 1: below 1e−8, e itself (the next term, e²/2, is under 5e−17 of it).</summary>
    private static double Log1p(double e) => e < 1e-8 ? e : Math.Log(1 + e);

    /// <summary>
    /// Softmax over the last axis. With <paramref name="causal"/>, x is square [.., T, T] attention
    /// scores and row i only attends to columns j ≤ i (later columns get exactly 0).
    /// </summary>
    public static Tensor Softmax(Tensor x, bool causal = false) => causal ? EagerStructure.CausalSoftmax(x) : EagerStructure.Softmax(x);

    /// <summary>Concatenation along the last axis; the other axes must agree.</summary>
    public static Tensor Concat(params Tensor[] tensors) => EagerStructure.Concat(tensors);

    /// <summary>Zeros of the given per-sample shape, one per sample of <paramref name="like"/> (an RNN's initial state).</summary>
    public static Tensor Zeros(Tensor like, params int[] shape) => EagerShapes.Zeros(like, shape);

    /// <summary>The sample's values as one axis: [C, H, W] → [C·H·W].</summary>
    public static Tensor Flatten(Tensor x) => EagerShapes.Reshape(x, [x.SampleSize], "flatten");

    /// <summary>The sample's values, in the same order, with another shape of the same size.</summary>
    public static Tensor Reshape(Tensor x, params int[] shape) => EagerShapes.Reshape(x, shape, "reshape");

    /// <summary>Swaps the last two axes: y[..., j, i] = x[..., i, j].</summary>
    public static Tensor Transpose(Tensor x) => EagerShapes.Transpose(x);

    /// <summary>[T, H·D] → [H, T, D]: the heads of multi-head attention, each a slice of the width.</summary>
    public static Tensor SplitHeads(Tensor x, int heads) => EagerShapes.SplitHeads(x, heads);

    /// <summary>[H, T, D] → [T, H·D]: the inverse of <see cref="SplitHeads"/>.</summary>
    public static Tensor MergeHeads(Tensor x) => EagerShapes.MergeHeads(x);

    /// <summary>Stacks tensors of one shape S into [n, S] (e.g. an RNN's outputs over time).</summary>
    public static Tensor Stack(params Tensor[] tensors) => EagerShapes.Stack(tensors);

    /// <summary>Splits [n, S] into n tensors of shape S (the time steps of a sequence).</summary>
    public static Tensor[] Unstack(Tensor x) => EagerShapes.Unstack(x);

    /// <summary>
    /// op(a)·op(b) over the last two axes, for every sample and leading index (attention scores
    /// Q·Kᵀ, attention outputs P·V); op transposes when asked.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false) => EagerMatMul.Apply(a, b, transposeA, transposeB);

    /// <summary>softmax(q·kᵀ/√d) · v over the last two axes (with <paramref name="causal"/>, position i attends to positions ≤ i).</summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, bool causal = false) =>
        MatMul(Softmax(MatMul(query, key, transposeB: true) * (1.0 / Math.Sqrt(query.Shape[^1])), causal), value);

    /// <summary>
    /// Multi-head self-attention over tokens [T, D]: query, key and value projections
    /// ("&lt;name&gt;.query" ...), <paramref name="heads"/> heads of scaled dot-product attention, and
    /// the output projection "&lt;name&gt;.proj".
    /// </summary>
    public static Tensor MultiHeadAttention(Tensor x, int heads, string name, bool causal = false)
    {
        int width = x.Shape[^1];
        Tensor Split(string suffix) => SplitHeads(Dense(x, width, name + "." + suffix), heads);
        var attended = ScaledDotProductAttention(Split("query"), Split("key"), Split("value"), causal);
        return Dense(MergeHeads(attended), width, name + ".proj");
    }

    /// <summary>Looks up learned vectors: y[t] = W[ids[t]], W of shape [vocabulary, dimension] named "&lt;name&gt;.weight". Ids are integers stored as floats.</summary>
    public static Tensor Embedding(Tensor ids, int vocabulary, int dimension, string name, bool share = false) =>
        EagerEmbedding.Lookup(ids, vocabulary, dimension, name);

    /// <summary>Adds a learned vector per position: y[t] = x[t] + P[t], P [T, D] named "&lt;name&gt;.weight".</summary>
    public static Tensor PositionalEmbedding(Tensor x, string name, bool share = false) => EagerEmbedding.Positions(x, name);

    /// <summary>Normalises each row over the last axis, then scales and shifts: γ·(x − μ)/√(σ² + ε) + β.</summary>
    public static Tensor LayerNorm(Tensor x, string name, float epsilon = 1e-5f, bool share = false) => EagerNormalization.LayerNorm(x, name, epsilon);

    /// <summary>
    /// Normalises each channel ([C, H, W]) or feature ([F]) over the batch: batch statistics in
    /// training, updating running averages with <paramref name="momentum"/>; the running averages in inference.
    /// </summary>
    public static Tensor BatchNorm(Tensor x, string name, float momentum = 0.1f, float epsilon = 1e-5f, bool share = false) =>
        EagerNormalization.BatchNorm(x, name, momentum, epsilon);

    /// <summary>In training, zeroes each value with probability p and scales the rest by 1/(1 − p); the identity in inference.</summary>
    public static Tensor Dropout(Tensor x, float p) => EagerStochastic.Dropout(x, p);

    /// <summary>
    /// 2-D convolution of images [C, H, W] as torch.nn.Conv2d: weight [outChannels, C/groups, kernel, kernel]
    /// named "&lt;name&gt;.weight", bias [outChannels].
    /// </summary>
    public static Tensor Conv2d(Tensor x, int outChannels, int kernel, string name, int stride = 1, int padding = 0, int dilation = 1,
        int groups = 1, bool bias = true, Init init = Init.Auto, bool share = false) =>
        EagerConvolution.Conv2d(x, outChannels, kernel, name, stride, padding, dilation, groups, bias, init);

    /// <summary>Maximum over kernel×kernel windows of each image plane (stride 0 means stride = kernel).</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int stride = 0, int padding = 0) => EagerConvolution.Pool(x, kernel, stride == 0 ? kernel : stride, padding, max: true);

    /// <summary>Mean over kernel×kernel windows of each image plane (padding counts as zeros, as PyTorch's default).</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int stride = 0, int padding = 0) => EagerConvolution.Pool(x, kernel, stride == 0 ? kernel : stride, padding, max: false);

    /// <summary>Mean of each channel's plane: [C, H, W] → [C].</summary>
    public static Tensor GlobalAveragePool(Tensor x) => EagerConvolution.GlobalAverage(x);

    /// <summary>The reparameterisation trick: z = mean + e^(½·logVariance) ⊙ ε, ε ~ N(0, 1) drawn from the network's seed.</summary>
    public static Tensor Sample(Tensor mean, Tensor logVariance) => EagerStochastic.Sample(mean, logVariance);

    /// <summary>A loss term: KL(N(μ, σ²) ‖ N(0, 1)) summed over the latent axis, mean over the batch.</summary>
    public static Tensor KlDivergence(Tensor mean, Tensor logVariance) => EagerLosses.KlDivergence(mean, logVariance);

    /// <summary>Sum of each sample's values: per-sample shape [1].</summary>
    public static Tensor Sum(Tensor x) => EagerStructure.Reduce(x, mean: false);

    /// <summary>Mean of each sample's values: per-sample shape [1].</summary>
    public static Tensor Mean(Tensor x) => EagerStructure.Reduce(x, mean: true);

    /// <summary>
    /// Cross-entropy of softmax(logits) against integer labels, mean over the batch; computed
    /// from log-sum-exp, so it is exact for logits of any magnitude.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels) => EagerLosses.SoftmaxCrossEntropy(logits, labels, null);

    /// <summary>
    /// Softmax cross-entropy that skips the positions labelled <paramref name="ignoreLabel"/>
    /// (PyTorch's ignore_index): padding after the end of a sequence. They add nothing to the loss,
    /// get no gradient, and the mean is over the other positions. The label must be a compile-time
    /// constant outside 0..classes−1, e.g. −1.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreLabel) => EagerLosses.SoftmaxCrossEntropy(logits, labels, ignoreLabel);

    /// <summary>Log loss on probabilities in [0, 1]: −mean(y·log p + (1−y)·log(1−p)).</summary>
    public static Tensor BinaryCrossEntropy(Tensor probabilities, Tensor targets) => EagerLosses.BinaryCrossEntropy(probabilities, targets);

    /// <summary>Log loss on logits, the sigmoid folded in: mean(max(z,0) − z·y + log(1 + e^(−|z|))).</summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets) => EagerLosses.BinaryCrossEntropyWithLogits(logits, targets);

    /// <summary>Mean squared error over all elements: mean((ŷ − y)²).</summary>
    public static Tensor MeanSquaredError(Tensor prediction, Tensor targets) => EagerLosses.MeanSquaredError(prediction, targets);
}
