namespace GraphGen;

/// <summary>How a parameter tensor gets its initial values.</summary>
public enum Init
{
    /// <summary>Chosen by the generator: <see cref="HeUniform"/> when the layer feeds a ReLU-family activation, else <see cref="XavierUniform"/>.</summary>
    Auto = 0,
    /// <summary>He (Kaiming) uniform: U(-b, b), b = sqrt(6 / fan_in). Keeps the variance of ReLU activations constant across layers.</summary>
    HeUniform = 1,
    /// <summary>Xavier (Glorot) uniform: U(-b, b), b = sqrt(6 / (fan_in + fan_out)). Suits tanh, sigmoid and linear outputs.</summary>
    XavierUniform = 2,
    /// <summary>All zeros (biases).</summary>
    Zeros = 3,
    /// <summary>All ones (normalisation scales).</summary>
    Ones = 4,
    /// <summary>Normal-like small values U(-b, b) with b = sqrt(3) * 0.02, i.e. standard deviation 0.02 (embeddings).</summary>
    SmallUniform = 5,
}
