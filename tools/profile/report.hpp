// nnk-profile's two outputs: the aligned text table and the JSON document.
#pragma once

#include <ostream>
#include <vector>

#include "ceilings.hpp"
#include "profile_options.hpp"
#include "profile_row.hpp"

namespace nnk_profile {

// "GFLOP/s" or "GB/s", and the row's rate in that unit.
const char* unit_name(RateUnit unit);
double rate_in_unit(const Row& row);

// One line per row, for progress on stderr.
void print_progress(std::ostream& out, const Row& row);

// The machine line (ISA, threads, the first ceilings measured), the table, and what the columns mean.
void print_table(std::ostream& out, const std::vector<Row>& rows, const Ceilings& ceilings);

// Machine (ISA, CPU, threads, every ceiling measurement, peers), options and rows; see the README for the keys.
void print_json(std::ostream& out, const std::vector<Row>& rows, const Ceilings& ceilings,
                const ProfileOptions& options);

}  // namespace nnk_profile
