using CsCheck;
using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>
/// im2col against its definition, value for value: its three ways (stride-1 row copies, the
/// stride-2 phases, the strided loop) must give exactly the input element or zero, and write
/// nothing outside the sample's columns when samples sit side by side.
/// </summary>
public class Im2ColTests
{
    /// <summary>col[(ic, kh, kw), (y, j)] = x[ic, y·sh − ph + kh·dh, j·sw − pw + kw·dw], 0 outside the image.</summary>
    private static float Definition(in Conv2dShape s, float[] x, int row, int y, int j)
    {
        int kw = row % s.KernelWidth, kh = row / s.KernelWidth % s.KernelHeight, ic = row / (s.KernelWidth * s.KernelHeight);
        int ih = y * s.StrideH - s.PadH + kh * s.DilationH, iw = j * s.StrideW - s.PadW + kw * s.DilationW;
        return (uint)ih < (uint)s.InHeight && (uint)iw < (uint)s.InWidth ? x[(ic * s.InHeight + ih) * s.InWidth + iw] : 0f;
    }

    /// <summary>
    /// Random shapes (CsCheck): strides 1–3 (stride 2 on both axes most often: the phases), kernels
    /// 1–5, padding 0–3, dilation 1–2, images 1–40 on a side (rows of more than 16 phase columns),
    /// gathered as sample 1 of 3 side by side; the other samples' columns hold NaN and must keep it.
    /// </summary>
    [Fact]
    public void GatherIsTheDefinitionOnRandomShapes()
    {
        var shapes =
            from ic in Gen.Int[1, 5]
            from kh in Gen.Int[1, 5]
            from kw in Gen.Int[1, 5]
            from strideBoth in Gen.Bool
            from sh in Gen.Int[1, 3]
            from sw in Gen.Int[1, 3]
            from ph in Gen.Int[0, 3]
            from pw in Gen.Int[0, 3]
            from dh in Gen.Int[1, 2]
            from dw in Gen.Int[1, 2]
            from h in Gen.Int[1, 40]
            from w in Gen.Int[1, 40]
            let stride = strideBoth ? (2, 2) : (sh, sw)
            let dilation = strideBoth ? (1, 1) : (dh, dw)
            where h + 2 * ph >= dilation.Item1 * (kh - 1) + 1 && w + 2 * pw >= dilation.Item2 * (kw - 1) + 1
            select new Conv2dShape(ic, h, w, 1, kh, kw, stride.Item1, stride.Item2, ph, pw, dilation.Item1, dilation.Item2);
        shapes.Sample(s =>
        {
            var x = new float[s.InputSize];
            for (int i = 0; i < x.Length; i++) x[i] = i + 1;   // every element distinct and non-zero
            int plane = s.OutPlane, rows = s.GroupWeightColumns, stride = 3 * plane;
            var col = new float[rows * stride];
            Array.Fill(col, float.NaN);
            Im2Col.Gather(s, x, col.AsSpan(plane), stride);
            for (int row = 0; row < rows; row++)
                for (int p = 0; p < stride; p++)
                {
                    float got = col[row * stride + p];
                    if (p < plane || p >= 2 * plane)
                        Assert.True(float.IsNaN(got), $"{s}: row {row}, column {p} outside the sample was written ({got})");
                    else
                        Assert.Equal(Definition(s, x, row, (p - plane) / s.OutWidth, (p - plane) % s.OutWidth), got);
                }
        }, iter: Iterations(300), print: s => s.ToString());
    }
}
