namespace GraphGen.Eager;

/// <summary>Learned lookups: token embeddings and position embeddings.</summary>
internal static class EagerEmbedding
{
    public static Tensor Lookup(Tensor ids, int vocabulary, int dimension, string name)
    {
        var table = ids.Session.Parameter(name + ".weight", [vocabulary, dimension], Init.SmallUniform, dimension, vocabulary);
        var y = new double[ids.Data.Length * dimension];
        for (int t = 0; t < ids.Data.Length; t++)
        {
            int id = (int)ids.Data[t];
            if (id < 0 || id >= vocabulary || id != ids.Data[t])
                throw new ArgumentOutOfRangeException(nameof(ids), ids.Data[t], $"Embedding '{name}': token {t} is {ids.Data[t]}, not an integer in 0..{vocabulary - 1}.");
            Array.Copy(table.Data, id * dimension, y, t * dimension, dimension);
        }
        return ids.Session.Record(ids.Batch, [ids.SampleSize, dimension], y, [ids], "embedding " + name, g =>
        {
            for (int t = 0; t < ids.Data.Length; t++)
            {
                int id = (int)ids.Data[t];
                for (int d = 0; d < dimension; d++) table.Grad[id * dimension + d] += g.Grad![t * dimension + d];
            }
        });
    }

    public static Tensor Positions(Tensor x, string name)
    {
        int tokens = x.Shape[0], width = x.Shape[1], size = x.SampleSize;
        var positions = x.Session.Parameter(name + ".weight", [tokens, width], Init.SmallUniform, width, tokens);
        var y = new double[x.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = x.Data[i] + positions.Data[i % size];
        return x.Session.Record(x.Batch, x.Shape, y, [x], "positions " + name, t =>
        {
            var dx = x.GradBuffer();
            for (int i = 0; i < y.Length; i++)
            {
                dx[i] += t.Grad![i];
                positions.Grad[i % size] += t.Grad[i];
            }
        });
    }
}
