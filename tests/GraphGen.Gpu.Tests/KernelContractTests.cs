using System.Reflection;
using ILGPU;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// Generated GPU code calls <c>GraphGen.Gpu.Kernels.X.M(Device, the CPU call's arguments)</c>, so
/// each device kernel class must offer every public method of its CPU class with the same
/// parameters: names (arguments are passed by name), order, optional defaults, and types with
/// spans as device views. Checked here for the attention, embedding and stochastic families.
/// </summary>
public class KernelContractTests
{
    public static TheoryData<string> Kernels() => ["Softmax", "CausalSoftmax", "Permute", "BatchedGemm", "Embedding", "Dropout", "GaussianNoise"];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void TheDeviceKernelTakesTheCpuKernelsArguments(string name)
    {
        var cpu = typeof(GraphGen.Kernels.Softmax).Assembly.GetType("GraphGen.Kernels." + name, throwOnError: true)!;
        var device = typeof(GpuDevice).Assembly.GetType("GraphGen.Gpu.Kernels." + name, throwOnError: true)!;
        var cpuMethods = cpu.GetMethods(BindingFlags.Public | BindingFlags.Static);
        Assert.NotEmpty(cpuMethods);
        foreach (var method in cpuMethods)
        {
            string expected = Signature(method.GetParameters(), deviceForm: true);
            var candidates = device.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.Name == method.Name)
                .Select(m => m.GetParameters()).Where(p => p.Length > 0 && p[0].ParameterType == typeof(GpuDevice))
                .Select(p => Signature(p[1..], deviceForm: false)).ToList();
            Assert.True(candidates.Contains(expected), $"{name}.{method.Name}({expected}) has no device form; found: {string.Join(" | ", candidates)}");
        }
    }

    /// <summary>"type name[ = default], ..." with spans written as the device views that replace them.</summary>
    private static string Signature(System.Reflection.ParameterInfo[] parameters, bool deviceForm) => string.Join(", ", parameters.Select(p =>
    {
        var type = p.ParameterType;
        if (deviceForm && type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Span<>) || type.GetGenericTypeDefinition() == typeof(ReadOnlySpan<>)))
            type = typeof(ArrayView<>).MakeGenericType(type.GetGenericArguments());
        return $"{type} {p.Name}{(p.HasDefaultValue ? " = " + p.DefaultValue : "")}";
    }));
}
