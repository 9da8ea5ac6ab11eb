namespace GraphGen.Eager;

/// <summary>y = x·Wᵀ + b over the last axis, W stored [out, in] as in torch.nn.Linear.</summary>
internal static class EagerDense
{
    public static Tensor Apply(Tensor x, int units, string name, bool bias, Init init)
    {
        if (x.IsScalar) throw new InvalidOperationException($"Dense '{name}': the input is a scalar.");
        int inFeatures = x.Shape[^1];
        int rows = x.Data.Length / inFeatures;
        var w = x.Session.Parameter(name + ".weight", [units, inFeatures], init, inFeatures, units);
        var b = bias ? x.Session.Parameter(name + ".bias", [units], Init.Zeros, inFeatures, units) : null;
        var shape = (int[])x.Shape.Clone();
        shape[^1] = units;
        var y = new double[rows * units];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < units; o++)
            {
                double sum = b?.Data[o] ?? 0;
                for (int i = 0; i < inFeatures; i++) sum += x.Data[r * inFeatures + i] * w.Data[o * inFeatures + i];
                y[r * units + o] = sum;
            }
        return x.Session.Record(x.Batch, shape, y, [x], "dense " + name, t =>
        {
            var dy = t.Grad!;
            var dx = x.GradBuffer();
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < units; o++)
                {
                    double g = dy[r * units + o];
                    if (g == 0) continue;
                    for (int i = 0; i < inFeatures; i++)
                    {
                        dx[r * inFeatures + i] += g * w.Data[o * inFeatures + i];
                        w.Grad[o * inFeatures + i] += g * x.Data[r * inFeatures + i];
                    }
                    if (b is not null) b.Grad[o] += g;
                }
        });
    }
}
