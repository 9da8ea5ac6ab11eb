namespace GraphGen.Eager;

/// <summary>Elementwise ops: arithmetic and activations, each with its derivative.</summary>
internal static class EagerElementwise
{
    public static Tensor Add(Tensor a, Tensor b) => Binary(a, b, "add", (x, y) => x + y, (x, y) => 1, (x, y) => 1);

    public static Tensor Subtract(Tensor a, Tensor b) => Binary(a, b, "sub", (x, y) => x - y, (x, y) => 1, (x, y) => -1);

    public static Tensor Multiply(Tensor a, Tensor b) => Binary(a, b, "mul", (x, y) => x * y, (x, y) => y, (x, y) => x);

    /// <summary>y = scale·x + shift.</summary>
    public static Tensor Affine(Tensor a, double scale, double shift, string op) =>
        Unary(a, op, x => scale * x + shift, (x, y) => scale);

    /// <summary>y = f(x), dx += dy · f′(x, y) (the derivative may use the input x or the output y).</summary>
    public static Tensor Unary(Tensor a, string op, Func<double, double> f, Func<double, double, double> derivative)
    {
        var y = new double[a.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = f(a.Data[i]);
        return a.Session.Record(a.Batch, a.Shape, y, [a], op, t =>
        {
            var dx = a.GradBuffer();
            for (int i = 0; i < y.Length; i++) dx[i] += t.Grad![i] * derivative(a.Data[i], y[i]);
        });
    }

    private static Tensor Binary(Tensor a, Tensor b, string op, Func<double, double, double> f,
        Func<double, double, double> dfda, Func<double, double, double> dfdb)
    {
        EagerCheck.SameShape(a, b, op);
        var y = new double[a.Data.Length];
        for (int i = 0; i < y.Length; i++) y[i] = f(a.Data[i], b.Data[i]);
        return a.Session.Record(a.Batch, a.Shape, y, [a, b], op, t =>
        {
            var da = a.GradBuffer();
            for (int i = 0; i < y.Length; i++) da[i] += t.Grad![i] * dfda(a.Data[i], b.Data[i]);
            var db = b.GradBuffer();
            for (int i = 0; i < y.Length; i++) db[i] += t.Grad![i] * dfdb(a.Data[i], b.Data[i]);
        });
    }

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double NormalCdf(double x) => 0.5 * (1 + Kernels.SpecialFunctions.Erf(x / Math.Sqrt(2)));

    /// <summary>φ(x), the standard normal density.</summary>
    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
}
