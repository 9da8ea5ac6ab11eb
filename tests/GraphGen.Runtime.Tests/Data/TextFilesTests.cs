using System.Text;
using GraphGen.Data;

namespace GraphGen.Runtime.Tests.Data;

public sealed class TextFilesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ReadAllKeepsTheTextAndDropsAByteOrderMark()
    {
        string path = _temp.File("bom.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("Call me Ishmael—\nnever mind.")]);
        Assert.Equal("Call me Ishmael—\nnever mind.", TextFiles.ReadAll(path));
    }

    [Fact]
    public void ReadAllUndoesGzip()
    {
        string path = _temp.WriteGzip("text.gz", Encoding.UTF8.GetBytes("whale"));
        Assert.Equal("whale", TextFiles.ReadAll(path));
    }

    [Fact]
    public void InvalidUtf8NamesTheFileAndByte()
    {
        string path = _temp.File("latin1.txt");
        File.WriteAllBytes(path, [(byte)'c', (byte)'a', (byte)'f', 0xE9]);
        var error = Assert.Throws<InvalidDataException>(() => TextFiles.ReadAll(path));
        Assert.Equal($"{path}: byte 3: the text is not valid UTF-8", error.Message);
    }

    [Fact]
    public void ReadLinesSkipsBlankLinesAndTrims()
    {
        string path = _temp.WriteText("names.txt", "Aaren\r\n\n  Abagael \nZuzana\n");
        Assert.Equal(["Aaren", "Abagael", "Zuzana"], TextFiles.ReadLines(path));
    }
}
