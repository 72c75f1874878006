// Development harness (not part of the addon): K and TNMU on the public maps against bounds.csv.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "../src/sequencer.h"

using namespace linac;

Matrix ReadCsv(const std::string& f) {
  Matrix m;
  std::ifstream in(f);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string cell;
    int32_t c = 0;
    while (std::getline(ss, cell, ',')) { m.v.push_back(std::stoi(cell)); ++c; }
    m.cols = c;
    ++m.rows;
  }
  return m;
}

#include <cmath>
#include <random>
int RandomSet(int rows, int cols, int levels, int count, double budget, bool smooth) {
  std::mt19937 rng(7);
  double se = 0, si = 0, ms = 0, slb = 0; int worse = 0;
  for (int i = 0; i < count; ++i) {
    Matrix m; m.rows = rows; m.cols = cols; m.v.resize(rows * cols);
    if (!smooth) for (auto& x : m.v) x = rng() % (levels + 1);
    else {
      std::vector<double> f(rows * cols, 0.0);
      for (int g = 0; g < 6; ++g) {
        double cy = rng() % rows, cx = rng() % cols, sy = 3 + rng() % 8, sx = 4 + rng() % 12, a = 0.3 + (rng() % 100) / 100.0;
        for (int r = 0; r < rows; ++r) for (int c = 0; c < cols; ++c) f[r * cols + c] += a * std::exp(-((r - cy) * (r - cy) / (2 * sy * sy) + (c - cx) * (c - cx) / (2 * sx * sx)));
      }
      double mx = 0; for (double v : f) mx = std::max(mx, v);
      for (int k = 0; k < rows * cols; ++k) m.v[k] = (int)std::lround(f[k] / mx * levels);
    }
    SequenceOptions eo; eo.improved = false;
    auto e = SequenceUnconstrained(m, eo);
    SequenceOptions io; io.workBudget = static_cast<uint64_t>(budget);
    auto t0 = std::chrono::steady_clock::now();
    auto s = SequenceUnconstrained(m, io);
    ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    se += e.size(); si += s.size(); worse += s.size() > e.size(); slb += SegmentLowerBound(m);
  }
  printf("%dx%d L%d %s: mean K engel %.2f improved %.2f (%.1f%% fewer) worse %d ms %.3f\n", rows, cols, levels, smooth ? "smooth" : "uniform", se / count, si / count, 100 * (1 - si / se), worse, ms / count);
  return 0;
}

int main(int argc, char** argv) {
  if (std::string(argv[1]) == "--sweep") {
    std::string dir = argv[2];
    for (const char* f : {"case1-beam1.csv", "case3-beam2.csv", "case4-beam5.csv", "gecode-15x15.csv"}) {
      Matrix m = ReadCsv(dir + "/" + f);
      for (int mode = 0; mode < 3; ++mode) {
        auto r = SequenceConstrainedSweep(m, mode >= 1, mode >= 2);
        std::vector<int64_t> rec(m.v.size(), 0); int64_t w = 0;
        for (auto& g : r.segments) { w += g.weight; for (int i = 0; i < m.rows; ++i) for (int c = g.first[i]; c >= 0 && c <= g.last[i]; ++c) rec[i * m.cols + c] += g.weight; }
        int bad = 0; for (size_t i = 0; i < rec.size(); ++i) bad += rec[i] != m.v[i];
        printf("%s mode %d tnmu %lld (sum %lld, unconstrained %lld) K %zu bad %d\n", f, mode, (long long)r.tnmu, (long long)w, (long long)MatrixComplexity(m), r.segments.size(), bad);
      }
    }
    return 0;
  }
  if (std::string(argv[1]) == "--random") return RandomSet(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atof(argv[6]), atoi(argv[7]));
  std::string dir = argv[1];
  double budget = argc > 2 ? std::atof(argv[2]) : 20000;  // candidate rollouts
  std::ifstream b(dir + "/bounds.csv");
  std::string line;
  std::getline(b, line);
  double sumE = 0, sumI = 0, sumBest = 0, sumLb = 0, sumMs = 0;
  int n = 0;
  while (std::getline(b, line)) {
    std::stringstream ss(line);
    std::string file, tn, klb, kbest;
    std::getline(ss, file, ','); std::getline(ss, tn, ','); std::getline(ss, klb, ','); std::getline(ss, kbest, ',');
    Matrix m = ReadCsv(dir + "/" + file);
    SequenceOptions eo; eo.improved = false;
    auto e = SequenceUnconstrained(m, eo);
    SequenceOptions io; io.workBudget = static_cast<uint64_t>(budget);
    auto t0 = std::chrono::steady_clock::now();
    auto s = SequenceUnconstrained(m, io);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    int64_t tnmu = 0; for (auto& g : s) tnmu += g.weight;
    std::vector<int64_t> rec(m.v.size(), 0);
    for (auto& g : s) for (int r = 0; r < m.rows; ++r) for (int c = g.first[r]; c >= 0 && c <= g.last[r]; ++c) rec[r * m.cols + c] += g.weight;
    int bad = 0; for (size_t i = 0; i < rec.size(); ++i) bad += rec[i] != m.v[i];
    if (bad) printf("RECONSTRUCTION MISMATCH %d bixels\n", bad);
    printf("%-22s tnmu %lld/%s K engel %zu improved %zu best %s lb %d/%s %.2fms\n", file.c_str(), (long long)tnmu, tn.c_str(), e.size(), s.size(), kbest.c_str(), SegmentLowerBound(m), klb.c_str(), ms);
    sumE += e.size(); sumI += s.size(); sumBest += std::stoi(kbest); sumLb += std::stoi(klb); sumMs += ms; ++n;
  }
  printf("mean K engel %.3f improved %.3f best %.3f lb %.3f ; improved/best %.3f ; ms %.3f\n", sumE / n, sumI / n, sumBest / n, sumLb / n, sumI / sumBest, sumMs / n);
}
// random sets: ./seqh --random rows cols levels count budget smooth
