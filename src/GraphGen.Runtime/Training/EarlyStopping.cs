namespace GraphGen.Training;

/// <summary>
/// Early stopping on the validation loss: remembers the parameters of the epoch with the
/// lowest validation loss, says when it has not improved for <see cref="Patience"/> epochs,
/// and puts the best parameters back. The validation set, not the test set, decides: the
/// test set then still measures a model it never influenced.
/// </summary>
public sealed class EarlyStopping
{
    private readonly float[] _best;

    /// <param name="parameterCount">Floats in the network's parameter arena.</param>
    /// <param name="patience">Epochs without improvement before <see cref="Update"/> says stop.</param>
    /// <param name="minDelta">How much lower than the best a loss must be to count as an improvement.</param>
    public EarlyStopping(int parameterCount, int patience, double minDelta = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be zero or positive.");
        _best = new float[parameterCount];
        Patience = patience;
        MinDelta = minDelta;
    }

    /// <summary>Epochs without improvement before <see cref="Update"/> says stop.</summary>
    public int Patience { get; }

    /// <summary>How much lower than the best a validation loss must be to count as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The lowest validation loss seen (∞ before the first epoch).</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>The 0-based epoch of <see cref="BestLoss"/> (−1 before the first epoch).</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>
    /// Takes one epoch's figures and the parameters after it; returns true when training
    /// should stop (no improvement for <see cref="Patience"/> epochs).
    /// </summary>
    public bool Update(EpochStats stats, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(stats);
        if (stats.Validation is not { } validation)
            throw new ArgumentException("Early stopping needs a validation loss: pass a validation set to RunEpoch.", nameof(stats));
        if (parameters.Length != _best.Length)
            throw new ArgumentException($"Expected {_best.Length} parameters, got {parameters.Length}.", nameof(parameters));
        if (validation.Loss < BestLoss - MinDelta)
        {
            BestLoss = validation.Loss;
            BestEpoch = stats.Epoch;
            EpochsWithoutImprovement = 0;
            parameters.CopyTo(_best);
            return false;
        }
        EpochsWithoutImprovement++;
        return EpochsWithoutImprovement >= Patience;
    }

    /// <summary>Copies the parameters of the best epoch into <paramref name="parameters"/>.</summary>
    public void RestoreBest(Span<float> parameters)
    {
        if (BestEpoch < 0) throw new InvalidOperationException("No epoch has been recorded yet; call Update after each epoch first.");
        if (parameters.Length != _best.Length)
            throw new ArgumentException($"Expected {_best.Length} parameters, got {parameters.Length}.", nameof(parameters));
        _best.CopyTo(parameters);
    }
}
