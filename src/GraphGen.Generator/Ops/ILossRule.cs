using GraphGen.Generator.Graphs;
using GraphGen.Generator.Planning;

namespace GraphGen.Generator.Ops;

/// <summary>An op that is a term of the loss: it computes its value and seeds backpropagation in one step.</summary>
internal interface ILossRule
{
    void EmitLoss(Node node, double weight, string result, PlanBuilder plan);
}
