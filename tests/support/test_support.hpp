// The whole test harness (namespace nnk::test): include this, or only the part a test needs.
#pragma once

#include "support/errors.hpp"          // throws_error_containing
#include "support/guarded_matrix.hpp"  // GuardedMatrix: guard zones, gap rows, misaligned views
#include "support/matrices.hpp"        // matrix_from_rows, transposed, ref_gemm (view form)
#include "support/random.hpp"          // Rng, random_matrix, base_seed, derive_seed, NNK_SEED_TRACE
#include "support/shapes.hpp"          // sizes_around, rows_around_vector_widths, small_primes, GemmShape
#include "support/test_directory.hpp"  // TestDirectory: a fresh directory per test
#include "support/tolerance.hpp"       // ulp_distance, matrices_near/equal/within_ulp, GEMM error bound
