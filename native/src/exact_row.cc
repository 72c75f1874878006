// Row check of the exact search: is a row a sum of intervals whose weights come from a multiset,
// each element used at most once? Depth-first over the bixel edges (the shortest-path view of
// Cambazard, O'Mahony, O'Sullivan 2012): the state at an edge is the multiset of open weights and
// the multiset still unused. At edge j (increment d = a_j - a_{j-1}) weights of sum e end and
// weights of sum s start, s - e = d. Starting more than max(0, d) is "extra" MU for the row, and
// the row's extra over the whole row is at most TNMU - c (its slack): a row whose complexity equals
// the TNMU starts exactly its increments (Baatar et al. 2005; Engel 2005).
#include <string>
#include <unordered_set>

#include "exact.h"

namespace linac {

namespace {

class RowSearch {
 public:
  RowSearch(const int32_t* a, int32_t n, const std::vector<int32_t>& vals, const std::vector<int32_t>& counts, SearchBudget& b)
      : a_(a), n_(n), vals_(vals), D_(vals.size()), open_(D_, 0), avail_(counts), budget_(b),
        ends_(static_cast<size_t>(n) + 1, std::vector<int32_t>(D_, 0)), starts_(ends_), sufPos_(static_cast<size_t>(n) + 2, 0) {
    for (int32_t j = n - 1; j >= 0; --j) sufPos_[j] = sufPos_[j + 1] + std::max<int64_t>(0, Inc(j));
    for (size_t d = 0; d < D_; ++d) sumAvail_ += static_cast<int64_t>(vals_[d]) * avail_[d];
  }

  bool Run(int64_t slack, std::vector<RowInterval>* out) {
    if (!Step(0, slack)) return false;
    if (out) Rebuild(*out);
    return true;
  }

 private:
  const int32_t* a_;
  int32_t n_;
  const std::vector<int32_t>& vals_;
  size_t D_;
  std::vector<int32_t> open_, avail_;
  SearchBudget& budget_;
  std::vector<std::vector<int32_t>> ends_, starts_;  // per edge, per distinct value: on the current path
  std::vector<int64_t> sufPos_;                     // positive increments at edges j..n-1
  int64_t sumOpen_ = 0, sumAvail_ = 0;
  std::unordered_set<std::string> failed_;          // states fully explored without success

  int64_t Inc(int32_t j) const { return static_cast<int64_t>(j < n_ ? a_[j] : 0) - (j > 0 ? a_[j - 1] : 0); }

  std::string Key(int32_t j) const {
    std::string k;
    k.reserve(4 + 4 * D_);
    k.append(reinterpret_cast<const char*>(&j), sizeof j);
    for (size_t d = 0; d < D_; ++d) k.push_back(static_cast<char>(open_[d])), k.push_back(static_cast<char>(open_[d] >> 8));
    for (size_t d = 0; d < D_; ++d) k.push_back(static_cast<char>(avail_[d])), k.push_back(static_cast<char>(avail_[d] >> 8));
    return k;
  }

  // State on entering edge j with `slack` extra MU left. Edge n closes everything: always possible.
  bool Step(int32_t j, int64_t slack) {
    if (j == n_) return true;
    std::string key = Key(j);
    if (failed_.count(key)) return false;
    const int64_t d = Inc(j);
    for (int64_t x = 0; x <= slack; ++x) {
      if ((x & 63) == 63 && budget_.Spend()) return false;  // large slack (high levels): keep the budget checked
      const int64_t e = std::max<int64_t>(0, -d) + x, s = std::max<int64_t>(0, d) + x;
      if (e > sumOpen_ || s > sumAvail_ - sufPos_[j + 1]) break;  // both grow with x
      if (Ends(j, 0, e, s, slack - x)) return true;
      if (budget_.out) return false;
    }
    failed_.insert(std::move(key));
    return false;
  }

  // Chooses how many open weights of each value end at edge j (sum e), largest values first.
  bool Ends(int32_t j, size_t d, int64_t e, int64_t s, int64_t slackAfter) {
    if (d == D_) return e == 0 && Starts(j, 0, s, slackAfter);
    int64_t rest = 0;
    for (size_t q = d + 1; q < D_; ++q) rest += static_cast<int64_t>(vals_[q]) * open_[q];
    const int32_t v = vals_[d];
    for (int64_t c = std::min<int64_t>(open_[d], e / v); c >= 0; --c) {
      if (e - c * v > rest) break;
      ends_[j][d] = static_cast<int32_t>(c);
      open_[d] -= static_cast<int32_t>(c);
      sumOpen_ -= c * v;
      bool ok = Ends(j, d + 1, e - c * v, s, slackAfter);
      open_[d] += static_cast<int32_t>(c);
      sumOpen_ += c * v;
      if (ok || budget_.out) return ok;
    }
    return false;
  }

  // Chooses how many unused weights of each value start at edge j (sum s); a value never ends and
  // restarts at the same edge (keeping it open is the same row with one weight fewer used).
  bool Starts(int32_t j, size_t d, int64_t s, int64_t slackAfter) {
    if (d == D_) {
      if (s != 0) return false;
      if (budget_.Spend()) return false;
      return Step(j + 1, slackAfter);
    }
    int64_t rest = 0;
    for (size_t q = d + 1; q < D_; ++q) rest += static_cast<int64_t>(vals_[q]) * (ends_[j][q] ? 0 : avail_[q]);
    const int32_t v = vals_[d];
    const int64_t top = ends_[j][d] ? 0 : std::min<int64_t>(avail_[d], s / v);
    for (int64_t c = top; c >= 0; --c) {
      if (s - c * v > rest) break;
      starts_[j][d] = static_cast<int32_t>(c);
      avail_[d] -= static_cast<int32_t>(c);
      open_[d] += static_cast<int32_t>(c);
      sumAvail_ -= c * v;
      sumOpen_ += c * v;
      bool ok = Starts(j, d + 1, s - c * v, slackAfter);
      avail_[d] += static_cast<int32_t>(c);
      open_[d] -= static_cast<int32_t>(c);
      sumAvail_ += c * v;
      sumOpen_ -= c * v;
      if (ok || budget_.out) return ok;
    }
    return false;
  }

  // Intervals from the ends/starts on the successful path (any open weight of a value may end).
  void Rebuild(std::vector<RowInterval>& out) const {
    out.clear();
    std::vector<std::vector<int32_t>> openAt(D_);
    for (int32_t j = 0; j <= n_; ++j) {
      for (size_t d = 0; d < D_; ++d) {
        int32_t c = j == n_ ? static_cast<int32_t>(openAt[d].size()) : ends_[j][d];
        for (int32_t k = 0; k < c; ++k) {
          out.push_back(RowInterval{static_cast<int32_t>(d), openAt[d].back(), j - 1});
          openAt[d].pop_back();
        }
      }
      if (j == n_) break;
      for (size_t d = 0; d < D_; ++d)
        for (int32_t k = 0; k < starts_[j][d]; ++k) openAt[d].push_back(j);
    }
  }
};

}  // namespace

bool RowDecomposable(const int32_t* a, int32_t n, int64_t slack, const std::vector<int32_t>& vals,
                     const std::vector<int32_t>& counts, SearchBudget& budget, std::vector<RowInterval>* out) {
  if (budget.Spend(1 + static_cast<uint64_t>(n) / 8)) return false;  // setting up costs about n/8 nodes
  RowSearch s(a, n, vals, counts, budget);
  return s.Run(slack, out);
}

}  // namespace linac
