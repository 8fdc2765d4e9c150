// Shared declarations of the clab native engine.
// The addon is deliberately thin: it wraps at::Tensor, reaches every ATen operator through the
// boxed dispatcher (so autograd, type promotion and error checks are libtorch's own), and turns
// every C++ exception into a JavaScript exception — an uncaught c10::Error would abort Node.
#pragma once
#include <napi.h>
#include <ATen/core/Tensor.h>
#include <ATen/core/Generator.h>
#include <ATen/core/ivalue.h>
#include <c10/util/Exception.h>
#include <string>

namespace clab {

// Wraps an at::Tensor for JavaScript. dispose() frees it at once; the GC finalizer is a backstop.
class NTensor : public Napi::ObjectWrap<NTensor> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports);
  static Napi::Object Wrap(Napi::Env env, at::Tensor t);
  static bool IsInstance(const Napi::Value& v);
  // Unwraps a JS value that must be a live tensor; `what` names the argument in the TypeError.
  static at::Tensor& From(const Napi::Value& v, const std::string& what);
  static int64_t Live();

  explicit NTensor(const Napi::CallbackInfo& info);
  ~NTensor() override;
  at::Tensor& tensor(const Napi::Env& env);

 private:
  void Release(Napi::Env env);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  Napi::Value Shape(const Napi::CallbackInfo& info);
  Napi::Value Dtype(const Napi::CallbackInfo& info);
  Napi::Value Numel(const Napi::CallbackInfo& info);
  Napi::Value ToBuffer(const Napi::CallbackInfo& info);
  Napi::Value Item(const Napi::CallbackInfo& info);
  Napi::Value RequiresGrad(const Napi::CallbackInfo& info);
  Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info);
  Napi::Value Grad(const Napi::CallbackInfo& info);
  Napi::Value SetGrad(const Napi::CallbackInfo& info);
  Napi::Value Backward(const Napi::CallbackInfo& info);
  Napi::Value IsLeaf(const Napi::CallbackInfo& info);
  Napi::Value SameStorage(const Napi::CallbackInfo& info);

  at::Tensor t_;
  bool live_ = false;
  int64_t accounted_ = 0;
};

// Wraps an at::Generator (an independent CPU random stream) for JavaScript.
class NGenerator : public Napi::ObjectWrap<NGenerator> {
 public:
  static Napi::Object Init(Napi::Env env, Napi::Object exports);
  static bool IsInstance(const Napi::Value& v);
  static at::Generator& From(const Napi::Value& v, const std::string& what);
  explicit NGenerator(const Napi::CallbackInfo& info);

 private:
  Napi::Value Seed(const Napi::CallbackInfo& info);
  Napi::Value GetState(const Napi::CallbackInfo& info);
  Napi::Value SetState(const Napi::CallbackInfo& info);
  at::Generator gen_;
};

void InitDispatch(Napi::Env env, Napi::Object exports);
void InitAutograd(Napi::Env env, Napi::Object exports);
void InitAllocator(Napi::Env env, Napi::Object exports);
void InitFused(Napi::Env env, Napi::Object exports);
void InitGemm(Napi::Env env, Napi::Object exports);
void InitFusedMlpBlock(Napi::Env env, Napi::Object exports);
void InitProcessGroup(Napi::Env env, Napi::Object exports);

at::ScalarType ParseDtype(const Napi::Env& env, const std::string& name);
const char* DtypeName(at::ScalarType st);

// Converts any exception escaping libtorch into a JavaScript Error carrying libtorch's message.
[[noreturn]] void Rethrow(const Napi::Env& env);

}  // namespace clab

// Runs `body` and rethrows any C++ exception as a JavaScript exception.
#define CLAB_GUARD(env, body)            \
  try {                                  \
    body                                 \
  } catch (const Napi::Error&) {         \
    throw;                               \
  } catch (...) {                        \
    ::clab::Rethrow(env);                \
  }
