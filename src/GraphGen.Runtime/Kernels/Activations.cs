using System.Runtime.Intrinsics;

namespace GraphGen.Kernels;

/// <summary>
/// Elementwise activations over whole tensors, vectorised with the same functions the GEMM
/// epilogues use (<see cref="VectorMath"/>): for activations that could not be fused into the
/// producing GEMM, e.g. a GELU whose input the backward pass still needs.
/// </summary>
public static class Activations
{
    /// <summary>y = act(x).</summary>
    public static void Forward(Activation activation, ReadOnlySpan<float> x, Span<float> y, float slope = 0.01f)
    {
        if (y.Length < x.Length) throw new ArgumentException($"Activations.Forward: y holds {y.Length} values but x holds {x.Length}.", nameof(y));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 16; i += 16)
                Apply(activation, Vector512.Create(x.Slice(i, 16)), slope).CopyTo(y.Slice(i, 16));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - 8; i += 8)
                Apply(activation, Vector256.Create(x.Slice(i, 8)), slope).CopyTo(y.Slice(i, 8));
        }
        for (; i < x.Length; i++) y[i] = Apply(activation, x[i], slope);
    }

    /// <summary>
    /// dx (+)= dy ⊙ act′(s), with s the activation's output for ReLU, leaky ReLU, sigmoid and tanh
    /// and its input for GELU (as in the GEMM backward epilogue).
    /// </summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> source, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate, float slope = 0.01f)
    {
        if (source.Length < dy.Length || dx.Length < dy.Length)
            throw new ArgumentException($"Activations.Backward: dy holds {dy.Length} values but the source holds {source.Length} and dx {dx.Length}.");
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= dy.Length - 16; i += 16)
            {
                var g = Vector512.Create(dy.Slice(i, 16)) * Derivative(activation, Vector512.Create(source.Slice(i, 16)), slope);
                (accumulate ? Vector512.Create(dx.Slice(i, 16)) + g : g).CopyTo(dx.Slice(i, 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= dy.Length - 8; i += 8)
            {
                var g = Vector256.Create(dy.Slice(i, 8)) * Derivative(activation, Vector256.Create(source.Slice(i, 8)), slope);
                (accumulate ? Vector256.Create(dx.Slice(i, 8)) + g : g).CopyTo(dx.Slice(i, 8));
            }
        }
        for (; i < dy.Length; i++)
        {
            float g = dy[i] * Derivative(activation, source[i], slope);
            dx[i] = accumulate ? dx[i] + g : g;
        }
    }

    private static float Apply(Activation a, float x, float slope) => a switch
    {
        Activation.Relu => MathF.Max(x, 0f),
        Activation.LeakyRelu => x > 0 ? x : slope * x,
        Activation.Sigmoid => SpecialFunctions.Sigmoid(x),
        Activation.Tanh => MathF.Tanh(x),
        Activation.Gelu => SpecialFunctions.Gelu(x),
        _ => x,
    };

    private static float Derivative(Activation a, float s, float slope) => a switch
    {
        Activation.Relu => s > 0 ? 1f : 0f,
        Activation.LeakyRelu => s > 0 ? 1f : slope,
        Activation.Sigmoid => s * (1f - s),
        Activation.Tanh => 1f - s * s,
        Activation.Gelu => SpecialFunctions.GeluDerivative(s),
        _ => 1f,
    };

    private static Vector512<float> Apply(Activation a, Vector512<float> x, float slope) => a switch
    {
        Activation.Relu => Vector512.Max(x, Vector512<float>.Zero),
        Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * slope),
        Activation.Sigmoid => VectorMath.Sigmoid(x),
        Activation.Tanh => VectorMath.Tanh(x),
        Activation.Gelu => VectorMath.Gelu(x),
        _ => x,
    };

    private static Vector256<float> Apply(Activation a, Vector256<float> x, float slope) => a switch
    {
        Activation.Relu => Vector256.Max(x, Vector256<float>.Zero),
        Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * slope),
        Activation.Sigmoid => VectorMath.Sigmoid(x),
        Activation.Tanh => VectorMath.Tanh(x),
        Activation.Gelu => VectorMath.Gelu(x),
        _ => x,
    };

    private static Vector512<float> Derivative(Activation a, Vector512<float> s, float slope) => a switch
    {
        Activation.Relu => Vector512.ConditionalSelect(Vector512.GreaterThan(s, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero),
        Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(s, Vector512<float>.Zero), Vector512<float>.One, Vector512.Create(slope)),
        Activation.Sigmoid => s * (Vector512<float>.One - s),
        Activation.Tanh => Vector512<float>.One - s * s,
        Activation.Gelu => VectorMath.GeluDerivative(s),
        _ => Vector512<float>.One,
    };

    private static Vector256<float> Derivative(Activation a, Vector256<float> s, float slope) => a switch
    {
        Activation.Relu => Vector256.ConditionalSelect(Vector256.GreaterThan(s, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero),
        Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(s, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(slope)),
        Activation.Sigmoid => s * (Vector256<float>.One - s),
        Activation.Tanh => Vector256<float>.One - s * s,
        Activation.Gelu => VectorMath.GeluDerivative(s),
        _ => Vector256<float>.One,
    };
}
