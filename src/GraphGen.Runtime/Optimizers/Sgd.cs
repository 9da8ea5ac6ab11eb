using System.Runtime.Intrinsics;

namespace GraphGen;

/// <summary>
/// Stochastic gradient descent with optional momentum and L2 weight decay, as torch.optim.SGD
/// (dampening 0): g = ∇ + λ·θ;  v = μ·v + g;  θ = θ − η·v  (θ = θ − η·g without momentum;
/// with Nesterov, θ = θ − η·(g + μ·v)).
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = [];

    public Sgd(float learningRate, float momentum = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(learningRate, weightDecay)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1)");
        if (nesterov && momentum == 0)
            throw new ArgumentException("Nesterov momentum needs a momentum above zero.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    public float Momentum { get; }
    public bool Nesterov { get; }

    public override string ToString() =>
        $"SGD(lr={LearningRate:G4}, momentum={Momentum:G4}, weight_decay={WeightDecay:G4}{(Nesterov ? ", nesterov" : "")})";

    public override IReadOnlyList<(string Name, float[] Values)> State =>
        Momentum == 0 ? [] : [("momentum_buffer", _velocity)];

    protected override void AllocateState(int count) => _velocity = Momentum == 0 ? [] : new float[count];

    protected override unsafe void Update(Span<float> p, ReadOnlySpan<float> g)
    {
        float lr = LearningRate, wd = WeightDecay, mu = Momentum;
        fixed (float* pp = p, pg = g, pv = _velocity)
        {
            int n = p.Length, i = 0;
            if (mu == 0)
            {
                if (Vector512.IsHardwareAccelerated)
                {
                    var vLr = Vector512.Create(lr); var vWd = Vector512.Create(wd);
                    for (; i <= n - 16; i += 16)
                    {
                        var theta = Vector512.Load(pp + i);
                        var grad = Vector512.Load(pg + i) + vWd * theta;
                        Vector512.Store(theta - vLr * grad, pp + i);
                    }
                }
                if (Vector256.IsHardwareAccelerated)
                {
                    var vLr = Vector256.Create(lr); var vWd = Vector256.Create(wd);
                    for (; i <= n - 8; i += 8)
                    {
                        var theta = Vector256.Load(pp + i);
                        var grad = Vector256.Load(pg + i) + vWd * theta;
                        Vector256.Store(theta - vLr * grad, pp + i);
                    }
                }
                for (; i < n; i++)
                    pp[i] -= lr * (pg[i] + wd * pp[i]);
                return;
            }
            bool nesterov = Nesterov;
            if (Vector512.IsHardwareAccelerated)
            {
                var vLr = Vector512.Create(lr); var vWd = Vector512.Create(wd); var vMu = Vector512.Create(mu);
                for (; i <= n - 16; i += 16)
                {
                    var theta = Vector512.Load(pp + i);
                    var grad = Vector512.Load(pg + i) + vWd * theta;
                    var vel = vMu * Vector512.Load(pv + i) + grad;
                    Vector512.Store(vel, pv + i);
                    var direction = nesterov ? grad + vMu * vel : vel;
                    Vector512.Store(theta - vLr * direction, pp + i);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                var vLr = Vector256.Create(lr); var vWd = Vector256.Create(wd); var vMu = Vector256.Create(mu);
                for (; i <= n - 8; i += 8)
                {
                    var theta = Vector256.Load(pp + i);
                    var grad = Vector256.Load(pg + i) + vWd * theta;
                    var vel = vMu * Vector256.Load(pv + i) + grad;
                    Vector256.Store(vel, pv + i);
                    var direction = nesterov ? grad + vMu * vel : vel;
                    Vector256.Store(theta - vLr * direction, pp + i);
                }
            }
            for (; i < n; i++)
            {
                float grad = pg[i] + wd * pp[i];
                pv[i] = mu * pv[i] + grad;
                pp[i] -= lr * (nesterov ? grad + mu * pv[i] : pv[i]);
            }
        }
    }
}
