// Write the backward pass yourself: a dense layer, BatchNorm, tanh, a dense layer and softmax
// cross-entropy (Karpathy's "backprop ninja" exercise), checked tensor by tensor against the
// backward pass GraphGen generated for the same network. Fill in Exercise.cs, then run this;
// `-- --check solution` checks Solution.cs instead.
using GraphGen.Examples;
using GraphGen.Examples.BackpropExercise;

var options = ExampleOptions.Parse("BackpropExercise", args, defaultEpochs: 0, "check", "warmup");
string which = options.String("check", "exercise");
IBackwardSteps mine = which switch
{
    "exercise" => new Exercise(),
    "solution" => new Solution(),
    _ => null!,
};
if (mine is null) { Console.Error.WriteLine($"error: --check is exercise or solution, not '{which}'"); return 2; }

int batchSize = options.Int("batch", 32, minimum: 2);
int warmup = options.Int("warmup", 100, minimum: 0);
var (network, x, y) = ExerciseBatch.Create(options.Seed, batchSize, warmup);
var (forward, key) = AnswerKey.Compute(network, x, y);
Console.WriteLine($"BatchNormMlp after {warmup} training steps, a batch of {batchSize} held-out digits: loss {forward.Loss:F4}");
Console.WriteLine($"checking {(which == "exercise" ? "Exercise.cs (yours)" : "Solution.cs")} against the generated backward pass:");
var checks = BackwardChecker.Check(mine, forward, key);
foreach (var check in checks) Console.WriteLine("  " + check);
int good = checks.Count(c => c.Verdict is Verdict.Exact or Verdict.Close);
Console.WriteLine($"exact or close: {good} of {checks.Count}");
return 0;
