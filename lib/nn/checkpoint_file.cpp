// Checkpoint files, version 1: the frame of nn/framed_file.hpp around this body (little-endian):
//   spec (nn/network_spec.hpp's encoding); u64 user data size, its bytes;
//   i64 epoch, i64 epochs, u32 finished;
//   settings: u64 seed, i64 batch_size, u32 shuffle, f64 validation_fraction,
//             optimizer: u32 kind (0 Sgd, 1 Adam), f32 learning_rate, then Sgd: f32 momentum, Adam: f32 beta1,
//             beta2, epsilon; schedule: u32 kind, i64 every, f64 factor, f64 gamma, i64 warmup_epochs;
//             i64 early_stopping_patience, f32 clip_norm; x and y: i64 rows, i64 cols, u64 FNV-1a each;
//   i64 best_epoch, f64 best_loss, the best state when best_epoch > 0; the current state.
// A state: i64 steps, u32 optimizer state kind, i64 updates, per layer W then b; per layer the first moments
// (W, b) unless the kind is None, then per layer the second moments (W, b) when it is Adam. Matrices column-major.
#include "nn/checkpoint_file.hpp"

#include <bit>
#include <sstream>
#include <variant>
#include <vector>

#include "core/atomic_file.hpp"
#include "nn/byte_io.hpp"
#include "nn/framed_file.hpp"
#include "nn/network_spec.hpp"
#include "nnk/checksum.hpp"
#include "nnk/error.hpp"
#include "nnk/types.hpp"

namespace nnk::nn {

namespace {

constexpr std::uint8_t kMagic[8] = {0x89, 'N', 'K', 'C', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::uint32_t kVersion = 1;

FileFormat format(const char* function) { return {function, "checkpoint", kMagic, kVersion}; }

void put_matrix(ByteWriter& out, const Matrix& m) {
  for (std::int64_t i = 0; i < m.size(); ++i) out.f32(m.data()[i]);
}

void put_matrices(ByteWriter& out, const std::vector<Matrix>& weights, const std::vector<Matrix>& biases) {
  for (std::size_t l = 0; l < weights.size(); ++l) {
    put_matrix(out, weights[l]);
    put_matrix(out, biases[l]);
  }
}

void put_state(ByteWriter& out, const TrainingSnapshot& s) {
  const OptimizerState& os = s.optimizer();
  out.i64(s.steps());
  out.u32(static_cast<std::uint32_t>(os.kind));
  out.i64(os.updates);
  put_matrices(out, s.weights(), s.biases());
  if (os.kind != OptimizerState::Kind::None) put_matrices(out, os.weight_first, os.bias_first);
  if (os.kind == OptimizerState::Kind::Adam) put_matrices(out, os.weight_second, os.bias_second);
}

void put_fingerprint(ByteWriter& out, const DataFingerprint& f) {
  out.i64(f.rows);
  out.i64(f.cols);
  out.u64(f.fnv1a);
}

}  // namespace

void encode_run_settings(ByteWriter& out, const RunSettings& s) {
  out.u64(s.seed);
  out.i64(s.batch_size);
  out.u32(s.shuffle ? 1 : 0);
  out.f64(s.validation_fraction);
  if (const Sgd* sgd = std::get_if<Sgd>(&s.optimizer)) {
    out.u32(0);
    out.f32(sgd->learning_rate);
    out.f32(sgd->momentum);
  } else {
    const Adam& adam = std::get<Adam>(s.optimizer);
    out.u32(1);
    out.f32(adam.learning_rate);
    out.f32(adam.beta1);
    out.f32(adam.beta2);
    out.f32(adam.epsilon);
  }
  out.u32(static_cast<std::uint32_t>(s.schedule.kind));
  out.i64(s.schedule.every);
  out.f64(s.schedule.factor);
  out.f64(s.schedule.gamma);
  out.i64(s.schedule.warmup_epochs);
  out.i64(s.early_stopping_patience);
  out.f32(s.clip_norm);
  put_fingerprint(out, s.x);
  put_fingerprint(out, s.y);
}

namespace {

// Reads what put_* wrote; a short body turns the reader's ok() false, checked once at the end.
class CheckpointReader {
 public:
  CheckpointReader(ByteReader& in, const NetworkSpec& spec) : in_(in), spec_(spec) {}

  Matrix matrix(std::int64_t rows, std::int64_t cols) {
    Matrix m(rows, cols);
    for (std::int64_t i = 0; i < m.size() && in_.ok(); ++i) m.data()[i] = in_.f32();
    return m;
  }

  void matrices(std::vector<Matrix>& weights, std::vector<Matrix>& biases) {
    weights.clear();
    biases.clear();
    for (std::size_t l = 0; l < spec_.layers.size(); ++l) {
      const std::int64_t units = spec_.layers[l].units;
      weights.push_back(matrix(units, l == 0 ? spec_.inputs : spec_.layers[l - 1].units));
      biases.push_back(matrix(units, 1));
    }
  }

  // false when the optimizer kind is not one of ours.
  bool state(TrainingSnapshot& s) {
    OptimizerState& os = s.optimizer();
    s.steps() = in_.i64();
    const std::uint32_t kind = in_.u32();
    if (kind > static_cast<std::uint32_t>(OptimizerState::Kind::Adam)) return false;
    os = OptimizerState{};
    os.kind = static_cast<OptimizerState::Kind>(kind);
    os.updates = in_.i64();
    matrices(s.weights(), s.biases());
    if (os.kind != OptimizerState::Kind::None) matrices(os.weight_first, os.bias_first);
    if (os.kind == OptimizerState::Kind::Adam) matrices(os.weight_second, os.bias_second);
    return true;
  }

  DataFingerprint fingerprint() {
    DataFingerprint f;
    f.rows = in_.i64();
    f.cols = in_.i64();
    f.fnv1a = in_.u64();
    return f;
  }

  // false for an optimizer kind that is not one of ours.
  bool settings(RunSettings& s) {
    s.seed = in_.u64();
    s.batch_size = in_.i64();
    s.shuffle = in_.u32() != 0;
    s.validation_fraction = in_.f64();
    const std::uint32_t optimizer = in_.u32();
    if (optimizer == 0) {
      Sgd sgd;
      sgd.learning_rate = in_.f32();
      sgd.momentum = in_.f32();
      s.optimizer = sgd;
    } else if (optimizer == 1) {
      Adam adam;
      adam.learning_rate = in_.f32();
      adam.beta1 = in_.f32();
      adam.beta2 = in_.f32();
      adam.epsilon = in_.f32();
      s.optimizer = adam;
    } else {
      return false;
    }
    s.schedule.kind = static_cast<ScheduleKind>(in_.u32());
    s.schedule.every = in_.i64();
    s.schedule.factor = in_.f64();
    s.schedule.gamma = in_.f64();
    s.schedule.warmup_epochs = in_.i64();
    s.early_stopping_patience = in_.i64();
    s.clip_norm = in_.f32();
    s.x = fingerprint();
    s.y = fingerprint();
    return true;
  }

 private:
  ByteReader& in_;
  const NetworkSpec& spec_;
};

std::string describe(const NetworkSpec& spec) {
  std::ostringstream out;
  out << spec.inputs;
  for (const LayerSpec& l : spec.layers) {
    out << "-" << l.units << " " << to_string(l.activation);
    if (l.dropout > 0) out << " (dropout " << l.dropout << ")";
  }
  out << ", " << to_string(spec.loss) << ", seed " << spec.seed << ", l1 " << spec.l1 << ", l2 " << spec.l2;
  return out.str();
}

std::string describe(const Optimizer& optimizer) {
  std::ostringstream out;
  if (const Sgd* sgd = std::get_if<Sgd>(&optimizer)) {
    out << "Sgd{learning_rate " << sgd->learning_rate << ", momentum " << sgd->momentum << "}";
  } else {
    const Adam& a = std::get<Adam>(optimizer);
    out << "Adam{learning_rate " << a.learning_rate << ", beta1 " << a.beta1 << ", beta2 " << a.beta2 << ", epsilon "
        << a.epsilon << "}";
  }
  return out.str();
}

std::string describe(const DataFingerprint& f) {
  std::ostringstream out;
  out << f.rows << " x " << f.cols << " with FNV-1a " << std::hex << f.fnv1a;
  return out.str();
}

bool same_optimizer(const Optimizer& a, const Optimizer& b) {
  if (a.index() != b.index()) return false;
  if (const Sgd* s = std::get_if<Sgd>(&a)) {
    const Sgd& t = std::get<Sgd>(b);
    return s->learning_rate == t.learning_rate && s->momentum == t.momentum;
  }
  const Adam& s = std::get<Adam>(a);
  const Adam& t = std::get<Adam>(b);
  return s.learning_rate == t.learning_rate && s.beta1 == t.beta1 && s.beta2 == t.beta2 && s.epsilon == t.epsilon;
}

std::vector<std::uint8_t> spec_bytes(const NetworkSpec& spec) {
  ByteWriter out;
  encode_spec(out, spec);
  return std::move(out.buffer());
}

}  // namespace

DataFingerprint fingerprint(ConstMatrixView data) {
  return continue_fingerprint({data.rows(), 0, Fnv1a64().value()}, data);
}

DataFingerprint continue_fingerprint(const DataFingerprint& before, ConstMatrixView data) {
  Fnv1a64 hash(before.fnv1a);
  for (std::int64_t j = 0; j < data.cols(); ++j) {
    if constexpr (std::endian::native == std::endian::little) {
      hash.add(data.col(j), static_cast<std::size_t>(data.rows()) * sizeof(float));
    } else {
      ByteWriter bytes;  // little-endian whatever the host, as the file
      for (std::int64_t i = 0; i < data.rows(); ++i) bytes.f32(data.col(j)[i]);
      hash.add(bytes.buffer().data(), bytes.buffer().size());
    }
  }
  return {data.rows(), before.cols + data.cols(), hash.value()};
}

void write_checkpoint(const char* function, const std::string& path, const CheckpointContents& c) {
  ByteWriter body;
  encode_spec(body, c.info.spec);
  body.u64(c.info.user_data.size());
  body.bytes(c.info.user_data.data(), c.info.user_data.size());
  body.i64(c.info.epoch);
  body.i64(c.info.epochs);
  body.u32(c.info.finished ? 1 : 0);
  encode_run_settings(body, c.settings);
  body.i64(c.best_epoch);
  body.f64(c.best_loss);
  if (c.best_epoch > 0) put_state(body, c.best);
  put_state(body, c.current);
  const std::vector<std::uint8_t> bytes = frame(format(function), body.buffer());
  detail::write_file_atomically(function, path, bytes.data(), bytes.size());
}

CheckpointContents read_checkpoint(const char* function, const std::string& path) {
  const std::vector<std::uint8_t> bytes = read_whole_file(function, path);
  const FramedBody framed = unframe(format(function), path, bytes);
  const auto fail = [&](const auto&... parts) { detail::fail(function, ": '", path, "' ", parts...); };

  ByteReader in(bytes.data() + framed.offset, framed.size);
  CheckpointContents c;
  c.info.spec = decode_spec(in, function, path);
  try {
    validate_spec("the network spec", c.info.spec);
  } catch (const Error& e) {
    fail("holds an invalid network: ", e.what());
  }
  const std::uint64_t user_bytes = in.u64();
  if (user_bytes > in.remaining()) fail("is corrupt: its user data (", user_bytes, " bytes) runs past the body");
  const std::vector<std::uint8_t> user = in.bytes(static_cast<std::size_t>(user_bytes));
  c.info.user_data.assign(user.begin(), user.end());
  c.info.epoch = in.i64();
  c.info.epochs = in.i64();
  c.info.finished = in.u32() != 0;
  CheckpointReader reader(in, c.info.spec);
  if (!reader.settings(c.settings)) fail("is corrupt: unknown optimizer kind");
  c.best_epoch = in.i64();
  c.best_loss = in.f64();
  // A state holds at least the parameters: checked before anything of their size is allocated.
  const std::uint64_t parameter_bytes = static_cast<std::uint64_t>(parameter_count(c.info.spec)) * sizeof(float);
  const auto read_state = [&](TrainingSnapshot& state, const char* which) {
    if (in.remaining() < parameter_bytes)
      fail("is truncated: ", in.remaining(), " bytes left for the ", which, ", whose parameters alone need ",
           parameter_bytes);
    if (!reader.state(state)) fail("is corrupt: unknown optimizer state kind in the ", which);
  };
  if (c.best_epoch > 0) read_state(c.best, "best epoch's state");
  read_state(c.current, "current state");
  if (!in.ok()) fail("is corrupt: the body ends before the training state its network needs");
  if (in.remaining() != 0) fail("is corrupt: ", in.remaining(), " unexpected bytes at the end of the body");
  if (c.info.epoch < 0 || c.best_epoch < 0 || c.best_epoch > c.info.epoch)
    fail("is corrupt: epoch ", c.info.epoch, ", best epoch ", c.best_epoch);
  return c;
}

void check_resumable(const char* function, const std::string& path, const CheckpointContents& c,
                     const NetworkSpec& spec, const RunSettings& now) {
  const auto fail = [&](const auto&... parts) {
    detail::fail(function, ": cannot resume from '", path, "': ", parts...);
  };
  if (spec_bytes(spec) != spec_bytes(c.info.spec))
    fail("it is a checkpoint of another network (", describe(c.info.spec), "); net is ", describe(spec));
  const RunSettings& then = c.settings;
  const auto differs = [&](const char* name, const auto& was, const auto& is) {
    fail("it was written with ", name, " ", was, ", this run has ", is, " (a resumed run must match the first)");
  };
  if (then.x != now.x) fail("it was trained on other inputs: x was ", describe(then.x), ", is ", describe(now.x));
  if (then.y != now.y) fail("it was trained on other targets: y was ", describe(then.y), ", is ", describe(now.y));
  if (then.seed != now.seed) differs("options.seed", then.seed, now.seed);
  if (then.batch_size != now.batch_size) differs("options.batch_size", then.batch_size, now.batch_size);
  if (then.shuffle != now.shuffle) differs("options.shuffle", then.shuffle, now.shuffle);
  if (then.validation_fraction != now.validation_fraction)
    differs("options.validation_fraction", then.validation_fraction, now.validation_fraction);
  if (!same_optimizer(then.optimizer, now.optimizer))
    differs("the optimizer", describe(then.optimizer), describe(now.optimizer));
  if (!(then.schedule == now.schedule)) differs("options.schedule", to_string(then.schedule), to_string(now.schedule));
  if (then.early_stopping_patience != now.early_stopping_patience)
    differs("options.early_stopping_patience", then.early_stopping_patience, now.early_stopping_patience);
  if (then.clip_norm != now.clip_norm) differs("options.clip_norm", then.clip_norm, now.clip_norm);
}

}  // namespace nnk::nn

namespace nnk {

CheckpointInfo read_checkpoint_info(const std::string& path) {
  return nn::read_checkpoint("nnk::read_checkpoint_info", path).info;
}

}  // namespace nnk
