using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GraphGen.Kernels;

namespace GraphGen;

/// <summary>
/// Stochastic gradient descent with optional momentum and L2 weight decay, as torch.optim.SGD
/// (dampening 0): g = ∇ + λ·θ;  v = μ·v + g;  θ = θ − η·v  (θ = θ − η·g without momentum;
/// with Nesterov, θ = θ − η·(g + μ·v)).
/// </summary>
public sealed class Sgd : Optimizer
{
    private float[] _velocity = [];

    /// <summary>SGD as torch.optim.SGD with dampening 0.</summary>
    /// <param name="learningRate">The step size η: zero or a positive finite number.</param>
    /// <param name="momentum">μ, in [0, 1); 0 keeps no velocity state.</param>
    /// <param name="weightDecay">λ, the L2 penalty added to the gradient.</param>
    /// <param name="nesterov">True for Nesterov momentum (needs μ &gt; 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN, infinite or out of its range.</exception>
    /// <exception cref="ArgumentException">Nesterov momentum without momentum.</exception>
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

    /// <summary>μ, the decay of the velocity; 0 for plain SGD.</summary>
    public float Momentum { get; }

    /// <summary>True for Nesterov momentum: the step looks ahead along the velocity.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"SGD(lr={LearningRate:G4}, momentum={Momentum:G4}, weight_decay={WeightDecay:G4}{(Nesterov ? ", nesterov" : "")})";

    /// <summary>"momentum_buffer" (the velocity v, as PyTorch names it), or nothing without momentum.</summary>
    protected override IReadOnlyList<(string Name, float[] Values)> StateBuffers =>
        Momentum == 0 ? [] : [("momentum_buffer", _velocity)];

    /// <inheritdoc/>
    protected override void AllocateState(int count) => _velocity = Momentum == 0 ? [] : new float[count];

    /// <inheritdoc/>
    protected override unsafe void Update(Span<float> p, ReadOnlySpan<float> g)
    {
        float lr = LearningRate, wd = WeightDecay, mu = Momentum;
        fixed (float* pp = p, pg = g, pv = _velocity)
        {
            int n = p.Length;
            int ranges = ParallelUpdate.Ranges(n, 2 * ParallelUpdate.MinFloats, out int rangeFloats);
            if (ranges == 1)
            {
                UpdateRange(pp, pg, pv, 0, n, lr, wd, mu, Nesterov);
                return;
            }
            var work = _work ??= new Work();
            work.Set(pp, pg, pv, n, rangeFloats, lr, wd, mu, Nesterov);
            ParallelUpdate.Run(work, ranges);
            work.Set(null, null, null, 0, 0, 0, 0, 0, false);
        }
    }

    private Work? _work;

    /// <summary>One update split into ranges of the arena (reused from step to step).</summary>
    private sealed unsafe class Work : ParallelWork
    {
        private float* _p, _g, _v;
        private int _n, _rangeFloats;
        private float _lr, _wd, _mu;
        private bool _nesterov;

        public void Set(float* p, float* g, float* v, int n, int rangeFloats, float lr, float wd, float mu, bool nesterov)
        {
            _p = p; _g = g; _v = v; _n = n; _rangeFloats = rangeFloats; _lr = lr; _wd = wd; _mu = mu; _nesterov = nesterov;
        }

        public override void RunPart(int part)
        {
            int from = part * _rangeFloats;
            UpdateRange(_p, _g, _v, from, Math.Min(_n, from + _rangeFloats), _lr, _wd, _mu, _nesterov);
        }
    }

    /// <summary>Elements [from, to): vectors of 16, then 8, then one at a time, the same operations on each.</summary>
    private static unsafe void UpdateRange(float* pp, float* pg, float* pv, int from, int to, float lr, float wd, float mu, bool nesterov)
    {
        {
            int n = to, i = from;
            if (mu == 0)
            {
                if (Vector512.IsHardwareAccelerated)
                {
                    var vLr = Vector512.Create(lr); var vWd = Vector512.Create(wd);
                    for (; i <= n - 16; i += 16)
                    {
                        Sse.Prefetch0(pp + i + Adam.PrefetchFloats);
                        Sse.Prefetch0(pg + i + Adam.PrefetchFloats);
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
            if (Vector512.IsHardwareAccelerated)
            {
                var vLr = Vector512.Create(lr); var vWd = Vector512.Create(wd); var vMu = Vector512.Create(mu);
                for (; i <= n - 16; i += 16)
                {
                    Sse.Prefetch0(pp + i + Adam.PrefetchFloats);
                    Sse.Prefetch0(pg + i + Adam.PrefetchFloats);
                    Sse.Prefetch0(pv + i + Adam.PrefetchFloats);
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
