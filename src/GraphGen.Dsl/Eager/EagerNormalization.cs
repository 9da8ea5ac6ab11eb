namespace GraphGen.Eager;

/// <summary>LayerNorm and BatchNorm, written out from their definitions.</summary>
internal static class EagerNormalization
{
    public static Tensor LayerNorm(Tensor x, string name, double epsilon)
    {
        int cols = x.Shape[^1], rows = x.Data.Length / cols;
        var gamma = x.Session.Parameter(name + ".weight", [cols], Init.Ones, cols, cols);
        var beta = x.Session.Parameter(name + ".bias", [cols], Init.Zeros, cols, cols);
        var groups = new int[rows][];
        for (int r = 0; r < rows; r++)
        {
            groups[r] = new int[cols];
            for (int c = 0; c < cols; c++) groups[r][c] = r * cols + c;
        }
        return Normalize(x, groups, i => i % cols, gamma, beta, epsilon, "layer_norm " + name);
    }

    public static Tensor BatchNorm(Tensor x, string name, double momentum, double epsilon)
    {
        int channels = x.Shape[0], spatial = x.SampleSize / channels;
        var session = x.Session;
        var gamma = session.Parameter(name + ".weight", [channels], Init.Ones, channels, channels);
        var beta = session.Parameter(name + ".bias", [channels], Init.Zeros, channels, channels);
        var runningMean = session.StateTensor(name + ".running_mean", channels, 0);
        var runningVar = session.StateTensor(name + ".running_var", channels, 1);
        var batches = session.StateTensor(name + ".num_batches_tracked", 1, 0);
        int Channel(int i) => i % x.SampleSize / spatial;
        if (!session.Training)
        {
            var y = new double[x.Data.Length];
            for (int i = 0; i < y.Length; i++)
            {
                int c = Channel(i);
                y[i] = gamma.Data[c] * (x.Data[i] - runningMean[c]) / Math.Sqrt(runningVar[c] + epsilon) + beta.Data[c];
            }
            return session.Record(x.Batch, x.Shape, y, [x], "batch_norm " + name, null);
        }
        var groups = new int[channels][];
        for (int c = 0; c < channels; c++)
        {
            var members = new List<int>();
            for (int b = 0; b < x.Batch; b++)
                for (int s = 0; s < spatial; s++) members.Add(b * x.SampleSize + c * spatial + s);
            groups[c] = [.. members];
            // Running statistics use the unbiased variance, as PyTorch does.
            double mean = members.Average(i => x.Data[i]);
            double variance = members.Sum(i => (x.Data[i] - mean) * (x.Data[i] - mean));
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mean;
            runningVar[c] = (1 - momentum) * runningVar[c] + momentum * variance / Math.Max(1, members.Count - 1);
        }
        batches[0] += 1;
        return Normalize(x, groups, Channel, gamma, beta, epsilon, "batch_norm " + name);
    }

    /// <summary>y = γ·x̂ + β with x̂ = (x − μ_g)/√(σ²_g + ε) over each group g of indices; the exact backward.</summary>
    private static Tensor Normalize(Tensor x, int[][] groups, Func<int, int> parameterIndex, EagerParameter gamma, EagerParameter beta, double epsilon, string op)
    {
        var xhat = new double[x.Data.Length];
        var invStd = new double[groups.Length];
        for (int g = 0; g < groups.Length; g++)
        {
            double mean = groups[g].Average(i => x.Data[i]);
            double variance = groups[g].Average(i => (x.Data[i] - mean) * (x.Data[i] - mean));
            invStd[g] = 1 / Math.Sqrt(variance + epsilon);
            foreach (int i in groups[g]) xhat[i] = (x.Data[i] - mean) * invStd[g];
        }
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = gamma.Data[parameterIndex(i)] * xhat[i] + beta.Data[parameterIndex(i)];
        return x.Session.Record(x.Batch, x.Shape, y, [x], op, t =>
        {
            var dx = x.GradBuffer();
            for (int g = 0; g < groups.Length; g++)
            {
                var members = groups[g];
                double n = members.Length, sumDy = 0, sumDyXhat = 0;
                foreach (int i in members)
                {
                    double dxhat = t.Grad![i] * gamma.Data[parameterIndex(i)];
                    sumDy += dxhat;
                    sumDyXhat += dxhat * xhat[i];
                    gamma.Grad[parameterIndex(i)] += t.Grad[i] * xhat[i];
                    beta.Grad[parameterIndex(i)] += t.Grad[i];
                }
                foreach (int i in members)
                {
                    double dxhat = t.Grad![i] * gamma.Data[parameterIndex(i)];
                    dx[i] += invStd[g] / n * (n * dxhat - sumDy - xhat[i] * sumDyXhat);
                }
            }
        });
    }
}
