// Development harness (not part of the addon): the exact mode on a directory with bounds.csv, or on
// seeded random maps. Build: g++ -O2 -std=c++17 native/bench/exact_harness.cc native/src/sequencer.cc
// native/src/exact.cc native/src/exact_row.cc -o /tmp/exacth
// ./exacth <dir> <budgetMs> | ./exacth --random rows cols levels count budgetMs
#include <chrono>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "../src/exact.h"

using namespace linac;

static Matrix ReadCsv(const std::string& f) {
  Matrix m;
  std::ifstream in(f);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    int32_t c = 0;
    while (std::getline(ss, cell, ',')) m.v.push_back(std::stoi(cell)), ++c;
    m.cols = c, ++m.rows;
  }
  return m;
}

static int Bad(const Matrix& m, const std::vector<Segment>& s) {
  std::vector<int64_t> rec(m.v.size(), 0);
  for (auto& g : s) for (int r = 0; r < m.rows; ++r) for (int c = g.first[r]; c >= 0 && c <= g.last[r]; ++c) rec[r * m.cols + c] += g.weight;
  int bad = 0;
  for (size_t i = 0; i < rec.size(); ++i) bad += rec[i] != m.v[i];
  int64_t t = 0;
  for (auto& g : s) t += g.weight;
  return bad + (t != MatrixComplexity(m));
}

static ExactResult Run(const Matrix& m, double ms, double* took) {
  SequenceOptions o;
  o.workBudget = 400;
  auto t0 = std::chrono::steady_clock::now();
  auto inc = SequenceUnconstrained(m, o);
  SearchBudget b;
  b.budgetMs = ms;
  auto r = SequenceExact(m, inc, b);
  *took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Smooth map: six Gaussian blobs scaled to `levels` (as the bench's smooth set).
static void Smooth(Matrix& m, int levels, std::mt19937& rng) {
  std::vector<double> f(m.v.size(), 0.0);
  for (int g = 0; g < 6; ++g) {
    double cy = rng() % m.rows, cx = rng() % m.cols, sy = 3 + rng() % 8, sx = 4 + rng() % 12, a = 0.3 + (rng() % 100) / 100.0;
    for (int r = 0; r < m.rows; ++r) for (int c = 0; c < m.cols; ++c) f[r * m.cols + c] += a * std::exp(-((r - cy) * (r - cy) / (2 * sy * sy) + (c - cx) * (c - cx) / (2 * sx * sx)));
  }
  double mx = 0;
  for (double v : f) mx = std::max(mx, v);
  for (size_t k = 0; k < f.size(); ++k) m.v[k] = static_cast<int32_t>(std::lround(f[k] / mx * levels));
}

// Default-method candidates: pilot rollouts, then the multiset descent with a node limit.
static int Heur(int rows, int cols, int levels, int count, double rollouts, double nodes, int seed) {
  std::mt19937 rng(seed);
  double sk = 0, se = 0, sopt = 0, st = 0, sb = 0; int worse = 0, proven = 0;
  for (int i = 0; i < count; ++i) {
    Matrix m; m.rows = rows; m.cols = cols; m.v.resize(rows * cols);
    if (levels > 0) for (auto& x : m.v) x = rng() % (levels + 1);
    else Smooth(m, -levels, rng);
    SequenceOptions eo; eo.improved = false;
    auto e = SequenceUnconstrained(m, eo);
    std::clock_t c0 = std::clock();  // CPU time: fairer than wall time on a shared machine
    SequenceOptions o; o.workBudget = static_cast<uint64_t>(rollouts);
    auto inc = SequenceUnconstrained(m, o);
    SearchBudget b; b.nodeLimit = static_cast<uint64_t>(nodes);
    int32_t bound = 0;
    if (nodes > 0) inc = DescendSegments(m, inc, b, &bound);
    st += 1000.0 * (std::clock() - c0) / CLOCKS_PER_SEC;
    double took;
    auto opt = Run(m, rows * cols > 300 ? 1 : 2000, &took);
    proven += opt.exact;
    sk += inc.size(); se += e.size(); sopt += opt.segments.size(); sb += bound; worse += inc.size() > e.size();
    if (Bad(m, inc)) printf("BAD map %d\n", i);
  }
  printf("%dx%d L%d rollouts %.0f nodes %.0f: mean K %.3f opt %.3f (ratio %.4f, %d proven) engel %.3f worse %d bound %.3f ms %.3f\n", rows, cols, levels, rollouts, nodes, sk / count, sopt / count, sk / sopt, proven, se / count, worse, sb / count, st / count);
  return 0;
}

int main(int argc, char** argv) {
  if (std::string(argv[1]) == "--heur") return Heur(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atof(argv[6]), atof(argv[7]), argc > 8 ? atoi(argv[8]) : 7);
  if (std::string(argv[1]) == "--random") {
    int rows = atoi(argv[2]), cols = atoi(argv[3]), levels = atoi(argv[4]), count = atoi(argv[5]);
    double ms = atof(argv[6]);
    std::mt19937 rng(argc > 7 ? atoi(argv[7]) : 7);
    int proven = 0; double sk = 0, slb = 0, st = 0;
    for (int i = 0; i < count; ++i) {
      Matrix m; m.rows = rows; m.cols = cols; m.v.resize(rows * cols);
      for (auto& x : m.v) x = rng() % (levels + 1);
      double took;
      auto r = Run(m, ms, &took);
      proven += r.exact; sk += r.segments.size(); slb += r.lowerBound; st += took;
      printf("map %d K %zu lb %d exact %d nodes %llu %.1fms bad %d\n", i, r.segments.size(), r.lowerBound, r.exact, (unsigned long long)r.nodes, took, Bad(m, r.segments));
    }
    printf("proven %d/%d mean K %.3f mean lb %.3f mean ms %.1f\n", proven, count, sk / count, slb / count, st / count);
    return 0;
  }
  std::string dir = argv[1];
  double ms = atof(argv[2]);
  std::ifstream b(dir + "/bounds.csv");
  std::string line;
  std::getline(b, line);
  while (std::getline(b, line)) {
    std::stringstream ss(line);
    std::string file, tn, klb, kbest, proven;
    std::getline(ss, file, ','); std::getline(ss, tn, ','); std::getline(ss, klb, ','); std::getline(ss, kbest, ','); std::getline(ss, proven, ',');
    Matrix m = ReadCsv(dir + "/" + file);
    double took;
    auto r = Run(m, ms, &took);
    printf("%-18s K %2zu lb %2d exact %d | best %s lb %s proven %s | nodes %llu %.0fms bad %d\n", file.c_str(), r.segments.size(), r.lowerBound, r.exact, kbest.c_str(), klb.c_str(), proven.c_str(), (unsigned long long)r.nodes, took, Bad(m, r.segments));
  }
}
