// Machine-log analysis kernels: leaf error statistics, fluence from leaf
// positions, and the gamma index (Low et al. 1998, full search as in
// Wendling et al. 2007). Pure computation, no N-API.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace linac {

struct LeafErrorStats {
  std::vector<double> rmsPerLeaf;       // over kept snapshots
  std::vector<double> maxAbsPerLeaf;    // over kept snapshots
  std::vector<double> stdActualPerLeaf; // population std of the actual position over kept snapshots
  double p95Abs = 0;                    // 95th percentile of |error|, all leaves x kept snapshots (linear interpolation)
  double maxAbs = 0;
  int64_t kept = 0;
};

// expected/actual: snapshots x leaves (row-major); keep: one byte per snapshot (non-zero = kept).
LeafErrorStats ComputeLeafErrors(const float* expected, const float* actual, const uint8_t* keep, int64_t snapshots,
                                 int32_t leaves);

struct FluenceGridSpec {
  double x0Mm = 0, y0Mm = 0, resolutionMm = 1;  // centre of pixel (0,0)
  int32_t nx = 0, ny = 0;
};

// tips: snapshots x pairs x 2 (left tip X, right tip X, IEC X at isocentre, mm); weight: per snapshot MU added
// with that aperture; jaws: snapshots x 4 (x1, x2, y1, y2 IEC coordinates, mm); boundaries: pairs + 1 Y values, mm.
// Exact area overlap of each open leaf-pair rectangle (clipped by the jaws) with each pixel, times the weight.
std::vector<double> LeafFluence(const float* tips, const double* weight, const float* jaws, const double* boundaries,
                                int64_t snapshots, int32_t pairs, const FluenceGridSpec& g);

struct GammaSpec {
  int32_t n[3] = {1, 1, 1};             // slowest first (z, y, x); a 2D map has n[0] = 1
  double spacingMm[3] = {1, 1, 1};
  double dosePercent = 3, distanceMm = 3, cutoffPercent = 10, stepMm = 0.3, radiusMm = 6;
  bool local = false;
  int32_t threads = 1;
};

struct GammaResult {
  std::vector<float> gamma;  // NaN below the cutoff
  int64_t evaluated = 0, passed = 0;
  double sum = 0;
};

GammaResult ComputeGamma(const double* reference, const double* evaluated, const GammaSpec& s);

}  // namespace linac
