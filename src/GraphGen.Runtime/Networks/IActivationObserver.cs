namespace GraphGen;

/// <summary>A tensor of a generated network: its name in the generated code, the op that made it and its per-sample shape.</summary>
public sealed record TensorInfo(string Name, string Op, int[] Shape)
{
    /// <summary>Floats per sample.</summary>
    public int Size
    {
        get
        {
            int n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    /// <summary>"name (op) [B, dims...]", the batch shown as B.</summary>
    public override string ToString() => $"{Name} ({Op}) [B, {string.Join(", ", Shape)}]";
}

/// <summary>
/// Receives every activation a forward pass stores, right after it is computed (later steps may
/// reuse its memory). Pass one to <c>Forward(input, destination, observer)</c> to draw heatmaps
/// or collect statistics; the values span holds batch × <see cref="TensorInfo.Size"/> floats.
/// </summary>
public interface IActivationObserver
{
    /// <summary>Called once per stored activation, as soon as it is computed: <paramref name="values"/> holds <paramref name="batch"/> rows of the tensor's per-sample size and is only valid during the call (later steps may reuse the memory).</summary>
    void Observe(TensorInfo tensor, ReadOnlySpan<float> values, int batch);
}
