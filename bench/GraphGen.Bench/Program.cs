using BenchmarkDotNet.Running;
using GraphGen.Bench;

// `quick [--no-eager] [case...]`: the one-table summary (SGEMM, the MLPs, CNNs and TinyGpt, or the cases whose names start so; also artifacts/bench/quick.csv).
// `profile [case...] [--threads N]`: the time of each runtime call of the MLPs' steps.
// `profile-cnn [network...] [--threads N]`: each convolution of the CNNs and the passes after it, timed alone.
// `profile-gpt [--threads N]`: each runtime call of TinyGpt's training step, timed alone, × its count.
// `profile-pairs [gpt|cnn] [--threads N]`: consecutive calls of TinyGpt's and FashionResNet's steps, each pair against its two calls alone.
// `sgemm [size...]`: quick GFLOP/s table.
// `export-onnx DIR`: the benchmark networks exported by GraphGen, for the ONNX Runtime peer.
// Anything else goes to BenchmarkDotNet's switcher.
switch (args.FirstOrDefault())
{
    case "quick":
        NetworkQuick.Run(Console.Out, Path.Combine(GraphGen.Data.DataPaths.FindRepositoryRoot(), "artifacts", "bench", "quick.csv"), eager: !args.Contains("--no-eager"),
            only: args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray());
        break;
    case "profile":
        NetworkProfile.Run(Console.Out, args.Skip(1).ToArray());
        break;
    case "profile-cnn":
        CnnProfile.Run(Console.Out, args.Skip(1).ToArray());
        break;
    case "profile-gpt":
        GptProfile.Run(Console.Out, args.Skip(1).ToArray());
        break;
    case "profile-pairs":
        PairProfile.Run(Console.Out, args.Skip(1).ToArray());
        break;
    case "sgemm":
        SgemmQuick.Run(Console.Out, args.Skip(1).ToArray());
        break;
    case "export-onnx" when args.Length == 2:
        OnnxModels.Export(Console.Out, args[1]);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        break;
}
