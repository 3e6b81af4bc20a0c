namespace GeoDense.Torch.NN;

public sealed record ShapeMismatch(string Key, long[] Expected, long[] Actual)
{
    public override string ToString() => $"{Key}: model has [{string.Join(", ", Expected)}], checkpoint has [{string.Join(", ", Actual)}]";
}

/// <summary>What <see cref="Module.LoadStateDict"/> could not match.</summary>
public sealed record StateDictReport(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys, IReadOnlyList<ShapeMismatch> ShapeMismatches)
{
    public bool IsClean => MissingKeys.Count == 0 && UnexpectedKeys.Count == 0 && ShapeMismatches.Count == 0;

    public override string ToString()
    {
        if (IsClean) return "all keys matched";
        var lines = new List<string>();
        if (MissingKeys.Count > 0) lines.Add($"missing keys ({MissingKeys.Count}): {string.Join(", ", MissingKeys)}");
        if (UnexpectedKeys.Count > 0) lines.Add($"unexpected keys ({UnexpectedKeys.Count}): {string.Join(", ", UnexpectedKeys)}");
        if (ShapeMismatches.Count > 0) lines.Add($"shape mismatches ({ShapeMismatches.Count}): {string.Join("; ", ShapeMismatches)}");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Thrown by a strict <see cref="Module.LoadStateDict"/>; the message lists every problem.</summary>
public sealed class StateDictMismatchException(StateDictReport report)
    : Exception("state dict does not match the model:" + Environment.NewLine + report)
{
    public StateDictReport Report { get; } = report;
}
