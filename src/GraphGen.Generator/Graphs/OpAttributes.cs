namespace GraphGen.Generator.Graphs;

/// <summary>
/// The settings of one op node, one record type per op, declared in the op's own file beside its
/// rule (e.g. <c>Conv2dAttributes</c> in Ops/Conv2dOp.cs), so that no field of <see cref="Node"/>
/// means one thing for one op and another for the next.
/// </summary>
internal abstract record OpAttributes;
