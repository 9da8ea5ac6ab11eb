namespace GraphGen.Examples.BackpropExercise;

/// <summary>
/// Everything the backward pass may use: the batch, the parameters and the activations of the
/// training-mode forward pass, as the generated code computed them. Matrices are row-major
/// float arrays with their shapes in the comments; N is the batch.
/// </summary>
public sealed record ForwardPass
{
    /// <summary>Samples in the batch.</summary>
    public required int N { get; init; }

    /// <summary>Input pixels, [N, 64].</summary>
    public required float[] X { get; init; }

    /// <summary>The digit of each sample, [N].</summary>
    public required int[] Y { get; init; }

    /// <summary>hidden.weight, [32, 64] (PyTorch's [out, in]).</summary>
    public required float[] W1 { get; init; }

    /// <summary>hidden.bias, [32].</summary>
    public required float[] B1 { get; init; }

    /// <summary>bn.weight γ, [32].</summary>
    public required float[] Gamma { get; init; }

    /// <summary>bn.bias β, [32].</summary>
    public required float[] Beta { get; init; }

    /// <summary>output.weight, [10, 32].</summary>
    public required float[] W2 { get; init; }

    /// <summary>output.bias, [10].</summary>
    public required float[] B2 { get; init; }

    /// <summary>The ε under BatchNorm's square root.</summary>
    public float Epsilon { get; init; } = 1e-5f;

    /// <summary>hprebn = x·W1ᵀ + b1, [N, 32].</summary>
    public required float[] Hprebn { get; init; }

    /// <summary>hpreact = γ·(hprebn − μ)/√(σ² + ε) + β with μ, σ² the batch's mean and (biased) variance per unit, [N, 32].</summary>
    public required float[] Hpreact { get; init; }

    /// <summary>h = tanh(hpreact), [N, 32].</summary>
    public required float[] H { get; init; }

    /// <summary>logits = h·W2ᵀ + b2, [N, 10].</summary>
    public required float[] Logits { get; init; }

    /// <summary>The loss, mean over the batch of −log softmax(logits)[y].</summary>
    public required float Loss { get; init; }
}
