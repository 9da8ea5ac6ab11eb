using Xunit.Abstractions;

namespace GraphGen.Onnx.Tests;

/// <summary>
/// Every example network and every test network, trained a couple of steps, exported and run by
/// ONNX Runtime on real inputs: its outputs equal GraphGen's Forward within <see cref="Tolerance"/>
/// of the output's scale.
/// </summary>
public class ExportedNetworkTests(ITestOutputHelper output)
{
    /// <summary>
    /// max |ONNX Runtime − Forward| / max |Forward| per output: float32 both sides, summed in
    /// different orders (blocked SIMD GEMM here, MLAS there) and with different exp/tanh
    /// approximations, so a few ulps of the output's scale, compounded over depth.
    /// </summary>
    public const double Tolerance = 1e-5;

    // Odd, and below the capacity of 16: the exported batch dimension is not fixed to either.
    private const int Batch = 7;

    public static TheoryData<string> Examples => [.. ExportCases.Examples.Select(c => c.Name)];

    public static TheoryData<string> TestNetworks => [.. ExportCases.TestNetworks.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_network_runs_in_OnnxRuntime_as_in_GraphGen(string network) => Check(network);

    [Theory]
    [MemberData(nameof(TestNetworks))]
    public void Every_test_network_runs_in_OnnxRuntime_as_in_GraphGen(string network) => Check(network);

    private void Check(string name)
    {
        var exportCase = ExportCases.Get(name);
        var network = exportCase.Create();
        ExportAgreement.TrainBriefly(network, exportCase.Inputs(network, Batch, draw: 0), Batch);

        var agreement = ExportAgreement.Measure(network, exportCase.Inputs(network, Batch, draw: 1), Batch);
        // For checks outside .NET (docs/onnx.md: the ONNX checker), the models compared here can be kept.
        if (Environment.GetEnvironmentVariable("GRAPHGEN_ONNX_MODELS") is { Length: > 0 } directory)
            OnnxExport.Save(network, Path.Combine(Directory.CreateDirectory(directory).FullName, name + ".onnx"));

        output.WriteLine($"{network.Name}: {agreement.Outputs} output(s), {agreement.NoiseInputs} noise input(s), max |difference| {agreement.MaxAbsoluteDifference:E2}, relative to the output's scale {agreement.RelativeDifference:E2}");
        Assert.True(agreement.RelativeDifference <= Tolerance,
            $"{network.Name}: ONNX Runtime differs from Forward by {agreement.MaxAbsoluteDifference:E2} ({agreement.RelativeDifference:E2} of the output's scale; tolerance {Tolerance:E0})");
    }
}
