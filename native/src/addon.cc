// Entry point of the linac_native addon: argument checks at the boundary, work in linac::.
#include <napi.h>

#include <string>
#include <vector>

#include "fluence.h"

namespace linac {
Napi::Value OpenPty(const Napi::CallbackInfo& info);
Napi::Value CloseFd(const Napi::CallbackInfo& info);
Napi::Value SetRealtimePriority(const Napi::CallbackInfo& info);
Napi::Value SequenceAsync(const Napi::CallbackInfo& info);
Napi::Value LeafErrorStatsJs(const Napi::CallbackInfo& info);
Napi::Value LeafFluenceJs(const Napi::CallbackInfo& info);
Napi::Value GammaAsyncJs(const Napi::CallbackInfo& info);

namespace {

struct FluenceArgs {
  int32_t rows = 0;
  int32_t cols = 0;
  int32_t segments = 0;
  std::vector<int32_t> intervals;
  std::vector<double> weights;
};

// Checks count, type and length of accumulateFluence's arguments; throws naming the argument.
FluenceArgs ReadFluenceArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 4) throw Napi::TypeError::New(env, "accumulateFluence(rows, cols, intervals, weights): 4 arguments expected");
  if (!info[0].IsNumber() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "rows and cols must be numbers");
  FluenceArgs a;
  a.rows = info[0].As<Napi::Number>().Int32Value();
  a.cols = info[1].As<Napi::Number>().Int32Value();
  if (a.rows <= 0 || a.cols <= 0 || a.rows > 4096 || a.cols > 4096) throw Napi::RangeError::New(env, "rows and cols must be in 1..4096");
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(env, "intervals must be an Int32Array");
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(env, "weights must be a Float64Array");
  Napi::Int32Array iv = info[2].As<Napi::Int32Array>();
  Napi::Float64Array w = info[3].As<Napi::Float64Array>();
  a.segments = static_cast<int32_t>(w.ElementLength());
  if (iv.ElementLength() != static_cast<size_t>(a.segments) * a.rows * 2)
    throw Napi::RangeError::New(env, "intervals length must be weights.length * rows * 2 = " +
                                         std::to_string(static_cast<size_t>(a.segments) * a.rows * 2) + ", got " +
                                         std::to_string(iv.ElementLength()));
  a.intervals.assign(iv.Data(), iv.Data() + iv.ElementLength());
  a.weights.assign(w.Data(), w.Data() + w.ElementLength());
  return a;
}

Napi::Float64Array ToArray(Napi::Env env, const std::vector<double>& v) {
  Napi::Float64Array out = Napi::Float64Array::New(env, v.size());
  std::copy(v.begin(), v.end(), out.Data());
  return out;
}

Napi::Value AccumulateFluenceSync(const Napi::CallbackInfo& info) {
  FluenceArgs a = ReadFluenceArgs(info);
  try {
    return ToArray(info.Env(), AccumulateFluence(a.rows, a.cols, a.intervals.data(), a.weights.data(), a.segments));
  } catch (const std::exception& e) {
    throw Napi::RangeError::New(info.Env(), e.what());
  }
}

// Runs the kernel off the event loop so interlock handling never waits on it.
class FluenceWorker : public Napi::AsyncWorker {
 public:
  FluenceWorker(Napi::Env env, FluenceArgs args) : Napi::AsyncWorker(env), deferred_(env), args_(std::move(args)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      result_ = AccumulateFluence(args_.rows, args_.cols, args_.intervals.data(), args_.weights.data(), args_.segments);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(ToArray(Env(), result_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(Napi::RangeError::New(Env(), e.Message()).Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  FluenceArgs args_;
  std::vector<double> result_;
};

Napi::Value AccumulateFluenceAsync(const Napi::CallbackInfo& info) {
  FluenceArgs a = ReadFluenceArgs(info);
  auto* worker = new FluenceWorker(info.Env(), std::move(a));
  Napi::Promise p = worker->Promise();
  worker->Queue();
  return p;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("accumulateFluence", Napi::Function::New(env, AccumulateFluenceSync));
  exports.Set("accumulateFluenceAsync", Napi::Function::New(env, AccumulateFluenceAsync));
  exports.Set("sequenceAsync", Napi::Function::New(env, SequenceAsync));
  exports.Set("openPty", Napi::Function::New(env, OpenPty));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("setRealtimePriority", Napi::Function::New(env, SetRealtimePriority));
  exports.Set("leafErrorStats", Napi::Function::New(env, LeafErrorStatsJs));
  exports.Set("leafFluence", Napi::Function::New(env, LeafFluenceJs));
  exports.Set("gammaAsync", Napi::Function::New(env, GammaAsyncJs));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace linac

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return linac::Init(env, exports); }

NODE_API_MODULE(linac_native, InitAddon)
