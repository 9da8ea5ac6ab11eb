extern alias backpropexercise;

using backpropexercise::GraphGen.Examples.BackpropExercise;
using GraphGen.Eager;

namespace GraphGen.Inspection.Tests.Course;

public class BackpropExerciseTests
{
    private static readonly Lazy<(ForwardPass Forward, AnswerKey Key, BatchNormMlp Network, float[] X, int[] Y)> Batch = new(() =>
    {
        var (network, x, y) = ExerciseBatch.Create(seed: 0, batchSize: 32, warmupSteps: 20);
        var (forward, key) = AnswerKey.Compute(network, x, y);
        return (forward, key, network, x, y);
    });

    private static readonly string[] Tensors = ["dlogits", "dW2", "db2", "dh", "dhpreact", "dgamma", "dbeta", "dhprebn", "dW1", "db1", "dx"];

    /// <summary>The solution with one deliberate mistake in the tanh step: tanh′ written from the input (1 − hpreact²) instead of the output.</summary>
    private sealed class WrongTanh : Solution
    {
        public override float[] Tanh(ForwardPass f, float[] dh) =>
            [.. dh.Select((g, i) => g * (1 - f.Hpreact[i] * f.Hpreact[i]))];
    }

    /// <summary>The solution with dγ summed without x̂ (that is dβ): wrong in dgamma only, since dhprebn is computed separately.</summary>
    private sealed class WrongGamma : Solution
    {
        public override (float[] DGamma, float[] DBeta, float[] DHprebn) BatchNorm(ForwardPass f, float[] dhpreact)
        {
            var (_, dbeta, dhprebn) = base.BatchNorm(f, dhpreact);
            return ((float[])dbeta.Clone(), dbeta, dhprebn);
        }
    }

    [Fact]
    public void SolutionIsExactOrCloseOnEveryTensor()
    {
        var (forward, key, _, _, _) = Batch.Value;
        var checks = BackwardChecker.Check(new Solution(), forward, key);
        Assert.Equal(Tensors, checks.Select(c => c.Name));
        Assert.All(checks, c => Assert.True(c.Verdict is Verdict.Exact or Verdict.Close, c.ToString()));
    }

    [Theory]
    [InlineData("tanh", "dhpreact")]
    [InlineData("gamma", "dgamma")]
    public void ADeliberateMistakeIsReportedOnItsTensorAndNoOther(string mistake, string tensor)
    {
        var (forward, key, _, _, _) = Batch.Value;
        IBackwardSteps wrong = mistake == "tanh" ? new WrongTanh() : new WrongGamma();
        var checks = BackwardChecker.Check(wrong, forward, key);
        Assert.Equal(Verdict.Wrong, checks.Single(c => c.Name == tensor).Verdict);
        Assert.Contains("max diff", checks.Single(c => c.Name == tensor).Detail);
        Assert.All(checks.Where(c => c.Name != tensor), c => Assert.True(c.Verdict is Verdict.Exact or Verdict.Close, c.ToString()));
    }

    [Fact]
    public void TheBlankExerciseIsReportedAsNotWritten()
    {
        var (forward, key, _, _, _) = Batch.Value;
        Assert.All(BackwardChecker.Check(new Exercise(), forward, key), c => Assert.Equal(Verdict.NotWritten, c.Verdict));
    }

    [Fact]
    public void CompareTellsExactCloseAndWrongApart()
    {
        float[] key = [1f, -2f, 0.5f];
        Assert.Equal(Verdict.Exact, BackwardChecker.Compare("t", 1, 3, [1f, -2f, 0.5f], key).Verdict);
        var close = BackwardChecker.Compare("t", 1, 3, [1f + 1e-7f, -2f, 0.5f], key);
        Assert.Equal(Verdict.Close, close.Verdict);
        Assert.InRange(close.MaxDifference, 1e-8, 1e-6);
        var wrong = BackwardChecker.Compare("t", 1, 3, [1f, -2f, 0.6f], key);
        Assert.Equal(Verdict.Wrong, wrong.Verdict);
        Assert.Contains("at [2]", wrong.Detail);
        Assert.Equal(Verdict.Wrong, BackwardChecker.Compare("t", 1, 3, [1f, -2f], key).Verdict);
        Assert.Equal(Verdict.Wrong, BackwardChecker.Compare("t", 1, 3, [float.NaN, -2f, 0.5f], key).Verdict);
    }

    [Fact]
    public void AnswerKeyAgreesWithTheEagerInterpreterOnTheInnerGradients()
    {
        var (_, key, network, x, y) = Batch.Value;
        var model = EagerModel.FromNetwork(network);
        model.ComputeGradients(x, y);
        var tape = model.LastSession!.Tape;
        double[] Grad(string op) => tape.Single(t => t.Op == op).Grad!;
        void Same(float[] generated, double[] eager)
        {
            Assert.Equal(eager.Length, generated.Length);
            for (int i = 0; i < eager.Length; i++) Assert.Equal(eager[i], generated[i], 1e-6);
        }
        Same(key.DLogits, Grad("dense output"));
        Same(key.DH, Grad("tanh"));
        Same(key.DHpreact, tape.Single(t => t.Op == "batch_norm bn").Grad!);
        Same(key.DHprebn, Grad("dense hidden"));
    }

    [Fact]
    public void ForwardPassHoldsTheTrainingModeActivations()
    {
        var (forward, _, _, _, _) = Batch.Value;
        // In training mode BatchNorm standardises with the batch's own statistics: every unit of hpreact has mean β.
        for (int j = 0; j < BatchNormMlp.Hidden; j++)
        {
            double mean = Enumerable.Range(0, forward.N).Average(r => forward.Hpreact[r * BatchNormMlp.Hidden + j]);
            Assert.Equal(forward.Beta[j], mean, 1e-4);
        }
        Assert.All(forward.H.Zip(forward.Hpreact), p => Assert.Equal(MathF.Tanh(p.Second), p.First, 1e-6f));
    }
}
