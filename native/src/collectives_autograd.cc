// Differentiable collectives (issue 13): the all-gather through which a loss sees every rank's
// embeddings as negatives, and the all-reduce through which synchronised BatchNorm sees every
// rank's batch statistics. Their backward runs a collective too, so every rank must run the same
// backward — true of data-parallel training, where every rank builds the same graph.
//
// Gradient convention (as torch.distributed.nn.functional): with J = Σ_r loss_r the sum of every
// rank's loss, each rank receives ∂J/∂(its input). The gather's output is used on every rank, so
// ∂J/∂x_s = Σ_r ∂loss_r/∂(gathered)[rows of s]: an all-reduce (sum) of the gathered gradient,
// then this rank's rows. Averaging the parameter gradients over ranks afterwards (the trainer's
// gradient all-reduce) then gives ∂(J/N)/∂θ — the mean of the ranks' losses.
#include "process_group.h"

#include "clab.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

namespace clab {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

struct AllGatherFn : public torch::autograd::Function<AllGatherFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t groupId) {
    auto group = LookupGroup(groupId);
    ctx->saved_data["group"] = groupId;
    ctx->saved_data["rows"] = x.size(0);
    ctx->saved_data["rank"] = static_cast<int64_t>(group->rank());
    return group->AllGather(x);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto group = LookupGroup(ctx->saved_data["group"].toInt());
    const int64_t rows = ctx->saved_data["rows"].toInt();
    const int64_t rank = ctx->saved_data["rank"].toInt();
    // Materialised (zeros when no gradient reached the output): every rank must take part.
    std::vector<at::Tensor> g{grads[0].contiguous().clone()};
    group->AllReduce(g, Reduce::Sum);
    return {g[0].narrow(0, rank * rows, rows), at::Tensor()};
  }
};

struct AllReduceSumFn : public torch::autograd::Function<AllReduceSumFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, int64_t groupId) {
    auto group = LookupGroup(groupId);
    ctx->saved_data["group"] = groupId;
    std::vector<at::Tensor> out{x.contiguous().clone()};
    group->AllReduce(out, Reduce::Sum);
    return out[0];
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto group = LookupGroup(ctx->saved_data["group"].toInt());
    std::vector<at::Tensor> g{grads[0].contiguous().clone()};
    group->AllReduce(g, Reduce::Sum);
    return {g[0], at::Tensor()};
  }
};

}  // namespace

at::Tensor AllGatherWithGrad(int64_t groupId, const at::Tensor& x) {
  TORCH_CHECK(x.dim() >= 1, "allGather(): the tensor must have at least one dimension, got a 0-d tensor");
  return AllGatherFn::apply(x, groupId);
}

at::Tensor AllReduceSumWithGrad(int64_t groupId, const at::Tensor& x) { return AllReduceSumFn::apply(x, groupId); }

}  // namespace clab
