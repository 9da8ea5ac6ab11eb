namespace GraphGen.Eager;

/// <summary>Elementwise ops: arithmetic and activations, each with its derivative.</summary>
internal static class EagerElementwise
{
    public static Tensor Add(Tensor a, Tensor b) => Binary(a, b, "add", (x, y) => x + y, (x, y) => 1, (x, y) => 1);

    public static Tensor Subtract(Tensor a, Tensor b) => Binary(a, b, "sub", (x, y) => x - y, (x, y) => 1, (x, y) => -1);

    public static Tensor Multiply(Tensor a, Tensor b) => Binary(a, b, "mul", (x, y) => x * y, (x, y) => y, (x, y) => x);

    public static Tensor Divide(Tensor a, Tensor b) => Binary(a, b, "div", (x, y) => x / y, (x, y) => 1 / y, (x, y) => -x / (y * y));

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

    /// <summary>
    /// y = f(a, b) elementwise. Shapes agree, or one operand has one value per sample and is
    /// broadcast over the other's sample (its gradient then sums over the sample).
    /// </summary>
    private static Tensor Binary(Tensor a, Tensor b, string op, Func<double, double, double> f,
        Func<double, double, double> dfda, Func<double, double, double> dfdb)
    {
        bool broadcastA = false, broadcastB = false;
        if (a.Batch != b.Batch || !a.Shape.AsSpan().SequenceEqual(b.Shape))
        {
            broadcastB = b.SampleSize == 1 && a.Batch == b.Batch && !a.IsScalar;
            broadcastA = !broadcastB && a.SampleSize == 1 && a.Batch == b.Batch && !b.IsScalar;
            if (!broadcastA && !broadcastB) EagerCheck.SameShape(a, b, op);
        }
        var shape = broadcastA ? b.Shape : a.Shape;
        int n = broadcastA ? b.SampleSize : a.SampleSize;
        int length = broadcastA ? b.Data.Length : a.Data.Length;
        int Ia(int i) => broadcastA ? i / n : i;
        int Ib(int i) => broadcastB ? i / n : i;
        var y = new double[length];
        for (int i = 0; i < length; i++) y[i] = f(a.Data[Ia(i)], b.Data[Ib(i)]);
        return a.Session.Record(a.Batch, shape, y, [a, b], op, t =>
        {
            var da = a.GradBuffer();
            for (int i = 0; i < length; i++) da[Ia(i)] += t.Grad![i] * dfda(a.Data[Ia(i)], b.Data[Ib(i)]);
            var db = b.GradBuffer();
            for (int i = 0; i < length; i++) db[Ib(i)] += t.Grad![i] * dfdb(a.Data[Ia(i)], b.Data[Ib(i)]);
        });
    }

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double NormalCdf(double x) => 0.5 * (1 + Kernels.SpecialFunctions.Erf(x / Math.Sqrt(2)));

    /// <summary>φ(x), the standard normal density.</summary>
    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
}
