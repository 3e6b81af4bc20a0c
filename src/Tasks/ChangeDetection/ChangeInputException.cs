using GeoDense;

namespace GeoDense.Tasks.ChangeDetection;

/// <summary>A change-detection input problem the user can fix (exit 2): one line naming the file or key and what to do.</summary>
public sealed class ChangeInputException(string message) : InputException(message);
