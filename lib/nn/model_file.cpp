// Network::save and Network::load: the model file format, version 1.
//
//   offset 0   8 bytes   magic 89 'N' 'N' 'K' 0D 0A 1A 0A (PNG-style: catches text-mode transfers and truncation
//                        at the first line end)
//          8   u32       format version (1)
//         12   u64       body size in bytes
//         20   body      i64 inputs, u32 loss, u64 seed, f32 l1, f32 l2, u32 layer count,
//                        per layer: i64 units, u32 activation, f32 dropout;
//                        then per layer W (units x fan_in, column-major) and b (units), f32 each
//    20+body   u64       FNV-1a 64 of every byte before it
// All values little-endian; floats as their IEEE-754 bits, so parameters round-trip exactly. The frame (magic,
// version, size, checksum) is nn/framed_file.hpp's, the atomic write core/atomic_file.hpp's, the spec's encoding
// nn/network_spec.hpp's.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/atomic_file.hpp"
#include "nn/byte_io.hpp"
#include "nn/framed_file.hpp"
#include "nn/network_spec.hpp"
#include "nn/network_state.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"

namespace nnk {

namespace {

constexpr std::uint8_t kMagic[8] = {0x89, 'N', 'N', 'K', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr nn::FileFormat kLoadFormat{"nnk::Network::load", "model", kMagic, 1};

std::vector<std::uint8_t> encode(const Network::State& state) {
  nn::ByteWriter body;
  nn::encode_spec(body, state.spec);
  for (const nn::LayerParameters& p : state.layers) {
    for (std::int64_t i = 0; i < p.weights.size(); ++i) body.f32(p.weights.data()[i]);
    for (std::int64_t i = 0; i < p.bias.size(); ++i) body.f32(p.bias.data()[i]);
  }
  return nn::frame(kLoadFormat, body.buffer());
}

}  // namespace

void Network::save(const std::string& path) const {
  const std::vector<std::uint8_t> bytes = encode(*state_);
  detail::write_file_atomically("nnk::Network::save", path, bytes.data(), bytes.size());
}

Network Network::load(const std::string& path) {
  const std::vector<std::uint8_t> bytes = nn::read_whole_file(kLoadFormat.function, path);
  const auto fail = [&](const auto&... parts) { detail::fail("nnk::Network::load: '", path, "' ", parts...); };
  const nn::FramedBody framed = nn::unframe(kLoadFormat, path, bytes);

  nn::ByteReader body(bytes.data() + framed.offset, framed.size);
  NetworkSpec spec = nn::decode_spec(body, kLoadFormat.function, path);
  try {
    nn::validate_spec("the network spec", spec);
  } catch (const Error& e) {
    fail("holds an invalid network: ", e.what());
  }
  const std::uint64_t parameter_bytes = static_cast<std::uint64_t>(nn::parameter_count(spec)) * sizeof(float);
  if (body.remaining() != parameter_bytes)
    fail("is corrupt: its spec needs ", parameter_bytes, " bytes of parameters, the body holds ", body.remaining());

  Network net(std::move(spec));
  for (nn::LayerParameters& p : net.state_->layers) {
    for (std::int64_t i = 0; i < p.weights.size(); ++i) p.weights.data()[i] = body.f32();
    for (std::int64_t i = 0; i < p.bias.size(); ++i) p.bias.data()[i] = body.f32();
  }
  return net;
}

}  // namespace nnk
