// openpty() for serial-link tests: the bridge opens the slave path with serialport,
// the simulator reads and writes the master fd. Both ends are put in raw mode.
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <napi.h>

namespace linac {

Napi::Value OpenPty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int master = -1;
  int slave = -1;
  char name[256] = {0};
  if (openpty(&master, &slave, name, nullptr, nullptr) != 0) {
    throw Napi::Error::New(env, std::string("openpty failed: ") + strerror(errno));
  }
  struct termios tio;
  if (tcgetattr(slave, &tio) == 0) {
    cfmakeraw(&tio);
    tcsetattr(slave, TCSANOW, &tio);
  }
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  fcntl(master, F_SETFD, FD_CLOEXEC);
  fcntl(slave, F_SETFD, FD_CLOEXEC);
  Napi::Object out = Napi::Object::New(env);
  out.Set("masterFd", Napi::Number::New(env, master));
  out.Set("slaveFd", Napi::Number::New(env, slave));
  out.Set("slavePath", Napi::String::New(env, name));
  return out;
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "closeFd(fd): fd must be a number");
  close(info[0].As<Napi::Number>().Int32Value());
  return env.Undefined();
}

}  // namespace linac
