using System.Reflection;
using GraphGen.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// Every GPU kernel compiles to PTX for an H100/H200-class GPU (sm_90, PTX ISA 7.8), offline: no GPU and no
/// driver needed. The runtime's kernels are found through the static delegate fields that launch
/// them (generic ones closed over every activation), the generated ones as the static methods of
/// every generated GPU program; PTX rejects what the CPU accelerator accepts (a float function
/// without a device intrinsic, a double exp), so this is the check that they will load on CUDA.
/// </summary>
public class PtxCompilationTests
{
    private static readonly Type[] ActivationTypes = RuntimeActivations.All;

    public static TheoryData<string> RuntimeKernels()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in FindRuntimeKernels()) data.Add(name);
        return data;
    }

    public static TheoryData<string> GeneratedKernels()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in FindGeneratedKernels()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RuntimeKernels))]
    public void RuntimeKernelCompilesToPtx(string kernel) => CompilesToPtx(FindRuntimeKernels().Single(k => k.Name == kernel).Method);

    [Theory]
    [MemberData(nameof(GeneratedKernels))]
    public void GeneratedKernelCompilesToPtx(string kernel) => CompilesToPtx(FindGeneratedKernels().Single(k => k.Name == kernel).Method);

    [Fact]
    public void EveryActivationIsCovered() => Assert.Contains(ActivationTypes, t => t.Name == "Softplus");

    private static readonly Lazy<(Context Context, PTXBackend Backend)> Ptx = new(() =>
    {
        var context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
        return (context, new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_78, null!));
    });

    private static readonly object Gate = new();

    private static void CompilesToPtx(MethodInfo method)
    {
        bool implicitGroups = method.GetParameters().FirstOrDefault()?.ParameterType is { } first
            && (first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D));
        var entry = implicitGroups ? EntryPointDescription.FromImplicitlyGroupedKernel(method) : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        string ptx;
        lock (Gate)
            ptx = ((PTXCompiledKernel)Ptx.Value.Backend.Compile(entry, new KernelSpecialization())).PTXAssembly;
        // ILGPU 1.5.3 writes ".target sm_80" when asked for sm_90 (its newest PTX target): the CUDA
        // driver compiles that PTX for the H100/H200's sm_90 when it loads the module.
        Assert.Matches(@"\.target sm_(8\d|9\d)", ptx);
        Assert.Contains(".entry", ptx);
    }

    /// <summary>Each kernel the runtime launches: the method of every static delegate field of GraphGen.Gpu's types, generic ones closed over each activation.</summary>
    private static IEnumerable<(string Name, MethodInfo Method)> FindRuntimeKernels()
    {
        foreach (var type in typeof(GpuDevice).Assembly.GetTypes())
        {
            foreach (var closed in type.IsGenericTypeDefinition ? Close(type) : [type])
            {
                foreach (var field in closed.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public))
                {
                    if (!typeof(Delegate).IsAssignableFrom(field.FieldType) || !field.IsInitOnly) continue;
                    if (field.GetValue(null) is not Delegate kernel) continue;
                    yield return ($"{Describe(closed)}.{field.Name}", kernel.Method);
                }
            }
        }
    }

    /// <summary>The kernels generated for this assembly's networks: static methods of each GPU program taking an index first.</summary>
    private static IEnumerable<(string Name, MethodInfo Method)> FindGeneratedKernels() =>
        typeof(PtxCompilationTests).Assembly.GetTypes()
            .Where(t => t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(GpuProgram<>))
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
                .Where(m => m.GetParameters().FirstOrDefault()?.ParameterType == typeof(Index1D))
                .Select(m => ($"{t.DeclaringType!.Name}.{m.Name}", m)));

    /// <summary>A generic kernel holder closed over each activation (its one type parameter).</summary>
    private static IEnumerable<Type> Close(Type definition) =>
        definition.GetGenericArguments().Length == 1 ? ActivationTypes.Select(a => definition.MakeGenericType(a)) : [];

    private static string Describe(Type type) =>
        type.IsGenericType ? $"{type.DeclaringType?.Name}.{type.Name.Split('`')[0]}<{string.Join(",", type.GetGenericArguments().Select(RuntimeActivations.Name))}>" : $"{type.DeclaringType?.Name}{(type.DeclaringType is null ? "" : ".")}{type.Name}";
}
