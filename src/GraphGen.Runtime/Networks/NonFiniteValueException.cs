namespace GraphGen;

/// <summary>Thrown when <see cref="INetwork.CheckFinite"/> is on and a NaN or infinity is found.</summary>
public sealed class NonFiniteValueException(string message) : ArithmeticException(message);
