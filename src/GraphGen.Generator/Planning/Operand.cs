namespace GraphGen.Generator.Planning;

/// <summary>Where a kernel step reads or writes floats.</summary>
internal enum OperandKind
{
    /// <summary>A slice of the activation/gradient arena, placed by the memory planner.</summary>
    Buffer,
    /// <summary>The caller's input span.</summary>
    Input,
    /// <summary>The caller's real-valued targets.</summary>
    Targets,
    /// <summary>The caller's integer labels.</summary>
    Labels,
    /// <summary>A parameter's slice of the parameter arena.</summary>
    Parameter,
    /// <summary>A parameter's slice of the gradient arena.</summary>
    ParameterGradient,
    /// <summary>A slice of the non-trainable state (BatchNorm running statistics).</summary>
    State,
}

/// <summary>A named span of floats a step operates on; <see cref="Index"/> is the buffer or parameter index.</summary>
internal sealed record Operand(OperandKind Kind, int Index, string Name)
{
    public bool IsWritable => Kind is OperandKind.Buffer or OperandKind.ParameterGradient or OperandKind.State;
    public override string ToString() => Name;
}

/// <summary>A row count: a constant, or a multiple of the run-time batch size.</summary>
internal sealed record Dim(int Factor, bool PerBatch)
{
    public static Dim Batch(int factor) => new(factor, true);
    public static Dim Constant(int value) => new(value, false);

    /// <summary>C# text, e.g. "batch", "batch * 4" or "32".</summary>
    public string Code => !PerBatch ? Factor.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Factor == 1 ? "batch" : "batch * " + Factor.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Math text, e.g. "B" or "4B".</summary>
    public string Math => !PerBatch ? Factor.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : Factor == 1 ? "B" : Factor.ToString(System.Globalization.CultureInfo.InvariantCulture) + "B";
}
