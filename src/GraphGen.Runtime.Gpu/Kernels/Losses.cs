using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

/// <summary>
/// The CPU's loss functions (<c>GraphGen.Kernels.Losses</c>) on the device: the same means and
/// gradients, each term computed by one thread (softmax cross-entropy: one warp per row, see
/// <see cref="WarpRows"/>) and the sum by <see cref="Reduction"/> (fixed order, no atomics). The
/// mean loss is written into <c>result[0]</c>, on the device: a training step downloads the loss
/// terms once, at its end.
/// </summary>
public static class Losses
{
    private static readonly Action<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int> SceRowsMethod = SceRows;
    private static readonly Action<ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, float, int, int, ArrayView<float>> SceGradientMethod = SceGradient;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, int, int, ArrayView<float>> ElementMethod = ElementTerms;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, int, int> KlMethod = KlTerms;

    private const int NoIgnoredLabel = int.MinValue;

    /// <summary>
    /// Softmax cross-entropy with integer labels, mean over the scored rows (those whose label is
    /// not <paramref name="ignoreLabel"/>): result[0] = loss; dlogits = weight·(softmax − onehot)/N
    /// when dlogits is not empty.
    /// </summary>
    public static void SoftmaxCrossEntropy(GpuDevice device, ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> dlogits,
        int rows, int cols, ArrayView<float> result, float weight = 1f, bool accumulate = false, int? ignoreLabel = null)
    {
        if (rows == 0) { Kernels.Elementwise.Clear(device, result.SubView(0, 1)); return; }
        int ignored = ignoreLabel ?? NoIgnoredLabel;
        var scratch = device.Scratch(2L * rows + 2);
        var terms = scratch.SubView(0, rows);
        var scored = scratch.SubView(rows, rows);
        var sums = scratch.SubView(2L * rows, 2);
        device.Kernel(SceRowsMethod.Method, a => a.LoadStreamKernel(SceRowsMethod))(WarpRows.Config(device, rows), logits, labels, scratch, rows, cols, ignored);
        Reduction.MeanOver(device, terms, scored, rows, sums, result);
        if (dlogits.Length > 0)
            device.Kernel(SceGradientMethod.Method, a => a.LoadStreamKernel(SceGradientMethod))(WarpRows.Config(device, rows), logits, labels, dlogits, cols, ignored, weight, accumulate ? 1 : 0, rows, sums);
    }

    /// <summary>Row r's term log Σ_j e^(z_j − m) − (z_y − m) into scratch[r], and 1 (scored) or 0 (ignored) into scratch[rows + r].</summary>
    private static void SceRows(ArrayView<float> z, ArrayView<int> labels, ArrayView<float> scratch, int rows, int cols, int ignored)
    {
        int r = WarpRows.Row;
        if (r >= rows) return;
        int label = labels[r];
        if (label == ignored)
        {
            if (Warp.IsFirstLane)
            {
                scratch[r] = 0f;
                scratch[rows + r] = 0f;
            }
            return;
        }
        long row = (long)r * cols;
        var (m, sum) = MaxAndExpSum(z, row, cols);
        if (Warp.IsFirstLane)
        {
            scratch[r] = MathF.Log(sum) - (z[row + label] - m);
            scratch[rows + r] = 1f;
        }
    }

    /// <summary>The row's largest logit m and Σ_j e^(z_j − m), in every lane of the row's warp.</summary>
    private static (float Max, float Sum) MaxAndExpSum(ArrayView<float> z, long row, int cols)
    {
        float m = float.NegativeInfinity;
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) m = MathF.Max(m, z[row + j]);
        m = WarpRows.Max(m);
        float sum = 0f;
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) sum += MathF.Exp(z[row + j] - m);
        return (m, WarpRows.Sum(sum));
    }

    private static void SceGradient(ArrayView<float> z, ArrayView<int> labels, ArrayView<float> dz, int cols, int ignored,
        float weight, int accumulate, int rows, ArrayView<float> sums)
    {
        int r = WarpRows.Row;
        if (r >= rows) return;
        long row = (long)r * cols;
        int label = labels[r];
        if (label == ignored || sums[1] <= 0f)
        {
            if (accumulate == 0)
                for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize) dz[row + j] = 0f;
            return;
        }
        float scale = weight / sums[1];
        var (m, sum) = MaxAndExpSum(z, row, cols);
        for (int j = Warp.LaneIdx; j < cols; j += Warp.WarpSize)
        {
            float g = (MathF.Exp(z[row + j] - m) / sum - (j == label ? 1f : 0f)) * scale;
            dz[row + j] = accumulate != 0 ? dz[row + j] + g : g;
        }
    }

    /// <summary>Binary cross-entropy on probabilities, mean over <paramref name="count"/> values; each log clamped at −100 (PyTorch).</summary>
    public static void BinaryCrossEntropy(GpuDevice device, ArrayView<float> p, ArrayView<float> y, ArrayView<float> dp, int count,
        ArrayView<float> result, float weight = 1f, bool accumulate = false) =>
        ElementwiseLoss(device, Kind.BinaryCrossEntropy, p, y, dp, count, result, weight, accumulate);

    /// <summary>Binary cross-entropy on logits (σ folded in), mean over <paramref name="count"/> values.</summary>
    public static void BinaryCrossEntropyWithLogits(GpuDevice device, ArrayView<float> z, ArrayView<float> y, ArrayView<float> dz, int count,
        ArrayView<float> result, float weight = 1f, bool accumulate = false) =>
        ElementwiseLoss(device, Kind.BinaryCrossEntropyWithLogits, z, y, dz, count, result, weight, accumulate);

    /// <summary>Mean squared error over <paramref name="count"/> values.</summary>
    public static void MeanSquaredError(GpuDevice device, ArrayView<float> prediction, ArrayView<float> target, ArrayView<float> dprediction, int count,
        ArrayView<float> result, float weight = 1f, bool accumulate = false) =>
        ElementwiseLoss(device, Kind.MeanSquaredError, prediction, target, dprediction, count, result, weight, accumulate);

    private enum Kind { BinaryCrossEntropy, BinaryCrossEntropyWithLogits, MeanSquaredError }

    private static void ElementwiseLoss(GpuDevice device, Kind kind, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dx, int count,
        ArrayView<float> result, float weight, bool accumulate)
    {
        if (count == 0) { Kernels.Elementwise.Clear(device, result.SubView(0, 1)); return; }
        var terms = device.Scratch(count);
        device.Kernel(ElementMethod.Method, a => a.LoadAutoGroupedStreamKernel(ElementMethod))(count, x, y, dx, terms, (int)kind, weight, count, accumulate ? 1 : 0, dx.Length > 0 ? dx : terms);
        Reduction.Sum(device, terms, count, result, 1f / count);
    }

    /// <summary>Element i's term, and its gradient when a gradient view is given (<paramref name="hasGradient"/> is it, else the terms again).</summary>
    private static void ElementTerms(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dx, ArrayView<float> terms,
        int kind, float weight, int count, int accumulate, ArrayView<float> hasGradient)
    {
        float xi = x[i], yi = y[i], term, g;
        if (kind == (int)Kind.BinaryCrossEntropy)
        {
            float logP = MathF.Max(MathF.Log(xi), -100f), log1mP = MathF.Max(MathF.Log(1f - xi), -100f);
            term = -(yi * logP + (1f - yi) * log1mP);
            g = (xi - yi) / MathF.Max(xi * (1f - xi), 1e-12f);
        }
        else if (kind == (int)Kind.BinaryCrossEntropyWithLogits)
        {
            term = MathF.Max(xi, 0f) - xi * yi + MathF.Log(1f + MathF.Exp(-MathF.Abs(xi)));
            g = SpecialFunctions.Sigmoid(xi) - yi;
        }
        else
        {
            float d = xi - yi;
            term = d * d;
            g = 2f * d;
        }
        terms[i] = term;
        if (dx.Length == 0) return;
        g *= weight / count;
        dx[i] = accumulate != 0 ? dx[i] + g : g;
    }

    /// <summary>
    /// KL(N(μ, σ²) ‖ N(0, 1)) summed over the latent axis, mean over the batch: result[0];
    /// dμ = weight·μ/B, dlogσ² = weight·½(σ² − 1)/B where the gradient views are not empty.
    /// </summary>
    public static void KlDivergence(GpuDevice device, ArrayView<float> mu, ArrayView<float> logVar, ArrayView<float> dmu, ArrayView<float> dlogVar,
        int batch, int latent, ArrayView<float> result, float weight = 1f, bool accumulateMu = false, bool accumulateLogVar = false)
    {
        int count = batch * latent;
        if (count == 0) { Kernels.Elementwise.Clear(device, result.SubView(0, 1)); return; }
        var terms = device.Scratch(count);
        device.Kernel(KlMethod.Method, a => a.LoadAutoGroupedStreamKernel(KlMethod))(count, mu, logVar, dmu, dlogVar, terms, batch, weight, accumulateMu ? 1 : 0, accumulateLogVar ? 1 : 0);
        Reduction.Sum(device, terms, count, result, 1f / batch);
    }

    private static void KlTerms(Index1D i, ArrayView<float> mu, ArrayView<float> logVar, ArrayView<float> dmu, ArrayView<float> dlv, ArrayView<float> terms,
        int batch, float weight, int accumulateMu, int accumulateLogVar)
    {
        float m = mu[i], lv = logVar[i], variance = MathF.Exp(lv);
        terms[i] = -0.5f * (1f + lv - m * m - variance);
        float scale = weight / batch;
        if (dmu.Length > 0)
        {
            float g = m * scale;
            dmu[i] = accumulateMu != 0 ? dmu[i] + g : g;
        }
        if (dlv.Length > 0)
        {
            float g = 0.5f * (variance - 1f) * scale;
            dlv[i] = accumulateLogVar != 0 ? dlv[i] + g : g;
        }
    }
}
