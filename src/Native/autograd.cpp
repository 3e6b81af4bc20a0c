// Autograd basics: leaves, gradients, backward, gradient clipping.
#include "common.h"

GD_EXPORT int32_t gd_tensor_requires_grad(TH t) { return gd::guard<int32_t>(-1, [&] { return t->requires_grad() ? 1 : 0; }); }
GD_EXPORT int32_t gd_tensor_set_requires_grad(TH t, int32_t on) { GD_STATUS(t->requires_grad_(on != 0)); }
GD_EXPORT int32_t gd_tensor_is_leaf(TH t) { return gd::guard<int32_t>(-1, [&] { return t->is_leaf() ? 1 : 0; }); }
GD_EXPORT int32_t gd_tensor_retain_grad(TH t) { GD_STATUS(t->retain_grad()); }

// Writes a new handle to the gradient, or nullptr when there is none yet. Returns 0 / -1.
GD_EXPORT int32_t gd_tensor_grad(TH t, TH* out) {
  GD_STATUS({
    const auto& g = t->grad();
    *out = g.defined() ? gd::wrap(g) : nullptr;
  });
}

// Sets the gradient (nullptr clears it, like `p.grad = None`).
GD_EXPORT int32_t gd_tensor_set_grad(TH t, TH grad) {
  GD_STATUS(t->mutable_grad() = grad ? *grad : at::Tensor());
}

GD_EXPORT int32_t gd_tensor_backward(TH t, TH gradient, int32_t retain_graph, int32_t create_graph) {
  GD_STATUS({
    c10::optional<bool> retain = retain_graph < 0 ? c10::nullopt : c10::optional<bool>(retain_graph != 0);
    t->backward(gradient ? *gradient : at::Tensor(), retain, create_graph != 0);
  });
}

// Scales all gradients so their joint norm is at most max_norm; writes the norm before clipping.
GD_EXPORT int32_t gd_clip_grad_norm(const TH* params, int32_t n, double max_norm, double norm_type, double* total_norm) {
  GD_STATUS({
    c10::NoGradGuard g;
    std::vector<at::Tensor> norms;
    for (int32_t i = 0; i < n; ++i) {
      const auto& grad = params[i]->grad();
      if (grad.defined()) norms.push_back(at::linalg_vector_norm(grad, norm_type));
    }
    if (norms.empty()) {
      *total_norm = 0;
      return 0;
    }
    at::Tensor total = std::isinf(norm_type) ? at::stack(norms).max() : at::linalg_vector_norm(at::stack(norms), norm_type);
    *total_norm = total.item<double>();
    double coef = max_norm / (*total_norm + 1e-6);
    if (coef < 1.0) {
      for (int32_t i = 0; i < n; ++i) {
        auto& grad = params[i]->mutable_grad();
        if (grad.defined()) grad.mul_(coef);
      }
    }
  });
}
