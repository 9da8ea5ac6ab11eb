using GraphGen.Imaging;

namespace GraphGen.Runtime.Tests.Imaging;

public class SvgTextTests
{
    [Theory]
    [InlineData("a < b & c > d", "a &lt; b &amp; c &gt; d")]
    [InlineData("\"quoted\" 'single'", "&quot;quoted&quot; &apos;single&apos;")]
    [InlineData("tab\tnew\nline", "tab\tnew\nline")]
    [InlineData("nul\0bell\a", "nul\uFFFDbell\uFFFD")]
    [InlineData("ε = 0.1 → 😀", "ε = 0.1 → 😀")] // a surrogate pair is kept whole
    public void EscapesSpecialsAndReplacesForbiddenCharacters(string text, string expected) =>
        Assert.Equal(expected, XmlText.Escape(text));

    [Fact]
    public void UnpairedSurrogatesAreReplaced()
    {
        // Built at run time: attribute arguments cannot carry an unpaired surrogate intact.
        Assert.Equal("lone \uFFFD low \uFFFD", XmlText.Escape("lone " + (char)0xDC00 + " low " + (char)0xD800));
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12.5, "12.5")]
    [InlineData(1.125, "1.13")] // exactly representable, so rounding is by the midpoint rule
    [InlineData(-0.004, "0")] // rounds to −0, written without the sign
    [InlineData(-3.14159, "-3.14")]
    [InlineData(1e20, "100000000000000000000")]
    public void FormatsNumbersPlainlyWithAtMostTwoDecimals(double value, string expected) =>
        Assert.Equal(expected, SvgNumber.Format(value));

    [Fact]
    public void RejectsNonFiniteCoordinates() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SvgNumber.Format(double.NaN));
}
