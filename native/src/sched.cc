// Real-time scheduling for the thread that runs the bridge's event loop (device polling, the
// interlock statechart). On a machine whose CPUs are taken, a normal-priority thread that sleeps
// until its next timer can wait tens of milliseconds to be run again (docs/timing.md: up to 84 ms,
// against a 50 ms heartbeat margin); a SCHED_FIFO thread preempts normal work at once. Applies to
// the calling thread only (Linux sched_setscheduler with pid 0), so libuv's pool and V8's helper
// threads stay at normal priority. Needs CAP_SYS_NICE or an RLIMIT_RTPRIO allowance; the kernel's
// RT throttling (sched_rt_runtime_us) still leaves the other tasks their share.
#include <errno.h>
#include <sched.h>
#include <string.h>

#include <napi.h>
#include <string>

namespace linac {

Napi::Value SetRealtimePriority(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "setRealtimePriority(priority): one number expected");
  const int priority = info[0].As<Napi::Number>().Int32Value();
  const int lo = sched_get_priority_min(SCHED_FIFO);
  const int hi = sched_get_priority_max(SCHED_FIFO);
  if (priority < lo || priority > hi) throw Napi::RangeError::New(env, "priority must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  struct sched_param p;
  memset(&p, 0, sizeof p);
  p.sched_priority = priority;
  if (sched_setscheduler(0, SCHED_FIFO, &p) != 0) {
    Napi::Error e = Napi::Error::New(env, std::string("sched_setscheduler(SCHED_FIFO) failed: ") + strerror(errno));
    e.Set("code", Napi::String::New(env, errno == EPERM ? "EPERM" : "ESCHED"));
    throw e;
  }
  return Napi::Number::New(env, sched_getscheduler(0) == SCHED_FIFO ? priority : 0);
}

}  // namespace linac
