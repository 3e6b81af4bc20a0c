// Per-op CPU time of everything run on this thread between start and stop (libtorch's legacy profiler,
// which 1.x ships; 2.x moved to Kineto, so there the export reports that it is unavailable).
#include "common.h"
#include <map>
#include <sstream>
#include <vector>
#if TORCH_VERSION_MAJOR < 2
#include <torch/csrc/autograd/profiler_legacy.h>
#endif

namespace {
thread_local std::string profile_table;
}

GD_EXPORT int32_t gd_profiler_start() {
  return gd::guard<int32_t>(-1, []() -> int32_t {
#if TORCH_VERSION_MAJOR < 2
    using namespace torch::profiler::impl;
    torch::autograd::profiler::enableProfilerLegacy(ProfilerConfig(ProfilerState::CPU));
    return 0;
#else
    throw std::runtime_error("the per-op profile uses libtorch 1.x's legacy profiler; this shim is built against " TORCH_VERSION);
#endif
  });
}

// Stops the profiler and returns "name<TAB>calls<TAB>self_us<TAB>total_us" lines (self time excludes the
// ops an op called). The text stays valid until the next call on this thread.
GD_EXPORT const char* gd_profiler_stop() {
  return gd::guard<const char*>(nullptr, [&]() -> const char* {
#if TORCH_VERSION_MAJOR < 2
    struct Totals { int64_t calls = 0; double self = 0, total = 0; };
    struct Open { const torch::autograd::profiler::LegacyEvent* push; double children; };
    std::map<std::string, Totals> by_name;
    auto lists = torch::autograd::profiler::disableProfilerLegacy();
    for (const auto& events : lists) {
      std::vector<Open> stack;
      for (const auto& e : events) {
        using torch::autograd::profiler::EventKind;
        if (e.kind() == EventKind::PushRange) {
          stack.push_back({&e, 0.0});
        } else if (e.kind() == EventKind::PopRange && !stack.empty()) {
          auto open = stack.back();
          stack.pop_back();
          double elapsed = open.push->cpuElapsedUs(e);
          auto& t = by_name[open.push->name()];
          t.calls++;
          t.total += elapsed;
          t.self += elapsed - open.children;
          if (!stack.empty()) stack.back().children += elapsed;
        }
      }
    }
    std::ostringstream out;
    for (const auto& [name, t] : by_name) out << name << '\t' << t.calls << '\t' << t.self << '\t' << t.total << '\n';
    profile_table = out.str();
    return profile_table.c_str();
#else
    throw std::runtime_error("the per-op profile uses libtorch 1.x's legacy profiler; this shim is built against " TORCH_VERSION);
#endif
  });
}
