using System.Collections.Generic;

namespace GraphGen.Generator.Emit;

/// <summary>
/// Where the rendered steps run: the CPU (calls into GraphGen.Kernels, loops inline) or a GPU
/// (calls into GraphGen.Gpu.Kernels with the device first; each loop becomes a generated kernel,
/// collected in <see cref="Kernels"/> and written after the passes). One renderer, two dialects:
/// the plan is the same.
/// </summary>
internal sealed class RenderTarget
{
    private RenderTarget(bool gpu) => IsGpu = gpu;

    public bool IsGpu { get; }

    /// <summary>The namespace of the runtime kernels, with its trailing dot.</summary>
    public string KernelPrefix => IsGpu ? "global::GraphGen.Gpu.Kernels." : "global::GraphGen.Kernels.";

    /// <summary>What a kernel call passes before its own arguments.</summary>
    public string DeviceArgument => IsGpu ? "Device, " : "";

    /// <summary>Kernels generated for the GPU's loops, in the order their steps appear.</summary>
    public List<GeneratedKernel> Kernels { get; } = [];

    /// <summary>The number of the step being rendered (names its generated kernels).</summary>
    public int StepNumber { get; set; }

    public static RenderTarget Cpu() => new(false);

    public static RenderTarget Gpu() => new(true);

    /// <summary>A fresh name for a kernel of the current step: Step7, then Step7b, Step7c...</summary>
    public string KernelName()
    {
        string name = "Step" + StepNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int same = Kernels.FindAll(k => k.Name == name || k.Name.StartsWith(name, System.StringComparison.Ordinal) && k.Name.Length == name.Length + 1).Count;
        return same == 0 ? name : name + (char)('a' + same);
    }
}

/// <summary>A kernel generated for one loop of the plan: its name, one-line summary, parameters and body.</summary>
internal sealed record GeneratedKernel(string Name, string Summary, IReadOnlyList<string> Parameters, IReadOnlyList<string> Body);
