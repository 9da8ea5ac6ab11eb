namespace GraphGen.Eager;

/// <summary>Convolution and pooling over NCHW images, as direct loops from their definitions.</summary>
internal static class EagerConvolution
{
    public static Tensor Conv2d(Tensor x, int outChannels, int kernel, string name, int stride, int padding, int dilation, int groups, bool bias, Init init)
    {
        int c = x.Shape[0], h = x.Shape[1], w = x.Shape[2], cg = c / groups, og = outChannels / groups;
        int oh = (h + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1, ow = (w + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
        int fanIn = cg * kernel * kernel, fanOut = og * kernel * kernel;
        var weight = x.Session.Parameter(name + ".weight", [outChannels, cg, kernel, kernel], init, fanIn, fanOut);
        var b = bias ? x.Session.Parameter(name + ".bias", [outChannels], Init.Zeros, fanIn, fanOut) : null;
        int inSize = x.SampleSize, outSize = outChannels * oh * ow;
        // Visits every (output, input, weight) triple of the convolution.
        void Each(Action<int, int, int> visit)
        {
            for (int n = 0; n < x.Batch; n++)
                for (int o = 0; o < outChannels; o++)
                {
                    int g = o / og;
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++)
                            for (int ci = 0; ci < cg; ci++)
                                for (int u = 0; u < kernel; u++)
                                    for (int v = 0; v < kernel; v++)
                                    {
                                        int row = i * stride - padding + u * dilation, col = j * stride - padding + v * dilation;
                                        if (row < 0 || row >= h || col < 0 || col >= w) continue;
                                        visit(n * outSize + (o * oh + i) * ow + j, n * inSize + ((g * cg + ci) * h + row) * w + col, ((o * cg + ci) * kernel + u) * kernel + v);
                                    }
                }
        }
        var y = new double[x.Batch * outSize];
        if (b is not null)
            for (int i = 0; i < y.Length; i++) y[i] = b.Data[i % outSize / (oh * ow)];
        Each((yi, xi, wi) => y[yi] += x.Data[xi] * weight.Data[wi]);
        return x.Session.Record(x.Batch, [outChannels, oh, ow], y, [x], "conv2d " + name, t =>
        {
            var dx = x.GradBuffer();
            Each((yi, xi, wi) =>
            {
                dx[xi] += t.Grad![yi] * weight.Data[wi];
                weight.Grad[wi] += t.Grad[yi] * x.Data[xi];
            });
            if (b is not null)
                for (int i = 0; i < y.Length; i++) b.Grad[i % outSize / (oh * ow)] += t.Grad![i];
        });
    }

    public static Tensor Pool(Tensor x, int kernel, int stride, int padding, bool max)
    {
        int c = x.Shape[0], h = x.Shape[1], w = x.Shape[2];
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        int inSize = x.SampleSize, outSize = c * oh * ow;
        var y = new double[x.Batch * outSize];
        var winner = new int[y.Length];
        for (int n = 0; n < x.Batch; n++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        int yi = n * outSize + (ch * oh + i) * ow + j;
                        double best = double.NegativeInfinity, sum = 0;
                        int arg = -1;
                        for (int u = 0; u < kernel; u++)
                            for (int v = 0; v < kernel; v++)
                            {
                                int row = i * stride - padding + u, col = j * stride - padding + v;
                                if (row < 0 || row >= h || col < 0 || col >= w) continue;
                                int xi = n * inSize + (ch * h + row) * w + col;
                                sum += x.Data[xi];
                                if (x.Data[xi] > best) { best = x.Data[xi]; arg = xi; }
                            }
                        y[yi] = max ? best : sum / (kernel * kernel);
                        winner[yi] = arg;
                    }
        return x.Session.Record(x.Batch, [c, oh, ow], y, [x], max ? "max_pool" : "avg_pool", t =>
        {
            var dx = x.GradBuffer();
            for (int n = 0; n < x.Batch; n++)
                for (int ch = 0; ch < c; ch++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++)
                        {
                            int yi = n * outSize + (ch * oh + i) * ow + j;
                            if (max)
                            {
                                if (winner[yi] >= 0) dx[winner[yi]] += t.Grad![yi];
                                continue;
                            }
                            for (int u = 0; u < kernel; u++)
                                for (int v = 0; v < kernel; v++)
                                {
                                    int row = i * stride - padding + u, col = j * stride - padding + v;
                                    if (row < 0 || row >= h || col < 0 || col >= w) continue;
                                    dx[n * inSize + (ch * h + row) * w + col] += t.Grad![yi] / (kernel * kernel);
                                }
                        }
        });
    }

    public static Tensor GlobalAverage(Tensor x)
    {
        int c = x.Shape[0], plane = x.SampleSize / c;
        var y = new double[x.Batch * c];
        for (int i = 0; i < x.Data.Length; i++) y[i / plane] += x.Data[i] / plane;
        return x.Session.Record(x.Batch, [c], y, [x], "global_average_pool", t =>
        {
            var dx = x.GradBuffer();
            for (int i = 0; i < dx.Length; i++) dx[i] += t.Grad![i / plane] / plane;
        });
    }
}
