// A process group for data-parallel training: libtorch's c10d ProcessGroupGloo over a TCPStore
// rendezvous (issue 13). Declared without c10d headers so that the differentiable collectives
// (collectives_autograd.cc) need not compile Gloo's headers; process_group.cc implements it.
#pragma once
#include <ATen/core/Tensor.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clab {

enum class Reduce { Sum, Max, Min };

struct GroupOptions {
  std::string masterAddr;
  int masterPort = 0;
  int rank = 0;
  int worldSize = 1;
  // Bounds the rendezvous (connecting to the master, waiting for every rank) and every collective.
  std::chrono::milliseconds timeout{300000};
  // How Gloo picks the address it listens on: a network interface (GLOO_SOCKET_IFNAME), else the
  // address `hostname` resolves to; empty both: loopback when the master is local, else this machine's hostname.
  std::string iface;
  std::string hostname;
};

// Every method blocks the calling thread until the collective is done on every rank, or throws
// std::runtime_error (a peer closed its connection, the timeout passed, the group was destroyed).
// After a failed collective the group is broken: every later call throws with the first error.
class Group {
 public:
  explicit Group(const GroupOptions& options);
  ~Group();
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  bool destroyed() const;
  // The message of the error that broke the group, or empty.
  std::string broken() const;

  // In place, on every rank's tensors of the same shapes, in the same order. Tensors are
  // coalesced into flat buckets of one dtype (at most kBucketBytes each): one collective per bucket.
  void AllReduce(std::vector<at::Tensor>& tensors, Reduce op);
  // Every rank's `t` (same shape on every rank) concatenated along dim 0, in rank order.
  at::Tensor AllGather(const at::Tensor& t);
  // In place: every rank's tensors become `root`'s.
  void Broadcast(std::vector<at::Tensor>& tensors, int root);
  void Barrier();
  // Closes the connections (also called by the destructor). A broken group is released without
  // waiting for its worker threads, which may still sit in the failed collective.
  void Destroy();

  static constexpr int64_t kBucketBytes = 25 * 1024 * 1024;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_;
  int size_;
  std::chrono::milliseconds timeout_;
};

// The live groups by id, so that autograd nodes (which outlive a JavaScript call) find theirs.
int64_t RegisterGroup(std::shared_ptr<Group> group);
std::shared_ptr<Group> LookupGroup(int64_t id);
void UnregisterGroup(int64_t id);

// Differentiable collectives (collectives_autograd.cc). The backward of each runs a collective, so
// every rank must run the same backward: true of data-parallel training, where every rank builds
// the same graph.
// allGather: forward concatenates every rank's x; backward sums the gathered gradient over ranks
// (all-reduce) and returns this rank's rows: each rank gets the gradient of the sum of all ranks'
// losses with respect to its own slice.
at::Tensor AllGatherWithGrad(int64_t groupId, const at::Tensor& x);
// allReduce (sum): forward sums x over ranks; backward sums the gradient over ranks.
at::Tensor AllReduceSumWithGrad(int64_t groupId, const at::Tensor& x);

}  // namespace clab
