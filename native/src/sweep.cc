// Unidirectional sweep under the interleaf collision constraint and tongue-and-groove
// (Kamath, Sahni, Palta, Ranka et al., Phys Med Biol 2003/2004). Variables per row i, bixel j:
// R = MU at which the leading leaf opens the bixel, L = R + a when the trailing leaf closes it.
// Every constraint is a difference constraint, so the least solution is a longest-path problem
// (Kalinowski's formulation), found here by Bellman-Ford relaxation; it minimises every R and L at
// once and therefore the total MU, max_i L_i(n-1).
#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "sequencer.h"
#include "sweep_graph.h"

namespace linac {

namespace {

// Leaf positions at every distinct event time, from the bixel opening times R; consecutive
// intervals with identical leaf positions are one segment.
SweepResult Extract(const Matrix& m, const std::vector<int64_t>& R, int64_t tnmu) {
  auto r = [&](int32_t i, int32_t j) { return R[static_cast<size_t>(i) * m.cols + j]; };
  auto L = [&](int32_t i, int32_t j) { return r(i, j) + m.at(i, j); };
  SweepResult out;
  out.tnmu = tnmu;
  std::set<int64_t> times{0};
  for (int32_t i = 0; i < m.rows; ++i) {
    for (int32_t j = 0; j < m.cols; ++j) {
      times.insert(r(i, j));
      times.insert(L(i, j));
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
      while (p < m.cols && L(i, p) <= at) ++p;  // bixels already closed by the trailing leaf
      while (q < m.cols && r(i, q) <= at) ++q;  // bixels already opened by the leading leaf
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

// Which variables are pinned and which event times are in use; variables whose window is already a
// single time start pinned.
struct Pins {
  explicit Pins(const SweepGraph& graph) : g(graph), fixed(graph.size(), 0), left(graph.size()) {
    for (int32_t v = 0; v < g.size(); ++v)
      if (g.lo(v) == g.hi(v)) Pin(v);
  }
  void Pin(int32_t v) {
    fixed[v] = 1;
    --left;
    used.insert(g.lo(v));
    used.insert(g.lo(v) + g.fluence(v));
  }
  const SweepGraph& g;
  std::vector<char> fixed;
  std::set<int64_t> used;
  int32_t left;
};

// Fewer segments at the same total MU: every leaf event (a bixel opening at R or closing at L)
// has a window of feasible times; a segment boundary is a distinct event time, so pin as many
// events as possible onto few times. Greedy point-stabbing in time order (optimal for independent
// windows), with the windows re-propagated after each pin because the events are coupled: take
// the earliest deadline among unpinned events (or an already used time before it, which is free),
// and pin there every event whose window still allows it, most urgent first.
void AlignEvents(SweepGraph& g) {
  const int32_t n = g.size();
  Pins p(g);
  int64_t processed = std::numeric_limits<int64_t>::min();
  std::vector<std::pair<int64_t, int32_t>> cand;
  while (p.left > 0) {
    int64_t deadline = std::numeric_limits<int64_t>::max();
    for (int32_t v = 0; v < n; ++v)
      if (!p.fixed[v]) deadline = std::min(deadline, g.hi(v));
    auto it = p.used.upper_bound(processed);
    const int64_t tau = (it != p.used.end() && *it <= deadline) ? *it : deadline;
    cand.clear();
    for (int32_t v = 0; v < n; ++v) {
      if (p.fixed[v]) continue;
      if (g.lo(v) <= tau && tau <= g.hi(v)) cand.push_back({g.hi(v), v});  // opening at tau
      const int64_t r = tau - g.fluence(v);                                  // closing at tau
      if (g.fluence(v) > 0 && g.lo(v) <= r && r <= g.hi(v) && p.used.count(r)) cand.push_back({g.hi(v), ~v});
    }
    std::sort(cand.begin(), cand.end());
    for (const auto& c : cand) {
      const bool closing = c.second < 0;
      const int32_t v = closing ? ~c.second : c.second;
      if (p.fixed[v]) continue;
      if (g.TryFix(v, closing ? tau - g.fluence(v) : tau)) p.Pin(v);
    }
    processed = tau;
  }
}

// A second construction: events that can land entirely on times already in use are pinned first
// (they add no segment boundary); otherwise the most constrained variable (smallest window) is
// pinned where it adds the fewest new times, latest such time first (leaves as late as allowed
// leave the most room to the others, as in AlignEvents).
void PinCheapestFirst(SweepGraph& g) {
  const int32_t n = g.size();
  Pins p(g);
  auto cost = [&](int32_t v, int64_t t) { return (p.used.count(t) ? 0 : 1) + (g.fluence(v) > 0 && !p.used.count(t + g.fluence(v)) ? 1 : 0); };
  while (p.left > 0) {
    bool any = false;
    for (int32_t v = 0; v < n; ++v) {
      if (p.fixed[v]) continue;
      for (auto it = p.used.lower_bound(g.lo(v)); it != p.used.end() && *it <= g.hi(v); ++it) {
        if (cost(v, *it) == 0 && g.TryFix(v, *it)) {
          p.Pin(v);
          any = true;
          break;
        }
      }
    }
    if (any) continue;
    int32_t best = -1;
    for (int32_t v = 0; v < n; ++v)
      if (!p.fixed[v] && (best < 0 || g.hi(v) - g.lo(v) < g.hi(best) - g.lo(best))) best = v;
    // candidates: times in use, times whose closing lands on a time in use, and the window's end
    std::vector<int64_t> ts{g.hi(best)};
    for (auto it = p.used.lower_bound(g.lo(best)); it != p.used.end() && *it <= g.hi(best); ++it) ts.push_back(*it);
    for (auto it = p.used.lower_bound(g.lo(best) + g.fluence(best)); it != p.used.end() && *it <= g.hi(best) + g.fluence(best); ++it) ts.push_back(*it - g.fluence(best));
    std::sort(ts.begin(), ts.end(), [&](int64_t a, int64_t b) { return cost(best, a) != cost(best, b) ? cost(best, a) < cost(best, b) : a > b; });
    for (int64_t t : ts) {
      if (g.TryFix(best, t)) {
        p.Pin(best);
        break;
      }
    }
  }
}

// Local search after AlignEvents: remove one distinct event time at a time. Unpin the variables
// with an event at that time, keep every other variable where it is, and re-place each unpinned
// variable so that both its opening and its closing land on times still in use; commit only if all
// of them fit. Times with the fewest events are tried first; stops when a full pass removes nothing.
void EliminateTimes(SweepGraph& g, std::vector<int64_t>& R, int64_t tnmu, int32_t maxPasses) {
  const int32_t n = g.size();
  for (int32_t pass = 0; pass < maxPasses; ++pass) {
    std::map<int64_t, std::vector<int32_t>> at;  // time -> variables with an event there
    for (int32_t v = 0; v < n; ++v) {
      at[R[v]].push_back(v);
      if (g.fluence(v) > 0) at[R[v] + g.fluence(v)].push_back(v);
    }
    std::vector<std::pair<size_t, int64_t>> order;
    for (auto& [t, vs] : at)
      if (t != 0 && t != tnmu) order.push_back({vs.size(), t});
    std::sort(order.begin(), order.end());
    bool improved = false;
    for (const auto& [count, t] : order) {
      std::set<int64_t> keep;
      for (auto& [u, vs] : at)
        if (u != t && !vs.empty()) keep.insert(u);
      std::vector<char> pin(n, 1);
      std::vector<int32_t> moving;
      for (int32_t v = 0; v < n; ++v) {
        if (R[v] == t || R[v] + g.fluence(v) == t) {
          pin[v] = 0;
          moving.push_back(v);
        }
      }
      if (!g.Reset(R, pin, tnmu)) continue;
      std::sort(moving.begin(), moving.end(), [&](int32_t a, int32_t b) { return g.hi(a) - g.lo(a) < g.hi(b) - g.lo(b); });
      bool ok = true;
      for (int32_t v : moving) {
        bool placed = false;
        for (auto it = keep.lower_bound(g.lo(v)); it != keep.end() && *it <= g.hi(v) && !placed; ++it) {
          if (g.fluence(v) > 0 && !keep.count(*it + g.fluence(v))) continue;
          placed = g.TryFix(v, *it);
        }
        if (!placed) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      for (int32_t v = 0; v < n; ++v) R[v] = g.lo(v);
      improved = true;
      break;  // the event map changed: rebuild it
    }
    if (!improved) return;
  }
}

// A lower bound on K for any unidirectional sweep in this direction at minimum total MU: events
// whose window is a single time happen then in every such sweep; between two consecutive forced
// times with a bixel open throughout, there is a segment of its own (a leaf moves at each forced
// time, and leaves never return).
int32_t ForcedIntervalBound(const SweepGraph& g) {
  std::set<int64_t> forced;
  for (int32_t v = 0; v < g.size(); ++v) {
    if (g.lo(v) != g.hi(v)) continue;
    forced.insert(g.lo(v));
    forced.insert(g.lo(v) + g.fluence(v));
  }
  std::vector<int64_t> t(forced.begin(), forced.end());
  int32_t k = 0;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    for (int32_t v = 0; v < g.size(); ++v) {
      if (g.fluence(v) > 0 && g.hi(v) <= t[i] && g.lo(v) + g.fluence(v) >= t[i + 1]) {
        ++k;  // opened by t[i] at the latest, closed at t[i+1] at the earliest
        break;
      }
    }
  }
  return k;
}

SweepResult SweepOnce(const Matrix& m, bool interleaf, bool tongueGroove) {
  SweepGraph g(m, interleaf, tongueGroove);
  const int64_t tnmu = g.SolveEarliest();
  const int32_t n = g.size();
  std::vector<int64_t> R(static_cast<size_t>(n));
  for (int32_t v = 0; v < n; ++v) R[v] = g.lo(v);
  SweepResult best = Extract(m, R, tnmu);  // every leaf as early as possible
  g.CapTotal(tnmu);
  const int32_t bound = ForcedIntervalBound(g);
  for (int strategy = 0; strategy < 2; ++strategy) {
    SweepGraph work = g;
    if (strategy == 0) AlignEvents(work);
    else PinCheapestFirst(work);
    for (int32_t v = 0; v < n; ++v) R[v] = work.lo(v);
    EliminateTimes(work, R, tnmu, 4 * n);
    SweepResult r = Extract(m, R, tnmu);
    if (r.segments.size() < best.segments.size()) best = std::move(r);
  }
  best.segmentLowerBound = bound;
  return best;
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

SweepResult ConstrainedSweepOneWay(const Matrix& m, bool interleaf, bool tongueGroove, bool backward) {
  return backward ? Unmirror(SweepOnce(Mirror(m), interleaf, tongueGroove), m.cols) : SweepOnce(m, interleaf, tongueGroove);
}

// Both sweep directions reach the same minimum MU (the constraints are mirror-symmetric); keep the
// one that needs fewer segments.
SweepResult SequenceConstrainedSweep(const Matrix& m, bool interleaf, bool tongueGroove) {
  SweepResult forward = SweepOnce(m, interleaf, tongueGroove);
  SweepResult backward = Unmirror(SweepOnce(Mirror(m), interleaf, tongueGroove), m.cols);
  const int32_t bound = std::min(forward.segmentLowerBound, backward.segmentLowerBound);
  SweepResult& best = backward.tnmu == forward.tnmu && backward.segments.size() < forward.segments.size() ? backward : forward;
  best.segmentLowerBound = bound;
  return best;
}

}  // namespace linac
