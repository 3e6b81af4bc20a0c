namespace GeoDense.Torch.Tests;

/// <summary>Tests that need the process to themselves: they measure RSS, depend on the exact
/// sequence of the global random generator (which parallel tests would otherwise draw from), or change
/// process-wide settings such as the thread count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class SerialCollection
{
    public const string Name = "Serial";
}
