// Gamma index (Low, Harms, Mutic, Purdy 1998, Med Phys 25:656): for each reference point above the
// cutoff, the minimum over evaluated points r' within the search radius of
//   sqrt(|r' - r|^2 / dd^2 + (De(r') - Dr(r))^2 / dD^2).
// Search as Wendling et al. 2007 (Med Phys 34:1647): the evaluated distribution is interpolated
// (multilinear) at offsets on a grid of step stepMm within radiusMm, visited in order of increasing
// distance, and the search for a point stops once the distance term alone reaches the smallest gamma
// found. Offsets are grouped by the grid cell they interpolate in; a cell whose nearest offset plus the
// dose gap to the range of its corner values (a lower bound: multilinear values lie within the corners'
// range) cannot beat the smallest gamma so far is skipped whole. The result is the exact minimum.
#pragma GCC optimize("O3")
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <thread>

#include "log_kernels.h"

namespace linac {

namespace {

// One search offset: its weights on the corners of its cell (2^k corners for k axes of more than one
// point, the slowest axis as the highest bit; zero for an axis it does not straddle) and the cells
// its stencil needs per axis (bounds test).
struct Offset {
  double d2;  // |o|^2 / dd^2
  double w[8];
  int32_t lo[3], hi[3];
};

// Offsets interpolating in the same cell (same whole-cell shift), nearest first.
struct Cell {
  double minD2 = 0;
  size_t begin = 0, end = 0;
  int32_t shift[3] = {0, 0, 0};
  int64_t flat[8];  // corner offsets from the point
};

struct Search {
  int32_t corners = 1;
  int32_t axis[3];              // corner bit b (from the highest) -> grid axis
  std::vector<Offset> offsets;  // cell by cell, each cell's by increasing d2
  std::vector<Cell> cells;      // by increasing minD2
  int32_t reachLo[3], reachHi[3];
};

Search BuildSearch(const GammaSpec& s) {
  const int32_t m = static_cast<int32_t>(std::floor(s.radiusMm / s.stepMm + 1e-9));
  int32_t lim[3];
  for (int a = 0; a < 3; a++) lim[a] = s.n[a] > 1 ? m : 0;
  const int64_t stride[3] = {static_cast<int64_t>(s.n[1]) * s.n[2], s.n[2], 1};
  std::map<std::array<int32_t, 3>, std::vector<Offset>> byCell;
  int32_t axis[3], active = 0;
  for (int a = 0; a < 3; a++)
    if (s.n[a] > 1) axis[active++] = a;
  const int32_t corners = 1 << active;
  for (int32_t i = -lim[0]; i <= lim[0]; i++)
    for (int32_t j = -lim[1]; j <= lim[1]; j++)
      for (int32_t k = -lim[2]; k <= lim[2]; k++) {
        const int64_t q = static_cast<int64_t>(i) * i + static_cast<int64_t>(j) * j + static_cast<int64_t>(k) * k;
        if (q > static_cast<int64_t>(m) * m) continue;
        Offset o;
        o.d2 = q * s.stepMm * s.stepMm / (s.distanceMm * s.distanceMm);
        const int32_t idx[3] = {i, j, k};
        double f[3];
        std::array<int32_t, 3> shift;
        for (int a = 0; a < 3; a++) {
          const double c = idx[a] * s.stepMm / s.spacingMm[a];
          const double fl = std::floor(c + 1e-9);
          shift[a] = static_cast<int32_t>(fl);
          f[a] = std::max(0.0, c - fl);
          if (f[a] < 1e-9) f[a] = 0;
          o.lo[a] = shift[a];
          o.hi[a] = shift[a] + (f[a] > 0 ? 1 : 0);
        }
        for (int c = 0; c < corners; c++) {
          o.w[c] = 1;
          for (int b = 0; b < active; b++) {
            const int a = axis[b], bit = c >> (active - 1 - b) & 1;
            o.w[c] *= bit ? f[a] : 1 - f[a];
          }
        }
        byCell[shift].push_back(o);
      }
  Search out;
  out.corners = corners;
  for (int b = 0; b < 3; b++) out.axis[b] = b < active ? axis[b] : 0;
  for (auto& [shift, offs] : byCell) {
    std::stable_sort(offs.begin(), offs.end(), [](const Offset& a, const Offset& b) { return a.d2 < b.d2; });
    Cell c;
    c.minD2 = offs.front().d2;
    for (int a = 0; a < 3; a++) c.shift[a] = shift[a];
    for (int k = 0; k < corners; k++) {
      c.flat[k] = 0;
      for (int a = 0; a < 3; a++) c.flat[k] += shift[a] * stride[a];
      for (int b = 0; b < active; b++) c.flat[k] += (k >> (active - 1 - b) & 1) * stride[axis[b]];
    }
    out.cells.push_back(c);
  }
  std::stable_sort(out.cells.begin(), out.cells.end(), [](const Cell& a, const Cell& b) { return a.minD2 < b.minD2; });
  for (Cell& c : out.cells) {
    const auto& offs = byCell[{c.shift[0], c.shift[1], c.shift[2]}];
    c.begin = out.offsets.size();
    out.offsets.insert(out.offsets.end(), offs.begin(), offs.end());
    c.end = out.offsets.size();
  }
  for (int a = 0; a < 3; a++) {
    out.reachLo[a] = 0;
    out.reachHi[a] = 0;
    for (const Cell& c : out.cells) {
      out.reachLo[a] = std::min(out.reachLo[a], c.shift[a]);
      out.reachHi[a] = std::max(out.reachHi[a], c.shift[a] + (s.n[a] > 1 ? 1 : 0));
    }
  }
  return out;
}

// gamma^2 of one reference point at grid position at[] (flat index p); K = corners per cell.
template <int K>
double PointGamma2(const double* ev, const GammaSpec& s, const Search& q, int64_t p, const int32_t at[3], double dr, double inv) {
  bool interior = true;
  for (int a = 0; a < 3; a++) interior = interior && at[a] + q.reachLo[a] >= 0 && at[a] + q.reachHi[a] < s.n[a];
  const double* e = ev + p;
  double best = std::numeric_limits<double>::infinity();
  double v[8];
  for (const Cell& c : q.cells) {
    if (c.minD2 >= best) break;
    double mn = std::numeric_limits<double>::infinity(), mx = -mn;
    for (int k = 0; k < K; k++) {
      if (!interior) {
        int32_t x[3] = {at[0] + c.shift[0], at[1] + c.shift[1], at[2] + c.shift[2]};
        for (int b = 0, active = __builtin_ctz(K); b < active; b++) x[q.axis[b]] += k >> (active - 1 - b) & 1;
        bool in = true;
        for (int a = 0; a < 3; a++) in = in && x[a] >= 0 && x[a] < s.n[a];
        if (!in) {
          v[k] = 0;  // only offsets with zero weight here pass the bounds test below
          continue;
        }
      }
      v[k] = e[c.flat[k]];
      mn = std::min(mn, v[k]);
      mx = std::max(mx, v[k]);
    }
    if (mn > mx) continue;  // the whole cell lies outside the grid
    const double gap = dr < mn ? mn - dr : (dr > mx ? dr - mx : 0.0);
    if (c.minD2 + gap * gap * inv >= best) continue;
    for (size_t i = c.begin; i < c.end; i++) {
      const Offset& o = q.offsets[i];
      if (o.d2 >= best) break;
      if (!interior) {
        bool inside = true;
        for (int a = 0; a < 3; a++) inside = inside && at[a] + o.lo[a] >= 0 && at[a] + o.hi[a] < s.n[a];
        if (!inside) continue;
      }
      double de = 0;
      for (int k = 0; k < K; k++) de += o.w[k] * v[k];
      best = std::min(best, o.d2 + (de - dr) * (de - dr) * inv);
    }
  }
  return best;
}

}  // namespace

GammaResult ComputeGamma(const double* ref, const double* ev, const GammaSpec& s) {
  const int64_t total = static_cast<int64_t>(s.n[0]) * s.n[1] * s.n[2];
  double maxRef = 0;
  for (int64_t p = 0; p < total; p++) maxRef = std::max(maxRef, ref[p]);
  const double cutoff = s.cutoffPercent / 100.0 * maxRef;
  const Search search = BuildSearch(s);
  GammaResult r;
  r.gamma.assign(total, std::numeric_limits<float>::quiet_NaN());
  auto work = [&](int64_t from, int64_t to) {
    for (int64_t p = from; p < to; p++) {
      const double dr = ref[p];
      if (dr < cutoff || dr <= 0) continue;
      const double dD = s.dosePercent / 100.0 * (s.local ? dr : maxRef);
      const int32_t at[3] = {static_cast<int32_t>(p / (static_cast<int64_t>(s.n[1]) * s.n[2])),
                             static_cast<int32_t>((p / s.n[2]) % s.n[1]), static_cast<int32_t>(p % s.n[2])};
      const double inv = 1.0 / (dD * dD);
      const double g2 = search.corners == 8   ? PointGamma2<8>(ev, s, search, p, at, dr, inv)
                        : search.corners == 4 ? PointGamma2<4>(ev, s, search, p, at, dr, inv)
                        : search.corners == 2 ? PointGamma2<2>(ev, s, search, p, at, dr, inv)
                                              : PointGamma2<1>(ev, s, search, p, at, dr, inv);
      r.gamma[p] = static_cast<float>(std::sqrt(g2));
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
