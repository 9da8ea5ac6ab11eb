namespace GraphGen.Bench;

/// <summary>
/// `export-onnx DIR`: the quick table's networks as GraphGen itself exports them (seed 0), one
/// `&lt;stem&gt;.onnx` per case under the stems of bench/peers/networks.py ("mlp-64-32-10", "lenet-5",
/// ...), for the ONNX Runtime peer (bench/peers/compare.py).
/// </summary>
public static class OnnxModels
{
    /// <summary>Writes every case's model into <paramref name="folder"/> and prints one line each.</summary>
    public static void Export(TextWriter log, string folder)
    {
        Directory.CreateDirectory(folder);
        var cases = NetworkQuick.Cases.Select(c => ("mlp-" + Stem(c.Name), c.Create))
            .Concat(NetworkQuick.ConvCases.Concat(NetworkQuick.SequenceCases).Select(c => (Stem(c.Name), c.Create)));
        foreach (var (stem, create) in cases)
        {
            string path = Path.Combine(folder, stem + ".onnx");
            Onnx.OnnxExport.Save(create(1), path);
            log.WriteLine($"{stem}: {path} ({new FileInfo(path).Length:N0} bytes, GraphGen's export)");
        }
    }

    /// <summary>"lenet-5 b64" → "lenet-5": the case name without its batch.</summary>
    private static string Stem(string name) => name[..name.LastIndexOf(" b", StringComparison.Ordinal)];
}
