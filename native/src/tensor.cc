// The JavaScript face of at::Tensor: lifetime, metadata, data out, and per-tensor autograd state.
#include "clab.h"

#include <ATen/ops/empty.h>
#include <atomic>
#include <cstring>

namespace clab {

static Napi::FunctionReference* g_tensor_ctor = nullptr;
static std::atomic<int64_t> g_live{0};

[[noreturn]] void Rethrow(const Napi::Env& env) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "clab native: unknown C++ exception");
  }
}

at::ScalarType ParseDtype(const Napi::Env& env, const std::string& name) {
  if (name == "float32") return at::kFloat;
  if (name == "float64") return at::kDouble;
  if (name == "int64") return at::kLong;
  if (name == "int32") return at::kInt;
  if (name == "bool") return at::kBool;
  if (name == "uint8") return at::kByte;
  throw Napi::TypeError::New(env, "unknown dtype '" + name +
                                      "' (allowed: float32, float64, int64, int32, bool, uint8)");
}

const char* DtypeName(at::ScalarType st) {
  switch (st) {
    case at::kFloat: return "float32";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kBool: return "bool";
    case at::kByte: return "uint8";
    default: return c10::toString(st);
  }
}

Napi::Object NTensor::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(
      env, "NativeTensor",
      {
          InstanceMethod("dispose", &NTensor::Dispose),
          InstanceMethod("isDisposed", &NTensor::IsDisposed),
          InstanceMethod("shape", &NTensor::Shape),
          InstanceMethod("dtype", &NTensor::Dtype),
          InstanceMethod("numel", &NTensor::Numel),
          InstanceMethod("toBuffer", &NTensor::ToBuffer),
          InstanceMethod("item", &NTensor::Item),
          InstanceMethod("requiresGrad", &NTensor::RequiresGrad),
          InstanceMethod("setRequiresGrad", &NTensor::SetRequiresGrad),
          InstanceMethod("grad", &NTensor::Grad),
          InstanceMethod("setGrad", &NTensor::SetGrad),
          InstanceMethod("backward", &NTensor::Backward),
          InstanceMethod("isLeaf", &NTensor::IsLeaf),
          InstanceMethod("sameStorage", &NTensor::SameStorage),
      });
  g_tensor_ctor = new Napi::FunctionReference(Napi::Persistent(ctor));
  exports.Set("NativeTensor", ctor);

  // fromBuffer(view: ArrayBufferView, shape: number[], dtype: string): copies the bytes.
  exports.Set("fromBuffer", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env env = info.Env();
    if (info.Length() < 3 || !info[0].IsTypedArray())
      throw Napi::TypeError::New(env, "fromBuffer(data, shape, dtype): argument 'data' must be a typed array");
    if (!info[1].IsArray()) throw Napi::TypeError::New(env, "fromBuffer: argument 'shape' must be an array of integers");
    if (!info[2].IsString()) throw Napi::TypeError::New(env, "fromBuffer: argument 'dtype' must be a string");
    auto arr = info[0].As<Napi::TypedArray>();
    auto shapeArr = info[1].As<Napi::Array>();
    std::vector<int64_t> shape;
    int64_t numel = 1;
    for (uint32_t i = 0; i < shapeArr.Length(); i++) {
      Napi::Value v = shapeArr.Get(i);
      if (!v.IsNumber()) throw Napi::TypeError::New(env, "fromBuffer: argument 'shape' must be an array of integers");
      double d = v.As<Napi::Number>().DoubleValue();
      if (d < 0 || d != static_cast<double>(static_cast<int64_t>(d)))
        throw Napi::TypeError::New(env, "fromBuffer: shape entries must be non-negative integers");
      shape.push_back(static_cast<int64_t>(d));
      numel *= shape.back();
    }
    at::ScalarType st = ParseDtype(env, info[2].As<Napi::String>().Utf8Value());
    size_t need = static_cast<size_t>(numel) * c10::elementSize(st);
    if (arr.ByteLength() != need)
      throw Napi::RangeError::New(env, "fromBuffer: data has " + std::to_string(arr.ByteLength()) +
                                           " bytes but shape and dtype need " + std::to_string(need));
    CLAB_GUARD(env, {
      uint8_t* base = static_cast<uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
      at::Tensor t = at::empty(shape, at::TensorOptions().dtype(st));
      if (need > 0) std::memcpy(t.data_ptr(), base, need);
      return Wrap(env, std::move(t));
    })
  }));
  exports.Set("liveTensors", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(g_live.load()));
  }));
  return exports;
}

Napi::Object NTensor::Wrap(Napi::Env env, at::Tensor t) {
  auto* holder = new at::Tensor(std::move(t));
  Napi::Object obj = g_tensor_ctor->New({Napi::External<at::Tensor>::New(env, holder)});
  return obj;
}

bool NTensor::IsInstance(const Napi::Value& v) {
  return v.IsObject() && v.As<Napi::Object>().InstanceOf(g_tensor_ctor->Value());
}

at::Tensor& NTensor::From(const Napi::Value& v, const std::string& what) {
  if (!IsInstance(v)) throw Napi::TypeError::New(v.Env(), what + " must be a Tensor");
  NTensor* self = Napi::ObjectWrap<NTensor>::Unwrap(v.As<Napi::Object>());
  // A disposed tensor's wrapper is removed (see Dispose): Unwrap finds nothing.
  if (self == nullptr) throw Napi::Error::New(v.Env(), "Tensor was disposed and cannot be used");
  return self->tensor(v.Env());
}

int64_t NTensor::Live() { return g_live.load(); }

NTensor::NTensor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NTensor>(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    throw Napi::TypeError::New(info.Env(), "NativeTensor cannot be constructed from JavaScript");
  auto* holder = info[0].As<Napi::External<at::Tensor>>().Data();
  t_ = std::move(*holder);
  delete holder;
  live_ = true;
  g_live++;
  if (t_.defined() && t_.has_storage()) {
    accounted_ = static_cast<int64_t>(t_.numel() * t_.element_size());
    if (accounted_ > 0) Napi::MemoryManagement::AdjustExternalMemory(info.Env(), accounted_);
  }
}

NTensor::~NTensor() {
  // GC backstop: the at::Tensor's reference is dropped with this object. Memory accounting is
  // not adjusted here because the environment may be shutting down.
  if (live_) g_live--;
}

void NTensor::Release(Napi::Env env) {
  if (!live_) return;
  t_ = at::Tensor();
  live_ = false;
  g_live--;
  if (accounted_ > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -accounted_);
  accounted_ = 0;
}

at::Tensor& NTensor::tensor(const Napi::Env& env) {
  if (!live_) throw Napi::Error::New(env, "Tensor was disposed and cannot be used");
  return t_;
}

// Frees the tensor and this wrapper at once. N-API runs wrapper finalizers only on an event-loop
// turn, so a synchronous loop that creates and disposes tensors would otherwise keep every
// wrapper (≈ 0.2 KB: this object and its N-API reference) until it yields. Removing the wrap
// makes the JavaScript object a plain shell: the methods of a removed wrapper return undefined,
// which src/torch/native.ts turns into "Tensor was disposed".
Napi::Value NTensor::Dispose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Release(env);
  napi_value self = info.This();
  void* removed = nullptr;
  if (napi_remove_wrap(env, self, &removed) == napi_ok && removed == this) delete this;
  return env.Undefined();
}

Napi::Value NTensor::IsDisposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !live_); }

Napi::Value NTensor::Shape(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = tensor(env);
  auto sizes = t.sizes();
  Napi::Array out = Napi::Array::New(env, sizes.size());
  for (size_t i = 0; i < sizes.size(); i++) out.Set(i, Napi::Number::New(env, static_cast<double>(sizes[i])));
  return out;
}

Napi::Value NTensor::Dtype(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DtypeName(tensor(info.Env()).scalar_type()));
}

Napi::Value NTensor::Numel(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(tensor(info.Env()).numel()));
}

// Copies the tensor's elements (row-major) into a new ArrayBuffer.
Napi::Value NTensor::ToBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CLAB_GUARD(env, {
    at::Tensor c = tensor(env).detach().contiguous();
    size_t n = static_cast<size_t>(c.numel()) * c.element_size();
    Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, n);
    if (n > 0) std::memcpy(buf.Data(), c.data_ptr(), n);
    return buf;
  })
}

Napi::Value NTensor::Item(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CLAB_GUARD(env, {
    at::Tensor& t = tensor(env);
    if (t.numel() != 1)
      throw Napi::RangeError::New(env, "item(): tensor has " + std::to_string(t.numel()) +
                                           " elements; only one-element tensors can be converted");
    c10::Scalar s = t.item();
    if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
    return Napi::Number::New(env, s.toDouble());
  })
}

Napi::Value NTensor::RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensor(info.Env()).requires_grad());
}

Napi::Value NTensor::SetRequiresGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool on = info.Length() < 1 || info[0].ToBoolean().Value();
  CLAB_GUARD(env, { tensor(env).set_requires_grad(on); })
  return env.Undefined();
}

Napi::Value NTensor::Grad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const at::Tensor& g = tensor(env).grad();
  if (!g.defined()) return env.Undefined();
  return Wrap(env, g);
}

// setGrad(undefined) clears the gradient (PyTorch's `p.grad = None`); setGrad(t) replaces it.
Napi::Value NTensor::SetGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CLAB_GUARD(env, {
    if (info.Length() < 1 || info[0].IsUndefined() || info[0].IsNull()) {
      tensor(env).mutable_grad() = at::Tensor();
    } else {
      at::Tensor& self = tensor(env);
      at::Tensor& g = From(info[0], "setGrad(): argument 'grad'");
      if (g.scalar_type() != self.scalar_type()) throw Napi::Error::New(env, "assigned grad has data of a different type");
      if (!g.sizes().equals(self.sizes())) throw Napi::Error::New(env, "assigned grad has data of a different size");
      self.mutable_grad() = g;
    }
  })
  return env.Undefined();
}

// backward(grad?, retainGraph?, createGraph?)
Napi::Value NTensor::Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CLAB_GUARD(env, {
    at::Tensor grad;
    if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull())
      grad = From(info[0], "backward(): argument 'grad'");
    bool retain = info.Length() > 1 && info[1].ToBoolean().Value();
    bool create = info.Length() > 2 && info[2].ToBoolean().Value();
    tensor(env).backward(grad, retain, create);
  })
  return env.Undefined();
}

Napi::Value NTensor::IsLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), tensor(info.Env()).is_leaf());
}

Napi::Value NTensor::SameStorage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& other = From(info[0], "sameStorage(): argument 'other'");
  at::Tensor& self = tensor(env);
  return Napi::Boolean::New(env, self.has_storage() && other.has_storage() &&
                                     self.storage().is_alias_of(other.storage()));
}

}  // namespace clab
