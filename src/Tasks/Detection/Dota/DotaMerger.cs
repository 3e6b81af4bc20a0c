namespace GeoDense.Tasks.Detection.Dota;

/// <summary>
/// `geodense dota merge`: patch-level Task1 results (image names `{image}__{rate}__{left}___{up}`) back to image level,
/// as DOTA_devkit's ResultMerge does: every polygon goes to (p + corner) / rate, then per image and class the
/// detections are suppressed by rotated NMS (on each quadrilateral's minimum-area rectangle; DOTA_devkit's
/// py_cpu_nms_poly uses the quadrilaterals themselves, the same for the rectangles detectors emit). The IoU is the
/// pipeline's `model.merge_nms_iou` (0.5, LeMeViT's submissions) unless given (DOTA_devkit: 0.1).
/// </summary>
public static class DotaMerger
{
    /// <returns>image-level detections per class (every class of the input, empty ones included)</returns>
    public static Dictionary<string, List<Task1Detection>> Merge(IReadOnlyDictionary<string, List<Task1Detection>> patchResults, double iouThreshold)
    {
        var classes = patchResults.Keys.Order(StringComparer.Ordinal).ToList();
        var byImage = new Dictionary<string, ImageDetections>(StringComparer.Ordinal);
        foreach (var (className, detections) in patchResults)
        {
            int classId = classes.IndexOf(className);
            foreach (var d in detections)
            {
                var name = DotaPatchName.TryParse(d.Image) ?? throw new DotaFormatException(
                    $"{Task1Submission.FileName(className)}: '{d.Image}' is not a patch name {{image}}__{{rate}}__{{left}}___{{up}}; merge takes patch-level results");
                if (!byImage.TryGetValue(name.Image, out var image)) byImage[name.Image] = image = new ImageDetections();
                image.AddPolygon(classId, (float)d.Score, name.ToImage(d.Polygon));
            }
        }
        var result = classes.ToDictionary(c => c, _ => new List<Task1Detection>(), StringComparer.Ordinal);
        foreach (var (image, detections) in byImage)
            foreach (var d in detections.Merge(iouThreshold))
                result[classes[d.ClassId]].Add(new Task1Detection(image, d.Score, d.Polygon));
        return result;
    }
}
