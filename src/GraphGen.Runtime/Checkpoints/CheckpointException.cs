namespace GraphGen;

/// <summary>
/// A checkpoint that cannot be read, or that does not fit the network or optimizer it is
/// loaded into. The message names the file, the tensor (when one is at fault), the problem
/// and what to do about it; the same parts are available as properties for tools.
/// </summary>
/// <remarks>
/// Derives from <see cref="IOException"/> so that one <c>catch (IOException)</c> around a load
/// handles a missing file (<see cref="FileNotFoundException"/>), one the system refuses to open
/// (this exception, with the system's <see cref="UnauthorizedAccessException"/> as
/// <see cref="Exception.InnerException"/>) and a corrupt or mismatched one alike.
/// </remarks>
public sealed class CheckpointException : IOException
{
    /// <summary>A checkpoint error; the message is composed from the parts as "Checkpoint 'file', tensor 'name': problem. advice".</summary>
    /// <param name="filePath">The checkpoint file, as given by the caller.</param>
    /// <param name="tensorName">The tensor at fault, or null when the problem concerns the whole file.</param>
    /// <param name="problem">What is wrong, in words, without a final period.</param>
    /// <param name="advice">What to do about it.</param>
    /// <param name="innerException">The system's exception behind the problem (e.g. access denied), or null.</param>
    public CheckpointException(string filePath, string? tensorName, string problem, string advice, Exception? innerException = null)
        : base(Compose(filePath, tensorName, problem, advice), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
        Advice = advice;
    }

    /// <summary>The checkpoint file, as given by the caller.</summary>
    public string FilePath { get; }

    /// <summary>The tensor at fault, or null when the problem concerns the whole file.</summary>
    public string? TensorName { get; }

    /// <summary>What is wrong, in words.</summary>
    public string Problem { get; }

    /// <summary>What to do about it.</summary>
    public string Advice { get; }

    private static string Compose(string filePath, string? tensorName, string problem, string advice) =>
        tensorName is null
            ? $"Checkpoint '{filePath}': {problem}. {advice}"
            : $"Checkpoint '{filePath}', tensor '{tensorName}': {problem}. {advice}";
}
