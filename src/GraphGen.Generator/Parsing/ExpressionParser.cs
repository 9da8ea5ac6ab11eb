using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GraphGen.Generator.Diagnostics;
using GraphGen.Generator.Model;
using GraphGen.Generator.Ops;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GraphGen.Generator.Parsing;

/// <summary>
/// Turns a C# expression of a network method into an <see cref="Expr"/>. Roslyn folds
/// constants for us (literals, const fields, 2 * Hidden); calls are bound to their
/// GraphGen.Nn op or to a helper method of the network class, with every argument named.
/// </summary>
internal sealed class ExpressionParser(ParseContext context, SemanticModel model, string methodRole)
{
    public Expr Parse(ExpressionSyntax syntax)
    {
        var location = LocationInfo.From(syntax);
        var constant = model.GetConstantValue(syntax, context.Cancellation);
        if (constant.HasValue && FromConstant(constant.Value, location) is { } folded)
            return folded;

        switch (syntax)
        {
            case ParenthesizedExpressionSyntax p:
                return Parse(p.Expression);
            case CastExpressionSyntax cast:
                return Parse(cast.Expression);
            case CheckedExpressionSyntax c:
                return Parse(c.Expression);
            case IdentifierNameSyntax identifier:
                return ParseIdentifier(identifier, location);
            case InvocationExpressionSyntax invocation:
                return ParseInvocation(invocation, location);
            case BinaryExpressionSyntax binary:
                return new BinaryExpr(binary.OperatorToken.Text, Parse(binary.Left), Parse(binary.Right), location);
            case PrefixUnaryExpressionSyntax unary when unary.OperatorToken.Text is "-" or "+" or "!":
                return new UnaryExpr(unary.OperatorToken.Text, Parse(unary.Operand), location);
            case ConditionalExpressionSyntax conditional:
                return new ConditionalExpr(Parse(conditional.Condition), Parse(conditional.WhenTrue), Parse(conditional.WhenFalse), location);
            case InterpolatedStringExpressionSyntax interpolated:
                return ParseInterpolated(interpolated, location);
            case TupleExpressionSyntax tuple:
                return new TupleExpr(tuple.Arguments.Select(a => Parse(a.Expression)).ToEquatableArray(), location);
            case ArrayCreationExpressionSyntax { Initializer: null } creation
                when creation.Type.RankSpecifiers.Count == 1 && creation.Type.RankSpecifiers[0].Sizes.Count == 1
                     && creation.Type.RankSpecifiers[0].Sizes[0] is not OmittedArraySizeExpressionSyntax:
                return new NewArrayExpr(Parse(creation.Type.RankSpecifiers[0].Sizes[0]), location);
            case ArrayCreationExpressionSyntax { Initializer: { } initializer }:
                return new ArrayLiteralExpr(initializer.Expressions.Select(Parse).ToEquatableArray(), location);
            case ImplicitArrayCreationExpressionSyntax implicitArray:
                return new ArrayLiteralExpr(implicitArray.Initializer.Expressions.Select(Parse).ToEquatableArray(), location);
            case CollectionExpressionSyntax collection when collection.Elements.All(e => e is ExpressionElementSyntax):
                return new ArrayLiteralExpr(collection.Elements.Select(e => Parse(((ExpressionElementSyntax)e).Expression)).ToEquatableArray(), location);
            case ElementAccessExpressionSyntax element when element.ArgumentList.Arguments.Count == 1:
                return new IndexExpr(Parse(element.Expression), Parse(element.ArgumentList.Arguments[0].Expression), location);
            case MemberAccessExpressionSyntax or ElementAccessExpressionSyntax:
                return new NonConstantExpr(syntax.ToString(), location);
            default:
                context.Report(DiagnosticDescriptors.UnsupportedConstruct, syntax,
                    "The expression '" + Shorten(syntax.ToString()) + "'", methodRole,
                    "write the graph with GraphGen.Nn ops, tensor arithmetic (+ - * /), constants, locals and constant-bound loops");
                return new NonConstantExpr(syntax.ToString(), location);
        }
    }

    private static Expr? FromConstant(object? value, LocationInfo location) => value switch
    {
        string s => new StringExpr(s, location),
        bool b => new BoolExpr(b, location),
        int or long or short or byte or sbyte or uint or ushort or ulong => new NumberExpr(System.Convert.ToDouble(value, CultureInfo.InvariantCulture), true, location),
        float f => new NumberExpr(f, false, location),
        double d => new NumberExpr(d, false, location),
        decimal m => new NumberExpr((double)m, false, location),
        _ => null,
    };

    private Expr ParseIdentifier(IdentifierNameSyntax identifier, LocationInfo location)
    {
        var symbol = model.GetSymbolInfo(identifier, context.Cancellation).Symbol;
        return symbol switch
        {
            ILocalSymbol or IParameterSymbol or null => new RefExpr(identifier.Identifier.ValueText, location),
            _ => new NonConstantExpr(identifier.Identifier.ValueText, location),
        };
    }

    private Expr ParseInterpolated(InterpolatedStringExpressionSyntax syntax, LocationInfo location)
    {
        var parts = new List<Expr>();
        foreach (var content in syntax.Contents)
        {
            if (content is InterpolatedStringTextSyntax text)
                parts.Add(new StringExpr(text.TextToken.ValueText, LocationInfo.From(text)));
            else if (content is InterpolationSyntax hole)
            {
                if (hole.AlignmentClause is not null || hole.FormatClause is not null)
                    context.Report(DiagnosticDescriptors.UnsupportedConstruct, hole, "A format or alignment in an interpolated name", methodRole, "write the hole without ':format' or ',alignment'");
                parts.Add(Parse(hole.Expression));
            }
        }
        return new InterpolatedExpr(parts.ToEquatableArray(), location);
    }

    private Expr ParseInvocation(InvocationExpressionSyntax invocation, LocationInfo location)
    {
        string name = invocation.Expression switch
        {
            IdentifierNameSyntax id => id.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            GenericNameSyntax generic => generic.Identifier.ValueText,
            _ => invocation.Expression.ToString(),
        };
        var info = model.GetSymbolInfo(invocation, context.Cancellation);
        var method = (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) as IMethodSymbol;

        CallTarget target;
        if (method is not null && method.ContainingType?.ToDisplayString() == KnownNames.Ops)
            target = CallTarget.Op;
        else if (method is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, context.Network)
                 && method.ReturnType.ToDisplayString() == KnownNames.Tensor)
        {
            target = CallTarget.Helper;
            context.RequestHelper(method);
        }
        else
        {
            string hint = OpCatalog.IsKnown(name)
                ? $"'{name}' is a GraphGen op: add 'using static GraphGen.Nn;' at the top of the file"
                : "Known ops: " + string.Join(", ", OpCatalog.Names) + ".";
            context.Report(DiagnosticDescriptors.UnknownMethod, invocation.Expression, name, hint);
            return new NonConstantExpr(invocation.ToString(), location);
        }

        // A call that does not bind (wrong argument count or types) is the compiler's error, reported
        // on it already: anything said about it here (missing arguments...) would only be noise.
        if (model.GetOperation(invocation, context.Cancellation) is not IInvocationOperation operation)
            return new InvalidExpr(invocation.ToString(), location);
        return new CallExpr(name, target, BindArguments(operation, invocation).ToEquatableArray(), location);
    }

    /// <summary>Names every argument after its parameter, fills in defaults, and expands params arrays.</summary>
    private List<ArgumentSpec> BindArguments(IInvocationOperation operation, InvocationExpressionSyntax invocation)
    {
        var result = new List<ArgumentSpec>();
        foreach (var argument in operation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0))
        {
            string parameter = argument.Parameter?.Name ?? "?";
            switch (argument.ArgumentKind)
            {
                case ArgumentKind.DefaultValue:
                    if (argument.Parameter is { HasExplicitDefaultValue: true } p &&
                        FromConstant(p.ExplicitDefaultValue, LocationInfo.From(invocation)) is { } value)
                        result.Add(new ArgumentSpec(parameter, value));
                    break;
                case ArgumentKind.ParamArray when argument.Value is IArrayCreationOperation { Initializer: { } init }:
                    foreach (var element in init.ElementValues)
                        result.Add(new ArgumentSpec(parameter, Parse(Unwrap(element).Syntax as ExpressionSyntax ?? (ExpressionSyntax)element.Syntax)));
                    break;
                default:
                    var syntax = argument.Syntax is ArgumentSyntax a ? a.Expression : (ExpressionSyntax)argument.Value.Syntax;
                    result.Add(new ArgumentSpec(parameter, Parse(syntax)));
                    break;
            }
        }
        return result;
    }

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : operation;

    private static string Shorten(string text) => text.Length <= 40 ? text : text.Substring(0, 37) + "...";
}
