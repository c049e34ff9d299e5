// The whole public API of nnk.
#pragma once

#include "nnk/checksum.hpp"
#include "nnk/cpu.hpp"
#include "nnk/data.hpp"
#include "nnk/error.hpp"
#include "nnk/gemm.hpp"
#include "nnk/kernels.hpp"
#include "nnk/matrix.hpp"
#include "nnk/network.hpp"
#include "nnk/optim.hpp"
#include "nnk/peak.hpp"
#include "nnk/ref.hpp"
#include "nnk/table.hpp"
#include "nnk/train.hpp"
#include "nnk/types.hpp"
#include "nnk/version.hpp"
