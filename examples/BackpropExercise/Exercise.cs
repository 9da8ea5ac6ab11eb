namespace GraphGen.Examples.BackpropExercise;

/// <summary>
/// YOUR backward pass. Fill in each method, then run
/// <c>dotnet run -c Release --project examples/BackpropExercise</c>: the checker prints, for
/// each tensor, exact, close (with the largest difference) or wrong (with where), and "not
/// written" for a method that still throws. Work from the loss down; each method is checked on
/// its own (it receives the correct gradient of its output), so one mistake does not spoil the rest.
/// The shapes and the forward formulas are on <see cref="ForwardPass"/>; the solution is in
/// Solution.cs, if you must. The math of each step is also in the comments of the generated
/// code (Generated/GraphGen.Examples.BackpropExercise.BatchNormMlp.g.cs, steps 5–12).
/// </summary>
public sealed class Exercise : IBackwardSteps
{
    /// <inheritdoc/>
    public float[] Loss(ForwardPass f)
    {
        // L = (1/N) Σ_r −log p[r, y_r], with p[r, j] = e^logits[r, j] / Σ_k e^logits[r, k].
        // dlogits[r, j] = ?   (work it out for j = y_r and for j ≠ y_r; subtract the row's max before exp)
        throw new NotImplementedException("dlogits");
    }

    /// <inheritdoc/>
    public (float[] DW2, float[] DB2, float[] DH) OutputLayer(ForwardPass f, float[] dlogits)
    {
        // logits[r, o] = Σ_i h[r, i]·W2[o, i] + b2[o].
        // dW2[o, i] = ?   db2[o] = ?   dh[r, i] = ?   (each sums over the index that disappears)
        throw new NotImplementedException("dW2, db2, dh");
    }

    /// <inheritdoc/>
    public float[] Tanh(ForwardPass f, float[] dh)
    {
        // h = tanh(hpreact). Write tanh′ with the output h, which you already have.
        throw new NotImplementedException("dhpreact");
    }

    /// <inheritdoc/>
    public (float[] DGamma, float[] DBeta, float[] DHprebn) BatchNorm(ForwardPass f, float[] dhpreact)
    {
        // Per unit j over the batch: μ = (1/N) Σ_r hprebn[r, j], σ² = (1/N) Σ_r (hprebn[r, j] − μ)²,
        // x̂ = (hprebn − μ)/√(σ² + ε), hpreact = γ·x̂ + β.
        // dγ and dβ are the easy part. For dhprebn, remember that μ and σ² depend on every row:
        // a change of hprebn[r, j] moves all N outputs of unit j.
        throw new NotImplementedException("dgamma, dbeta, dhprebn");
    }

    /// <inheritdoc/>
    public (float[] DW1, float[] DB1, float[] DX) HiddenLayer(ForwardPass f, float[] dhprebn)
    {
        // hprebn[r, o] = Σ_i x[r, i]·W1[o, i] + b1[o]: the same rule as the output layer.
        throw new NotImplementedException("dW1, db1, dx");
    }
}
