using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// Reads the [Loss] result as Σ weightᵢ · lossᵢ + constant. Only sums, differences and
/// constant factors of loss functions have constant gradients with respect to each term,
/// which is what lets every loss term start backpropagation with a fixed weight.
/// </summary>
internal static class LossCollector
{
    public static void Collect(GraphBuilder builder, Node node, double weight)
    {
        var graph = builder.Graph;
        if (node.IsLoss)
        {
            foreach (var term in graph.LossTerms)
            {
                if (term.Node == node)
                {
                    term.Weight += weight;
                    return;
                }
            }
            graph.LossTerms.Add(new LossTerm(node, weight));
            return;
        }
        switch (node.Kind)
        {
            case OpKind.Add:
                Collect(builder, node.Inputs[0], weight);
                Collect(builder, node.Inputs[1], weight);
                return;
            case OpKind.Subtract:
                Collect(builder, node.Inputs[0], weight);
                Collect(builder, node.Inputs[1], -weight);
                return;
            case OpKind.Affine:
                var affine = node.Get<Ops.AffineAttributes>();
                graph.LossConstant += weight * affine.Shift;
                Collect(builder, node.Inputs[0], weight * affine.Scale);
                return;
            default:
                builder.Report(DiagnosticDescriptors.InvalidLoss, node.Location,
                    $"A loss can add, subtract and scale loss functions by constants, but here it combines them with {node.Kind}; rewrite it as a weighted sum such as 'SoftmaxCrossEntropy(z, y) + 0.1f * MeanSquaredError(a, b)'");
                return;
        }
    }
}
