// Fluence accumulation: the fluence a list of MLC apertures delivers on a bixel grid.
#pragma once
#include <cstdint>
#include <vector>

namespace linac {

// intervals: segments * rows * 2 int32 values, each row's open bixel interval
// [first, last] inclusive (first > last, or first < 0, means the row is closed).
// weights: one MU weight per segment. Returns rows * cols fluence, row-major.
std::vector<double> AccumulateFluence(int32_t rows, int32_t cols, const int32_t* intervals, const double* weights,
                                      int32_t segments);

}  // namespace linac
