using System.Runtime.InteropServices;

namespace GeoDense.Torch.Native;

/// <summary>The shim's exports (src/Native). All signatures are blittable: tensors cross as raw
/// <c>at::Tensor*</c> (see <see cref="Tensor.Handle"/>); a zero result means failure, with the message in
/// <see cref="gd_last_error"/>. Callers keep the owning <see cref="Tensor"/>s alive across the call
/// (the keep-alive arguments of <see cref="Tensor.Wrap(IntPtr)"/> and <see cref="TorchException.Check(int)"/>).</summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = "geodense_native";

    // errors / runtime
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_last_error();
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_clear_error();
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_noop();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_noop_tensor(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_torch_version();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_manual_seed(ulong seed);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_set_num_threads(int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern long gd_release_cached_cpu_memory();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_get_num_threads();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_cuda_is_available();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_cuda_device_count();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_cuda_synchronize(int deviceIndex);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_set_grad_enabled(int enabled);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_is_grad_enabled();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_inference_mode_enter(int enabled);
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_inference_mode_exit(IntPtr guard);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_is_inference_mode_enabled();

    // reduced precision (precision.cpp) and the per-op profile (profiler.cpp)
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_autocast_enter(int deviceType, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_autocast_exit(IntPtr scope);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_profiler_start();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_profiler_stop();

    // tensor lifetime and metadata
    [DllImport(Lib, ExactSpelling = true)] internal static extern void gd_tensor_free(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_dim(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_shape(IntPtr t, long* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_stride(IntPtr t, long* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern long gd_tensor_numel(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern long gd_tensor_size(IntPtr t, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_dtype(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_device(IntPtr t, out int index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_identity(IntPtr t, out long data, out long version);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_is_contiguous(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_from_data(void* data, long nbytes, long* shape, int ndim, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_copy_to(IntPtr t, void* data, long nbytes);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_new(int kind, long* shape, int ndim, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_full(long* shape, int ndim, NativeScalar value, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_randint(long low, long high, long* shape, int ndim, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_arange(NativeScalar start, NativeScalar end, NativeScalar step, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_linspace(double start, double end, long steps, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_eye(long n, long m, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_randperm(long n, int dtype, int dev, int devi);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_like(IntPtr t, int kind);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_to_dtype(IntPtr t, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_to_device(IntPtr t, int dev, int devi, int nonBlocking);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_clone(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_detach(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_contiguous(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_alias(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_tensor_contiguous_format(IntPtr t, int format);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_is_contiguous_format(IntPtr t, int format);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_assign(IntPtr dst, IntPtr src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_copy_(IntPtr dst, IntPtr src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_fill_(IntPtr t, NativeScalar v);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_zero_(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_uniform_(IntPtr t, double from, double to);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_normal_(IntPtr t, double mean, double std);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_bernoulli_(IntPtr t, double p);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_trunc_normal_(IntPtr t, double mean, double std, double a, double b);

    // autograd
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_requires_grad(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_set_requires_grad(IntPtr t, int on);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_is_leaf(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_retain_grad(IntPtr t);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_grad(IntPtr t, out IntPtr grad);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_set_grad(IntPtr t, IntPtr grad);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_tensor_backward(IntPtr t, IntPtr gradient, int retainGraph, int createGraph);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double normType, out double totalNorm);

    // elementwise, reductions, products
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_unary(IntPtr x, UnaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_unary_(IntPtr x, UnaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_binary(IntPtr a, IntPtr b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_binary_scalar(IntPtr a, NativeScalar b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_binary_(IntPtr a, IntPtr b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_binary_scalar_(IntPtr a, NativeScalar b, BinaryOp op);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_add_scaled(IntPtr a, IntPtr b, NativeScalar alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_add_scaled_(IntPtr a, IntPtr b, NativeScalar alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_clamp(IntPtr x, double min, double max, int hasMin, int hasMax);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_clamp_(IntPtr x, double min, double max, int hasMin, int hasMax);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_where(IntPtr cond, IntPtr a, IntPtr b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_where_scalar(IntPtr cond, IntPtr a, NativeScalar b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_lerp(IntPtr a, IntPtr b, double weight);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_allclose(IntPtr a, IntPtr b, double rtol, double atol);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_reduce(IntPtr x, ReduceOp op, long* dims, int ndims, int keepdim, int unbiased);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_sum_dtype(IntPtr x, int dtype);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_norm(IntPtr x, double ord, long* dims, int ndims, int keepdim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_argmax(IntPtr x, long dim, int keepdim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_argmin(IntPtr x, long dim, int keepdim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_minmax_dim(IntPtr x, long dim, int keepdim, int isMax, out IntPtr values, out IntPtr indices);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_cumsum(IntPtr x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_matmul(IntPtr a, IntPtr b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_bmm(IntPtr a, IntPtr b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_baddbmm(IntPtr c, IntPtr a, IntPtr b, double beta, double alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_addmm(IntPtr c, IntPtr a, IntPtr b, double beta, double alpha);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_einsum(byte* equation, IntPtr* operands, int n);

    // shape
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_reshape(IntPtr x, long* shape, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_view(IntPtr x, long* shape, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_permute(IntPtr x, long* order, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_transpose(IntPtr x, long a, long b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_flatten(IntPtr x, long start, long end);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_unflatten(IntPtr x, long dim, long* sizes, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_squeeze(IntPtr x, long dim, int all);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_unsqueeze(IntPtr x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_expand(IntPtr x, long* shape, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_repeat(IntPtr x, long* repeats, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_repeat_interleave(IntPtr x, long repeats, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_flip(IntPtr x, long* dims, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_roll(IntPtr x, long* shifts, long* dims, int n);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_movedim(IntPtr x, long source, long destination);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_slice(IntPtr x, long dim, long start, long end, long step);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_narrow(IntPtr x, long dim, long start, long length);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_select(IntPtr x, long dim, long index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_cat(IntPtr* tensors, int n, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_stack(IntPtr* tensors, int n, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_chunk(IntPtr x, long chunks, long dim, IntPtr* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_split(IntPtr x, long size, long dim, IntPtr* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_split_sizes(IntPtr x, long* sizes, int n, long dim, IntPtr* output, int capacity);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_unbind(IntPtr x, long dim, IntPtr* output, int capacity);

    // indexing
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_index_select(IntPtr x, long dim, IntPtr index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_gather(IntPtr x, long dim, IntPtr index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_scatter_add(IntPtr x, long dim, IntPtr index, IntPtr src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_scatter(IntPtr x, long dim, IntPtr index, IntPtr src);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_masked_fill(IntPtr x, IntPtr mask, NativeScalar value);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_masked_fill_(IntPtr x, IntPtr mask, NativeScalar value);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_masked_select(IntPtr x, IntPtr mask);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_nonzero(IntPtr x);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_index(IntPtr x, IntPtr index);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_index_put_(IntPtr x, IntPtr index, IntPtr values, int accumulate);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_one_hot(IntPtr x, long numClasses);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_topk(IntPtr x, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_sort(IntPtr x, long dim, int descending, int stable, out IntPtr values, out IntPtr indices);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_argsort(IntPtr x, long dim, int descending);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_unique(IntPtr x);

    // nn
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_linear(IntPtr x, IntPtr w, IntPtr b);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_onednn_linear_available();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_onednn_linear(IntPtr x, IntPtr w, IntPtr b, int gelu, int int8);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_onednn_linear_add_(IntPtr residual, IntPtr x, IntPtr w, IntPtr b, int int8, int geluInput);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_onednn_int8_linear_fast();
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_cpu_has_avx512();
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_onednn_conv2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups, int gelu, int int8, IntPtr residual);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_conv1d(IntPtr x, IntPtr w, IntPtr b, long stride, long padding, long dilation, long groups);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_conv_transpose2d(IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* outputPadding, long groups, long* dilation);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_batch_norm(IntPtr x, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_layer_norm(IntPtr x, long* shape, int n, IntPtr weight, IntPtr bias, double eps);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_group_norm(IntPtr x, long groups, IntPtr weight, IntPtr bias, double eps);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_softmax(IntPtr x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_log_softmax(IntPtr x, long dim);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_leaky_relu(IntPtr x, double slope);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_hardtanh(IntPtr x, double min, double max);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_dropout(IntPtr x, double p, int training);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_interpolate(IntPtr x, long outH, long outW, double scaleH, double scaleW, int mode, int alignCorners);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_adaptive_avg_pool2d(IntPtr x, long h, long w);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_adaptive_max_pool2d(IntPtr x, long h, long w);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_max_pool2d(IntPtr x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_avg_pool2d(IntPtr x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_pad(IntPtr x, long* pad, int n, int mode, double value);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_pixel_shuffle(IntPtr x, long factor);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_pixel_unshuffle(IntPtr x, long factor);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_scaled_dot_product_attention(IntPtr q, IntPtr k, IntPtr v, IntPtr mask, double dropout, int causal, double scale, int fused);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_deform_conv2d(IntPtr x, IntPtr offset, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups, long deformGroups);

    // losses
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_cross_entropy(IntPtr input, IntPtr target, IntPtr weight, int reduction, long ignoreIndex, double labelSmoothing);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_nll_loss(IntPtr input, IntPtr target, IntPtr weight, int reduction, long ignoreIndex);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_smooth_l1_loss(IntPtr input, IntPtr target, int reduction, double beta);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_l1_loss(IntPtr input, IntPtr target, int reduction);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_mse_loss(IntPtr input, IntPtr target, int reduction);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_bce_with_logits(IntPtr input, IntPtr target, IntPtr weight, IntPtr posWeight, int reduction);
    [DllImport(Lib, ExactSpelling = true)] internal static extern IntPtr gd_bce(IntPtr input, IntPtr target, IntPtr weight, int reduction);

    // optimizers
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_adamw_step(IntPtr param, IntPtr expAvg, IntPtr expAvgSq, double lr, double beta1, double beta2, double eps, double weightDecay, long step, int maximize);
    [DllImport(Lib, ExactSpelling = true)] internal static extern int gd_sgd_step(IntPtr param, IntPtr buf, double lr, double momentum, double dampening, double weightDecay, int nesterov, int first, int maximize);
}
