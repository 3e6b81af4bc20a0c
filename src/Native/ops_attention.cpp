// Scaled dot-product attention: an explicit-math path that works everywhere, and the fused op
// where the libtorch has one (public in 2.x; private, without `scale`, in 1.13).
#include "common.h"
#include "attention_onednn.h"

namespace {

// softmax(q k^T * scale + mask) v; a bool mask marks the positions that may be attended.
at::Tensor attention_math(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const c10::optional<at::Tensor>& mask,
                          double dropout, bool causal, double scale, bool training) {
  auto scores = at::matmul(q, k.transpose(-2, -1)).mul_(scale);
  if (causal) {
    auto keep = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
    scores.masked_fill_(keep.logical_not(), -std::numeric_limits<double>::infinity());
  }
  if (mask && mask->defined()) {
    if (mask->scalar_type() == at::kBool)
      scores.masked_fill_(mask->logical_not(), -std::numeric_limits<double>::infinity());
    else
      scores.add_(*mask);
  }
  auto weights = at::softmax(scores, -1);
  if (dropout > 0 && training) weights = at::dropout(weights, dropout, true);
  return at::matmul(weights, v);
}

}  // namespace

// scale <= 0 means head_dim^-0.5. fused: 0 explicit math, 1 the library's fused op when available.
GD_EXPORT TH gd_scaled_dot_product_attention(TH q, TH k, TH v, TH mask, double dropout, int32_t causal, double scale, int32_t fused) {
  GD_TENSOR(([&]() -> at::Tensor {
    double head_scale = 1.0 / std::sqrt(static_cast<double>(q->size(-1)));
    double s = scale > 0 ? scale : head_scale;
    bool training = dropout > 0;
    if (!fused) return attention_math(*q, *k, *v, gd::opt(mask), dropout, causal != 0, s, training);
    bool has_mask = mask != nullptr && mask->defined();
    if (gd::onednn_attention_applies(*q, *k, *v, has_mask, dropout, causal != 0)) return gd::onednn_attention(*q, *k, *v, s);
#if TORCH_VERSION_MAJOR >= 2 && (TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 1)
    return at::scaled_dot_product_attention(*q, *k, *v, gd::opt(mask), dropout, causal != 0, c10::optional<double>(s));
#else
    // No `scale` argument: the op always uses head_dim^-0.5, so fold the ratio into q.
    auto query = (s == head_scale) ? *q : at::mul(*q, s / head_scale);
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(query, *k, *v, gd::opt(mask), dropout, causal != 0);
#else
    return std::get<0>(at::_scaled_dot_product_attention(query, *k, *v, gd::opt(mask), dropout, false, causal != 0));
#endif
#endif
  }()));
}
