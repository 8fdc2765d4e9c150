// float32 matrix products through oneDNN's sgemm (issue 5).
//
// Why: libtorch's CPU kernels for aten::mm / aten::addmm call OpenBLAS. On this machine (AVX-512,
// 2 cores) oneDNN's JIT sgemm — already loaded, libtorch links libdnnl — is 1.26× faster on the
// MLP's shapes and 2.5× faster on InfoNCE's (bench case gemm-f32: 6000×256·256×256 and
// 4096×128·128×4096 against PyTorch's OpenBLAS, 2026-11-25), and it runs on the OpenMP pool that libtorch's other kernels use instead
// of a second pool of OpenBLAS threads competing for the same two cores.
//
// How: the CPU kernels of aten::mm, mm.out, addmm, addmm.out and addmm_ are replaced (a
// torch::Library IMPL registration, the mechanism out-of-tree backends use). The replacement takes
// the oneDNN path only for float32 2-D operands whose strides sgemm can express (row-major or
// transposed views) and a fresh or row-major output; anything else — other dtypes, odd strides,
// empty sizes, errors — goes to libtorch's own CPU kernel (at::cpu::*), which also produces
// PyTorch's exact error messages. Autograd is unaffected: the Autograd kernels call the CPU kernel
// for forward and backward products alike. dnnl_sgemm is looked up at run time, so a libtorch
// without a shared libdnnl simply keeps OpenBLAS. CLAB_GEMM=openblas (at load) or
// setGemmBackend('openblas') (any time) routes every product to libtorch's kernels, e.g. for
// results bit-identical to PyTorch's.
#include "clab.h"

#include <ATen/ATen.h>
#include <ATen/ops/addmm_cpu_dispatch.h>
#include <ATen/ops/mm_cpu_dispatch.h>
#include <c10/util/Exception.h>
#include <dlfcn.h>
#include <torch/library.h>

#include <cmath>
#include <cstdlib>
#include <atomic>
#include <cstring>
#include <memory>
#include <string>

namespace clab {
namespace {

// dnnl_status_t dnnl_sgemm(char transa, char transb, dnnl_dim_t M, dnnl_dim_t N, dnnl_dim_t K,
//     float alpha, const float *A, dnnl_dim_t lda, const float *B, dnnl_dim_t ldb, float beta,
//     float *C, dnnl_dim_t ldc) — row-major, C[M×N] = alpha·op(A)·op(B) + beta·C; 0 = success.
using SgemmFn = int (*)(char, char, int64_t, int64_t, int64_t, float, const float*, int64_t, const float*, int64_t,
                        float, float*, int64_t);
SgemmFn g_sgemm = nullptr;                // null when libdnnl is not loaded
std::atomic<bool> g_useOnednn{false};     // setGemmBackend(); initially from CLAB_GEMM

// How a 2-D float matrix is handed to a row-major sgemm: as is ('N', leading dimension = row
// stride) or as the transpose of a row-major matrix ('T'). Dimensions of size 1 may carry any stride.
struct Operand {
  char trans;
  int64_t ld;
};

bool Describe(const at::Tensor& t, Operand* op) {
  const int64_t r = t.size(0), c = t.size(1), s0 = t.stride(0), s1 = t.stride(1);
  if ((s1 == 1 || c == 1) && (r == 1 || s0 >= std::max<int64_t>(1, c))) {
    *op = {'N', r == 1 ? std::max<int64_t>(1, c) : s0};
    return true;
  }
  if ((s0 == 1 || r == 1) && (c == 1 || s1 >= std::max<int64_t>(1, r))) {
    *op = {'T', c == 1 ? std::max<int64_t>(1, r) : s1};
    return true;
  }
  return false;
}

bool IsPlainFloat(const at::Tensor& t) {
  return t.defined() && t.dim() == 2 && t.scalar_type() == at::kFloat && t.device().is_cpu() && t.layout() == at::kStrided &&
         !t.is_conj() && !t.is_neg();
}

// True when a @ b can take the oneDNN path (valid shapes, non-empty, expressible strides).
bool Eligible(const at::Tensor& a, const at::Tensor& b, Operand* oa, Operand* ob) {
  if (!g_useOnednn.load(std::memory_order_relaxed) || !IsPlainFloat(a) || !IsPlainFloat(b)) return false;
  if (a.size(1) != b.size(0) || a.numel() == 0 || b.numel() == 0) return false;
  return Describe(a, oa) && Describe(b, ob);
}

// A row-major output of shape [m, n] (unit column stride, row stride ≥ n), not overlapping the operands.
bool WritableOutput(const at::Tensor& out, int64_t m, int64_t n, const at::Tensor& a, const at::Tensor& b) {
  return IsPlainFloat(out) && out.size(0) == m && out.size(1) == n && (out.stride(1) == 1 || n == 1) &&
         (m == 1 || out.stride(0) >= n) && !out.is_same(a) && !out.is_same(b) &&
         !out.storage().is_alias_of(a.storage()) && !out.storage().is_alias_of(b.storage());
}

// C = alpha·a·b + beta·C on the oneDNN path (preconditions checked by the callers).
void Sgemm(const at::Tensor& a, const Operand& oa, const at::Tensor& b, const Operand& ob, float alpha, float beta,
           at::Tensor& c) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const int64_t ldc = m == 1 ? std::max<int64_t>(1, n) : c.stride(0);
  const int status = g_sgemm(oa.trans, ob.trans, m, n, k, alpha, a.data_ptr<float>(), oa.ld, b.data_ptr<float>(), ob.ld,
                             beta, c.data_ptr<float>(), ldc);
  TORCH_CHECK(status == 0, "clab gemm: dnnl_sgemm failed with status ", status, " for [", m, ", ", k, "] @ [", k, ", ", n,
              "]");
}

at::Tensor Mm(const at::Tensor& a, const at::Tensor& b) {
  Operand oa, ob;
  if (!Eligible(a, b, &oa, &ob)) return at::cpu::mm(a, b);
  at::Tensor out = at::empty({a.size(0), b.size(1)}, a.options());
  Sgemm(a, oa, b, ob, 1.0f, 0.0f, out);
  return out;
}

at::Tensor& MmOut(const at::Tensor& a, const at::Tensor& b, at::Tensor& out) {
  Operand oa, ob;
  if (!Eligible(a, b, &oa, &ob) || !WritableOutput(out, a.size(0), b.size(1), a, b)) return at::cpu::mm_out(out, a, b);
  Sgemm(a, oa, b, ob, 1.0f, 0.0f, out);
  return out;
}

// β and α as sgemm's float factors; false for values float32 can't carry (complex, non-finite).
bool Factors(const at::Scalar& beta, const at::Scalar& alpha, float* fb, float* fa) {
  if (beta.isComplex() || alpha.isComplex()) return false;
  const double b = beta.toDouble(), al = alpha.toDouble();
  if (!std::isfinite(b) || !std::isfinite(al)) return false;
  *fb = static_cast<float>(b);
  *fa = static_cast<float>(al);
  return true;
}

// self can be broadcast to [m, n] (as addmm requires) and is float32 on the CPU.
bool BroadcastsTo(const at::Tensor& self, int64_t m, int64_t n) {
  if (!self.defined() || self.scalar_type() != at::kFloat || !self.device().is_cpu() || self.layout() != at::kStrided ||
      self.is_conj() || self.is_neg() || self.dim() > 2)
    return false;
  const auto s = self.sizes();
  const int64_t sm = self.dim() == 2 ? s[0] : 1, sn = self.dim() >= 1 ? s[self.dim() - 1] : 1;
  return (sm == m || sm == 1) && (sn == n || sn == 1);
}

at::Tensor Addmm(const at::Tensor& self, const at::Tensor& a, const at::Tensor& b, const at::Scalar& beta,
                 const at::Scalar& alpha) {
  Operand oa, ob;
  float fb, fa;
  if (!Eligible(a, b, &oa, &ob) || !Factors(beta, alpha, &fb, &fa) || !BroadcastsTo(self, a.size(0), b.size(1)))
    return at::cpu::addmm(self, a, b, beta, alpha);
  const int64_t m = a.size(0), n = b.size(1);
  at::Tensor out = at::empty({m, n}, a.options());
  // PyTorch ignores self when β = 0 (NaN/Inf in self do not propagate); sgemm does the same for C.
  if (fb != 0.0f) out.copy_(self.expand({m, n}));
  Sgemm(a, oa, b, ob, fa, fb, out);
  return out;
}

at::Tensor& AddmmOut(const at::Tensor& self, const at::Tensor& a, const at::Tensor& b, const at::Scalar& beta,
                     const at::Scalar& alpha, at::Tensor& out) {
  Operand oa, ob;
  float fb, fa;
  if (!Eligible(a, b, &oa, &ob) || !Factors(beta, alpha, &fb, &fa) || !BroadcastsTo(self, a.size(0), b.size(1)) ||
      !WritableOutput(out, a.size(0), b.size(1), a, b) ||
      (!out.is_same(self) && out.storage().is_alias_of(self.storage())))
    return at::cpu::addmm_out(out, self, a, b, beta, alpha);
  if (fb != 0.0f && !out.is_same(self)) out.copy_(self.expand({a.size(0), b.size(1)}));
  Sgemm(a, oa, b, ob, fa, fb, out);
  return out;
}

at::Tensor& AddmmInplace(at::Tensor& self, const at::Tensor& a, const at::Tensor& b, const at::Scalar& beta,
                         const at::Scalar& alpha) {
  Operand oa, ob;
  float fb, fa;
  if (!Eligible(a, b, &oa, &ob) || !Factors(beta, alpha, &fb, &fa) || !WritableOutput(self, a.size(0), b.size(1), a, b))
    return at::cpu::addmm_(self, a, b, beta, alpha);
  Sgemm(a, oa, b, ob, fa, fb, self);
  return self;
}

// Swallows the "Overriding a previously registered kernel" warnings of the registration below
// (intended here); any other warning is passed on to the previous handler.
class OverrideWarningFilter : public c10::WarningHandler {
 public:
  explicit OverrideWarningFilter(c10::WarningHandler* next) : next_(next) {}
  void process(const c10::SourceLocation& where, const std::string& msg, const bool verbatim) override {
    if (msg.find("Overriding a previously registered kernel") != std::string::npos) return;
    if (next_ != nullptr) next_->process(where, msg, verbatim);
  }

 private:
  c10::WarningHandler* next_;
};

std::unique_ptr<torch::Library> g_library;


const char* Backend() { return g_useOnednn.load() ? "onednn" : "openblas"; }

// Replaces the CPU kernels once (when libdnnl is loaded); setGemmBackend() then only flips g_useOnednn.
void RegisterKernels() {
  if (g_library != nullptr) return;
  // libdnnl is loaded as a dependency of libtorch_cpu, but Node loads addons without
  // RTLD_GLOBAL: look in the global scope, then in the already-loaded library itself.
  void* sym = dlsym(RTLD_DEFAULT, "dnnl_sgemm");
  if (sym == nullptr) {
    if (void* handle = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_NOLOAD)) sym = dlsym(handle, "dnnl_sgemm");
  }
  g_sgemm = reinterpret_cast<SgemmFn>(sym);
  if (g_sgemm == nullptr) return;
  OverrideWarningFilter filter(c10::Warning::get_warning_handler());
  c10::Warning::WarningHandlerGuard guard(&filter);
  g_library = std::make_unique<torch::Library>(torch::Library::IMPL, "aten", c10::DispatchKey::CPU, __FILE__, __LINE__);
  g_library->impl("mm", TORCH_FN(Mm));
  g_library->impl("mm.out", TORCH_FN(MmOut));
  g_library->impl("addmm", TORCH_FN(Addmm));
  g_library->impl("addmm.out", TORCH_FN(AddmmOut));
  g_library->impl("addmm_", TORCH_FN(AddmmInplace));
}

// Selects the backend: "onednn" (needs libdnnl) or "openblas" (libtorch's own kernels).
void SetBackend(Napi::Env env, const std::string& want, const std::string& what) {
  if (want != "onednn" && want != "openblas")
    throw Napi::Error::New(env, what + " must be 'onednn' or 'openblas', got '" + want + "'");
  if (want == "onednn" && g_sgemm == nullptr)
    throw Napi::Error::New(env, what + ": 'onednn' needs libtorch's shared oneDNN (libdnnl.so.2), which is not loaded");
  g_useOnednn.store(want == "onednn");
}

}  // namespace

void InitGemm(Napi::Env env, Napi::Object exports) {
  RegisterKernels();
  const char* choice = std::getenv("CLAB_GEMM");
  if (choice != nullptr && *choice != '\0') SetBackend(env, choice, "CLAB_GEMM");
  else g_useOnednn.store(g_sgemm != nullptr);  // default: oneDNN when available
  exports.Set("gemmBackend", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::String::New(info.Env(), Backend());
  }));
  exports.Set("setGemmBackend", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (!info[0].IsString()) throw Napi::TypeError::New(info.Env(), "setGemmBackend(): backend must be a string");
    SetBackend(info.Env(), info[0].As<Napi::String>().Utf8Value(), "setGemmBackend()");
    return info.Env().Undefined();
  }));
}

}  // namespace clab
