using TorchSharp;

namespace GraphGen.Peers;

/// <summary>
/// libtorch's SGEMM through TorchSharp (torch.mm, which is oneMKL's SGEMM in libtorch 2.10's CPU
/// build): GFLOP/s of square products, to see which instruction set oneMKL picks on this CPU
/// (run with MKL_VERBOSE=1 for its banner, or MKL_ENABLE_INSTRUCTIONS to cap it).
/// </summary>
public static class TorchSharpSgemm
{
    /// <summary>Best GFLOP/s of an n×n by n×n product with <paramref name="threads"/> threads.</summary>
    public static double Gflops(int n, int threads)
    {
        torch.set_num_threads(threads);
        using var a = torch.rand(n, n) - 0.5;
        using var b = torch.rand(n, n) - 0.5;
        double seconds = Bench.Measure.BestSeconds(() =>
        {
            using var scope = torch.NewDisposeScope();
            a.mm(b);
        }, runs: n >= 2048 ? 5 : 15);
        return Bench.Measure.GemmGflops(n, n, n, seconds);
    }
}
