using static GraphGen.Generator.Tests.DiagnosticAssert;

namespace GraphGen.Generator.Tests;

/// <summary>
/// A class whose generated half could not compile beside it (a member that collides with or
/// hides a generated or inherited one, a constructor that bypasses the generated one, a base
/// class, a file-local class) is a GG diagnostic on the user's member, never an error inside the
/// generated file.
/// </summary>
public class DeclarationDiagnosticTests
{
    private const string Forward = "[Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, \"out\");";

    [Fact]
    public void GG0015_ConstructorWithTheGeneratedSignature()
    {
        var d = AssertDiagnostics($$"""
            [Network] partial class Net
            {
                public {|GG0015:Net|}(int a, int b) : this(a) { }
                public Net(int a) : this(a, 0, 0) { }
                public Net(int a, int b, int c) : this("") { }
                public Net(string s) : this(s, s) { }
                public Net(string s, string t) : this() { }
                {{Forward}}
            }
            """);
        Assert.Equal("The constructor Net(int, int) has the signature of the one GraphGen generates, Net(int batchCapacity = 64, int seed = 0): give yours other parameters and call the generated one with ': this(batchCapacity, seed)'", d[0].GetMessage());
    }

    [Fact]
    public void GG0015_ConstructorThatDoesNotCallTheGeneratedOne()
    {
        var d = AssertDiagnostics($$"""
            [Network] partial class Net
            {
                public {|GG0015:Net|}(string path) { }
                {{Forward}}
            }
            """);
        Assert.Contains("must call the generated one, which allocates the network's buffers: add ': this(batchCapacity, seed)'", d[0].GetMessage());
    }

    [Fact]
    public void ConstructorThatCallsTheGeneratedOneIsFine()
    {
        NamingTests.AssertCompiles($$"""
            [Network] partial class Net
            {
                public Net(string path) : this(8, path.Length) { }
                static Net() { }
                {{Forward}}
            }
            """);
    }

    [Fact]
    public void GG0015_MembersThatCollideWithGeneratedOnes()
    {
        var d = AssertDiagnostics($$"""
            [Network(InputGradient = true)] partial class Net
            {
                public static int {|GG0015:Layout|};
                string {|GG0015:Description|} => "";
                class {|GG0015:InputGradient|} { }
                void {|GG0015:RunForward|}() { }
                class {|GG0015:GpuPasses|} { }
                {{Forward}}
                [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);
            }
            """);
        Assert.Equal("'Layout' is a member GraphGen generates in every network (the static Layout (sizes, parameter table, memory plan)): rename yours", d[0].GetMessage());
    }

    [Fact]
    public void GG0015_MembersThatHideInheritedOnes()
    {
        var d = AssertDiagnostics($$"""
            [Network] partial class Net
            {
                public int {|GG0015:InputSize|} => 3;
                public float[] {|GG0015:Parameters|} = [];
                public string {|GG0015:Name|} { get; } = "";
                ulong {|GG0015:Seed|};
                System.Span<float> {|GG0015:ArenaView|}(long offset, int length) => default;
                public void {|GG0015:Forward|}(System.ReadOnlySpan<float> input, System.Span<float> output) { }
                public float {|GG0015:TrainStep|};
                {{Forward}}
                [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);
            }
            """);
        Assert.Equal("'InputSize' would hide CompiledNetwork.InputSize, which every network inherits from GraphGen.CompiledNetwork: rename yours", d[0].GetMessage());
        Assert.Equal("'Seed' would hide CompiledNetwork.Seed, which every network inherits from GraphGen.CompiledNetwork and the generated code calls: rename yours", d[3].GetMessage());
    }

    [Fact]
    public void OverloadsOfThePublicApiAndOverridesOfObjectAreFine()
    {
        NamingTests.AssertCompiles("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, "out");
                public float[] Forward(float[] input) { var output = new float[2]; Forward(input, output); return output; }
                public override string ToString() => Name;
                public int TrainStep => 0;
            }
            """);
    }

    [Fact]
    public void GG0015_ClassNamedLikeAGeneratedMember()
    {
        AssertDiagnostics($$"""
            [Network] partial class {|GG0015:Description|}
            {
                {{Forward}}
            }
            """);
    }

    [Fact]
    public void GG0015_TypeNamedVarInScope()
    {
        var d = AssertDiagnostics($$"""
            namespace Models
            {
                class {|GG0015:var|} { }
                [Network] partial class Net
                {
                    {{Forward}}
                }
            }
            """);
        Assert.Contains("A type named 'var' (Models.var) is in scope of network 'Net'", d[0].GetMessage());
    }

    [Fact]
    public void AliasNamedVarInTheUsersFileIsNotInScopeOfTheGeneratedOne()
    {
        NamingTests.AssertCompiles($$"""
            namespace Models
            {
                using var = System.String;
                [Network] partial class Net
                {
                    {{Forward}}
                }
            }
            """);
    }

    [Fact]
    public void GG0012_BaseClass()
    {
        var d = AssertDiagnostics($$"""
            class Module { }
            [Network] partial class Net : {|GG0012:Module|}, System.IDisposable
            {
                public void Dispose() { }
                {{Forward}}
            }
            """);
        Assert.StartsWith("Network class 'Net' derives from 'Module', but its generated half derives from GraphGen.CompiledNetwork", d[0].GetMessage());
    }

    [Fact]
    public void GG0012_FileLocalClass()
    {
        var d = AssertDiagnostics($$"""
            [Network] file partial class {|GG0012:Net|}
            {
                {{Forward}}
            }
            """);
        Assert.Equal("Network class 'Net' is file-local ('file'): the generated half lives in another file, so declare it 'internal' instead", d[0].GetMessage());
    }

    [Fact]
    public void GG0012_PrimaryConstructor()
    {
        AssertDiagnostics($$"""
            [Network] partial class Net{|GG0012:(int width)|}
            {
                {{Forward}}
            }
            """);
    }

    [Fact]
    public void GG0012_Interface()
    {
        var d = AssertDiagnostics($$"""
            [Network] partial interface {|GG0012:Net|}
            {
            }
            """);
        Assert.Equal("'Net' is an interface: a network is declared as a 'partial class'", d[0].GetMessage());
    }

    [Fact]
    public void KeywordNamesAreEscaped()
    {
        var result = NamingTests.AssertCompiles("""
            namespace @class.@struct
            {
                partial class @public
                {
                    [Network] partial class @int
                    {
                        [Forward] Tensor @return([Shape(4)] Tensor @in) => Dense(@in, 2, "out");
                        [Loss] static Tensor input(Tensor z, [Shape(2)] Tensor targets) => MeanSquaredError(z, targets);
                    }
                }
            }
            """);
        Assert.Equal(["class.struct.public.int.g.cs", "class.struct.public.int.Gpu.g.cs", "class.struct.public.int.Describe.g.cs"], result.Sources.Select(s => s.HintName).Order().Reverse());
    }

    [Fact]
    public void LayerNamesWithQuotesAndBackslashesAreEscapedInLiterals()
    {
        var result = NamingTests.AssertCompiles("""
            namespace Réseaux
            {
                [Network] partial class Réseau
                {
                    [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(Dense(x, 3, "a\"\"\"\"\"b"), 2, "c\\d.é");
                    [Loss] Tensor Loss(Tensor z, [Shape(2)] Tensor y) => MeanSquaredError(z, y);
                }
            }
            """);
        Assert.Contains("new(\"c\\\\d.é.weight\", [2, 3]", result.Source("Réseau.g.cs"));
        Assert.Contains("\"\"\"\"\"\"", result.Source("Réseau.Describe.g.cs"));
    }

    [Fact]
    public void GG0014_LayerNameWithALineBreak()
    {
        var d = AssertDiagnostics("""
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(x, 2, {|GG0014:"out\u2028put"|});
            }
            """);
        Assert.StartsWith("The layer name of Dense is \"out\\u2028put\", which holds the character U+2028", d[0].GetMessage());
    }

    [Fact]
    public void HelperCalledWithTheWrongArgumentsLeavesTheErrorToTheCompiler()
    {
        var result = GeneratorHarness.Run(Usings + """
            [Network] partial class Net
            {
                [Forward] Tensor Forward([Shape(4)] Tensor x) => Dense(Block(x, 3), 2, "out");
                Tensor Block(Tensor t) => Relu(Dense(t, 4, "h"));
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal("CS1501", Assert.Single(result.Output.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Id);
    }

    [Fact]
    public void DuplicateNetworkAttributeGeneratesOnce()
    {
        var result = GeneratorHarness.Run(Usings + $$"""
            [Network] partial class Net { {{Forward}} }
            [Network] partial class Net { }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Equal(2, result.Sources.Length);
        Assert.Equal("CS0579", Assert.Single(result.Output.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).Id);
    }
}
