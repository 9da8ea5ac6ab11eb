using GraphGen.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// Every activation struct of the runtime, closed: <c>Saved&lt;F&gt;</c> (a backward epilogue over a
/// saved slope) once for each F that saves its slope (<see cref="IForwardWithDerivative{TSelf}"/>).
/// </summary>
internal static class RuntimeActivations
{
    public static readonly Type[] All = Closed().ToArray();

    private static IEnumerable<Type> Closed()
    {
        var types = typeof(IActivation<>).Assembly.GetTypes().Where(t => t.IsValueType && Implements(t, typeof(IActivation<>))).ToList();
        var saving = types.Where(t => !t.IsGenericTypeDefinition && Implements(t, typeof(IForwardWithDerivative<>))).ToList();
        return types.SelectMany(t => t.IsGenericTypeDefinition ? saving.Select(f => t.MakeGenericType(f)) : [t]);
    }

    private static bool Implements(Type type, Type definition) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    /// <summary>"Gelu", "Saved&lt;Gelu&gt;".</summary>
    public static string Name(Type type) =>
        type.IsGenericType ? $"{type.Name.Split('`')[0]}<{string.Join(",", type.GetGenericArguments().Select(a => a.Name))}>" : type.Name;
}
