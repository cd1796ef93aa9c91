// CRC-32 of a Buffer, written against NAN: the style of addons from before N-API.
//
// NAN hides differences between V8 versions in the source, not in the binary: the compiled
// legacy_codecs.node embeds V8's C++ classes and loads only in the Node major version it was
// built for (see Q28). The N-API version of the same function is at the end, in a comment.
#include <nan.h>  // napi/v8-abi-dependency: ties the binary to one Node major version

#include <cstdint>

namespace {

uint32_t crc_table[256];

void BuildTable() {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
}

uint32_t Crc32(const uint8_t *data, size_t length, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < length; i++) crc = crc_table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

NAN_METHOD(Checksum) {
  if (info.Length() < 1 || !node::Buffer::HasInstance(info[0])) {
    Nan::ThrowTypeError("checksum expects a Buffer");
    return;
  }
  v8::Local<v8::Object> buffer = info[0].As<v8::Object>();
  uint32_t seed = info.Length() > 1 ? Nan::To<uint32_t>(info[1]).FromMaybe(0) : 0;
  const auto *data = reinterpret_cast<const uint8_t *>(node::Buffer::Data(buffer));
  info.GetReturnValue().Set(Nan::New<v8::Uint32>(Crc32(data, node::Buffer::Length(buffer), seed)));
}

NAN_MODULE_INIT(Init) {
  BuildTable();
  Nan::SetMethod(target, "checksum", Checksum);
}

}  // namespace

NODE_MODULE(legacy_codecs, Init)

// The same entry point on node-addon-api (#include <napi.h>, NAPI_VERSION=8 in binding.gyp),
// which loads in every later Node release without a rebuild:
//
//   Napi::Value Checksum(const Napi::CallbackInfo &info) {
//     if (info.Length() < 1 || !info[0].IsBuffer()) {
//       Napi::TypeError::New(info.Env(), "checksum expects a Buffer").ThrowAsJavaScriptException();
//       return info.Env().Undefined();
//     }
//     auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
//     uint32_t seed = info.Length() > 1 ? info[1].As<Napi::Number>().Uint32Value() : 0;
//     return Napi::Number::New(info.Env(), Crc32(buffer.Data(), buffer.Length(), seed));
//   }
//
//   Napi::Object Init(Napi::Env env, Napi::Object exports) {
//     BuildTable();
//     exports.Set("checksum", Napi::Function::New(env, Checksum));
//     return exports;
//   }
//
//   NODE_API_MODULE(legacy_codecs, Init)
