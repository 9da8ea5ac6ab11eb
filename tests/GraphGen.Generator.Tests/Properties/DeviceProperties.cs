using CsCheck;
using GraphGen.Gpu;
using Xunit.Abstractions;

namespace GraphGen.Generator.Tests;

/// <summary>One ILGPU CPU accelerator for the test class (creating one takes a while); disposed after its last test.</summary>
public sealed class SimulatorFixture : IDisposable
{
    /// <summary>The shared device: ILGPU's CPU accelerator, which runs the GPU kernels with the GPU's semantics.</summary>
    public GpuDevice Device { get; } = GpuDevice.Open("ilgpu-cpu");

    /// <summary>Releases the accelerator and its context.</summary>
    public void Dispose() => Device.Dispose();
}

/// <summary>
/// The GPU emitter's rule, checked on random input with CsCheck: a random well-formed network,
/// compiled with its GPU passes (the compilation references GraphGen.Gpu) and run on ILGPU's CPU
/// accelerator, computes what the same network computes on the CPU path (<see cref="DeviceMatch"/>:
/// output, loss, every gradient, Adam steps, running statistics), and the same bits when run twice
/// on the device. A failure is shrunk to a small network and printed with its source and seed
/// (CsCheck_Seed=&lt;seed&gt; replays it).
/// </summary>
/// <remarks>
/// Iterations: <see cref="DenseIterations"/> dense and <see cref="ConvIterations"/> convolutional
/// networks at batch <see cref="Batch"/>, one at a time (the accelerator already runs a group's
/// threads in parallel), and the showcase network. Each costs 1 to 6 s, most of it on the
/// accelerator (its generated kernels compiled, then seven device calls). Cost, measured with
/// <c>time dotnet test tests/GraphGen.Generator.Tests -c Release --no-build --filter DeviceProperties</c>
/// on the shared 2-core development machine: 42 s of wall time and 71 s of CPU (44 s user, 27 s
/// system: the accelerator's threads meet at barriers) at a load average of 56 to 73; 60 s of wall
/// time and 83 s of CPU at a load average of 106 to 123. Explorations
/// with CsCheck_Iter=80, 40 and 30 (300 networks) passed; the largest difference seen was 5.7e-6
/// (relative, of an output or a gradient), inside <see cref="DeviceMatch.Tolerance"/>. CsCheck_Iter raises the sampled iterations for a longer exploration.
/// </remarks>
public class DeviceProperties(SimulatorFixture fixture, ITestOutputHelper output) : IClassFixture<SimulatorFixture>
{
    private const int DenseIterations = 10;
    private const int ConvIterations = 5;
    private const int Batch = 3;

    private static int Iterations(int ci) => int.TryParse(Environment.GetEnvironmentVariable("CsCheck_Iter"), out int n) ? n : ci;

    [Fact]
    public void RandomDenseNetworksMatchTheCpuOnTheDevice() =>
        NetworkSources.Choices.Sample(choices => MatchesOnDevice(NetworkSources.Dense(choices)),
            iter: Iterations(DenseIterations), threads: 1, print: NetworkSources.Dense, writeLine: output.WriteLine);

    [Fact]
    public void RandomConvolutionalNetworksMatchTheCpuOnTheDevice() =>
        NetworkSources.Choices.Sample(choices => MatchesOnDevice(NetworkSources.Conv(choices)),
            iter: Iterations(ConvIterations), threads: 1, print: NetworkSources.Conv, writeLine: output.WriteLine);

    /// <summary>The mutation catalog's fixed network: dropout (the same masks on both sides), LayerNorm, a shared layer, constants in the loss.</summary>
    [Fact]
    public void ShowcaseMatchesTheCpuOnTheDevice() => MatchesOnDevice(NetworkSources.Showcase);

    /// <summary>FNV-1a of the source: the same network gets the same seed and inputs in every run.</summary>
    private static ulong StableHash(string text)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in text) hash = (hash ^ c) * 1099511628211;
        return hash;
    }

    /// <summary>Generates both files with no diagnostic but GG0018, compiles cleanly, and runs <see cref="DeviceMatch"/>.</summary>
    private void MatchesOnDevice(string source)
    {
        var result = GeneratorHarness.Run(gpu: true, source);
        // Random networks often leave a layer unused: the generator warns (GG0018) and leaves it out.
        Assert.All(result.GeneratorDiagnostics, d => Assert.Equal("GG0018", d.Id));
        Assert.True(result.CompilationDiagnostics.IsEmpty, string.Join("\n", result.CompilationDiagnostics));
        Assert.Contains(result.Sources, s => s.HintName.EndsWith(".Gpu.g.cs", StringComparison.Ordinal));
        // The unload completes only once the shared device is disposed: its kernel cache holds the generated kernels' methods.
        using var loaded = GeneratorOutcome.Load(result);
        var type = loaded.Assembly.GetType("Random.Net")!;
        int seed = (int)(StableHash(source) & 0xFFFF);
        CompiledNetwork Create()
        {
            var net = (CompiledNetwork)Activator.CreateInstance(type, Batch, seed)!;
            // Off the kinks of ReLU at 0, where zero-initialised biases would put activations.
            var noise = GradientChecks.RandomInputs(net.Parameters.Length, (ulong)seed + 99, -0.05f, 0.05f);
            for (int i = 0; i < noise.Length; i++) net.Parameters[i] += noise[i];
            return net;
        }
        var first = Create();
        var x = GradientChecks.RandomInputs(Batch * first.InputSize, (ulong)seed);
        switch (first)
        {
            case TrainableNetwork<int> labelled:
                Check(labelled, GradientChecks.RandomLabels(Batch * labelled.TargetSize, labelled.OutputSize, (ulong)seed + 1));
                break;
            case TrainableNetwork<float> regression:
                Check(regression, GradientChecks.RandomInputs(Batch * regression.TargetSize, (ulong)seed + 1, 0, 1));
                break;
            default:
                throw new Xunit.Sdk.XunitException("A random network has a [Loss]: " + type);
        }

        void Check<T>(TrainableNetwork<T> cpu, T[] targets) where T : unmanaged
        {
            OnDevice<T>(device => DeviceMatch.Check(cpu, device, x, targets, Batch));
            float[] once = [], twice = [];
            OnDevice<T>(device => once = DeviceMatch.OneStep(device, x, targets));
            OnDevice<T>(device => twice = DeviceMatch.OneStep(device, x, targets));
            DeviceMatch.SameBits(once, twice, "loss, parameters, state and gradients after one Adam step on the device, run twice");
        }

        // A fresh network (same seed, same noise) on the shared device; its device buffers are released after.
        void OnDevice<T>(Action<TrainableNetwork<T>> run) where T : unmanaged
        {
            var net = (TrainableNetwork<T>)Create();
            net.UseDevice(fixture.Device);
            try
            {
                run(net);
            }
            finally
            {
                net.UseCpu();
            }
        }
    }
}
