// Shared by every shim source: handle conventions, the one error guard, small converters.
//
// ABI rules (SPEC §4):
//  - a tensor crosses as a heap at::Tensor* (TH); the C# side owns it and frees it with gd_tensor_free;
//  - every export runs its body inside gd::guard, which turns any C++ exception into a thread-local
//    message plus a failure value (nullptr for tensor results, -1 for status results);
//  - scalars are plain doubles/int64s (gd_scalar tags which one); arrays are pointer + count.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>  // c10::NoGradGuard: the one spelling libtorch 1.13 and 2.x share
#include <torch/version.h>
#include <cstdint>
#include <cstring>
#include <string>

#define GD_EXPORT extern "C" __attribute__((visibility("default")))

typedef at::Tensor* TH;

// A number as PyTorch sees it: integral scalars keep integer tensors integral (x + 1 stays int64).
// Two integer-class eightbytes, so both sides agree on how it is passed by value.
struct gd_scalar {
  int64_t bits;  // an int64, or a double's bit pattern
  int32_t kind;  // 0 double, 1 int64, 2 bool
};

namespace gd {

void set_error(const char* message);

// The single exception boundary. Every export's body runs in here.
template <typename R, typename Body>
inline R guard(R failure, Body&& body) noexcept {
  try {
    return body();
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown native error");
  }
  return failure;
}

inline TH wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }

inline at::Scalar scalar(gd_scalar s) {
  switch (s.kind) {
    case 1: return at::Scalar(s.bits);
    case 2: return at::Scalar(s.bits != 0);
    default: {
      double d;
      std::memcpy(&d, &s.bits, sizeof d);
      return at::Scalar(d);
    }
  }
}

inline c10::optional<at::Tensor> opt(TH h) {
  return h ? c10::optional<at::Tensor>(*h) : c10::nullopt;
}

inline at::IntArrayRef dims(const int64_t* data, int32_t n) { return at::IntArrayRef(data, static_cast<size_t>(n)); }

inline at::ScalarType dtype(int32_t code) { return static_cast<at::ScalarType>(code); }

inline at::Device device(int32_t type, int32_t index) {
  return at::Device(static_cast<at::DeviceType>(type), static_cast<c10::DeviceIndex>(index));
}

inline at::TensorOptions options(int32_t dtype_code, int32_t device_type, int32_t device_index) {
  return at::TensorOptions().dtype(dtype(dtype_code)).device(device(device_type, device_index));
}

}  // namespace gd

// Shorthands for the two result shapes.
#define GD_TENSOR(expr) return gd::guard<TH>(nullptr, [&]() -> TH { return gd::wrap(expr); })
#define GD_STATUS(...) return gd::guard<int32_t>(-1, [&]() -> int32_t { __VA_ARGS__; return 0; })
