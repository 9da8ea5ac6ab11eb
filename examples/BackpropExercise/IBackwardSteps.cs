namespace GraphGen.Examples.BackpropExercise;

/// <summary>
/// The backward pass of <see cref="BatchNormMlp"/> in five steps, from the loss down to the input.
/// Each step gets the correct gradient of its output from the answer key, so a mistake in one
/// step is reported on that step's tensors alone.
/// </summary>
public interface IBackwardSteps
{
    /// <summary>∂L/∂logits, [N, 10], from the logits and labels.</summary>
    float[] Loss(ForwardPass f);

    /// <summary>Through logits = h·W2ᵀ + b2: ∂L/∂W2 [10, 32], ∂L/∂b2 [10] and ∂L/∂h [N, 32].</summary>
    (float[] DW2, float[] DB2, float[] DH) OutputLayer(ForwardPass f, float[] dlogits);

    /// <summary>Through h = tanh(hpreact): ∂L/∂hpreact, [N, 32].</summary>
    float[] Tanh(ForwardPass f, float[] dh);

    /// <summary>Through BatchNorm: ∂L/∂γ [32], ∂L/∂β [32] and ∂L/∂hprebn [N, 32] (the hard one).</summary>
    (float[] DGamma, float[] DBeta, float[] DHprebn) BatchNorm(ForwardPass f, float[] dhpreact);

    /// <summary>Through hprebn = x·W1ᵀ + b1: ∂L/∂W1 [32, 64], ∂L/∂b1 [32] and ∂L/∂x [N, 64].</summary>
    (float[] DW1, float[] DB1, float[] DX) HiddenLayer(ForwardPass f, float[] dhprebn);
}
