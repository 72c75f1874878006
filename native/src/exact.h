// Exact minimum segment count among minimum-TNMU decompositions (no leaf constraints).
// Search over the multiset of segment weights (iterative deepening on K from a lower bound), each
// candidate multiset checked row by row: can the row be written as a sum of intervals, each weight
// of the multiset used at most once? (Baatar et al. 2005; Kalinowski 2005; Cambazard, O'Mahony,
// O'Sullivan 2012; docs/sequencing.md.)
#pragma once
#include <chrono>
#include <cstdint>
#include <vector>

#include "sequencer.h"

namespace linac {

// Stops the search on wall-clock time (the explicit exact mode) or on nodes (deterministic uses).
struct SearchBudget {
  double budgetMs = 0;      // 0: no clock limit
  uint64_t nodeLimit = 0;   // 0: no node limit
  uint64_t nodes = 0;
  bool out = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  // Counts one node; true once the budget is spent (the clock is read every 1024 nodes).
  bool Spend(uint64_t k = 1) {
    if (out) return true;
    const uint64_t before = nodes;
    nodes += k;
    if (nodeLimit && nodes >= nodeLimit) out = true;
    if (budgetMs > 0 && (nodes >> 10) != (before >> 10) &&
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() >= budgetMs)
      out = true;
    return out;
  }
};

struct ExactResult {
  std::vector<Segment> segments;
  bool exact = false;      // segments.size() is proven minimal at minimum TNMU
  int32_t lowerBound = 0;  // proven: no minimum-TNMU decomposition has fewer segments
  uint64_t nodes = 0;
};

// incumbent: a minimum-TNMU decomposition (e.g. from SequenceUnconstrained), the upper bound;
// knownBound: a lower bound already proven (e.g. by SequenceUnconstrained), else 0.
ExactResult SequenceExact(const Matrix& m, std::vector<Segment> incumbent, SearchBudget& budget, int32_t knownBound = 0);

// Heuristic use of the same search (the default method): K = incumbent - 1, - 2, ... while a
// multiset is found within the budget (give it a node limit for reproducible results). Returns
// the incumbent improved; provenBound receives incumbent size when K - 1 was refuted outright.
std::vector<Segment> DescendSegments(const Matrix& m, std::vector<Segment> incumbent, SearchBudget& budget, int32_t* provenBound);

// One interval of a row decomposition: weight index into the multiset's distinct values, columns.
struct RowInterval {
  int32_t value, first, last;
};

// Row check: can row a (n bixels, complexity c, slack = TNMU - c) be written as a sum of intervals
// whose weights use each element of the multiset (distinct values vals, counts) at most once?
// Fills `out` on success. Returns false when impossible or when the budget ran out (budget.out).
bool RowDecomposable(const int32_t* a, int32_t n, int64_t slack, const std::vector<int32_t>& vals,
                     const std::vector<int32_t>& counts, SearchBudget& budget, std::vector<RowInterval>* out);

}  // namespace linac
