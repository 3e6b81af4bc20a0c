// Reduced precision: autocast scopes (bf16 on CPU and CUDA). int8 products are the oneDNN linear's (linear_onednn.h).
#include "common.h"
#include "precision.h"
#include <ATen/autocast_mode.h>

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
