using System.Globalization;
using GraphGen.Peers;

// The .NET peers of the benchmark, one per process (compare.py runs them in alternating rounds):
//   GraphGen.Peers torchsharp  [--threads 1,2] [case...]    Adam training step and inference
//   GraphGen.Peers onnxruntime [--threads 1,2] [--models DIR] [case...]   inference
//   GraphGen.Peers torchsharp-sgemm [--threads 1,2] [size...]   libtorch's (oneMKL's) square SGEMM GFLOP/s
// Prints one line per case, as mlp_torch.py: name, training µs and its threads, inference µs and its
// threads ("-" where the peer has no such number), each the best over the thread counts tried
// (default 1 to the core count). TorchSharp needs GLIBCXX_3.4.32: run it through
// bench/peers/torchsharp-runtime.sh on Debian 12.
try
{
    return Run(args);
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

static int Run(string[] args)
{
    if (args.Length == 0 || args[0] is not ("torchsharp" or "onnxruntime" or "torchsharp-sgemm"))
        throw new ArgumentException("usage: GraphGen.Peers torchsharp|onnxruntime|torchsharp-sgemm [--threads 1,2] [--models DIR] [case or size...]");
    string peer = args[0];
    var threads = Enumerable.Range(1, Environment.ProcessorCount).ToArray();
    string models = Path.Combine(RepositoryRoot(), "artifacts", "peers", "onnx");
    var names = new List<string>();
    for (int i = 1; i < args.Length; i++)
    {
        if (args[i] == "--threads" && i + 1 < args.Length) threads = args[++i].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        else if (args[i] == "--models" && i + 1 < args.Length) models = args[++i];
        else if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option {args[i]}");
        else names.Add(args[i]);
    }
    if (peer == "torchsharp-sgemm")
    {
        Console.WriteLine($"libtorch {TorchSharp.torch.__version__} torch.mm, MKL_ENABLE_INSTRUCTIONS={Environment.GetEnvironmentVariable("MKL_ENABLE_INSTRUCTIONS") ?? "unset"}");
        foreach (int n in names.Count == 0 ? [256, 512, 1024, 2048] : names.Select(s => int.Parse(s, CultureInfo.InvariantCulture)))
            Console.WriteLine($"sgemm {n,-8} " + string.Join("  ", threads.Select(t => string.Create(CultureInfo.InvariantCulture, $"{TorchSharpSgemm.Gflops(n, t),7:F1} GFLOP/s ({t} threads)"))));
        return 0;
    }
    var cases = PeerCases.Select(names);
    Console.WriteLine(peer == "torchsharp"
        ? $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, libtorch {TorchSharp.torch.__version__}, GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "unset"}"
        : $"ONNX Runtime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}, models {models}");
    Console.WriteLine($"{"case",-24} {"train µs",10} {"threads",8} {"infer µs",10} {"threads",8}");
    foreach (var c in cases)
    {
        (double Seconds, int Threads) train = (double.PositiveInfinity, 0), infer = (double.PositiveInfinity, 0);
        foreach (int t in threads)
        {
            if (peer == "torchsharp")
            {
                var (trainSeconds, inferSeconds) = TorchSharpPeer.Measure(c, t);
                if (trainSeconds < train.Seconds) train = (trainSeconds, t);
                if (inferSeconds < infer.Seconds) infer = (inferSeconds, t);
            }
            else
            {
                double inferSeconds = OnnxRuntimePeer.Measure(c, Path.Combine(models, c.Stem + ".onnx"), t);
                if (inferSeconds < infer.Seconds) infer = (inferSeconds, t);
            }
        }
        Console.WriteLine($"{c.Name,-24} {Micros(train.Seconds),10} {Count(train.Threads),8} {Micros(infer.Seconds),10} {Count(infer.Threads),8}");
    }
    return 0;
}

static string Micros(double seconds) => double.IsInfinity(seconds) ? "-" : (seconds * 1e6).ToString("F1", CultureInfo.InvariantCulture);

static string Count(int threads) => threads == 0 ? "-" : threads.ToString(CultureInfo.InvariantCulture);

// The folder with GraphGen.sln above the working directory or this assembly (artifacts/ lives there).
static string RepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GraphGen.sln"))) return dir.FullName;
    throw new ArgumentException("cannot find the repository root (GraphGen.sln) above the working directory: pass --models DIR");
}
