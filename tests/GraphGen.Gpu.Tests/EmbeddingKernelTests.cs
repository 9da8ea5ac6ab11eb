using ILGPU.Runtime;
using CpuKernels = GraphGen.Kernels;
using DeviceKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// The embedding kernels on ILGPU's CPU accelerator against the CPU kernel: the lookup and the
/// scatter-add are the CPU's bit for bit (the backward adds each row's gradients in the CPU's
/// position order), and an id outside the vocabulary throws the CPU's exception before anything
/// is written.
/// </summary>
[Collection(DeviceCollection.Name)]
public class EmbeddingKernelTests(DeviceFixture fixture)
{
    private const int Vocabulary = 6, Dimension = 5;
    private GpuDevice Device => fixture.Device;

    // Token 3 three times, 0 twice, 5 and 1 once, 2 and 4 never.
    private static readonly float[] Ids = [3, 0, 5, 3, 1, 0, 3];

    [Fact]
    public void ForwardIsTheCpusBitForBit()
    {
        var table = GradientChecks.RandomInputs(Vocabulary * Dimension, 1);
        var y = new float[Ids.Length * Dimension];
        CpuKernels.Embedding.Forward(Ids, table, y, Vocabulary, Dimension);
        var device = Device.Run(v => DeviceKernels.Embedding.Forward(Device, v[0], v[1], v[2], Vocabulary, Dimension), Ids, table, new float[y.Length]);
        Bits.Equal(y, device[2], "y");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BackwardIsTheCpusBitForBit(bool accumulate)
    {
        var dy = GradientChecks.RandomInputs(Ids.Length * Dimension, 2);
        var dtable0 = GradientChecks.RandomInputs(Vocabulary * Dimension, 3);
        var dtable = (float[])dtable0.Clone();
        CpuKernels.Embedding.Backward(Ids, dy, dtable, Vocabulary, Dimension, accumulate);
        float[] Run() => Device.Run(v => DeviceKernels.Embedding.Backward(Device, v[0], v[1], v[2], Vocabulary, Dimension, accumulate), Ids, dy, (float[])dtable0.Clone())[2];
        var first = Run();
        Bits.Equal(dtable, first, "dtable");
        Bits.Equal(first, Run(), "dtable, second launch");
    }

    [Theory]
    [InlineData(DeviceKernels.Embedding.BlockPositions + 1, false)]
    [InlineData(300, true)]
    public void BackwardOverManyPositionsAddsBlocksInOrder(int positions, bool accumulate)
    {
        var rng = new SeededRandom(4);
        var ids = new float[positions];
        for (int t = 0; t < positions; t++) ids[t] = rng.NextInt(Vocabulary);
        var dy = GradientChecks.RandomInputs(positions * Dimension, 5);
        var dtable0 = GradientChecks.RandomInputs(Vocabulary * Dimension, 6);
        // The blocked order: equal blocks of ⌈positions / blocks⌉, each added in order from 0, then the blocks in order.
        int blocks = (positions + DeviceKernels.Embedding.BlockPositions - 1) / DeviceKernels.Embedding.BlockPositions;
        int perBlock = (positions + blocks - 1) / blocks;
        var expected = (float[])dtable0.Clone();
        for (int e = 0; e < expected.Length; e++)
        {
            int v = e / Dimension, d = e % Dimension;
            float total = 0f;
            for (int b = 0; b < blocks; b++)
            {
                float part = 0f;
                for (int t = b * perBlock; t < Math.Min(positions, (b + 1) * perBlock); t++)
                    if (ids[t] == v) part += dy[t * Dimension + d];
                total += part;
            }
            expected[e] = accumulate ? expected[e] + total : total;
        }
        var device = Device.Run(v => DeviceKernels.Embedding.Backward(Device, v[0], v[1], v[2], Vocabulary, Dimension, accumulate), ids, dy, (float[])dtable0.Clone())[2];
        Bits.Equal(expected, device, "dtable");
        var cpu = (float[])dtable0.Clone();
        CpuKernels.Embedding.Backward(ids, dy, cpu, Vocabulary, Dimension, accumulate);
        Close.All(cpu, device, 1e-5, "dtable against the CPU's single chain");
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(6f)]
    [InlineData(2.5f)]
    [InlineData(float.NaN)]
    public void AnIdOutsideTheVocabularyThrowsTheCpusExceptionBeforeWriting(float bad)
    {
        // Two bad positions: the first (3) is the one reported, as on the CPU.
        float[] ids = [1, 2, 0, bad, 4, bad];
        var table = GradientChecks.RandomInputs(Vocabulary * Dimension, 4);
        var cpu = Assert.Throws<ArgumentOutOfRangeException>(() => CpuKernels.Embedding.Forward(ids, table, new float[ids.Length * Dimension], Vocabulary, Dimension));
        var untouched = GradientChecks.RandomInputs(ids.Length * Dimension, 5);
        float[]? after = null;
        var device = Assert.Throws<ArgumentOutOfRangeException>(() => Device.Run(v =>
        {
            try
            {
                DeviceKernels.Embedding.Forward(Device, v[0], v[1], v[2], Vocabulary, Dimension);
            }
            finally
            {
                after = new float[untouched.Length];
                v[2].CopyToCPU(after);
            }
        }, ids, table, (float[])untouched.Clone()));
        Assert.Equal(cpu.Message, device.Message);
        Assert.Equal("ids", device.ParamName);
        Bits.Equal(untouched, after, "y after the exception");
    }

    [Fact]
    public void AShortTableIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Device.Run(v => DeviceKernels.Embedding.Backward(Device, v[0], v[1], v[2], Vocabulary, Dimension, false), Ids, new float[Ids.Length * Dimension], new float[Vocabulary * Dimension - 1]));
        Assert.Contains("Embedding.Backward: dtable must hold 30 floats ([vocabulary, dimension] = [6, 5])", e.Message);
    }
}
