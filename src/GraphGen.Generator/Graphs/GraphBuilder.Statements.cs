using System.Collections.Generic;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Model;

namespace GraphGen.Generator.Graphs;

internal sealed partial class GraphBuilder
{
    /// <summary>How a block ended: with a return value, or by running off its end.</summary>
    private readonly struct Outcome(Value? returned)
    {
        public Value? Returned { get; } = returned;
        public bool HasReturned => Returned is not null;
    }

    /// <summary>Control flow that could not be evaluated: stop the method, its error already reported.</summary>
    private static Outcome Abandoned => new(ErrorValue.Instance);

    private Outcome Execute(IEnumerable<Stmt> statements, Dictionary<string, Value> env)
    {
        foreach (var statement in statements)
        {
            var outcome = Execute(statement, env);
            if (outcome.HasReturned) return outcome;
        }
        return default;
    }

    private Outcome Execute(Stmt statement, Dictionary<string, Value> env)
    {
        try
        {
            return ExecuteCore(statement, env);
        }
        catch (NetworkLimitException e)
        {
            Report(DiagnosticDescriptors.NetworkTooLarge, statement.Location, e.Message);
            return Abandoned;
        }
    }

    private Outcome ExecuteCore(Stmt statement, Dictionary<string, Value> env)
    {
        switch (statement)
        {
            case LocalStmt local:
                Bind(env, local.Name, Evaluate(local.Value, env));
                return default;

            case AssignStmt assign:
                var value = assign.Operator == "="
                    ? Evaluate(assign.Value, env)
                    : Binary(assign.Operator.Substring(0, 1), Lookup(env, assign.Name, assign.Location), Evaluate(assign.Value, env), assign.Location);
                Bind(env, assign.Name, value);
                return default;

            case ElementAssignStmt element:
                var target = Lookup(env, element.Name, element.Location);
                var position = Evaluate(element.Index, env);
                var item = Evaluate(element.Value, env);
                if (target is ErrorValue || position is ErrorValue) return default;
                if (target is not ArrayValue array)
                {
                    Report(DiagnosticDescriptors.UnsupportedConstruct, element.Location, "Assigning an element of " + target.Describe(), _role, "assign elements of a 'new Tensor[n]' array");
                    return default;
                }
                if (ArrayIndex(array, position, element.Index.Location) is { } i) array.Elements[i] = item;
                return default;

            case ReturnStmt ret:
                return new Outcome(Evaluate(ret.Value, env));

            case IfStmt branch:
                var condition = Condition(branch.Condition, env, "The condition of this if");
                if (condition is null) return Abandoned;
                return Execute(condition.Value ? branch.Then : branch.Else, env);

            case ForStmt loop:
                return ExecuteFor(loop, env);

            default:
                return default;
        }
    }

    private Outcome ExecuteFor(ForStmt loop, Dictionary<string, Value> env)
    {
        var start = Evaluate(loop.Start, env);
        var bound = Evaluate(loop.Bound, env);
        if (start is not NumberValue { IsInteger: true } first)
        {
            NotConstantLoopBound(start, loop.Start.Location, "start");
            return Abandoned;
        }
        if (bound is not NumberValue { IsInteger: true } last)
        {
            NotConstantLoopBound(bound, loop.Bound.Location, "bound");
            return Abandoned;
        }
        int iterations = 0;
        for (long i = (long)first.Number; Compare(i, loop.Comparison, (long)last.Number); i += loop.Step)
        {
            if (++iterations > MaxUnrolledIterations)
            {
                Report(DiagnosticDescriptors.UnsupportedConstruct, loop.Location, $"A loop of more than {MaxUnrolledIterations} iterations", _role,
                    "the loop is unrolled into the graph; use fewer steps or a wider op");
                return Abandoned;
            }
            env[loop.Variable] = new NumberValue(i, true);
            var outcome = Execute(loop.Body, env);
            if (outcome.HasReturned) return outcome;
        }
        return default;
    }

    private static bool Compare(long i, string comparison, long bound) => comparison switch
    {
        "<" => i < bound,
        "<=" => i <= bound,
        ">" => i > bound,
        _ => i >= bound,
    };

    private void NotConstantLoopBound(Value value, LocationInfo location, string which)
    {
        if (value is ErrorValue) return;
        string text = value is UnknownValue u ? u.Text : value.Describe();
        Report(DiagnosticDescriptors.NonConstantArgument, location, $"The loop {which}", "a for loop", text);
    }

    /// <summary>Evaluates a condition that must be known at compile time.</summary>
    private bool? Condition(Expr expression, Dictionary<string, Value> env, string what)
    {
        var value = Evaluate(expression, env);
        switch (value)
        {
            case BoolValue b:
                return b.Flag;
            case ErrorValue:
                return null;
            case TensorValue:
                Report(DiagnosticDescriptors.DataDependentControlFlow, expression.Location, what,
                    "Express the choice with ops instead, e.g. Relu(x) for max(x, 0), or a mask multiplied in");
                return null;
            default:
                Report(DiagnosticDescriptors.NonConstantArgument, expression.Location, what, "a network method",
                    value is UnknownValue u ? u.Text : value.Describe());
                return null;
        }
    }

    private void Bind(Dictionary<string, Value> env, string name, Value value)
    {
        env[name] = value;
        if (value is TensorValue t) Name(t.Node, name, 2);
    }

    private Value Lookup(Dictionary<string, Value> env, string name, LocationInfo location)
    {
        if (env.TryGetValue(name, out var value)) return value;
        Report(DiagnosticDescriptors.UnsupportedConstruct, location, $"The variable '{name}'", _role,
            "only locals, parameters and loop variables of this method can be used; make outside values const fields");
        return ErrorValue.Instance;
    }
}
