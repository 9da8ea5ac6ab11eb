extern alias recurrence;

using recurrence::GraphGen.Examples;
using recurrence::GraphGen.Examples.Recurrence;

namespace GraphGen.Inspection.Tests.Course;

public class RecurrenceTests
{
    [Fact]
    public void GradientPerStepIsTheNormOfEachStepsInputGradient()
    {
        var data = RecurrenceExperiment.Digits(0);
        var network = new ElmanRnn(batchCapacity: 8, seed: 0);
        var one = data.Test.Take(1);
        var perStep = RecurrenceExperiment.GradientPerStep(network, one);
        // Finite differences of the loss along x_t's gradient direction give ‖∂L/∂x_t‖ (one sample: the batch mean is the sample).
        var x = one.Features.ToArray();
        network.ComputeGradients(x, one.Labels);
        var gradient = network.InputGradient.ToArray();
        foreach (int t in new[] { 0, 7, 15 })
        {
            var direction = new float[x.Length];
            double norm = 0;
            for (int i = 0; i < DigitSequence.Inputs; i++) norm += gradient[t * 4 + i] * (double)gradient[t * 4 + i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < DigitSequence.Inputs; i++) direction[t * 4 + i] = (float)(gradient[t * 4 + i] / norm);
            const float h = 1e-2f;
            float[] plus = [.. x.Zip(direction, (a, d) => a + h * d)], minus = [.. x.Zip(direction, (a, d) => a - h * d)];
            double numeric = ((double)network.ComputeLoss(plus, one.Labels) - network.ComputeLoss(minus, one.Labels)) / (2 * h);
            Assert.Equal(numeric, perStep[t], 0.02 * perStep[t] + 1e-6);
        }
    }

    [Fact]
    public void AtInitialisationTheGradientFadesBackThroughTime()
    {
        var data = RecurrenceExperiment.Digits(0);
        foreach (var perStep in new[] { RecurrenceExperiment.GradientPerStep(new ElmanRnn(512, 0), data.Test), RecurrenceExperiment.GradientPerStep(new GruRnn(512, 0), data.Test) })
        {
            Assert.Equal(DigitSequence.Steps, perStep.Length);
            Assert.True(perStep[^1] > 5 * perStep[0], $"last {perStep[^1]}, first {perStep[0]}");
        }
    }

    [Fact]
    public void TrainingRecordsBothCurvesAndThePlotShowsThem()
    {
        var data = RecurrenceExperiment.Digits(0);
        var run = RecurrenceExperiment.Train("Elman", new ElmanRnn(512, 0), data, epochs: 2, seed: 0, 3e-3f, 32, TrainingProgress.Plain(TextWriter.Null));
        Assert.NotEqual(run.InitialGradientPerStep, run.TrainedGradientPerStep);
        Assert.True(run.Test.Accuracy > 0.3, $"accuracy {run.Test.Accuracy}");
        var plot = RecurrenceExperiment.GradientPlot([run]);
        Assert.Equal(["Elman, initial", "Elman, trained"], plot.Series.Select(s => s.Name));
        Assert.Equal(run.TrainedGradientPerStep, plot.Series[1].Y);
        TestData.AssertSvg(plot.ToSvg());
    }
}
