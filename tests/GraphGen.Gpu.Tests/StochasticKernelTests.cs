using GraphGen.Gpu.Kernels;
using CpuKernels = GraphGen.Kernels;
using DeviceKernels = GraphGen.Gpu.Kernels;

namespace GraphGen.Gpu.Tests;

/// <summary>
/// Dropout and Gaussian noise on ILGPU's CPU accelerator against the CPU kernels, with the CPU's
/// counter-based streams: dropout masks (integer hashing) are the CPU's bit for bit; noise goes
/// through float arithmetic on the device and double on the CPU, and agrees within
/// <see cref="NoiseTolerance"/>·max(1, |ε|).
/// </summary>
[Collection(DeviceCollection.Name)]
public class StochasticKernelTests(DeviceFixture fixture)
{
    /// <summary>The device's ε against the CPU's, relative to max(1, |ε|): float rounding of ln, sin, cos and the products.</summary>
    private const double NoiseTolerance = 4e-7;

    private GpuDevice Device => fixture.Device;

    private static readonly (ulong Seed, ulong Step)[] Calls = [(1, 0), (0xDEADBEEF, 12345)];

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    [InlineData(1f)]
    public void DropoutMasksAreTheCpusBitForBit(float p)
    {
        const int n = 1003;   // not a whole number of vectors: the CPU's vector body and scalar tail both
        var x = GradientChecks.RandomInputs(n, 1);
        foreach (var (seed, step) in Calls)
        {
            var y = new float[n];
            var mask = new float[n];
            CpuKernels.Dropout.Forward(x, y, mask, p, seed, step);
            var device = Device.Run(v => DeviceKernels.Dropout.Forward(Device, v[0], v[1], v[2], p, seed, step), x, new float[n], new float[n]);
            Bits.Equal(mask, device[2], $"mask (p = {p}, seed {seed}, step {step})");
            Bits.Equal(y, device[1], $"y (p = {p}, seed {seed}, step {step})");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DropoutBackwardIsTheCpusBitForBit(bool accumulate)
    {
        const int n = 37;
        var mask = new float[n];
        CpuKernels.Dropout.Forward(new float[n], new float[n], mask, 0.3f, 5, 6);
        var dy = GradientChecks.RandomInputs(n, 2);
        var dx0 = GradientChecks.RandomInputs(n, 3);
        var dx = (float[])dx0.Clone();
        CpuKernels.Dropout.Backward(dy, mask, dx, accumulate);
        var device = Device.Run(v => DeviceKernels.Dropout.Backward(Device, v[0], v[1], v[2], accumulate), dy, mask, (float[])dx0.Clone());
        Bits.Equal(dx, device[2], "dx");
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void DropoutRejectsAProbabilityOutsideZeroToOne(float p)
    {
        var cpu = Assert.Throws<ArgumentOutOfRangeException>(() => CpuKernels.Dropout.Forward(new float[4], new float[4], new float[4], p, 1, 1));
        var device = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Device.Run(v => DeviceKernels.Dropout.Forward(Device, v[0], v[1], v[2], p, 1, 1), new float[4], new float[4], new float[4]));
        Assert.Equal(cpu.Message, device.Message);
    }

    [Fact]
    public void NoiseMatchesTheCpuAndRepeatsBitForBit()
    {
        const int n = 2049;   // odd: the last pair has one value
        foreach (var (seed, step) in Calls)
        {
            var eps = new float[n];
            CpuKernels.GaussianNoise.Fill(eps, seed, step);
            float[] Run() => Device.Run(v => DeviceKernels.GaussianNoise.Fill(Device, v[0], seed, step), new float[n])[0];
            var first = Run();
            for (int i = 0; i < n; i++)
                Assert.True(Math.Abs(first[i] - eps[i]) <= NoiseTolerance * Math.Max(1, Math.Abs(eps[i])),
                    $"ε[{i}] (seed {seed}, step {step}): device {first[i]:R}, CPU {eps[i]:R}");
            Bits.Equal(first, Run(), "ε, second launch");
        }
        var other = Device.Run(v => DeviceKernels.GaussianNoise.Fill(Device, v[0], 1, 1), new float[n])[0];
        var zeroth = Device.Run(v => DeviceKernels.GaussianNoise.Fill(Device, v[0], 1, 0), new float[n])[0];
        Assert.True(other.Zip(zeroth).Count(p => p.First == p.Second) < 4, "another step draws other noise");
    }

    /// <summary>
    /// The float Box–Muller against the CPU's double formula on 2¹⁸ random hashes and on the
    /// extremes: U₁ = 2⁻²⁴ (the largest radius), U₁ = 1 (r = 0), just below 1 (where a float log
    /// loses its accuracy), and angles at and beside every octant boundary.
    /// </summary>
    [Fact]
    public void FloatBoxMullerAgreesWithTheCpusDouble()
    {
        var hashes = new List<ulong>();
        var random = new SeededRandom(0x1234567);
        for (int k = 0; k < 1 << 18; k++) hashes.Add((ulong)random.NextUInt32() << 32 | random.NextUInt32());
        foreach (ulong u1 in new ulong[] { 0, 1, 2, 0x7FFFFF, 0x800000, 0xB504F3, 0xFFFFFD, 0xFFFFFE, 0xFFFFFF })
            for (ulong octant = 0; octant < 8; octant++)
                foreach (long offset in new long[] { -1, 0, 1 })
                {
                    ulong u2 = (ulong)(((long)(octant << 21) + offset) & 0xFFFFFF);
                    hashes.Add(u1 << 40 | u2 << 16 | 0xABCD);
                }
        double worst = 0;
        foreach (ulong h in hashes)
        {
            var (cos, sin) = CpuPair(h);
            float r = BoxMuller.Radius(h);
            var angle = BoxMuller.SinCos(h);
            foreach (var (device, cpu) in new[] { (r * angle.Cos, cos), (r * angle.Sin, sin) })
            {
                Assert.True(float.IsFinite(device), $"h = {h:X16}: {device}");
                worst = Math.Max(worst, Math.Abs(device - cpu) / Math.Max(1, Math.Abs(cpu)));
            }
        }
        Assert.True(worst <= NoiseTolerance, $"largest difference {worst:E2} (relative to max(1, |ε|))");
    }

    /// <summary>The CPU's transform (GaussianNoise.Fill) of one hash, in double.</summary>
    private static (float Cos, float Sin) CpuPair(ulong h)
    {
        const double unit = 1.0 / (1 << 24);
        double u1 = ((h >> 40) + 1) * unit, u2 = ((h >> 16) & 0xFFFFFF) * unit;
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
        return ((float)(r * cos), (float)(r * sin));
    }
}
