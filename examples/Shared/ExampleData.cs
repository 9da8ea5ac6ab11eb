using GraphGen.Data;

namespace GraphGen.Examples;

/// <summary>Small conversions the examples share.</summary>
public static class ExampleData
{
    /// <summary>0/1 class labels as float targets, for log-loss (binary cross-entropy) training.</summary>
    public static Dataset LabelsAsTargets(Dataset data)
    {
        var targets = new float[data.Count];
        for (int i = 0; i < data.Count; i++) targets[i] = data.LabelOf(i);
        return new Dataset(data.Features, data.FeatureShape.ToArray(), targets, 1);
    }

    /// <summary>Fraction of samples whose output falls on the same side of the threshold as their 0/1 target.</summary>
    public static double BinaryAccuracy(INetwork network, Dataset data, float threshold = 0.5f)
    {
        var output = new float[network.OutputSize];
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            network.Forward(data.FeaturesOf(i), output);
            if ((output[0] > threshold) == (data.TargetsOf(i)[0] > 0.5f)) correct++;
        }
        return (double)correct / data.Count;
    }
}
