// The process group of data-parallel training (issue 13): libtorch's own c10d ProcessGroupGloo,
// reached over a TCPStore rendezvous as torchrun sets it up (rank 0 serves the store at
// MASTER_ADDR:MASTER_PORT; every rank connects to it, then Gloo connects every pair of ranks).
//
// Why synchronous: every call blocks the JavaScript thread until the collective is done. The
// trainer is synchronous (forward, backward, optimizer step are synchronous engine calls, and a
// rank has nothing to do until its peers' contribution arrives); the differentiable collectives
// run inside autograd's backward, which is itself a synchronous call. Asynchronous work would only
// add a promise per collective. Each call is bounded by the group's timeout (Gloo's own per
// operation, plus a backstop on the wait), and every failure — a peer that closed its
// connections, a timeout, a rendezvous that never completes — is a C++ exception that the entry
// points turn into a JavaScript exception (never an abort).
#include "process_group.h"

#include "clab.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <algorithm>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace clab {

namespace {

// The backstop on waiting for a collective beyond Gloo's own timeout (which should fire first).
constexpr std::chrono::milliseconds kWaitSlack{5000};

bool IsLoopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

std::string MessageOf(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

// One line: libtorch's messages may carry newlines (context, hints).
std::string OneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

int64_t NBytes(const at::Tensor& t) { return t.numel() * static_cast<int64_t>(t.element_size()); }

// What one rank is about to do, exchanged before every collective. Gloo trusts that every rank
// passes buffers of the same size: a rank that receives more bytes than it expects fails an
// enforce in Gloo's network thread, which ends the process (std::terminate). Comparing a
// fixed-size signature first turns a mismatch (another shape, dtype, collective or root) into the
// same exception on every rank, and the group stays usable.
constexpr int kSigLen = 11;
enum : int64_t { kOpAllReduce = 1, kOpAllGather, kOpBroadcast, kOpBarrier };

std::vector<int64_t> Signature(int64_t op, const std::vector<at::Tensor>& ts, int64_t extra) {
  std::vector<int64_t> sig(kSigLen, 0);
  sig[0] = op;
  sig[1] = ts.empty() ? -1 : static_cast<int64_t>(ts[0].scalar_type());
  sig[2] = static_cast<int64_t>(ts.size());
  uint64_t hash = 1469598103934665603ULL;  // FNV-1a over every tensor's dtype and sizes
  int64_t numel = 0;
  for (const auto& t : ts) {
    numel += t.numel();
    hash = (hash ^ static_cast<uint64_t>(t.scalar_type())) * 1099511628211ULL;
    for (int64_t d : t.sizes()) hash = (hash ^ static_cast<uint64_t>(d)) * 1099511628211ULL;
    hash = (hash ^ 0xffULL) * 1099511628211ULL;
  }
  sig[3] = numel;
  sig[4] = static_cast<int64_t>(hash >> 1);
  sig[5] = extra;
  if (!ts.empty()) {
    sig[6] = ts[0].dim();
    for (int64_t d = 0; d < std::min<int64_t>(4, ts[0].dim()); d++) sig[7 + d] = ts[0].size(d);
  }
  return sig;
}

std::string Describe(const int64_t* sig) {
  static const char* names[] = {"?", "allReduce", "allGather", "broadcast", "barrier"};
  std::string s = sig[0] >= 1 && sig[0] <= 4 ? names[sig[0]] : "?";
  if (sig[0] == kOpBarrier) return s;
  if (sig[2] != 1) s += " of " + std::to_string(sig[2]) + " tensors (" + std::to_string(sig[3]) + " elements), first";
  s += std::string(" ") + (sig[1] >= 0 ? DtypeName(static_cast<at::ScalarType>(sig[1])) : "none") + " [";
  for (int64_t d = 0; d < sig[6]; d++) {
    if (d > 0) s += ", ";
    s += d < 4 ? std::to_string(sig[7 + d]) : "…";
  }
  s += "]";
  if (sig[0] == kOpBroadcast) s += " from rank " + std::to_string(sig[5]);
  return s;
}

}  // namespace

struct Group::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
  mutable std::mutex mu;
  std::string broken;
  bool destroyed = false;

  void Check(const char* what) const {
    std::lock_guard<std::mutex> lock(mu);
    if (destroyed) throw std::runtime_error(std::string(what) + ": the process group was destroyed");
    if (!broken.empty())
      throw std::runtime_error(std::string(what) + ": the process group is broken by an earlier error: " + broken);
  }

  // Starts a collective and waits for it; any failure breaks the group and is rethrown as one line.
  void Run(const char* what, std::chrono::milliseconds timeout, const std::function<c10::intrusive_ptr<c10d::Work>()>& start) {
    Check(what);
    try {
      auto work = start();
      work->wait(timeout + kWaitSlack);
    } catch (const std::exception& e) {
      Fail(what, MessageOf(e));
    } catch (...) {
      Fail(what, "unknown C++ exception");
    }
  }

  // Exchanges the signatures of what every rank is about to do; throws on every rank alike when
  // they differ (the group stays usable).
  void Agree(const char* what, std::chrono::milliseconds timeout, int size, const std::vector<int64_t>& sig) {
    std::vector<at::Tensor> in{at::tensor(sig, at::kLong)};
    std::vector<std::vector<at::Tensor>> out(1);
    for (int r = 0; r < size; r++) out[0].push_back(at::empty({kSigLen}, at::kLong));
    Run(what, timeout, [&] { return pg->allgather(out, in); });
    for (int r = 0; r < size; r++) {
      const int64_t* theirs = out[0][r].data_ptr<int64_t>();
      if (std::equal(sig.begin(), sig.end(), theirs)) continue;
      std::string msg = std::string(what) + ": the ranks called different collectives or shapes:";
      for (int q = 0; q < size; q++) msg += std::string(q == 0 ? " " : "; ") + "rank " + std::to_string(q) + " " + Describe(out[0][q].data_ptr<int64_t>());
      throw std::invalid_argument(msg);
    }
  }

  [[noreturn]] void Fail(const char* what, const std::string& detail) {
    const std::string message = std::string(what) + ": " + OneLine(detail);
    {
      std::lock_guard<std::mutex> lock(mu);
      if (broken.empty()) broken = message;
    }
    throw std::runtime_error(message);
  }
};

Group::Group(const GroupOptions& o) : impl_(std::make_unique<Impl>()), rank_(o.rank), size_(o.worldSize), timeout_(o.timeout) {
  if (o.worldSize < 1) throw std::invalid_argument("worldSize must be >= 1");
  if (o.rank < 0 || o.rank >= o.worldSize)
    throw std::invalid_argument("rank must be in [0, worldSize), got " + std::to_string(o.rank));
  if (o.masterPort < 1 || o.masterPort > 65535)
    throw std::invalid_argument("masterPort must be in 1..65535, got " + std::to_string(o.masterPort));
  const std::string where = o.masterAddr + ":" + std::to_string(o.masterPort);
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.masterPort);
    so.isServer = o.rank == 0;
    so.numWorkers = static_cast<std::size_t>(o.worldSize);
    // The server does not block until every worker has connected: the rendezvous below waits for
    // the ranks with the same timeout and says which step failed.
    so.waitWorkers = false;
    so.timeout = o.timeout;
    impl_->store = c10::make_intrusive<c10d::TCPStore>(o.masterAddr, so);
  } catch (const std::exception& e) {
    throw std::runtime_error((o.rank == 0 ? "cannot serve the rendezvous store at " : "cannot reach the master at ") +
                             where + ": " + OneLine(MessageOf(e)));
  }
  try {
    auto opts = c10d::ProcessGroupGloo::Options::create(o.timeout);
    if (!o.iface.empty())
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(o.iface));
    else if (!o.hostname.empty())
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(o.hostname));
    else if (IsLoopback(o.masterAddr))
      opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    // Collectives are issued and waited for one at a time: one worker thread is enough.
    opts->threads = 1;
    impl_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, o.rank, o.worldSize, opts);
  } catch (const std::exception& e) {
    impl_->store.reset();
    throw std::runtime_error("rendezvous of " + std::to_string(o.worldSize) + " ranks at " + where +
                             " failed (did every rank start, with the same WORLD_SIZE?): " + OneLine(MessageOf(e)));
  }
}

Group::~Group() {
  try {
    Destroy();
  } catch (...) {
  }
}

bool Group::destroyed() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->destroyed;
}

std::string Group::broken() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->broken;
}

void Group::Destroy() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (impl_->destroyed) return;
  impl_->destroyed = true;
  if (!impl_->broken.empty()) {
    // ~ProcessGroupGloo waits for its work queue to drain and joins its thread, which may still sit
    // in the failed collective until Gloo's timeout: released without waiting (the process is
    // about to report the error and exit).
    new c10::intrusive_ptr<c10d::ProcessGroupGloo>(std::move(impl_->pg));
    new c10::intrusive_ptr<c10d::TCPStore>(std::move(impl_->store));
    return;
  }
  impl_->pg.reset();
  impl_->store.reset();
}

void Group::AllReduce(std::vector<at::Tensor>& tensors, Reduce op) {
  c10::NoGradGuard noGrad;
  c10d::AllreduceOptions opts;
  opts.reduceOp = op == Reduce::Sum ? c10d::ReduceOp::SUM : op == Reduce::Max ? c10d::ReduceOp::MAX : c10d::ReduceOp::MIN;
  impl_->Agree("allReduce", timeout_, size_, Signature(kOpAllReduce, tensors, static_cast<int64_t>(op)));
  if (tensors.size() == 1 && tensors[0].is_contiguous()) {
    std::vector<at::Tensor> v{tensors[0]};
    impl_->Run("allReduce", timeout_, [&] { return impl_->pg->allreduce(v, opts); });
    return;
  }
  // Buckets of one dtype, at most kBucketBytes each (a single larger tensor is a bucket of its own).
  for (size_t i = 0; i < tensors.size();) {
    size_t j = i;
    int64_t bytes = 0;
    while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
           (j == i || bytes + NBytes(tensors[j]) <= kBucketBytes)) {
      bytes += NBytes(tensors[j]);
      j++;
    }
    std::vector<at::Tensor> flat;
    for (size_t k = i; k < j; k++) flat.push_back(tensors[k].reshape(-1));
    std::vector<at::Tensor> bucket{at::cat(flat)};
    impl_->Run("allReduce", timeout_, [&] { return impl_->pg->allreduce(bucket, opts); });
    int64_t offset = 0;
    for (size_t k = i; k < j; k++) {
      const int64_t n = tensors[k].numel();
      tensors[k].copy_(bucket[0].narrow(0, offset, n).view(tensors[k].sizes()));
      offset += n;
    }
    i = j;
  }
}

at::Tensor Group::AllGather(const at::Tensor& t) {
  c10::NoGradGuard noGrad;
  std::vector<at::Tensor> in{t.contiguous()};
  impl_->Agree("allGather", timeout_, size_, Signature(kOpAllGather, in, 0));
  std::vector<std::vector<at::Tensor>> out(1);
  for (int r = 0; r < size_; r++) out[0].push_back(at::empty_like(in[0], at::MemoryFormat::Contiguous));
  impl_->Run("allGather", timeout_, [&] { return impl_->pg->allgather(out, in); });
  return at::cat(out[0], 0);
}

void Group::Broadcast(std::vector<at::Tensor>& tensors, int root) {
  c10::NoGradGuard noGrad;
  if (root < 0 || root >= size_) throw std::invalid_argument("broadcast: root must be a rank in [0, " + std::to_string(size_) + ")");
  c10d::BroadcastOptions opts;
  opts.rootRank = root;
  impl_->Agree("broadcast", timeout_, size_, Signature(kOpBroadcast, tensors, root));
  for (size_t i = 0; i < tensors.size();) {
    size_t j = i;
    int64_t bytes = 0;
    while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
           (j == i || bytes + NBytes(tensors[j]) <= kBucketBytes)) {
      bytes += NBytes(tensors[j]);
      j++;
    }
    std::vector<at::Tensor> flat;
    for (size_t k = i; k < j; k++) flat.push_back(tensors[k].reshape(-1));
    std::vector<at::Tensor> bucket{at::cat(flat)};
    impl_->Run("broadcast", timeout_, [&] { return impl_->pg->broadcast(bucket, opts); });
    if (rank_ != root) {
      int64_t offset = 0;
      for (size_t k = i; k < j; k++) {
        const int64_t n = tensors[k].numel();
        tensors[k].copy_(bucket[0].narrow(0, offset, n).view(tensors[k].sizes()));
        offset += n;
      }
    }
    i = j;
  }
}

void Group::Barrier() {
  // The signature exchange is an all-gather: it returns once every rank has arrived.
  impl_->Agree("barrier", timeout_, size_, Signature(kOpBarrier, {}, 0));
}

// ---- registry (autograd nodes find their group by id) ----

namespace {
std::mutex g_registryMu;
std::unordered_map<int64_t, std::shared_ptr<Group>> g_groups;
int64_t g_nextId = 1;
}  // namespace

int64_t RegisterGroup(std::shared_ptr<Group> group) {
  std::lock_guard<std::mutex> lock(g_registryMu);
  const int64_t id = g_nextId++;
  g_groups[id] = std::move(group);
  return id;
}

std::shared_ptr<Group> LookupGroup(int64_t id) {
  std::lock_guard<std::mutex> lock(g_registryMu);
  auto it = g_groups.find(id);
  if (it == g_groups.end()) throw std::runtime_error("the process group was destroyed");
  return it->second;
}

void UnregisterGroup(int64_t id) {
  std::lock_guard<std::mutex> lock(g_registryMu);
  g_groups.erase(id);
}

// ---- JavaScript face ----

namespace {

class NProcessGroup : public Napi::ObjectWrap<NProcessGroup> {
 public:
  static Napi::FunctionReference* ctor;

  static void Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "NativeProcessGroup",
                                   {
                                       InstanceMethod("rank", &NProcessGroup::Rank),
                                       InstanceMethod("size", &NProcessGroup::Size),
                                       InstanceMethod("allReduce", &NProcessGroup::AllReduceJs),
                                       InstanceMethod("allGather", &NProcessGroup::AllGatherJs),
                                       InstanceMethod("broadcast", &NProcessGroup::BroadcastJs),
                                       InstanceMethod("barrier", &NProcessGroup::BarrierJs),
                                       InstanceMethod("allGatherWithGrad", &NProcessGroup::AllGatherWithGradJs),
                                       InstanceMethod("allReduceSumWithGrad", &NProcessGroup::AllReduceSumWithGradJs),
                                       InstanceMethod("destroy", &NProcessGroup::DestroyJs),
                                       InstanceMethod("isDestroyed", &NProcessGroup::IsDestroyedJs),
                                   });
    ctor = new Napi::FunctionReference(Napi::Persistent(f));
    exports.Set("NativeProcessGroup", f);
  }

  explicit NProcessGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NProcessGroup>(info) {
    if (info.Length() != 1 || !info[0].IsExternal())
      throw Napi::TypeError::New(info.Env(), "NativeProcessGroup is made by initProcessGroup()");
    auto* holder = info[0].As<Napi::External<std::shared_ptr<Group>>>().Data();
    group_ = std::move(*holder);
    delete holder;
    id_ = RegisterGroup(group_);
  }

  ~NProcessGroup() override {
    // GC or environment teardown: closes a healthy group's connections (a broken one is released).
    UnregisterGroup(id_);
    if (group_) group_->Destroy();
  }

 private:
  Group& group(const Napi::Env& env) {
    if (!group_ || group_->destroyed()) throw Napi::Error::New(env, "the process group was destroyed");
    return *group_;
  }

  static std::vector<at::Tensor> Tensors(const Napi::Value& v, const std::string& what) {
    if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), what + " must be an array of Tensors");
    auto a = v.As<Napi::Array>();
    std::vector<at::Tensor> out;
    for (uint32_t i = 0; i < a.Length(); i++) out.push_back(NTensor::From(a.Get(i), what + "[" + std::to_string(i) + "]"));
    return out;
  }

  Napi::Value Rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), group_ ? group_->rank() : -1); }
  Napi::Value Size(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), group_ ? group_->size() : 0); }

  // allReduce(tensors, op): in place; op 'sum' | 'max' | 'min'.
  Napi::Value AllReduceJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto tensors = Tensors(info[0], "allReduce(): argument 'tensors'");
    const std::string op = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    Reduce r;
    if (op == "sum") r = Reduce::Sum;
    else if (op == "max") r = Reduce::Max;
    else if (op == "min") r = Reduce::Min;
    else throw Napi::TypeError::New(env, "allReduce(): op must be 'sum', 'max' or 'min'");
    Group& g = group(env);
    CLAB_GUARD(env, {
      g.AllReduce(tensors, r);
      return env.Undefined();
    })
  }

  Napi::Value AllGatherJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    at::Tensor& t = NTensor::From(info[0], "allGather(): argument 'tensor'");
    Group& g = group(env);
    CLAB_GUARD(env, { return NTensor::Wrap(env, g.AllGather(t)); })
  }

  Napi::Value BroadcastJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto tensors = Tensors(info[0], "broadcast(): argument 'tensors'");
    if (!info[1].IsNumber()) throw Napi::TypeError::New(env, "broadcast(): argument 'root' must be a rank");
    const int root = info[1].As<Napi::Number>().Int32Value();
    Group& g = group(env);
    CLAB_GUARD(env, {
      g.Broadcast(tensors, root);
      return env.Undefined();
    })
  }

  Napi::Value BarrierJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Group& g = group(env);
    CLAB_GUARD(env, {
      g.Barrier();
      return env.Undefined();
    })
  }

  Napi::Value AllGatherWithGradJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    at::Tensor& t = NTensor::From(info[0], "allGather(): argument 'tensor'");
    group(env);
    CLAB_GUARD(env, { return NTensor::Wrap(env, AllGatherWithGrad(id_, t)); })
  }

  Napi::Value AllReduceSumWithGradJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    at::Tensor& t = NTensor::From(info[0], "allReduce(): argument 'tensor'");
    group(env);
    CLAB_GUARD(env, { return NTensor::Wrap(env, AllReduceSumWithGrad(id_, t)); })
  }

  Napi::Value DestroyJs(const Napi::CallbackInfo& info) {
    UnregisterGroup(id_);
    if (group_) group_->Destroy();
    return info.Env().Undefined();
  }

  Napi::Value IsDestroyedJs(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), !group_ || group_->destroyed());
  }

  std::shared_ptr<Group> group_;
  int64_t id_ = 0;
};

Napi::FunctionReference* NProcessGroup::ctor = nullptr;

// initProcessGroup(masterAddr, masterPort, rank, worldSize, timeoutMs, iface, hostname): blocks
// until every rank has joined (or throws when the timeout passes first).
Napi::Value InitProcessGroupJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber() ||
      !info[4].IsNumber() || !info[5].IsString() || !info[6].IsString())
    throw Napi::TypeError::New(env,
                               "initProcessGroup(masterAddr, masterPort, rank, worldSize, timeoutMs, iface, hostname)");
  GroupOptions o;
  o.masterAddr = info[0].As<Napi::String>().Utf8Value();
  o.masterPort = info[1].As<Napi::Number>().Int32Value();
  o.rank = info[2].As<Napi::Number>().Int32Value();
  o.worldSize = info[3].As<Napi::Number>().Int32Value();
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(info[4].As<Napi::Number>().DoubleValue()));
  o.iface = info[5].As<Napi::String>().Utf8Value();
  o.hostname = info[6].As<Napi::String>().Utf8Value();
  CLAB_GUARD(env, {
    auto* holder = new std::shared_ptr<Group>(std::make_shared<Group>(o));
    return NProcessGroup::ctor->New({Napi::External<std::shared_ptr<Group>>::New(env, holder)});
  })
}

}  // namespace

void InitProcessGroup(Napi::Env env, Napi::Object exports) {
  NProcessGroup::Init(env, exports);
  exports.Set("initProcessGroup", Napi::Function::New(env, InitProcessGroupJs));
}

}  // namespace clab
