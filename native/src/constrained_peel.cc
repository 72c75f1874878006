// Constrained decompositions that are not unidirectional sweeps (issue 14): an Engel-type search
// (Engel 2005: take the largest weight that keeps the residual at its minimum MU) whose oracle is
// the exact constrained minimum total MU of the residual, C(R) = the least solution of the sweep's
// difference constraints (Kamath et al. 2003/2004; sweep_graph.h). A step subtracts u·S from R;
// it is valid when S keeps the interleaf rule (its leaf edges come from a sweep of R, closed rows
// parked there), keeps tongue-and-groove for the rest (below), and C(R - u·S) = C(R) - u, so the
// total stays the constrained minimum C(A). Any segment of any minimum-MU sweep of R is a valid
// step with its own weight; the search takes those of both sweep directions as candidates, raises
// each one's weight as far as the oracle allows, and applies the heaviest. Successive steps may
// come from different sweeps and directions, so the result is in general no sweep at all.
//
// Tongue-and-groove for a sum of segments: for neighbours (i, j), (i+1, j) with both values > 0 the
// MU during which both are open must equal the smaller value. Splitting off the first segment, the
// rest must satisfy the same rule on the residual iff, whenever the segment opens exactly one of
// the two, that one keeps at least the other's residual value (open b only: b - u >= a).
#include <algorithm>
#include <set>
#include <tuple>

#include "sequencer.h"
#include "sweep_graph.h"

namespace linac {

namespace {

int64_t Oracle(const Matrix& r, bool interleaf, bool tongueGroove) {
  SweepGraph g(r, interleaf, tongueGroove);
  return g.SolveEarliest();
}

bool Open(const Segment& s, int32_t i, int32_t j) { return s.first[i] >= 0 && j >= s.first[i] && j <= s.last[i]; }

// Largest u the residual allows under S (every open bixel keeps >= 0).
int32_t MaxWeight(const Matrix& r, const Segment& s) {
  int32_t u = INT32_MAX;
  for (int32_t i = 0; i < r.rows; ++i)
    for (int32_t j = std::max(0, s.first[i]); s.first[i] >= 0 && j <= s.last[i]; ++j) u = std::min(u, r.at(i, j));
  return u == INT32_MAX ? 0 : u;
}

bool TongueGrooveStepOk(const Matrix& r, const Segment& s, int32_t u) {
  for (int32_t i = 0; i + 1 < r.rows; ++i)
    for (int32_t j = 0; j < r.cols; ++j) {
      const int32_t a = r.at(i, j), b = r.at(i + 1, j);
      if (a == 0 || b == 0) continue;
      const bool oa = Open(s, i, j), ob = Open(s, i + 1, j);
      if (oa && !ob && a - u < b) return false;
      if (ob && !oa && b - u < a) return false;
    }
  return true;
}

Matrix Subtract(Matrix r, const Segment& s, int32_t u) {
  for (int32_t i = 0; i < r.rows; ++i)
    for (int32_t j = std::max(0, s.first[i]); s.first[i] >= 0 && j <= s.last[i]; ++j) r.v[static_cast<size_t>(i) * r.cols + j] -= u;
  return r;
}

struct Step {
  Segment s;
  std::vector<int32_t> left, right;
};

// Work in cell evaluations: an oracle call costs the map's cells, a searched sweep about 8 times that.
constexpr uint64_t kSweepCost = 8;

// The heaviest valid step among the segments of the two searched minimum-MU sweeps of r (both
// directions; C = C(r)). `work` accumulates cell evaluations.
Step BestStep(const Matrix& r, int64_t C, bool interleaf, bool tongueGroove, uint64_t& work) {
  const uint64_t cells = static_cast<uint64_t>(r.rows) * r.cols;
  struct Cand {
    int32_t top;
    Segment s;
    const std::vector<int32_t>* left;
    const std::vector<int32_t>* right;
  };
  std::vector<SweepResult> sweeps;
  for (bool backward : {false, true}) sweeps.push_back(ConstrainedSweepOneWay(r, interleaf, tongueGroove, backward));
  work += 2 * kSweepCost * cells;
  std::vector<Cand> cands;
  std::set<std::pair<std::vector<int32_t>, std::vector<int32_t>>> seen;
  for (const SweepResult& sw : sweeps) {
    if (sw.tnmu != C) continue;  // every direction reaches C; kept as a guard
    for (size_t k = 0; k < sw.segments.size(); ++k) {
      const Segment& s = sw.segments[k];
      if (!seen.insert({s.first, s.last}).second) continue;
      cands.push_back(Cand{static_cast<int32_t>(std::min<int64_t>(MaxWeight(r, s), C)), s, &sw.leftEdge[k], &sw.rightEdge[k]});
    }
  }
  // most room first; a candidate whose room is no more than the best weight found cannot win
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.top > b.top; });
  Step best;
  best.s.weight = 0;
  for (Cand& c : cands) {
    if (c.top <= best.s.weight) break;
    Segment s = c.s;
    // raise the weight while the oracle keeps the residual at its minimum (at most 4 tries)
    for (int32_t u = c.top, tries = 0; u > std::max(s.weight, best.s.weight) && tries < 4; --u, ++tries) {
      if (tongueGroove && !TongueGrooveStepOk(r, s, u)) continue;
      work += cells;
      if (Oracle(Subtract(r, s, u), interleaf, tongueGroove) == C - u) {
        s.weight = u;
        break;
      }
    }
    if (s.weight > best.s.weight) best = Step{s, *c.left, *c.right};
  }
  return best;
}

}  // namespace

SweepResult SequenceConstrainedPeel(const Matrix& m, bool interleaf, bool tongueGroove, uint64_t budgetCells, uint64_t* workCells) {
  SweepResult out;
  Matrix r = m;
  int64_t C = Oracle(r, interleaf, tongueGroove);
  out.tnmu = C;
  uint64_t work = static_cast<uint64_t>(m.rows) * m.cols;
  while (C > 0 && work < budgetCells) {
    Step st = BestStep(r, C, interleaf, tongueGroove, work);
    if (st.s.weight <= 0) break;  // cannot happen: a sweep of r always has a segment
    r = Subtract(std::move(r), st.s, st.s.weight);
    C -= st.s.weight;
    out.segments.push_back(std::move(st.s));
    out.leftEdge.push_back(std::move(st.left));
    out.rightEdge.push_back(std::move(st.right));
  }
  if (C > 0) {  // budget spent: the rest as one sweep of the residual, at its minimum C
    SweepResult rest = SequenceConstrainedSweep(r, interleaf, tongueGroove);
    for (size_t k = 0; k < rest.segments.size(); ++k) {
      out.segments.push_back(std::move(rest.segments[k]));
      out.leftEdge.push_back(std::move(rest.leftEdge[k]));
      out.rightEdge.push_back(std::move(rest.rightEdge[k]));
    }
  }
  if (workCells) *workCells = work;
  SweepResult sweep = SequenceConstrainedSweep(m, interleaf, tongueGroove);  // never worse than it
  if (sweep.tnmu == out.tnmu && sweep.segments.size() < out.segments.size()) return sweep;
  return out;
}

}  // namespace linac
