using GraphGen.Bench;
using TorchSharp;
using static TorchSharp.torch;

namespace GraphGen.Peers;

/// <summary>
/// TorchSharp (libtorch 2.10) as a peer: the Adam training step (zero the gradients, forward, mean
/// softmax cross-entropy, backward, update; lr 1e-4 and the default betas and epsilon, as GraphGen's
/// quick table) and inference (eval mode, inference mode: no autograd bookkeeping), timed with GraphGen.Bench's Measure.
/// Inputs and labels are made once; each call runs in a dispose scope so that libtorch frees its
/// temporaries at once instead of waiting for the garbage collector's finalizers.
/// </summary>
public static class TorchSharpPeer
{
    /// <summary>(training seconds, inference seconds) of a fresh network with <paramref name="threads"/> intra-op threads.</summary>
    public static (double Train, double Infer) Measure(PeerCase c, int threads)
    {
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        using var net = c.Build();
        var (x, y) = Batch(c);
        using var optimizer = torch.optim.Adam(net.parameters(), lr: 1e-4);
        net.train();
        double train = Bench.Measure.BestSeconds(() =>
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var logits = net.forward(x);
            var loss = nn.functional.cross_entropy(logits.reshape(-1, c.Classes), y.reshape(-1));
            loss.backward();
            optimizer.step();
        });
        net.eval();
        double infer = Bench.Measure.BestSeconds(() =>
        {
            using var scope = torch.NewDisposeScope();
            using var inference = torch.inference_mode(true);
            net.forward(x);
        });
        x.Dispose();
        y.Dispose();
        return (train, infer);
    }

    /// <summary>Inputs uniform in [-0.5, 0.5) and random labels, or token ids and per-position labels for the sequence case.</summary>
    private static (Tensor X, Tensor Y) Batch(PeerCase c)
    {
        long[] shape = [c.Batch, .. c.SampleShape];
        if (c.Sequence)
            return (torch.randint(0, c.Classes, shape, dtype: ScalarType.Int64), torch.randint(0, c.Classes, shape, dtype: ScalarType.Int64));
        return (torch.rand(shape) - 0.5, torch.randint(0, c.Classes, [c.Batch], dtype: ScalarType.Int64));
    }
}
