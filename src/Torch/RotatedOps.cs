using GeoDense.Torch.Native;

namespace GeoDense.Torch;

/// <summary>
/// Rotated-box ops for oriented detection. The kernels run on the CPU; tensors on CUDA are computed on CPU copies and
/// the results come back on the input's device. Boxes are OBBDetection's <c>obb</c>: (cx, cy, w, h, theta)
/// in pixels and radians, image coordinates (y down), the w side along (cos theta, -sin theta).
/// Conventions and the reference each op matches: docs/rotated-ops.md.
/// </summary>
public static class RotatedOps
{
    /// <summary>IoU of every pair ([N, M]), or of row i with row i when <paramref name="aligned"/> ([N]). Exact convex
    /// intersection, computed in double precision; boxes of zero area have IoU 0.</summary>
    public static Tensor BoxIouRotated(Tensor boxes1, Tensor boxes2, bool aligned = false) =>
        Tensor.Wrap(NativeMethods.gd_box_iou_rotated(boxes1.Handle, boxes2.Handle, aligned ? 1 : 0), boxes1, boxes2);

    /// <summary>Greedy rotated NMS: int64 indices of the kept boxes by descending score. A box is suppressed by a
    /// kept one when their IoU is &gt;= <paramref name="iouThreshold"/> (mmcv/OBBDetection).</summary>
    public static Tensor NmsRotated(Tensor boxes, Tensor scores, double iouThreshold) =>
        Tensor.Wrap(NativeMethods.gd_nms_rotated(boxes.Handle, scores.Handle, IntPtr.Zero, iouThreshold), boxes, scores);

    /// <summary>Rotated NMS within each label (boxes of different labels never suppress each other); kept
    /// indices by descending score.</summary>
    public static Tensor BatchedNmsRotated(Tensor boxes, Tensor scores, Tensor labels, double iouThreshold) =>
        Tensor.Wrap(NativeMethods.gd_nms_rotated(boxes.Handle, scores.Handle, labels.Handle, iouThreshold), boxes, scores, labels);

    /// <summary>Horizontal NMS on (x1, y1, x2, y2) boxes as mmdet does it (no +1 in areas, suppression at IoU &gt;
    /// <paramref name="iouThreshold"/>); kept indices by descending score.</summary>
    public static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold) =>
        Tensor.Wrap(NativeMethods.gd_nms(boxes.Handle, scores.Handle, IntPtr.Zero, iouThreshold), boxes, scores);

    /// <summary>Horizontal NMS within each label.</summary>
    public static Tensor BatchedNms(Tensor boxes, Tensor scores, Tensor labels, double iouThreshold) =>
        Tensor.Wrap(NativeMethods.gd_nms(boxes.Handle, scores.Handle, labels.Handle, iouThreshold), boxes, scores, labels);

    /// <summary>
    /// Rotated RoIAlign (detectron2/mmcv/OBBDetection sampling): <paramref name="rois"/> are [K, 6] rows
    /// (batch index, cx, cy, w, h, theta) in input pixels, scaled by <paramref name="spatialScale"/> onto
    /// <paramref name="features"/> [B, C, H, W]; each of the outHeight x outWidth bins averages
    /// samplingRatio² bilinear samples (adaptive when &lt;= 0). <paramref name="aligned"/> shifts by half a pixel;
    /// <paramref name="clockwise"/> measures theta the other way (mmcv's flag). Differentiable w.r.t. features.
    /// </summary>
    public static Tensor RoiAlignRotated(Tensor features, Tensor rois, int outHeight, int outWidth, double spatialScale,
        int samplingRatio, bool aligned, bool clockwise = false) =>
        Tensor.Wrap(NativeMethods.gd_roi_align_rotated(features.Handle, rois.Handle, outHeight, outWidth, spatialScale, samplingRatio,
            aligned ? 1 : 0, clockwise ? 1 : 0), features, rois);

    /// <summary>IoU of every pair of quadrilaterals ([N, 8] x [M, 8] -> [N, M] float64), computed as DOTA_devkit's
    /// polyiou does (any vertex order, non-convex allowed).</summary>
    public static Tensor PolygonIou(Tensor polygons1, Tensor polygons2) =>
        Tensor.Wrap(NativeMethods.gd_polygon_iou(polygons1.Handle, polygons2.Handle), polygons1, polygons2);

    /// <summary>The four corners (x1, y1, ..., x4, y4) of each box in BboxToolkit's obb2poly order. Keeps dtype and
    /// autograd history.</summary>
    public static Tensor ObbToPolygon(Tensor obb) =>
        Tensor.Wrap(NativeMethods.gd_obb_to_polygon(obb.Handle), obb);

    /// <summary>The minimum-area rectangle of each quadrilateral as an obb: w the long side, theta in [-pi/2, pi/2)
    /// (BboxToolkit's poly2obb, including its pi = 3.141592 in the range).</summary>
    public static Tensor PolygonToObb(Tensor polygons) =>
        Tensor.Wrap(NativeMethods.gd_polygon_to_obb(polygons.Handle), polygons);
}
