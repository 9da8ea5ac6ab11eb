namespace GraphGen.Runtime.Tests.Optimizers;

/// <summary>
/// The learning rate is checked by one rule whether it comes through a constructor or is set
/// later by a schedule: a NaN, infinite or negative step size would train on silently (NaN
/// parameters, or gradient ascent), so it is refused and the old value is kept. Zero is a
/// step of nothing, where a warm-up schedule starts (PyTorch accepts it too).
/// </summary>
public class HyperparameterValidationTests
{
    public static TheoryData<float> BadLearningRates => [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -1e-3f, -float.Epsilon, -float.MaxValue];

    public static TheoryData<string> Kinds => ["sgd", "adam", "adamw"];

    private static Optimizer Make(string kind, float learningRate) => kind switch
    {
        "sgd" => new Sgd(learningRate, momentum: 0.9f),
        "adam" => new Adam(learningRate),
        "adamw" => new AdamW(learningRate),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(BadLearningRates))]
    public void SetterRefusesWhatTheConstructorRefuses(float bad)
    {
        foreach (string kind in (string[])["sgd", "adam", "adamw"])
        {
            var constructorError = Assert.Throws<ArgumentOutOfRangeException>(() => Make(kind, bad));
            var optimizer = Make(kind, 0.01f);
            var setterError = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = bad);

            Assert.Equal(0.01f, optimizer.LearningRate);
            Assert.Equal("learningRate", constructorError.ParamName);
            Assert.Equal("value", setterError.ParamName);
            Assert.Contains("zero or a positive finite number", constructorError.Message);
            Assert.Contains("zero or a positive finite number", setterError.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ZeroIsAStepOfNothingForAWarmUpToStartFrom(string kind)
    {
        var zero = Make(kind, 0f);
        var warmUp = Make(kind, 0.01f);
        warmUp.LearningRate = 0f;
        float[] parameters = [1f, -2f, 3f], gradients = [0.5f, 0.25f, -1f];
        foreach (var optimizer in new[] { zero, warmUp })
        {
            float[] p = [.. parameters];
            optimizer.Step(p, gradients);
            Assert.Equal(parameters, p);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SetterAcceptsAnyPositiveFiniteRateAndTheNextStepUsesIt(string kind)
    {
        var optimizer = Make(kind, 0.01f);
        optimizer.LearningRate = float.Epsilon;
        Assert.Equal(float.Epsilon, optimizer.LearningRate);
        optimizer.LearningRate = float.MaxValue;
        Assert.Equal(float.MaxValue, optimizer.LearningRate);

        // A schedule that halves the rate halves a plain SGD step.
        var sgd = new Sgd(0.5f);
        float[] parameters = [1f], gradients = [1f];
        sgd.Step(parameters, gradients);
        sgd.LearningRate = 0.25f;
        sgd.Step(parameters, gradients);
        Assert.Equal(0.25f, parameters[0]);
    }
}
