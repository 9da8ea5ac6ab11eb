namespace GraphGen.Examples;

/// <summary>
/// Where an example trains, in a build without the GPU backend (an example that does not reference it,
/// or a NativeAOT publish, which cannot carry ILGPU): the CPU only.
/// </summary>
public sealed class ExampleDevice : IDisposable
{
    /// <summary>The CPU; --device cuda or ilgpu-cpu is an error that says how to get them.</summary>
    public static ExampleDevice Open(ExampleOptions options)
    {
        string kind = options.String("device", "cpu");
        if (kind != "cpu")
        {
            Console.Error.WriteLine($"error: --device {kind} needs the GPU backend, which this build does not carry (NativeAOT publishes and examples without GraphGenGpu leave it out); run with --device cpu, or build the example with -p:GraphGenGpu=true.");
            Environment.Exit(2);
        }
        return new ExampleDevice();
    }

    /// <summary>Nothing to do: the network runs on the CPU.</summary>
    public void Place(INetwork network) { }

    public void Dispose() { }
}
