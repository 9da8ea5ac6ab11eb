namespace GraphGen.Distributed;

/// <summary>
/// The ranks' copies of the network (or of its optimizer) are no longer the same bits, so data-
/// parallel training would silently train N different models. The message gives each rank's
/// fingerprint; the usual causes are ranks that run different programs, data, seeds or batch
/// sizes, or a checkpoint loaded on some ranks only.
/// </summary>
public sealed class ReplicaMismatchException : Exception
{
    /// <summary>Creates the exception; <paramref name="fingerprints"/> holds one value per rank.</summary>
    public ReplicaMismatchException(string what, IReadOnlyList<ulong> fingerprints)
        : base($"{what} differ across ranks (fingerprint by rank: {string.Join(", ", fingerprints.Select((f, r) => $"{r}: {f:x16}"))}). " +
               "Every rank must run the same program on the same data with the same seed and batch size, and load the same checkpoint; " +
               "a run whose replicas diverged cannot be trusted, so it stops here.")
    {
        What = what;
        Fingerprints = fingerprints;
    }

    /// <summary>What was compared (e.g. "the parameters and state of MnistMlp after epoch 3").</summary>
    public string What { get; }

    /// <summary>Each rank's fingerprint, by rank.</summary>
    public IReadOnlyList<ulong> Fingerprints { get; }
}
