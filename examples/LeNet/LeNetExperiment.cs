using GraphGen.Data;
using GraphGen.Distributed;
using GraphGen.Training;

namespace GraphGen.Examples.LeNet;

/// <summary>The LeNet run on MNIST, callable from the program and from a smoke test (with fewer samples).</summary>
public static class LeNetExperiment
{
    public sealed record Result(LeNet5 Network, Adam Optimizer, TrainingHistory History, Evaluation Test);

    /// <param name="group">The MPI ranks to train with (each computes its share of every batch), or null to train in this process alone.</param>
    /// <param name="place">Moves the network to the device it trains on (nothing: the CPU).</param>
    public static Result Run(Dataset trainAll, Dataset test, int epochs, int seed, int batchSize, float learningRate, TextWriter log, MpiProcessGroup? group = null, Action<INetwork>? place = null)
    {
        var split = DatasetSplit.Split(trainAll, trainFraction: 55.0 / 60, validationFraction: 5.0 / 60, (ulong)seed);
        log.WriteLine($"MNIST: {split.Train.Count} train, {split.Validation.Count} validation, {test.Count} test images");
        var network = new LeNet5(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        place?.Invoke(network);
        var optimizer = new Adam(learningRate);
        log.WriteLine(LeNet5.Description.Summary);
        // With several ranks the trainer sees one network that computes each batch across all of them.
        DataParallelNetwork<int>? parallel = group is null ? null : new DataParallelNetwork<int>(network, group);
        ITrainableNetwork<int> trained = parallel ?? (ITrainableNetwork<int>)network;
        var trainer = new Trainer<int>(trained, optimizer, split.Train, batchSize, (ulong)seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            if (epoch > 0 && epoch % 4 == 0) optimizer.LearningRate /= 3;   // step schedule
            log.WriteLine(trainer.RunEpoch(epoch, split.Validation));
            parallel?.VerifyReplicas($"after epoch {epoch + 1}", optimizer);   // every rank still holds the same bits
        }
        return new Result(network, optimizer, trainer.History, Trainer<int>.Evaluate(trained, test));
    }
}
