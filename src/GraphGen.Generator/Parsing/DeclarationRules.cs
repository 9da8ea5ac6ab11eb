using System.Collections.Generic;
using System.Linq;
using GraphGen.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GraphGen.Generator.Parsing;

/// <summary>
/// What a [Network] class must be for its generated half to compile beside it: a plain,
/// non-generic partial class in a file of its own scope, with no base class (the generated part
/// derives from GraphGen.CompiledNetwork), no constructor that bypasses the generated one, and no
/// member that collides with a generated member or hides an inherited one.
/// </summary>
internal static class DeclarationRules
{
    /// <summary>The members every generated network declares, and what each is.</summary>
    private static readonly Dictionary<string, string> Generated = new(System.StringComparer.Ordinal)
    {
        ["Layout"] = "the static Layout (sizes, parameter table, memory plan)",
        ["Description"] = "the static Description (summary and graphs)",
        ["RunForward"] = "the forward pass",
        ["RunLoss"] = "the loss",
        ["RunBackward"] = "the backward pass",
        // Written when the project references GraphGen.Gpu; reserved always, so that adding the GPU package never breaks a build.
        ["CreateDeviceExecution"] = "the GPU passes' factory (written when the project references GraphGen.Gpu)",
        ["GpuPasses"] = "the GPU passes (written when the project references GraphGen.Gpu)",
    };

    /// <summary>Protected members of the base class that the generated passes call: even an overload would be chosen instead.</summary>
    private static readonly HashSet<string> CalledByGeneratedCode = new(System.StringComparer.Ordinal)
    {
        "Seed", "TrainingSteps", "EvaluationSteps", "Observe", "ArenaView", "ParameterView", "StateView", "FixedView", "GradientView", "InputGradientView",
    };

    private const string CompiledNetwork = "GraphGen.CompiledNetwork";
    private const string TrainableNetwork = "GraphGen.TrainableNetwork`1";

    public static void CheckDeclaration(INamedTypeSymbol type, ClassDeclarationSyntax declaration, ParseContext context)
    {
        var identifier = LocationInfo.From(declaration.Identifier.GetLocation());
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, identifier, type.Name));
        if (type.IsGenericType)
            Unsupported(context, identifier, $"Network class '{type.Name}' is generic: a network's shapes are fixed at compile time, so declare it without type parameters");
        if (type.IsStatic || type.IsAbstract)
            Unsupported(context, identifier,
                $"Network class '{type.Name}' is {(type.IsStatic ? "static" : "abstract")}: GraphGen generates instance members and a constructor, so declare it as a plain 'partial class'");
        if (declaration.ParameterList is not null)
            Unsupported(context, LocationInfo.From(declaration.ParameterList),
                $"Network class '{type.Name}' has a primary constructor, which the generated constructor could not call: declare the class without parameters and keep settings in const fields");
        for (var outer = declaration.Parent as TypeDeclarationSyntax; outer is not null; outer = outer.Parent as TypeDeclarationSyntax)
        {
            if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword) || outer.TypeParameterList is not null || outer is not ClassDeclarationSyntax)
                Unsupported(context, identifier, $"Network class '{type.Name}' is nested in '{outer.Identifier.ValueText}', which must then be a non-generic 'partial class' too");
        }
        for (var t = type; t is not null; t = t.ContainingType)
        {
            if (t.IsFileLocal)
                Unsupported(context, identifier,
                    $"{(t.Equals(type, SymbolEqualityComparer.Default) ? "Network class" : "The class containing")} '{t.Name}' is file-local ('file'): the generated half lives in another file, so declare it 'internal' instead");
        }
        CheckBaseClass(type, context);
    }

    /// <summary>A base class in any part of the declaration: the generated part already derives from GraphGen.CompiledNetwork.</summary>
    private static void CheckBaseClass(INamedTypeSymbol type, ParseContext context)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.Cancellation) is not ClassDeclarationSyntax { BaseList: { } bases } part) continue;
            var model = context.ModelFor(part.SyntaxTree);
            foreach (var baseType in bases.Types)
            {
                if (model.GetTypeInfo(baseType.Type, context.Cancellation).Type is not INamedTypeSymbol { TypeKind: TypeKind.Class } declared) continue;
                Unsupported(context, LocationInfo.From(baseType),
                    $"Network class '{type.Name}' derives from '{declared.Name}', but its generated half derives from GraphGen.CompiledNetwork (or TrainableNetwork<T>), " +
                    $"and a class has one base class: remove ': {baseType}' (keep a {declared.Name} in a field instead)");
            }
        }
    }

    /// <summary>
    /// Members of the user's class that the generated half would collide with (CS0102, CS0111), hide
    /// (a warning, and worse: generated code calling the user's member), or not be able to construct.
    /// </summary>
    public static void CheckMembers(INamedTypeSymbol type, bool trainable, bool inputGradient, ParseContext context)
    {
        var inherited = InheritedMembers(context.Compilation, trainable);
        if (Generated.ContainsKey(type.Name) || inputGradient && type.Name == "InputGradient")
            Collision(context, type.Locations.FirstOrDefault(),
                $"Network class '{type.Name}' has the name of a member GraphGen generates in it ({What(type.Name)}), and a member cannot be named like its class: rename the class");
        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.FirstOrDefault() is not { IsInSource: true } location) continue;
            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor, IsStatic: false } constructor)
            {
                CheckConstructor(type, constructor, context);
                continue;
            }
            if (member is IMethodSymbol { MethodKind: not MethodKind.Ordinary }) continue; // accessors, operators, finalizers
            string name = member.Name;
            if (Generated.ContainsKey(name) || inputGradient && name == "InputGradient")
            {
                Collision(context, location,
                    $"'{name}' is a member GraphGen generates in every network ({What(name)}): rename yours");
                continue;
            }
            if (!inherited.TryGetValue(name, out var bases)) continue;
            // A public method of another signature is an overload, as a [Forward] method called Forward is.
            if (member is IMethodSymbol method && !CalledByGeneratedCode.Contains(name)
                && bases.All(b => b is IMethodSymbol m && !SameParameters(m, method) && b.DeclaredAccessibility == Accessibility.Public))
                continue;
            var hidden = bases[0];
            Collision(context, location,
                $"'{name}' would hide {hidden.ContainingType.Name}.{name}, which every network inherits from GraphGen.{hidden.ContainingType.Name}" +
                (CalledByGeneratedCode.Contains(name) ? " and the generated code calls" : "") + ": rename yours");
        }
        CheckTypeNamedVar(type, context);
    }

    private static void CheckConstructor(INamedTypeSymbol type, IMethodSymbol constructor, ParseContext context)
    {
        // A primary constructor (reported with the class) has no declaration of its own.
        if (constructor.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.Cancellation) is not ConstructorDeclarationSyntax syntax) return;
        var location = constructor.Locations[0];
        if (constructor.Parameters.Length == 2 && constructor.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32))
            Collision(context, location,
                $"The constructor {type.Name}(int, int) has the signature of the one GraphGen generates, {type.Name}(int batchCapacity = 64, int seed = 0): give yours other parameters and call the generated one with ': this(batchCapacity, seed)'");
        else if (syntax.Initializer is not { ThisOrBaseKeyword.RawKind: (int)SyntaxKind.ThisKeyword })
            Collision(context, location,
                $"A constructor of network '{type.Name}' must call the generated one, which allocates the network's buffers: add ': this(batchCapacity, seed)', e.g. ': this(64, 0)'");
    }

    /// <summary>Generated code declares its locals with 'var': a type named var in scope would turn them into that type.</summary>
    private static void CheckTypeNamedVar(INamedTypeSymbol type, ParseContext context)
    {
        var declaration = type.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.Cancellation) as TypeDeclarationSyntax;
        if (declaration is null) return;
        var model = context.ModelFor(declaration.SyntaxTree);
        foreach (var found in model.LookupNamespacesAndTypes(declaration.OpenBraceToken.Span.End, name: "var"))
        {
            if (!InScopeOfGeneratedCode(found, type)) continue;
            var at = found.Locations.FirstOrDefault(l => l.IsInSource) ?? type.Locations[0];
            Collision(context, at,
                $"A type named 'var' ({found.ToDisplayString()}) is in scope of network '{type.Name}': the generated code declares its locals with 'var', which would then mean this type; rename it");
        }
    }

    /// <summary>
    /// Whether the generated file sees <paramref name="found"/>: a type of the network's own namespaces
    /// or containing types (it has no using directives, so the user's imports and aliases do not count).
    /// </summary>
    private static bool InScopeOfGeneratedCode(ISymbol found, INamedTypeSymbol network)
    {
        if (found is not INamedTypeSymbol) return false;
        for (ISymbol? scope = network; scope is not null; scope = scope.ContainingSymbol)
            if (SymbolEqualityComparer.Default.Equals(found.ContainingSymbol, scope)) return true;
        return false;
    }

    /// <summary>Accessible members of the runtime base classes by name (none when the runtime is not referenced).</summary>
    private static Dictionary<string, List<ISymbol>> InheritedMembers(Compilation compilation, bool trainable)
    {
        var result = new Dictionary<string, List<ISymbol>>(System.StringComparer.Ordinal);
        foreach (string metadataName in trainable ? new[] { CompiledNetwork, TrainableNetwork } : new[] { CompiledNetwork })
        {
            if (compilation.GetTypeByMetadataName(metadataName) is not { } baseType) continue;
            foreach (var member in baseType.GetMembers())
            {
                if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor }) continue;
                if (member.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal)) continue;
                if (member is IMethodSymbol { AssociatedSymbol: not null }) continue; // property accessors
                if (!result.TryGetValue(member.Name, out var list)) result[member.Name] = list = [];
                list.Add(member);
            }
        }
        return result;
    }

    private static bool SameParameters(IMethodSymbol a, IMethodSymbol b) =>
        a.Parameters.Length == b.Parameters.Length
        && a.Parameters.Zip(b.Parameters, (p, q) => SymbolEqualityComparer.Default.Equals(p.Type, q.Type) && p.RefKind == q.RefKind).All(same => same);

    private static string What(string name) => Generated.TryGetValue(name, out var what) ? what : "dLoss/dInput, for [Network(InputGradient = true)]";

    private static void Collision(ParseContext context, Location? location, string message) =>
        context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberCollision, location is null ? null : LocationInfo.From(location), message));

    private static void Unsupported(ParseContext context, LocationInfo location, string message) =>
        context.Diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, location, message));
}
