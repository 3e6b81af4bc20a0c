using GeoDense.Torch.Native;

namespace GeoDense.Torch;

public enum Reduction
{
    None = 0,
    Mean = 1,
    Sum = 2,
}

public enum InterpolationMode
{
    Nearest = 0,
    Bilinear = 1,
    Bicubic = 2,
}

public enum PaddingMode
{
    Constant = 0,
    Reflect = 1,
    Replicate = 2,
    Circular = 3,
}

/// <summary>
/// torch.nn.functional in PascalCase. Import as <c>using F = GeoDense.Torch.Functional;</c>.
/// Layer functions take weights explicitly; modules in <c>GeoDense.Torch.NN</c> wrap them.
/// </summary>
public static partial class Functional
{
    // ---- linear / convolution ------------------------------------------------------------------------
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null) =>
        Tensor.Wrap(NativeMethods.gd_linear(input.Handle, weight.Handle, Tensor.H(bias)), input, weight, bias);

    /// <summary>True when the shim has the oneDNN inference linear (<see cref="InferenceLinear"/>).</summary>
    public static bool HasOneDnnLinear { get; } = NativeMethods.gd_onednn_linear_available() != 0;

    /// <summary>Whether <paramref name="input"/> can go through the shim's oneDNN inference kernels (<see cref="InferenceLinear"/>,
    /// <see cref="InferenceConv2d"/>): CPU inference (no autograd) of fp32 or bf16 values, in a build with oneDNN.</summary>
    public static bool InfersOnOneDnn(Tensor input) =>
        HasOneDnnLinear && !TorchRuntime.IsGradEnabled && !input.Device.IsCuda && input.DType is ScalarType.Float32 or ScalarType.BFloat16;

    /// <summary>True when the CPU runs the shim's own AVX-512 kernels (AVX-512 F/BW/VL): CPU inference then normalises
    /// fp32 and bf16 rows with them (<see cref="LayerNorm"/>, bf16 rows stay bf16), and attention and int8 quantization use
    /// them; elsewhere libtorch's and oneDNN's kernels run.</summary>
    public static bool HasAvx512Kernels { get; } = NativeMethods.gd_cpu_has_avx512() != 0;

    /// <summary>True when oneDNN has a real int8 kernel for this CPU (<see cref="InferenceLinear"/> with int8); where it
    /// has none it would fall back to a reference implementation some 1000x slower than fp32.</summary>
    public static bool HasFastInt8Linear => FastInt8Linear.Value;

    // asked when int8 is first wanted, not at start-up: the answer builds a oneDNN primitive descriptor
    private static readonly Lazy<bool> FastInt8Linear = new(() => HasOneDnnLinear && NativeMethods.gd_onednn_int8_linear_fast() != 0);

    /// <summary>
    /// Inference only, CPU (nothing may need a gradient): x Wᵀ + b, then GELU when <paramref name="gelu"/>, as one
    /// oneDNN matmul (bias and GELU applied in its epilogue). Under CPU bf16 autocast the product runs in bf16.
    /// With <paramref name="int8"/> it runs in int8: the weight quantized once per output channel (symmetric, cached
    /// with its packing), x per call with one symmetric scale per block of rows from their own range (dynamic
    /// quantization); the result has the type it would have without int8. Needs <see cref="HasOneDnnLinear"/>.
    /// </summary>
    public static Tensor InferenceLinear(Tensor input, Tensor weight, Tensor? bias = null, bool gelu = false, bool int8 = false) =>
        Tensor.Wrap(NativeMethods.gd_onednn_linear(input.Handle, weight.Handle, Tensor.H(bias), gelu ? 1 : 0, int8 ? 1 : 0), input, weight, bias);

    /// <summary>Inference only, like <see cref="InferenceLinear"/>: residual += x Wᵀ + b, accumulated in place by the
    /// same matmul; returns the residual. With <paramref name="geluInput"/> (int8 only) the layer reads GELU(x) (tanh
    /// form, within 3e-4 of erf's), applied while x is quantized: an MLP's fc1 then leaves GELU out of its epilogue,
    /// where oneDNN's took longer than the product itself.</summary>
    public static Tensor InferenceLinearAdd_(Tensor residual, Tensor input, Tensor weight, Tensor? bias = null, bool int8 = false,
        bool geluInput = false)
    {
        TorchException.Check(NativeMethods.gd_onednn_linear_add_(residual.Handle, input.Handle, weight.Handle, Tensor.H(bias), int8 ? 1 : 0,
                geluInput ? 1 : 0),
            residual, input, weight);
        GC.KeepAlive(bias);
        return residual;
    }

    /// <summary>
    /// Inference only, CPU (nothing may need a gradient): conv2d, then GELU when <paramref name="gelu"/>, then
    /// + <paramref name="residual"/> (a tensor of the result's shape) when given, as one oneDNN convolution with the
    /// weight packed once and kept (libtorch's own reorders it on every call). The result is channels-last; bf16 under
    /// CPU bf16 autocast. With <paramref name="int8"/> (ungrouped only, no residual) it runs in int8: the weight
    /// quantized once per output channel, the input per call with one symmetric scale from its range.
    /// Needs <see cref="HasOneDnnLinear"/>.
    /// </summary>
    public static unsafe Tensor InferenceConv2d(Tensor input, Tensor weight, Tensor? bias, (long H, long W) stride, (long H, long W) padding,
        (long H, long W) dilation, long groups = 1, bool gelu = false, bool int8 = false, Tensor? residual = null)
    {
        long* p = stackalloc long[] { stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W };
        var result = NativeMethods.gd_onednn_conv2d(input.Handle, weight.Handle, Tensor.H(bias), p, p + 2, p + 4, groups, gelu ? 1 : 0, int8 ? 1 : 0,
            Tensor.H(residual));
        GC.KeepAlive(residual);
        return Tensor.Wrap(result, input, weight, bias);
    }

    public static unsafe Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null,
        (long H, long W)? stride = null, (long H, long W)? padding = null, (long H, long W)? dilation = null, long groups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        long* sp = stackalloc long[] { s.H, s.W, p.H, p.W, d.H, d.W };
        return Tensor.Wrap(NativeMethods.gd_conv2d(input.Handle, weight.Handle, Tensor.H(bias), sp, sp + 2, sp + 4, groups), input, weight, bias);
    }

    /// <summary>Square stride/padding/dilation shorthand.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding = 0, long dilation = 1, long groups = 1) =>
        Conv2d(input, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0, long dilation = 1, long groups = 1) =>
        Tensor.Wrap(NativeMethods.gd_conv1d(input.Handle, weight.Handle, Tensor.H(bias), stride, padding, dilation, groups), input, weight, bias);

    public static unsafe Tensor ConvTranspose2d(Tensor input, Tensor weight, Tensor? bias = null,
        (long H, long W)? stride = null, (long H, long W)? padding = null, (long H, long W)? outputPadding = null,
        long groups = 1, (long H, long W)? dilation = null)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var o = outputPadding ?? (0, 0);
        var d = dilation ?? (1, 1);
        long* v = stackalloc long[] { s.H, s.W, p.H, p.W, o.H, o.W, d.H, d.W };
        return Tensor.Wrap(NativeMethods.gd_conv_transpose2d(input.Handle, weight.Handle, Tensor.H(bias), v, v + 2, v + 4, groups, v + 6), input, weight, bias);
    }

    // ---- normalisation -----------------------------------------------------------------------------
    /// <summary>F.batch_norm. In training, running stats are updated in place:
    /// running = (1 - momentum) * running + momentum * batch (unbiased variance).</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5) =>
        Tensor.Wrap(NativeMethods.gd_batch_norm(input.Handle, Tensor.H(weight), Tensor.H(bias), Tensor.H(runningMean), Tensor.H(runningVar), training ? 1 : 0, momentum, eps), input, weight, bias, runningMean, runningVar);

    public static unsafe Tensor LayerNorm(Tensor input, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* s = normalizedShape)
            return Tensor.Wrap(NativeMethods.gd_layer_norm(input.Handle, s, normalizedShape.Length, Tensor.H(weight), Tensor.H(bias), eps), input, weight, bias);
    }

    public static Tensor GroupNorm(Tensor input, long numGroups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5) =>
        Tensor.Wrap(NativeMethods.gd_group_norm(input.Handle, numGroups, Tensor.H(weight), Tensor.H(bias), eps), input, weight, bias);

    // ---- activations -------------------------------------------------------------------------------
    public static Tensor Relu(Tensor input) => input.Relu();
    public static Tensor Gelu(Tensor input, bool tanhApproximation = false) => input.Gelu(tanhApproximation);
    public static Tensor Sigmoid(Tensor input) => input.Sigmoid();
    public static Tensor Tanh(Tensor input) => input.Tanh();
    public static Tensor Silu(Tensor input) => input.Silu();
    public static Tensor LeakyRelu(Tensor input, double negativeSlope = 0.01) => Tensor.Wrap(NativeMethods.gd_leaky_relu(input.Handle, negativeSlope), input);
    public static Tensor Hardtanh(Tensor input, double min = -1, double max = 1) => Tensor.Wrap(NativeMethods.gd_hardtanh(input.Handle, min, max), input);
    public static Tensor Relu6(Tensor input) => Hardtanh(input, 0, 6);
    public static Tensor Softmax(Tensor input, long dim) => Tensor.Wrap(NativeMethods.gd_softmax(input.Handle, dim), input);
    public static Tensor LogSoftmax(Tensor input, long dim) => Tensor.Wrap(NativeMethods.gd_log_softmax(input.Handle, dim), input);

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training; identity otherwise.</summary>
    public static Tensor Dropout(Tensor input, double p = 0.5, bool training = true) =>
        Tensor.Wrap(NativeMethods.gd_dropout(input.Handle, p, training ? 1 : 0), input);

    // ---- resampling, pooling, padding --------------------------------------------------------------
    /// <summary>
    /// F.interpolate for NCHW input. Give <paramref name="size"/> (H, W) or <paramref name="scaleFactor"/>;
    /// with a scale factor the output is floor(in * scale) and the kernel uses the scale, as in PyTorch.
    /// </summary>
    public static Tensor Interpolate(Tensor input, (long H, long W)? size = null, double? scaleFactor = null,
        InterpolationMode mode = InterpolationMode.Nearest, bool alignCorners = false)
    {
        if (mode == InterpolationMode.Nearest && alignCorners)
            throw new ArgumentException("alignCorners applies only to bilinear/bicubic interpolation", nameof(alignCorners));
        long outH, outW;
        double scale = -1;
        if (size is { } s)
        {
            if (scaleFactor is not null) throw new ArgumentException("give either size or scaleFactor, not both");
            (outH, outW) = s;
        }
        else if (scaleFactor is { } f)
        {
            var shape = input.Shape;
            outH = (long)Math.Floor(shape[^2] * f);
            outW = (long)Math.Floor(shape[^1] * f);
            scale = alignCorners ? -1 : f;
        }
        else throw new ArgumentException("give size or scaleFactor");
        return Tensor.Wrap(NativeMethods.gd_interpolate(input.Handle, outH, outW, scale, scale, (int)mode, alignCorners ? 1 : 0), input);
    }

    public static Tensor AdaptiveAvgPool2d(Tensor input, (long H, long W) outputSize) =>
        Tensor.Wrap(NativeMethods.gd_adaptive_avg_pool2d(input.Handle, outputSize.H, outputSize.W), input);
    public static Tensor AdaptiveAvgPool2d(Tensor input, long outputSize) => AdaptiveAvgPool2d(input, (outputSize, outputSize));
    public static Tensor AdaptiveMaxPool2d(Tensor input, (long H, long W) outputSize) =>
        Tensor.Wrap(NativeMethods.gd_adaptive_max_pool2d(input.Handle, outputSize.H, outputSize.W), input);

    /// <summary>F.max_pool2d; stride defaults to the kernel size.</summary>
    public static unsafe Tensor MaxPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, long dilation = 1, bool ceilMode = false)
    {
        var st = stride ?? kernelSize;
        long* v = stackalloc long[] { kernelSize, kernelSize, st, st, padding, padding, dilation, dilation };
        return Tensor.Wrap(NativeMethods.gd_max_pool2d(input.Handle, v, v + 2, v + 4, v + 6, ceilMode ? 1 : 0), input);
    }

    /// <summary>F.avg_pool2d; stride defaults to the kernel size.</summary>
    public static unsafe Tensor AvgPool2d(Tensor input, long kernelSize, long? stride = null, long padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        var st = stride ?? kernelSize;
        long* v = stackalloc long[] { kernelSize, kernelSize, st, st, padding, padding };
        return Tensor.Wrap(NativeMethods.gd_avg_pool2d(input.Handle, v, v + 2, v + 4, ceilMode ? 1 : 0, countIncludePad ? 1 : 0), input);
    }

    /// <summary>F.pad: pads lists (left, right, top, bottom, ...) starting from the last dim.</summary>
    public static unsafe Tensor Pad(Tensor input, long[] pad, PaddingMode mode = PaddingMode.Constant, double value = 0)
    {
        fixed (long* p = pad) return Tensor.Wrap(NativeMethods.gd_pad(input.Handle, p, pad.Length, (int)mode, value), input);
    }

    public static Tensor PixelShuffle(Tensor input, long upscaleFactor) => Tensor.Wrap(NativeMethods.gd_pixel_shuffle(input.Handle, upscaleFactor), input);
    public static Tensor PixelUnshuffle(Tensor input, long downscaleFactor) => Tensor.Wrap(NativeMethods.gd_pixel_unshuffle(input.Handle, downscaleFactor), input);

    public static Tensor OneHot(Tensor input, long numClasses = -1) => input.OneHot(numClasses);

    /// <summary>F.normalize: x / max(‖x‖_p over dim, eps).</summary>
    public static Tensor Normalize(Tensor input, double p = 2, long dim = 1, double eps = 1e-12)
    {
        using var norm = input.Norm(p, [dim], keepDim: true);
        using var clamped = norm.ClampMin(eps);
        return input.Div(clamped);
    }

    // ---- attention ---------------------------------------------------------------------------------
    /// <summary>
    /// softmax(q kᵀ · scale + mask) v over the last two dims (q: [..., L, E], k: [..., S, E], v: [..., S, Ev]).
    /// scale defaults to E^-0.5; a bool mask marks positions that may be attended, a float mask is added.
    /// <paramref name="fused"/> uses libtorch's fused kernel (public in 2.x, the private one in 1.13);
    /// false runs the explicit math, which is always available.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? attnMask = null,
        double dropoutP = 0, bool isCausal = false, double? scale = null, bool fused = true) =>
        Tensor.Wrap(NativeMethods.gd_scaled_dot_product_attention(query.Handle, key.Handle, value.Handle, Tensor.H(attnMask),
            dropoutP, isCausal ? 1 : 0, scale ?? -1, fused ? 1 : 0), query, key, value, attnMask);
}
