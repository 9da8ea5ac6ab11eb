namespace GraphGen.Eager;

/// <summary>C = op(A)·op(B) over the last two axes, for every sample and leading index.</summary>
internal static class EagerMatMul
{
    public static Tensor Apply(Tensor a, Tensor b, bool transposeA, bool transposeB)
    {
        int rank = a.Shape.Length;
        int ar = a.Shape[rank - 2], ac = a.Shape[rank - 1], br = b.Shape[rank - 2], bc = b.Shape[rank - 1];
        int m = transposeA ? ac : ar, k = transposeA ? ar : ac, n = transposeB ? br : bc;
        int count = a.Data.Length / (ar * ac);
        int[] shape = [.. a.Shape[..(rank - 2)], m, n];
        double A(double[] data, int g, int i, int p) => transposeA ? data[g * ar * ac + p * ac + i] : data[g * ar * ac + i * ac + p];
        double B(double[] data, int g, int p, int j) => transposeB ? data[g * br * bc + j * bc + p] : data[g * br * bc + p * bc + j];
        var c = new double[count * m * n];
        for (int g = 0; g < count; g++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += A(a.Data, g, i, p) * B(b.Data, g, p, j);
                    c[(g * m + i) * n + j] = sum;
                }
        return a.Session.Record(a.Batch, shape, c, [a, b], "matmul", t =>
        {
            var da = a.GradBuffer();
            var db = b.GradBuffer();
            for (int g = 0; g < count; g++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double dc = t.Grad![(g * m + i) * n + j];
                        for (int p = 0; p < k; p++)
                        {
                            // ∂C[i,j]/∂op(A)[i,p] = op(B)[p,j] and ∂C[i,j]/∂op(B)[p,j] = op(A)[i,p], mapped back to storage.
                            int ai = transposeA ? g * ar * ac + p * ac + i : g * ar * ac + i * ac + p;
                            int bi = transposeB ? g * br * bc + j * bc + p : g * br * bc + p * bc + j;
                            da[ai] += dc * b.Data[bi];
                            db[bi] += dc * a.Data[ai];
                        }
                    }
        });
    }
}
