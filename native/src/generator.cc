// Independent random streams: each clab Generator owns its own libtorch CPU generator, so that
// science code draws from an explicit stream and never from a hidden global.
#include "clab.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <mutex>

namespace clab {

static Napi::FunctionReference* g_gen_ctor = nullptr;

static uint64_t ToSeed(const Napi::Value& v) {
  if (v.IsBigInt()) {
    bool lossless = true;
    uint64_t s = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(v.Env(), "seed must fit in 64 bits");
    return s;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= 0) || d != static_cast<double>(static_cast<uint64_t>(d)) || d > 9007199254740991.0)
      throw Napi::RangeError::New(v.Env(), "seed must be a non-negative safe integer or a bigint");
    return static_cast<uint64_t>(d);
  }
  throw Napi::TypeError::New(v.Env(), "seed must be a number or a bigint");
}

Napi::Object NGenerator::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "NativeGenerator",
                                    {
                                        InstanceMethod("seed", &NGenerator::Seed),
                                        InstanceMethod("getState", &NGenerator::GetState),
                                        InstanceMethod("setState", &NGenerator::SetState),
                                    });
  g_gen_ctor = new Napi::FunctionReference(Napi::Persistent(ctor));
  exports.Set("NativeGenerator", ctor);
  exports.Set("manualSeed", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    uint64_t seed = ToSeed(info[0]);
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
    return info.Env().Undefined();
  }));
  exports.Set("setNumThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    int64_t n = static_cast<int64_t>(info[0].As<Napi::Number>().Int64Value());
    if (n < 1) throw Napi::RangeError::New(info.Env(), "setNumThreads(): n must be at least 1");
    CLAB_GUARD(info.Env(), { at::set_num_threads(static_cast<int>(n)); })
    return info.Env().Undefined();
  }));
  exports.Set("getNumThreads", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), at::get_num_threads());
  }));
  return exports;
}

bool NGenerator::IsInstance(const Napi::Value& v) {
  return v.IsObject() && v.As<Napi::Object>().InstanceOf(g_gen_ctor->Value());
}

at::Generator& NGenerator::From(const Napi::Value& v, const std::string& what) {
  if (!IsInstance(v)) throw Napi::TypeError::New(v.Env(), what + " must be a Generator");
  return Napi::ObjectWrap<NGenerator>::Unwrap(v.As<Napi::Object>())->gen_;
}

NGenerator::NGenerator(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NGenerator>(info) {
  if (info.Length() < 1) throw Napi::TypeError::New(info.Env(), "Generator(seed): argument 'seed' is required");
  gen_ = at::make_generator<at::CPUGeneratorImpl>(ToSeed(info[0]));
}

Napi::Value NGenerator::Seed(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(gen_.current_seed()));
}

// The full generator state as a uint8 tensor, so a checkpoint can resume the exact stream.
Napi::Value NGenerator::GetState(const Napi::CallbackInfo& info) {
  CLAB_GUARD(info.Env(), {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    return NTensor::Wrap(info.Env(), gen_.get_state());
  })
}

Napi::Value NGenerator::SetState(const Napi::CallbackInfo& info) {
  at::Tensor& s = NTensor::From(info[0], "setState(): argument 'state'");
  CLAB_GUARD(info.Env(), {
    std::lock_guard<std::mutex> lock(gen_.mutex());
    gen_.set_state(s);
  })
  return info.Env().Undefined();
}

}  // namespace clab
