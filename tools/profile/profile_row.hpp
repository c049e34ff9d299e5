// One line of nnk-profile's report: a kernel on one shape and thread count, its rate against the machine's ceiling
// measured in the same run, and against nnk::ref (and, for a peer library, against nnk).
#pragma once

#include <cstdint>
#include <string>

namespace nnk_profile {

// What a rate counts. Flops: GEMMs, fused layers and training steps, against the FMA peak. Bytes: the memory-bound
// elementwise kernels, against the STREAM triad on arrays of the same size.
enum class RateUnit { Flops, Bytes };

// The operands of a GEMM row, for plots of efficiency against size.
struct GemmDims {
  std::string transposes{};  // "NN", "TN", ...
  std::int64_t m = 0, n = 0, k = 0;
};

struct Row {
  std::string kernel{};  // e.g. "sgemm", "sgemm[openblas]", "bias_activation_forward[sigmoid]", "train_step[sgd]"
  std::string shape{};   // e.g. "NN 256x256x256", "64x32 (L1)", "784-512-256-1 m=256"
  std::string isa{};     // the nnk ISA that ran, or a peer's kernel set
  int threads = 1;
  RateUnit unit = RateUnit::Flops;
  double seconds = 0;  // median seconds per call
  double flops = 0;    // floating-point operations per call (nominal for elementwise kernels, see the sections)
  double bytes = 0;    // bytes one call must move to or from memory at least (the model of each section)
  double ceiling = 0;  // FMA peak in FLOP/s or triad bandwidth in B/s, on `threads` threads, measured near this row
  double reference_rate = 0;     // nnk::ref's rate in `unit` per second (single-threaded); 0: not measured
  std::string reference_note{};  // how the reference was timed when not on the same shape, e.g. "ref at n=20"
  double nnk_rate = 0;           // for a peer's row: nnk's rate on the same shape and threads; 0 otherwise
  GemmDims gemm{};               // m = 0 unless the row is a plain GEMM

  // The row's rate in its unit per second: FLOP/s or B/s.
  double rate() const { return (unit == RateUnit::Flops ? flops : bytes) / seconds; }
  double ceiling_fraction() const { return ceiling > 0 ? rate() / ceiling : 0; }
  double speedup_vs_reference() const { return reference_rate > 0 ? rate() / reference_rate : 0; }
  double speedup_vs_nnk() const { return nnk_rate > 0 ? rate() / nnk_rate : 0; }
  // Floating-point operations per byte moved: the x axis of a roofline.
  double arithmetic_intensity() const { return bytes > 0 ? flops / bytes : 0; }
};

}  // namespace nnk_profile
