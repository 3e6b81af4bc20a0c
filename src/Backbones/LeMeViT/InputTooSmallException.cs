namespace GeoDense.Backbones;

/// <summary>
/// An image smaller than the backbone can attend over. Its size comes from the user (a bench or forward size, an
/// input tensor), so it belongs to the input-exception family: exit 2 with this message, not an internal error.
/// </summary>
public sealed class InputTooSmallException(string message) : InputException(message);
