namespace GraphGen;

/// <summary>A host copy of values that live on a device: refreshed when handed out, sent back before the device next uses them.</summary>
internal interface IStateMirror
{
    /// <summary>Copies the device's values to the host if they are newer, and marks the host copy as possibly written.</summary>
    void HandOutHostCopy();
}
