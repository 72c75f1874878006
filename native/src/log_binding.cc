// N-API face of the log-analysis kernels: argument checks (count, type, length) naming the argument,
// then the work; gamma runs on an AsyncWorker so the event loop never waits on it.
#include <napi.h>

#include <cmath>
#include <string>

#include "log_kernels.h"

namespace linac {

namespace {

template <typename A>
A Typed(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type t, const char* name, const char* type) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != t)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a " + type);
  return info[i].As<A>();
}

void Length(Napi::Env env, size_t actual, size_t want, const char* name) {
  if (actual != want)
    throw Napi::RangeError::New(env, std::string(name) + " length must be " + std::to_string(want) + ", got " + std::to_string(actual));
}

double Num(Napi::Env env, const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue()))
    throw Napi::TypeError::New(env, std::string("options.") + key + " must be a finite number");
  return v.As<Napi::Number>().DoubleValue();
}

Napi::Float64Array ToF64(Napi::Env env, const std::vector<double>& v) {
  Napi::Float64Array out = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), out.Data());
  return out;
}

}  // namespace

// leafErrorStats(expected: Float32Array, actual: Float32Array, keep: Uint8Array, leaves: number)
Napi::Value LeafErrorStatsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 4 || !info[3].IsNumber()) throw Napi::TypeError::New(env, "leafErrorStats(expected, actual, keep, leaves): 4 arguments expected");
  auto ex = Typed<Napi::Float32Array>(info, 0, napi_float32_array, "expected", "Float32Array");
  auto ac = Typed<Napi::Float32Array>(info, 1, napi_float32_array, "actual", "Float32Array");
  auto keep = Typed<Napi::Uint8Array>(info, 2, napi_uint8_array, "keep", "Uint8Array");
  const int32_t leaves = info[3].As<Napi::Number>().Int32Value();
  if (leaves < 1 || leaves > 1024) throw Napi::RangeError::New(env, "leaves must be in 1..1024");
  const size_t snaps = keep.ElementLength();
  Length(env, ex.ElementLength(), snaps * leaves, "expected");
  Length(env, ac.ElementLength(), snaps * leaves, "actual");
  LeafErrorStats r = ComputeLeafErrors(ex.Data(), ac.Data(), keep.Data(), static_cast<int64_t>(snaps), leaves);
  Napi::Object o = Napi::Object::New(env);
  o.Set("rmsPerLeaf", ToF64(env, r.rmsPerLeaf));
  o.Set("maxAbsPerLeaf", ToF64(env, r.maxAbsPerLeaf));
  o.Set("stdActualPerLeaf", ToF64(env, r.stdActualPerLeaf));
  o.Set("p95Abs", r.p95Abs);
  o.Set("maxAbs", r.maxAbs);
  o.Set("kept", static_cast<double>(r.kept));
  return o;
}

// leafFluence(tips: Float32Array, weight: Float64Array, jaws: Float32Array, boundaries: Float64Array, grid)
Napi::Value LeafFluenceJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 5 || !info[4].IsObject()) throw Napi::TypeError::New(env, "leafFluence(tips, weight, jaws, boundaries, grid): 5 arguments expected");
  auto tips = Typed<Napi::Float32Array>(info, 0, napi_float32_array, "tips", "Float32Array");
  auto weight = Typed<Napi::Float64Array>(info, 1, napi_float64_array, "weight", "Float64Array");
  auto jaws = Typed<Napi::Float32Array>(info, 2, napi_float32_array, "jaws", "Float32Array");
  auto bounds = Typed<Napi::Float64Array>(info, 3, napi_float64_array, "boundaries", "Float64Array");
  Napi::Object go = info[4].As<Napi::Object>();
  FluenceGridSpec g;
  g.x0Mm = Num(env, go, "x0Mm");
  g.y0Mm = Num(env, go, "y0Mm");
  g.resolutionMm = Num(env, go, "resolutionMm");
  g.nx = static_cast<int32_t>(Num(env, go, "nx"));
  g.ny = static_cast<int32_t>(Num(env, go, "ny"));
  if (g.resolutionMm <= 0 || g.nx < 1 || g.ny < 1 || static_cast<int64_t>(g.nx) * g.ny > 16'000'000)
    throw Napi::RangeError::New(env, "grid: resolutionMm > 0 and 1 <= nx*ny <= 16e6 required");
  const size_t snaps = weight.ElementLength();
  if (bounds.ElementLength() < 2) throw Napi::RangeError::New(env, "boundaries needs at least 2 values");
  const int32_t pairs = static_cast<int32_t>(bounds.ElementLength() - 1);
  Length(env, tips.ElementLength(), snaps * pairs * 2, "tips");
  Length(env, jaws.ElementLength(), snaps * 4, "jaws");
  return ToF64(env, LeafFluence(tips.Data(), weight.Data(), jaws.Data(), bounds.Data(), static_cast<int64_t>(snaps), pairs, g));
}

namespace {

struct GammaJob {
  std::vector<double> ref, ev;
  GammaSpec spec;
  GammaResult result;
};

class GammaWorker : public Napi::AsyncWorker {
 public:
  GammaWorker(Napi::Env env, GammaJob job) : Napi::AsyncWorker(env), deferred_(env), job_(std::move(job)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override { job_.result = ComputeGamma(job_.ref.data(), job_.ev.data(), job_.spec); }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    Napi::Float32Array g = Napi::Float32Array::New(env, job_.result.gamma.size());
    std::copy(job_.result.gamma.begin(), job_.result.gamma.end(), g.Data());
    o.Set("gamma", g);
    o.Set("evaluated", static_cast<double>(job_.result.evaluated));
    o.Set("passed", static_cast<double>(job_.result.passed));
    o.Set("sum", job_.result.sum);
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  GammaJob job_;
};

}  // namespace

// gammaAsync(reference: Float64Array, evaluated: Float64Array, options) → Promise<{ gamma, evaluated, passed, sum }>
Napi::Value GammaAsyncJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 3 || !info[2].IsObject()) throw Napi::TypeError::New(env, "gammaAsync(reference, evaluated, options): 3 arguments expected");
  auto ref = Typed<Napi::Float64Array>(info, 0, napi_float64_array, "reference", "Float64Array");
  auto ev = Typed<Napi::Float64Array>(info, 1, napi_float64_array, "evaluated", "Float64Array");
  Napi::Object o = info[2].As<Napi::Object>();
  GammaJob job;
  GammaSpec& s = job.spec;
  const char* dims[3] = {"nz", "ny", "nx"};
  const char* sp[3] = {"spacingZMm", "spacingYMm", "spacingXMm"};
  for (int a = 0; a < 3; a++) {
    s.n[a] = static_cast<int32_t>(Num(env, o, dims[a]));
    s.spacingMm[a] = Num(env, o, sp[a]);
    if (s.n[a] < 1 || s.n[a] > 4096 || s.spacingMm[a] <= 0) throw Napi::RangeError::New(env, std::string("options.") + dims[a] + " in 1..4096 and spacing > 0 required");
  }
  s.dosePercent = Num(env, o, "dosePercent");
  s.distanceMm = Num(env, o, "distanceMm");
  s.cutoffPercent = Num(env, o, "cutoffPercent");
  s.stepMm = Num(env, o, "stepMm");
  s.radiusMm = Num(env, o, "radiusMm");
  s.threads = static_cast<int32_t>(Num(env, o, "threads"));
  s.local = o.Get("local").ToBoolean().Value();
  if (s.dosePercent <= 0 || s.distanceMm <= 0 || s.stepMm <= 0 || s.radiusMm < 0 || s.cutoffPercent < 0 || s.radiusMm / s.stepMm > 400)
    throw Napi::RangeError::New(env, "options: dosePercent, distanceMm, stepMm > 0; radiusMm, cutoffPercent >= 0; radiusMm/stepMm <= 400");
  const size_t total = static_cast<size_t>(s.n[0]) * s.n[1] * s.n[2];
  Length(env, ref.ElementLength(), total, "reference");
  Length(env, ev.ElementLength(), total, "evaluated");
  job.ref.assign(ref.Data(), ref.Data() + total);
  job.ev.assign(ev.Data(), ev.Data() + total);
  auto* w = new GammaWorker(env, std::move(job));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

}  // namespace linac
