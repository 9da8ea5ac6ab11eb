namespace GraphGen.Kernels;

public static partial class BatchNorm
{
    // spatial = 1 (after a dense layer): x is [batch, channels] and a channel is a column. Walking
    // the rows with one running sum per channel does the same double operations in the same order
    // as the per-plane loops (one value per plane), without a call per value.

    private static void DenseForwardTraining(int batch, int channels, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> y, Span<float> savedMean, Span<float> savedInvStd, Span<float> runningMean, Span<float> runningVar, float momentum, float epsilon)
    {
        var work = KernelWorkspace.ForCurrentThread().Doubles(3 * channels);
        Span<double> mean = work.Slice(0, channels), squares = work.Slice(channels, channels), scale = work.Slice(2 * channels, channels);
        mean.Clear();
        squares.Clear();
        for (int b = 0; b < batch; b++)
        {
            var row = x.Slice(b * channels, channels);
            for (int c = 0; c < channels; c++) mean[c] += row[c];
        }
        for (int c = 0; c < channels; c++) mean[c] /= batch;
        for (int b = 0; b < batch; b++)
        {
            var row = x.Slice(b * channels, channels);
            for (int c = 0; c < channels; c++)
            {
                double d = row[c] - mean[c];
                squares[c] += d * d;
            }
        }
        for (int c = 0; c < channels; c++)
        {
            double invStd = 1.0 / Math.Sqrt(squares[c] / batch + epsilon);
            SaveStatistics(c, mean[c], invStd, squares[c], batch, savedMean, savedInvStd, runningMean, runningVar, momentum);
            scale[c] = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd;
        }
        for (int b = 0; b < batch; b++)
        {
            var row = x.Slice(b * channels, channels);
            var output = y.Slice(b * channels, channels);
            for (int c = 0; c < channels; c++)
                output[c] = (float)((row[c] - mean[c]) * scale[c] + (beta.IsEmpty ? 0.0 : beta[c]));
        }
    }

    private static void DenseBackward(int batch, int channels, ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma,
        ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, Span<float> dx, Span<float> dgamma, Span<float> dbeta, bool accumulate)
    {
        var work = KernelWorkspace.ForCurrentThread().Doubles(7 * channels);
        Span<double> sumDy = work.Slice(0, channels), sumDyCentered = work.Slice(channels, channels);
        work.Slice(0, 2 * channels).Clear();
        for (int b = 0; b < batch; b++)
        {
            var dyr = dy.Slice(b * channels, channels);
            var xr = x.Slice(b * channels, channels);
            for (int c = 0; c < channels; c++)
            {
                double g = dyr[c];
                sumDy[c] += g;
                sumDyCentered[c] += g * (xr[c] - (double)savedMean[c]);
            }
        }
        for (int c = 0; c < channels; c++)
        {
            float sumDyXhat = (float)(sumDyCentered[c] * savedInvStd[c]);
            if (!dgamma.IsEmpty) dgamma[c] = accumulate ? dgamma[c] + sumDyXhat : sumDyXhat;
            if (!dbeta.IsEmpty) dbeta[c] = accumulate ? dbeta[c] + (float)sumDy[c] : (float)sumDy[c];
        }
        if (batch == 0) return;
        // dx = a·dy + b·x̂ + c per channel, the coefficients as in the per-plane path.
        var coefficients = work;
        Span<double> ca = coefficients.Slice(2 * channels, channels), cb = coefficients.Slice(3 * channels, channels);
        Span<double> cc = coefficients.Slice(4 * channels, channels), means = coefficients.Slice(5 * channels, channels);
        Span<double> invStds = coefficients.Slice(6 * channels, channels);
        for (int c = 0; c < channels; c++)
        {
            double invStd = savedInvStd[c];
            double scale = (gamma.IsEmpty ? 1.0 : gamma[c]) * invStd / batch;
            ca[c] = scale * batch;
            cb[c] = -scale * (sumDyCentered[c] * invStd);
            cc[c] = -scale * sumDy[c];
            means[c] = savedMean[c];
            invStds[c] = invStd;
        }
        for (int b = 0; b < batch; b++)
        {
            var dyr = dy.Slice(b * channels, channels);
            var xr = x.Slice(b * channels, channels);
            var dxr = dx.Slice(b * channels, channels);
            for (int c = 0; c < channels; c++)
            {
                float g = (float)(ca[c] * dyr[c] + cb[c] * ((xr[c] - means[c]) * invStds[c]) + cc[c]);
                dxr[c] = accumulate ? dxr[c] + g : g;
            }
        }
    }
}
