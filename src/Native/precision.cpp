// Reduced precision: autocast scopes (bf16 on CPU and CUDA) and int8 dynamically quantized Linear layers.
#include "common.h"
#include "precision.h"
#include <ATen/autocast_mode.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>
#include <algorithm>

// 2.4 replaced the per-device autocast setters (is_cpu_enabled, set_autocast_gpu_dtype, ...) with ones
// taking the device type; the old ones are deprecated there and gone later.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define GD_AUTOCAST_BY_DEVICE 1
#endif

namespace gd {

bool autocast_enabled(at::DeviceType device) {
#ifdef GD_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(device);
#else
  return device == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

at::ScalarType autocast_dtype(at::DeviceType device) {
#ifdef GD_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(device);
#else
  return device == at::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

}  // namespace gd

namespace {

using gd::autocast_dtype;
using gd::autocast_enabled;

struct AutocastScope {
  at::DeviceType device;
  bool was_enabled;
  at::ScalarType previous_dtype;
};

void set_autocast_enabled(at::DeviceType device, bool enabled) {
#ifdef GD_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_enabled(device, enabled);
#else
  if (device == at::kCUDA) at::autocast::set_enabled(enabled);
  else at::autocast::set_cpu_enabled(enabled);
#endif
}

void set_autocast_dtype(at::DeviceType device, at::ScalarType dtype) {
#ifdef GD_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(device, dtype);
#else
  if (device == at::kCUDA) at::autocast::set_autocast_gpu_dtype(dtype);
  else at::autocast::set_autocast_cpu_dtype(dtype);
#endif
}

// The best int8 engine this libtorch has for x86: fbgemm / x86 where built in, else oneDNN (Debian's 1.13).
void choose_quantized_engine() {
  auto& context = at::globalContext();
  const auto& engines = context.supportedQEngines();
  auto has = [&](at::QEngine e) { return std::find(engines.begin(), engines.end(), e) != engines.end(); };
#if TORCH_VERSION_MAJOR >= 2
  for (auto e : {at::QEngine::X86, at::QEngine::FBGEMM, at::QEngine::ONEDNN}) {
#else
  for (auto e : {at::QEngine::FBGEMM, at::QEngine::ONEDNN}) {
#endif
    if (has(e)) {
      if (context.qEngine() != e) context.setQEngine(e);
      return;
    }
  }
  throw std::runtime_error("this libtorch has no x86 int8 engine (neither fbgemm nor oneDNN)");
}

}  // namespace

// Enables autocast to `dtype` for one device type on this thread; the returned scope restores the previous
// state in gd_autocast_exit (same thread, innermost first, like torch.autocast).
GD_EXPORT void* gd_autocast_enter(int32_t device_type, int32_t dtype) {
  return gd::guard<void*>(nullptr, [&]() -> void* {
    auto device = static_cast<at::DeviceType>(device_type);
    if (device != at::kCPU && device != at::kCUDA) throw std::runtime_error("autocast is supported on cpu and cuda only");
    auto scope = new AutocastScope{device, autocast_enabled(device), autocast_dtype(device)};
    set_autocast_dtype(device, gd::dtype(dtype));
    set_autocast_enabled(device, true);
    at::autocast::increment_nesting();
    return scope;
  });
}

GD_EXPORT void gd_autocast_exit(void* handle) {
  auto scope = static_cast<AutocastScope*>(handle);
  // Leaving the outermost scope drops the casts of the weights it cached.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_autocast_enabled(scope->device, scope->was_enabled);
  set_autocast_dtype(scope->device, scope->previous_dtype);
  delete scope;
}

// A Linear layer's weight quantized to int8 (symmetric, one scale per output channel) and packed for the
// engine's int8 GEMM. The result is an opaque heap IValue freed with gd_int8_linear_free.
GD_EXPORT void* gd_int8_linear_pack(TH weight, TH bias) {
  return gd::guard<void*>(nullptr, [&]() -> void* {
    choose_quantized_engine();
    auto w = weight->detach().to(at::kFloat).contiguous();
    auto scales = w.abs().amax({1}).clamp_min(1e-12).div(127.0).to(at::kDouble);
    auto zero_points = at::zeros({w.size(0)}, at::TensorOptions().dtype(at::kLong));
    auto qweight = at::quantize_per_channel(w, scales, zero_points, 0, at::kQInt8);
    static auto prepack = c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_prepack", "");
    std::vector<c10::IValue> stack{qweight, bias ? c10::IValue(bias->detach().to(at::kFloat).contiguous()) : c10::IValue()};
    prepack.callBoxed(&stack);
    return new c10::IValue(std::move(stack.at(0)));
  });
}

GD_EXPORT void gd_int8_linear_free(void* packed) { delete static_cast<c10::IValue*>(packed); }

// y = x Wᵀ + b with x quantized to uint8 per call (its own range) and an int8 GEMM: quantized::linear_dynamic.
GD_EXPORT TH gd_int8_linear(TH input, void* packed) {
  GD_TENSOR(([&]() -> at::Tensor {
    static auto linear = c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_dynamic", "");
    std::vector<c10::IValue> stack{input->to(at::kFloat).contiguous(), *static_cast<c10::IValue*>(packed), c10::IValue(false)};
    linear.callBoxed(&stack);
    return stack.at(0).toTensor();
  }()));
}
