using System.Numerics;

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

    protected override void Update(Span<float> p, ReadOnlySpan<float> g)
    {
        float lr = LearningRate, wd = WeightDecay, mu = Momentum;
        int i = 0;
        if (mu == 0)
        {
            var vLr = new Vector<float>(lr); var vWd = new Vector<float>(wd);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var theta = new Vector<float>(p[i..]);
                var grad = new Vector<float>(g[i..]) + vWd * theta;
                (theta - vLr * grad).CopyTo(p[i..]);
            }
            for (; i < p.Length; i++)
                p[i] -= lr * (g[i] + wd * p[i]);
            return;
        }
        Span<float> v = _velocity;
        {
            var vLr = new Vector<float>(lr); var vWd = new Vector<float>(wd); var vMu = new Vector<float>(mu);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var theta = new Vector<float>(p[i..]);
                var grad = new Vector<float>(g[i..]) + vWd * theta;
                var vel = vMu * new Vector<float>(v[i..]) + grad;
                vel.CopyTo(v[i..]);
                var direction = Nesterov ? grad + vMu * vel : vel;
                (theta - vLr * direction).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float grad = g[i] + wd * p[i];
            v[i] = mu * v[i] + grad;
            p[i] -= lr * (Nesterov ? grad + mu * v[i] : v[i]);
        }
    }
}
