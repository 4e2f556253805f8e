#include "drivers/hypervisor/libvirt_support.hpp"

#include <mutex>
#include <thread>

namespace strato::hypervisor::internal {

namespace {

void ignore_libvirt_error(void* /*opaque*/, virErrorPtr /*error*/) {
  // Errors are read with virGetLastError where the call failed; printing
  // them here would only duplicate them on stderr.
}

errc errc_of(int code) {
  switch (code) {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_STORAGE_VOL:
      return errc::not_found;
    case VIR_ERR_OPERATION_INVALID:
      return errc::invalid_transition;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
    case VIR_ERR_CONFIG_UNSUPPORTED:
      return errc::not_implemented;
    case VIR_ERR_OPERATION_TIMEOUT:
      return errc::timeout;
    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
      return errc::invalid_argument;
    case VIR_ERR_DOM_EXIST:
      return errc::conflict;
    default:
      return errc::unavailable;
  }
}

} // namespace

void ensure_libvirt_initialised() {
  static std::once_flag once;
  std::call_once(once, [] {
    virInitialize();
    virSetErrorFunc(nullptr, ignore_libvirt_error);
    virEventRegisterDefaultImpl();
    std::thread{[] {
      for (;;) {
        virEventRunDefaultImpl();
      }
    }}.detach();
  });
}

status from_virerror(const std::string& what) {
  virErrorPtr err = virGetLastError();
  if (err == nullptr) {
    return {errc::unavailable, what + " failed"};
  }
  auto message = err->message != nullptr ? std::string{err->message}
                                         : what + " failed";
  auto code = errc_of(err->code);
  virResetLastError();
  return {code, message};
}

power_state to_power_state(int state, bool has_managed_save) {
  // Nova's LIBVIRT_POWER_STATE table, plus managed save as "suspended".
  switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
      return power_state::running;
    case VIR_DOMAIN_PAUSED:
      return power_state::paused;
    case VIR_DOMAIN_SHUTDOWN:
      return power_state::shutdown;
    case VIR_DOMAIN_SHUTOFF:
      return has_managed_save ? power_state::suspended : power_state::shutdown;
    case VIR_DOMAIN_CRASHED:
      return power_state::crashed;
    case VIR_DOMAIN_PMSUSPENDED:
      return power_state::suspended;
    default:
      return power_state::nostate;
  }
}

power_state event_power_state(int event, int detail) {
  switch (event) {
    case VIR_DOMAIN_EVENT_STARTED:
    case VIR_DOMAIN_EVENT_RESUMED:
      return power_state::running;
    case VIR_DOMAIN_EVENT_SUSPENDED:
      return power_state::paused;
    case VIR_DOMAIN_EVENT_STOPPED:
      if (detail == VIR_DOMAIN_EVENT_STOPPED_CRASHED) {
        return power_state::crashed;
      }
      return detail == VIR_DOMAIN_EVENT_STOPPED_SAVED ? power_state::suspended
                                                      : power_state::shutdown;
    case VIR_DOMAIN_EVENT_SHUTDOWN:
      return power_state::shutdown;
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
      return power_state::suspended;
    case VIR_DOMAIN_EVENT_CRASHED:
      return power_state::crashed;
    default:
      return power_state::nostate;
  }
}

std::string event_reason(int event, int detail) {
  static constexpr const char* events[] = {
    "defined", "undefined", "started",   "suspended", "resumed",
    "stopped", "shutdown",  "pmsuspended", "crashed"};
  std::string out = event >= 0 && event < 9 ? events[event] : "event";
  if (event == VIR_DOMAIN_EVENT_STOPPED) {
    static constexpr const char* stopped[] = {
      "shutdown", "destroyed", "crashed", "migrated",
      "saved",    "failed",    "from_snapshot"};
    if (detail >= 0 && detail < 7) {
      out += std::string{": "} + stopped[detail];
    }
  }
  return out;
}

} // namespace strato::hypervisor::internal
