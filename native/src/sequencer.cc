#include "sequencer.h"

#include "exact.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <random>
#include <tuple>

namespace linac {

int64_t RowComplexity(const int32_t* a, int32_t n) {
  int64_t c = 0;
  int32_t prev = 0;
  for (int32_t j = 0; j < n; ++j) {
    if (a[j] > prev) c += a[j] - prev;
    prev = a[j];
  }
  return c;
}

int64_t MatrixComplexity(const Matrix& m) {
  int64_t c = 0;
  for (int32_t r = 0; r < m.rows; ++r) c = std::max(c, RowComplexity(&m.v[static_cast<size_t>(r) * m.cols], m.cols));
  return c;
}

namespace {

// Counts of up-jumps and down-jumps of a row (with zero borders).
void Jumps(const int32_t* a, int32_t n, int32_t& up, int32_t& down) {
  up = down = 0;
  int32_t prev = 0;
  for (int32_t j = 0; j <= n; ++j) {
    int32_t cur = j < n ? a[j] : 0;
    if (cur > prev) ++up;
    if (cur < prev) ++down;
    prev = cur;
  }
}

int32_t Log2Ceil(int32_t x) {
  int32_t k = 0;
  while ((1 << k) < x) ++k;
  return k;
}

}  // namespace

int32_t SegmentLowerBound(const Matrix& m) {
  int32_t lb = 0;
  std::vector<char> seen(1, 0);
  int32_t distinct = 0;
  for (int32_t r = 0; r < m.rows; ++r) {
    int32_t up, down;
    Jumps(&m.v[static_cast<size_t>(r) * m.cols], m.cols, up, down);
    lb = std::max(lb, std::max(up, down));
  }
  for (int32_t x : m.v) {
    if (x <= 0) continue;
    if (static_cast<size_t>(x) >= seen.size()) seen.resize(x + 1, 0);
    if (!seen[x]) seen[x] = 1, ++distinct;
  }
  // K weights make at most 2^K - 1 distinct positive sums
  return std::max(lb, Log2Ceil(distinct + 1));
}

namespace {

struct RowChoice {
  int32_t first = -1, last = -2;  // closed
  int64_t cost = 0;
};

// Cost of opening [l, r] with weight u on row a (d at edges), relative to the ideal reduction u.
inline int64_t EdgeCostLeft(const int32_t* a, int32_t l, int32_t u) {
  int32_t d = a[l] - (l > 0 ? a[l - 1] : 0);
  return u - std::min<int32_t>(u, std::max<int32_t>(0, d));
}
inline int64_t EdgeCostRight(const int32_t* a, int32_t n, int32_t r, int32_t u) {
  int32_t d = (r + 1 < n ? a[r + 1] : 0) - a[r];
  return u - std::min<int32_t>(u, std::max<int32_t>(0, -d));
}

// Best admissible interval for weight u with slack g; mode 0: min cost then longest; 1: min cost then
// most jumps removed; 2: random among min cost. Returns false if no interval (or closing) fits.
bool ChooseInterval(const int32_t* a, int32_t n, int32_t u, int64_t g, int mode, std::mt19937& rng, RowChoice& out) {
  int64_t best = (u <= g) ? static_cast<int64_t>(u) : LLONG_MAX;  // closing the row costs u
  out = RowChoice{-1, -2, best};
  int32_t bestScore = INT32_MIN;
  int32_t ties = 0;
  int32_t j = 0;
  while (j < n) {
    if (a[j] < u) { ++j; continue; }
    int32_t s = j;
    while (j < n && a[j] >= u) ++j;
    int32_t e = j - 1;
    // within the run [s, e]: for each r, the best l <= r (min left cost) by a running minimum
    int64_t minLeft = LLONG_MAX;
    int32_t argLeft = s;
    for (int32_t r = s; r <= e; ++r) {
      int64_t cl = EdgeCostLeft(a, r, u);
      int32_t dl = a[r] - (r > 0 ? a[r - 1] : 0);
      // modes 1, 2 prefer, at equal cost, a left edge that removes a jump exactly
      if (cl < minLeft || (mode > 0 && cl == minLeft && dl == u)) { minLeft = cl; argLeft = r; }
      int64_t cost = minLeft + EdgeCostRight(a, n, r, u);
      if (cost > g) continue;
      int32_t dr = (r + 1 < n ? a[r + 1] : 0) - a[r];
      int32_t dl2 = a[argLeft] - (argLeft > 0 ? a[argLeft - 1] : 0);
      int32_t removed = (dl2 == u) + (dr == -u);
      int32_t score = mode == 0 ? 0
                      : mode == 1 ? removed * 1000 + (r - argLeft)
                      : mode == 3 ? removed * 1000 - (r - argLeft)
                      : removed * 1000 + static_cast<int32_t>(rng() & 0x3ff);
      if (cost < best || (cost == best && score > bestScore && mode > 0)) {
        best = cost;
        bestScore = score;
        out = RowChoice{argLeft, r, cost};
        ties = 1;
      } else if (cost == best && score == bestScore && mode == 2 && (rng() % (++ties)) == 0) {
        out = RowChoice{argLeft, r, cost};
      }
    }
  }
  return best != LLONG_MAX;
}

// Largest u such that every row has an admissible choice (monotone in u: binary search).
int32_t MaxWeight(const Matrix& m, int64_t C, std::mt19937& rng) {
  int32_t lo = 1, hi = static_cast<int32_t>(std::min<int64_t>(C, INT32_MAX));
  int32_t maxv = 0;
  for (int32_t x : m.v) maxv = std::max(maxv, x);
  hi = std::min(hi, std::max(1, maxv));
  RowChoice rc;
  thread_local std::vector<int64_t> slack;
  slack.resize(m.rows);
  for (int32_t r = 0; r < m.rows; ++r) slack[r] = C - RowComplexity(&m.v[static_cast<size_t>(r) * m.cols], m.cols);
  auto ok = [&](int32_t u) {
    for (int32_t r = 0; r < m.rows; ++r) {
      if (slack[r] >= u) continue;  // closing the row is admissible
      if (!ChooseInterval(&m.v[static_cast<size_t>(r) * m.cols], m.cols, u, slack[r], 0, rng, rc)) return false;
    }
    return true;
  };
  while (lo < hi) {
    int32_t mid = lo + (hi - lo + 1) / 2;
    if (ok(mid)) lo = mid; else hi = mid - 1;
  }
  return lo;
}

// Applies weight u with per-row choices; returns the segment.
Segment Apply(Matrix& m, int64_t C, int32_t u, int mode, std::mt19937& rng) {
  Segment s;
  s.weight = u;
  s.first.assign(m.rows, -1);
  s.last.assign(m.rows, -2);
  for (int32_t r = 0; r < m.rows; ++r) {
    int32_t* a = &m.v[static_cast<size_t>(r) * m.cols];
    int64_t g = C - RowComplexity(a, m.cols);
    RowChoice rc;
    ChooseInterval(a, m.cols, u, g, mode, rng, rc);
    s.first[r] = rc.first;
    s.last[r] = rc.last;
    for (int32_t j = rc.first; j >= 0 && j <= rc.last; ++j) a[j] -= u;
  }
  return s;
}

// Plain greedy to the end: weight = the largest admissible, intervals by `mode`.
// Returns the segment count, or cutoff + 1 once it cannot beat `cutoff`.
size_t Rollout(Matrix m, int64_t C, int mode, std::mt19937& rng, size_t cutoff, std::vector<Segment>* keep) {
  size_t k = 0;
  while (C > 0) {
    if (++k > cutoff) return cutoff + 1;
    int32_t u = MaxWeight(m, C, rng);
    Segment s = Apply(m, C, u, mode, rng);
    if (keep) keep->push_back(std::move(s));
    C -= u;
  }
  return k;
}

// Pilot method: at each step try candidate weights, complete each by a rollout, keep the weight
// whose completion needs fewest segments (ties: the larger weight).
// `work` counts candidate rollouts; the search stops once it reaches `budget` (no clock: the same map
// and budget give the same segments on any machine and load).
std::vector<Segment> Pilot(Matrix m, int mode, std::mt19937& rng, size_t cutoff, uint64_t& work, uint64_t budget, const SequenceOptions& o) {
  std::vector<Segment> out;
  int64_t C = MatrixComplexity(m);
  while (C > 0) {
    int32_t umax = MaxWeight(m, C, rng);
    int32_t bestU = umax;
    int bestMode = mode;
    size_t bestK = SIZE_MAX;
    int32_t step = umax > 16 ? umax / 8 : 1;
    // candidates: weight × interval rule of this step; each completed by a rollout
    const int modes[2] = {mode, 3};
    thread_local Matrix t;
    for (int32_t cand = umax; cand >= 1; cand -= step) {
      for (int am : modes) {
        t = m;  // reuses the buffer
        Apply(t, C, cand, am, rng);
        size_t k = Rollout(t, C - cand, 1, rng, std::min(bestK, cutoff), nullptr);
        ++work;
        if (k < bestK) { bestK = k; bestU = cand; bestMode = am; }
      }
      if (work >= budget || o.Expired()) break;
    }
    out.push_back(Apply(m, C, bestU, bestMode, rng));
    C -= bestU;
    if (work >= budget || o.Expired()) {
      Rollout(m, C, mode, rng, SIZE_MAX - 1, &out);
      return out;
    }
  }
  return out;
}

}  // namespace

std::vector<Segment> SequenceUnconstrained(const Matrix& m, const SequenceOptions& o, uint64_t* workUsed, int32_t* provenBound) {
  std::mt19937 rng(o.seed);
  std::vector<Segment> best;
  Rollout(m, MatrixComplexity(m), 0, rng, SIZE_MAX - 1, &best);  // Engel-type baseline
  if (provenBound) *provenBound = SegmentLowerBound(m);
  if (!o.improved) return best;
  uint64_t work = 0;
  const uint64_t budget = o.workBudget / 4;  // rollouts; the rest goes to the multiset descent
  const size_t lb = static_cast<size_t>(SegmentLowerBound(m));
  auto consider = [&](std::vector<Segment>&& g) {
    if (!g.empty() && g.size() < best.size()) best = std::move(g);
  };
  {
    std::vector<Segment> g;
    Rollout(m, MatrixComplexity(m), 1, rng, SIZE_MAX - 1, &g);  // jump-removing intervals
    consider(std::move(g));
  }
  for (int mode = 1; mode <= 2 && best.size() > lb && work < budget && !o.Expired(); ++mode) consider(Pilot(m, mode, rng, best.size(), work, budget, o));
  while (best.size() > lb && work < budget && !o.Expired()) consider(Pilot(m, 2, rng, best.size(), work, budget, o));
  // Then the weight-multiset search of the exact mode, downwards from the pilot's K, by node count.
  if (best.size() > lb && o.workBudget > work && !o.Expired()) {
    SearchBudget nodes;
    nodes.nodeLimit = (o.workBudget - work) * 100;
    nodes.budgetMs = o.budgetMs;
    nodes.start = o.start;
    int32_t bound = 0;
    best = DescendSegments(m, std::move(best), nodes, &bound);
    work += nodes.nodes / 100;  // whole units; the last node may overrun by < 100
    if (provenBound) *provenBound = std::max(*provenBound, bound);
  }
  if (workUsed) *workUsed = work;
  return best;
}

}  // namespace linac
