namespace GraphGen.Distributed.TestHost;

/// <summary>
/// What one process ended a run with, by name (parameters, losses, ...), as doubles: written by
/// each rank of the test host, read back by the tests. Floats convert exactly, so comparing
/// records compares bits.
/// </summary>
public sealed class RunRecord
{
    private readonly SortedDictionary<string, double[]> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, double[]> Values => _values;

    public double[] this[string name] =>
        _values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"The run record has no '{name}'; it has {string.Join(", ", _values.Keys)}.");

    public void Add(string name, ReadOnlySpan<float> values)
    {
        var copy = new double[values.Length];
        for (int i = 0; i < copy.Length; i++) copy[i] = values[i];
        _values.Add(name, copy);
    }

    public void Add(string name, params double[] values) => _values.Add(name, values);

    public void Save(string path)
    {
        string temporary = path + ".partial";
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(_values.Count);
            foreach (var (name, values) in _values)
            {
                writer.Write(name);
                writer.Write(values.Length);
                foreach (double v in values) writer.Write(v);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static RunRecord Load(string path)
    {
        var record = new RunRecord();
        using var reader = new BinaryReader(File.OpenRead(path));
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            string name = reader.ReadString();
            var values = new double[reader.ReadInt32()];
            for (int j = 0; j < values.Length; j++) values[j] = reader.ReadDouble();
            record._values.Add(name, values);
        }
        return record;
    }
}
