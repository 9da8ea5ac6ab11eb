// The computation graph of a network, as pictures: the forward graph (each op with its output
// shape and parameter count) and the backward graph (each step of the generated backward pass,
// linked to the forward op it differentiates). GraphGen generates both as Graphviz DOT and as
// Mermaid text; this writes .dot, .mmd and .md files (GitHub draws the Mermaid diagram in the
// .md) and renders SVG with Graphviz's dot when it is installed. Then it trains the network on
// the iris flowers, to show it is the same network that runs.
using GraphGen;
using GraphGen.Data;
using GraphGen.Examples;
using GraphGen.Examples.ComputationGraph;
using GraphGen.Inspection;
using GraphGen.Training;

var options = ExampleOptions.Parse("ComputationGraph", args, defaultEpochs: 100);
string artifacts = options.ArtifactsDirectory();
Console.WriteLine(ResidualIrisNet.Description.Summary);

var graphs = new NetworkGraphs(nameof(ResidualIrisNet),
    ResidualIrisNet.Description.ForwardGraphDot, ResidualIrisNet.Description.ForwardGraphMermaid,
    ResidualIrisNet.Description.BackwardGraphDot, ResidualIrisNet.Description.BackwardGraphMermaid);
var (forward, backward) = GraphExport.Write(artifacts, graphs);
Console.WriteLine("wrote:");
foreach (var files in new[] { forward, backward })
{
    foreach (string? path in new[] { files.DotPath, files.MermaidPath, files.MarkdownPath, files.SvgPath })
        if (path is not null) Console.WriteLine("  " + path);
}
if (forward.SvgPath is null) Console.WriteLine("no SVG: " + forward.SvgProblem);

var split = DatasetSplit.StratifiedSplit(Datasets.Iris(), 0.6, 0.2, (ulong)options.Seed);
var scaler = Standardizer.Fit(split.Train);
var (train, validation, test) = (scaler.Transform(split.Train), scaler.Transform(split.Validation), scaler.Transform(split.Test));
var network = new ResidualIrisNet(batchCapacity: 64, seed: options.Seed);
var trainer = new Trainer<int>(network, new Adam(options.Float("lr", 0.01f)), train, options.Int("batch", 16), (ulong)options.Seed);
TrainingProgress.ForConsole().Run(trainer, train, options.Epochs, validation, "iris");
Console.WriteLine($"test accuracy: {Trainer<int>.Evaluate(network, test).Accuracy:F4}");
