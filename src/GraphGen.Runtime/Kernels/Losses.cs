namespace GraphGen.Kernels;

/// <summary>
/// Loss functions with PyTorch's "mean" reduction, each computing the loss and, when a
/// gradient span is given, its gradient in the same pass. <c>weight</c> is the factor the
/// loss carries in the total (1 for a plain loss): gradients are scaled by it.
/// </summary>
public static class Losses
{
    /// <summary>
    /// Softmax cross-entropy with integer labels, mean over the batch:
    /// loss = (1/B) Σ_b [log Σ_j exp(z[b,j] − m_b) − (z[b, y_b] − m_b)], m_b = max_j z[b,j];
    /// dz[b,j] = weight · (softmax(z_b)[j] − [j = y_b]) / B.
    /// Shifting by the row maximum keeps it exact for logits of 1e4 and beyond.
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, Span<float> dlogits,
        int batch, int classes, float weight = 1f, bool accumulate = false)
    {
        bool wantGradient = !dlogits.IsEmpty;
        double total = 0;
        float gradScale = weight / batch;
        for (int b = 0; b < batch; b++)
        {
            var z = logits.Slice(b * classes, classes);
            float max = float.NegativeInfinity;
            foreach (float v in z) max = MathF.Max(max, v);
            float sum = 0f;
            for (int j = 0; j < classes; j++) sum += MathF.Exp(z[j] - max);
            float logSum = MathF.Log(sum);
            int y = labels[b];
            total += logSum - (z[y] - max);
            if (!wantGradient) continue;
            var dz = dlogits.Slice(b * classes, classes);
            float inv = 1f / sum;
            for (int j = 0; j < classes; j++)
            {
                float g = (MathF.Exp(z[j] - max) * inv - (j == y ? 1f : 0f)) * gradScale;
                dz[j] = accumulate ? dz[j] + g : g;
            }
        }
        return (float)(total / batch);
    }

    /// <summary>
    /// Binary cross-entropy on probabilities p ∈ [0, 1], mean over all B·n elements:
    /// loss = −mean(y·log p + (1−y)·log(1−p)), each log clamped at −100 as in PyTorch;
    /// dp = weight · (p − y) / max(p·(1−p), 1e−12) / (B·n).
    /// </summary>
    public static float BinaryCrossEntropy(ReadOnlySpan<float> p, ReadOnlySpan<float> y, Span<float> dp, int count,
        float weight = 1f, bool accumulate = false)
    {
        double total = 0;
        float gradScale = weight / count;
        for (int i = 0; i < count; i++)
        {
            float logP = MathF.Max(MathF.Log(p[i]), -100f);
            float log1mP = MathF.Max(MathF.Log(1f - p[i]), -100f);
            total -= y[i] * logP + (1f - y[i]) * log1mP;
            if (dp.IsEmpty) continue;
            float g = (p[i] - y[i]) / MathF.Max(p[i] * (1f - p[i]), 1e-12f) * gradScale;
            dp[i] = accumulate ? dp[i] + g : g;
        }
        return (float)(total / count);
    }

    /// <summary>
    /// Binary cross-entropy on logits z (sigmoid folded in, stable for any z), mean over B·n:
    /// loss = mean(max(z, 0) − z·y + log(1 + e^(−|z|)));  dz = weight · (σ(z) − y) / (B·n).
    /// </summary>
    public static float BinaryCrossEntropyWithLogits(ReadOnlySpan<float> z, ReadOnlySpan<float> y, Span<float> dz, int count,
        float weight = 1f, bool accumulate = false)
    {
        double total = 0;
        float gradScale = weight / count;
        for (int i = 0; i < count; i++)
        {
            total += MathF.Max(z[i], 0f) - z[i] * y[i] + MathF.Log(1f + MathF.Exp(-MathF.Abs(z[i])));
            if (dz.IsEmpty) continue;
            float g = (SpecialFunctions.Sigmoid(z[i]) - y[i]) * gradScale;
            dz[i] = accumulate ? dz[i] + g : g;
        }
        return (float)(total / count);
    }

    /// <summary>Mean squared error over all B·n elements: loss = mean((ŷ − y)²);  dŷ = weight · 2(ŷ − y) / (B·n).</summary>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> dprediction, int count,
        float weight = 1f, bool accumulate = false)
    {
        double total = 0;
        float gradScale = 2f * weight / count;
        for (int i = 0; i < count; i++)
        {
            float diff = prediction[i] - target[i];
            total += (double)diff * diff;
            if (dprediction.IsEmpty) continue;
            float g = diff * gradScale;
            dprediction[i] = accumulate ? dprediction[i] + g : g;
        }
        return (float)(total / count);
    }

    /// <summary>
    /// KL(N(μ, σ²) ‖ N(0, 1)) summed over the latent dimensions, mean over the batch (a VAE's
    /// regulariser), with log σ² = logVar: loss = (1/B) Σ_b Σ_j −½ (1 + lv − μ² − e^lv);
    /// dμ = weight · μ / B;  dlv = weight · ½ (e^lv − 1) / B.
    /// </summary>
    public static float KlDivergence(ReadOnlySpan<float> mu, ReadOnlySpan<float> logVar, Span<float> dmu, Span<float> dlogVar,
        int batch, int latent, float weight = 1f, bool accumulateMu = false, bool accumulateLogVar = false)
    {
        int count = batch * latent;
        if (mu.Length < count || logVar.Length < count)
            throw new ArgumentException($"KlDivergence: μ and log σ² need {count} values ({batch} × {latent}); got {mu.Length} and {logVar.Length}.");
        double total = 0;
        float scale = weight / batch;
        for (int i = 0; i < count; i++)
        {
            float e = MathF.Exp(logVar[i]);
            total += -0.5 * (1 + logVar[i] - (double)mu[i] * mu[i] - e);
            if (!dmu.IsEmpty)
            {
                float g = mu[i] * scale;
                dmu[i] = accumulateMu ? dmu[i] + g : g;
            }
            if (!dlogVar.IsEmpty)
            {
                float g = 0.5f * (e - 1f) * scale;
                dlogVar[i] = accumulateLogVar ? dlogVar[i] + g : g;
            }
        }
        return (float)(total / batch);
    }
}
