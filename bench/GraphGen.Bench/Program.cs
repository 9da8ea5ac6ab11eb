using BenchmarkDotNet.Running;
using GraphGen.Bench;

// `sgemm`: quick GFLOP/s table. Anything else goes to BenchmarkDotNet's switcher.
switch (args.FirstOrDefault())
{
    case "sgemm":
        SgemmQuick.Run(Console.Out);
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        break;
}
