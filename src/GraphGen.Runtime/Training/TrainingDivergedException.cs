namespace GraphGen.Training;

/// <summary>
/// Thrown by <see cref="Trainer{T}"/> at the first training step whose loss is NaN or
/// infinite: the run has diverged, and every step after it would only spread NaN through the
/// parameters. The message and the properties name the network, the epoch, the batch and the
/// optimizer step.
/// </summary>
/// <remarks>
/// The step's update has been applied when this is thrown (the network's own
/// <c>TrainStep</c> computes the loss and updates in one call), so the parameters may hold
/// NaN or infinity: go back to the last checkpoint (<see cref="Checkpoint.Save"/> refuses
/// non-finite values, so the file on disk is a good one) rather than saving them. Derives from
/// <see cref="ArithmeticException"/>, like <see cref="NonFiniteValueException"/> (which a
/// network with <see cref="INetwork.CheckFinite"/> throws), so one catch handles both.
/// </remarks>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Describes the step at which the loss of <paramref name="networkName"/> became non-finite.</summary>
    /// <param name="networkName">The network's <see cref="INetwork.Name"/>.</param>
    /// <param name="epoch">The epoch, from 0, as passed to <see cref="Trainer{T}.RunEpoch"/>.</param>
    /// <param name="batch">The batch within the epoch, from 0.</param>
    /// <param name="batchesPerEpoch">The number of batches in each epoch.</param>
    /// <param name="optimizerStep">The optimizer's <see cref="Optimizer.StepCount"/> after the step.</param>
    /// <param name="loss">The loss of the step: NaN or ±∞.</param>
    public TrainingDivergedException(string networkName, int epoch, int batch, int batchesPerEpoch, long optimizerStep, float loss)
        : base(FormattableString.Invariant(
                $"{networkName}: the training loss is {loss} at epoch {epoch + 1}, batch {batch + 1} of {batchesPerEpoch} (optimizer step {optimizerStep}), so training stopped. ")
            + "The run diverged: lower the learning rate, clip gradients, or check the inputs for NaN (set CheckFinite on the network to find them). "
            + "The update of this step has been applied and the parameters may be NaN: reload the last checkpoint before training on.")
    {
        NetworkName = networkName;
        Epoch = epoch;
        Batch = batch;
        BatchesPerEpoch = batchesPerEpoch;
        OptimizerStep = optimizerStep;
        Loss = loss;
    }

    /// <summary>The network's <see cref="INetwork.Name"/>.</summary>
    public string NetworkName { get; }

    /// <summary>The epoch of the step, from 0 (the message counts from 1, as <see cref="EpochStats"/> prints).</summary>
    public int Epoch { get; }

    /// <summary>The batch of the step within its epoch, from 0 (the message counts from 1).</summary>
    public int Batch { get; }

    /// <summary>The number of batches in each epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The optimizer's <see cref="Optimizer.StepCount"/> after the step, counting every step it took.</summary>
    public long OptimizerStep { get; }

    /// <summary>The step's loss: NaN or ±∞.</summary>
    public float Loss { get; }
}
