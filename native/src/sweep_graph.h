// The unidirectional sweep as a system of difference constraints. One variable per bixel (i, j):
// R = MU at which the leading leaf opens it; the trailing leaf closes it at L = R + a_ij.
// An edge (from -> to, c) says x_to >= x_from + c. Bounds lo <= x <= hi are kept tight by
// propagation, so any single variable can take any value in its window (difference constraints
// are globally consistent once propagated), which is what the segment-count search relies on.
#pragma once
#include <cstdint>
#include <vector>

#include "sequencer.h"

namespace linac {

class SweepGraph {
 public:
  SweepGraph(const Matrix& m, bool interleaf, bool tongueGroove);

  int32_t size() const { return n_; }
  int32_t fluence(int32_t v) const { return a_[v]; }
  int64_t lo(int32_t v) const { return lo_[v]; }
  int64_t hi(int32_t v) const { return hi_[v]; }

  // Least solution (every R as early as possible); returns the minimum total MU, max L.
  int64_t SolveEarliest();
  // Caps every L at tnmu and propagates the upper bounds; call after SolveEarliest.
  void CapTotal(int64_t tnmu);
  // Pins x_v = t if that keeps the system feasible (then true); otherwise changes nothing.
  bool TryFix(int32_t v, int64_t t);
  // Replaces every window (pinned where pin[v], else [0, tnmu - a_v]) and propagates; false if infeasible.
  bool Reset(const std::vector<int64_t>& value, const std::vector<char>& pin, int64_t tnmu);

 private:
  struct Arc {
    int32_t other;
    int64_t c;
  };
  void AddEdge(int32_t from, int32_t to, int64_t c);
  // lower bounds forward (upper = false) or upper bounds backward; false once some lo > hi
  bool Propagate(const std::vector<int32_t>& start, bool upper);
  void Record(bool upper, int32_t v);

  int32_t n_;
  std::vector<int32_t> a_;
  std::vector<std::vector<Arc>> out_, in_;
  std::vector<char> inQueue_;
  std::vector<int64_t> lo_, hi_;
  // undo trail for TryFix: (variable, which bound, old value)
  struct Undo {
    int32_t v;
    bool upper;
    int64_t old;
  };
  std::vector<Undo> trail_;
  bool recording_ = false;
};

}  // namespace linac
