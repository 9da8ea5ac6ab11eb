using System.Globalization;

namespace GraphGen.Examples.BackpropExercise;

/// <summary>How a hand-written tensor compares with the generated backward pass.</summary>
public enum Verdict
{
    /// <summary>Every float is the same, bit for bit.</summary>
    Exact,
    /// <summary>Within rounding: |mine − key| ≤ 1e-6 + 1e-4·|key| everywhere (NumPy's allclose with rtol 1e-4).</summary>
    Close,
    /// <summary>Some element is farther off than rounding explains, or the shape is wrong, or the code threw.</summary>
    Wrong,
    /// <summary>The method still throws <see cref="NotImplementedException"/>.</summary>
    NotWritten,
}

/// <summary>One line of the checker's report.</summary>
public sealed record TensorCheck(string Name, string Shape, Verdict Verdict, double MaxDifference, string Detail)
{
    /// <summary>"dh         [32, 32]   close (max diff 3.7E-09)".</summary>
    public override string ToString()
    {
        string result = Verdict switch
        {
            Verdict.Exact => "exact",
            Verdict.Close => string.Create(CultureInfo.InvariantCulture, $"close (max diff {MaxDifference:0.0E+00})"),
            Verdict.NotWritten => "not written yet",
            _ => "WRONG" + (Detail.Length > 0 ? $" ({Detail})" : ""),
        };
        return $"{Name,-9} {Shape,-9} {result}";
    }
}

/// <summary>
/// Runs each step of a hand-written backward pass with the correct gradient of its output, and
/// compares each tensor it returns with the answer key: exact, close or wrong, per tensor.
/// </summary>
public static class BackwardChecker
{
    private const double AbsoluteTolerance = 1e-6, RelativeTolerance = 1e-4;

    /// <summary>The eleven tensors of the exercise, from the loss down to the input.</summary>
    public static IReadOnlyList<TensorCheck> Check(IBackwardSteps mine, ForwardPass f, AnswerKey key)
    {
        ArgumentNullException.ThrowIfNull(mine);
        int n = f.N, hidden = BatchNormMlp.Hidden;
        var checks = new List<TensorCheck>();
        void Step(Func<float[][]> run, params (string Name, int Rows, int Columns, float[] Key)[] tensors)
        {
            float[][] results;
            try
            {
                results = run();
            }
            catch (NotImplementedException)
            {
                foreach (var t in tensors) checks.Add(new TensorCheck(t.Name, Shape(t.Rows, t.Columns), Verdict.NotWritten, double.NaN, ""));
                return;
            }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or NullReferenceException or InvalidOperationException)
            {
                foreach (var t in tensors) checks.Add(new TensorCheck(t.Name, Shape(t.Rows, t.Columns), Verdict.Wrong, double.NaN, $"threw {e.GetType().Name}: {e.Message}"));
                return;
            }
            for (int i = 0; i < tensors.Length; i++)
                checks.Add(Compare(tensors[i].Name, tensors[i].Rows, tensors[i].Columns, results[i], tensors[i].Key));
        }

        Step(() => [mine.Loss(f)], ("dlogits", n, 10, key.DLogits));
        Step(() => { var (w, b, h) = mine.OutputLayer(f, key.DLogits); return [w, b, h]; },
            ("dW2", 10, hidden, key.DW2), ("db2", 1, 10, key.DB2), ("dh", n, hidden, key.DH));
        Step(() => [mine.Tanh(f, key.DH)], ("dhpreact", n, hidden, key.DHpreact));
        Step(() => { var (g, b, h) = mine.BatchNorm(f, key.DHpreact); return [g, b, h]; },
            ("dgamma", 1, hidden, key.DGamma), ("dbeta", 1, hidden, key.DBeta), ("dhprebn", n, hidden, key.DHprebn));
        Step(() => { var (w, b, x) = mine.HiddenLayer(f, key.DHprebn); return [w, b, x]; },
            ("dW1", hidden, 64, key.DW1), ("db1", 1, hidden, key.DB1), ("dx", n, 64, key.DX));
        return checks;
    }

    /// <summary>One tensor against its key; the largest difference and, when wrong, where it is.</summary>
    public static TensorCheck Compare(string name, int rows, int columns, float[]? mine, float[] key)
    {
        string shape = Shape(rows, columns);
        if (mine is null) return new TensorCheck(name, shape, Verdict.Wrong, double.NaN, "returned null");
        if (mine.Length != key.Length)
            return new TensorCheck(name, shape, Verdict.Wrong, double.NaN, $"{mine.Length} values instead of {key.Length}");
        bool exact = true, close = true;
        double largest = 0;
        int worst = 0;
        for (int i = 0; i < key.Length; i++)
        {
            exact &= BitConverter.SingleToInt32Bits(mine[i]) == BitConverter.SingleToInt32Bits(key[i]);
            double difference = Math.Abs((double)mine[i] - key[i]);
            if (!(difference <= AbsoluteTolerance + RelativeTolerance * Math.Abs(key[i]))) close = false;
            if (!(difference <= largest)) { largest = difference; worst = i; }
        }
        if (exact) return new TensorCheck(name, shape, Verdict.Exact, 0, "");
        if (close) return new TensorCheck(name, shape, Verdict.Close, largest, "");
        string at = rows == 1 ? $"[{worst}]" : $"[{worst / columns}, {worst % columns}]";
        return new TensorCheck(name, shape, Verdict.Wrong, largest,
            string.Create(CultureInfo.InvariantCulture, $"max diff {largest:0.0E+00} at {at}: yours {mine[worst]:G6}, generated {key[worst]:G6}"));
    }

    private static string Shape(int rows, int columns) => rows == 1 ? $"[{columns}]" : $"[{rows}, {columns}]";
}
