// Build it yourself: reverse-mode automatic differentiation in three sizes. A 60-line scalar
// engine (micrograd in C#), the eager interpreter that runs a [Forward] method on tensors and
// records a tape, and the code GraphGen generates, all on micrograd's neuron
// o = tanh(w1·x1 + w2·x2 + b). Set a breakpoint in Scalar.Backward or in
// src/GraphGen.Dsl/Eager/EagerSession.Backward and step through the numbers printed here.
using System.Globalization;
using GraphGen.Examples;
using GraphGen.Examples.EagerTape;

ExampleOptions.Parse("EagerTape", args, defaultEpochs: 0);
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var (scalar, order) = NeuronWalkthrough.WithScalars();
Console.WriteLine("1. The scalar engine (Scalar.cs), in topological order, after o.Backward():");
foreach (var value in order) Console.WriteLine($"  {value}");

var network = NeuronWalkthrough.Network();
float target = NeuronWalkthrough.Target(network);
var (eager, tape) = NeuronWalkthrough.WithEagerTape(network, target);
Console.WriteLine();
Console.WriteLine($"2. The eager tape of TapeNeuron's [Forward] and [Loss], with target y = o − 0.5 = {target:0.0000} so that ∂L/∂o = 2(o − y) = 1:");
Console.Write(NeuronWalkthrough.DescribeTape(tape));

var generated = NeuronWalkthrough.WithGeneratedCode(network, target);
Console.WriteLine();
Console.WriteLine("3. The three side by side:");
Console.WriteLine("  implementation   o        ∂w1      ∂w2      ∂b       ∂x1      ∂x2");
foreach (var (name, g) in new[] { ("scalar engine", scalar), ("eager tape", eager), ("generated code", generated) })
    Console.WriteLine($"  {name,-16} {g.Output:0.0000}   {g.DW1:0.0000}   {g.DW2:0.0000}   {g.DBias:0.0000}   {g.DX1:0.0000}  {g.DX2:0.0000}");
double largest = new[] { eager, generated }.Max(g => new[] { g.Output - scalar.Output, g.DW1 - scalar.DW1, g.DW2 - scalar.DW2, g.DBias - scalar.DBias, g.DX1 - scalar.DX1, g.DX2 - scalar.DX2 }.Max(Math.Abs));
Console.WriteLine($"largest difference from the scalar engine: {largest:0.0E+00}");
