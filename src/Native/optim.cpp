// Optimizer update rules: one native call per parameter, all math as in-place ATen ops
// under no_grad, matching torch.optim (single-tensor, non-amsgrad paths). Each returns 1 when it
// stepped, 0 when the parameter has no gradient (skipped, as PyTorch does), -1 on error.
#include "common.h"

// torch.optim.AdamW: decoupled weight decay, bias-corrected moments. `step` is this update's
// 1-based count for the parameter.
GD_EXPORT int32_t gd_adamw_step(TH param, TH exp_avg, TH exp_avg_sq, double lr, double beta1, double beta2, double eps,
                                double weight_decay, int64_t step, int32_t maximize) {
  return gd::guard<int32_t>(-1, [&]() -> int32_t {
    const at::Tensor& grad = param->grad();
    if (!grad.defined()) return 0;
    c10::NoGradGuard no_grad;
    const at::Tensor g = maximize ? grad.neg() : grad;
    if (weight_decay != 0) param->mul_(1 - lr * weight_decay);
    exp_avg->lerp_(g, 1 - beta1);
    exp_avg_sq->mul_(beta2).addcmul_(g, g, 1 - beta2);
    double bias1 = 1 - std::pow(beta1, static_cast<double>(step));
    double bias2 = 1 - std::pow(beta2, static_cast<double>(step));
    auto denom = (exp_avg_sq->sqrt() / std::sqrt(bias2)).add_(eps);
    param->addcdiv_(*exp_avg, denom, -lr / bias1);
    return 1;
  });
}

// torch.optim.SGD with momentum/dampening/nesterov and L2 weight decay. `buf` may be nullptr
// (no momentum); `first` says the buffer has no history yet (it is then set to the gradient).
GD_EXPORT int32_t gd_sgd_step(TH param, TH buf, double lr, double momentum, double dampening, double weight_decay,
                              int32_t nesterov, int32_t first, int32_t maximize) {
  return gd::guard<int32_t>(-1, [&]() -> int32_t {
    const at::Tensor& grad = param->grad();
    if (!grad.defined()) return 0;
    c10::NoGradGuard no_grad;
    at::Tensor d = maximize ? grad.neg() : grad;
    if (weight_decay != 0) d = d.add(*param, weight_decay);
    if (momentum != 0 && buf) {
      if (first)
        buf->copy_(d);
      else
        buf->mul_(momentum).add_(d, 1 - dampening);
      d = nesterov ? d.add(*buf, momentum) : *buf;
    }
    param->add_(d, -lr);
    return 1;
  });
}
