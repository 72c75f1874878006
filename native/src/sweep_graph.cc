// Constraint graph of the unidirectional sweep (Kamath et al. 2003/2004; Kalinowski's longest-path
// view): monotone leaf motion per row, the interleaf collision constraint between neighbouring rows,
// and tongue-and-groove (the smaller exposure of two neighbours lies inside the larger one).
#include "sweep_graph.h"

#include <algorithm>
#include <deque>
#include <limits>

namespace linac {

SweepGraph::SweepGraph(const Matrix& m, bool interleaf, bool tongueGroove)
    : n_(m.rows * m.cols), a_(m.v), out_(n_), in_(n_), inQueue_(n_, 0), lo_(n_, 0), hi_(n_, std::numeric_limits<int64_t>::max() / 4) {
  auto id = [&](int32_t i, int32_t j) { return i * m.cols + j; };
  for (int32_t i = 0; i < m.rows; ++i) {
    for (int32_t j = 1; j < m.cols; ++j) {
      // R and L non-decreasing along the sweep: R_j >= R_{j-1} and R_j + a_j >= R_{j-1} + a_{j-1}
      AddEdge(id(i, j - 1), id(i, j), std::max<int64_t>(0, m.at(i, j - 1) - m.at(i, j)));
    }
  }
  for (int32_t i = 0; i + 1 < m.rows; ++i) {
    const int32_t k = i + 1;
    for (int32_t j = 0; j < m.cols; ++j) {
      if (interleaf) {
        // a trailing leaf never passes the leading leaf of a neighbouring row: R_k <= L_i, both ways
        AddEdge(id(k, j), id(i, j), -m.at(i, j));
        AddEdge(id(i, j), id(k, j), -m.at(k, j));
      }
      if (tongueGroove && m.at(i, j) > 0 && m.at(k, j) > 0) {
        const int32_t s = m.at(i, j) <= m.at(k, j) ? i : k;
        const int32_t b = s == i ? k : i;
        AddEdge(id(b, j), id(s, j), 0);                            // R_s >= R_b
        AddEdge(id(s, j), id(b, j), m.at(s, j) - m.at(b, j));      // L_b >= L_s
      }
    }
  }
}

void SweepGraph::AddEdge(int32_t from, int32_t to, int64_t c) {
  out_[from].push_back({to, c});
  in_[to].push_back({from, c});
}

void SweepGraph::Record(bool upper, int32_t v) {
  if (recording_) trail_.push_back({v, upper, upper ? hi_[v] : lo_[v]});
}

// FIFO label correcting (queue-based Bellman-Ford, O(V·E) at worst), forward over lower bounds or
// backward over upper bounds. The graph has no positive cycle for a feasible sweep, and the bounds
// stop any runaway: lo > hi is reported as infeasible.
bool SweepGraph::Propagate(const std::vector<int32_t>& start, bool upper) {
  std::deque<int32_t> q(start.begin(), start.end());
  for (int32_t v : start) inQueue_[v] = 1;
  bool ok = true;
  while (!q.empty() && ok) {
    const int32_t u = q.front();
    q.pop_front();
    inQueue_[u] = 0;
    for (const Arc& e : upper ? in_[u] : out_[u]) {
      const int64_t want = upper ? hi_[u] - e.c : lo_[u] + e.c;
      int64_t& bound = upper ? hi_[e.other] : lo_[e.other];
      if (upper ? want >= bound : want <= bound) continue;
      Record(upper, e.other);
      bound = want;
      if (lo_[e.other] > hi_[e.other]) {
        ok = false;
        break;
      }
      if (!inQueue_[e.other]) inQueue_[e.other] = 1, q.push_back(e.other);
    }
  }
  for (int32_t v : q) inQueue_[v] = 0;
  return ok;
}

int64_t SweepGraph::SolveEarliest() {
  std::vector<int32_t> q(n_);
  for (int32_t v = 0; v < n_; ++v) q[v] = v;
  Propagate(q, false);
  int64_t tnmu = 0;
  for (int32_t v = 0; v < n_; ++v) tnmu = std::max(tnmu, lo_[v] + a_[v]);
  return tnmu;
}

void SweepGraph::CapTotal(int64_t tnmu) {
  std::vector<int32_t> q;
  for (int32_t v = 0; v < n_; ++v) {
    hi_[v] = std::min(hi_[v], tnmu - a_[v]);
    q.push_back(v);
  }
  Propagate(q, true);
}

bool SweepGraph::Reset(const std::vector<int64_t>& value, const std::vector<char>& pin, int64_t tnmu) {
  std::vector<int32_t> up(n_), down(n_);
  for (int32_t v = 0; v < n_; ++v) {
    lo_[v] = pin[v] ? value[v] : 0;
    hi_[v] = pin[v] ? value[v] : tnmu - a_[v];
    up[v] = down[v] = v;
  }
  return Propagate(up, false) && Propagate(down, true);
}

bool SweepGraph::TryFix(int32_t v, int64_t t) {
  if (t < lo_[v] || t > hi_[v]) return false;
  trail_.clear();
  recording_ = true;
  Record(false, v);
  Record(true, v);
  lo_[v] = hi_[v] = t;
  std::vector<int32_t> up{v}, down{v};
  const bool ok = Propagate(up, false) && Propagate(down, true);
  recording_ = false;
  if (!ok) {
    for (auto it = trail_.rbegin(); it != trail_.rend(); ++it) (it->upper ? hi_ : lo_)[it->v] = it->old;
  }
  return ok;
}

}  // namespace linac
