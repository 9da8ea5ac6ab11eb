namespace GraphGen;

/// <summary>
/// A device a network can run on besides the CPU (the GraphGen.Gpu package's <c>GpuDevice</c>).
/// The core runtime knows only this: a network compiled with the GPU backend turns one into its
/// device passes (<see cref="CompiledNetwork.UseDevice"/>); one compiled without cannot.
/// </summary>
public interface IComputeDevice
{
    /// <summary>The device in words.</summary>
    string Name { get; }
}
