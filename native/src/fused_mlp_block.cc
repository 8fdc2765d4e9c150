// Fused Linear → ReLU → BatchNorm (training mode) for float32, forward and backward (issue 5).
//
// The MLP encoder of Paper A's synthetic experiments is a stack of these blocks (the reference
// code's order). Unfused, each block makes five or six passes over its [N, C] activations besides
// the two GEMMs: the bias copy of addmm, ReLU, BatchNorm's statistics and normalisation, and in
// backward BatchNorm's two passes, ReLU's mask and the bias-gradient sum. Here:
//   forward:  Z = X·Wᵀ (GEMM); one pass R = relu(Z + b) that also accumulates the per-column
//             sums of R and R² (in double); one pass Y = R·s + t with s = γ/√(var+ε),
//             t = β − mean·s.
//   backward: one pass for Σ dY and Σ dY·x̂ per column; one pass for
//             dZ = [R > 0]·γ/√(var+ε)·(dY − mean(dY) − x̂·mean(dY·x̂)) that also sums dZ (= db);
//             then dX = dZ·W and dW = dZᵀ·X (GEMMs).
// The batch statistics are exactly BatchNorm's: mean and biased variance over the N rows (the
// variance from double sums, so no cancellation in float32). The running statistics are updated
// by the caller (nn/BatchNorm.recordBatchStats) from the returned mean and biased variance.
// Per-column sums are accumulated per thread and added in thread order: the same inputs and
// thread count give the same bits.
#include "clab.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace clab {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

namespace {

constexpr int64_t kRowGrain = 64;
// Rows per float accumulation block: column sums are taken in float over at most this many rows,
// then added into double accumulators (keeps the inner loops vectorisable and the sums accurate).
constexpr int64_t kBlockRows = 64;

// The four row-block kernels are compiled for AVX-512, AVX2 and baseline x86-64 (picked at load by
// the CPU, GCC target_clones) at -O3, with restrict pointers, so the column loops vectorise.
#pragma GCC push_options
#pragma GCC optimize("O3")
#define CLAB_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))

// r ← relu(r + b) in place; s += Σ r, ss += Σ r² over the block's rows.
CLAB_KERNEL void BiasReluStats(float* __restrict r, const float* __restrict b, int64_t rows, int64_t C,
                               float* __restrict s, float* __restrict ss) {
  for (int64_t i = 0; i < rows; i++) {
    float* __restrict row = r + i * C;
    for (int64_t c = 0; c < C; c++) {
      float v = row[c] + b[c];
      v = v < 0.0f ? 0.0f : v;  // relu; NaN stays NaN, as clamp_min(0)
      row[c] = v;
      s[c] += v;
      ss[c] += v * v;
    }
  }
}

// y = r·scale + shift.
CLAB_KERNEL void Affine(const float* __restrict r, float* __restrict y, int64_t rows, int64_t C,
                        const float* __restrict scale, const float* __restrict shift) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t c = 0; c < C; c++) y[i * C + c] = r[i * C + c] * scale[c] + shift[c];
}

// sdy += Σ dy, sdyx += Σ dy·x̂ with x̂ = (r − mean)·inv.
CLAB_KERNEL void GradStats(const float* __restrict r, const float* __restrict dy, int64_t rows, int64_t C,
                           const float* __restrict mean, const float* __restrict inv, float* __restrict sdy,
                           float* __restrict sdyx) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t c = 0; c < C; c++) {
      const float g = dy[i * C + c];
      sdy[c] += g;
      sdyx[c] += g * ((r[i * C + c] - mean[c]) * inv[c]);
    }
}

// dz = [r > 0]·k·(dy − mdy − x̂·mdyx); db += Σ dz.
CLAB_KERNEL void GradInput(const float* __restrict r, const float* __restrict dy, float* __restrict dz, int64_t rows,
                           int64_t C, const float* __restrict k, const float* __restrict mdy,
                           const float* __restrict mdyx, const float* __restrict mean, const float* __restrict inv,
                           float* __restrict db) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t c = 0; c < C; c++) {
      const float rv = r[i * C + c];
      const float xhat = (rv - mean[c]) * inv[c];
      const float v = rv > 0.0f ? k[c] * (dy[i * C + c] - mdy[c] - xhat * mdyx[c]) : 0.0f;
      dz[i * C + c] = v;
      db[c] += v;
    }
}
#pragma GCC pop_options

// Runs `kernel(i, rows, acc...)` over [i0, i1) in blocks of kBlockRows with `count` float
// accumulators of C columns, zeroed per block and added into this thread's double sums.
template <typename Kernel>
void Blocked(int64_t i0, int64_t i1, int64_t C, int count, double* const* totals, Kernel kernel) {
  std::vector<float> acc(static_cast<size_t>(count) * C);
  for (int64_t i = i0; i < i1; i += kBlockRows) {
    std::fill(acc.begin(), acc.end(), 0.0f);
    const int64_t rows = std::min(kBlockRows, i1 - i);
    kernel(i, rows, acc.data());
    for (int k = 0; k < count; k++)
      for (int64_t c = 0; c < C; c++) totals[k][c] += acc[k * C + c];
  }
}

// Per-thread double accumulators of `width` columns, `count` of them per thread.
class ColumnSums {
 public:
  ColumnSums(int64_t width, int count) : width_(width), count_(count), data_(static_cast<size_t>(at::get_num_threads()) * count * width, 0.0) {}
  double* For(int which) { return data_.data() + (static_cast<size_t>(at::get_thread_num()) * count_ + which) * width_; }
  // Sum over threads of accumulator `which`, in thread order.
  std::vector<double> Total(int which) const {
    std::vector<double> out(width_, 0.0);
    const size_t threads = data_.size() / (count_ * width_);
    for (size_t t = 0; t < threads; t++) {
      const double* p = data_.data() + (t * count_ + which) * width_;
      for (int64_t c = 0; c < width_; c++) out[c] += p[c];
    }
    return out;
  }

 private:
  int64_t width_;
  int count_;
  std::vector<double> data_;
};

at::Tensor DoubleVector(const std::vector<double>& v) {
  at::Tensor t = at::empty({static_cast<int64_t>(v.size())}, at::TensorOptions().dtype(at::kDouble));
  std::copy(v.begin(), v.end(), t.data_ptr<double>());
  return t;
}

class LinearReluBatchNorm : public torch::autograd::Function<LinearReluBatchNorm> {
 public:
  // Returns {Y [N, C], batch mean [C], batch biased variance [C]} (the last two not differentiable).
  // bias, gamma and beta are always defined (the entry point substitutes 0, 1, 0 for absent ones).
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                               const at::Tensor& gamma, const at::Tensor& beta, double eps) {
    const int64_t N = x.size(0), C = weight.size(0);
    at::Tensor R = at::mm(x, weight.t()).contiguous();  // Z, then R in place
    float* r = R.data_ptr<float>();
    const at::Tensor b = bias.contiguous();
    const float* bp = b.data_ptr<float>();
    ColumnSums sums(C, 2);
    at::parallel_for(0, N, kRowGrain, [&](int64_t i0, int64_t i1) {
      double* totals[2] = {sums.For(0), sums.For(1)};
      Blocked(i0, i1, C, 2, totals, [&](int64_t i, int64_t rows, float* acc) {
        BiasReluStats(r + i * C, bp, rows, C, acc, acc + C);
      });
    });
    const std::vector<double> s = sums.Total(0), ss = sums.Total(1);
    std::vector<double> mean(C), var(C), invstd(C);
    std::vector<float> scale(C), shift(C);
    const at::Tensor g = gamma.contiguous(), be = beta.contiguous();
    const float *gp = g.data_ptr<float>(), *bep = be.data_ptr<float>();
    for (int64_t c = 0; c < C; c++) {
      mean[c] = s[c] / N;
      var[c] = std::max(0.0, ss[c] / N - mean[c] * mean[c]);
      invstd[c] = 1.0 / std::sqrt(var[c] + eps);
      const double gc = gp[c], bc = bep[c];
      scale[c] = static_cast<float>(gc * invstd[c]);
      shift[c] = static_cast<float>(bc - mean[c] * gc * invstd[c]);
    }
    at::Tensor Y = at::empty_like(R);
    float* y = Y.data_ptr<float>();
    at::parallel_for(0, N, kRowGrain, [&](int64_t i0, int64_t i1) {
      Affine(r + i0 * C, y + i0 * C, i1 - i0, C, scale.data(), shift.data());
    });
    at::Tensor meanT = DoubleVector(mean), varT = DoubleVector(var);
    ctx->save_for_backward({x, weight, gamma});
    ctx->saved_data["R"] = R;
    ctx->saved_data["mean"] = meanT;
    ctx->saved_data["invstd"] = DoubleVector(invstd);
    at::Tensor meanOut = meanT.to(at::kFloat), varOut = varT.to(at::kFloat);
    ctx->mark_non_differentiable({meanOut, varOut});
    return {Y, meanOut, varOut};
  }

  static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
    TORCH_CHECK(!c10::GradMode::is_enabled(),
                "linearReluBatchNorm (fused): gradients of gradients are not supported; use the unfused layers for create_graph");
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1], &gamma = saved[2];
    const at::Tensor R = ctx->saved_data["R"].toTensor();
    const at::Tensor meanT = ctx->saved_data["mean"].toTensor(), invT = ctx->saved_data["invstd"].toTensor();
    variable_list out(6);
    if (!gradOutputs[0].defined()) return out;
    const at::Tensor dY = gradOutputs[0].contiguous();
    const int64_t N = R.size(0), C = R.size(1);
    const float* r = R.data_ptr<float>();
    const float* dy = dY.data_ptr<float>();
    const double* mean = meanT.data_ptr<double>();
    const double* invstd = invT.data_ptr<double>();
    std::vector<float> meanF(C), invF(C);
    for (int64_t c = 0; c < C; c++) {
      meanF[c] = static_cast<float>(mean[c]);
      invF[c] = static_cast<float>(invstd[c]);
    }
    // Pass 1: Σ dY and Σ dY·x̂ per column.
    ColumnSums sums(C, 2);
    at::parallel_for(0, N, kRowGrain, [&](int64_t i0, int64_t i1) {
      double* totals[2] = {sums.For(0), sums.For(1)};
      Blocked(i0, i1, C, 2, totals, [&](int64_t i, int64_t rows, float* acc) {
        GradStats(r + i * C, dy + i * C, rows, C, meanF.data(), invF.data(), acc, acc + C);
      });
    });
    const std::vector<double> sdy = sums.Total(0), sdyx = sums.Total(1);
    const at::Tensor g = gamma.contiguous();
    const float* gp = g.data_ptr<float>();
    std::vector<float> k(C), mdy(C), mdyx(C);
    for (int64_t c = 0; c < C; c++) {
      const double gc = gp[c];
      k[c] = static_cast<float>(gc * invstd[c]);
      mdy[c] = static_cast<float>(sdy[c] / N);
      mdyx[c] = static_cast<float>(sdyx[c] / N);
    }
    // Pass 2: dZ through BatchNorm and the ReLU mask, summing dZ for the bias gradient.
    at::Tensor dZ = at::empty_like(R);
    float* dz = dZ.data_ptr<float>();
    ColumnSums dbSums(C, 1);
    at::parallel_for(0, N, kRowGrain, [&](int64_t i0, int64_t i1) {
      double* totals[1] = {dbSums.For(0)};
      Blocked(i0, i1, C, 1, totals, [&](int64_t i, int64_t rows, float* acc) {
        GradInput(r + i * C, dy + i * C, dz + i * C, rows, C, k.data(), mdy.data(), mdyx.data(), meanF.data(), invF.data(),
                  acc);
      });
    });
    if (ctx->needs_input_grad(0)) out[0] = at::mm(dZ, weight);
    if (ctx->needs_input_grad(1)) out[1] = at::mm(dZ.t(), x);
    if (ctx->needs_input_grad(2)) out[2] = DoubleVector(dbSums.Total(0)).to(at::kFloat);
    if (ctx->needs_input_grad(3)) out[3] = DoubleVector(sdyx).to(at::kFloat);
    if (ctx->needs_input_grad(4)) out[4] = DoubleVector(sdy).to(at::kFloat);
    return out;
  }
};

// linearReluBatchNorm(x, weight, bias?, gamma?, beta?, eps) -> [y, mean, biasedVar]
Napi::Value LinearReluBatchNormJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string name = "linearReluBatchNorm()";
  auto optional = [&](size_t i, const char* what) -> at::Tensor {
    if (info[i].IsUndefined() || info[i].IsNull()) return at::Tensor();
    return NTensor::From(info[i], name + ": argument '" + what + "'");
  };
  at::Tensor& x = NTensor::From(info[0], name + ": argument 'input'");
  at::Tensor& weight = NTensor::From(info[1], name + ": argument 'weight'");
  const at::Tensor bias = optional(2, "bias"), gamma = optional(3, "gamma"), beta = optional(4, "beta");
  if (!info[5].IsNumber()) throw Napi::TypeError::New(env, name + ": eps must be a number");
  const double eps = info[5].As<Napi::Number>().DoubleValue();
  if (!(eps > 0) || !std::isfinite(eps)) throw Napi::RangeError::New(env, name + ": eps must be a finite number > 0");
  CLAB_GUARD(env, {
    TORCH_CHECK(x.dim() == 2 && weight.dim() == 2, name, ": input and weight must be 2-D, got ", x.sizes(), " and ",
                weight.sizes());
    TORCH_CHECK(x.size(1) == weight.size(1), name, ": input has ", x.size(1), " features but weight expects ",
                weight.size(1));
    TORCH_CHECK(x.size(0) > 1, name, ": expected more than 1 row (BatchNorm needs a batch), got ", x.size(0));
    const int64_t C = weight.size(0);
    for (const at::Tensor* t : std::initializer_list<const at::Tensor*>{&x, &weight, &bias, &gamma, &beta})
      TORCH_CHECK(!t->defined() || (t->scalar_type() == at::kFloat && t->device().is_cpu()), name,
                  ": only float32 CPU tensors are supported, got ", t->scalar_type());
    for (const at::Tensor* t : std::initializer_list<const at::Tensor*>{&bias, &gamma, &beta})
      TORCH_CHECK(!t->defined() || (t->dim() == 1 && t->size(0) == C), name, ": bias, gamma and beta must have shape [",
                  C, "], got ", t->sizes());
    TORCH_CHECK(gamma.defined() == beta.defined(), name, ": gamma and beta come together (affine) or not at all");
    // libtorch 1.13's custom Functions cannot take undefined tensors: absent parts become
    // placeholders (b = 0, γ = 1, β = 0) that get no gradient.
    const auto opts = weight.options().requires_grad(false);
    auto outs = LinearReluBatchNorm::apply(x, weight, bias.defined() ? bias : at::zeros({C}, opts),
                                           gamma.defined() ? gamma : at::ones({C}, opts),
                                           beta.defined() ? beta : at::zeros({C}, opts), eps);
    Napi::Array arr = Napi::Array::New(env, 3);
    for (uint32_t i = 0; i < 3; i++) arr.Set(i, NTensor::Wrap(env, outs[i]));
    return arr;
  })
}

}  // namespace

void InitFusedMlpBlock(Napi::Env env, Napi::Object exports) {
  exports.Set("linearReluBatchNorm", Napi::Function::New(env, LinearReluBatchNormJs));
}

}  // namespace clab
