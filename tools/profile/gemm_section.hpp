// nnk::sgemm on square sizes and layer shapes (tools/measure/gemm_shapes.cpp), with the peers found at build time as
// rows of their own: kernel "sgemm", "sgemm[openblas]", "sgemm[onednn]".
#pragma once

#include "profile_run.hpp"

namespace nnk_profile {

Section gemm_section();

}  // namespace nnk_profile
