// The CPU allocator for tensors: large blocks are reused instead of being returned to the kernel.
//
// Why: glibc serves every allocation above 32 MB (its largest mmap threshold) with fresh mmap pages and unmaps
// them on free, and trims freed smaller ones back to the kernel too, so each one page-faults all of its memory
// again. A LeMeViT batch creates 10-170 MB activations dozens of times per forward; on our VMs a oneDNN matmul
// writing a fresh 77 MB output ran at 22 GFLOP/s against 320 GFLOP/s into a reused one, and the whole model ran
// at a third of its speed (docs/benchmarks.md, "Allocator"). Here a freed large block waits in a cache (at most
// kCacheBytes in all, oldest evicted first) and is handed back for the next request it fits best (its size up
// to 1.5x the request's), which a model with fixed shapes makes every batch. Small blocks go to c10's own
// allocation as before. The cost is resident memory: up to kCacheBytes of freed blocks stay mapped.
#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include "common.h"

#include <cstddef>
#include <cstring>
#include <list>
#include <mutex>
#include <unordered_map>

namespace {

// From 128 KB (glibc's initial mmap threshold): glibc also returns freed mid-size blocks to the kernel (mmap,
// heap trimming, per-thread arenas). From 1 MB, a bf16 forward no longer re-faulted its 10-30 MB activations (4-8x
// the matmul's cost), but a 786 KB output of a small linear still did on most passes: 3 ms instead of 0.3
// (docs/benchmarks.md, "fifth session").
constexpr size_t kLargeBytes = size_t{128} << 10;
constexpr size_t kCacheBytes = size_t{1024} << 20;  // freed large blocks kept at most (resident memory)

// c10's interface changed in 2.x: `allocate` lost its const (2.3) and `copy_data` became pure virtual. Both
// spellings are declared without `override`, so whichever the libtorch's base class has is overridden.
class ReusingCpuAllocator final : public c10::Allocator {
 public:
  c10::DataPtr allocate(size_t bytes) const { return allocate_block(bytes); }
  c10::DataPtr allocate(size_t bytes) { return allocate_block(bytes); }
  void copy_data(void* dest, const void* src, std::size_t count) const { std::memcpy(dest, src, count); }

  c10::DeleterFnPtr raw_deleter() const override { return &release; }

 private:
  struct Free { void* data; size_t bytes; };
  struct State {
    std::mutex mutex;
    std::unordered_map<void*, size_t> large_in_use;  // large block -> its size
    std::list<Free> cache;                           // freed large blocks, oldest first
    size_t cached_bytes = 0;
  };

  static c10::DataPtr allocate_block(size_t bytes) {
    void* data = bytes >= kLargeBytes ? take_large(bytes) : c10::alloc_cpu(bytes);
    return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
  }

  // Never destroyed: tensors may be freed during static destruction at exit.
  static State& state() {
    static State* s = new State();
    return *s;
  }

  static void* take_large(size_t bytes) {
    auto& s = state();
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      // Best fit among blocks of 1-1.5x the size; among equals the newest, still warm in the CPU's caches.
      auto best = s.cache.end();
      for (auto it = s.cache.begin(); it != s.cache.end(); ++it)
        if (it->bytes >= bytes && it->bytes <= bytes + bytes / 2 && (best == s.cache.end() || it->bytes <= best->bytes)) best = it;
      if (best != s.cache.end()) {
        void* data = best->data;
        s.cached_bytes -= best->bytes;
        s.large_in_use.emplace(data, best->bytes);
        s.cache.erase(best);
        return data;
      }
    }
    void* data = c10::alloc_cpu(bytes);
    std::lock_guard<std::mutex> lock(s.mutex);
    s.large_in_use.emplace(data, bytes);
    return data;
  }

 public:
  static size_t release_cache() {
    auto& s = state();
    std::list<Free> cached;
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      cached.swap(s.cache);
      s.cached_bytes = 0;
    }
    size_t bytes = 0;
    for (auto& block : cached) {
      bytes += block.bytes;
      c10::free_cpu(block.data);
    }
    return bytes;
  }

 private:
  static void release(void* data) {
    if (data == nullptr) return;
    auto& s = state();
    std::list<Free> evicted;
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      auto it = s.large_in_use.find(data);
      if (it != s.large_in_use.end()) {
        size_t bytes = it->second;
        s.large_in_use.erase(it);
        s.cache.push_back({data, bytes});
        s.cached_bytes += bytes;
        while (s.cached_bytes > kCacheBytes) {
          s.cached_bytes -= s.cache.front().bytes;
          evicted.splice(evicted.end(), s.cache, s.cache.begin());
        }
        data = nullptr;
      }
    }
    if (data != nullptr) c10::free_cpu(data);
    for (auto& block : evicted) c10::free_cpu(block.data);
  }
};

}  // namespace

// Frees every cached block (e.g. when a job's inference is over and its outputs are written); returns the bytes freed.
GD_EXPORT int64_t gd_release_cached_cpu_memory() { return static_cast<int64_t>(ReusingCpuAllocator::release_cache()); }

namespace {

// Installed when the shim loads, before any tensor exists. Priority above c10's default (0) so that a later
// default registration cannot replace it. Never destroyed: tensors may outlive static destruction order.
struct Install {
  Install() { c10::SetCPUAllocator(new ReusingCpuAllocator(), /*priority=*/1); }
} install;

}  // namespace
