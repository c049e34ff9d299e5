// The active ISA: chosen once from CPU detection or NNK_ISA, switchable for tests and benchmarks.
#include <atomic>
#include <cstdlib>
#include <string>

#include "cpu/cpu_features.hpp"
#include "nnk/cpu.hpp"
#include "nnk/error.hpp"

namespace nnk {

namespace {

bool cpu_supports(Isa isa) {
  const auto& f = cpu::cpu_features();
  switch (isa) {
    case Isa::Avx512: return f.can_run_avx512();
    case Isa::Avx2: return f.can_run_avx2();
    case Isa::Generic: return true;
  }
  return false;
}

std::string supported_list() {
  std::string list;
  for (Isa isa : supported_isas()) {
    if (!list.empty()) list += ", ";
    list += to_string(isa);
  }
  return list;
}

Isa initial_isa() {
  const char* requested = std::getenv("NNK_ISA");
  if (requested == nullptr || *requested == '\0') return supported_isas().front();
  const std::string name(requested);
  Isa isa{};
  if (name == "avx512") {
    isa = Isa::Avx512;
  } else if (name == "avx2") {
    isa = Isa::Avx2;
  } else if (name == "generic") {
    isa = Isa::Generic;
  } else {
    detail::fail("nnk: NNK_ISA must be one of avx512, avx2, generic; got '", name, "'");
  }
  if (!cpu_supports(isa))
    detail::fail("nnk: NNK_ISA=", name, " is not supported by this CPU (supported: ", supported_list(), ")");
  return isa;
}

// -1 until the first call to active_isa(); then the Isa's value.
std::atomic<int> active{-1};

}  // namespace

std::string_view to_string(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    case Isa::Generic: return "generic";
  }
  return "isa(?)";
}

const std::vector<Isa>& supported_isas() {
  static const std::vector<Isa> isas = [] {
    std::vector<Isa> list;
    for (Isa isa : {Isa::Avx512, Isa::Avx2, Isa::Generic})
      if (cpu_supports(isa)) list.push_back(isa);
    return list;
  }();
  return isas;
}

Isa active_isa() {
  int value = active.load(std::memory_order_acquire);
  if (value < 0) {
    // Every racing first caller computes the same answer (or throws the same error); the first store wins.
    int expected = -1;
    active.compare_exchange_strong(expected, static_cast<int>(initial_isa()), std::memory_order_acq_rel);
    value = active.load(std::memory_order_acquire);
  }
  return static_cast<Isa>(value);
}

void set_active_isa(Isa isa) {
  if (isa != Isa::Avx512 && isa != Isa::Avx2 && isa != Isa::Generic)
    detail::fail("nnk::set_active_isa: isa must be a nnk::Isa enumerator, got ", static_cast<int>(isa));
  if (!cpu_supports(isa))
    detail::fail("nnk::set_active_isa: isa ", to_string(isa), " is not supported by this CPU (supported: ",
                 supported_list(), ")");
  active.store(static_cast<int>(isa), std::memory_order_release);
}

ScopedIsa::ScopedIsa(Isa isa) : previous_(active_isa()) { set_active_isa(isa); }
ScopedIsa::~ScopedIsa() { active.store(static_cast<int>(previous_), std::memory_order_release); }

}  // namespace nnk
