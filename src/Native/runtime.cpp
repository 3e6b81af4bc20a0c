// Process and thread state: seeds, thread pools, grad/inference modes, CUDA presence.
#include "common.h"
#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <c10/core/GradMode.h>
#include <c10/core/InferenceMode.h>

// Does nothing: the benchmark's baseline for the cost of one P/Invoke.
GD_EXPORT void gd_noop() {}
GD_EXPORT TH gd_noop_tensor(TH t) { return t; }

GD_EXPORT const char* gd_torch_version() { return TORCH_VERSION; }

GD_EXPORT int32_t gd_manual_seed(uint64_t seed) {
  GD_STATUS({
    auto cpu = at::detail::getDefaultCPUGenerator();
    {
      std::lock_guard<std::mutex> lock(cpu.mutex());
      cpu.set_current_seed(seed);
    }
    // Same API torch::manual_seed uses, stable from 1.13 through 2.x.
    const auto gpus = static_cast<int>(torch::cuda::device_count());
    for (int i = 0; i < gpus; ++i) {
      auto gen = at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(i)));
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(seed);
    }
  });
}

GD_EXPORT int32_t gd_set_num_threads(int32_t n) { GD_STATUS(at::set_num_threads(n)); }
GD_EXPORT int32_t gd_get_num_threads() { return gd::guard<int32_t>(-1, [] { return at::get_num_threads(); }); }

GD_EXPORT int32_t gd_cuda_is_available() {
  return gd::guard<int32_t>(0, [] { return torch::cuda::is_available() ? 1 : 0; });
}
// Waits for the device's queued kernels (timing needs it: CUDA launches return before the work is done).
GD_EXPORT int32_t gd_cuda_synchronize(int32_t device_index) { GD_STATUS(torch::cuda::synchronize(device_index)); }
GD_EXPORT int32_t gd_cuda_device_count() {
  return gd::guard<int32_t>(0, [] { return static_cast<int32_t>(torch::cuda::device_count()); });
}

// Grad mode is thread-local; returns the previous setting so C# can restore it.
GD_EXPORT int32_t gd_set_grad_enabled(int32_t enabled) {
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}
GD_EXPORT int32_t gd_is_grad_enabled() { return c10::GradMode::is_enabled() ? 1 : 0; }

// InferenceMode is an RAII guard; it lives on the heap between enter and exit (same thread, LIFO).
GD_EXPORT void* gd_inference_mode_enter(int32_t enabled) {
  return gd::guard<void*>(nullptr, [&]() -> void* { return new c10::InferenceMode(enabled != 0); });
}
GD_EXPORT void gd_inference_mode_exit(void* guard) { delete static_cast<c10::InferenceMode*>(guard); }
GD_EXPORT int32_t gd_is_inference_mode_enabled() { return c10::InferenceMode::is_enabled() ? 1 : 0; }
