using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GraphGen.Kernels;

/// <summary>
/// im2col for stride 2 on both axes (no dilation) with AVX-512, through the four phases of the
/// group's zero-padded planes:
/// <code>
/// phase(a, b)[u, v] = xpad[2u + a, 2v + b]        a, b ∈ {0, 1}
/// col[(ic, kh, kw), (y, j)] = xpad[2y + kh, 2j + kw] = phase(kh mod 2, kw mod 2)[y + ⌊kh/2⌋, j + ⌊kw/2⌋]
/// </code>
/// so each row of col is OH contiguous runs of OW floats read from one phase, with no bounds logic
/// and no stride-2 access: the padding is in the phases. Splitting a plane into its phases reads it
/// once (two loads and two permutes per 16 padded columns); the taps then copy whole rows.
/// Measured (one thread, one sample's col, best of 15): 64→128 3×3 stride-2 16×16 18.3 → 9.0 µs,
/// 16→32 14×14 4.1 → 1.9 µs, against the per-row stride-2 loop (<see cref="GatherStride2"/>, still
/// used for stride 2 on one axis or with dilation), whose rows of 7–8 outputs cost their bounds
/// logic more than their copies. The fold the same way (adds into the phases, then the phases
/// interleaved back) measured no faster than <see cref="FoldPadded"/> (18–25 against 19.5 µs; 33
/// with rows in order, each row's masked add reloading bytes the previous row's masked store
/// covered), so the fold stays there.
/// </summary>
internal static partial class Im2Col
{
    private static bool UsePhases(in Conv2dShape s) =>
        Avx512F.IsSupported && s.StrideH == 2 && s.StrideW == 2 && s.DilationH == 1 && s.DilationW == 1;

    /// <summary>The four phases of each channel's padded plane, each Rows × Columns, channel by channel.</summary>
    private readonly struct PhasePlanes(in Conv2dShape s)
    {
        public readonly int Rows = (s.InHeight + 2 * s.PadH + 1) / 2, Columns = (s.InWidth + 2 * s.PadW + 1) / 2;
        public readonly int PadH = s.PadH, PadW = s.PadW, Height = s.InHeight, Width = s.InWidth;
        public int Plane => Rows * Columns;

        public int Length(int channels) => channels * 4 * Plane;

        /// <summary>Phase (a, b) of channel ic.</summary>
        public int Offset(int ic, int a, int b) => (ic * 4 + a * 2 + b) * Plane;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GatherPhases(in Conv2dShape s, float* x, float* col, int rowStride)
    {
        var pp = new PhasePlanes(in s);
        int icg = s.GroupInChannels, ow = s.OutWidth, oh = s.OutHeight;
        var phases = KernelWorkspace.ForCurrentThread().Phases(pp.Length(icg));
        fixed (float* ph = phases)
        {
            Split(in pp, x, ph, icg);
            int row = 0;
            for (int ic = 0; ic < icg; ic++)
                for (int kh = 0; kh < s.KernelHeight; kh++)
                    for (int kw = 0; kw < s.KernelWidth; kw++, row++)
                    {
                        float* source = ph + pp.Offset(ic, kh & 1, kw & 1) + (kh >> 1) * pp.Columns + (kw >> 1);
                        float* target = col + (nint)row * rowStride;
                        for (int y = 0; y < oh; y++, source += pp.Columns, target += ow)
                            ConvDirect.CopyRow(source, target, ow);
                    }
        }
    }

    /// <summary>
    /// The phases of <paramref name="channels"/> planes, 32 padded columns (16 of each phase) at a
    /// time: read straight from the image row under a mask that zeroes the padding, then permuted
    /// apart. The masks depend on the block's place in the row only, so they are made once per block,
    /// not per row (a staged padded row measured 3× slower: its loads waited on the misaligned stores
    /// that wrote it). Rows of the padding are zero rows.
    /// </summary>
    private static unsafe void Split(in PhasePlanes pp, float* x, float* phases, int channels)
    {
        var even = ConvDirect.EvenLanes;
        var odd = ConvDirect.OddLanes;
        int columns = pp.Columns, plane = pp.Plane, rows = pp.Rows;
        for (int v = 0; v < columns; v += 16)
        {
            // Padded column k is image column k − PadW: lanes outside [PadW, PadW + Width) load as zero.
            int k = 2 * v;
            var low = ConvDirect.LaneRange(pp.PadW - k, pp.PadW + pp.Width - k);
            var high = ConvDirect.LaneRange(pp.PadW - k - 16, pp.PadW + pp.Width - k - 16);
            var store = ConvDirect.FirstLanes(columns - v);
            for (int ic = 0; ic < channels; ic++)
            {
                float* phase = phases + (nint)ic * 4 * plane + v;
                float* image = x + (nint)ic * pp.Height * pp.Width - pp.PadW + k;
                for (int r = 0; r < 2 * rows; r++)
                {
                    // Row r of the padded plane is row r/2 of the phases (r mod 2, 0) and (r mod 2, 1).
                    float* evenRow = phase + ((r & 1) * 2 * plane + (r >> 1) * columns);
                    int h = r - pp.PadH;
                    var a = Vector512<float>.Zero;
                    var b = Vector512<float>.Zero;
                    if ((uint)h < (uint)pp.Height)
                    {
                        float* from = image + (nint)h * pp.Width;
                        a = Avx512F.MaskLoad(from, low, Vector512<float>.Zero);
                        b = Avx512F.MaskLoad(from + 16, high, Vector512<float>.Zero);
                    }
                    Avx512F.MaskStore(evenRow, store, Avx512F.PermuteVar16x32x2(a, even, b));
                    Avx512F.MaskStore(evenRow + plane, store, Avx512F.PermuteVar16x32x2(a, odd, b));
                }
            }
        }
    }
}
