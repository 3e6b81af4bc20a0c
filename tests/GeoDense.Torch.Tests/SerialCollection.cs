namespace GeoDense.Torch.Tests;

/// <summary>Tests that need the process to themselves: they measure RSS or depend on the exact
/// sequence of the global random generator, which parallel tests would otherwise draw from.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class SerialCollection
{
    public const string Name = "Serial";
}
