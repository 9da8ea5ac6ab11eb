extern alias vae;

using GraphGen.Data;
using vae::GraphGen.Examples.Vae;

namespace GraphGen.Inspection.Tests.Course;

public class LatentPlaneTests
{
    private static Dataset Images(int count)
    {
        var random = new SeededRandom(4);
        var features = new float[count * 784];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 10;
            for (int p = 0; p < 784; p++) features[i * 784 + p] = p / 78 == labels[i] ? 0.9f : 0.05f * random.NextSingle();
        }
        return new Dataset(features, [784], labels, 10);
    }

    [Fact]
    public void MeansAreTheEncodersOutputAndTheScatterHasAPointPerImage()
    {
        var vae = new LatentPlaneVae(batchCapacity: 16, seed: 1);
        var test = Images(40);
        var means = LatentPlane.Means(vae, test, 40);
        Assert.Equal(80, means.Length);
        vae.Forward(test.Features.AsSpan(0, 16 * 784), new float[16 * 784]);
        Assert.Equal(vae.LastOutputAt(1).ToArray(), means[..32]);
        var plot = LatentPlane.Scatter(means, test);
        Assert.Equal(10, plot.Groups.Count);
        Assert.Equal(40, plot.Groups.Sum(g => g.X.Count));
        Assert.Equal(means[2], plot.Groups[1].X[0]);
        TestData.AssertSvg(plot.ToSvg());
    }

    [Fact]
    public void DecodedPlaneIsAGridOfDigitsFromTheVaesDecoder()
    {
        var vae = new LatentPlaneVae(batchCapacity: 16, seed: 1);
        var plane = LatentPlane.Decoded(vae, side: 5, extent: 2);
        Assert.Equal((5 * 28, 5 * 28), (plane.Width, plane.Height));
        // The top-left cell decodes z = (−2, +2): the decoder alone, with the VAE's weights, gives the same pixels.
        var decoder = new LatentPlaneDecoder(batchCapacity: 1, seed: 9);
        foreach (var p in decoder.ParameterTable.Parameters)
            vae.ParameterTable.Slice(vae.Parameters, p.Name).CopyTo(decoder.ParameterTable.Slice(decoder.Parameters, p.Name));
        var pixels = new float[784];
        decoder.Forward([-2f, 2f], pixels);
        Assert.Equal(GraphGen.Imaging.Image.FromGray(pixels, 28, 28, 0, 1).GetPixel(13, 13), plane.GetPixel(13, 13));
    }
}
