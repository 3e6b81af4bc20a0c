namespace GeoDense;

/// <summary>
/// A problem with the user's files or arguments, not with GeoDense. The message is one line naming the file or
/// argument, the problem and what to do. The CLI maps this family to exit code 2 and prints no stack trace;
/// every layer derives its own input exception from it so callers need to know only this type.
/// </summary>
public class InputException(string message, Exception? inner = null) : Exception(message, inner);
