namespace GraphGen.Generator.Planning;

/// <summary>Short constructors for elementwise expressions, so op rules read like their math.</summary>
internal static class Map
{
    public static MapExpr Of(Operand operand) => new MapOperand(operand, Broadcast.Elementwise);
    public static MapExpr PerRow(Operand operand) => new MapOperand(operand, Broadcast.PerRow);
    public static MapExpr PerColumn(Operand operand) => new MapOperand(operand, Broadcast.PerColumn);
    public static MapExpr Const(double value) => new MapConstant(value);
    public static MapExpr Add(MapExpr a, MapExpr b) => new MapBinary("+", a, b);
    public static MapExpr Sub(MapExpr a, MapExpr b) => new MapBinary("-", a, b);
    public static MapExpr Mul(MapExpr a, MapExpr b) => new MapBinary("*", a, b);
    public static MapExpr Div(MapExpr a, MapExpr b) => new MapBinary("/", a, b);
    public static MapExpr Fn(string function, MapExpr argument) => new MapUnary(function, argument);
    public static MapExpr Activation(Ops.ActivationFunction function, double slope, MapExpr x) => new MapActivation(function, slope, x, false);
    public static MapExpr Derivative(Ops.ActivationFunction function, double slope, MapExpr s) => new MapActivation(function, slope, s, true);
    public static MapExpr Select(MapExpr condition, MapExpr whenPositive, MapExpr otherwise) => new MapSelect(condition, whenPositive, otherwise);

    /// <summary>scale·x + shift, without the factors that are 1 or 0.</summary>
    public static MapExpr Affine(MapExpr x, double scale, double shift)
    {
        MapExpr scaled = scale == 1 ? x : scale == -1 ? Fn("neg", x) : Mul(Const(scale), x);
        return shift == 0 ? scaled : shift < 0 ? Sub(scaled, Const(-shift)) : Add(scaled, Const(shift));
    }
}
