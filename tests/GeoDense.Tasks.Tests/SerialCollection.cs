namespace GeoDense.Tasks.Tests;

/// <summary>
/// Tests that need the process to themselves: libtorch's random generator and thread count are process-wide, so a
/// learning test's initial weights would otherwise depend on what parallel test classes draw in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class SerialCollection
{
    public const string Name = "Serial";
}
