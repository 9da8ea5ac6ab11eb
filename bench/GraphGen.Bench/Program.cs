using BenchmarkDotNet.Running;
using GraphGen.Bench;

// `sgemm [size...]`: quick GFLOP/s table. Anything else goes to BenchmarkDotNet's switcher.
switch (args.FirstOrDefault())
{
    case "sgemm":
        SgemmQuick.Run(Console.Out, args.Skip(1).Select(int.Parse).ToArray());
        break;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        break;
}
