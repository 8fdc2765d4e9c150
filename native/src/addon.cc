// Module entry of the clab native engine.
#include "clab.h"

#include <torch/version.h>
#include <string>

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  clab::InitAllocator(env, exports);
  clab::NTensor::Init(env, exports);
  clab::NGenerator::Init(env, exports);
  clab::InitDispatch(env, exports);
  clab::InitAutograd(env, exports);
  clab::InitFused(env, exports);
  clab::InitGemm(env, exports);
  clab::InitFusedMlpBlock(env, exports);
  clab::InitProcessGroup(env, exports);
  exports.Set("torchVersion", Napi::String::New(env, std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH)));
  return exports;
}

NODE_API_MODULE(clab_native, Init)
