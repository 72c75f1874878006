// Exact mode: the fewest segments among minimum-TNMU decompositions, with a proof or a bound.
// With the TNMU fixed at T = max_i c_i, a decomposition is a multiset of K weights summing to T and,
// per row, intervals using each weight at most once (Baatar, Hamacher, Ehrgott, Woeginger 2005;
// Kalinowski 2005; the weight-multiset search of Cambazard, O'Mahony, O'Sullivan 2012). For
// K = lower bound, lower bound + 1, ... every partition of T into K parts is tried, each row checked
// by RowDecomposable; the first K with a feasible multiset is optimal, and a K whose partitions all
// fail is a proven lower bound. Parts are at most the largest increment of every row with c_i = T
// (such a row starts exactly its increments, so each weight lies inside one increment).
#include <algorithm>
#include <functional>
#include <set>

#include "exact.h"

namespace linac {

namespace {

struct RowInfo {
  int32_t index;
  int64_t slack;
};

class MultisetSearch {
 public:
  MultisetSearch(const Matrix& m, int64_t T, SearchBudget& b) : m_(m), T_(T), budget_(b) {
    for (int32_t r = 0; r < m.rows; ++r) {
      const int32_t* a = Row(r);
      rows_.push_back(RowInfo{r, T - RowComplexity(a, m.cols)});
      if (rows_.back().slack == 0) maxPart_ = std::min(maxPart_, MaxIncrement(a, m.cols));
    }
    // rows without slack first (most constrained), then by slack
    std::stable_sort(rows_.begin(), rows_.end(), [](const RowInfo& x, const RowInfo& y) { return x.slack < y.slack; });
  }

  // True when the multiset `parts` (any order) decomposes every row (then segments holds it).
  bool TryParts(std::vector<int32_t> parts, std::vector<Segment>& segments) {
    std::sort(parts.begin(), parts.end(), std::greater<int32_t>());
    if (parts.empty() || parts.front() > maxPart_) return false;
    parts_ = std::move(parts);
    found_ = false;
    Check();
    if (found_) segments = Build();
    return found_;
  }

  // True when some K-part multiset decomposes every row (then segments holds it).
  bool TryK(int32_t K, std::vector<Segment>& segments) {
    parts_.assign(K, 0);
    found_ = false;
    Partition(0, T_, K, static_cast<int32_t>(std::min<int64_t>(maxPart_, T_)));
    if (found_) segments = Build();
    return found_;
  }

 private:
  const Matrix& m_;
  int64_t T_;
  SearchBudget& budget_;
  std::vector<RowInfo> rows_;
  int32_t maxPart_ = INT32_MAX;
  std::vector<int32_t> parts_, vals_, counts_;
  bool found_ = false;

  const int32_t* Row(int32_t r) const { return &m_.v[static_cast<size_t>(r) * m_.cols]; }

  static int32_t MaxIncrement(const int32_t* a, int32_t n) {
    int32_t best = 0, prev = 0;
    for (int32_t j = 0; j < n; ++j) best = std::max(best, a[j] - prev), prev = a[j];
    return best;
  }

  // Non-increasing parts_[i..] summing to rem; each leaf multiset is checked.
  void Partition(int32_t i, int64_t rem, int32_t left, int32_t cap) {
    if (found_ || budget_.out) return;
    if (left == 0) {
      if (rem == 0) Check();
      return;
    }
    const int64_t lo = (rem + left - 1) / left;  // parts_ non-increasing: parts_[i] >= the mean of the rest
    const int64_t hi = std::min<int64_t>(cap, rem - (left - 1));
    for (int64_t w = lo; w <= hi && !found_ && !budget_.out; ++w) {  // small parts first: found sooner
      parts_[i] = static_cast<int32_t>(w);
      Partition(i + 1, rem - w, left - 1, static_cast<int32_t>(w));
    }
  }

  void Check() {
    if (budget_.Spend()) return;
    vals_.clear();
    counts_.clear();
    for (int32_t w : parts_) {
      if (!vals_.empty() && vals_.back() == w) ++counts_.back();
      else vals_.push_back(w), counts_.push_back(1);
    }
    for (size_t k = 0; k < rows_.size(); ++k) {
      if (!RowDecomposable(Row(rows_[k].index), m_.cols, rows_[k].slack, vals_, counts_, budget_, nullptr)) {
        // the failing row goes first next time: neighbouring multisets tend to fail on it too
        std::rotate(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(k), rows_.begin() + static_cast<std::ptrdiff_t>(k) + 1);
        return;
      }
    }
    found_ = true;
  }

  // Segments of the feasible multiset: a row's intervals of value d go to distinct segments of weight d.
  std::vector<Segment> Build() {
    std::vector<int32_t> base(vals_.size(), 0);
    std::vector<Segment> segs;
    for (size_t d = 0; d < vals_.size(); ++d) {
      base[d] = static_cast<int32_t>(segs.size());
      for (int32_t c = 0; c < counts_[d]; ++c) {
        Segment s;
        s.weight = vals_[d];
        s.first.assign(m_.rows, -1);
        s.last.assign(m_.rows, -2);
        segs.push_back(std::move(s));
      }
    }
    SearchBudget unlimited;
    std::vector<RowInterval> iv;
    for (int32_t r = 0; r < m_.rows; ++r) {
      const int64_t slack = T_ - RowComplexity(Row(r), m_.cols);
      RowDecomposable(Row(r), m_.cols, slack, vals_, counts_, unlimited, &iv);
      std::vector<int32_t> next(base);
      for (const RowInterval& x : iv) {
        Segment& s = segs[next[x.value]++];
        s.first[r] = x.first;
        s.last[r] = x.last;
      }
    }
    return segs;
  }
};

}  // namespace

ExactResult SequenceExact(const Matrix& m, std::vector<Segment> incumbent, SearchBudget& budget, int32_t knownBound) {
  ExactResult res;
  res.segments = std::move(incumbent);
  const int64_t T = MatrixComplexity(m);
  res.lowerBound = T == 0 ? 0 : std::max({1, SegmentLowerBound(m), knownBound});
  MultisetSearch search(m, T, budget);
  for (int32_t K = res.lowerBound; K < static_cast<int32_t>(res.segments.size()); ++K) {
    std::vector<Segment> found;
    if (search.TryK(K, found)) {
      res.segments = std::move(found);
      break;
    }
    if (budget.out) {
      res.nodes = budget.nodes;
      return res;  // K not refuted: the proven bound stays K
    }
    res.lowerBound = K + 1;
  }
  res.lowerBound = std::min<int32_t>(res.lowerBound, static_cast<int32_t>(res.segments.size()));
  res.exact = res.lowerBound == static_cast<int32_t>(res.segments.size());
  res.nodes = budget.nodes;
  return res;
}

namespace {

// The incumbent's weights with two of them merged into one: the K - 1 multisets nearest to it.
bool MergedNeighbours(MultisetSearch& search, const std::vector<Segment>& incumbent, SearchBudget& budget, std::vector<Segment>& found) {
  std::vector<int32_t> w;
  for (const Segment& s : incumbent) w.push_back(s.weight);
  std::sort(w.begin(), w.end());
  std::set<std::vector<int32_t>> tried;
  for (size_t a = 0; a < w.size(); ++a)
    for (size_t b = a + 1; b < w.size() && !budget.out; ++b) {
      std::vector<int32_t> p;
      for (size_t k = 0; k < w.size(); ++k)
        if (k != a && k != b) p.push_back(w[k]);
      p.push_back(w[a] + w[b]);
      std::sort(p.begin(), p.end());
      if (!tried.insert(p).second) continue;
      if (search.TryParts(p, found)) return true;
    }
  return false;
}

}  // namespace

std::vector<Segment> DescendSegments(const Matrix& m, std::vector<Segment> incumbent, SearchBudget& budget, int32_t* provenBound) {
  const int64_t T = MatrixComplexity(m);
  const int32_t lb = T == 0 ? 0 : std::max(1, SegmentLowerBound(m));
  if (provenBound) *provenBound = lb;
  MultisetSearch search(m, T, budget);
  for (int32_t K = static_cast<int32_t>(incumbent.size()) - 1; K >= lb; --K) {
    std::vector<Segment> found;
    if (MergedNeighbours(search, incumbent, budget, found)) {
      incumbent = std::move(found);
      continue;
    }
    if (budget.out) break;
    if (!search.TryK(K, found)) {
      if (!budget.out && provenBound) *provenBound = K + 1;  // every K-part multiset failed
      break;
    }
    incumbent = std::move(found);
  }
  if (provenBound && static_cast<int32_t>(incumbent.size()) == lb) *provenBound = lb;
  return incumbent;
}

}  // namespace linac
