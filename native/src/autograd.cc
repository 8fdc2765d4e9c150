// Autograd entry points beyond Tensor.backward(): gradients of outputs w.r.t. chosen inputs
// (torch.autograd.grad) and the thread-local grad mode behind noGrad().
#include "clab.h"

#include <c10/core/GradMode.h>
#include <torch/csrc/autograd/autograd.h>

namespace clab {

static std::vector<at::Tensor> TensorArray(const Napi::Value& v, const std::string& what) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), what + " must be an array of Tensors");
  auto a = v.As<Napi::Array>();
  std::vector<at::Tensor> out;
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value e = a.Get(i);
    if (e.IsUndefined() || e.IsNull()) out.emplace_back();
    else out.push_back(NTensor::From(e, what + "[" + std::to_string(i) + "]"));
  }
  return out;
}

// grad(outputs, inputs, gradOutputs?, retainGraph, createGraph, allowUnused) -> (Tensor|undefined)[]
static Napi::Value Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto outputs = TensorArray(info[0], "grad(): argument 'outputs'");
  auto inputs = TensorArray(info[1], "grad(): argument 'inputs'");
  std::vector<at::Tensor> gradOutputs;
  if (info.Length() > 2 && !info[2].IsUndefined() && !info[2].IsNull())
    gradOutputs = TensorArray(info[2], "grad(): argument 'gradOutputs'");
  bool create = info.Length() > 4 && info[4].ToBoolean().Value();
  c10::optional<bool> retain;
  if (info.Length() > 3 && !info[3].IsUndefined()) retain = info[3].ToBoolean().Value();
  bool allowUnused = info.Length() > 5 && info[5].ToBoolean().Value();
  CLAB_GUARD(env, {
    auto grads = torch::autograd::grad(outputs, inputs, gradOutputs, retain, create, allowUnused);
    Napi::Array out = Napi::Array::New(env, grads.size());
    for (size_t i = 0; i < grads.size(); i++)
      out.Set(i, grads[i].defined() ? NTensor::Wrap(env, grads[i]) : env.Undefined());
    return out;
  })
}

void InitAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("autogradGrad", Napi::Function::New(env, Grad));
  exports.Set("setGradEnabled", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    c10::GradMode::set_enabled(info[0].ToBoolean().Value());
    return info.Env().Undefined();
  }));
  exports.Set("isGradEnabled", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled());
  }));
}

}  // namespace clab
