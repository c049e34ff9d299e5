// The whole public API of nnk.
#pragma once

#include "nnk/cpu.hpp"
#include "nnk/error.hpp"
#include "nnk/gemm.hpp"
#include "nnk/matrix.hpp"
#include "nnk/optim.hpp"
#include "nnk/peak.hpp"
#include "nnk/ref.hpp"
#include "nnk/types.hpp"
#include "nnk/version.hpp"
