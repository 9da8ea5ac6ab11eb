using System.Numerics.Tensors;

namespace GraphGen.Kernels;

/// <summary>
/// The elementwise maps generated code calls for simple expressions (a residual connection's
/// x + f(x), a scale, a gradient's +=): System.Numerics.Tensors' SIMD primitives, on contiguous
/// ranges over <see cref="WorkerPool"/> once a tensor is large.
/// <code>
/// Add        o = a + b          Subtract   o = a − b          Multiply   o = a ⊙ b        Divide  o = a / b
/// AddScalar  o = a + c          SubtractScalar  o = a − c     Scale      o = c·a          Negate  o = −a
/// MultiplyAdd  o = a ⊙ b + o    ScaleAdd   o = c·a + o         Accumulate o = o + a
/// </code>
/// Why threads for work this cheap: the kernels around a map share their rows among the threads in
/// contiguous runs (the caller the first), so each core holds the rows it wrote. A map on the
/// calling thread alone read half its input from the other core's cache, and left all of its
/// output in one core for the next kernel: TinyGpt's residual x + proj took 45 µs more after the
/// projection that wrote proj than its 32 µs alone, and the LayerNorm after it 43 µs more. Split
/// the same way, each thread maps its own rows. Each element is the same single operation
/// wherever the ranges fall, so the bits do not depend on the thread count.
/// </summary>
public static unsafe class Elementwise
{
    /// <summary>Below this many elements a map runs on the calling thread (a worker hand-off costs about a microsecond).</summary>
    internal const int ParallelMinElements = 1 << 16;

    /// <summary>Elements per range: a multiple of 16 floats (64 bytes), so no two threads write one cache line.</summary>
    private const int RangeAlignment = 16;

    /// <summary>o = a + b.</summary>
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => Run(Op.Add, a, b, 0f, o);

    /// <summary>o = a − b.</summary>
    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => Run(Op.Subtract, a, b, 0f, o);

    /// <summary>o = a ⊙ b.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => Run(Op.Multiply, a, b, 0f, o);

    /// <summary>o = a / b.</summary>
    public static void Divide(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => Run(Op.Divide, a, b, 0f, o);

    /// <summary>o = a + c.</summary>
    public static void AddScalar(ReadOnlySpan<float> a, float c, Span<float> o) => Run(Op.AddScalar, a, default, c, o);

    /// <summary>o = a − c.</summary>
    public static void SubtractScalar(ReadOnlySpan<float> a, float c, Span<float> o) => Run(Op.SubtractScalar, a, default, c, o);

    /// <summary>o = c·a (the product a·c, rounded once).</summary>
    public static void Scale(ReadOnlySpan<float> a, float c, Span<float> o) => Run(Op.Scale, a, default, c, o);

    /// <summary>o = −a.</summary>
    public static void Negate(ReadOnlySpan<float> a, Span<float> o) => Run(Op.Negate, a, default, 0f, o);

    /// <summary>o += a ⊙ b (the product rounded, then the sum: TensorPrimitives.MultiplyAdd).</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> o) => Run(Op.MultiplyAdd, a, b, 0f, o);

    /// <summary>o += c·a (the product rounded, then the sum).</summary>
    public static void ScaleAdd(ReadOnlySpan<float> a, float c, Span<float> o) => Run(Op.ScaleAdd, a, default, c, o);

    /// <summary>o += a.</summary>
    public static void Accumulate(ReadOnlySpan<float> a, Span<float> o) => Run(Op.Accumulate, a, default, 0f, o);

    private enum Op { Add, Subtract, Multiply, Divide, AddScalar, SubtractScalar, Scale, Negate, MultiplyAdd, ScaleAdd, Accumulate }

    private static bool Binary(Op op) => op is Op.Add or Op.Subtract or Op.Multiply or Op.Divide or Op.MultiplyAdd;

    private static void Run(Op op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float c, Span<float> o)
    {
        int n = o.Length;
        if (a.Length != n || (Binary(op) && b.Length != n))
            throw new ArgumentException($"Elementwise.{op}: the output holds {n} values but the operands {a.Length}{(Binary(op) ? $" and {b.Length}" : "")}; every operand of a map holds exactly its elements.");
        int threads = WorkerPool.ThreadsFor(n, ParallelMinElements);
        if (threads < 2)
        {
            Apply(op, a, b, c, o);
            return;
        }
        fixed (float* pa = a, pb = b, po = o)
        {
            var work = MapWork.ForCurrentThread();
            int parts = threads * WorkerPool.PartsPerThread;
            work.Set(op, pa, pb, c, po, n, (n / parts + RangeAlignment - 1) / RangeAlignment * RangeAlignment);
            WorkerPool.Run(work, (n + work.Range - 1) / work.Range, threads);
        }
    }

    /// <summary>The map over whole spans of equal length: one TensorPrimitives call.</summary>
    private static void Apply(Op op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, float c, Span<float> o)
    {
        switch (op)
        {
            case Op.Add: TensorPrimitives.Add(a, b, o); break;
            case Op.Subtract: TensorPrimitives.Subtract(a, b, o); break;
            case Op.Multiply: TensorPrimitives.Multiply(a, b, o); break;
            case Op.Divide: TensorPrimitives.Divide(a, b, o); break;
            case Op.AddScalar: TensorPrimitives.Add(a, c, o); break;
            case Op.SubtractScalar: TensorPrimitives.Subtract(a, c, o); break;
            case Op.Scale: TensorPrimitives.Multiply(a, c, o); break;
            case Op.Negate: TensorPrimitives.Negate(a, o); break;
            case Op.MultiplyAdd: TensorPrimitives.MultiplyAdd(a, b, o, o); break;
            case Op.ScaleAdd: TensorPrimitives.MultiplyAdd(a, c, o, o); break;
            default: TensorPrimitives.Add(o, a, o); break;
        }
    }

    /// <summary>Part p: elements [p·Range, (p + 1)·Range) of the map.</summary>
    private sealed class MapWork : ParallelWork
    {
        [ThreadStatic] private static MapWork? t_instance;
        private Op _op;
        private float* _a, _b, _o;
        private float _c;
        private int _length;
        public int Range { get; private set; }

        public static MapWork ForCurrentThread() => t_instance ??= new MapWork();

        public void Set(Op op, float* a, float* b, float c, float* o, int length, int range)
        {
            _op = op; _a = a; _b = b; _c = c; _o = o; _length = length; Range = range;
        }

        public override void RunPart(int part)
        {
            int first = part * Range, count = Math.Min(Range, _length - first);
            Apply(_op, new ReadOnlySpan<float>(_a + first, count), Binary(_op) ? new ReadOnlySpan<float>(_b + first, count) : default,
                _c, new Span<float>(_o + first, count));
        }
    }
}
