namespace GraphGen.Distributed;

/// <summary>
/// MPI could not be loaded or initialised, or an MPI call failed; the message says which call,
/// MPI's own explanation, and what to do.
/// </summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception with its full message.</summary>
    public MpiException(string message) : base(message) { }
}
