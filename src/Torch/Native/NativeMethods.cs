using System.Runtime.InteropServices;
using TH = GeoDense.Torch.Native.TensorHandle;

namespace GeoDense.Torch.Native;

/// <summary>The shim's exports (src/Native). Tensor arguments are <see cref="TensorHandle"/>s, which keeps
/// the managed owner alive for the duration of the call; results come back as owned handles,
/// invalid (zero) on failure, with the message in <see cref="gd_last_error"/>.</summary>
internal static unsafe class NativeMethods
{
    private const string Lib = "geodense_native";

    // errors / runtime
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_last_error();
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_clear_error();
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_noop();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_noop_tensor(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_torch_version();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_manual_seed(ulong seed);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_set_num_threads(int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_get_num_threads();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_cuda_is_available();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_cuda_device_count();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_set_grad_enabled(int enabled);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_is_grad_enabled();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_inference_mode_enter(int enabled);
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_inference_mode_exit(IntPtr guard);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_is_inference_mode_enabled();

    // tensor lifetime and metadata
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_tensor_free(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_dim(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_shape(TH t, long* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_stride(TH t, long* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern long gd_tensor_numel(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_dtype(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_device(TH t, out int index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_is_contiguous(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_from_data(void* data, long nbytes, long* shape, int ndim, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_copy_to(TH t, void* data, long nbytes);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_new(int kind, long* shape, int ndim, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_full(long* shape, int ndim, NativeScalar value, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_randint(long low, long high, long* shape, int ndim, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_arange(NativeScalar start, NativeScalar end, NativeScalar step, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_linspace(double start, double end, long steps, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_eye(long n, long m, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_randperm(long n, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_like(TH t, int kind);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_to_dtype(TH t, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_to_device(TH t, int dev, int devi, int nonBlocking);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_clone(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_detach(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_contiguous(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_tensor_alias(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_assign(TH dst, TH src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_copy_(TH dst, TH src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_fill_(TH t, NativeScalar v);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_zero_(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_uniform_(TH t, double from, double to);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_normal_(TH t, double mean, double std);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_bernoulli_(TH t, double p);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_trunc_normal_(TH t, double mean, double std, double a, double b);

    // autograd
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_requires_grad(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_set_requires_grad(TH t, int on);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_is_leaf(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_retain_grad(TH t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_grad(TH t, out IntPtr grad);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_set_grad(TH t, TH grad);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_backward(TH t, TH gradient, int retainGraph, int createGraph);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double normType, out double totalNorm);

    // elementwise, reductions, products
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_unary(TH x, UnaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_unary_(TH x, UnaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_binary(TH a, TH b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_binary_scalar(TH a, NativeScalar b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_binary_(TH a, TH b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_binary_scalar_(TH a, NativeScalar b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_add_scaled(TH a, TH b, NativeScalar alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_add_scaled_(TH a, TH b, NativeScalar alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_clamp(TH x, double min, double max, int hasMin, int hasMax);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_clamp_(TH x, double min, double max, int hasMin, int hasMax);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_where(TH cond, TH a, TH b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_where_scalar(TH cond, TH a, NativeScalar b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_lerp(TH a, TH b, double weight);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_allclose(TH a, TH b, double rtol, double atol);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_reduce(TH x, ReduceOp op, long* dims, int ndims, int keepdim, int unbiased);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_sum_dtype(TH x, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_norm(TH x, double ord, long* dims, int ndims, int keepdim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_argmax(TH x, long dim, int keepdim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_argmin(TH x, long dim, int keepdim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_minmax_dim(TH x, long dim, int keepdim, int isMax, out IntPtr values, out IntPtr indices);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_cumsum(TH x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_matmul(TH a, TH b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_bmm(TH a, TH b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_baddbmm(TH c, TH a, TH b, double beta, double alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_addmm(TH c, TH a, TH b, double beta, double alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_einsum(byte* equation, IntPtr* operands, int n);

    // shape
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_reshape(TH x, long* shape, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_view(TH x, long* shape, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_permute(TH x, long* order, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_transpose(TH x, long a, long b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_flatten(TH x, long start, long end);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_unflatten(TH x, long dim, long* sizes, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_squeeze(TH x, long dim, int all);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_unsqueeze(TH x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_expand(TH x, long* shape, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_repeat(TH x, long* repeats, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_repeat_interleave(TH x, long repeats, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_flip(TH x, long* dims, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_roll(TH x, long* shifts, long* dims, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_movedim(TH x, long source, long destination);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_slice(TH x, long dim, long start, long end, long step);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_narrow(TH x, long dim, long start, long length);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_select(TH x, long dim, long index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_cat(IntPtr* tensors, int n, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_stack(IntPtr* tensors, int n, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_chunk(TH x, long chunks, long dim, IntPtr* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_split(TH x, long size, long dim, IntPtr* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_split_sizes(TH x, long* sizes, int n, long dim, IntPtr* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_unbind(TH x, long dim, IntPtr* output, int capacity);

    // indexing
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_index_select(TH x, long dim, TH index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_gather(TH x, long dim, TH index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_scatter_add(TH x, long dim, TH index, TH src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_scatter(TH x, long dim, TH index, TH src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_masked_fill(TH x, TH mask, NativeScalar value);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_masked_fill_(TH x, TH mask, NativeScalar value);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_masked_select(TH x, TH mask);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_nonzero(TH x);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_index(TH x, TH index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_index_put_(TH x, TH index, TH values, int accumulate);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_one_hot(TH x, long numClasses);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_topk(TH x, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_sort(TH x, long dim, int descending, int stable, out IntPtr values, out IntPtr indices);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_argsort(TH x, long dim, int descending);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_unique(TH x);

    // nn
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_linear(TH x, TH w, TH b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_conv2d(TH x, TH w, TH b, long* stride, long* padding, long* dilation, long groups);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_conv1d(TH x, TH w, TH b, long stride, long padding, long dilation, long groups);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_conv_transpose2d(TH x, TH w, TH b, long* stride, long* padding, long* outputPadding, long groups, long* dilation);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_batch_norm(TH x, TH weight, TH bias, TH runningMean, TH runningVar, int training, double momentum, double eps);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_layer_norm(TH x, long* shape, int n, TH weight, TH bias, double eps);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_group_norm(TH x, long groups, TH weight, TH bias, double eps);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_softmax(TH x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_log_softmax(TH x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_leaky_relu(TH x, double slope);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_hardtanh(TH x, double min, double max);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_dropout(TH x, double p, int training);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_interpolate(TH x, long outH, long outW, double scaleH, double scaleW, int mode, int alignCorners);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_adaptive_avg_pool2d(TH x, long h, long w);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_adaptive_max_pool2d(TH x, long h, long w);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_max_pool2d(TH x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_avg_pool2d(TH x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_pad(TH x, long* pad, int n, int mode, double value);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_pixel_shuffle(TH x, long factor);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_pixel_unshuffle(TH x, long factor);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_scaled_dot_product_attention(TH q, TH k, TH v, TH mask, double dropout, int causal, double scale, int fused);

    // losses
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_cross_entropy(TH input, TH target, TH weight, int reduction, long ignoreIndex, double labelSmoothing);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_nll_loss(TH input, TH target, TH weight, int reduction, long ignoreIndex);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_smooth_l1_loss(TH input, TH target, int reduction, double beta);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_l1_loss(TH input, TH target, int reduction);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_mse_loss(TH input, TH target, int reduction);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_bce_with_logits(TH input, TH target, TH weight, TH posWeight, int reduction);
    [DllImport(Lib, ExactSpelling = true)] internal static extern TH gd_bce(TH input, TH target, TH weight, int reduction);

    // optimizers
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_adamw_step(TH param, TH expAvg, TH expAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, long step, int maximize);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_sgd_step(TH param, TH buf, double lr, double momentum, double dampening, double weightDecay, int nesterov, int first, int maximize);
}
