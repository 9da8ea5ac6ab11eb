namespace GraphGen;

/// <summary>
/// A network with dropout or sampling: its random numbers come from (seed, op, pass counter),
/// so restoring the counters (checkpoints do) resumes a run with the same masks and noise.
/// </summary>
public interface IStochasticNetwork
{
    /// <summary>Training forward passes so far.</summary>
    long TrainingSteps { get; set; }

    /// <summary>Inference passes so far.</summary>
    long EvaluationSteps { get; set; }
}
