using GraphGen.Data;
using GraphGen.Training;

namespace GraphGen.Examples.FashionResNet;

/// <summary>The residual network on Fashion-MNIST, callable from the program and from a smoke test.</summary>
public static class FashionExperiment
{
    public sealed record Result(ResNet Network, AdamW Optimizer, TrainingHistory History, Evaluation Test);

    public static Result Run(Dataset trainAll, Dataset test, int epochs, int seed, int batchSize, float learningRate, TextWriter log)
    {
        var split = DatasetSplit.Split(trainAll, trainFraction: 55.0 / 60, validationFraction: 5.0 / 60, (ulong)seed);
        log.WriteLine($"Fashion-MNIST: {split.Train.Count} train, {split.Validation.Count} validation, {test.Count} test images");
        var network = new ResNet(batchCapacity: Math.Max(batchSize, 256), seed: seed);
        var optimizer = new AdamW(learningRate, weightDecay: 5e-4f);
        log.WriteLine(ResNet.Description.Summary);
        var trainer = new Trainer<int>(network, optimizer, split.Train, batchSize, (ulong)seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            // Cosine decay of the learning rate over the run.
            optimizer.LearningRate = learningRate * 0.5f * (1 + MathF.Cos(MathF.PI * epoch / Math.Max(1, epochs)));
            log.WriteLine(trainer.RunEpoch(epoch, split.Validation));
        }
        return new Result(network, optimizer, trainer.History, Trainer<int>.Evaluate(network, test));
    }
}
