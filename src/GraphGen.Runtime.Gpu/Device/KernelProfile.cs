using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace GraphGen.Gpu;

/// <summary>
/// Where a device's time goes, kernel by kernel. While a profile is attached
/// (<see cref="GpuDevice.Profile"/>), the device waits for each kernel to finish before the next one
/// is launched, and a kernel's time runs from its launch (the host's work for it included) to the
/// end of its run on the device. A cuBLAS product counts as one kernel.
/// </summary>
/// <remarks>
/// Waiting after every kernel removes the overlap of one launch's host work with the previous
/// kernel's run, so a profiled step takes longer than an unprofiled one: the table says where the
/// time goes; the unprofiled step says how much there is. Kernels are named by their method:
/// <c>Gemm.TiledKernel&lt;Relu&gt;</c>, <c>LayerNorm.BackwardKernel</c>, or a generated network's
/// <c>TinyGpt.GpuPasses.Step11</c>. Safe to share between threads, though kernels of two networks
/// running at once on one device would be timed as one sequence.
/// </remarks>
public sealed class KernelProfile
{
    private static readonly ConcurrentDictionary<MethodInfo, string> Names = new();
    private readonly Dictionary<string, KernelTime> _kernels = new();
    private readonly object _gate = new();
    private string? _current;
    private long _started;

    /// <summary>Each kernel's launches and time so far, the longest first.</summary>
    public IReadOnlyList<KernelTime> Kernels
    {
        get
        {
            lock (_gate) return [.. _kernels.Values.OrderByDescending(k => k.Seconds).ThenBy(k => k.Kernel, StringComparer.Ordinal)];
        }
    }

    /// <summary>The time of every kernel together, in seconds.</summary>
    public double TotalSeconds
    {
        get
        {
            lock (_gate) return _kernels.Values.Sum(k => k.Seconds);
        }
    }

    /// <summary>Forgets what was measured (a kernel still running is not counted).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _kernels.Clear();
            _current = null;
        }
    }

    /// <summary>Waits for the device and counts the kernel launched last; call it after the work being profiled.</summary>
    public void Stop(GpuDevice device)
    {
        device.Synchronize();
        lock (_gate) Close(Stopwatch.GetTimestamp());
    }

    /// <summary>A runtime or generated kernel is about to be launched.</summary>
    internal void Begin(GpuDevice device, MethodInfo method) => Begin(device, Names.GetOrAdd(method, Describe));

    /// <summary>Work named <paramref name="kernel"/> (e.g. a cuBLAS call) is about to be launched.</summary>
    internal void Begin(GpuDevice device, string kernel)
    {
        device.Synchronize();
        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            Close(now);
            _current = kernel;
            _started = now;
        }
    }

    private void Close(long now)
    {
        if (_current is null) return;
        if (!_kernels.TryGetValue(_current, out var time)) _kernels[_current] = time = new KernelTime(_current);
        time.Calls++;
        time.Seconds += Stopwatch.GetElapsedTime(_started, now).TotalSeconds;
        _current = null;
    }

    /// <summary>"Type.Nested.Method&lt;T&gt;" without namespaces.</summary>
    private static string Describe(MethodInfo method)
    {
        var type = method.DeclaringType;
        string owner = "";
        for (var t = type; t is not null; t = t.DeclaringType)
            owner = Plain(t) + (owner.Length > 0 ? "." + owner : "");
        string name = method.Name;
        if (method.IsGenericMethod) name += "<" + string.Join(", ", method.GetGenericArguments().Select(Plain)) + ">";
        else if (type is { IsGenericType: true }) owner = owner + "<" + string.Join(", ", type.GetGenericArguments().Select(Plain)) + ">";
        return owner.Length > 0 ? owner + "." + name : name;
    }

    private static string Plain(Type t) => t.Name.Split('`')[0];
}

/// <summary>One kernel's launches and the time they took, in <see cref="KernelProfile"/>.</summary>
public sealed class KernelTime(string kernel)
{
    /// <summary>The kernel's name.</summary>
    public string Kernel { get; } = kernel;

    /// <summary>How many times it was launched.</summary>
    public int Calls { get; internal set; }

    /// <summary>Its launches' time together, in seconds.</summary>
    public double Seconds { get; internal set; }
}
