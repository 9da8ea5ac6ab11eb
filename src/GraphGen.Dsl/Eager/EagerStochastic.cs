using GraphGen.Kernels;

namespace GraphGen.Eager;

/// <summary>
/// Dropout and sampling. The random numbers come from the runtime's counter-based generators
/// with the same (seed, stream, step) the generated code uses, so eager and compiled runs of a
/// network draw the same masks and noise.
/// </summary>
internal static class EagerStochastic
{
    public static Tensor Dropout(Tensor x, double p)
    {
        var session = x.Session;
        ulong seed = session.NextStreamSeed();
        if (!session.Training)
            return session.Record(x.Batch, x.Shape, (double[])x.Data.Clone(), [x], "dropout (inference)", t =>
            {
                var dx = x.GradBuffer();
                for (int i = 0; i < dx.Length; i++) dx[i] += t.Grad![i];
            });
        var ones = new float[x.Data.Length];
        Array.Fill(ones, 1f);
        var kept = new float[ones.Length];
        var mask = new float[ones.Length];
        Kernels.Dropout.Forward(ones, kept, mask, (float)p, seed, session.Step);
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = x.Data[i] * mask[i];
        return session.Record(x.Batch, x.Shape, y, [x], "dropout", t =>
        {
            var dx = x.GradBuffer();
            for (int i = 0; i < dx.Length; i++) dx[i] += t.Grad![i] * mask[i];
        });
    }

    public static Tensor Sample(Tensor mean, Tensor logVariance)
    {
        EagerCheck.SameShape(mean, logVariance, "Sample");
        var session = mean.Session;
        var noise = new float[mean.Data.Length];
        GaussianNoise.Fill(noise, session.NextStreamSeed(), session.Step);
        var z = new double[noise.Length];
        for (int i = 0; i < z.Length; i++) z[i] = mean.Data[i] + Math.Exp(0.5 * logVariance.Data[i]) * noise[i];
        return session.Record(mean.Batch, mean.Shape, z, [mean, logVariance], "sample", t =>
        {
            var dmu = mean.GradBuffer();
            var dlv = logVariance.GradBuffer();
            for (int i = 0; i < z.Length; i++)
            {
                dmu[i] += t.Grad![i];
                dlv[i] += t.Grad[i] * noise[i] * 0.5 * Math.Exp(0.5 * logVariance.Data[i]);
            }
        });
    }
}
