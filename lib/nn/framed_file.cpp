#include "nn/framed_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "nn/byte_io.hpp"
#include "nnk/checksum.hpp"
#include "nnk/error.hpp"

namespace nnk::nn {

namespace {

constexpr std::size_t kMagicBytes = 8;
constexpr std::size_t kHeaderBytes = kMagicBytes + 4 + 8;
constexpr std::size_t kChecksumBytes = 8;

}  // namespace

std::vector<std::uint8_t> frame(const FileFormat& format, const std::vector<std::uint8_t>& body) {
  ByteWriter file;
  file.bytes(format.magic, kMagicBytes);
  file.u32(format.version);
  file.u64(body.size());
  file.bytes(body.data(), body.size());
  file.u64(nnk::fnv1a64(file.buffer().data(), file.buffer().size()));
  return std::move(file.buffer());
}

FramedBody unframe(const FileFormat& format, const std::string& path, const std::vector<std::uint8_t>& bytes) {
  const auto fail = [&](const auto&... parts) { detail::fail(format.function, ": '", path, "' ", parts...); };
  if (bytes.size() < kMagicBytes || std::memcmp(bytes.data(), format.magic, kMagicBytes) != 0)
    fail("is not an nnk ", format.noun, " file (it does not start with the nnk ", format.noun, " magic bytes)");
  if (bytes.size() < kHeaderBytes)
    fail("is truncated: ", bytes.size(), " bytes, shorter than the ", kHeaderBytes, "-byte header");
  ByteReader header(bytes.data() + kMagicBytes, kHeaderBytes - kMagicBytes);
  const std::uint32_t version = header.u32();
  const std::uint64_t body_size = header.u64();
  if (version != format.version)
    fail("has ", format.noun, " format version ", version, "; this build reads version ", format.version);
  const std::uint64_t available = bytes.size() - kHeaderBytes;
  if (body_size > available || available - body_size < kChecksumBytes)
    fail("is truncated: ", bytes.size(), " bytes, but its header announces a ", body_size, "-byte body (plus ",
         kHeaderBytes + kChecksumBytes, " bytes of header and checksum)");
  if (available - body_size > kChecksumBytes)
    fail("is corrupt: ", available - body_size - kChecksumBytes, " unexpected bytes after the checksum");
  const std::size_t checked = kHeaderBytes + body_size;
  ByteReader trailer(bytes.data() + checked, kChecksumBytes);
  const std::uint64_t stored = trailer.u64();
  const std::uint64_t computed = nnk::fnv1a64(bytes.data(), checked);
  if (stored != computed) fail("is corrupt: checksum mismatch (stored ", stored, ", computed ", computed, ")");
  return {kHeaderBytes, static_cast<std::size_t>(body_size)};
}

std::vector<std::uint8_t> read_whole_file(const char* function, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) detail::fail(function, ": cannot open '", path, "': ", std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::ios_base::failure&) {  // libstdc++ throws from a failed read(2), e.g. on a directory
    detail::fail(function, ": cannot read '", path, "': ", std::strerror(errno));
  }
  if (in.bad()) detail::fail(function, ": cannot read '", path, "'");
  return bytes;
}

}  // namespace nnk::nn
