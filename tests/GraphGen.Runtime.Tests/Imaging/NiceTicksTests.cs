using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class NiceTicksTests
{
    [Fact]
    public void UnitIntervalStepsByTwoTenths()
    {
        var ticks = NiceTicks.Linear(0, 1);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], ticks.Values);
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], ticks.Labels);
        Assert.Equal((0, 1), (ticks.Min, ticks.Max));
        Assert.False(ticks.IsLog);
    }

    [Fact]
    public void RangeRoundsOutwardsToWholeSteps()
    {
        var ticks = NiceTicks.Linear(3, 97);
        Assert.Equal([0, 20, 40, 60, 80, 100], ticks.Values);
        Assert.Equal(["0", "20", "40", "60", "80", "100"], ticks.Labels);
        Assert.Equal((0, 100), (ticks.Min, ticks.Max));
    }

    [Fact]
    public void NegativeValuesUseATrueMinusSign()
    {
        var ticks = NiceTicks.Linear(-0.7, 1.5);
        Assert.Equal([-1, -0.5, 0, 0.5, 1, 1.5], ticks.Values);
        Assert.Equal(["−1.0", "−0.5", "0.0", "0.5", "1.0", "1.5"], ticks.Labels);
    }

    [Fact]
    public void ValuesAreExactDecimalsNotAccumulatedSums()
    {
        var ticks = NiceTicks.Linear(0, 0.3, maxTicks: 4);
        Assert.Equal([0, 0.1, 0.2, 0.3], ticks.Values); // 0.1 + 0.2 would give 0.30000000000000004
        Assert.Equal("0.3", ticks.Labels[3]);
    }

    [Fact]
    public void TinyAndHugeValuesUsePowersOfTen()
    {
        Assert.Equal(["0", "5×10⁻⁷", "10⁻⁶", "1.5×10⁻⁶", "2×10⁻⁶"], NiceTicks.Linear(0, 2e-6).Labels);
        Assert.Equal(["0", "10⁶", "2×10⁶", "3×10⁶"], NiceTicks.Linear(0, 3e6).Labels);
        Assert.Equal(["−10⁻⁶", "−5×10⁻⁷", "0"], NiceTicks.Linear(-1e-6, 0, maxTicks: 3).Labels);
    }

    [Fact]
    public void ZeroWidthRangeIsWidened()
    {
        Assert.Equal([4.5, 5, 5.5], NiceTicks.Linear(5, 5).Values);
        Assert.Equal((-1, 1), (NiceTicks.Linear(0, 0).Min, NiceTicks.Linear(0, 0).Max));
    }

    [Fact]
    public void AnyRangeGetsAtMostMaxTicksOfOneNiceStepCoveringIt()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 2000; trial++)
        {
            double scale = Math.Pow(10, random.Next(-8, 9));
            double a = (random.NextDouble() * 2 - 1) * scale, b = a + random.NextDouble() * scale;
            int maxTicks = random.Next(3, 12);
            var ticks = NiceTicks.Linear(a, b, maxTicks);

            Assert.True(ticks.Values.Count >= 2 && ticks.Values.Count <= maxTicks, $"[{a:R}, {b:R}] max {maxTicks}: {string.Join(", ", ticks.Values)}");
            Assert.True(ticks.Min <= a && ticks.Max >= b, $"[{ticks.Min}, {ticks.Max}] does not cover [{a}, {b}]");
            double step = ticks.Values[1] - ticks.Values[0];
            double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
            Assert.True(new[] { 1.0, 2.0, 5.0, 10.0 }.Any(m => Math.Abs(mantissa - m) < 1e-6), $"step {step} is not 1, 2 or 5 × 10^k");
            for (int i = 1; i < ticks.Values.Count; i++)
                Assert.Equal(step, ticks.Values[i] - ticks.Values[i - 1], step * 1e-6);
            Assert.Equal(ticks.Values.Count, ticks.Labels.Distinct().Count());
        }
    }

    [Fact]
    public void LogAxisLabelsEveryDecade()
    {
        var ticks = NiceTicks.Log10(1e-6, 1e2);
        Assert.True(ticks.IsLog);
        Assert.Equal([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100], ticks.Values);
        Assert.Equal(["10⁻⁶", "10⁻⁵", "10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰", "10¹", "10²"], ticks.Labels);
        Assert.Equal((1e-6, 1e2), (ticks.Min, ticks.Max));
        Assert.Equal(8 * 8, ticks.Minor.Count); // 2…9 in each of eight decades
        Assert.Contains(3e-4, ticks.Minor);
    }

    [Fact]
    public void LogAxisWithinAThousandUsesPlainNumbersAndRoundsOutwards()
    {
        var ticks = NiceTicks.Log10(0.02, 300);
        Assert.Equal(["0.01", "0.1", "1", "10", "100", "1000"], ticks.Labels);
    }

    [Fact]
    public void ManyDecadesAreLabelledEveryKthWithTheRestAsMinorTicks()
    {
        var ticks = NiceTicks.Log10(1e-12, 1e3, maxTicks: 10);
        // 15 decades in at most 9 intervals: every 2nd decade, the axis extended to 10^4.
        Assert.Equal(Enumerable.Range(0, 9).Select(i => double.Parse($"1e{-12 + 2 * i}")), ticks.Values);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => double.Parse($"1e{-11 + 2 * i}")), ticks.Minor);
    }

    [Fact]
    public void LogAxisOfOneValueSpansADecadeEachSide()
    {
        var ticks = NiceTicks.Log10(1e-3, 1e-3);
        Assert.Equal([1e-4, 1e-3, 1e-2], ticks.Values);
    }

    [Fact]
    public void BadRangesAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NiceTicks.Log10(0, 1));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(2, 1));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NiceTicks.Linear(-1, 1, maxTicks: 2));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(-1e308, 1e308));
        Assert.Throws<ArgumentOutOfRangeException>(() => NiceTicks.Log10(1e-320, 1));
    }
}
