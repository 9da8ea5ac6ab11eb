using System.Diagnostics;

namespace GraphGen.Distributed.Tests;

/// <summary>What a launched job printed, how it ended and how long it took.</summary>
public sealed record JobResult(int ExitCode, string Output, TimeSpan Elapsed)
{
    public override string ToString() => $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s; output:\n{Output}";
}

/// <summary>
/// Starts the test host alone or under <c>mpirun --allow-run-as-root --oversubscribe --bind-to none -np N</c>
/// (the two CPU cores of CI run any number of ranks), and kills the whole job if it outlives a
/// hard limit, so a hang fails the test instead of stalling CI.
/// </summary>
public static class MpiLauncher
{
    public const string RequiredVariable = "GRAPHGEN_REQUIRE_MPI";

    /// <summary>The full path of mpirun, or null when it is not on the PATH.</summary>
    public static string? Mpirun { get; } = FindOnPath("mpirun");

    /// <summary>True when this machine must have Open MPI (CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequiredVariable) == "1";

    private static string Host => Path.Combine(AppContext.BaseDirectory, "GraphGen.Distributed.TestHost.dll");

    /// <summary>The test host under mpirun with <paramref name="ranks"/> ranks, one worker thread each (the ranks share two cores).</summary>
    public static JobResult RunRanks(int ranks, string[] hostArguments, IReadOnlyDictionary<string, string>? environment = null,
        string[]? mpirunOptions = null, TimeSpan? hardLimit = null)
    {
        string mpirun = Mpirun ?? throw new InvalidOperationException(
            $"mpirun is not on the PATH, but {RequiredVariable}=1 says this machine must have Open MPI (.ci/run installs it: apt-get install openmpi-bin libopenmpi-dev).");
        // Unbound ranks: pinned to one core each, a rank on a busy core waits while the other core idles.
        string[] arguments = ["--allow-run-as-root", "--oversubscribe", "--bind-to", "none", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. mpirunOptions ?? [], "dotnet", Host, .. hostArguments];
        return Run(mpirun, arguments, environment, hardLimit ?? TimeSpan.FromMinutes(2));
    }

    /// <summary>The test host as an ordinary single process (no mpirun).</summary>
    public static JobResult RunAlone(string[] hostArguments) =>
        Run("dotnet", [Host, .. hostArguments], null, TimeSpan.FromMinutes(2));

    private static JobResult Run(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment, TimeSpan hardLimit)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["GRAPHGEN_THREADS"] = "1";
        start.Environment["TERM"] = "dumb";
        // This process may itself run under a launcher; the job must not think it is part of it.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("OMPI_COMM_WORLD", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        if (environment is not null)
            foreach (var (name, value) in environment) start.Environment[name] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = new System.Text.StringBuilder();
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(hardLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} still ran after {hardLimit.TotalSeconds} s and was killed (a hang). Output so far:\n{output}");
        }
        process.WaitForExit();   // drains the redirected streams
        lock (gate) return new JobResult(process.ExitCode, output.ToString(), clock.Elapsed);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
