namespace GraphGen.Eager;

/// <summary>
/// Implemented by the generated half of every [Network] class: gives the reference
/// interpreter access to the user's own [Forward] and [Loss] methods, unchanged.
/// </summary>
public interface IEagerNetwork
{
    /// <summary>Per-sample shape of the [Forward] input.</summary>
    int[] EagerInputShape { get; }

    /// <summary>Per-sample shape of the [Loss] targets ([1] for class labels).</summary>
    int[] EagerTargetShape { get; }

    /// <summary>Calls the [Forward] method: its output, or each of the outputs of a tuple it returns.</summary>
    Tensor[] EagerForward(Tensor input);

    /// <summary>Calls the [Loss] method with the outputs and the targets (throws when the network declares none).</summary>
    Tensor EagerLoss(Tensor[] outputs, Tensor targets);
}
