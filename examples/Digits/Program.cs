using GraphGen;
using GraphGen.Examples.Digits;

var net = new DigitsMlp(batchCapacity: 32, seed: 1);
Console.WriteLine(DigitsMlp.Summary);
var rng = new SeededRandom(1);
var x = new float[32 * 64];
var y = new int[32];
for (int i = 0; i < x.Length; i++) x[i] = rng.NextSingle();
for (int i = 0; i < y.Length; i++) y[i] = rng.NextInt(10);
var opt = new Adam(0.01f);
for (int s = 0; s < 50; s++) { float l = net.TrainStep(x, y, opt); if (s % 10 == 0) Console.WriteLine($"step {s} loss {l}"); }
