#include "fluence.h"

#include <stdexcept>
#include <string>

namespace linac {

std::vector<double> AccumulateFluence(int32_t rows, int32_t cols, const int32_t* intervals, const double* weights,
                                      int32_t segments) {
  // Difference array per row: O(segments * rows + rows * cols) instead of O(segments * rows * cols).
  std::vector<double> diff(static_cast<size_t>(rows) * (cols + 1), 0.0);
  for (int32_t k = 0; k < segments; ++k) {
    const double w = weights[k];
    for (int32_t r = 0; r < rows; ++r) {
      const int32_t first = intervals[(static_cast<size_t>(k) * rows + r) * 2];
      const int32_t last = intervals[(static_cast<size_t>(k) * rows + r) * 2 + 1];
      if (first < 0 || last < first) continue;
      if (last >= cols) {
        throw std::range_error("segment " + std::to_string(k) + " row " + std::to_string(r) + " interval end " +
                               std::to_string(last) + " exceeds cols - 1 = " + std::to_string(cols - 1));
      }
      double* d = &diff[static_cast<size_t>(r) * (cols + 1)];
      d[first] += w;
      d[last + 1] -= w;
    }
  }
  std::vector<double> out(static_cast<size_t>(rows) * cols, 0.0);
  for (int32_t r = 0; r < rows; ++r) {
    double run = 0.0;
    const double* d = &diff[static_cast<size_t>(r) * (cols + 1)];
    for (int32_t c = 0; c < cols; ++c) {
      run += d[c];
      out[static_cast<size_t>(r) * cols + c] = run;
    }
  }
  return out;
}

}  // namespace linac
