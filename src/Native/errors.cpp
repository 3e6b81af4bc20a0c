// Thread-local last error: set by gd::guard, read by C# right after a failed call.
#include "common.h"

namespace {
thread_local std::string last_error;
}

void gd::set_error(const char* message) { last_error = message ? message : ""; }

GD_EXPORT const char* gd_last_error() { return last_error.c_str(); }

GD_EXPORT void gd_clear_error() { last_error.clear(); }
