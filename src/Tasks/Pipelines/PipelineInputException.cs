namespace GeoDense.Tasks.Pipelines;

/// <summary>A pipeline file that cannot be used; the message names the file, the place and the fix, one line per problem.</summary>
public sealed class PipelineInputException(string message, Exception? inner = null) : InputException(message, inner);
