namespace GraphGen.Examples.BackpropExercise;

/// <summary>One solution of the exercise, in plain loops over float arrays (run it with <c>-- --solution</c>).</summary>
public class Solution : IBackwardSteps
{
    private const int Classes = 10, Hidden = BatchNormMlp.Hidden, Inputs = 64;

    /// <inheritdoc/>
    public virtual float[] Loss(ForwardPass f)
    {
        // ∂/∂logits of −log softmax(logits)[y] is softmax(logits) − onehot(y); the mean divides by N.
        var d = new float[f.N * Classes];
        for (int r = 0; r < f.N; r++)
        {
            var row = f.Logits.AsSpan(r * Classes, Classes);
            float max = float.NegativeInfinity;
            foreach (float z in row) max = Math.Max(max, z);
            float sum = 0;
            for (int j = 0; j < Classes; j++) sum += MathF.Exp(row[j] - max);
            for (int j = 0; j < Classes; j++)
                d[r * Classes + j] = (MathF.Exp(row[j] - max) / sum - (j == f.Y[r] ? 1 : 0)) / f.N;
        }
        return d;
    }

    /// <inheritdoc/>
    public virtual (float[] DW2, float[] DB2, float[] DH) OutputLayer(ForwardPass f, float[] dlogits) =>
        DenseBackward(f.N, f.H, f.W2, dlogits, Hidden, Classes);

    /// <inheritdoc/>
    public virtual float[] Tanh(ForwardPass f, float[] dh)
    {
        // tanh′(x) = 1 − tanh²(x) = 1 − h².
        var d = new float[dh.Length];
        for (int i = 0; i < d.Length; i++) d[i] = dh[i] * (1 - f.H[i] * f.H[i]);
        return d;
    }

    /// <inheritdoc/>
    public virtual (float[] DGamma, float[] DBeta, float[] DHprebn) BatchNorm(ForwardPass f, float[] dhpreact)
    {
        int n = f.N;
        var dgamma = new float[Hidden];
        var dbeta = new float[Hidden];
        var dhprebn = new float[n * Hidden];
        var xhat = new float[n];
        for (int j = 0; j < Hidden; j++)
        {
            float mean = 0;
            for (int r = 0; r < n; r++) mean += f.Hprebn[r * Hidden + j];
            mean /= n;
            float variance = 0;
            for (int r = 0; r < n; r++) variance += (f.Hprebn[r * Hidden + j] - mean) * (f.Hprebn[r * Hidden + j] - mean);
            variance /= n;
            float invstd = 1 / MathF.Sqrt(variance + f.Epsilon);
            // dβ = Σ dy, dγ = Σ dy·x̂; and the three paths from hprebn[r, j] to the loss (directly,
            // through μ, through σ²) add up to γ·invstd/N · (N·dy − Σ dy − x̂·Σ dy·x̂).
            float sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < n; r++)
            {
                xhat[r] = (f.Hprebn[r * Hidden + j] - mean) * invstd;
                float dy = dhpreact[r * Hidden + j];
                sumDy += dy;
                sumDyXhat += dy * xhat[r];
            }
            dbeta[j] = sumDy;
            dgamma[j] = sumDyXhat;
            for (int r = 0; r < n; r++)
                dhprebn[r * Hidden + j] = f.Gamma[j] * invstd / n * (n * dhpreact[r * Hidden + j] - sumDy - xhat[r] * sumDyXhat);
        }
        return (dgamma, dbeta, dhprebn);
    }

    /// <inheritdoc/>
    public virtual (float[] DW1, float[] DB1, float[] DX) HiddenLayer(ForwardPass f, float[] dhprebn) =>
        DenseBackward(f.N, f.X, f.W1, dhprebn, Inputs, Hidden);

    /// <summary>
    /// y = x·Wᵀ + b, W [outputs, inputs]: dW = dyᵀ·x and db = Σ_r dy (summed over the batch, the
    /// index that is not in W or b), dx = dy·W (summed over the outputs).
    /// </summary>
    protected static (float[] DW, float[] DB, float[] DX) DenseBackward(int n, float[] x, float[] w, float[] dy, int inputs, int outputs)
    {
        var dw = new float[outputs * inputs];
        var db = new float[outputs];
        var dx = new float[n * inputs];
        for (int r = 0; r < n; r++)
            for (int o = 0; o < outputs; o++)
            {
                float g = dy[r * outputs + o];
                db[o] += g;
                for (int i = 0; i < inputs; i++)
                {
                    dw[o * inputs + i] += g * x[r * inputs + i];
                    dx[r * inputs + i] += g * w[o * inputs + i];
                }
            }
        return (dw, db, dx);
    }
}
