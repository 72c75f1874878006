// Development harness (not part of the addon): the exact mode on a directory with bounds.csv, or on
// seeded random maps. Build: g++ -O2 -std=c++17 native/bench/exact_harness.cc native/src/sequencer.cc
// native/src/exact.cc native/src/exact_row.cc -o /tmp/exacth
// ./exacth <dir> <budgetMs> | ./exacth --random rows cols levels count budgetMs
#include <chrono>
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

int main(int argc, char** argv) {
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
