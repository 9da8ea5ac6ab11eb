// The program GraphGen.Distributed.Tests runs, alone or under mpirun:
//   GraphGen.Distributed.TestHost train <output-directory>      train the shard networks, write rank<r>.bin
//   GraphGen.Distributed.TestHost fail kill|stop|throw <s>      the last rank fails mid-training; timeout s
//   GraphGen.Distributed.TestHost diverge                       one rank's parameters differ
//   GraphGen.Distributed.TestHost different-networks            the ranks build different networks
//   GraphGen.Distributed.TestHost sum-bench                     rank-ordered sum against MPI_Allreduce
using GraphGen.Distributed;
using GraphGen.Distributed.TestHost;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: GraphGen.Distributed.TestHost train <dir> | fail kill|stop|throw <seconds> | diverge | different-networks | sum-bench");
    return 2;
}
// Alone, no MPI is loaded (the train record says whether libmpi was mapped).
using var group = MpiProcessGroup.JoinIfLaunched();
switch (args[0])
{
    case "train":
        TrainScenario.Run(group, args[1]);
        break;
    case "fail":
        FailureScenarios.RankFails(group ?? throw new InvalidOperationException("run under mpirun"), args[1], TimeSpan.FromSeconds(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)));
        break;
    case "diverge":
        FailureScenarios.ReplicasDiverge(group ?? throw new InvalidOperationException("run under mpirun"));
        break;
    case "different-networks":
        FailureScenarios.DifferentNetworks(group ?? throw new InvalidOperationException("run under mpirun"));
        break;
    case "sum-bench":
        SumBenchmark.Run(group ?? throw new InvalidOperationException("run under mpirun"));
        break;
    default:
        Console.Error.WriteLine($"unknown scenario '{args[0]}'");
        return 2;
}
return 0;
