using System.Globalization;
using GraphGen.Data;

namespace GraphGen.Examples;

/// <summary>
/// Command-line options shared by the examples: --epochs N, --seed N, --batch N, --lr X, and
/// any example-specific --name value pairs. A bad option stops the program with a message
/// that says what was expected.
/// </summary>
public sealed class ExampleOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ExampleOptions(string example) => Example = example;

    public string Example { get; }
    public int Epochs { get; private set; }
    public int Seed { get; private set; }

    public static ExampleOptions Parse(string example, string[] args, int defaultEpochs, params string[] extraOptions)
    {
        var options = new ExampleOptions(example);
        var known = new HashSet<string>(["epochs", "seed", "batch", "lr", "device", .. extraOptions], StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h")
            {
                Console.WriteLine($"usage: dotnet run --project examples/{example} -- [--epochs N] [--seed N] [--batch N] [--lr X] [--device cpu|cuda|ilgpu-cpu]{string.Concat(extraOptions.Select(o => $" [--{o} VALUE]"))}");
                Environment.Exit(0);
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !known.Contains(arg[2..]))
                Fail($"unknown option '{arg}'; known: {string.Join(", ", known.Select(k => "--" + k))}");
            if (i + 1 >= args.Length) Fail($"option '{arg}' needs a value");
            options._values[arg[2..]] = args[++i];
        }
        options.Epochs = options.Int("epochs", defaultEpochs, minimum: 0);
        options.Seed = options.Int("seed", 0, minimum: int.MinValue);
        return options;
    }

    public int Int(string name, int defaultValue, int minimum = 1)
    {
        if (!_values.TryGetValue(name, out var text)) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
            Fail($"--{name} needs an integer{(minimum == int.MinValue ? "" : $" of at least {minimum}")}, not '{text}'");
        return value;
    }

    public float Float(string name, float defaultValue)
    {
        if (!_values.TryGetValue(name, out var text)) return defaultValue;
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
            Fail($"--{name} needs a number, not '{text}'");
        return value;
    }

    public string String(string name, string defaultValue) => _values.GetValueOrDefault(name, defaultValue);

    /// <summary>
    /// artifacts/&lt;Example&gt;/ at the repository root (created), where the example writes its
    /// outputs; under the current directory when it runs outside the repository (a published binary).
    /// </summary>
    public string ArtifactsDirectory()
    {
        string dir = Path.Combine(DataPaths.TryFindRepositoryRoot() ?? Directory.GetCurrentDirectory(), "artifacts", Example);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static void Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        Environment.Exit(2);
    }
}
