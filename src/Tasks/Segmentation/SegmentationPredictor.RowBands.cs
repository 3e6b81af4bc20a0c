using GeoDense.Geo;
using GeoDense.Tasks.Inference;
using GeoDense.Tasks.Pipelines;

namespace GeoDense.Tasks.Segmentation;

/// <summary>One shard's output: the class ids of rows [RowStart, RowEnd) of an input, as a plain GeoTIFF.</summary>
public sealed record RowBandFile(int RowStart, int RowEnd, string Path);

/// <summary>
/// Row-band shards (the worker splits big mosaics into these): a band runs every batch of the one-process run whose
/// windows touch its rows (the overlap halo), stitched on the whole mosaic's grid, and keeps only its own rows. Each of
/// its pixels therefore gets the same windows, with the same blend weights, added in the same order as in
/// <see cref="Predict"/>: the assembled class map equals a one-process run's pixel for pixel.
/// </summary>
public sealed partial class SegmentationPredictor
{
    /// <summary>Writes the class ids of rows [<paramref name="rowStart"/>, <paramref name="rowEnd"/>) to <paramref name="bandPath"/> (atomically).</summary>
    /// <returns>the number of windows run</returns>
    public int PredictRows(string input, int rowStart, int rowEnd, string bandPath, Action<InferenceProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        int[] bands = pipeline.Input.Bands.ToArray();
        var tiling = pipeline.Tiling;
        using var source = Raster.Open(input);
        CheckBands(source);
        if (rowStart < 0 || rowEnd > source.Height || rowStart >= rowEnd)
            throw new ArgumentOutOfRangeException(nameof(rowStart), $"rows {rowStart}..{rowEnd} are not inside {input}'s {source.Height} rows");
        var windows = WindowGrid.Create(source, new GridOptions(tiling.Size, tiling.Stride, tiling.Scales, SkipNodata: true), bands);
        var rows = new PixelWindow(0, rowStart, source.Width, rowEnd - rowStart);
        var (groups, selected) = BatchesTouching(windows, tiling.BatchSize, rows);

        // the band file carries no georeference: the assembly writes the mosaic's own grid
        using var writer = RasterWriter.Create(bandPath, new RasterGrid(source.Width, rows.Height).ToSpec(1, RasterDataType.Byte, 255), DenseOutputs.PlainTiff);
        void KeepOwnRows(PixelWindow finished, ReadOnlySpan<byte> ids)
        {
            int y0 = Math.Max(finished.Y, rowStart), y1 = Math.Min(finished.Bottom, rowEnd);
            if (y1 <= y0) return;
            var own = ids.Slice((y0 - finished.Y) * finished.Width, (y1 - y0) * finished.Width);
            writer.Write<byte>(new PixelWindow(finished.X, y0 - rowStart, finished.Width, y1 - y0), [1], own);
        }
        var options = new StitcherOptions(model.NumClasses, DenseOutputs.Blend(tiling.Blend), Tiff: DenseOutputs.CogTiff, NodataBands: bands,
            Overlap: tiling.Size - tiling.Stride, ClassSink: KeepOwnRows, ScratchFolder: Path.GetDirectoryName(Path.GetFullPath(bandPath)));
        using (var stitcher = StreamingStitcher.ForRaster(source, selected, options))
        {
            if (selected.Count > 0) Run(new RasterWindowGroups(input, groups, new TilerOptions(bands, tiling.BatchSize)), stitcher, progress, cancellationToken);
            stitcher.Complete();
        }
        writer.Commit();
        return selected.Count;
    }

    /// <summary>
    /// The batches of the one-process run (same windows, same order) with a window touching <paramref name="rows"/>,
    /// windows renumbered for a stitcher given only these: every pixel of those rows gets all of its windows.
    /// </summary>
    static (List<IReadOnlyList<GridWindow>> Groups, List<GridWindow> Windows) BatchesTouching(IReadOnlyList<GridWindow> windows, int batchSize, PixelWindow rows)
    {
        int next = 0;
        var groups = Tiler.Group(windows, batchSize)
            .Where(g => g.Any(w => !w.Source.Intersect(rows).IsEmpty))
            .Select(g => (IReadOnlyList<GridWindow>)g.Select(w => w with { Index = next++ }).ToList())
            .ToList();
        return (groups, groups.SelectMany(g => g).ToList());
    }

    /// <summary>
    /// The worker's fan-in: copies the row bands (which must cover every row once) into the class COG/GeoTIFF on
    /// <paramref name="input"/>'s grid, then makes polygons and preview exactly as <see cref="Predict"/> does.
    /// </summary>
    public static PredictOutputs AssembleRowBands(SegmentationPipeline pipeline, string input, IReadOnlyList<RowBandFile> bandFiles,
        string outputDir, string name)
    {
        var formats = FormatsOf(pipeline);
        if (formats.Contains("probabilities"))
            throw new PipelineInputException("output format 'probabilities' is not available for row-band shards; run `geodense segment` for it");
        Directory.CreateDirectory(outputDir);
        var (classes, _, _, _) = OutputPaths(pipeline, outputDir, name);
        var ordered = bandFiles.OrderBy(b => b.RowStart).ToList();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var source = Raster.Open(input))
        {
            int expected = 0;
            foreach (var band in ordered)
            {
                if (band.RowStart != expected) throw new InvalidOperationException($"{input}: row bands leave rows {expected}..{band.RowStart} uncovered");
                expected = band.RowEnd;
            }
            if (expected != source.Height) throw new InvalidOperationException($"{input}: row bands end at row {expected} of {source.Height}");
            using var writer = RasterWriter.Create(classes, RasterGrid.Of(source).ToSpec(1, RasterDataType.Byte, 255),
                DenseOutputs.Tiff(formats));
            foreach (var band in ordered)
            {
                using var part = Raster.Open(band.Path);
                // copied a block of rows at a time: memory stays one block high whatever the mosaic's size
                for (int y = 0; y < part.Height; y += DenseOutputs.CogTiff.BlockSize)
                {
                    int h = Math.Min(DenseOutputs.CogTiff.BlockSize, part.Height - y);
                    var ids = part.Read<byte>(new PixelWindow(0, y, part.Width, h), [1]);
                    writer.Write<byte>(new PixelWindow(0, band.RowStart + y, part.Width, h), [1], ids);
                }
            }
            writer.Commit();
        }
        var (polygons, preview) = WriteDerivedOutputs(pipeline, pipeline.Model.ScoredClassCount(), classes, null, outputDir, name);
        return new PredictOutputs(classes, null, polygons, preview, 0, clock.Elapsed.TotalSeconds);
    }
}
