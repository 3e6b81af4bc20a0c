// Losses. reduction: 0 none, 1 mean, 2 sum (= at::Reduction).
#include "common.h"

// Class-index targets (int64, may hold ignore_index) or class-probability targets (float).
GD_EXPORT TH gd_cross_entropy(TH input, TH target, TH weight, int32_t reduction, int64_t ignore_index, double label_smoothing) {
  GD_TENSOR(at::cross_entropy_loss(*input, *target, gd::opt(weight), reduction, ignore_index, label_smoothing));
}
GD_EXPORT TH gd_nll_loss(TH input, TH target, TH weight, int32_t reduction, int64_t ignore_index) {
  GD_TENSOR(at::nll_loss_nd(*input, *target, gd::opt(weight), reduction, ignore_index));
}
GD_EXPORT TH gd_smooth_l1_loss(TH input, TH target, int32_t reduction, double beta) {
  GD_TENSOR(at::smooth_l1_loss(*input, *target, reduction, beta));
}
GD_EXPORT TH gd_l1_loss(TH input, TH target, int32_t reduction) { GD_TENSOR(at::l1_loss(*input, *target, reduction)); }
GD_EXPORT TH gd_mse_loss(TH input, TH target, int32_t reduction) { GD_TENSOR(at::mse_loss(*input, *target, reduction)); }
GD_EXPORT TH gd_bce_with_logits(TH input, TH target, TH weight, TH pos_weight, int32_t reduction) {
  GD_TENSOR(at::binary_cross_entropy_with_logits(*input, *target, gd::opt(weight), gd::opt(pos_weight), reduction));
}
GD_EXPORT TH gd_bce(TH input, TH target, TH weight, int32_t reduction) {
  GD_TENSOR(at::binary_cross_entropy(*input, *target, gd::opt(weight), reduction));
}
