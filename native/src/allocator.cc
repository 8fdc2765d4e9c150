// A caching CPU allocator for tensor data.
//
// Why: glibc serves mid-size tensor buffers from the same heap as the many small objects that
// live alongside them (tensor wrappers, autograd nodes, N-API references). A freed 64 KB buffer is
// soon split by a small allocation, the next buffer of the same size no longer fits in the hole,
// and the heap grows by roughly one buffer per training step until a garbage collection frees the
// small objects (measured: +30 KB RSS per create/dispose of a 64 KB tensor in a loop that never
// yields). Buffers of at least kMinCached bytes are therefore mapped directly from the OS, in size
// classes, and freed blocks are kept in per-class free lists for reuse (which also spares the
// page faults of fresh mappings), up to a cache limit beyond which they are unmapped.
// Smaller buffers go to libtorch's default allocator.
#include "clab.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace clab {
namespace {

constexpr size_t kMinCached = 16 * 1024;
constexpr size_t kPage = 4096;

size_t SizeClass(size_t n) {
  size_t rounded = (n + kPage - 1) & ~(kPage - 1);
  if (rounded <= 256 * 1024) return rounded;
  // Above 256 KB, classes are 1/8 of the next power of two apart: at most 12.5 % waste, and
  // slightly different sizes (e.g. the last batch of an epoch) share blocks.
  size_t p = 1;
  while (p < rounded) p <<= 1;
  size_t step = p / 8;
  return (rounded + step - 1) / step * step;
}

class CachingCPUAllocator final : public c10::Allocator {
 public:
  explicit CachingCPUAllocator(c10::Allocator* fallback, size_t limit) : fallback_(fallback), limit_(limit) {}

  c10::DataPtr allocate(size_t n) const override {
    if (n < kMinCached) return fallback_->allocate(n);
    size_t cls = SizeClass(n);
    void* p = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(cls);
      if (it != free_.end() && !it->second.empty()) {
        p = it->second.back();
        it->second.pop_back();
        cached_ -= cls;
      }
    }
    if (p == nullptr) {
      p = mmap(nullptr, cls, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      TORCH_CHECK(p != MAP_FAILED, "clab allocator: can't allocate memory: you tried to allocate ", n, " bytes");
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      sizes_[p] = cls;
      inUse_ += cls;
      if (inUse_ > peak_) peak_ = inUse_;
    }
    return {p, p, &Release, c10::Device(c10::DeviceType::CPU)};
  }

  // raw_allocate/raw_deallocate (used by oneDNN for scratch buffers) need a raw deleter; it must
  // also accept small buffers that came from the fallback allocator.
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }

  static void Release(void* p) { instance_->Free(p); }

  void Free(void* p) const {
    size_t cls;
    bool keep;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sizes_.find(p);
      if (it == sizes_.end()) {
        c10::DeleterFnPtr fallbackDeleter = fallback_->raw_deleter();
        mu_.unlock();
        fallbackDeleter(p);
        mu_.lock();
        return;
      }
      cls = it->second;
      sizes_.erase(it);
      inUse_ -= cls;
      keep = cached_ + cls <= limit_;
      if (keep) {
        free_[cls].push_back(p);
        cached_ += cls;
      }
    }
    if (!keep) munmap(p, cls);
  }

  void EmptyCache() const {
    std::unordered_map<size_t, std::vector<void*>> blocks;
    {
      std::lock_guard<std::mutex> lock(mu_);
      blocks.swap(free_);
      cached_ = 0;
    }
    for (auto& [cls, list] : blocks)
      for (void* p : list) munmap(p, cls);
  }

  struct Snapshot {
    size_t inUse, cached, peak;
  };
  Snapshot Stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return {inUse_, cached_, peak_};
  }

  // Starts a new high-water mark at the bytes in use now (as torch.cuda.reset_peak_memory_stats).
  void ResetPeak() const {
    std::lock_guard<std::mutex> lock(mu_);
    peak_ = inUse_;
  }

  static CachingCPUAllocator* instance_;

 private:
  c10::Allocator* fallback_;
  size_t limit_;
  mutable std::mutex mu_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;
  mutable std::unordered_map<void*, size_t> sizes_;
  mutable size_t cached_ = 0;
  mutable size_t inUse_ = 0;
  mutable size_t peak_ = 0;  // high-water mark of inUse_ since the last ResetPeak
};

CachingCPUAllocator* CachingCPUAllocator::instance_ = nullptr;

}  // namespace

void InitAllocator(Napi::Env env, Napi::Object exports) {
  if (CachingCPUAllocator::instance_ == nullptr) {
    // CLAB_ALLOCATOR_CACHE_MB bounds the memory kept for reuse (default 1024 MB; 0 disables caching).
    size_t limitMb = 1024;
    if (const char* s = std::getenv("CLAB_ALLOCATOR_CACHE_MB")) limitMb = std::strtoull(s, nullptr, 10);
    CachingCPUAllocator::instance_ = new CachingCPUAllocator(c10::GetDefaultCPUAllocator(), limitMb << 20);
    c10::SetCPUAllocator(CachingCPUAllocator::instance_, /*priority=*/1);
  }
  exports.Set("allocatorStats", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto st = CachingCPUAllocator::instance_->Stats();
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("inUseBytes", Napi::Number::New(info.Env(), static_cast<double>(st.inUse)));
    o.Set("cachedBytes", Napi::Number::New(info.Env(), static_cast<double>(st.cached)));
    o.Set("peakInUseBytes", Napi::Number::New(info.Env(), static_cast<double>(st.peak)));
    return o;
  }));
  exports.Set("resetPeakMemory", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    CachingCPUAllocator::instance_->ResetPeak();
    return info.Env().Undefined();
  }));
  exports.Set("emptyCache", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    CachingCPUAllocator::instance_->EmptyCache();
    return info.Env().Undefined();
  }));
}

}  // namespace clab
