using System.Runtime.InteropServices;

namespace GeoDense.Torch.Native;

// Rotated-box ops (src/Native/ops_rotated.cpp, roi_align_rotated.cpp). A zero labels handle means "one class".
internal static unsafe partial class NativeMethods
{
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_box_iou_rotated(IntPtr boxes1, IntPtr boxes2, int aligned);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_nms_rotated(IntPtr boxes, IntPtr scores, IntPtr labels, double iouThreshold);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_nms(IntPtr boxes, IntPtr scores, IntPtr labels, double iouThreshold);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_polygon_iou(IntPtr polygons1, IntPtr polygons2);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_obb_to_polygon(IntPtr obb);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_polygon_to_obb(IntPtr polygons);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_roi_align_rotated(IntPtr features, IntPtr rois, long pooledH, long pooledW, double spatialScale, long samplingRatio, int aligned, int clockwise);
}
