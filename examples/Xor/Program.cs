// XOR with a two-layer network: the classic problem a single neuron cannot solve.
using GraphGen;
using GraphGen.Examples;
using GraphGen.Examples.Xor;

var options = ExampleOptions.Parse("Xor", args, defaultEpochs: 500);
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];

var network = new XorNet(batchCapacity: 4, seed: options.Seed);
var optimizer = new Sgd(learningRate: options.Float("lr", 0.5f), momentum: 0.9f);
Console.WriteLine(XorNet.Description.Summary);
for (int epoch = 0; epoch < options.Epochs; epoch++)
{
    float loss = network.TrainStep(inputs, targets, optimizer);   // the whole data set is one batch
    if (epoch % 50 == 0 || epoch == options.Epochs - 1) Console.WriteLine($"epoch {epoch + 1,4}  log loss {loss:F5}");
}

var predictions = new float[4];
network.Forward(inputs, predictions);
int correct = 0;
Console.WriteLine(" x1  x2  target  p(1)");
for (int i = 0; i < 4; i++)
{
    Console.WriteLine($"  {inputs[2 * i]}   {inputs[2 * i + 1]}     {targets[i]}    {predictions[i]:F3}");
    if ((predictions[i] > 0.5f) == (targets[i] > 0.5f)) correct++;
}
Console.WriteLine($"test accuracy: {correct / 4.0:F4}");
