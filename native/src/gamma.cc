// Gamma index (Low, Harms, Mutic, Purdy 1998, Med Phys 25:656): for each reference point above the
// cutoff, the minimum over evaluated points r' within the search radius of
//   sqrt(|r' - r|^2 / dd^2 + (De(r') - Dr(r))^2 / dD^2).
// Search as Wendling et al. 2007 (Med Phys 34:1647): the evaluated distribution is interpolated
// (multilinear) at offsets on a grid of step stepMm, visited in order of increasing distance, and the
// search for a point stops once the distance term alone reaches the smallest gamma found.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>

#include "log_kernels.h"

namespace linac {

namespace {

// One search offset with its interpolation stencil: the corners with non-zero weight, as flat index
// offsets from the point, and the range of the stencil per axis (for the bounds test).
struct Offset {
  double d2;  // |o|^2 / dd^2
  int32_t corners = 0;
  int64_t flat[8];
  double weight[8];
  int32_t lo[3], hi[3];  // stencil extent in cells per axis
};

std::vector<Offset> Offsets(const GammaSpec& s) {
  std::vector<Offset> out;
  const int32_t m = static_cast<int32_t>(std::floor(s.radiusMm / s.stepMm + 1e-9));
  int32_t lim[3];
  for (int a = 0; a < 3; a++) lim[a] = s.n[a] > 1 ? m : 0;
  const int64_t stride[3] = {static_cast<int64_t>(s.n[1]) * s.n[2], s.n[2], 1};
  for (int32_t i = -lim[0]; i <= lim[0]; i++)
    for (int32_t j = -lim[1]; j <= lim[1]; j++)
      for (int32_t k = -lim[2]; k <= lim[2]; k++) {
        const int64_t q = static_cast<int64_t>(i) * i + static_cast<int64_t>(j) * j + static_cast<int64_t>(k) * k;
        if (q > static_cast<int64_t>(m) * m) continue;
        Offset o;
        o.d2 = q * s.stepMm * s.stepMm / (s.distanceMm * s.distanceMm);
        const int32_t idx[3] = {i, j, k};
        int32_t shift[3];
        double frac[3];
        for (int a = 0; a < 3; a++) {
          const double c = idx[a] * s.stepMm / s.spacingMm[a];
          const double fl = std::floor(c + 1e-9);
          shift[a] = static_cast<int32_t>(fl);
          frac[a] = std::max(0.0, c - fl);
          if (frac[a] < 1e-9) frac[a] = 0;
          o.lo[a] = shift[a];
          o.hi[a] = shift[a] + (frac[a] > 0 ? 1 : 0);
        }
        for (int dz = 0; dz <= (frac[0] > 0); dz++)
          for (int dy = 0; dy <= (frac[1] > 0); dy++)
            for (int dx = 0; dx <= (frac[2] > 0); dx++) {
              o.weight[o.corners] = (dz ? frac[0] : 1 - frac[0]) * (dy ? frac[1] : 1 - frac[1]) * (dx ? frac[2] : 1 - frac[2]);
              o.flat[o.corners] = (shift[0] + dz) * stride[0] + (shift[1] + dy) * stride[1] + (shift[2] + dx) * stride[2];
              o.corners++;
            }
        out.push_back(o);
      }
  std::stable_sort(out.begin(), out.end(), [](const Offset& a, const Offset& b) { return a.d2 < b.d2; });
  return out;
}

}  // namespace

GammaResult ComputeGamma(const double* ref, const double* ev, const GammaSpec& s) {
  const int64_t total = static_cast<int64_t>(s.n[0]) * s.n[1] * s.n[2];
  double maxRef = 0;
  for (int64_t p = 0; p < total; p++) maxRef = std::max(maxRef, ref[p]);
  const double cutoff = s.cutoffPercent / 100.0 * maxRef;
  const std::vector<Offset> offs = Offsets(s);
  Offset reach{};
  for (int a = 0; a < 3; a++) {
    reach.lo[a] = 0;
    reach.hi[a] = 0;
    for (const Offset& o : offs) reach.lo[a] = std::min(reach.lo[a], o.lo[a]), reach.hi[a] = std::max(reach.hi[a], o.hi[a]);
  }
  GammaResult r;
  r.gamma.assign(total, std::numeric_limits<float>::quiet_NaN());
  auto work = [&](int64_t from, int64_t to) {
    for (int64_t p = from; p < to; p++) {
      const double dr = ref[p];
      if (dr < cutoff || dr <= 0) continue;
      const double dD = s.dosePercent / 100.0 * (s.local ? dr : maxRef);
      const double inv = 1.0 / (dD * dD);
      const int32_t at[3] = {static_cast<int32_t>(p / (static_cast<int64_t>(s.n[1]) * s.n[2])),
                             static_cast<int32_t>((p / s.n[2]) % s.n[1]), static_cast<int32_t>(p % s.n[2])};
      double best = std::numeric_limits<double>::infinity();
      // a point whose every stencil stays inside the grid needs no bounds test
      bool interior = true;
      for (int a = 0; a < 3; a++) interior = interior && at[a] + reach.lo[a] >= 0 && at[a] + reach.hi[a] < s.n[a];
      const double* e = ev + p;
      for (const Offset& o : offs) {
        if (o.d2 >= best) break;
        if (!interior) {
          bool inside = true;
          for (int a = 0; a < 3; a++) inside = inside && at[a] + o.lo[a] >= 0 && at[a] + o.hi[a] < s.n[a];
          if (!inside) continue;
        }
        double de = 0;
        for (int32_t c = 0; c < o.corners; c++) de += o.weight[c] * e[o.flat[c]];
        best = std::min(best, o.d2 + (de - dr) * (de - dr) * inv);
      }
      r.gamma[p] = static_cast<float>(std::sqrt(best));
    }
  };
  // blocks handed out in turn: points above the cutoff cluster in the middle of the grid
  std::atomic<int64_t> next{0};
  const int64_t block = 2048;
  auto worker = [&]() {
    for (int64_t b = next.fetch_add(block); b < total; b = next.fetch_add(block)) work(b, std::min(total, b + block));
  };
  const int32_t threads = std::max(1, std::min<int32_t>(s.threads, 16));
  std::vector<std::thread> pool;
  for (int32_t t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  for (int64_t p = 0; p < total; p++) {
    const float g = r.gamma[p];
    if (std::isnan(g)) continue;
    r.evaluated++;
    r.sum += g;
    if (g <= 1.0f) r.passed++;
  }
  return r;
}

}  // namespace linac
