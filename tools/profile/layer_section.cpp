// Rate: the GEMM's 2mnk FLOPs per call (the epilogue's few operations per element of C are not counted), against
// the FMA peak. Bytes: A, B and C once, plus the bias (forward) or g'(A_prev) and the row sums (backward).
#include "layer_section.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "nnk/cpu.hpp"
#include "nnk/gemm.hpp"
#include "nnk/kernels.hpp"
#include "nnk/ref.hpp"

namespace nnk_profile {

namespace {

using nnk::Activation;

struct LayerShape {
  bool forward;
  nnk::Trans trans_a;
  std::int64_t m, n, k;
};

constexpr LayerShape kForward{true, nnk::Trans::No, 1024, 256, 784};
constexpr LayerShape kBackward{false, nnk::Trans::Yes, 784, 256, 1024};

// The operands of one layer GEMM: C = op(A) B, `other` an activation output (g'(other) in the backward epilogue).
struct LayerOperands {
  explicit LayerOperands(const LayerShape& s) : shape(s) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
    auto random = [&](std::int64_t rows, std::int64_t cols) {
      nnk::Matrix x(rows, cols);
      for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = uniform(rng);
      return x;
    };
    a = s.trans_a == nnk::Trans::No ? random(s.m, s.k) : random(s.k, s.m);
    b = random(s.k, s.n);
    c = nnk::Matrix(s.m, s.n);
    bias = random(s.m, 1);
    db = nnk::Matrix(s.m, 1);
    // An activation output in (0, 1): every derivative is non-trivial there.
    other = random(s.m, s.n);
    for (std::int64_t i = 0; i < other.size(); ++i) other.data()[i] = 0.5f + 0.495f * other.data()[i];
  }
  LayerShape shape;
  nnk::Matrix a, b, c, bias, db, other;
};

std::string kernel_name(const LayerShape& s, Activation g) {
  return std::string(s.forward ? "layer_forward[" : "layer_backward[") + std::string(nnk::to_string(g)) + "]";
}

constexpr Activation kActivations[] = {Activation::ReLU, Activation::Sigmoid, Activation::Tanh};

bool in_quick_selection(Activation g) { return g == Activation::ReLU; }

std::vector<std::string> names(bool quick) {
  std::vector<std::string> list;
  for (const LayerShape* s : {&kForward, &kBackward})
    for (Activation g : kActivations)
      if (!quick || in_quick_selection(g)) list.push_back(kernel_name(*s, g));
  return list;
}

void run_fused(LayerOperands& x, Activation g) {
  const LayerShape& s = x.shape;
  nnk::GemmEpilogue e;
  if (s.forward) {
    e.bias = x.bias.data();
    e.activation = g;
  } else {
    e.derivative_of = x.other.data();
    e.derivative_ld = x.other.ld();
    e.derivative_activation = g;
    e.row_sums = x.db.data();
    e.row_sums_scale = 1.0f / static_cast<float>(s.n);
  }
  nnk::sgemm(s.trans_a, nnk::Trans::No, s.m, s.n, s.k, 1.0f, x.a.data(), x.a.ld(), x.b.data(), x.b.ld(), 0.0f,
             x.c.data(), x.c.ld(), e);
}

// The same layer with the reference kernels, one pass each.
void run_reference(LayerOperands& x, Activation g) {
  const LayerShape& s = x.shape;
  nnk::ref::sgemm(s.trans_a, nnk::Trans::No, s.m, s.n, s.k, 1.0f, x.a.data(), x.a.ld(), x.b.data(), x.b.ld(), 0.0f,
                  x.c.data(), x.c.ld());
  if (s.forward) {
    nnk::ref::bias_activation_forward(g, x.c, x.bias, x.c);
  } else {
    nnk::ref::activation_backward(g, x.other, x.c, x.c);
    nnk::ref::bias_gradient(x.c, 1.0f / static_cast<float>(s.n), x.db);
  }
}

double flops(const LayerShape& s) {
  return 2.0 * static_cast<double>(s.m) * static_cast<double>(s.n) * static_cast<double>(s.k);
}

double bytes_moved(const LayerShape& s) {
  const double mn = static_cast<double>(s.m * s.n);
  const double operands = static_cast<double>(s.m * s.k + s.k * s.n) + mn + static_cast<double>(s.m);
  return 4.0 * (s.forward ? operands : operands + mn);
}

void run_layer(ProfileRun& run, const LayerShape& shape) {
  LayerOperands operands(shape);
  // The reference on fewer columns (examples): the same per-column work, about run.reference_flops_per_call() per call.
  LayerShape small = shape;
  small.n = std::clamp<std::int64_t>(
      static_cast<std::int64_t>(run.reference_flops_per_call() / (2.0 * static_cast<double>(shape.m * shape.k))), 1,
      shape.n);
  LayerOperands reference_operands(small);
  const std::string note = small.n == shape.n ? "" : "ref at n=" + std::to_string(small.n);
  const std::string shape_text = std::string(shape.trans_a == nnk::Trans::No ? "NN " : "TN ") +
                                 std::to_string(shape.m) + "x" + std::to_string(shape.n) + "x" +
                                 std::to_string(shape.k);
  const std::string isa(nnk::to_string(nnk::active_isa()));
  for (Activation g : kActivations) {
    const std::string name = kernel_name(shape, g);
    if (!run.options.selected(name) || (run.options.quick && !in_quick_selection(g))) continue;
    const double reference_seconds =
        median_seconds_per_call([&] { run_reference(reference_operands, g); }, run.reference_timing());
    for (int threads : run.options.threads) {
      Row row{.kernel = name,
              .shape = shape_text,
              .isa = isa,
              .threads = threads,
              .unit = RateUnit::Flops,
              .flops = flops(shape),
              .bytes = bytes_moved(shape),
              .ceiling = run.ceilings.fma_peak(threads),
              .reference_rate = flops(small) / reference_seconds,
              .reference_note = note};
      const nnk::ScopedNumThreads use_threads(threads);
      row.seconds = median_seconds_per_call([&] { run_fused(operands, g); }, run.timing());
      run.add(std::move(row));
    }
  }
}

void run_section(ProfileRun& run) {
  run_layer(run, kForward);
  run_layer(run, kBackward);
}

}  // namespace

Section layer_section() { return {names, run_section}; }

}  // namespace nnk_profile
