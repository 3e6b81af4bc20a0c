// Gathering, scattering, masking, sorting.
#include "common.h"

GD_EXPORT TH gd_index_select(TH x, int64_t dim, TH index) { GD_TENSOR(at::index_select(*x, dim, *index)); }
GD_EXPORT TH gd_gather(TH x, int64_t dim, TH index) { GD_TENSOR(at::gather(*x, dim, *index)); }
GD_EXPORT TH gd_scatter_add(TH x, int64_t dim, TH index, TH src) { GD_TENSOR(at::scatter_add(*x, dim, *index, *src)); }
GD_EXPORT TH gd_scatter(TH x, int64_t dim, TH index, TH src) { GD_TENSOR(at::scatter(*x, dim, *index, *src)); }
GD_EXPORT TH gd_masked_fill(TH x, TH mask, gd_scalar value) { GD_TENSOR(at::masked_fill(*x, *mask, gd::scalar(value))); }
GD_EXPORT int32_t gd_masked_fill_(TH x, TH mask, gd_scalar value) { GD_STATUS(x->masked_fill_(*mask, gd::scalar(value))); }
GD_EXPORT TH gd_masked_select(TH x, TH mask) { GD_TENSOR(at::masked_select(*x, *mask)); }
// Indices of non-zero elements as an (n, dim) int64 tensor.
GD_EXPORT TH gd_nonzero(TH x) { GD_TENSOR(at::nonzero(*x)); }
// x[index] with a bool mask or int64 index tensor on the first dimension.
GD_EXPORT TH gd_index(TH x, TH index) {
  GD_TENSOR(at::index(*x, c10::List<c10::optional<at::Tensor>>({c10::optional<at::Tensor>(*index)})));
}
GD_EXPORT int32_t gd_index_put_(TH x, TH index, TH values, int32_t accumulate) {
  GD_STATUS(x->index_put_(c10::List<c10::optional<at::Tensor>>({c10::optional<at::Tensor>(*index)}), *values, accumulate != 0));
}
GD_EXPORT TH gd_one_hot(TH x, int64_t num_classes) { GD_TENSOR(at::one_hot(*x, num_classes)); }

GD_EXPORT int32_t gd_topk(TH x, int64_t k, int64_t dim, int32_t largest, int32_t sorted, TH* values, TH* indices) {
  GD_STATUS({
    auto r = at::topk(*x, k, dim, largest != 0, sorted != 0);
    *values = gd::wrap(std::get<0>(r));
    *indices = gd::wrap(std::get<1>(r));
  });
}
GD_EXPORT int32_t gd_sort(TH x, int64_t dim, int32_t descending, int32_t stable, TH* values, TH* indices) {
  GD_STATUS({
    auto r = at::sort(*x, c10::optional<bool>(stable != 0), dim, descending != 0);
    *values = gd::wrap(std::get<0>(r));
    *indices = gd::wrap(std::get<1>(r));
  });
}
GD_EXPORT TH gd_argsort(TH x, int64_t dim, int32_t descending) { GD_TENSOR(at::argsort(*x, dim, descending != 0)); }
GD_EXPORT TH gd_unique(TH x) { GD_TENSOR(std::get<0>(at::_unique(*x, true, false))); }
