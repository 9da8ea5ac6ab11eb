namespace GraphGen.Training;

/// <summary>
/// What <see cref="Trainer{T}.Train"/> reports through <see cref="IProgress{T}"/> after each
/// completed epoch: how far the call has come, and the epoch's figures.
/// </summary>
/// <param name="EpochsCompleted">Epochs completed by this call so far, from 1.</param>
/// <param name="EpochsPlanned">Epochs this call was asked to run.</param>
/// <param name="Stats">The figures of the epoch just completed (also the last entry of <see cref="Trainer{T}.History"/>).</param>
public sealed record EpochProgress(int EpochsCompleted, int EpochsPlanned, EpochStats Stats)
{
    /// <summary>The fraction of the planned epochs completed, from 0 to 1.</summary>
    public double Fraction => (double)EpochsCompleted / EpochsPlanned;
}
