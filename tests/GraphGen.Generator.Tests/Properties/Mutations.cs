using System.Text.RegularExpressions;

namespace GraphGen.Generator.Tests;

/// <summary>One edit of a network's source: which kind, which occurrence it hits, which variant it writes.</summary>
internal readonly record struct Mutation(int Kind, uint Pick, uint Variant)
{
    public override string ToString() => $"{Mutations.Name(Kind)}(pick {Pick}, variant {Variant})";
}

/// <summary>
/// Edits that turn a valid network into what users also write: names that are keywords or collide
/// once mangled, or are names of generated members; float constants without a literal; shapes near
/// the limits of int; members that collide with generated or inherited ones; odd declarations;
/// missing or repeated attributes; calls with the wrong arguments. The network writers' output is
/// the input: a class "Net" in namespace Random, locals x, t0, t1..., layers "layer0"... and "head".
/// </summary>
internal static partial class Mutations
{
    private static readonly string[] Identifiers =
    [
        "o", "@do", "@class", "@in", "Seed", "TrainingSteps", "EvaluationSteps", "batch", "training", "withGradient", "ArenaView",
        "ParameterView", "Observe", "term0", "term1", "dx", "dT0", "layer0Weight", "dLayer0Weight", "headWeight", "dHeadBias",
        "é", "entrée", "_", "__", "var", "global", "value", "i", "sum", "input", "outputs", "targets", "Forward", "Loss", "Net",
        "Layout", "x", "z", "y", "t1", "t0Mask", "t0Output", "@var", "dz", "Z",
    ];

    private static readonly string[] LayerNames =
    [
        "a.b", "aB", "layer0.weight", "head.bias", "o", "class", "do", "é.ü", "a\\\"b", "a\\\\b", "", " ", "\\n", "\\t", "\\u2028",
        "layer0", "head", "x", "Seed", "term0", "block.0.fc", "1abc", "a b", "😀", "\\uD800", "a\\\"\\\"\\\"\\\"b", "dLayer0.weight",
    ];

    private static readonly string[] Constants =
    [
        "float.NaN", "float.PositiveInfinity", "float.NegativeInfinity", "-0f", "float.Epsilon", "float.MaxValue", "-float.MaxValue",
        "1e-40f", "(float)1e300", "0f", "1e30f", "-1f",
    ];

    private static readonly string[] InputShapes =
    [
        "1 << 30", "65536, 65536", "int.MaxValue", "46341, 46341", "0", "-1", "", "1 << 20, 1 << 11", "2147483647, 2", "1, 1", "1 << 29, 4",
    ];

    private static readonly string[] Units = ["int.MaxValue", "1 << 30", "0", "-3", "65536", "1 << 16", "46341", "1"];

    private static readonly string[] Members =
    [
        "public int InputSize => 1;", "int Layout;", "public Net(int a, int b) { }", "public Net(string s) { }", "public Net(string s) : this(4, 1) { }",
        "class var { }", "public string Name => \"\";", "ulong Seed;", "void Observe() { }", "class Parameters { }",
        "public void Forward(System.ReadOnlySpan<float> a, System.Span<float> b) { }", "public float[] Forward(float[] a) => a;",
        "static Net() { }", "public override string ToString() => \"net\";",
        "protected override void RunForward(System.ReadOnlySpan<float> x, int batch, bool training) { }",
        "public static readonly int Description = 0;", "const int Width = 4;", "public int InputGradient => 0;", "enum Summary { A }",
        "event System.Action? TrainStep;", "int this[int i] => i;", "public long TrainingSteps;", "Tensor Helper(Tensor a) => Relu(a);",
    ];

    private static readonly string[] Declarations =
    [
        "[Network] public class Net", "[Network] public static partial class Net", "[Network] public abstract partial class Net",
        "[Network] public sealed partial class Net", "[Network] public partial class Net<T>", "[Network] public partial record Net",
        "[Network] public partial struct Net", "[Network] file partial class Net", "[Network] public partial class Net : System.Random",
        "[Network(InputGradient = true)] public partial class Net", "[Network] internal partial class Net", "public partial class Net",
        "[Network] public partial class Layout", "[Network] public partial class @var", "[Network] public partial class Net(int k)",
        "[Network] public partial class @class", "[Network] public unsafe partial class Net",
    ];

    private static readonly (string Open, string Close)[] Wrappers =
    [
        ("public partial class Outer {", "}"), ("public class Outer {", "}"), ("public partial struct Outer {", "}"),
        ("public static partial class Outer {", "}"), ("public partial class @class {", "}"), ("public partial class Outer<T> {", "}"),
    ];

    private static readonly string[] TargetAttributes = ["[Labels(0)]", "[Labels(-1)]", "[Labels(int.MaxValue)]", "", "[Shape()]", "[Shape(0)]", "[Shape(65536, 65536)]", "[Labels(2), Shape(0)]"];

    private delegate string Edit(string source, uint pick, uint variant);

    /// <summary>Each kind of edit, with how many variants it has (the exhaustive test runs each once).</summary>
    private static readonly (string Name, int Variants, Edit Apply)[] Kinds =
    [
        ("rename a local", Identifiers.Length, (s, p, v) => ReplaceWord(s, Pick(Locals(s), p), Identifiers[v % Identifiers.Length])),
        ("rename a layer", LayerNames.Length, (s, p, v) => ReplaceOne(s, LayerLiteral(), p, $"\"{LayerNames[v % LayerNames.Length]}\"")),
        ("change a constant", Constants.Length, (s, p, v) => ReplaceOne(s, FloatLiteral(), p, Constants[v % Constants.Length])),
        ("change the input shape", InputShapes.Length, (s, _, v) => ReplaceOne(s, InputShape(), 0, $"[Forward] Tensor Forward([Shape({InputShapes[v % InputShapes.Length]})] Tensor x")),
        ("change a layer's units", Units.Length, (s, p, v) => ReplaceGroup(s, DenseUnits(), p, Units[v % Units.Length])),
        ("add a member", Members.Length, (s, _, v) => s.Replace("{\n    [Forward]", "{\n    " + Members[v % Members.Length] + "\n    [Forward]")),
        ("change the declaration", Declarations.Length, (s, _, v) => s.Replace("[Network] public partial class Net", Declarations[v % Declarations.Length])),
        ("nest the class", Wrappers.Length, (s, _, v) => Wrap(s, Wrappers[v % Wrappers.Length])),
        ("drop an attribute", 3, (s, p, _) => (p % 3) switch
        {
            0 => s.Replace("[Forward] ", ""),
            1 => s.Replace("[Loss] ", ""),
            _ => ReplaceOne(s, InputShapeAttribute(), 0, "Tensor x)"),
        }),
        ("change the target", TargetAttributes.Length, (s, _, v) => ReplaceOne(s, TargetAttribute(), 0, TargetAttributes[v % TargetAttributes.Length] + " Tensor y")),
        ("add a second [Forward]", 1, (s, _, _) => s.Replace("\n    [Forward]", "\n    [Forward] Tensor Forward2([Shape(2)] Tensor x) => Relu(x);\n    [Forward]")),
        ("drop a call's argument", 2, (s, p, _) => ReplaceGroup(s, DenseUnitsWithComma(), p, "")),
        ("add a call argument", 4, (s, p, _) => ReplaceOne(s, UnaryCall(), p, "$1(x, ")),
        ("call a helper with the wrong arguments", 2, (s, p, v) => CallHelper(s, p, v)),
        ("share a layer", 2, (s, p, v) => ReplaceOne(s, LayerLiteral(), p, v % 2 == 0 ? "\"layer0\", share: true" : "\"head\", share: true")),
    ];

    public static int Count => Kinds.Length;

    public static string Name(int kind) => Kinds[kind % Kinds.Length].Name;

    public static int Variants(int kind) => Kinds[kind % Kinds.Length].Variants;

    public static string Apply(string source, Mutation mutation) => Kinds[mutation.Kind % Kinds.Length].Apply(source, mutation.Pick, mutation.Variant);

    private static List<string> Locals(string source) =>
        LocalName().Matches(source).Select(m => m.Groups[1].Value).Append("x").Append("z").Append("y").Distinct().ToList();

    private static string Pick(List<string> items, uint pick) => items[(int)(pick % (uint)items.Count)];

    /// <summary>Every whole-word occurrence of a local (its declaration and uses), so the edit renames it consistently.</summary>
    private static string ReplaceWord(string source, string word, string replacement) =>
        Regex.Replace(source, $@"(?<![\w.""@]){Regex.Escape(word)}(?![\w""])", replacement.Replace("$", "$$"));

    private static string ReplaceOne(string source, Regex pattern, uint pick, string replacement)
    {
        var matches = pattern.Matches(source);
        if (matches.Count == 0) return source;
        var m = matches[(int)(pick % (uint)matches.Count)];
        // The replacement may refer to the match's first group as $1 (the catalog's texts hold no other '$').
        return source.Substring(0, m.Index) + m.Result(replacement) + source.Substring(m.Index + m.Length);
    }

    private static string ReplaceGroup(string source, Regex pattern, uint pick, string replacement)
    {
        var matches = pattern.Matches(source);
        if (matches.Count == 0) return source;
        var g = matches[(int)(pick % (uint)matches.Count)].Groups[1];
        return source.Substring(0, g.Index) + replacement + source.Substring(g.Index + g.Length);
    }

    private static string Wrap(string source, (string Open, string Close) wrapper)
    {
        int start = source.IndexOf("[Network", StringComparison.Ordinal);
        if (start < 0) start = source.IndexOf("partial class", StringComparison.Ordinal);
        if (start < 0) return source; // an earlier edit left nothing recognisable to wrap
        return source.Substring(0, start) + wrapper.Open + "\n" + source.Substring(start) + wrapper.Close + "\n";
    }

    /// <summary>A helper of one parameter, called with two (CS1501), or with one (a valid inlined helper).</summary>
    private static string CallHelper(string source, uint pick, uint variant)
    {
        source = source.Replace("{\n    [Forward]", "{\n    Tensor Block(Tensor a) => Relu(Dense(a, 3, \"block\"));\n    [Forward]");
        return ReplaceOne(source, InputUse(), pick, variant % 2 == 0 ? "(Block(x, 3)$1" : "(Block(x)$1");
    }

    [GeneratedRegex(@"var (\w+) = ")]
    private static partial Regex LocalName();

    [GeneratedRegex(@"""(layer\d+|head)""")]
    private static partial Regex LayerLiteral();

    [GeneratedRegex(@"(?<![\w.])\d+\.\d+f|(?<![\w.])\d+f")]
    private static partial Regex FloatLiteral();

    [GeneratedRegex(@"\[Forward\] Tensor Forward\(\[Shape\([^)]*\)\] Tensor x")]
    private static partial Regex InputShape();

    [GeneratedRegex(@"\[Shape\([^)]*\)\] Tensor x\)")]
    private static partial Regex InputShapeAttribute();

    [GeneratedRegex(@"(?:Dense|Conv2d)\(\w+, (\d+),")]
    private static partial Regex DenseUnits();

    [GeneratedRegex(@"Dense\(\w+,( \d+,)")]
    private static partial Regex DenseUnitsWithComma();

    [GeneratedRegex(@"\[(?:Labels|Shape)\([^)]*\)\] Tensor y")]
    private static partial Regex TargetAttribute();

    [GeneratedRegex(@"\b(Relu|Tanh|Sigmoid|Softmax|Mean|Sum|Flatten)\(")]
    private static partial Regex UnaryCall();

    [GeneratedRegex(@"\(x([,)])")]
    private static partial Regex InputUse();
}
