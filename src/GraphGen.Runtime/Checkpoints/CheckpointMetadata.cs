using System.Globalization;

namespace GraphGen;

/// <summary>
/// The metadata keys <see cref="Checkpoint.Save"/> writes. "format" = "pt" is the key the
/// Hugging Face loaders look for; the others are GraphGen's own and carry the state that is
/// not a tensor.
/// </summary>
public static class CheckpointMetadata
{
    /// <summary>Bumped when the meaning of a key or tensor name changes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>"format": "pt", which the Hugging Face loaders read as "a PyTorch state_dict".</summary>
    public const string Format = "format";
    /// <summary>The <see cref="CurrentFormatVersion"/> the file was written with; <see cref="Checkpoint.Load"/> refuses any other.</summary>
    public const string FormatVersion = "graphgen.format_version";
    /// <summary>The <see cref="INetwork.Name"/> of the network saved, named in messages when a load does not fit.</summary>
    public const string Network = "graphgen.network";
    /// <summary>The optimizer's class name, e.g. "Adam".</summary>
    public const string OptimizerType = "graphgen.optimizer.type";
    /// <summary>The optimizer's <see cref="Optimizer.ToString"/>, e.g. "Adam(lr=0.001, ...)".</summary>
    public const string OptimizerDescription = "graphgen.optimizer";
    /// <summary>The optimizer's <see cref="Optimizer.StepCount"/> in decimal.</summary>
    public const string OptimizerStepCount = "graphgen.optimizer.step_count";

    /// <summary>Prefix of optimizer state tensors: "optimizer.&lt;parameter&gt;.&lt;state&gt;", e.g. "optimizer.0.weight.exp_avg".</summary>
    public const string OptimizerTensorPrefix = "optimizer.";

    /// <summary>The random-stream counters of a network with dropout or sampling (<see cref="IStochasticNetwork"/>).</summary>
    public const string TrainingSteps = "graphgen.training_steps";
    /// <summary>The inference-pass counter of a network with sampling (<see cref="IStochasticNetwork.EvaluationSteps"/>).</summary>
    public const string EvaluationSteps = "graphgen.evaluation_steps";

    /// <summary>The name under which <paramref name="state"/> of <paramref name="parameter"/> is stored, e.g. "optimizer.0.weight.exp_avg".</summary>
    /// <param name="parameter">The parameter's table name, e.g. "0.weight".</param>
    /// <param name="state">The optimizer's name for the state, e.g. "exp_avg".</param>
    public static string OptimizerTensorName(string parameter, string state) => OptimizerTensorPrefix + parameter + "." + state;

    private static readonly string[] Reserved = [Format, FormatVersion, Network, OptimizerType, OptimizerDescription, OptimizerStepCount, TrainingSteps, EvaluationSteps];

    internal static Dictionary<string, string> Build(INetwork network, Optimizer? optimizer, IReadOnlyDictionary<string, string>? user)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Format] = "pt",
            [FormatVersion] = CurrentFormatVersion.ToString(CultureInfo.InvariantCulture),
            [Network] = network.Name,
        };
        if (optimizer is not null)
        {
            metadata[OptimizerType] = optimizer.GetType().Name;
            metadata[OptimizerDescription] = optimizer.ToString();
            metadata[OptimizerStepCount] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture);
        }
        if (network is IStochasticNetwork stochastic)
        {
            metadata[TrainingSteps] = stochastic.TrainingSteps.ToString(CultureInfo.InvariantCulture);
            metadata[EvaluationSteps] = stochastic.EvaluationSteps.ToString(CultureInfo.InvariantCulture);
        }
        if (user is not null)
        {
            foreach (var (key, value) in user)
            {
                if (Array.IndexOf(Reserved, key) >= 0)
                    throw new ArgumentException($"Metadata key '{key}' is written by Checkpoint.Save itself; choose another key.", nameof(user));
                ArgumentNullException.ThrowIfNull(value, nameof(user));
                metadata[key] = value;
            }
        }
        return metadata;
    }

    /// <summary>A phrase naming the optimizer the file was saved with, for messages.</summary>
    internal static string DescribeOptimizer(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(OptimizerDescription, out var d) ? $"it was saved with {d}"
        : metadata.TryGetValue(OptimizerType, out var t) ? $"it was saved with {t}"
        : "it was saved without an optimizer";
}
