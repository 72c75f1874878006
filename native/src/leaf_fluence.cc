// Fluence from logged leaf positions: each kept snapshot adds its MU weight over the open
// area of every leaf pair (between the tips, inside the jaws), with exact pixel overlap.
#include <algorithm>
#include <cmath>

#include "log_kernels.h"

namespace linac {

namespace {
// Overlap of [lo, hi] with the pixels of one axis: calls f(pixel, length).
template <typename F>
void Overlaps(double lo, double hi, double origin, double res, int32_t n, F f) {
  if (!(hi > lo)) return;  // NaN too
  // in pixel-edge units, clamped to the grid before any cast: a cast of an infinity is undefined
  const double first = std::clamp((lo - origin) / res + 0.5, 0.0, static_cast<double>(n));
  const double last = std::clamp((hi - origin) / res + 0.5, 0.0, static_cast<double>(n));
  int32_t i0 = std::max<int32_t>(0, static_cast<int32_t>(std::floor(first)));
  int32_t i1 = std::min<int32_t>(n - 1, static_cast<int32_t>(std::ceil(last)) - 1);
  for (int32_t i = i0; i <= i1; i++) {
    const double len = std::min<double>(last, i + 1) - std::max<double>(first, i);
    if (len > 0) f(i, len);
  }
}
}  // namespace

std::vector<double> LeafFluence(const float* tips, const double* weight, const float* jaws, const double* boundaries,
                                int64_t snapshots, int32_t pairs, const FluenceGridSpec& g) {
  std::vector<double> out(static_cast<size_t>(g.nx) * g.ny, 0.0);
  std::vector<double> row(g.nx);
  for (int64_t s = 0; s < snapshots; s++) {
    if (weight[s] == 0) continue;
    const float* j = jaws + s * 4;
    for (int32_t p = 0; p < pairs; p++) {
      const double xlo = std::max<double>(tips[(s * pairs + p) * 2], j[0]);
      const double xhi = std::min<double>(tips[(s * pairs + p) * 2 + 1], j[1]);
      const double ylo = std::max<double>(boundaries[p], j[2]), yhi = std::min<double>(boundaries[p + 1], j[3]);
      if (xhi <= xlo || yhi <= ylo) continue;
      int32_t first = g.nx, last = -1;  // the columns the opening covers
      Overlaps(xlo, xhi, g.x0Mm, g.resolutionMm, g.nx, [&](int32_t i, double len) {
        row[i] = len;
        first = std::min(first, i);
        last = std::max(last, i);
      });
      Overlaps(ylo, yhi, g.y0Mm, g.resolutionMm, g.ny, [&](int32_t r, double len) {
        double* o = out.data() + static_cast<size_t>(r) * g.nx;
        const double w = weight[s] * len;
        for (int32_t i = first; i <= last; i++) o[i] += w * row[i];
      });
    }
  }
  return out;
}

}  // namespace linac
