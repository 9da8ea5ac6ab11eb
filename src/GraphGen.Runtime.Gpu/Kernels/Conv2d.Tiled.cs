using GraphGen.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace GraphGen.Gpu.Kernels;

public static partial class Conv2d
{
    // Implicit GEMMs, per group g (P = OH·OW, CKg = ICg·KH·KW, im2col's rows k = (c, u, v)):
    //   forward          y[o, (b,i,j)]   = f(Σ_k W[o, k] · col[k, (b,i,j)] + bias[o])      m = OCg, n = B·P,     depth = CKg
    //   input gradient   dx[c, (b,h,w)]  = Σ_(o,u,v) W[o, c, u, v] · dy↑[(o,u,v), (b,h,w)]   m = ICg, n = B·H·W,   depth = OCg·KH·KW
    //   weight gradient  dW[o, k]        = Σ_(b,i,j) dy[o, (b,i,j)] · col[k, (b,i,j)]        m = OCg, n = CKg (+1), depth = B·P
    // col[k, (b,i,j)] = x[b, g·ICg + c, i·sh − ph + u·dh, j·sw − pw + v·dw] (0 in the padding) and
    // dy↑[(o,u,v), (b,h,w)] = dy[b, o, i, j] where h = i·sh − ph + u·dh for a whole output row i
    // inside the output (likewise w), else 0. Neither is stored: the tile loads compute them. The
    // weight gradient's extra column k = CKg is all ones: its products sum dy, the bias gradient.

    private const int Tile = 64, TileDepth = 16, TileThreads = 16, PerThread = 4;

    /// <summary>The operands of one implicit GEMM C[m, n] = Σ_p A[m, p]·B[p, n] per group, and where C goes.</summary>
    internal interface IConvGemm
    {
        int M { get; }
        int N { get; }
        int Depth { get; }
        float A(int group, int m, int p);
        float B(int group, int p, int n);
        void Store(int group, int slice, int m, int n, float value);
    }

    private static class TiledForwardKernels<TAct> where TAct : struct, IActivation<TAct>
    {
        public static readonly Action<ForwardGemm<TAct>, int> Method = TiledKernel;
    }

    private static readonly Action<InputGemm, int> TiledInputMethod = TiledKernel;
    private static readonly Action<WeightGemm, int> TiledWeightMethod = TiledKernel;

    private static void TiledForward<TAct>(GpuDevice device, ConvGeometry g, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> y, TAct activation) where TAct : struct, IActivation<TAct>
    {
        var ops = new ForwardGemm<TAct>(g, x, weight, bias, y, activation);
        var kernel = device.Kernel(TiledForwardKernels<TAct>.Method.Method, a => a.LoadStreamKernel(TiledForwardKernels<TAct>.Method));
        kernel(TileGrid(ops.M, ops.N, g.OutChannels / g.GroupOutChannels, 1), ops, 1);
    }

    private static void TiledBackwardInput(GpuDevice device, ConvGeometry g, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> dx, bool accumulate)
    {
        var ops = new InputGemm(g, dy, weight, dx, accumulate);
        device.Kernel(TiledInputMethod.Method, a => a.LoadStreamKernel(TiledInputMethod))(TileGrid(ops.M, ops.N, g.OutChannels / g.GroupOutChannels, 1), ops, 1);
    }

    /// <summary>
    /// The weight gradient's depth (the batch's positions) is cut into the direct path's slices
    /// (<see cref="WeightSlices"/>), one layer of the grid each, whose partial sums are added in
    /// slice order by the same second kernel.
    /// </summary>
    private static void TiledBackwardWeight(GpuDevice device, ConvGeometry g, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dweight,
        ArrayView<float> dbias, bool accumulate)
    {
        bool withBias = dbias.Length > 0;
        int weightSize = g.WeightSize, sums = weightSize + (withBias ? g.OutChannels : 0);
        int slices = WeightSlices((long)g.Batch * g.OutHeight * g.OutWidth, sums);
        var partials = slices > 1 ? device.Scratch((long)slices * sums) : default;
        var ops = new WeightGemm(g, x, dy, partials, dweight, dbias, withBias, slices, sums, accumulate);
        device.Kernel(TiledWeightMethod.Method, a => a.LoadStreamKernel(TiledWeightMethod))(TileGrid(ops.M, ops.N, g.OutChannels / g.GroupOutChannels, slices), ops, slices);
        if (slices > 1)
            device.Kernel(WeightTotalsMethod.Method, a => a.LoadAutoGroupedStreamKernel(WeightTotalsMethod))(
                sums, partials, dweight, dbias, weightSize, sums, slices, accumulate ? 1 : 0);
    }

    /// <summary>⌈n/64⌉ × ⌈m/64⌉ tiles per group and slice, 16 × 16 threads each.</summary>
    private static KernelConfig TileGrid(int m, int n, int groups, int slices) =>
        new(new Index3D((n + Tile - 1) / Tile, (m + Tile - 1) / Tile, groups * slices), new Index3D(TileThreads, TileThreads, 1));

    /// <summary>
    /// One 64 × 64 tile of C for group Grid.IdxZ / slices over the depth of slice Grid.IdxZ % slices;
    /// thread (x, y) computes rows 4y..4y+3 and columns 4x..4x+3 of it, each one chain of
    /// multiply-adds in depth order (the same bits on every launch). 64 × 16 tiles of A and 16 × 64
    /// of B are gathered into shared memory, zeros outside the operands.
    /// </summary>
    private static void TiledKernel<TOps>(TOps ops, int slices) where TOps : struct, IConvGemm
    {
        var aTile = SharedMemory.Allocate<float>(TileDepth * Tile);   // [p][i]
        var bTile = SharedMemory.Allocate<float>(TileDepth * Tile);   // [p][j]
        var acc = LocalMemory.Allocate<float>(PerThread * PerThread);
        int tx = Group.IdxX, ty = Group.IdxY, thread = ty * TileThreads + tx;
        int row0 = Grid.IdxY * Tile, col0 = Grid.IdxX * Tile;
        int group = Grid.IdxZ / slices, slice = Grid.IdxZ % slices;
        int m = ops.M, n = ops.N, depth = ops.Depth;
        int first = (int)((long)depth * slice / slices), end = (int)((long)depth * (slice + 1) / slices);
        for (int e = 0; e < PerThread * PerThread; e++) acc[e] = 0f;
        for (int p0 = first; p0 < end; p0 += TileDepth)
        {
            for (int l = 0; l < TileDepth * Tile / (TileThreads * TileThreads); l++)
            {
                int at = thread + l * TileThreads * TileThreads;
                int across = at % Tile, p = p0 + at / Tile;
                aTile[at] = row0 + across < m && p < end ? ops.A(group, row0 + across, p) : 0f;
                bTile[at] = col0 + across < n && p < end ? ops.B(group, p, col0 + across) : 0f;
            }
            Group.Barrier();
            int count = Math.Min(TileDepth, end - p0);
            for (int p = 0; p < count; p++)
                for (int r = 0; r < PerThread; r++)
                {
                    float av = aTile[p * Tile + ty * PerThread + r];
                    for (int s = 0; s < PerThread; s++)
                        acc[r * PerThread + s] += av * bTile[p * Tile + tx * PerThread + s];
                }
            Group.Barrier();
        }
        for (int r = 0; r < PerThread; r++)
        {
            int i = row0 + ty * PerThread + r;
            if (i >= m) continue;
            for (int s = 0; s < PerThread; s++)
            {
                int j = col0 + tx * PerThread + s;
                if (j < n) ops.Store(group, slice, i, j, acc[r * PerThread + s]);
            }
        }
    }

    /// <summary>col[k, (b,i,j)] of group <paramref name="group"/>: x at the tap, or 0 in the padding.</summary>
    private static float Column(ConvGeometry g, ArrayView<float> x, int group, int k, int position)
    {
        int v = k % g.KernelWidth, t = k / g.KernelWidth;
        int u = t % g.KernelHeight, c = t / g.KernelHeight;
        int j = position % g.OutWidth;
        t = position / g.OutWidth;
        int i = t % g.OutHeight, b = t / g.OutHeight;
        int h = i * g.StrideH - g.PadH + u * g.DilationH, w = j * g.StrideW - g.PadW + v * g.DilationW;
        return h >= 0 && h < g.InHeight && w >= 0 && w < g.InWidth ? x[g.InputAt(b, group * g.GroupInChannels + c, h, w)] : 0f;
    }

    /// <summary>dy[b, o, i, j] at output position (b, i, j) = <paramref name="position"/>.</summary>
    private static float OutputAtPosition(ConvGeometry g, ArrayView<float> values, int o, int position)
    {
        int plane = g.OutHeight * g.OutWidth;
        return values[(position / plane * g.OutChannels + o) * plane + position % plane];
    }

    internal readonly struct ForwardGemm<TAct>(ConvGeometry g, ArrayView<float> x, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> y, TAct f)
        : IConvGemm where TAct : struct, IActivation<TAct>
    {
        private readonly ConvGeometry _g = g;
        private readonly ArrayView<float> _x = x, _weight = weight, _bias = bias, _y = y;
        private readonly int _hasBias = bias.Length > 0 ? 1 : 0;
        private readonly TAct _f = f;

        public int M => _g.GroupOutChannels;
        public int N => _g.Batch * _g.OutHeight * _g.OutWidth;
        public int Depth => _g.GroupInChannels * _g.KernelHeight * _g.KernelWidth;

        public float A(int group, int m, int p) => _weight[(group * _g.GroupOutChannels + m) * Depth + p];

        public float B(int group, int p, int n) => Column(_g, _x, group, p, n);

        public void Store(int group, int slice, int m, int n, float value)
        {
            int o = group * _g.GroupOutChannels + m, plane = _g.OutHeight * _g.OutWidth;
            _y[(n / plane * _g.OutChannels + o) * plane + n % plane] = _f.Forward(_hasBias != 0 ? value + _bias[o] : value);
        }
    }

    internal readonly struct InputGemm(ConvGeometry g, ArrayView<float> dy, ArrayView<float> weight, ArrayView<float> dx, bool accumulate) : IConvGemm
    {
        private readonly ConvGeometry _g = g;
        private readonly ArrayView<float> _dy = dy, _weight = weight, _dx = dx;
        private readonly int _accumulate = accumulate ? 1 : 0;

        public int M => _g.GroupInChannels;
        public int N => _g.Batch * _g.InHeight * _g.InWidth;
        public int Depth => _g.GroupOutChannels * _g.KernelHeight * _g.KernelWidth;

        /// <summary>W[o, c, u, v] with p = (o, u, v), o within the group.</summary>
        public float A(int group, int m, int p)
        {
            int taps = _g.KernelHeight * _g.KernelWidth, o = p / taps, r = p % taps;
            return _weight[_g.WeightAt(group * _g.GroupOutChannels + o, m, r / _g.KernelWidth, r % _g.KernelWidth)];
        }

        /// <summary>dy[b, o, i, j] where input (h, w) = n's is tap (u, v) of output (i, j), else 0.</summary>
        public float B(int group, int p, int n)
        {
            int taps = _g.KernelHeight * _g.KernelWidth, o = p / taps, r = p % taps, u = r / _g.KernelWidth, v = r % _g.KernelWidth;
            int w = n % _g.InWidth, t = n / _g.InWidth;
            int h = t % _g.InHeight, b = t / _g.InHeight;
            int rows = h + _g.PadH - u * _g.DilationH, cols = w + _g.PadW - v * _g.DilationW;
            if (rows < 0 || cols < 0 || rows % _g.StrideH != 0 || cols % _g.StrideW != 0) return 0f;
            int i = rows / _g.StrideH, j = cols / _g.StrideW;
            return i < _g.OutHeight && j < _g.OutWidth ? _dy[_g.OutputAt(b, group * _g.GroupOutChannels + o, i, j)] : 0f;
        }

        public void Store(int group, int slice, int m, int n, float value)
        {
            int plane = _g.InHeight * _g.InWidth;
            int at = (n / plane * _g.InChannels + group * _g.GroupInChannels + m) * plane + n % plane;
            _dx[at] = _accumulate != 0 ? _dx[at] + value : value;
        }
    }

    internal readonly struct WeightGemm(ConvGeometry g, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> partials, ArrayView<float> dweight,
        ArrayView<float> dbias, bool withBias, int slices, int sums, bool accumulate) : IConvGemm
    {
        private readonly ConvGeometry _g = g;
        private readonly ArrayView<float> _x = x, _dy = dy, _partials = partials, _dweight = dweight, _dbias = dbias;
        private readonly int _withBias = withBias ? 1 : 0, _slices = slices, _sums = sums, _accumulate = accumulate ? 1 : 0;

        private int Columns => _g.GroupInChannels * _g.KernelHeight * _g.KernelWidth;

        public int M => _g.GroupOutChannels;
        public int N => Columns + _withBias;
        public int Depth => _g.Batch * _g.OutHeight * _g.OutWidth;

        public float A(int group, int m, int p) => OutputAtPosition(_g, _dy, group * _g.GroupOutChannels + m, p);

        public float B(int group, int p, int n) => n == Columns ? 1f : Column(_g, _x, group, n, p);

        /// <summary>Element q of the sums (dW[o, k], or dbias[o] at WeightSize + o): the slice's partial, or with one slice the total.</summary>
        public void Store(int group, int slice, int m, int n, float value)
        {
            int o = group * _g.GroupOutChannels + m;
            int q = n < Columns ? o * Columns + n : _g.WeightSize + o;
            if (_slices > 1) _partials[(long)slice * _sums + q] = value;
            else Conv2d.Store(q, value, _dweight, _dbias, _g.WeightSize, _accumulate);
        }
    }
}
