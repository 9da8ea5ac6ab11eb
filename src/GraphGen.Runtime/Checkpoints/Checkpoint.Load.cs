using System.Globalization;

namespace GraphGen;

public static partial class Checkpoint
{
    /// <summary>
    /// Loads the parameters in <paramref name="path"/> into <paramref name="network"/>'s arena
    /// and, when <paramref name="optimizer"/> is given, its state and step count.
    /// </summary>
    /// <remarks>
    /// Everything is checked and read before anything is copied: when this throws, the
    /// network's parameters and the optimizer's state and step count are exactly as they were
    /// (a fresh optimizer may have allocated its zero state). A wrong shape always throws. With
    /// <paramref name="strict"/> (the default) a parameter the file lacks or a tensor the
    /// network lacks throws too; without it they are skipped and listed in the result.
    /// Optimizer state, when requested, must be complete, and a strict load also refuses state
    /// saved by another kind of optimizer (Adam's moments into AdamW); strict: false carries
    /// it over deliberately. Optimizer tensors in the file are ignored when no optimizer is
    /// given (loading for inference).
    /// <para>
    /// Always refused, strict or not: a "graphgen.format_version" other than
    /// <see cref="CheckpointMetadata.CurrentFormatVersion"/> (a file without one is read as a
    /// plain PyTorch state_dict), and a NaN or infinite value in any tensor that is loaded.
    /// <see cref="ReadTensors"/> reads such files without these checks, for inspection.
    /// </para>
    /// </remarks>
    /// <param name="path">The safetensors file.</param>
    /// <param name="network">The network whose parameters (and state, e.g. BatchNorm running statistics) receive the values.</param>
    /// <param name="optimizer">The optimizer whose state and step count are restored, or null to load the parameters only.</param>
    /// <param name="strict">False skips missing and extra tensors (listed in the result) and allows another optimizer's state.</param>
    /// <returns>What a non-strict load skipped; both lists are empty after a strict load.</returns>
    /// <exception cref="CheckpointException">
    /// The file cannot be opened or read (then <see cref="Exception.InnerException"/> holds the
    /// system's error), is damaged, holds non-finite values or an unknown format version, or
    /// does not match the network or optimizer.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointLoadResult Load(string path, INetwork network, Optimizer? optimizer = null, bool strict = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(network);
        CheckArena(network);
        var table = network.ParameterTable;
        using var file = SafetensorsFile.Open(path);
        CheckFormatVersion(file);

        // 1. Match names and shapes from the header alone.
        var missing = new List<string>();
        var parameterReads = new List<(SafetensorsTensorInfo Tensor, ParameterInfo Parameter)>();
        foreach (var p in table.Parameters)
        {
            if (!file.TryGetTensor(p.Name, out var t))
            {
                missing.Add(p.Name);
                continue;
            }
            CheckShape(file, network, t, p.Shape, "parameter");
            parameterReads.Add((t, p));
        }
        var stateTable = network.StateTable;
        var stateTensorReads = new List<(SafetensorsTensorInfo Tensor, ParameterInfo State)>();
        foreach (var p in stateTable.Parameters)
        {
            if (!file.TryGetTensor(p.Name, out var t))
            {
                missing.Add(p.Name);
                continue;
            }
            CheckShape(file, network, t, p.Shape, "state tensor");
            stateTensorReads.Add((t, p));
        }
        if (strict && missing.Count > 0)
            throw MissingParameters(file, network, missing);

        // The optimizer's buffers exist from here on (zeros if it is fresh, which is the state it
        // would start from anyway); EnsureState also refuses an optimizer bound to another arena.
        optimizer?.EnsureState(table.TotalCount);
        var stateNames = optimizer is null ? [] : optimizer.State.Select(s => s.Name).ToArray();
        var stateReads = new List<(SafetensorsTensorInfo Tensor, int State, ParameterInfo Parameter)>();
        long stepCount = 0;
        if (optimizer is not null)
        {
            for (int s = 0; s < stateNames.Length; s++)
            {
                foreach (var p in table.Parameters)
                {
                    string name = CheckpointMetadata.OptimizerTensorName(p.Name, stateNames[s]);
                    if (!file.TryGetTensor(name, out var t))
                        throw new CheckpointException(file.Path, name,
                            $"{optimizer} keeps '{stateNames[s]}' for parameter '{p.Name}', but the checkpoint has no such tensor; {CheckpointMetadata.DescribeOptimizer(file.Metadata)}",
                            "Load with optimizer: null to load the parameters only and start a fresh optimizer, or pass an optimizer of the kind the checkpoint was saved with");
                    CheckShape(file, network, t, p.Shape, "optimizer state");
                    stateReads.Add((t, s, p));
                }
            }
            stepCount = ReadStepCount(file, optimizer);
        }

        var unexpected = FindUnexpected(file, table, optimizer, stateReads.Select(r => r.Tensor.Name).Concat(stateTensorReads.Select(r => r.Tensor.Name)));
        if (strict && unexpected.Count > 0)
            throw UnexpectedTensor(file, network, optimizer, unexpected);
        if (strict && optimizer is not null)
            CheckOptimizerType(file, optimizer);

        // 2. Read all data into staging buffers: a read failure leaves the network untouched.
        var stagedParameters = new float[table.TotalCount];
        foreach (var (t, p) in parameterReads) file.ReadInto(t, stagedParameters.AsSpan(p.Offset, p.Count));
        var stagedState = new float[stateNames.Length][];
        for (int s = 0; s < stateNames.Length; s++) stagedState[s] = new float[table.TotalCount];
        foreach (var (t, s, p) in stateReads) file.ReadInto(t, stagedState[s].AsSpan(p.Offset, p.Count));
        var stagedNetworkState = new float[stateTable.TotalCount];
        foreach (var (t, p) in stateTensorReads) file.ReadInto(t, stagedNetworkState.AsSpan(p.Offset, p.Count));
        foreach (var (t, p) in parameterReads) CheckFinite(file, t, stagedParameters.AsSpan(p.Offset, p.Count));
        foreach (var (t, p) in stateTensorReads) CheckFinite(file, t, stagedNetworkState.AsSpan(p.Offset, p.Count));
        foreach (var (t, s, p) in stateReads) CheckFinite(file, t, stagedState[s].AsSpan(p.Offset, p.Count));

        // 3. Commit.
        if (optimizer is not null)
        {
            var state = optimizer.State;
            for (int s = 0; s < stateNames.Length; s++) stagedState[s].CopyTo(state[s].Values, 0);
            optimizer.RestoreStepCount(stepCount);
        }
        var arena = network.Parameters;
        foreach (var (_, p) in parameterReads)
            stagedParameters.AsSpan(p.Offset, p.Count).CopyTo(arena.Slice(p.Offset, p.Count));
        var networkState = network.State;
        foreach (var (_, p) in stateTensorReads)
            stagedNetworkState.AsSpan(p.Offset, p.Count).CopyTo(networkState.Slice(p.Offset, p.Count));
        // The random-stream counters, so dropout masks and noise continue where the saved run was.
        if (network is IStochasticNetwork stochastic)
        {
            if (file.Metadata.TryGetValue(CheckpointMetadata.TrainingSteps, out var training) && long.TryParse(training, NumberStyles.None, CultureInfo.InvariantCulture, out long t))
                stochastic.TrainingSteps = t;
            if (file.Metadata.TryGetValue(CheckpointMetadata.EvaluationSteps, out var evaluation) && long.TryParse(evaluation, NumberStyles.None, CultureInfo.InvariantCulture, out long e))
                stochastic.EvaluationSteps = e;
        }

        return new CheckpointLoadResult(missing, unexpected);
    }

    /// <summary>
    /// A file written by GraphGen names the version of its key and tensor naming; one this
    /// build does not know is refused rather than guessed at. A file without the key (a plain
    /// PyTorch state_dict) is read as a state_dict.
    /// </summary>
    private static void CheckFormatVersion(SafetensorsFile file)
    {
        if (!file.Metadata.TryGetValue(CheckpointMetadata.FormatVersion, out var text)) return;
        int current = CheckpointMetadata.CurrentFormatVersion;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
            throw new CheckpointException(file.Path, null,
                $"metadata \"{CheckpointMetadata.FormatVersion}\" is \"{text}\", which is not a version number; this GraphGen reads format version {current}",
                "The metadata is damaged; save the checkpoint again or restore a good copy");
        if (version != current)
            throw new CheckpointException(file.Path, null,
                version > current
                    ? $"metadata \"{CheckpointMetadata.FormatVersion}\" is \"{text}\": a newer GraphGen wrote it, and this one reads format version {current} only"
                    : $"metadata \"{CheckpointMetadata.FormatVersion}\" is \"{text}\", a format this GraphGen no longer reads; it reads format version {current}",
                version > current
                    ? "Load it with the GraphGen version that saved it, or update GraphGen"
                    : "Load it with an older GraphGen and save it again");
    }

    /// <summary>
    /// Optimizer state means something only to the update rule that wrote it: Adam's moments
    /// in AdamW would continue a different run than the one saved, with no error, because the
    /// two keep tensors of the same names. A strict load therefore also matches the type.
    /// </summary>
    private static void CheckOptimizerType(SafetensorsFile file, Optimizer optimizer)
    {
        if (!file.Metadata.TryGetValue(CheckpointMetadata.OptimizerType, out var saved)) return;
        string loading = optimizer.GetType().Name;
        if (saved == loading) return;
        throw new CheckpointException(file.Path, null,
            $"metadata \"{CheckpointMetadata.OptimizerType}\" says the optimizer state was {CheckpointMetadata.DescribeOptimizer(file.Metadata)}, but it is being loaded into {optimizer}, which would read it as its own",
            $"Pass a {saved} to resume the saved run, load with optimizer: null to keep the parameters and start a fresh {loading}, or pass strict: false to carry the state over deliberately");
    }

    /// <summary>Refuses a tensor holding NaN or infinity (see <see cref="FiniteValues"/>).</summary>
    private static void CheckFinite(SafetensorsFile file, SafetensorsTensorInfo tensor, ReadOnlySpan<float> values)
    {
        int bad = FiniteValues.IndexOfNonFinite(values);
        if (bad < 0) return;
        throw new CheckpointException(file.Path, tensor.Name,
            $"{FiniteValues.Describe(bad, tensor.Shape, values[bad])}; a checkpoint of a run that diverged would make every later output NaN",
            "Load an earlier checkpoint of the run (and lower the learning rate before training on); to look at the values, read them with Checkpoint.ReadTensors, which does not check them");
    }

    private static void CheckShape(SafetensorsFile file, INetwork network, SafetensorsTensorInfo tensor, int[] expected, string what)
    {
        if (ShapeMath.SameShape(tensor.Shape, expected)) return;
        bool transposed = expected.Length == 2 && tensor.Shape.Length == 2 && expected[0] == tensor.Shape[1] && expected[1] == tensor.Shape[0];
        throw new CheckpointException(file.Path, tensor.Name,
            $"the {what} has shape {ShapeMath.Format(expected)} in network '{network.Name}' but {tensor.ShapeText} in the checkpoint"
                + (transposed ? " (transposed: GraphGen, like PyTorch, stores a dense weight as [out, in])" : ""),
            transposed
                ? "Save the weight as [out, in], e.g. from a PyTorch nn.Linear state_dict, without transposing it"
                : "The checkpoint was saved from a network with different layer sizes; load it into a network declared with the same sizes");
    }

    private static long ReadStepCount(SafetensorsFile file, Optimizer optimizer)
    {
        if (!file.Metadata.TryGetValue(CheckpointMetadata.OptimizerStepCount, out var text))
            throw new CheckpointException(file.Path, null,
                $"{optimizer} was given, but the metadata has no \"{CheckpointMetadata.OptimizerStepCount}\"; {CheckpointMetadata.DescribeOptimizer(file.Metadata)}",
                "Load with optimizer: null to load the parameters only and start a fresh optimizer");
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long steps))
            throw new CheckpointException(file.Path, null,
                $"metadata \"{CheckpointMetadata.OptimizerStepCount}\" is \"{text}\", not a whole number of steps",
                "The metadata is damaged; save the checkpoint again or restore a good copy");
        return steps;
    }

    /// <summary>Tensors in the file that the load does not use, in data order.</summary>
    private static List<string> FindUnexpected(SafetensorsFile file, ParameterTable table, Optimizer? optimizer, IEnumerable<string> stateTensors)
    {
        var used = new HashSet<string>(stateTensors, StringComparer.Ordinal);
        // Without an optimizer, the state of the one the file was saved with is expected and ignored.
        bool ignoreOptimizerTensors = optimizer is null && file.Metadata.ContainsKey(CheckpointMetadata.OptimizerType);
        var unexpected = new List<string>();
        foreach (var t in file.Tensors)
        {
            if (table.TryGet(t.Name, out _) || used.Contains(t.Name)) continue;
            if (ignoreOptimizerTensors && t.Name.StartsWith(CheckpointMetadata.OptimizerTensorPrefix, StringComparison.Ordinal)) continue;
            unexpected.Add(t.Name);
        }
        return unexpected;
    }

    private static CheckpointException MissingParameters(SafetensorsFile file, INetwork network, List<string> missing)
    {
        var first = network.ParameterTable.TryGet(missing[0], out var parameter) ? parameter : network.StateTable[missing[0]];
        string others = missing.Count > 1 ? $" (nor {string.Join(", ", missing.Skip(1).Select(n => $"'{n}'"))})" : "";
        return new CheckpointException(file.Path, first.Name,
            $"network '{network.Name}' has this parameter {first.ShapeText}, but the checkpoint has no tensor of that name{others}{SavedFrom(file, network)}",
            "Load a checkpoint saved from this network, or pass strict: false to load the tensors that match and keep the current values of the others");
    }

    private static CheckpointException UnexpectedTensor(SafetensorsFile file, INetwork network, Optimizer? optimizer, List<string> unexpected)
    {
        file.TryGetTensor(unexpected[0], out var first);
        string others = unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more: {string.Join(", ", unexpected.Skip(1).Select(n => $"'{n}'"))})" : "";
        string problem = optimizer is not null && first.Name.StartsWith(CheckpointMetadata.OptimizerTensorPrefix, StringComparison.Ordinal)
            ? $"the checkpoint holds this optimizer state {first.ShapeText}, which {optimizer} does not use{others}; {CheckpointMetadata.DescribeOptimizer(file.Metadata)}"
            : $"the checkpoint holds this tensor {first.ShapeText}, but network '{network.Name}' has no parameter of that name{others}{SavedFrom(file, network)}";
        return new CheckpointException(file.Path, first.Name, problem,
            "Load a checkpoint saved from this network and optimizer, or pass strict: false to ignore the extra tensors (the result lists them)");
    }

    private static string SavedFrom(SafetensorsFile file, INetwork network) =>
        file.Metadata.TryGetValue(CheckpointMetadata.Network, out var saved) && saved != network.Name
            ? $"; the checkpoint was saved from network '{saved}'"
            : "";
}
