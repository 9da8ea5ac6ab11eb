using System.Collections.Generic;
using System.Linq;

namespace GraphGen.Generator.Graphs;

/// <summary>
/// Completes a graph that built without errors: drops nodes that reach neither the output
/// nor the loss, links consumers, decides which nodes need gradients, resolves automatic
/// initialisation, lays out the parameter arena and gives every tensor a unique C# name.
/// </summary>
internal static class GraphFinisher
{
    /// <summary>Finishes the graph; returns the layers it dropped because nothing live uses them.</summary>
    public static List<Layer> Finish(Graph graph)
    {
        var dropped = RemoveDeadNodes(graph);
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
                if (!input.Consumers.Contains(node)) input.Consumers.Add(node);
        MarkGradients(graph);
        ResolveInit(graph);
        LayOutParameters(graph);
        AssignNames(graph);
        return dropped;
    }

    private static List<Layer> RemoveDeadNodes(Graph graph)
    {
        var live = new HashSet<Node>();
        var stack = new Stack<Node>();
        foreach (var output in graph.Outputs) stack.Push(output);
        foreach (var term in graph.LossTerms) stack.Push(term.Node);
        if (graph.Input is not null) stack.Push(graph.Input);
        if (graph.Target is not null) stack.Push(graph.Target);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!live.Add(node)) continue;
            foreach (var input in node.Inputs) stack.Push(input);
        }
        graph.Nodes.RemoveAll(n => !live.Contains(n));
        var usedLayers = new HashSet<Layer>(graph.Nodes.Where(n => n.Layer is not null).Select(n => n.Layer!));
        var dropped = graph.Layers.Where(l => !usedLayers.Contains(l)).ToList();
        graph.Layers.RemoveAll(l => !usedLayers.Contains(l));
        var usedParameters = new HashSet<GraphParameter>(graph.Layers.SelectMany(l => l.Parameters.Concat(l.State)));
        graph.Parameters.RemoveAll(p => !usedParameters.Contains(p));
        graph.State.RemoveAll(p => !usedParameters.Contains(p));
        return dropped;
    }

    private static void MarkGradients(Graph graph)
    {
        foreach (var node in graph.Nodes)
        {
            node.RequiresGradient = node.Kind switch
            {
                OpKind.Input => graph.InputGradient,
                OpKind.Target => false,
                _ => node.Layer is not null || node.Inputs.Any(i => i.RequiresGradient),
            };
        }
    }

    /// <summary>He initialisation for layers that feed a ReLU-family activation, Xavier otherwise.</summary>
    private static void ResolveInit(Graph graph)
    {
        foreach (var layer in graph.Layers)
        {
            if (layer.Parameters.Length == 0 || layer.Weight.Init != "Auto") continue;
            var first = graph.Nodes.First(n => n.Layer == layer);
            bool feedsRelu = first.Consumers.Count > 0 && first.Consumers.All(c => c.Attributes is Ops.ActivationAttributes { Function.ReluLike: true });
            layer.Weight.Init = feedsRelu ? "HeUniform" : "XavierUniform";
        }
    }

    private static void LayOutParameters(Graph graph)
    {
        int offset = 0;
        foreach (var p in graph.Parameters)
        {
            p.Offset = offset;
            offset += p.Count;
        }
        offset = 0;
        foreach (var s in graph.State)
        {
            s.Offset = offset;
            offset += s.Count;
        }
    }

    /// <summary>Each tensor's C# name: the user's local or layer name made an identifier, unique among all the generated names.</summary>
    private static void AssignNames(Graph graph)
    {
        foreach (var node in graph.Nodes)
            node.Name = graph.Names.Claim(NameAllocator.Identifier(node.Name));
    }
}
