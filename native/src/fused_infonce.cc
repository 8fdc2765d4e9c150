// Fused, chunked InfoNCE log-normaliser (issue 5): for anchors a [B, d], positives p [B, d] and
// negatives n [M, d] shared by every anchor,
//
//     lse_i = log( exp(a_i·p_i/τ) + Σ_j exp(a_i·n_j/τ) )                        [B]
//
// the denominator of InfoNCE (Paper A, "InfoNCE with M negatives"; the loss is mean(lse − a·p/τ)).
// A dense implementation materialises the B×M logits, their concatenation with the positive
// column, the exponentials and the softmax gradient — several B×M buffers at once, which caps B
// far below what full-batch studies need (Paper B). Here rows are processed in chunks of R rows,
// so at most one R×M block (plus one temporary) is alive: memory O((B+M)·d + R·M).
//
// Gradients (W_ij = exp(a_i·n_j/τ − lse_i), w_i = exp(a_i·p_i/τ − lse_i), g = dL/dlse):
//     dL/da_i = (g_i/τ)·(Σ_j W_ij n_j + w_i p_i)
//     dL/dp_i = (g_i/τ)·w_i a_i
//     dL/dn_j = (1/τ)·Σ_i g_i W_ij a_i
// When gradients are needed, forward also computes them for g = 1 while each block is in cache
// (three GEMMs in all, one pass over the logits). A loss that is a mean or sum of lse sends a
// uniform g, and backward only rescales; any other g recomputes the blocks (exact, one more GEMM).
// First-order only: backward refuses create_graph.
#include "clab.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>

namespace clab {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

struct Chunking {
  int64_t rows;  // rows of a per block
};

// Below this many rows per block the GEMMs become matrix-vector-like and each block re-reads all
// of n for little work, so a block has at least this many rows even if it exceeds chunkBytes.
constexpr int64_t kMinBlockRows = 128;

Chunking ChooseChunk(int64_t B, int64_t M, int64_t elemSize, int64_t chunkBytes) {
  const int64_t perRow = std::max<int64_t>(1, M) * elemSize;
  const int64_t rows = std::max(chunkBytes / perRow, kMinBlockRows);
  return {std::max<int64_t>(1, std::min(rows, B))};
}

// Gradients for rows [r0, r0+rows) given the block's normalised weights W [rows, M] and w [rows]
// (already multiplied by g_i). Writes gA/gP rows and accumulates into gN.
void BlockGradients(const at::Tensor& W, const at::Tensor& w, const at::Tensor& ac, const at::Tensor& pc,
                    const at::Tensor& n, double invTau, at::Tensor* gA, at::Tensor* gP, at::Tensor* gN, int64_t r0,
                    int64_t rows) {
  if (gA != nullptr) {
    at::Tensor out = gA->narrow(0, r0, rows);
    at::mm_out(out, W, n);
    out.add_(pc * w.unsqueeze(1)).mul_(invTau);
  }
  if (gP != nullptr) {
    at::Tensor out = gP->narrow(0, r0, rows);
    at::mul_out(out, ac, w.unsqueeze(1) * invTau);
  }
  if (gN != nullptr) gN->addmm_(W.t(), ac, 1.0, invTau);
}

class InfoNCELogSumExp : public torch::autograd::Function<InfoNCELogSumExp> {
 public:
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a, const at::Tensor& p, const at::Tensor& n,
                            double tau, int64_t chunkBytes, bool eager) {
    const int64_t B = a.size(0), M = n.size(0);
    const double invTau = 1.0 / tau;
    const auto chunk = ChooseChunk(B, M, a.element_size(), chunkBytes);
    at::Tensor lse = at::empty({B}, a.options());
    at::Tensor gA, gP, gN;
    if (eager) {
      gA = at::empty_like(a, at::MemoryFormat::Contiguous);
      gP = at::empty_like(p, at::MemoryFormat::Contiguous);
      gN = at::zeros_like(n, at::MemoryFormat::Contiguous);
    }
    for (int64_t r0 = 0; r0 < B; r0 += chunk.rows) {
      const int64_t rows = std::min(chunk.rows, B - r0);
      const at::Tensor ac = a.narrow(0, r0, rows), pc = p.narrow(0, r0, rows);
      const at::Tensor as = ac * invTau;
      at::Tensor S = at::mm(as, n.t());          // logits a_i·n_j/τ   [rows, M]
      const at::Tensor sp = (as * pc).sum(1);    // logits a_i·p_i/τ   [rows]
      // Row maximum over {positive, negatives} for a stable log-sum-exp.
      const at::Tensor mx = M > 0 ? at::maximum(S.amax(1), sp) : sp.clone();
      S.sub_(mx.unsqueeze(1)).exp_();
      const at::Tensor e0 = (sp - mx).exp_();
      const at::Tensor sum = S.sum(1).add_(e0);
      lse.narrow(0, r0, rows).copy_(sum.log().add_(mx));
      if (eager) {
        S.div_(sum.unsqueeze(1));  // W = softmax weights of the negatives
        BlockGradients(S, e0.div_(sum), ac, pc, n, invTau, &gA, &gP, &gN, r0, rows);
      }
    }
    ctx->save_for_backward({a, p, n, lse});
    ctx->saved_data["tau"] = tau;
    ctx->saved_data["chunkBytes"] = chunkBytes;
    ctx->saved_data["eager"] = eager;
    if (eager) {
      ctx->saved_data["gA"] = gA;
      ctx->saved_data["gP"] = gP;
      ctx->saved_data["gN"] = gN;
    }
    return lse;
  }

  static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
    TORCH_CHECK(!c10::GradMode::is_enabled(),
                "infoNCE (fused): gradients of gradients are not supported; use impl 'dense' for create_graph");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &a = saved[0], &p = saved[1], &n = saved[2], &lse = saved[3];
    const double tau = ctx->saved_data["tau"].toDouble();
    const bool needA = ctx->needs_input_grad(0), needP = ctx->needs_input_grad(1), needN = ctx->needs_input_grad(2);
    at::Tensor g = gradOutputs[0];
    variable_list out(6);
    if (!g.defined()) return out;
    // A uniform upstream gradient (mean/sum of lse): rescale the gradients computed in forward.
    if (ctx->saved_data["eager"].toBool()) {
      const bool uniform = g.numel() == 0 || g.stride(0) == 0 || g.eq(g[0]).all().item<bool>();
      if (uniform) {
        const at::Scalar c = g.numel() == 0 ? at::Scalar(0.0) : g[0].item();
        if (needA) out[0] = ctx->saved_data["gA"].toTensor() * c;
        if (needP) out[1] = ctx->saved_data["gP"].toTensor() * c;
        if (needN) out[2] = ctx->saved_data["gN"].toTensor() * c;
        return out;
      }
    }
    // General g: recompute each block of weights and weight its rows by g_i.
    const int64_t B = a.size(0), M = n.size(0);
    const double invTau = 1.0 / tau;
    const auto chunk = ChooseChunk(B, M, a.element_size(), ctx->saved_data["chunkBytes"].toInt());
    g = g.contiguous();
    at::Tensor gA = needA ? at::empty_like(a, at::MemoryFormat::Contiguous) : at::Tensor();
    at::Tensor gP = needP ? at::empty_like(p, at::MemoryFormat::Contiguous) : at::Tensor();
    at::Tensor gN = needN ? at::zeros_like(n, at::MemoryFormat::Contiguous) : at::Tensor();
    for (int64_t r0 = 0; r0 < B; r0 += chunk.rows) {
      const int64_t rows = std::min(chunk.rows, B - r0);
      const at::Tensor ac = a.narrow(0, r0, rows), pc = p.narrow(0, r0, rows);
      const at::Tensor as = ac * invTau;
      const at::Tensor l = lse.narrow(0, r0, rows), gr = g.narrow(0, r0, rows);
      at::Tensor W = at::mm(as, n.t());
      W.sub_(l.unsqueeze(1)).exp_().mul_(gr.unsqueeze(1));
      const at::Tensor w = (as * pc).sum(1).sub_(l).exp_().mul_(gr);
      BlockGradients(W, w, ac, pc, n, invTau, needA ? &gA : nullptr, needP ? &gP : nullptr, needN ? &gN : nullptr, r0,
                     rows);
    }
    out[0] = gA;
    out[1] = gP;
    out[2] = gN;
    return out;
  }
};

// infoNCELogSumExp(a, p, n, tau, chunkBytes) -> lse [B]
Napi::Value InfoNCELogSumExpJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = "infoNCELogSumExp()";
  at::Tensor& a = NTensor::From(info[0], name + ": argument 'anchors'");
  at::Tensor& p = NTensor::From(info[1], name + ": argument 'positives'");
  at::Tensor& n = NTensor::From(info[2], name + ": argument 'negatives'");
  if (!info[3].IsNumber() || !info[4].IsNumber())
    throw Napi::TypeError::New(env, name + ": tau and chunkBytes must be numbers");
  const double tau = info[3].As<Napi::Number>().DoubleValue();
  const double chunkBytes = info[4].As<Napi::Number>().DoubleValue();
  if (!(tau > 0) || !std::isfinite(tau)) throw Napi::RangeError::New(env, name + ": tau must be a finite number > 0");
  if (!(chunkBytes >= 1) || chunkBytes > 9.0e15) throw Napi::RangeError::New(env, name + ": chunkBytes must be >= 1");
  CLAB_GUARD(env, {
    TORCH_CHECK(a.dim() == 2 && p.dim() == 2 && n.dim() == 2, name, ": anchors, positives and negatives must be 2-D, got ",
                a.sizes(), ", ", p.sizes(), " and ", n.sizes());
    TORCH_CHECK(a.sizes() == p.sizes(), name, ": anchors and positives must have the same shape, got ", a.sizes(),
                " and ", p.sizes());
    TORCH_CHECK(n.size(1) == a.size(1), name, ": negatives must have the embedding size of the anchors (", a.size(1),
                "), got ", n.sizes());
    TORCH_CHECK(a.scalar_type() == p.scalar_type() && a.scalar_type() == n.scalar_type(), name,
                ": anchors, positives and negatives must have one dtype, got ", a.scalar_type(), ", ",
                p.scalar_type(), " and ", n.scalar_type());
    TORCH_CHECK(a.scalar_type() == at::kFloat || a.scalar_type() == at::kDouble, name,
                ": only float32 and float64 are supported, got ", a.scalar_type());
    const bool eager =
        c10::GradMode::is_enabled() && (a.requires_grad() || p.requires_grad() || n.requires_grad());
    at::Tensor lse = InfoNCELogSumExp::apply(a, p, n, tau, static_cast<int64_t>(chunkBytes), eager);
    return NTensor::Wrap(env, lse);
  })
}

}  // namespace

void InitFused(Napi::Env env, Napi::Object exports) {
  exports.Set("infoNCELogSumExp", Napi::Function::New(env, InfoNCELogSumExpJs));
}

}  // namespace clab
