using GraphGen.Kernels;

namespace GraphGen.Runtime.Tests;

/// <summary>The activations the kernel tests cover, by name, so that theories can list them.</summary>
public enum ActivationName { None, Relu, LeakyRelu, Sigmoid, Tanh, Gelu, Silu, Softplus }

/// <summary>Code generic over the activation, run with the runtime struct a name stands for.</summary>
internal interface IWithActivation
{
    void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct>;
}

/// <summary>
/// Test-side access to the runtime's activation structs by name, and independent references: f and
/// f′ written again here in double precision from their definitions, not taken from the runtime.
/// </summary>
internal static class ActivationCases
{
    public static TheoryData<ActivationName> All() => new(Enum.GetValues<ActivationName>());

    /// <summary>Runs <paramref name="body"/> with the struct for <paramref name="name"/> (leaky ReLU with <paramref name="slope"/>).</summary>
    public static void With<TBody>(ActivationName name, float slope, TBody body) where TBody : IWithActivation
    {
        switch (name)
        {
            case ActivationName.None: body.Run(new Identity()); break;
            case ActivationName.Relu: body.Run(new Relu()); break;
            case ActivationName.LeakyRelu: body.Run(new LeakyRelu(slope)); break;
            case ActivationName.Sigmoid: body.Run(new Sigmoid()); break;
            case ActivationName.Tanh: body.Run(new Tanh()); break;
            case ActivationName.Gelu: body.Run(new Gelu()); break;
            case ActivationName.Silu: body.Run(new Silu()); break;
            case ActivationName.Softplus: body.Run(new Softplus()); break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    /// <summary>True when f′ is evaluated from the input x rather than the output y.</summary>
    public static bool DerivativeFromInput(ActivationName name) => name is ActivationName.Gelu or ActivationName.Silu or ActivationName.Softplus;

    /// <summary>f(x) in double precision, from the definition.</summary>
    public static double Forward(ActivationName name, double x, double slope) => name switch
    {
        ActivationName.Relu => Math.Max(x, 0),
        ActivationName.LeakyRelu => x > 0 ? x : slope * x,
        ActivationName.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationName.Tanh => Math.Tanh(x),
        ActivationName.Gelu => 0.5 * x * (1 + SpecialFunctions.Erf(x / Math.Sqrt(2))),
        ActivationName.Silu => x / (1 + Math.Exp(-x)),
        ActivationName.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        _ => x,
    };

    /// <summary>f′ in double precision, in terms of what the saved tensor S holds: the output y, or the input x.</summary>
    public static double Derivative(ActivationName name, double s, double slope)
    {
        double sigma = 1 / (1 + Math.Exp(-s));
        return name switch
        {
            ActivationName.Relu => s > 0 ? 1 : 0,
            ActivationName.LeakyRelu => s > 0 ? 1 : slope,
            ActivationName.Sigmoid => s * (1 - s),
            ActivationName.Tanh => 1 - s * s,
            ActivationName.Gelu => 0.5 * (1 + SpecialFunctions.Erf(s / Math.Sqrt(2))) + s * Math.Exp(-0.5 * s * s) / Math.Sqrt(2 * Math.PI),
            ActivationName.Silu => sigma * (1 + s * (1 - sigma)),
            ActivationName.Softplus => sigma,
            _ => 1,
        };
    }

    /// <summary>What S holds for a pre-activation x: the output, or x itself when f′ needs the input.</summary>
    public static double Source(ActivationName name, double preActivation, double slope) =>
        DerivativeFromInput(name) ? preActivation : Forward(name, preActivation, slope);

    public static void Forward(ActivationName name, float slope, float[] x, float[] y) => With(name, slope, new ForwardCall(x, y));

    public static void Backward(ActivationName name, float slope, float[] source, float[] dy, float[] dx, bool accumulate) =>
        With(name, slope, new BackwardCall(source, dy, dx, accumulate));

    private readonly record struct ForwardCall(float[] X, float[] Y) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> => Activations.Forward(activation, X, Y);
    }

    private readonly record struct BackwardCall(float[] Source, float[] Dy, float[] Dx, bool Accumulate) : IWithActivation
    {
        public void Run<TAct>(TAct activation) where TAct : struct, IActivation<TAct> => Activations.Backward(activation, Source, Dy, Dx, Accumulate);
    }
}
