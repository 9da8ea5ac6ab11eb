namespace GraphGen.Examples.EagerTape;

/// <summary>
/// micrograd in C#: a scalar that remembers the operation that made it and how to pass a gradient
/// back to its operands. The whole of reverse-mode automatic differentiation in one class; the
/// eager interpreter (src/GraphGen.Dsl/Eager/) is the same idea over tensors.
/// </summary>
public sealed class Scalar
{
    private readonly Scalar[] _operands;
    private Action _backward = () => { };

    /// <summary>A leaf: an input or a parameter.</summary>
    public Scalar(double value, string label = "") : this(value, [], label) { }

    private Scalar(double value, Scalar[] operands, string label)
    {
        Value = value;
        _operands = operands;
        Label = label;
    }

    /// <summary>The number computed in the forward pass.</summary>
    public double Value { get; }

    /// <summary>∂(the output Backward was called on)/∂(this), after <see cref="Backward"/>.</summary>
    public double Grad { get; private set; }

    /// <summary>A name for printing: "w1", "n", "o".</summary>
    public string Label { get; set; }

    /// <summary>a + b: the gradient reaches both operands unchanged.</summary>
    public static Scalar operator +(Scalar a, Scalar b)
    {
        var y = new Scalar(a.Value + b.Value, [a, b], "+");
        y._backward = () => { a.Grad += y.Grad; b.Grad += y.Grad; };
        return y;
    }

    /// <summary>a · b: each operand's gradient is the output's times the other operand.</summary>
    public static Scalar operator *(Scalar a, Scalar b)
    {
        var y = new Scalar(a.Value * b.Value, [a, b], "*");
        y._backward = () => { a.Grad += b.Value * y.Grad; b.Grad += a.Value * y.Grad; };
        return y;
    }

    /// <summary>tanh(a): tanh′ = 1 − tanh², from the output.</summary>
    public Scalar Tanh()
    {
        var y = new Scalar(Math.Tanh(Value), [this], "tanh");
        y._backward = () => Grad += (1 - y.Value * y.Value) * y.Grad;
        return y;
    }

    /// <summary>
    /// Backpropagation: orders the graph so that every node comes after its operands (a
    /// topological sort), seeds ∂self/∂self = 1 and runs each node's rule from the last to the
    /// first. Gradients add up (+=), so a value used twice receives both contributions.
    /// </summary>
    public IReadOnlyList<Scalar> Backward()
    {
        var order = new List<Scalar>();
        var visited = new HashSet<Scalar>(ReferenceEqualityComparer.Instance);
        void Visit(Scalar v)
        {
            if (!visited.Add(v)) return;
            foreach (var operand in v._operands) Visit(operand);
            order.Add(v);
        }
        Visit(this);
        Grad = 1;
        for (int i = order.Count - 1; i >= 0; i--) order[i]._backward();
        return order;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Label} = {Value:0.0000} (grad {Grad:0.0000})";
}
