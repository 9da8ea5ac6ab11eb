using System.Collections.Generic;
using System.Linq;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GraphGen.Generator.Parsing;

/// <summary>
/// Turns a [Forward], [Loss] or helper method into a <see cref="MethodSpec"/>: its parameters
/// (with [Shape] and [Labels]) and its statements. Constructs with no static meaning in a
/// graph (while, foreach, switch, try...) are reported here, on their own span.
/// </summary>
internal sealed class MethodParser(ParseContext context, string role)
{
    public MethodSpec Parse(IMethodSymbol method, MethodDeclarationSyntax syntax)
    {
        var model = context.ModelFor(syntax.SyntaxTree);
        var expressions = new ExpressionParser(context, model, role);
        var parameters = method.Parameters.Select(p => ParseParameter(p, syntax)).ToEquatableArray();

        List<Stmt> body;
        if (syntax.ExpressionBody is { } arrow)
            body = [new ReturnStmt(expressions.Parse(arrow.Expression), LocationInfo.From(arrow.Expression))];
        else if (syntax.Body is { } block)
            body = ParseStatements(block.Statements, expressions);
        else
            body = [];

        return new MethodSpec(method.Name, parameters, body.ToEquatableArray(), LocationInfo.From(syntax.Identifier.GetLocation()));
    }

    private ParameterSpec ParseParameter(IParameterSymbol parameter, MethodDeclarationSyntax method)
    {
        var syntax = method.ParameterList.Parameters.FirstOrDefault(p => p.Identifier.ValueText == parameter.Name);
        var location = syntax is null ? LocationInfo.From(method.Identifier.GetLocation()) : LocationInfo.From(syntax);
        string typeName = parameter.Type.ToDisplayString();
        var kind = typeName switch
        {
            KnownNames.Tensor => ParameterKind.Tensor,
            KnownNames.Tensor + "[]" => ParameterKind.TensorArray,
            "int" => ParameterKind.Int,
            "float" or "double" => ParameterKind.Float,
            "string" => ParameterKind.String,
            "bool" => ParameterKind.Bool,
            _ => ParameterKind.Unsupported,
        };

        var shape = new List<int>();
        bool hasShape = false, hasLabels = false;
        int labels = 0;
        foreach (var attribute in parameter.GetAttributes())
        {
            string? attributeName = attribute.AttributeClass?.ToDisplayString();
            if (attributeName == KnownNames.ShapeAttribute)
            {
                hasShape = true;
                foreach (var argument in attribute.ConstructorArguments)
                {
                    if (argument.Kind == TypedConstantKind.Array)
                        shape.AddRange(argument.Values.Select(v => v.Value is int i ? i : 0));
                    else if (argument.Value is int single)
                        shape.Add(single);
                }
            }
            else if (attributeName == KnownNames.LabelsAttribute && attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is int classes)
            {
                hasLabels = true;
                labels = classes;
            }
        }
        return new ParameterSpec(parameter.Name, kind, typeName, shape.ToEquatableArray(), hasShape, hasLabels, labels, location);
    }

    private List<Stmt> ParseStatements(IEnumerable<StatementSyntax> statements, ExpressionParser expressions)
    {
        var result = new List<Stmt>();
        foreach (var statement in statements)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ParseStatement(statement, expressions, result);
        }
        return result;
    }

    private void ParseStatement(StatementSyntax statement, ExpressionParser expressions, List<Stmt> into)
    {
        var location = LocationInfo.From(statement);
        switch (statement)
        {
            case BlockSyntax block:
                into.AddRange(ParseStatements(block.Statements, expressions));
                return;
            case EmptyStatementSyntax:
                return;
            case LocalDeclarationStatementSyntax local when !local.UsingKeyword.IsKind(SyntaxKind.UsingKeyword):
                foreach (var variable in local.Declaration.Variables)
                {
                    if (variable.Initializer is null)
                        Unsupported(variable, "A local without a value", "declare it with its value: 'var h = Relu(z);'");
                    else
                        into.Add(new LocalStmt(variable.Identifier.ValueText, expressions.Parse(variable.Initializer.Value), LocationInfo.From(variable)));
                }
                return;
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }
                when assignment.Left is IdentifierNameSyntax target && assignment.OperatorToken.Text is "=" or "+=" or "-=" or "*=" or "/=":
                into.Add(new AssignStmt(target.Identifier.ValueText, assignment.OperatorToken.Text, expressions.Parse(assignment.Right), location));
                return;
            case ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax array } access } element }
                when element.OperatorToken.Text == "=" && access.ArgumentList.Arguments.Count == 1:
                into.Add(new ElementAssignStmt(array.Identifier.ValueText, expressions.Parse(access.ArgumentList.Arguments[0].Expression), expressions.Parse(element.Right), location));
                return;
            case ReturnStatementSyntax { Expression: { } value }:
                into.Add(new ReturnStmt(expressions.Parse(value), location));
                return;
            case ForStatementSyntax loop:
                ParseFor(loop, expressions, into);
                return;
            case IfStatementSyntax branch:
                var whenTrue = new List<Stmt>();
                ParseStatement(branch.Statement, expressions, whenTrue);
                var whenFalse = new List<Stmt>();
                if (branch.Else is { } otherwise) ParseStatement(otherwise.Statement, expressions, whenFalse);
                into.Add(new IfStmt(expressions.Parse(branch.Condition), whenTrue.ToEquatableArray(), whenFalse.ToEquatableArray(), location));
                return;
            case WhileStatementSyntax or DoStatementSyntax:
                Unsupported(statement, "A while loop", "the graph is unrolled at compile time, so loops need constant bounds: write 'for (int t = 0; t < Steps; t++)'");
                return;
            case ForEachStatementSyntax:
                Unsupported(statement, "A foreach loop", "write 'for (int i = 0; i < N; i++)' with a constant N");
                return;
            case SwitchStatementSyntax:
                Unsupported(statement, "A switch statement", "use an 'if' on a compile-time constant");
                return;
            case ExpressionStatementSyntax expression:
                Unsupported(statement, "The statement '" + expression.Expression + "'", "assign the result to a local ('var h = ...;') or return it");
                return;
            default:
                Unsupported(statement, "A '" + statement.Kind().ToString().Replace("Statement", "").ToLowerInvariant() + "' statement",
                    "a network method may contain locals, assignments, constant-bound for loops, ifs on constants and return");
                return;
        }
    }

    private void ParseFor(ForStatementSyntax loop, ExpressionParser expressions, List<Stmt> into)
    {
        const string Shape = "write 'for (int i = start; i < end; i++)' (or i += step) with constant start and end";
        if (loop.Declaration is not { Variables.Count: 1 } declaration || declaration.Variables[0].Initializer is null
            || loop.Condition is not BinaryExpressionSyntax condition || condition.Left is not IdentifierNameSyntax conditionVariable
            || condition.OperatorToken.Text is not ("<" or "<=" or ">" or ">=")
            || loop.Incrementors.Count != 1)
        {
            Unsupported(loop.ForKeyword.Parent!, "This form of for loop", Shape);
            return;
        }
        string variable = declaration.Variables[0].Identifier.ValueText;
        int? step = loop.Incrementors[0] switch
        {
            PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax id } p when id.Identifier.ValueText == variable =>
                p.OperatorToken.Text == "++" ? 1 : -1,
            PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax id } p when id.Identifier.ValueText == variable =>
                p.OperatorToken.Text == "++" ? 1 : -1,
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax id } a when id.Identifier.ValueText == variable
                && context.ModelFor(loop.SyntaxTree).GetConstantValue(a.Right).Value is int s =>
                a.OperatorToken.Text == "+=" ? s : a.OperatorToken.Text == "-=" ? -s : null,
            _ => null,
        };
        if (step is null or 0 || conditionVariable.Identifier.ValueText != variable)
        {
            Unsupported(loop.ForKeyword.Parent!, "This form of for loop", Shape);
            return;
        }
        var body = new List<Stmt>();
        ParseStatement(loop.Statement, expressions, body);
        into.Add(new ForStmt(variable, expressions.Parse(declaration.Variables[0].Initializer!.Value), condition.OperatorToken.Text,
            expressions.Parse(condition.Right), step.Value, body.ToEquatableArray(), LocationInfo.From(loop)));
    }

    private void Unsupported(SyntaxNode node, string what, string instead) =>
        context.Report(DiagnosticDescriptors.UnsupportedConstruct, node, what, role, instead);
}
