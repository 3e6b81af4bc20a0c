// The autocast state as other shim sources need to read it (precision.cpp owns the scopes that set it).
#pragma once

#include <ATen/ATen.h>

namespace gd {

bool autocast_enabled(at::DeviceType device);
at::ScalarType autocast_dtype(at::DeviceType device);

}  // namespace gd
