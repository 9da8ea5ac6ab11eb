extern alias gradientflow;

using GraphGen.Training;

namespace GraphGen.Inspection.Tests;

public class GradientMonitorTests
{
    private static (TinyClassifier Net, float[] X, int[] Y) Problem(int seed = 1)
    {
        var net = new TinyClassifier(batchCapacity: 16, seed: seed);
        return (net, TestData.Uniform(16 * 6, 7), TestData.Labels(16, 3, 8));
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += (double)v * v;
        return Math.Sqrt(sum);
    }

    [Fact]
    public void NormsAreThoseOfEachParameterTensor()
    {
        var (net, x, y) = Problem();
        var monitor = new GradientMonitor(net);
        var before = net.Parameters.ToArray();
        net.TrainStep(x, y, new Sgd(0.1f));
        monitor.Record(net.Gradients);

        Assert.Equal(1, monitor.StepCount);
        for (int p = 0; p < monitor.Parameters.Count; p++)
        {
            var info = monitor.Parameters[p];
            var g = net.Gradients.Slice(info.Offset, info.Count);
            var delta = new float[info.Count];
            for (int i = 0; i < delta.Length; i++) delta[i] = net.Parameters[info.Offset + i] - before[info.Offset + i];
            Assert.Equal(Norm(g), monitor.GradientNorm(0, p), 12);
            Assert.Equal(Norm(before.AsSpan(info.Offset, info.Count)), monitor.WeightNorm(0, p), 12);
            Assert.Equal(Norm(delta), monitor.UpdateNorm(0, p), 12);
            // Plain SGD moves θ by −η·∇: the update norm is η times the gradient norm.
            Assert.Equal(0.1 * Norm(g), monitor.UpdateNorm(0, p), 1e-6 * Math.Max(1, Norm(g)));
        }
    }

    [Fact]
    public void UpdateRatioIsUpdateOverWeightAndUndefinedForZeroTensors()
    {
        var (net, x, y) = Problem();
        var monitor = new GradientMonitor(net);
        var optimizer = new Sgd(0.05f);
        for (int step = 0; step < 3; step++)
        {
            net.TrainStep(x, y, optimizer);
            monitor.Record(net.Gradients);
        }
        int weight = monitor.IndexOf("hidden.weight"), bias = monitor.IndexOf("hidden.bias");
        Assert.Equal(monitor.UpdateNorm(2, weight) / monitor.WeightNorm(2, weight), monitor.UpdateRatio(2, weight));
        Assert.True(double.IsNaN(monitor.UpdateRatio(0, bias)), "biases start at zero: the first ratio has no weight to compare with");
        Assert.True(monitor.UpdateRatio(1, bias) > 0);
        Assert.Equal(3, monitor.GradientNorms(weight).Length);
    }

    [Fact]
    public void RecordingAllocatesNothingWithinItsCapacity()
    {
        var (net, x, y) = Problem();
        var monitor = new GradientMonitor(net, stepCapacity: 64);
        var optimizer = new Sgd(0.01f);
        net.TrainStep(x, y, optimizer);
        monitor.Record(net.Gradients);
        // Windows of 20 steps, up to three (61 steps stay within the capacity).
        int steps = 1;
        long allocated = GraphGen.Tests.Allocations.InQuietestWindow(() =>
        {
            for (int i = 0; i < 20; i++)
            {
                net.TrainStep(x, y, optimizer);
                monitor.Record(net.Gradients);
            }
            steps += 20;
        });
        Assert.Equal(0, allocated);
        Assert.Equal(steps, monitor.StepCount);
    }

    [Fact]
    public void HistoryGrowsPastItsCapacity()
    {
        var (net, x, y) = Problem();
        var monitor = new GradientMonitor(net, stepCapacity: 2);
        var norms = new List<double>();
        for (int i = 0; i < 7; i++)
        {
            net.TrainStep(x, y, new Sgd(0.01f));
            monitor.Record(net.Gradients);
            norms.Add(Norm(net.Gradients.Slice(0, 48)));
        }
        Assert.Equal(7, monitor.StepCount);
        Assert.Equal(norms, monitor.GradientNorms(0), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void AttachedToATrainerItRecordsEveryBatch()
    {
        var digits = TestData.Digits();
        var net = new gradientflow::GraphGen.Examples.GradientFlow.ResidualReluMlp(batchCapacity: 64, seed: 0);
        var trainer = new Trainer<int>(net, new Sgd(0.05f), digits.Train, 64, 0);
        var monitor = new GradientMonitor(net);
        monitor.Attach(trainer, net);
        trainer.RunEpoch(0);
        trainer.RunEpoch(1);
        Assert.Equal(2 * ((digits.Train.Count + 63) / 64), monitor.StepCount);

        string csv = monitor.ToCsv();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("step,parameter,gradient_norm,update_norm,weight_norm,update_ratio", lines[0]);
        Assert.Equal(1 + monitor.StepCount * monitor.Parameters.Count, lines.Length);
        Assert.StartsWith("1,layer0.weight,", lines[1]);
    }

    [Fact]
    public void AttachingToAnotherNetworksTrainerIsRefused()
    {
        var (net, _, _) = Problem();
        var other = new TinyClassifier(4, 2);
        var data = new GraphGen.Data.Dataset(TestData.Uniform(4 * 6, 1), [6], [0, 1, 2, 0], 3);
        var trainer = new Trainer<int>(other, new Sgd(0.1f), data, 4, 0);
        Assert.Throws<ArgumentException>(() => new GradientMonitor(net).Attach(trainer, other));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));
        public int GetHashCode(double value) => 0;
    }
}
