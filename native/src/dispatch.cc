// Generic access to ATen operators through libtorch's boxed dispatcher.
//
// lookupOp("aten::add", "Tensor") resolves an operator schema once and returns a small integer;
// callOp(id, args) converts each JavaScript argument according to the schema's declared type,
// fills omitted arguments from the schema's defaults and calls the operator. Autograd, type
// promotion and argument checks are libtorch's own, so the values and gradients are exactly
// PyTorch's. A wrong JavaScript type raises a TypeError naming the operator and the argument.
#include "clab.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/jit_type.h>
#include <cmath>
#include <vector>

namespace clab {

struct OpEntry {
  c10::OperatorHandle handle;
  std::string label;  // "aten::add.Tensor"
};
static std::vector<OpEntry> g_ops;

static std::string ArgLabel(const OpEntry& op, const c10::Argument& a) {
  return op.label + "(): argument '" + a.name() + "'";
}

static bool IsInteger(double d) { return std::isfinite(d) && d == std::floor(d); }

static int64_t ToInt(const Napi::Value& v, const std::string& what) {
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (!IsInteger(d)) throw Napi::TypeError::New(v.Env(), what + " must be an integer, got " + std::to_string(d));
    // Casting a double outside int64's range is undefined behaviour (it wrapped around).
    if (d >= 9223372036854775808.0 || d < -9223372036854775808.0)
      throw Napi::RangeError::New(v.Env(), what + " does not fit in int64");
    return static_cast<int64_t>(d);
  }
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t r = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw Napi::RangeError::New(v.Env(), what + " does not fit in int64");
    return r;
  }
  throw Napi::TypeError::New(v.Env(), what + " must be an integer");
}

// A JavaScript boolean, BigInt or number as an at::Scalar (callers check the JS type first).
static c10::Scalar ToScalar(const Napi::Value& v, const std::string& what) {
  if (v.IsBoolean()) return c10::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) return c10::Scalar(ToInt(v, what));
  double d = v.As<Napi::Number>().DoubleValue();
  // An integral JavaScript number is an integer scalar so that integer tensors stay integer;
  // float tensors promote it to their own dtype exactly as PyTorch does.
  // (−0 stays a float so that its sign survives.)
  if (IsInteger(d) && std::fabs(d) < 9.0e15 && !(d == 0 && std::signbit(d))) return c10::Scalar(static_cast<int64_t>(d));
  return c10::Scalar(d);
}

static const char* JsTypeName(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsBoolean()) return "boolean";
  if (v.IsNumber()) return "number";
  if (v.IsBigInt()) return "bigint";
  if (v.IsString()) return "string";
  if (v.IsArray()) return "array";
  if (NTensor::IsInstance(v)) return "Tensor";
  if (v.IsFunction()) return "function";
  return "object";
}

static c10::IValue ToIValue(const Napi::Value& v, const c10::TypePtr& type, const c10::optional<int32_t>& N,
                            const std::string& what) {
  Napi::Env env = v.Env();
  auto bad = [&](const char* expected) -> Napi::Error {
    return Napi::TypeError::New(env, what + " must be " + expected + ", got " + JsTypeName(v));
  };
  switch (type->kind()) {
    case c10::TypeKind::OptionalType: {
      if (v.IsUndefined() || v.IsNull()) return c10::IValue();
      return ToIValue(v, type->castRaw<c10::OptionalType>()->getElementType(), N, what);
    }
    case c10::TypeKind::TensorType:
      if (!NTensor::IsInstance(v)) throw bad("a Tensor");
      return c10::IValue(NTensor::From(v, what));
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      if (!v.IsNumber() && !v.IsBigInt()) throw bad("an integer");
      return c10::IValue(ToInt(v, what));
    case c10::TypeKind::FloatType:
      if (!v.IsNumber()) throw bad("a number");
      return c10::IValue(v.As<Napi::Number>().DoubleValue());
    case c10::TypeKind::BoolType:
      if (!v.IsBoolean()) throw bad("a boolean");
      return c10::IValue(v.As<Napi::Boolean>().Value());
    case c10::TypeKind::NumberType:  // at::Scalar
      if (!v.IsBoolean() && !v.IsBigInt() && !v.IsNumber()) throw bad("a number");
      return c10::IValue(ToScalar(v, what));
    case c10::TypeKind::StringType:
      if (!v.IsString()) throw bad("a string");
      return c10::IValue(v.As<Napi::String>().Utf8Value());
    case c10::TypeKind::ScalarTypeType:
      if (!v.IsString()) throw bad("a dtype string");
      return c10::IValue(static_cast<int64_t>(ParseDtype(env, v.As<Napi::String>().Utf8Value())));
    case c10::TypeKind::GeneratorType:
      if (!NGenerator::IsInstance(v)) throw bad("a Generator");
      return c10::IValue(NGenerator::From(v, what));
    case c10::TypeKind::ListType: {
      const c10::TypePtr& elem = type->castRaw<c10::ListType>()->getElementType();
      auto ek = elem->kind();
      if (ek == c10::TypeKind::IntType || ek == c10::TypeKind::SymIntType) {
        std::vector<int64_t> out;
        if (v.IsNumber() || v.IsBigInt()) {
          // `int[2] stride=1` style arguments accept one integer for every entry, as in PyTorch.
          int64_t x = ToInt(v, what);
          out.assign(N.has_value() ? *N : 1, x);
        } else if (v.IsArray()) {
          auto a = v.As<Napi::Array>();
          for (uint32_t i = 0; i < a.Length(); i++) out.push_back(ToInt(a.Get(i), what + "[" + std::to_string(i) + "]"));
        } else {
          throw bad("an integer or an array of integers");
        }
        return c10::IValue(out);
      }
      if (!v.IsArray()) throw bad("an array");
      auto a = v.As<Napi::Array>();
      if (ek == c10::TypeKind::TensorType) {
        std::vector<at::Tensor> out;
        for (uint32_t i = 0; i < a.Length(); i++)
          out.push_back(NTensor::From(a.Get(i), what + "[" + std::to_string(i) + "]"));
        return c10::IValue(out);
      }
      if (ek == c10::TypeKind::OptionalType) {  // Tensor?[] (advanced indexing)
        c10::List<c10::optional<at::Tensor>> out;
        for (uint32_t i = 0; i < a.Length(); i++) {
          Napi::Value e = a.Get(i);
          if (e.IsUndefined() || e.IsNull()) out.push_back(c10::nullopt);
          else out.push_back(NTensor::From(e, what + "[" + std::to_string(i) + "]"));
        }
        return c10::IValue(out);
      }
      if (ek == c10::TypeKind::FloatType) {
        std::vector<double> out;
        for (uint32_t i = 0; i < a.Length(); i++) {
          Napi::Value e = a.Get(i);
          if (!e.IsNumber()) throw Napi::TypeError::New(env, what + "[" + std::to_string(i) + "] must be a number");
          out.push_back(e.As<Napi::Number>().DoubleValue());
        }
        return c10::IValue(out);
      }
      if (ek == c10::TypeKind::NumberType) {  // Scalar[] (the foreach ops' ScalarList)
        std::vector<c10::Scalar> out;
        for (uint32_t i = 0; i < a.Length(); i++) {
          Napi::Value e = a.Get(i);
          const std::string item = what + "[" + std::to_string(i) + "]";
          if (!e.IsBoolean() && !e.IsBigInt() && !e.IsNumber()) throw Napi::TypeError::New(env, item + " must be a number");
          out.push_back(ToScalar(e, item));
        }
        return c10::IValue(out);
      }
      if (ek == c10::TypeKind::BoolType) {
        c10::List<bool> out;
        for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).ToBoolean().Value());
        return c10::IValue(out);
      }
      throw Napi::TypeError::New(env, what + ": list of " + elem->str() + " is not supported by clab");
    }
    default:
      if (v.IsUndefined() || v.IsNull()) return c10::IValue();
      throw Napi::TypeError::New(env, what + ": schema type " + type->str() + " is not supported by clab");
  }
}

static Napi::Value FromIValue(Napi::Env env, const c10::IValue& v) {
  if (v.isTensor()) return NTensor::Wrap(env, v.toTensor());
  if (v.isTensorList()) {
    auto list = v.toTensorList();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); i++) out.Set(i, NTensor::Wrap(env, list.get(i)));
    return out;
  }
  if (v.isTuple()) {
    const auto& elems = v.toTupleRef().elements();
    Napi::Array out = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); i++) out.Set(i, FromIValue(env, elems[i]));
    return out;
  }
  if (v.isNone()) return env.Undefined();
  if (v.isBool()) return Napi::Boolean::New(env, v.toBool());
  if (v.isInt()) return Napi::Number::New(env, static_cast<double>(v.toInt()));
  if (v.isDouble()) return Napi::Number::New(env, v.toDouble());
  if (v.isScalar()) return Napi::Number::New(env, v.toScalar().toDouble());
  if (v.isIntList()) {
    auto l = v.toIntVector();
    Napi::Array out = Napi::Array::New(env, l.size());
    for (size_t i = 0; i < l.size(); i++) out.Set(i, Napi::Number::New(env, static_cast<double>(l[i])));
    return out;
  }
  throw Napi::TypeError::New(env, std::string("clab: cannot convert a returned ") + v.tagKind() + " to JavaScript");
}

// lookupOp(name, overload) -> id. Throws if libtorch has no such operator.
static Napi::Value LookupOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString())
    throw Napi::TypeError::New(env, "lookupOp(name, overload): both arguments must be strings");
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string overload = info[1].As<Napi::String>().Utf8Value();
  CLAB_GUARD(env, {
    auto h = c10::Dispatcher::singleton().findSchema({name, overload});
    if (!h.has_value())
      throw Napi::Error::New(env, "libtorch has no operator " + name + (overload.empty() ? "" : "." + overload));
    g_ops.push_back({*h, name + (overload.empty() ? "" : "." + overload)});
    return Napi::Number::New(env, static_cast<double>(g_ops.size() - 1));
  })
}

// opSchema(id) -> the schema string, e.g. "aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor".
static Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id = ToInt(info[0], "opSchema(): argument 'id'");
  if (id < 0 || id >= static_cast<int64_t>(g_ops.size())) throw Napi::RangeError::New(env, "opSchema(): unknown op id");
  std::ostringstream s;
  s << g_ops[id].handle.schema();
  return Napi::String::New(env, s.str());
}

// callOp(id, args, discard?) -> converted outputs (a Tensor, an array for several outputs, or a plain value).
// `undefined` in args (or a short args array) selects the schema's default for that argument.
static Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id = ToInt(info[0], "callOp(): argument 'id'");
  if (id < 0 || id >= static_cast<int64_t>(g_ops.size())) throw Napi::RangeError::New(env, "callOp(): unknown op id");
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "callOp(): argument 'args' must be an array");
  const OpEntry& op = g_ops[id];
  const c10::FunctionSchema& schema = op.handle.schema();
  const auto& formals = schema.arguments();
  auto args = info[1].As<Napi::Array>();
  if (args.Length() > formals.size())
    throw Napi::TypeError::New(env, op.label + "(): expected at most " + std::to_string(formals.size()) +
                                        " arguments, got " + std::to_string(args.Length()));
  torch::jit::Stack stack;
  stack.reserve(formals.size());
  for (size_t i = 0; i < formals.size(); i++) {
    const c10::Argument& a = formals[i];
    Napi::Value v = i < args.Length() ? args.Get(i) : env.Undefined();
    if (v.IsUndefined()) {
      if (a.default_value().has_value()) {
        stack.push_back(*a.default_value());
        continue;
      }
      if (a.real_type()->kind() == c10::TypeKind::OptionalType) {
        stack.emplace_back();
        continue;
      }
      throw Napi::TypeError::New(env, ArgLabel(op, a) + " is required");
    }
    stack.push_back(ToIValue(v, a.real_type(), a.N(), ArgLabel(op, a)));
  }
  CLAB_GUARD(env, {
    op.handle.callBoxed(&stack);
    // In-place operators return their own `self`; the caller may skip wrapping it again.
    if (info.Length() > 2 && info[2].ToBoolean().Value()) return env.Undefined();
    if (stack.size() == 1) return FromIValue(env, stack[0]);
    Napi::Array out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); i++) out.Set(i, FromIValue(env, stack[i]));
    return out;
  })
}

void InitDispatch(Napi::Env env, Napi::Object exports) {
  exports.Set("lookupOp", Napi::Function::New(env, LookupOp));
  exports.Set("opSchema", Napi::Function::New(env, OpSchema));
  exports.Set("callOp", Napi::Function::New(env, CallOp));
}

}  // namespace clab
