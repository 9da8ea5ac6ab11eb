using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

public static partial class Gemm
{
    /// <summary>Depth of one K block of the in-place path (as the packed kernel's KC: a 32-wide B panel of it is 32 KiB, in L1).</summary>
    private const int InPlaceKC = 256;

    /// <summary>
    /// Depth of one K block when every B panel is packed (contiguous: 1024×32 floats are 128 KiB,
    /// streamed from L2). Fewer K blocks mean fewer passes over C: with column chunks on two
    /// threads, C's rows share a cache line at each chunk boundary (a managed array is only
    /// 16-byte aligned), and each pass moved it between the cores: 64×128×784 took 44 µs on two
    /// threads with blocks of 256, 36 µs with one block (one thread: 66 µs either way).
    /// </summary>
    private const int InPlacePackedKC = 1024;

    /// <summary>
    /// Above this many rows a row-major B panel is copied too: it then serves more than 8 row
    /// tiles, and a copy is contiguous whatever B's row stride (in place, a stride of 4 KiB puts
    /// a panel's rows in one L1 set: 256×1024×1024 ran at 153 GFLOP/s in place, 194 copied).
    /// </summary>
    private const int InPlaceCopyBRows = 64;
    /// <summary>
    /// The AVX-512 path for skinny and small problems: op(A) is never packed. The micro-kernel
    /// broadcasts A's values straight from the caller's matrix, in either layout (row r of A at
    /// a + r·lda, or, transposed, column r at a + r), so packing costs only what op(B) needs:
    /// nothing when B is row-major (its rows are the micro-panel's rows, read in place), one
    /// transpose per 32-column panel when B is stored transposed (a dense layer's weight), and a
    /// zero-padded copy of a ragged last panel. The bias/activation epilogue is applied to the
    /// accumulators before they are stored, and ragged right edges are masked loads and stores
    /// of C, so no scratch tile and no second pass over C.
    /// </summary>
    /// <remarks>
    /// Loops: K blocks of <see cref="InPlaceKC"/> (<see cref="InPlacePackedKC"/> when B is packed), then 32-column panels of B (16 when n ≤ 16),
    /// then tiles of 8 rows. Each C element is the same chain of fused multiply-adds in k order as
    /// in the packed kernels (C reloaded after the first K block), so the two paths, and every
    /// split of the problem over threads, give the same bits. A tile at the bottom edge with
    /// fewer than 8 rows repeats row 0 in the missing rows and does not store them.
    /// </remarks>
    internal static unsafe void InPlace512(in Problem prob, GemmBuffers buffers)
    {
        // Cheap epilogues (a bias, ReLU, leaky ReLU, their derivatives) are applied in the
        // kernel, to the accumulators; the others, whose vector math would not fit beside 16
        // accumulators, in a pass over each finished tile while it is still in L1. The epilogue
        // knows which InPlaceLoop was generated for it.
        prob.Epilogue.InPlace(in prob, buffers);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void InPlaceLoop<TE>(in Problem prob, GemmBuffers buffers)
        where TE : struct, IEpilogue
    {
        int m = prob.M, n = prob.N, k = prob.K;
        bool narrow = n <= 16;
        int nr = narrow ? 16 : 32;
        bool bInPlace = ReadsBInPlace(in prob);
        int kcMax = bInPlace ? InPlaceKC : InPlacePackedKC;
        buffers.Reserve(0, kcMax * 32);
        float* packB = buffers.PackB;
        nint lda = prob.Lda, ldc = prob.Ldc;
        for (int pc = 0; pc < k; pc += kcMax)
        {
            int kc = Math.Min(kcMax, k - pc);
            bool loadC = pc > 0 || prob.Accumulate;
            bool last = pc + kc == k;
            for (int jr = 0; jr < n; jr += nr)
            {
                int cols = Math.Min(nr, n - jr);
                float* bp;
                nint bStep;
                if (bInPlace && cols == nr)
                {
                    bp = prob.B + pc * prob.Ldb + jr;
                    bStep = prob.Ldb;
                }
                else
                {
                    PackPanel(in prob, pc, jr, kc, cols, nr, packB);
                    bp = packB;
                    bStep = nr;
                }
                var tile = new TileArgs
                {
                    Kc = kc, Lda = lda, B = bp, BStep = bStep, Ldc = ldc, Cols = cols, LoadC = loadC,
                    Mask0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols)).AsSingle(),
                    Mask1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols - 16)).AsSingle(),
                };
                for (int ir = 0; ir < m; ir += 8)
                {
                    tile.Rows = Math.Min(8, m - ir);
                    tile.C = prob.C + ir * ldc + jr;
                    tile.Epilogue = last ? prob.Epilogue.Offset(ir, jr) : default;
                    tile.Fuse = last && TE.InRegisters;
                    if (prob.TransA)
                    {
                        tile.A = prob.A + pc * lda + ir;
                        if (narrow) Tile16<AColumns, TE>(ref tile);
                        else Tile32<AColumns, TE>(ref tile);
                    }
                    else
                    {
                        tile.A = prob.A + ir * lda + pc;
                        if (narrow) Tile16<ARows, TE>(ref tile);
                        else Tile32<ARows, TE>(ref tile);
                    }
                    if (last && !TE.InRegisters && !prob.Epilogue.IsNone) EpilogueTile512<TE>(in tile.Epilogue, tile.C, ldc, tile.Rows, cols);
                }
            }
        }
    }

    /// <summary>One tile's operands: A at its first row (and K block), the B panel, C at the tile, and its epilogue.</summary>
    private unsafe struct TileArgs
    {
        public int Kc, Rows, Cols;
        public float* A, B, C;
        public nint Lda, BStep, Ldc;
        public bool LoadC, Fuse;
        public Vector512<float> Mask0, Mask1;
        public Epilogue Epilogue;
    }

    /// <summary>
    /// Whether the in-place path reads B's panels where they lie (B row-major) rather than packing
    /// them: unless there are enough rows of C to pay for the copy (more than
    /// <see cref="InPlaceCopyBRows"/>, or more than 16 when B's row stride would pile the panel
    /// into a few L1 sets).
    /// </summary>
    internal static bool ReadsBInPlace(in Problem prob) =>
        !prob.TransB && (prob.M <= 16 || prob.M <= InPlaceCopyBRows && SpreadsOverL1(prob.Ldb, Math.Min(prob.K, InPlaceKC)));

    /// <summary>
    /// Whether kc rows of a 32-float panel with row stride <paramref name="ld"/> floats stay in L1
    /// (48 KiB, 12 ways of 64 sets of 64-byte lines) when read in place: a stride of 2^j lines
    /// maps the rows to only 64 / gcd(2^j, 64) sets. Allow a panel half the capacity of those sets
    /// (4 KiB stride: one set; 256×1024×1024 with B in place ran at 153 GFLOP/s, copied at 194).
    /// </summary>
    private static bool SpreadsOverL1(nint ld, int kc)
    {
        if (ld % 16 != 0) return true; // rows start at varying offsets within lines: spread enough
        int lines = (int)(ld / 16 % 64);
        int sets = lines == 0 ? 1 : 64 / (lines & -lines); // gcd(lines, 64) is the lowest set bit
        return 2 * kc <= 6 * sets;
    }

    /// <summary>
    /// Copies kc×cols of op(B) from (p, j) into a kc×nr panel (row stride nr, zeros past cols):
    /// a transpose when B is stored n×k, a padded copy of the ragged last panel otherwise.
    /// </summary>
    private static unsafe void PackPanel(in Problem prob, int p, int j, int kc, int cols, int nr, float* dst)
    {
        if (prob.TransB)
        {
            Transpose512(prob.B + j * prob.Ldb + p, prob.Ldb, cols, kc, nr, dst);
            return;
        }
        float* src = prob.B + p * prob.Ldb + j;
        var mask0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols)).AsSingle();
        if (cols == 32)
        {
            for (int q = 0; q < kc; q++, src += prob.Ldb, dst += 32)
            {
                Vector512.Store(Vector512.Load(src), dst);
                Vector512.Store(Vector512.Load(src + 16), dst + 16);
            }
            return;
        }
        if (nr == 16)
        {
            for (int q = 0; q < kc; q++, src += prob.Ldb, dst += 16)
                Vector512.Store(Avx512F.MaskLoad(src, mask0, Vector512<float>.Zero), dst);
            return;
        }
        var mask1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols - 16)).AsSingle();
        for (int q = 0; q < kc; q++, src += prob.Ldb, dst += 32)
        {
            Vector512.Store(Avx512F.MaskLoad(src, mask0, Vector512<float>.Zero), dst);
            Vector512.Store(Avx512F.MaskLoad(src + 16, mask1, Vector512<float>.Zero), dst + 16);
        }
    }

    /// <summary>Where op(A)(r, p) is, relative to op(A)(0, 0): r·RowStride + p·DepthStride.</summary>
    internal interface IALayout
    {
        static abstract nint RowStride(nint lda);
        static abstract nint DepthStride(nint lda);
    }

    /// <summary>A stored m×k: a row of op(A) is a row of A.</summary>
    internal readonly struct ARows : IALayout
    {
        public static nint RowStride(nint lda) => lda;
        public static nint DepthStride(nint lda) => 1;
    }

    /// <summary>A stored k×m (transA): the rows of op(A) are A's columns, 8 of them side by side.</summary>
    internal readonly struct AColumns : IALayout
    {
        public static nint RowStride(nint lda) => 1;
        public static nint DepthStride(nint lda) => lda;
    }

    /// <summary>
    /// C[rows×cols] (+)= A·B over kc, cols ≤ 32, rows ≤ 8: 16 accumulators, two B vectors and 8
    /// broadcasts of A per k step; then, when <see cref="TileArgs.Fuse"/>, the epilogue on the
    /// accumulators, and masked stores where the tile is ragged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile32<TA, TE>(ref TileArgs t)
        where TA : struct, IALayout
        where TE : struct, IEpilogue
    {
        nint rs = TA.RowStride(t.Lda), ds = TA.DepthStride(t.Lda), ldc = t.Ldc;
        int rows = t.Rows;
        float* a = t.A, b = t.B, c = t.C;
        nint bStep = t.BStep;
        // Missing rows of a bottom-edge tile read row 0 (always there) and are never stored.
        float* a0 = a;
        float* a1 = rows > 1 ? a + rs : a;
        float* a2 = rows > 2 ? a + 2 * rs : a;
        float* a3 = rows > 3 ? a + 3 * rs : a;
        float* a4 = rows > 4 ? a + 4 * rs : a;
        float* a5 = rows > 5 ? a + 5 * rs : a;
        float* a6 = rows > 6 ? a + 6 * rs : a;
        float* a7 = rows > 7 ? a + 7 * rs : a;
        bool full = t.Cols == 32;
        var mask0 = t.Mask0;
        var mask1 = t.Mask1;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        if (t.LoadC)
        {
            c00 = LoadVector(c, full, mask0); c01 = LoadVector(c + 16, full, mask1);
            if (rows > 1) { c10 = LoadVector(c + ldc, full, mask0); c11 = LoadVector(c + ldc + 16, full, mask1); }
            if (rows > 2) { c20 = LoadVector(c + 2 * ldc, full, mask0); c21 = LoadVector(c + 2 * ldc + 16, full, mask1); }
            if (rows > 3) { c30 = LoadVector(c + 3 * ldc, full, mask0); c31 = LoadVector(c + 3 * ldc + 16, full, mask1); }
            if (rows > 4) { c40 = LoadVector(c + 4 * ldc, full, mask0); c41 = LoadVector(c + 4 * ldc + 16, full, mask1); }
            if (rows > 5) { c50 = LoadVector(c + 5 * ldc, full, mask0); c51 = LoadVector(c + 5 * ldc + 16, full, mask1); }
            if (rows > 6) { c60 = LoadVector(c + 6 * ldc, full, mask0); c61 = LoadVector(c + 6 * ldc + 16, full, mask1); }
            if (rows > 7) { c70 = LoadVector(c + 7 * ldc, full, mask0); c71 = LoadVector(c + 7 * ldc + 16, full, mask1); }
        }
        nint o = 0;
        for (int kc = t.Kc; kc > 0; kc--, o += ds, b += bStep)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a0[o]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[o]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[o]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[o]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[o]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[o]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a6[o]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a7[o]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
        }
        if (TE.InRegisters && t.Fuse)
        {
            ref readonly var e = ref t.Epilogue;
            float p = e.Parameter;
            Vector512<float> bias0 = default, bias1 = default;
            if (!TE.ReadsSource && e.Bias != null)
            {
                bias0 = LoadVector(e.Bias, full, mask0);
                bias1 = LoadVector(e.Bias + 16, full, mask1);
            }
            float* s = e.Source;
            nint ss = e.SourceStride;
            c00 = TE.Apply(c00, bias0, Source(s, full, mask0), p); c01 = TE.Apply(c01, bias1, Source(s + 16, full, mask1), p);
            if (rows > 1) { c10 = TE.Apply(c10, bias0, Source(s + ss, full, mask0), p); c11 = TE.Apply(c11, bias1, Source(s + ss + 16, full, mask1), p); }
            if (rows > 2) { c20 = TE.Apply(c20, bias0, Source(s + 2 * ss, full, mask0), p); c21 = TE.Apply(c21, bias1, Source(s + 2 * ss + 16, full, mask1), p); }
            if (rows > 3) { c30 = TE.Apply(c30, bias0, Source(s + 3 * ss, full, mask0), p); c31 = TE.Apply(c31, bias1, Source(s + 3 * ss + 16, full, mask1), p); }
            if (rows > 4) { c40 = TE.Apply(c40, bias0, Source(s + 4 * ss, full, mask0), p); c41 = TE.Apply(c41, bias1, Source(s + 4 * ss + 16, full, mask1), p); }
            if (rows > 5) { c50 = TE.Apply(c50, bias0, Source(s + 5 * ss, full, mask0), p); c51 = TE.Apply(c51, bias1, Source(s + 5 * ss + 16, full, mask1), p); }
            if (rows > 6) { c60 = TE.Apply(c60, bias0, Source(s + 6 * ss, full, mask0), p); c61 = TE.Apply(c61, bias1, Source(s + 6 * ss + 16, full, mask1), p); }
            if (rows > 7) { c70 = TE.Apply(c70, bias0, Source(s + 7 * ss, full, mask0), p); c71 = TE.Apply(c71, bias1, Source(s + 7 * ss + 16, full, mask1), p); }
        }
        StoreVector(c, full, mask0, c00); StoreVector(c + 16, full, mask1, c01);
        if (rows > 1) { StoreVector(c + ldc, full, mask0, c10); StoreVector(c + ldc + 16, full, mask1, c11); }
        if (rows > 2) { StoreVector(c + 2 * ldc, full, mask0, c20); StoreVector(c + 2 * ldc + 16, full, mask1, c21); }
        if (rows > 3) { StoreVector(c + 3 * ldc, full, mask0, c30); StoreVector(c + 3 * ldc + 16, full, mask1, c31); }
        if (rows > 4) { StoreVector(c + 4 * ldc, full, mask0, c40); StoreVector(c + 4 * ldc + 16, full, mask1, c41); }
        if (rows > 5) { StoreVector(c + 5 * ldc, full, mask0, c50); StoreVector(c + 5 * ldc + 16, full, mask1, c51); }
        if (rows > 6) { StoreVector(c + 6 * ldc, full, mask0, c60); StoreVector(c + 6 * ldc + 16, full, mask1, c61); }
        if (rows > 7) { StoreVector(c + 7 * ldc, full, mask0, c70); StoreVector(c + 7 * ldc + 16, full, mask1, c71); }

        // The derivative source (backward epilogues only; others never read it).
        static Vector512<float> Source(float* s, bool full, Vector512<float> mask) =>
            TE.ReadsSource ? LoadVector(s, full, mask) : default;
    }

    /// <summary>The 16-column form of <see cref="Tile32{TA, TE}"/> (n ≤ 16: a classifier's logits): 8 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile16<TA, TE>(ref TileArgs t)
        where TA : struct, IALayout
        where TE : struct, IEpilogue
    {
        nint rs = TA.RowStride(t.Lda), ds = TA.DepthStride(t.Lda), ldc = t.Ldc;
        int rows = t.Rows;
        float* a = t.A, b = t.B, c = t.C;
        nint bStep = t.BStep;
        float* a0 = a;
        float* a1 = rows > 1 ? a + rs : a;
        float* a2 = rows > 2 ? a + 2 * rs : a;
        float* a3 = rows > 3 ? a + 3 * rs : a;
        float* a4 = rows > 4 ? a + 4 * rs : a;
        float* a5 = rows > 5 ? a + 5 * rs : a;
        float* a6 = rows > 6 ? a + 6 * rs : a;
        float* a7 = rows > 7 ? a + 7 * rs : a;
        bool full = t.Cols == 16;
        var mask0 = t.Mask0;
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
        if (t.LoadC)
        {
            c0 = LoadVector(c, full, mask0);
            if (rows > 1) c1 = LoadVector(c + ldc, full, mask0);
            if (rows > 2) c2 = LoadVector(c + 2 * ldc, full, mask0);
            if (rows > 3) c3 = LoadVector(c + 3 * ldc, full, mask0);
            if (rows > 4) c4 = LoadVector(c + 4 * ldc, full, mask0);
            if (rows > 5) c5 = LoadVector(c + 5 * ldc, full, mask0);
            if (rows > 6) c6 = LoadVector(c + 6 * ldc, full, mask0);
            if (rows > 7) c7 = LoadVector(c + 7 * ldc, full, mask0);
        }
        nint o = 0;
        for (int kc = t.Kc; kc > 0; kc--, o += ds, b += bStep)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[o]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[o]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[o]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[o]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[o]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[o]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[o]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[o]), b0, c7);
        }
        if (TE.InRegisters && t.Fuse)
        {
            ref readonly var e = ref t.Epilogue;
            float p = e.Parameter;
            var bias = !TE.ReadsSource && e.Bias != null ? LoadVector(e.Bias, full, mask0) : default;
            float* s = e.Source;
            nint ss = e.SourceStride;
            c0 = TE.Apply(c0, bias, Source(s, full, mask0), p);
            if (rows > 1) c1 = TE.Apply(c1, bias, Source(s + ss, full, mask0), p);
            if (rows > 2) c2 = TE.Apply(c2, bias, Source(s + 2 * ss, full, mask0), p);
            if (rows > 3) c3 = TE.Apply(c3, bias, Source(s + 3 * ss, full, mask0), p);
            if (rows > 4) c4 = TE.Apply(c4, bias, Source(s + 4 * ss, full, mask0), p);
            if (rows > 5) c5 = TE.Apply(c5, bias, Source(s + 5 * ss, full, mask0), p);
            if (rows > 6) c6 = TE.Apply(c6, bias, Source(s + 6 * ss, full, mask0), p);
            if (rows > 7) c7 = TE.Apply(c7, bias, Source(s + 7 * ss, full, mask0), p);
        }
        StoreVector(c, full, mask0, c0);
        if (rows > 1) StoreVector(c + ldc, full, mask0, c1);
        if (rows > 2) StoreVector(c + 2 * ldc, full, mask0, c2);
        if (rows > 3) StoreVector(c + 3 * ldc, full, mask0, c3);
        if (rows > 4) StoreVector(c + 4 * ldc, full, mask0, c4);
        if (rows > 5) StoreVector(c + 5 * ldc, full, mask0, c5);
        if (rows > 6) StoreVector(c + 6 * ldc, full, mask0, c6);
        if (rows > 7) StoreVector(c + 7 * ldc, full, mask0, c7);

        static Vector512<float> Source(float* s, bool full, Vector512<float> mask) =>
            TE.ReadsSource ? LoadVector(s, full, mask) : default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<float> LoadVector(float* c, bool full, Vector512<float> mask) =>
        full ? Vector512.Load(c) : Avx512F.MaskLoad(c, mask, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreVector(float* c, bool full, Vector512<float> mask, Vector512<float> v)
    {
        if (full) Vector512.Store(v, c);
        else Avx512F.MaskStore(c, mask, v);
    }

    /// <summary>
    /// The epilogue on a rows×cols tile of C (cols ≤ 32), 16 lanes at a time, the last vector of
    /// a row masked: every element goes through the same vector code as in the packed path.
    /// </summary>
    private static unsafe void EpilogueTile512<TE>(in Epilogue e, float* c, nint ldc, int rows, int cols) where TE : struct, IEpilogue
    {
        for (int j = 0; j < cols; j += 16)
        {
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols - j)).AsSingle();
            var bias = e.Bias == null ? Vector512<float>.Zero : Avx512F.MaskLoad(e.Bias + j, mask, Vector512<float>.Zero);
            for (int i = 0; i < rows; i++)
            {
                float* ci = c + i * ldc + j;
                if (TE.SavesDerivative)
                {
                    Avx512F.MaskStore(ci, mask, TE.Apply(Avx512F.MaskLoad(ci, mask, Vector512<float>.Zero), bias, e.Parameter, out var derivative));
                    Avx512F.MaskStore(e.Source + i * e.SourceStride + j, mask, derivative);
                    continue;
                }
                var source = e.Source == null ? Vector512<float>.Zero : Avx512F.MaskLoad(e.Source + i * e.SourceStride + j, mask, Vector512<float>.Zero);
                Avx512F.MaskStore(ci, mask, TE.Apply(Avx512F.MaskLoad(ci, mask, Vector512<float>.Zero), bias, source, e.Parameter));
            }
        }
    }
}
