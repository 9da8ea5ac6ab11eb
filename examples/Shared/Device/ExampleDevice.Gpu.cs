using GraphGen.Gpu;

namespace GraphGen.Examples;

/// <summary>
/// Where an example trains: --device cpu (the default), cuda (an NVIDIA GPU) or ilgpu-cpu (ILGPU's
/// CPU accelerator: the GPU kernels, simulated on the CPU, slowly). <see cref="Place"/> moves a
/// network there; disposing releases the device.
/// </summary>
public sealed class ExampleDevice : IDisposable
{
    private readonly GpuDevice? _device;

    private ExampleDevice(GpuDevice? device) => _device = device;

    /// <summary>The device named by --device; a clear message and exit code 2 when it cannot be opened.</summary>
    public static ExampleDevice Open(ExampleOptions options)
    {
        string kind = options.String("device", "cpu");
        if (kind == "cpu") return new ExampleDevice(null);
        try
        {
            var device = GpuDevice.Open(kind);
            Console.WriteLine($"device: {device.Name}; GEMM: {device.GemmEngine}");
            return new ExampleDevice(device);
        }
        catch (Exception e) when (e is GpuUnavailableException or ArgumentException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            Environment.Exit(2);
            throw;
        }
    }

    /// <summary>Runs <paramref name="network"/> on the chosen device (nothing to do on the CPU).</summary>
    public void Place(INetwork network)
    {
        if (_device is null) return;
        ((CompiledNetwork)network).UseDevice(_device);
    }

    public void Dispose() => _device?.Dispose();
}
