// N-API face of the sequencer: argument checks, then the work on an AsyncWorker.
#include <napi.h>

#include <chrono>
#include <string>

#include "exact.h"
#include "sequencer.h"

namespace linac {

namespace {

struct SequenceJob {
  Matrix m;
  std::string method;  // "engel" | "improved" | "sweep" | "exact"
  double budgetWork = 0;  // candidate rollouts for the K search (improved; exact: its incumbent)
  double budgetMs = 0;    // exact only: wall-clock budget of the proof search
  bool proven = false;    // exact only: K proven minimal
  uint64_t work = 0;      // rollouts evaluated
  bool interleaf = false, tongueGroove = false;
  // results
  std::vector<Segment> segments;
  std::vector<std::vector<int32_t>> left, right;
  int64_t tnmu = 0, unconstrained = 0;
  int32_t segmentLowerBound = 0, sweepSegmentLowerBound = 0;
  double ms = 0;
};

void Run(SequenceJob& j) {
  auto t0 = std::chrono::steady_clock::now();
  j.unconstrained = MatrixComplexity(j.m);
  j.segmentLowerBound = SegmentLowerBound(j.m);
  const bool constrained = j.interleaf || j.tongueGroove;
  if (j.method == "sweep" || (j.method == "improved" && constrained)) {
    uint64_t cells = 0;  // improved: work in cell evaluations, 1000 per unit of budgetWork
    SweepResult r = j.method == "sweep" ? SequenceConstrainedSweep(j.m, j.interleaf, j.tongueGroove)
                                        : SequenceConstrainedPeel(j.m, j.interleaf, j.tongueGroove, static_cast<uint64_t>(j.budgetWork) * 1000, &cells);
    j.work = cells / 1000;
    j.segments = std::move(r.segments);
    j.left = std::move(r.leftEdge);
    j.right = std::move(r.rightEdge);
    j.tnmu = r.tnmu;
    j.sweepSegmentLowerBound = r.segmentLowerBound;
  } else {
    SequenceOptions o;
    o.improved = j.method != "engel";
    o.workBudget = static_cast<uint64_t>(j.budgetWork);
    if (j.method == "exact") {  // the budget bounds the whole exact run, its incumbent search included
      o.budgetMs = j.budgetMs;
      o.start = t0;
    }
    j.segments = SequenceUnconstrained(j.m, o, &j.work, &j.segmentLowerBound);
    if (j.method == "exact") {
      SearchBudget b;
      b.budgetMs = j.budgetMs;
      b.start = t0;
      ExactResult r = SequenceExact(j.m, std::move(j.segments), b, j.segmentLowerBound);
      j.segments = std::move(r.segments);
      j.segmentLowerBound = r.lowerBound;
      j.proven = r.exact;
      j.work += r.nodes / 100;  // the same units as the default search: 100 nodes each
    }
    j.tnmu = 0;
    for (auto& s : j.segments) j.tnmu += s.weight;
  }
  j.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Napi::Int32Array Flat(Napi::Env env, const std::vector<Segment>& segs, int32_t rows, bool first) {
  Napi::Int32Array a = Napi::Int32Array::New(env, segs.size() * rows);
  for (size_t k = 0; k < segs.size(); ++k)
    for (int32_t r = 0; r < rows; ++r) a[k * rows + r] = first ? segs[k].first[r] : segs[k].last[r];
  return a;
}

Napi::Int32Array FlatEdges(Napi::Env env, const std::vector<std::vector<int32_t>>& e, int32_t rows) {
  Napi::Int32Array a = Napi::Int32Array::New(env, e.size() * rows);
  for (size_t k = 0; k < e.size(); ++k)
    for (int32_t r = 0; r < rows; ++r) a[k * rows + r] = e[k][r];
  return a;
}

class SequenceWorker : public Napi::AsyncWorker {
 public:
  SequenceWorker(Napi::Env env, SequenceJob job) : Napi::AsyncWorker(env), deferred_(env), job_(std::move(job)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      Run(job_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object o = Napi::Object::New(env);
    Napi::Int32Array w = Napi::Int32Array::New(env, job_.segments.size());
    for (size_t k = 0; k < job_.segments.size(); ++k) w[k] = job_.segments[k].weight;
    o.Set("weights", w);
    o.Set("first", Flat(env, job_.segments, job_.m.rows, true));
    o.Set("last", Flat(env, job_.segments, job_.m.rows, false));
    if (!job_.left.empty()) {
      o.Set("leftEdge", FlatEdges(env, job_.left, job_.m.rows));
      o.Set("rightEdge", FlatEdges(env, job_.right, job_.m.rows));
    }
    o.Set("tnmu", Napi::Number::New(env, static_cast<double>(job_.tnmu)));
    o.Set("unconstrainedTnmu", Napi::Number::New(env, static_cast<double>(job_.unconstrained)));
    o.Set("segmentLowerBound", Napi::Number::New(env, job_.segmentLowerBound));
    if (job_.method == "exact") o.Set("proven", Napi::Boolean::New(env, job_.proven));
    if (job_.method == "sweep") o.Set("sweepSegmentLowerBound", Napi::Number::New(env, job_.sweepSegmentLowerBound));
    o.Set("work", Napi::Number::New(env, static_cast<double>(job_.work)));
    o.Set("ms", Napi::Number::New(env, job_.ms));
    deferred_.Resolve(o);
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  SequenceJob job_;
};

}  // namespace

// sequenceAsync(rows, cols, values: Int32Array, method, budgetWork, interleaf, tongueGroove, budgetMs) -> Promise
Napi::Value SequenceAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 8) throw Napi::TypeError::New(env, "sequenceAsync(rows, cols, values, method, budgetWork, interleaf, tongueGroove, budgetMs): 8 arguments expected");
  if (!info[0].IsNumber() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "rows and cols must be numbers");
  SequenceJob j;
  j.m.rows = info[0].As<Napi::Number>().Int32Value();
  j.m.cols = info[1].As<Napi::Number>().Int32Value();
  if (j.m.rows <= 0 || j.m.cols <= 0 || j.m.rows > 512 || j.m.cols > 512) throw Napi::RangeError::New(env, "rows and cols must be in 1..512");
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) throw Napi::TypeError::New(env, "values must be an Int32Array");
  Napi::Int32Array v = info[2].As<Napi::Int32Array>();
  if (v.ElementLength() != static_cast<size_t>(j.m.rows) * j.m.cols) throw Napi::RangeError::New(env, "values length must be rows * cols");
  j.m.v.assign(v.Data(), v.Data() + v.ElementLength());
  for (int32_t x : j.m.v)
    if (x < 0 || x > 100000) throw Napi::RangeError::New(env, "values must be integers in 0..100000");
  if (!info[3].IsString()) throw Napi::TypeError::New(env, "method must be a string");
  j.method = info[3].As<Napi::String>().Utf8Value();
  if (j.method != "engel" && j.method != "improved" && j.method != "sweep" && j.method != "exact") throw Napi::RangeError::New(env, "method must be engel | improved | sweep | exact");
  if (!info[4].IsNumber()) throw Napi::TypeError::New(env, "budgetWork must be a number");
  j.budgetWork = info[4].As<Napi::Number>().DoubleValue();
  if (!(j.budgetWork >= 0 && j.budgetWork <= 1e8 && j.budgetWork == static_cast<double>(static_cast<uint64_t>(j.budgetWork)))) throw Napi::RangeError::New(env, "budgetWork must be an integer in 0..100000000");
  if (!info[5].IsBoolean() || !info[6].IsBoolean()) throw Napi::TypeError::New(env, "interleaf and tongueGroove must be booleans");
  j.interleaf = info[5].As<Napi::Boolean>().Value();
  j.tongueGroove = info[6].As<Napi::Boolean>().Value();
  if (!info[7].IsNumber()) throw Napi::TypeError::New(env, "budgetMs must be a number");
  j.budgetMs = info[7].As<Napi::Number>().DoubleValue();
  if (!(j.budgetMs >= 0 && j.budgetMs <= 3.6e6)) throw Napi::RangeError::New(env, "budgetMs must be in 0..3600000");
  auto* worker = new SequenceWorker(env, std::move(j));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

}  // namespace linac
