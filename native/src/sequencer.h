// Step-and-shoot leaf sequencing on an integer fluence matrix (rows = leaf pairs, columns = bixels).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace linac {

struct Segment {
  int32_t weight = 0;                 // MU
  std::vector<int32_t> first, last;   // per row, inclusive; first > last (or -1) = closed
};

struct Matrix {
  int32_t rows = 0, cols = 0;
  std::vector<int32_t> v;  // row-major
  int32_t at(int32_t r, int32_t c) const { return v[static_cast<size_t>(r) * cols + c]; }
};

// Sum over the row of positive increments (a_{-1} = 0): the row's minimum beam-on time.
int64_t RowComplexity(const int32_t* a, int32_t n);
// max over rows: the exact minimum total MU without leaf constraints (Bortfeld; Engel 2005).
int64_t MatrixComplexity(const Matrix& m);
// A lower bound on the number of segments at minimum total MU.
int32_t SegmentLowerBound(const Matrix& m);

struct SequenceOptions {
  bool improved = true;      // false: Engel-type greedy baseline only
  // Work units the K search may spend (improved; no clock). A quarter goes to candidate rollouts
  // (one unit each), the rest to the weight-multiset descent (exact.h; 100 search nodes a unit).
  uint64_t workBudget = 0;
  uint32_t seed = 12345;     // fixed: same map + budget -> same segments
  // Exact mode only: its wall-clock budget from `start` also stops this search (0: no clock, as the
  // default method, so that it stays reproducible).
  double budgetMs = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  bool Expired() const {
    return budgetMs > 0 && std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() >= budgetMs;
  }
};

// TNMU-optimal decomposition (sum of weights == MatrixComplexity) with few segments.
// workUsed (optional) receives the work units spent (<= budget + 1). provenBound (optional)
// receives a proven lower bound on K at minimum TNMU (the jump bound, or better when the descent
// refuted every multiset with one segment fewer than its result).
std::vector<Segment> SequenceUnconstrained(const Matrix& m, const SequenceOptions& o, uint64_t* workUsed = nullptr, int32_t* provenBound = nullptr);

// Unidirectional sweep with the interleaf collision constraint (no interdigitation) and, when
// tongueGroove, the tongue-and-groove constraint (Kamath et al. 2003/2004). Returns segments whose
// weights sum to the constrained minimum; leftEdge/rightEdge give every row's leaf positions (in
// bixel edges) for every segment, closed rows included.
struct SweepResult {
  std::vector<Segment> segments;
  std::vector<std::vector<int32_t>> leftEdge, rightEdge;  // [segment][row]
  int64_t tnmu = 0;
  int32_t segmentLowerBound = 0;  // for unidirectional sweeps at this total MU, either direction
};
SweepResult SequenceConstrainedSweep(const Matrix& m, bool interleaf, bool tongueGroove);
// One direction only (backward: right to left, expressed in the original columns).
SweepResult ConstrainedSweepOneWay(const Matrix& m, bool interleaf, bool tongueGroove, bool backward);

// Segments that need not form a unidirectional sweep, at the same constrained minimum total MU
// (constrained_peel.cc): an Engel-type search whose oracle is the constrained minimum MU of the
// residual. Same result shape as the sweep (edges for every row, closed rows parked). Work is
// counted in cell evaluations (an oracle call = rows·cols); once budgetCells is spent the residual
// is finished as one sweep. workCells (optional) receives the work done.
SweepResult SequenceConstrainedPeel(const Matrix& m, bool interleaf, bool tongueGroove, uint64_t budgetCells, uint64_t* workCells = nullptr);

}  // namespace linac
