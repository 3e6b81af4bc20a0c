// Views and layout: reshape/permute/slice and friends, joining and splitting.
#include "common.h"

namespace {

std::vector<at::Tensor> unwrap(const TH* ts, int32_t n) {
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) v.push_back(*ts[i]);
  return v;
}

// Hands a list of results to the caller's slots; returns how many there were.
int32_t emit(const std::vector<at::Tensor>& parts, TH* out, int32_t capacity) {
  TORCH_CHECK(static_cast<int32_t>(parts.size()) <= capacity, "expected at most ", capacity, " parts, got ", parts.size());
  for (size_t i = 0; i < parts.size(); ++i) out[i] = gd::wrap(parts[i]);
  return static_cast<int32_t>(parts.size());
}

}  // namespace

GD_EXPORT TH gd_reshape(TH x, const int64_t* shape, int32_t n) { GD_TENSOR(x->reshape(gd::dims(shape, n))); }
GD_EXPORT TH gd_view(TH x, const int64_t* shape, int32_t n) { GD_TENSOR(x->view(gd::dims(shape, n))); }
GD_EXPORT TH gd_permute(TH x, const int64_t* order, int32_t n) { GD_TENSOR(x->permute(gd::dims(order, n))); }
GD_EXPORT TH gd_transpose(TH x, int64_t a, int64_t b) { GD_TENSOR(x->transpose(a, b)); }
GD_EXPORT TH gd_flatten(TH x, int64_t start, int64_t end) { GD_TENSOR(x->flatten(start, end)); }
GD_EXPORT TH gd_unflatten(TH x, int64_t dim, const int64_t* sizes, int32_t n) { GD_TENSOR(x->unflatten(dim, gd::dims(sizes, n))); }
GD_EXPORT TH gd_squeeze(TH x, int64_t dim, int32_t all) { GD_TENSOR(all ? x->squeeze() : x->squeeze(dim)); }
GD_EXPORT TH gd_unsqueeze(TH x, int64_t dim) { GD_TENSOR(x->unsqueeze(dim)); }
GD_EXPORT TH gd_expand(TH x, const int64_t* shape, int32_t n) { GD_TENSOR(x->expand(gd::dims(shape, n))); }
GD_EXPORT TH gd_repeat(TH x, const int64_t* repeats, int32_t n) { GD_TENSOR(x->repeat(gd::dims(repeats, n))); }
GD_EXPORT TH gd_repeat_interleave(TH x, int64_t repeats, int64_t dim) { GD_TENSOR(x->repeat_interleave(repeats, dim)); }
GD_EXPORT TH gd_flip(TH x, const int64_t* dims, int32_t n) { GD_TENSOR(x->flip(gd::dims(dims, n))); }
GD_EXPORT TH gd_roll(TH x, const int64_t* shifts, const int64_t* dims, int32_t n) {
  GD_TENSOR(at::roll(*x, gd::dims(shifts, n), gd::dims(dims, n)));
}
GD_EXPORT TH gd_movedim(TH x, int64_t src, int64_t dst) { GD_TENSOR(x->movedim(src, dst)); }

// Python-style slice [start:end:step] along dim (end is clamped; INT64_MAX means "to the end").
GD_EXPORT TH gd_slice(TH x, int64_t dim, int64_t start, int64_t end, int64_t step) { GD_TENSOR(x->slice(dim, start, end, step)); }
GD_EXPORT TH gd_narrow(TH x, int64_t dim, int64_t start, int64_t length) { GD_TENSOR(x->narrow(dim, start, length)); }
GD_EXPORT TH gd_select(TH x, int64_t dim, int64_t index) { GD_TENSOR(x->select(dim, index)); }

GD_EXPORT TH gd_cat(const TH* ts, int32_t n, int64_t dim) { GD_TENSOR(at::cat(unwrap(ts, n), dim)); }
GD_EXPORT TH gd_stack(const TH* ts, int32_t n, int64_t dim) { GD_TENSOR(at::stack(unwrap(ts, n), dim)); }

GD_EXPORT int32_t gd_chunk(TH x, int64_t chunks, int64_t dim, TH* out, int32_t capacity) {
  return gd::guard<int32_t>(-1, [&] { return emit(x->chunk(chunks, dim), out, capacity); });
}
GD_EXPORT int32_t gd_split(TH x, int64_t size, int64_t dim, TH* out, int32_t capacity) {
  return gd::guard<int32_t>(-1, [&] { return emit(x->split(size, dim), out, capacity); });
}
GD_EXPORT int32_t gd_split_sizes(TH x, const int64_t* sizes, int32_t n, int64_t dim, TH* out, int32_t capacity) {
  return gd::guard<int32_t>(-1, [&] { return emit(x->split_with_sizes(gd::dims(sizes, n), dim), out, capacity); });
}
GD_EXPORT int32_t gd_unbind(TH x, int64_t dim, TH* out, int32_t capacity) {
  return gd::guard<int32_t>(-1, [&] { return emit(x->unbind(dim), out, capacity); });
}
