namespace GraphGen.Eager;

/// <summary>Loss functions with PyTorch's mean reduction, in double precision.</summary>
internal static class EagerLosses
{
    /// <summary>
    /// Softmax cross-entropy with class labels (stored as doubles in the target tensor), mean over
    /// the rows whose label is not <paramref name="ignoreLabel"/> (0 when there are none).
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels, int? ignoreLabel)
    {
        int classes = logits.Shape[^1], rows = logits.Data.Length / classes;
        if (labels.Data.Length != rows)
            throw new InvalidOperationException($"SoftmaxCrossEntropy: {rows} rows of logits but {labels.Data.Length} labels.");
        CheckLabels(labels.Data, classes, ignoreLabel);
        var probabilities = new double[logits.Data.Length];
        double total = 0;
        int scored = 0;
        for (int r = 0; r < rows; r++)
        {
            if ((int)labels.Data[r] == ignoreLabel) continue;
            scored++;
            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++) max = Math.Max(max, logits.Data[r * classes + j]);
            double sum = 0;
            for (int j = 0; j < classes; j++) sum += probabilities[r * classes + j] = Math.Exp(logits.Data[r * classes + j] - max);
            for (int j = 0; j < classes; j++) probabilities[r * classes + j] /= sum;
            int y = (int)labels.Data[r];
            total += Math.Log(sum) - (logits.Data[r * classes + y] - max);
        }
        return Scalar(logits, scored == 0 ? 0 : total / scored, "softmax_cross_entropy", [logits, labels], g =>
        {
            var dz = logits.GradBuffer();
            for (int r = 0; r < rows; r++)
            {
                if ((int)labels.Data[r] == ignoreLabel) continue;
                for (int j = 0; j < classes; j++)
                    dz[r * classes + j] += g * (probabilities[r * classes + j] - (j == (int)labels.Data[r] ? 1 : 0)) / scored;
            }
        });
    }

    /// <summary>
    /// Every label is a class index in 0..classes−1 or the ignored label, as the compiled
    /// network checks (NetworkGuard.Labels): another value would pick the logit of the next row,
    /// or one past the end, and give a wrong loss without an error.
    /// </summary>
    private static void CheckLabels(double[] labels, int classes, int? ignoreLabel)
    {
        for (int r = 0; r < labels.Length; r++)
        {
            double label = labels[r];
            if (label == ignoreLabel || (label >= 0 && label < classes && label == Math.Floor(label))) continue;
            throw new ArgumentOutOfRangeException(nameof(labels), label,
                $"SoftmaxCrossEntropy: label {r} is {label.ToString(System.Globalization.CultureInfo.InvariantCulture)}, but the logits have {classes} classes, so a label must be a class index in 0..{classes - 1}"
                + (ignoreLabel is { } ignored ? $" (or {ignored}, the label the loss ignores)." : "."));
        }
    }

    public static Tensor BinaryCrossEntropy(Tensor p, Tensor y)
    {
        EagerCheck.SameShape(p, y, "BinaryCrossEntropy");
        int n = p.Data.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
            total -= y.Data[i] * Math.Max(Math.Log(p.Data[i]), -100) + (1 - y.Data[i]) * Math.Max(Math.Log(1 - p.Data[i]), -100);
        return Scalar(p, total / n, "binary_cross_entropy", [p, y], g =>
        {
            var dp = p.GradBuffer();
            for (int i = 0; i < n; i++)
                dp[i] += g * (p.Data[i] - y.Data[i]) / Math.Max(p.Data[i] * (1 - p.Data[i]), 1e-12) / n;
        });
    }

    public static Tensor BinaryCrossEntropyWithLogits(Tensor z, Tensor y)
    {
        EagerCheck.SameShape(z, y, "BinaryCrossEntropyWithLogits");
        int n = z.Data.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
            total += Math.Max(z.Data[i], 0) - z.Data[i] * y.Data[i] + Math.Log(1 + Math.Exp(-Math.Abs(z.Data[i])));
        return Scalar(z, total / n, "binary_cross_entropy_with_logits", [z, y], g =>
        {
            var dz = z.GradBuffer();
            for (int i = 0; i < n; i++) dz[i] += g * (EagerElementwise.Sigmoid(z.Data[i]) - y.Data[i]) / n;
        });
    }

    public static Tensor MeanSquaredError(Tensor prediction, Tensor target)
    {
        EagerCheck.SameShape(prediction, target, "MeanSquaredError");
        int n = prediction.Data.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double d = prediction.Data[i] - target.Data[i];
            total += d * d;
        }
        return Scalar(prediction, total / n, "mse", [prediction, target], g =>
        {
            var dp = prediction.GradBuffer();
            for (int i = 0; i < n; i++) dp[i] += g * 2 * (prediction.Data[i] - target.Data[i]) / n;
        });
    }

    public static Tensor KlDivergence(Tensor mu, Tensor logVar)
    {
        EagerCheck.SameShape(mu, logVar, "KlDivergence");
        double total = 0;
        for (int i = 0; i < mu.Data.Length; i++)
            total += -0.5 * (1 + logVar.Data[i] - mu.Data[i] * mu.Data[i] - Math.Exp(logVar.Data[i]));
        int batch = mu.Batch;
        return Scalar(mu, total / batch, "kl_divergence", [mu, logVar], g =>
        {
            var dmu = mu.GradBuffer();
            var dlv = logVar.GradBuffer();
            for (int i = 0; i < mu.Data.Length; i++)
            {
                dmu[i] += g * mu.Data[i] / batch;
                dlv[i] += g * 0.5 * (Math.Exp(logVar.Data[i]) - 1) / batch;
            }
        });
    }

    private static Tensor Scalar(Tensor like, double value, string op, Tensor[] parents, Action<double> backward) =>
        like.Session.Record(1, [], [value], parents, op, t => backward(t.Grad![0]));
}
