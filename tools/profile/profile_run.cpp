#include "profile_run.hpp"

#include <iostream>

#include "report.hpp"

namespace nnk_profile {

void ProfileRun::add(Row row) {
  if (options.progress) print_progress(std::cerr, row);
  rows.push_back(std::move(row));
}

}  // namespace nnk_profile
