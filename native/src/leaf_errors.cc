// Per-leaf error statistics over kept (beam-on, unheld) snapshots.
#include <algorithm>
#include <cmath>

#include "log_kernels.h"

namespace linac {

LeafErrorStats ComputeLeafErrors(const float* expected, const float* actual, const uint8_t* keep, int64_t snapshots,
                                 int32_t leaves) {
  LeafErrorStats r;
  r.rmsPerLeaf.assign(leaves, 0);
  r.maxAbsPerLeaf.assign(leaves, 0);
  r.stdActualPerLeaf.assign(leaves, 0);
  std::vector<double> sumActual(leaves, 0), sumActual2(leaves, 0), all;
  for (int64_t s = 0; s < snapshots; s++) {
    if (!keep[s]) continue;
    r.kept++;
    for (int32_t l = 0; l < leaves; l++) {
      const double a = actual[s * leaves + l];
      const double e = a - static_cast<double>(expected[s * leaves + l]);
      r.rmsPerLeaf[l] += e * e;
      r.maxAbsPerLeaf[l] = std::max(r.maxAbsPerLeaf[l], std::fabs(e));
      sumActual[l] += a;
      sumActual2[l] += a * a;
      all.push_back(std::fabs(e));
    }
  }
  if (r.kept == 0) return r;
  for (int32_t l = 0; l < leaves; l++) {
    r.rmsPerLeaf[l] = std::sqrt(r.rmsPerLeaf[l] / r.kept);
    const double mean = sumActual[l] / r.kept;
    r.stdActualPerLeaf[l] = std::sqrt(std::max(0.0, sumActual2[l] / r.kept - mean * mean));
  }
  std::sort(all.begin(), all.end());
  const double pos = 0.95 * (all.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, all.size() - 1);
  r.p95Abs = all[lo] + (all[hi] - all[lo]) * (pos - lo);
  r.maxAbs = all.back();
  return r;
}

}  // namespace linac
