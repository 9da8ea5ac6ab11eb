using System.Numerics;

namespace GraphGen;

/// <summary>
/// Adam (Kingma and Ba, 2015) as torch.optim.Adam, with L2 weight decay added to the gradient:
/// g = ∇ + λ·θ;  m = β₁·m + (1−β₁)·g;  v = β₂·v + (1−β₂)·g²;
/// θ = θ − η · (m / (1−β₁ᵗ)) / (sqrt(v / (1−β₂ᵗ)) + ε).
/// <see cref="AdamW"/> decouples the decay instead.
/// </summary>
public class Adam : Optimizer
{
    private float[] _m = [], _v = [];

    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "beta2 must be in [0, 1)");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        Beta1 = beta1; Beta2 = beta2; Epsilon = epsilon;
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }

    /// <summary>True for AdamW: θ is shrunk by (1 − η·λ) instead of adding λ·θ to the gradient.</summary>
    protected virtual bool DecoupledWeightDecay => false;

    public override string ToString() =>
        $"{GetType().Name}(lr={LearningRate:G4}, betas=({Beta1:G4}, {Beta2:G4}), eps={Epsilon:G4}, weight_decay={WeightDecay:G4})";

    public override IReadOnlyList<(string Name, float[] Values)> State => [("exp_avg", _m), ("exp_avg_sq", _v)];

    protected override void AllocateState(int count)
    {
        _m = new float[count];
        _v = new float[count];
    }

    protected override void Update(Span<float> p, ReadOnlySpan<float> g)
    {
        // Bias corrections in double, rounded once, as PyTorch does on the CPU.
        float correction1 = (float)(1 - Math.Pow(Beta1, StepCount));
        float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(Beta2, StepCount));
        float stepSize = LearningRate / correction1;
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        float l2 = DecoupledWeightDecay ? 0f : WeightDecay;
        float shrink = DecoupledWeightDecay ? 1f - LearningRate * WeightDecay : 1f;
        Span<float> m = _m, v = _v;

        int i = 0;
        var vB1 = new Vector<float>(b1); var vB2 = new Vector<float>(b2);
        var vOneMinusB1 = new Vector<float>(1 - b1); var vOneMinusB2 = new Vector<float>(1 - b2);
        var vL2 = new Vector<float>(l2); var vShrink = new Vector<float>(shrink);
        var vStep = new Vector<float>(stepSize); var vC2 = new Vector<float>(correction2Sqrt); var vEps = new Vector<float>(eps);
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var theta = new Vector<float>(p[i..]) * vShrink;
            var grad = new Vector<float>(g[i..]) + vL2 * theta;
            var mi = vB1 * new Vector<float>(m[i..]) + vOneMinusB1 * grad;
            var vi = vB2 * new Vector<float>(v[i..]) + vOneMinusB2 * grad * grad;
            mi.CopyTo(m[i..]);
            vi.CopyTo(v[i..]);
            var denominator = Vector.SquareRoot(vi) / vC2 + vEps;
            (theta - vStep * mi / denominator).CopyTo(p[i..]);
        }
        for (; i < p.Length; i++)
        {
            float theta = p[i] * shrink;
            float grad = g[i] + l2 * theta;
            m[i] = b1 * m[i] + (1 - b1) * grad;
            v[i] = b2 * v[i] + (1 - b2) * grad * grad;
            float denominator = MathF.Sqrt(v[i]) / correction2Sqrt + eps;
            p[i] = theta - stepSize * m[i] / denominator;
        }
    }
}

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019) as torch.optim.AdamW: decoupled weight decay
/// θ = θ·(1 − η·λ) before the Adam step; default λ = 0.01.
/// </summary>
public sealed class AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
    : Adam(learningRate, beta1, beta2, epsilon, weightDecay)
{
    protected override bool DecoupledWeightDecay => true;
}
