using Microsoft.ML.OnnxRuntime;

namespace GraphGen.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime on one float32 input and returns its first output, flat.</summary>
internal static class OnnxRuntimeRunner
{
    /// <summary>The first output of <paramref name="model"/> for <paramref name="input"/> of shape <paramref name="shape"/> (batch first).</summary>
    public static float[] Run(byte[] model, string inputName, float[] input, params long[] shape)
    {
        using var session = new InferenceSession(model);
        return Run(session, inputName, input, shape);
    }

    /// <summary>The first output of <paramref name="session"/> for <paramref name="input"/> of shape <paramref name="shape"/>.</summary>
    public static float[] Run(InferenceSession session, string inputName, float[] input, params long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [inputName], [value], [session.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
