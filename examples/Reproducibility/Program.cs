// Reproducibility: the same seed gives bitwise the same training run, and what breaks that.
// 1. Float sums depend on their order: the same numbers summed sequentially, in 2, 4 or 8 parts
//    (what a parallel reduction over that many threads computes) give different floats.
// 2. GraphGen's matrix products never split a sum: each output element is one chain of fused
//    multiply-adds in a fixed order, so 1, 2 or 4 threads give bitwise the same training run.
// 3. The same seed gives bitwise the same run; another seed gives another.
using System.Globalization;
using System.Text;
using GraphGen.Examples;
using GraphGen.Examples.Reproducibility;
using GraphGen.Imaging;

var options = ExampleOptions.Parse("Reproducibility", args, defaultEpochs: 5);
int seed = options.Seed;
string artifacts = options.ArtifactsDirectory();
var report = new StringBuilder();
void Say(string line)
{
    Console.WriteLine(line);
    report.AppendLine(line);
}

// 1. Summation order.
var values = ReductionOrder.Values(1_000_000, (ulong)seed);
float reference = ReductionOrder.Reference(values);
Say("1. The same 1,000,000 floats, summed in different orders:");
Say($"   {"double, rounded once",-34} {Show(reference)}");
Say($"   {"float, left to right",-34} {Show(ReductionOrder.Sequential(values))}");
foreach (int parts in new[] { 2, 4, 8 })
    Say($"   {$"float, {parts} parts (= {parts} threads)",-34} {Show(ReductionOrder.Chunked(values, parts))}");
var completion = ReductionOrder.EveryCompletionOrder(values, 4);
Say($"   float, 4 threads adding their partial sums as they finish: {completion.Length} different results over the 24 finishing orders:");
foreach (float total in completion) Say($"   {"",-34} {Show(total)}");

// 2 and 3. Training runs.
Say("");
Say($"2. Training WideDigitsMlp for {options.Epochs} epochs (AdamW, batch 256) from seed {seed}:");
var runs = new List<TrainingRun>();
TrainingRun Run(int s, int threads)
{
    var run = TrainingRun.Train(s, threads, options.Epochs);
    Say($"   seed {s}, {threads} thread(s): {run.BatchLosses.Length} steps, last loss {run.BatchLosses[^1].ToString("R", CultureInfo.InvariantCulture)}, parameters SHA-256 {run.ParameterHash[..16]}…, test accuracy {run.TestAccuracy:F4}");
    runs.Add(run);
    return run;
}
var first = Run(seed, 2);
var again = Run(seed, 2);
var oneThread = Run(seed, 1);
var fourThreads = Run(seed, 4);
var otherSeed = Run(seed + 1, 2);
bool sameSeed = first.BitwiseEquals(again);
bool threadsAgree = first.BitwiseEquals(oneThread) && first.BitwiseEquals(fourThreads);
bool seedsDiffer = !first.BitwiseEquals(otherSeed) && first.ParameterHash != otherSeed.ParameterHash;
int firstDifference = Enumerable.Range(0, Math.Min(first.BatchLosses.Length, otherSeed.BatchLosses.Length)).FirstOrDefault(i => first.BatchLosses[i] != otherSeed.BatchLosses[i], -1);
Say($"   same seed twice: {(sameSeed ? "bitwise identical" : "DIFFERENT")} (every batch loss and every parameter)");
Say($"   1, 2 and 4 threads: {(threadsAgree ? "bitwise identical" : "DIFFERENT")}");
Say($"   seed {seed} against seed {seed + 1}: {(seedsDiffer ? $"different from the first step on (first differing batch loss: step {firstDifference + 1})" : "IDENTICAL")}");

string csvPath = Path.Combine(artifacts, "batch-losses.csv");
var csv = new StringBuilder($"step,seed{seed}_2threads,seed{seed}_2threads_again,seed{seed}_1thread,seed{seed}_4threads,seed{seed + 1}_2threads\n");
for (int i = 0; i < first.BatchLosses.Length; i++)
    csv.AppendLine(string.Join(',', [(i + 1).ToString(CultureInfo.InvariantCulture), .. runs.Select(r => r.BatchLosses[i].ToString("R", CultureInfo.InvariantCulture))]));
File.WriteAllText(csvPath, csv.ToString());
string plotPath = Path.Combine(artifacts, "batch-losses.svg");
var steps = Enumerable.Range(1, first.BatchLosses.Length).Select(i => (double)i).ToArray();
new LinePlot { Title = "Batch loss of five runs: four from one seed lie on one curve", XLabel = "step", YLabel = "loss", LogY = true }
    .Add($"seed {seed}, 2 threads", steps, [.. first.BatchLosses.Select(l => (double)l)])
    .Add($"seed {seed}, 1 thread", steps, [.. oneThread.BatchLosses.Select(l => (double)l)], markers: true)
    .Add($"seed {seed + 1}, 2 threads", steps, [.. otherSeed.BatchLosses.Select(l => (double)l)])
    .Save(plotPath);
string reportPath = Path.Combine(artifacts, "report.txt");
File.WriteAllText(reportPath, report.ToString());
Console.WriteLine("wrote:");
foreach (string file in new[] { csvPath, plotPath, reportPath }) Console.WriteLine("  " + file);
Console.WriteLine($"bitwise identical: same seed {Yes(sameSeed)}, 1/2/4 threads {Yes(threadsAgree)}; different seeds differ: {Yes(seedsDiffer)}");
return sameSeed && threadsAgree && seedsDiffer ? 0 : 1;

static string Show(float x) => $"{x.ToString("R", CultureInfo.InvariantCulture),-14} (bits 0x{BitConverter.SingleToUInt32Bits(x):x8})";
static string Yes(bool b) => b ? "yes" : "no";
