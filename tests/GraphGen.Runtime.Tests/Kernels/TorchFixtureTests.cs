using GraphGen.Kernels;
using static GraphGen.Runtime.Tests.Kernels.KernelAssert;
using F = GraphGen.Runtime.Tests.Kernels.TorchFixtures;

namespace GraphGen.Runtime.Tests.Kernels;

/// <summary>The kernels against PyTorch 1.13's outputs and gradients (Fixtures/make_torch_fixtures.py).</summary>
public class TorchFixtureTests
{
    private static double[] D(float[] values) => ToDouble(values);

    [Fact]
    public void BatchNorm2dTrainingStepAndInferenceMatchPyTorch()
    {
        const int batch = 3, channels = 4, spatial = 6;
        var y = new float[F.Bn2dX.Length];
        var mean = new float[channels];
        var invStd = new float[channels];
        var runningMean = (float[])F.Bn2dRunningMean0.Clone();
        var runningVar = (float[])F.Bn2dRunningVar0.Clone();
        BatchNorm.ForwardTraining(batch, channels, spatial, F.Bn2dX, F.Bn2dGamma, F.Bn2dBeta, y, mean, invStd, runningMean, runningVar);
        Close(D(F.Bn2dY), y, 2e-6, "y");
        Close(D(F.Bn2dRunningMean1), runningMean, 2e-6, "running_mean");
        Close(D(F.Bn2dRunningVar1), runningVar, 2e-6, "running_var");

        var dx = new float[y.Length];
        var dgamma = new float[channels];
        var dbeta = new float[channels];
        BatchNorm.Backward(batch, channels, spatial, F.Bn2dDy, F.Bn2dX, F.Bn2dGamma, mean, invStd, dx, dgamma, dbeta, accumulate: false);
        Close(D(F.Bn2dDx), dx, 2e-5, "dx");
        Close(D(F.Bn2dDgamma), dgamma, 2e-6, "dgamma");
        Close(D(F.Bn2dDbeta), dbeta, 2e-6, "dbeta");

        BatchNorm.ForwardInference(batch, channels, spatial, F.Bn2dX, F.Bn2dGamma, F.Bn2dBeta, runningMean, runningVar, y);
        Close(D(F.Bn2dYEval), y, 2e-6, "y (eval)");
    }

    [Fact]
    public void BatchNorm1dMatchesPyTorch()
    {
        const int batch = 5, channels = 3;
        var y = new float[F.Bn1dX.Length];
        var mean = new float[channels];
        var invStd = new float[channels];
        var runningMean = new float[channels];
        var runningVar = Enumerable.Repeat(1f, channels).ToArray();
        BatchNorm.ForwardTraining(batch, channels, 1, F.Bn1dX, F.Bn1dGamma, F.Bn1dBeta, y, mean, invStd, runningMean, runningVar, momentum: 0.2f, epsilon: 1e-3f);
        Close(D(F.Bn1dY), y, 2e-6, "y");
        Close(D(F.Bn1dRunningMean1), runningMean, 2e-6, "running_mean");
        Close(D(F.Bn1dRunningVar1), runningVar, 2e-6, "running_var");
        var dx = new float[y.Length];
        var dgamma = new float[channels];
        var dbeta = new float[channels];
        BatchNorm.Backward(batch, channels, 1, F.Bn1dDy, F.Bn1dX, F.Bn1dGamma, mean, invStd, dx, dgamma, dbeta, accumulate: false);
        Close(D(F.Bn1dDx), dx, 2e-5, "dx");
        Close(D(F.Bn1dDgamma), dgamma, 2e-6, "dgamma");
        Close(D(F.Bn1dDbeta), dbeta, 2e-6, "dbeta");
    }

    [Fact]
    public void LayerNormMatchesPyTorch()
    {
        const int rows = 4, cols = 7;
        var y = new float[F.LnX.Length];
        var mean = new float[rows];
        var invStd = new float[rows];
        LayerNorm.Forward(rows, cols, F.LnX, F.LnGamma, F.LnBeta, y, mean, invStd);
        Close(D(F.LnY), y, 2e-6, "y");
        var dx = new float[y.Length];
        var dgamma = new float[cols];
        var dbeta = new float[cols];
        LayerNorm.Backward(rows, cols, F.LnDy, F.LnX, F.LnGamma, mean, invStd, dx, dgamma, dbeta, accumulate: false);
        Close(D(F.LnDx), dx, 2e-5, "dx");
        Close(D(F.LnDgamma), dgamma, 2e-6, "dgamma");
        Close(D(F.LnDbeta), dbeta, 2e-6, "dbeta");
    }

    [Theory]
    [InlineData("Im2ColGemm")]
    [InlineData("Direct")]
    public void ConvolutionWithStrideDilationAndGroupsMatchesPyTorch(string algorithm)
    {
        var s = new Conv2dShape(4, 7, 6, 6, 3, 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 2, Groups: 2);
        Assert.Equal(F.ConvY.Length, 2 * s.OutputSize);
        ConvAlgorithms.Forced = Enum.Parse<ConvAlgorithm>(algorithm);
        try
        {
            var y = new float[F.ConvY.Length];
            Conv2d.Forward(s, 2, F.ConvX, F.ConvWeight, F.ConvBias, y);
            Close(D(F.ConvY), y, 2e-6, "y");
            var dx = new float[F.ConvX.Length];
            Conv2d.BackwardInput(s, 2, F.ConvDy, F.ConvWeight, dx, false);
            Close(D(F.ConvDx), dx, 2e-6, "dx");
            var dw = new float[F.ConvWeight.Length];
            var db = new float[F.ConvBias.Length];
            Conv2d.BackwardWeight(s, 2, F.ConvX, F.ConvDy, dw, db, false);
            Close(D(F.ConvDweight), dw, 2e-6, "dweight");
            Close(D(F.ConvDbias), db, 2e-6, "dbias");
        }
        finally
        {
            ConvAlgorithms.Forced = null;
        }
    }

    [Fact]
    public void PoolingWithPaddingAndTiesMatchesPyTorch()
    {
        var s = new Pool2dShape(3, 7, 8, 3, 3, 2, 2, 1, 1);
        const int batch = 2;
        var y = new float[F.MaxPoolY.Length];
        var argmax = new int[y.Length];
        Pool2d.MaxForward(s, batch, F.PoolX, y, argmax);
        Bitwise(F.MaxPoolY, y, "max y");
        Assert.Equal(F.MaxPoolArgmax, argmax);
        var dx = new float[F.PoolX.Length];
        Pool2d.MaxBackward(s, batch, F.MaxPoolDy, argmax, dx, false);
        Close(D(F.MaxPoolDx), dx, 1e-6, "max dx");

        Pool2d.AverageForward(s, batch, F.PoolX, y);
        Close(D(F.AvgPoolY), y, 1e-6, "average y");
        Pool2d.AverageBackward(s, batch, F.AvgPoolDy, dx, false);
        Close(D(F.AvgPoolDx), dx, 1e-6, "average dx");
    }

    [Fact]
    public void CrossEntropyWithIgnoredLabelsMatchesPyTorchIgnoreIndex()
    {
        const int rows = 9, classes = 5;
        var dz = new float[rows * classes];
        float loss = Losses.SoftmaxCrossEntropy(F.CeIgnoreZ, F.CeIgnoreLabels, dz, rows, classes, ignoreLabel: -1);
        Close(D(F.CeIgnoreLoss), [loss], 1e-6, "loss");
        Close(D(F.CeIgnoreDz), dz, 1e-5, "dz");
    }
}
