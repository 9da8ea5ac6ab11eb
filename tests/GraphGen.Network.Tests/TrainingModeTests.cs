namespace GraphGen.Network.Tests;

/// <summary>What differs between training and inference: batch statistics, running averages, dropout masks; and gradients through time.</summary>
public class TrainingModeTests
{
    [Fact]
    public void BatchNormUsesBatchStatisticsInTrainingAndRunningAveragesInInference()
    {
        var net = new NormNet(batchCapacity: 8, seed: 1);
        var x = GradientChecks.RandomInputs(8 * NormNet.Layout.InputSize, 2, -3, 5);
        var y = GradientChecks.RandomLabels(8, 3, 3);
        var runningBefore = net.State.ToArray();

        net.ComputeGradients(x, y);
        var trainingOutput = net.LastOutput.ToArray();
        var runningAfter = net.State.ToArray();
        net.ComputeLoss(x, y);
        var inferenceOutput = net.LastOutput.ToArray();

        Assert.NotEqual(runningBefore, runningAfter);                    // a training pass moves the running statistics
        Assert.NotEqual(trainingOutput, inferenceOutput);                // batch statistics ≠ running averages (and dropout is off)
        var batches = NormNet.Layout.State["bn1.num_batches_tracked"];
        Assert.Equal(1f, net.State[batches.Offset]);

        // Inference matches the eager interpreter in inference mode, with the same running statistics.
        var model = GradientChecks.Reference(net, 1);
        GradientChecks.AssertAllClose(model.Forward(x).Data, inferenceOutput, 1e-4, "inference output");
        net.ComputeLoss(x, y);
        Assert.Equal(runningAfter, net.State.ToArray());                 // inference leaves the statistics alone
    }

    [Fact]
    public void RunningStatisticsFollowPyTorchsUpdate()
    {
        // For a batch with per-channel mean m and unbiased variance v: running = 0.9·initial + 0.1·(m, v).
        var net = new NormNet(batchCapacity: 4, seed: 5);
        var x = GradientChecks.RandomInputs(4 * NormNet.Layout.InputSize, 6);
        net.ComputeGradients(x, GradientChecks.RandomLabels(4, 3, 7));
        var model = GradientChecks.Reference(new NormNet(batchCapacity: 4, seed: 5), 5);
        model.ComputeGradients(x, GradientChecks.RandomLabels(4, 3, 7));
        foreach (var p in NormNet.Layout.State.Parameters)
            GradientChecks.AssertAllClose(model.State[p.Name], net.State.Slice(p.Offset, p.Count), 1e-4, p.Name);
    }

    [Fact]
    public void DropoutMasksAreDeterminedBySeedAndStep()
    {
        var x = GradientChecks.RandomInputs(8 * NormNet.Layout.InputSize, 2);
        var y = GradientChecks.RandomLabels(8, 3, 3);
        var a = new NormNet(8, seed: 4);
        var b = new NormNet(8, seed: 4);
        Assert.Equal(a.ComputeGradients(x, y), b.ComputeGradients(x, y));
        Assert.Equal(a.Gradients.ToArray(), b.Gradients.ToArray());

        // The next step draws another mask; replaying the step counter replays the mask.
        float second = a.ComputeGradients(x, y);
        b.TrainingSteps = 0;
        Assert.NotEqual(second, b.ComputeGradients(x, y));
        b.TrainingSteps = 1;
        Assert.Equal(second, b.ComputeGradients(x, y));

        // Another seed, other masks.
        var c = new NormNet(8, seed: 5);
        var parameters = a.Parameters.ToArray();
        parameters.CopyTo(c.Parameters);
        a.TrainingSteps = 0;
        Assert.NotEqual(a.ComputeGradients(x, y), c.ComputeGradients(x, y));
    }

    [Fact]
    public void DropoutIsTheIdentityInInference()
    {
        var a = new NormNet(8, seed: 4);
        var x = GradientChecks.RandomInputs(8 * NormNet.Layout.InputSize, 2);
        var first = new float[8 * 3];
        var second = new float[8 * 3];
        a.Forward(x, first);
        a.Forward(x, second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void BackpropagationThroughTimeReachesTheFirstStep()
    {
        var net = new LastStepRnn(batchCapacity: 2, seed: 3);
        var x = GradientChecks.RandomInputs(2 * 12, 4);
        float[] t = [0.5f, -0.5f];
        GradientChecks.AssertMatchesEager(net, x, t);
        GradientChecks.AssertEagerMatchesFiniteDifferences(net, x, t);
        var dx = net.InputGradient.ToArray();
        // The loss reads only the last step, yet step 0's inputs (the first two values of each sample) get a gradient.
        Assert.True(Math.Abs(dx[0]) + Math.Abs(dx[1]) > 1e-6, "no gradient reached the first time step");
        // And the shared recurrent weight collects contributions from every step: compare with finite differences of the loss.
        GradientChecks.AssertCompiledMatchesFiniteDifferences(net, x, t);
    }

    [Fact]
    public void CheckpointsResumeDropoutStreamsAndRunningStatistics()
    {
        var x = GradientChecks.RandomInputs(8 * NormNet.Layout.InputSize, 2);
        var y = GradientChecks.RandomLabels(8, 3, 3);
        var net = new NormNet(8, seed: 4);
        var optimizer = new Adam(1e-3f);
        for (int i = 0; i < 3; i++) net.TrainStep(x, y, optimizer);
        string path = Path.Combine(Path.GetTempPath(), $"graphgen-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, net, optimizer);
            var resumed = new NormNet(8, seed: 4);
            var resumedOptimizer = new Adam(1e-3f);
            Checkpoint.Load(path, resumed, resumedOptimizer);
            Assert.Equal(3, resumed.TrainingSteps);
            Assert.Equal(net.State.ToArray(), resumed.State.ToArray());
            // The next step draws the same dropout mask and ends in the same parameters.
            Assert.Equal(net.TrainStep(x, y, optimizer), resumed.TrainStep(x, y, resumedOptimizer));
            Assert.Equal(net.Parameters.ToArray(), resumed.Parameters.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
