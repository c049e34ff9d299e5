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
// All values little-endian; floats as their IEEE-754 bits, so parameters round-trip exactly.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/atomic_file.hpp"
#include "nn/byte_io.hpp"
#include "nnk/checksum.hpp"
#include "nn/network_spec.hpp"
#include "nn/network_state.hpp"
#include "nnk/error.hpp"
#include "nnk/network.hpp"

namespace nnk {

namespace {

constexpr std::uint8_t kMagic[8] = {0x89, 'N', 'N', 'K', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::uint32_t kFormatVersion = 1;
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kChecksumBytes = 8;
constexpr std::uint32_t kMaxLayers = 1u << 20;  // a sanity bound on a count read from a file

std::vector<std::uint8_t> encode(const Network::State& state) {
  nn::ByteWriter body;
  const NetworkSpec& spec = state.spec;
  body.i64(spec.inputs);
  body.u32(static_cast<std::uint32_t>(spec.loss));
  body.u64(spec.seed);
  body.f32(spec.l1);
  body.f32(spec.l2);
  body.u32(static_cast<std::uint32_t>(spec.layers.size()));
  for (const LayerSpec& layer : spec.layers) {
    body.i64(layer.units);
    body.u32(static_cast<std::uint32_t>(layer.activation));
    body.f32(layer.dropout);
  }
  for (const nn::LayerParameters& p : state.layers) {
    for (std::int64_t i = 0; i < p.weights.size(); ++i) body.f32(p.weights.data()[i]);
    for (std::int64_t i = 0; i < p.bias.size(); ++i) body.f32(p.bias.data()[i]);
  }

  nn::ByteWriter file;
  file.bytes(kMagic, sizeof kMagic);
  file.u32(kFormatVersion);
  file.u64(body.buffer().size());
  file.bytes(body.buffer().data(), body.buffer().size());
  file.u64(nnk::fnv1a64(file.buffer().data(), file.buffer().size()));
  return std::move(file.buffer());
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail("nnk::Network::load: cannot open '", path, "': ", std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {  // libstdc++ throws from a failed read(2), e.g. on a directory
    detail::fail("nnk::Network::load: cannot read '", path, "': ", std::strerror(errno));
  }
  if (in.bad()) detail::fail("nnk::Network::load: cannot read '", path, "'");
  return bytes;
}

// Reads the spec from the body; the values are validated afterwards, by the Network constructor's checks.
NetworkSpec decode_spec(nn::ByteReader& in, const std::string& path) {
  NetworkSpec spec;
  spec.inputs = in.i64();
  spec.loss = static_cast<Loss>(in.u32());
  spec.seed = in.u64();
  spec.l1 = in.f32();
  spec.l2 = in.f32();
  const std::uint32_t layers = in.u32();
  if (layers > kMaxLayers)
    detail::fail("nnk::Network::load: '", path, "' is corrupt: it declares ", layers, " layers (at most ", kMaxLayers,
                 " supported)");
  for (std::uint32_t l = 0; l < layers && in.ok(); ++l) {
    LayerSpec layer;
    layer.units = in.i64();
    layer.activation = static_cast<Activation>(in.u32());
    layer.dropout = in.f32();
    spec.layers.push_back(layer);
  }
  if (!in.ok()) detail::fail("nnk::Network::load: '", path, "' is corrupt: the body ends inside the network spec");
  return spec;
}

}  // namespace

void Network::save(const std::string& path) const {
  const std::vector<std::uint8_t> bytes = encode(*state_);
  detail::write_file_atomically("nnk::Network::save", path, bytes.data(), bytes.size());
}

Network Network::load(const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_file(path);
  const auto fail = [&](const auto&... parts) { detail::fail("nnk::Network::load: '", path, "' ", parts...); };

  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    fail("is not an nnk model file (it does not start with the nnk model magic bytes)");
  if (bytes.size() < kHeaderBytes)
    fail("is truncated: ", bytes.size(), " bytes, shorter than the ", kHeaderBytes, "-byte header");
  nn::ByteReader header(bytes.data() + sizeof kMagic, kHeaderBytes - sizeof kMagic);
  const std::uint32_t version = header.u32();
  const std::uint64_t body_size = header.u64();
  if (version != kFormatVersion)
    fail("has model format version ", version, "; this build reads version ", kFormatVersion);
  const std::uint64_t available = bytes.size() - kHeaderBytes;
  if (body_size > available || available - body_size < kChecksumBytes)
    fail("is truncated: ", bytes.size(), " bytes, but its header announces a ", body_size, "-byte body (plus ",
         kHeaderBytes + kChecksumBytes, " bytes of header and checksum)");
  if (available - body_size > kChecksumBytes)
    fail("is corrupt: ", available - body_size - kChecksumBytes, " unexpected bytes after the checksum");
  const std::size_t checked = kHeaderBytes + body_size;
  nn::ByteReader trailer(bytes.data() + checked, kChecksumBytes);
  const std::uint64_t stored = trailer.u64();
  const std::uint64_t computed = nnk::fnv1a64(bytes.data(), checked);
  if (stored != computed) fail("is corrupt: checksum mismatch (stored ", stored, ", computed ", computed, ")");

  nn::ByteReader body(bytes.data() + kHeaderBytes, body_size);
  NetworkSpec spec = decode_spec(body, path);
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
