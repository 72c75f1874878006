// Unidirectional sweep under the interleaf collision constraint and tongue-and-groove
// (Kamath, Sahni, Palta, Ranka et al., Phys Med Biol 2003/2004). Variables per row i, bixel j:
// R = MU at which the leading leaf opens the bixel, L = R + a when the trailing leaf closes it.
// Every constraint is a difference constraint, so the least solution is a longest-path problem
// (Kalinowski's formulation), found here by Bellman-Ford relaxation; it minimises every R and L at
// once and therefore the total MU, max_i L_i(n-1).
#include <algorithm>
#include <set>

#include "sequencer.h"

namespace linac {

namespace {

struct Trajectories {
  int32_t rows, cols;
  std::vector<int64_t> R;  // row-major
  const Matrix* m;
  int64_t& r(int32_t i, int32_t j) { return R[static_cast<size_t>(i) * cols + j]; }
  int64_t L(int32_t i, int32_t j) { return r(i, j) + m->at(i, j); }
  // raise R (and so L) of bixel (i, j) to at least v
  bool raise(int32_t i, int32_t j, int64_t v) {
    if (r(i, j) >= v) return false;
    r(i, j) = v;
    return true;
  }
};

}  // namespace

namespace {

SweepResult SweepOnce(const Matrix& m, bool interleaf, bool tongueGroove) {
  Trajectories t{m.rows, m.cols, std::vector<int64_t>(static_cast<size_t>(m.rows) * m.cols, 0), &m};
  const size_t maxPasses = static_cast<size_t>(m.rows) * m.cols + 8;
  for (size_t pass = 0; pass < maxPasses; ++pass) {
    bool changed = false;
    for (int32_t i = 0; i < m.rows; ++i) {
      for (int32_t j = 1; j < m.cols; ++j) {
        // R and L non-decreasing along the sweep
        changed |= t.raise(i, j, t.r(i, j - 1));
        changed |= t.raise(i, j, t.L(i, j - 1) - m.at(i, j));
      }
    }
    for (int32_t i = 0; i + 1 < m.rows; ++i) {
      const int32_t k = i + 1;
      for (int32_t j = 0; j < m.cols; ++j) {
        if (interleaf) {
          // a trailing leaf never passes the leading leaf of a neighbouring row: R_k(j) <= L_i(j), both ways
          changed |= t.raise(i, j, t.r(k, j) - m.at(i, j));
          changed |= t.raise(k, j, t.r(i, j) - m.at(k, j));
        }
        if (tongueGroove && m.at(i, j) > 0 && m.at(k, j) > 0) {
          // the smaller exposure lies inside the larger one: R_b <= R_s and L_s <= L_b
          const int32_t s = m.at(i, j) <= m.at(k, j) ? i : k;
          const int32_t b = s == i ? k : i;
          changed |= t.raise(s, j, t.r(b, j));
          changed |= t.raise(b, j, t.L(s, j) - m.at(b, j));
        }
      }
    }
    if (!changed) break;
  }
  SweepResult out;
  std::set<int64_t> times{0};
  for (int32_t i = 0; i < m.rows; ++i) {
    for (int32_t j = 0; j < m.cols; ++j) {
      times.insert(t.r(i, j));
      times.insert(t.L(i, j));
      out.tnmu = std::max(out.tnmu, t.L(i, j));
    }
  }
  std::vector<int64_t> ts(times.begin(), times.end());
  for (size_t k = 0; k + 1 < ts.size(); ++k) {
    const int64_t at = ts[k];
    Segment s;
    s.weight = static_cast<int32_t>(ts[k + 1] - at);
    std::vector<int32_t> left(m.rows), right(m.rows);
    s.first.assign(m.rows, -1);
    s.last.assign(m.rows, -2);
    bool anyOpen = false;
    for (int32_t i = 0; i < m.rows; ++i) {
      int32_t p = 0, q = 0;
      while (p < m.cols && t.L(i, p) <= at) ++p;  // bixels already closed by the trailing leaf
      while (q < m.cols && t.r(i, q) <= at) ++q;  // bixels already opened by the leading leaf
      left[i] = p;
      right[i] = std::max(p, q);
      if (q > p) {
        s.first[i] = p;
        s.last[i] = q - 1;
        anyOpen = true;
      }
    }
    if (!anyOpen) continue;
    const bool same = !out.segments.empty() && out.leftEdge.back() == left && out.rightEdge.back() == right;
    if (same) {
      out.segments.back().weight += s.weight;  // identical leaf positions: one segment
    } else {
      out.segments.push_back(std::move(s));
      out.leftEdge.push_back(std::move(left));
      out.rightEdge.push_back(std::move(right));
    }
  }
  return out;
}

Matrix Mirror(const Matrix& m) {
  Matrix r = m;
  for (int32_t i = 0; i < m.rows; ++i)
    for (int32_t j = 0; j < m.cols; ++j) r.v[static_cast<size_t>(i) * m.cols + j] = m.at(i, m.cols - 1 - j);
  return r;
}

// A right-to-left sweep expressed in the original columns (leaves then move the other way).
SweepResult Unmirror(SweepResult s, int32_t cols) {
  for (size_t k = 0; k < s.segments.size(); ++k) {
    auto& g = s.segments[k];
    for (size_t r = 0; r < g.first.size(); ++r) {
      if (g.first[r] >= 0 && g.last[r] >= g.first[r]) {
        const int32_t f = cols - 1 - g.last[r];
        g.last[r] = cols - 1 - g.first[r];
        g.first[r] = f;
      }
      const int32_t left = cols - s.rightEdge[k][r];
      s.rightEdge[k][r] = cols - s.leftEdge[k][r];
      s.leftEdge[k][r] = left;
    }
  }
  return s;
}

}  // namespace

// Both sweep directions reach the same minimum MU (the constraints are mirror-symmetric); keep the
// one that needs fewer segments.
SweepResult SequenceConstrainedSweep(const Matrix& m, bool interleaf, bool tongueGroove) {
  SweepResult forward = SweepOnce(m, interleaf, tongueGroove);
  SweepResult backward = Unmirror(SweepOnce(Mirror(m), interleaf, tongueGroove), m.cols);
  if (backward.tnmu == forward.tnmu && backward.segments.size() < forward.segments.size()) return backward;
  return forward;
}

}  // namespace linac
