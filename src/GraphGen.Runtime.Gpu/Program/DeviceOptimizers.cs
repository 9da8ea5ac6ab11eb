using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu;

/// <summary>
/// The optimizers of the CPU runtime (<see cref="Sgd"/>, <see cref="Adam"/>, <see cref="AdamW"/>)
/// applied on the device, with the same hyperparameters (read from the optimizer at every step, so
/// a schedule works) and the same update, element by element. Each optimizer's state (momentum,
/// moments) lives on the device, mirrored to the optimizer's own buffers when the host reads them
/// (a checkpoint), and sent back when the host may have written them (a checkpoint load).
/// </summary>
internal sealed class DeviceOptimizers(GpuDevice device, int parameterCount) : IDisposable
{
    private readonly ConditionalWeakTable<Optimizer, State> _states = new();
    private readonly List<State> _all = [];

    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, int> SgdMethod = SgdKernel;
    private static readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamConstants> AdamMethod = AdamKernel;

    public void Step(Optimizer optimizer, ArrayView<float> parameters, ArrayView<float> gradients)
    {
        var state = _states.GetValue(optimizer, o => Attach(o));
        state.SendIfHostChanged();
        optimizer.CountStep();
        int n = parameterCount;
        if (n == 0) return;
        switch (optimizer)
        {
            case Sgd sgd:
                device.Kernel(SgdMethod.Method, a => a.LoadAutoGroupedStreamKernel(SgdMethod))(n, parameters, gradients, state.View(0),
                    sgd.LearningRate, sgd.WeightDecay, sgd.Momentum, sgd.Momentum == 0 ? 0 : sgd.Nesterov ? 2 : 1);
                break;
            case Adam adam:
                // Bias corrections in double, rounded once, as the CPU update (and PyTorch) does.
                float correction1 = (float)(1 - Math.Pow(adam.Beta1, adam.StepCount));
                float correction2Sqrt = (float)Math.Sqrt(1 - Math.Pow(adam.Beta2, adam.StepCount));
                bool decoupled = adam is AdamW;
                var c = new AdamConstants(adam.Beta1, adam.Beta2, decoupled ? 0f : adam.WeightDecay, decoupled ? 1f - adam.LearningRate * adam.WeightDecay : 1f,
                    adam.LearningRate / correction1, correction2Sqrt, adam.Epsilon);
                device.Kernel(AdamMethod.Method, a => a.LoadAutoGroupedStreamKernel(AdamMethod))(n, parameters, gradients, state.View(0), state.View(1), c);
                break;
            default:
                throw new NotSupportedException($"{optimizer.GetType().Name} has no device form: train on the GPU with Sgd, Adam or AdamW, or on the CPU.");
        }
        state.DeviceChanged();
    }

    /// <summary>θ ← θ − η·(g + λθ) (plain), with momentum v ← μv + g, θ ← θ − η·v, Nesterov θ ← θ − η·(g + μv): Sgd's update.</summary>
    private static void SgdKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> v, float lr, float wd, float mu, int form)
    {
        float theta = p[i];
        float grad = g[i] + wd * theta;
        if (form == 0)
        {
            p[i] = theta - lr * grad;
            return;
        }
        float velocity = mu * v[i] + grad;
        v[i] = velocity;
        p[i] = theta - lr * (form == 2 ? grad + mu * velocity : velocity);
    }

    /// <summary>One step's constants of Adam's update.</summary>
    internal readonly record struct AdamConstants(float B1, float B2, float L2, float Shrink, float StepSize, float Correction2Sqrt, float Eps);

    /// <summary>Adam's (and AdamW's) update, the CPU's sequence of operations.</summary>
    private static void AdamKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamConstants c)
    {
        float theta = p[i] * c.Shrink;
        float grad = g[i] + c.L2 * theta;
        float mi = c.B1 * m[i] + (1 - c.B1) * grad;
        float vi = c.B2 * v[i] + (1 - c.B2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        float denominator = MathF.Sqrt(vi) / c.Correction2Sqrt + c.Eps;
        p[i] = theta - c.StepSize * mi / denominator;
    }

    private State Attach(Optimizer optimizer)
    {
        optimizer.EnsureState(parameterCount);
        var state = new State(device, optimizer, parameterCount);
        _all.Add(state);
        optimizer.Mirror = state;
        return state;
    }

    public void Dispose()
    {
        foreach (var state in _all) state.Dispose();
        _all.Clear();
    }

    /// <summary>One optimizer's state buffers on the device, and the bookkeeping of which copy is newer.</summary>
    private sealed class State : IStateMirror, IDisposable
    {
        private readonly Optimizer _optimizer;
        private readonly MemoryBuffer1D<float, Stride1D.Dense>[] _buffers;
        private readonly MemoryBuffer1D<float, Stride1D.Dense> _empty;
        private bool _deviceNewer, _hostMayHaveChanged = true;

        public State(GpuDevice device, Optimizer optimizer, int count)
        {
            _optimizer = optimizer;
            _buffers = optimizer.HostState.Select(_ => device.Accelerator.Allocate1D<float>(Math.Max(1, count))).ToArray();
            _empty = device.Accelerator.Allocate1D<float>(1);
        }

        public ArrayView<float> View(int index) => index < _buffers.Length ? _buffers[index].View : _empty.View;

        public void SendIfHostChanged()
        {
            if (!_hostMayHaveChanged) return;
            var host = _optimizer.HostState;
            for (int i = 0; i < _buffers.Length; i++) ((ArrayView<float>)_buffers[i].View).SubView(0, host[i].Values.Length).CopyFromCPU(host[i].Values);
            _hostMayHaveChanged = false;
        }

        public void DeviceChanged() => _deviceNewer = true;

        public void HandOutHostCopy()
        {
            if (_deviceNewer)
            {
                var host = _optimizer.HostState;
                for (int i = 0; i < _buffers.Length; i++) ((ArrayView<float>)_buffers[i].View).SubView(0, host[i].Values.Length).CopyToCPU(host[i].Values);
                _deviceNewer = false;
            }
            _hostMayHaveChanged = true;
        }

        /// <summary>The device copy is released (the network went back to the CPU): its newer values come home first.</summary>
        public void Dispose()
        {
            if (_deviceNewer) HandOutHostCopy();
            if (ReferenceEquals(_optimizer.Mirror, this)) _optimizer.Mirror = null;
            foreach (var buffer in _buffers) buffer.Dispose();
            _empty.Dispose();
        }
    }
}
