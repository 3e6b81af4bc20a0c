namespace GeoDense.Cli.Commands.Demo;

/// <summary>
/// How big the demo is: the area, the training data and the iterations (null: the demo pipeline's own). <see cref="Full"/>
/// is `geodense demo`; <see cref="Smoke"/> (`--smoke`) runs every stage on a small area with a few iterations, for tests.
/// </summary>
public sealed record DemoScale(int Width, int TownRows, int FieldRows, int NodataColumns,
    IReadOnlyList<(string Id, int Size, int Seed)> SegmentationTiles, int DetectionScenes, int DetectionAreas, int ChangeAreas, int ChangeAreaSize,
    int? Iterations)
{
    public static DemoScale Full { get; } = new(1536, 768, 256, 96, [("1_1", 512, 11), ("1_2", 512, 12), ("9_9", 400, 99)],
        DetectionScenes: 24, DetectionAreas: 4, ChangeAreas: 6, ChangeAreaSize: 512, Iterations: null);

    public static DemoScale Smoke { get; } = new(512, 256, 256, 32, [("1_1", 256, 11), ("1_2", 256, 12), ("9_9", 256, 99)],
        DetectionScenes: 2, DetectionAreas: 1, ChangeAreas: 1, ChangeAreaSize: 256, Iterations: 2);
}
