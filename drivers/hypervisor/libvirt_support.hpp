#pragma once

/// What every libvirt call site shares, for libvirt_hypervisor.cpp only: the
/// one-time process setup (error handler, event loop), owning handles and
/// the mapping of libvirt's errors and states to Strato's.

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <memory>
#include <string>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato::hypervisor::internal {

/// Initialises libvirt once per process: `virSetErrorFunc` so that libvirt
/// never prints to stderr, and the default event loop on a thread of its own
/// (lifecycle callbacks run there). The loop thread runs for the rest of the
/// process: libvirt cannot unregister its default event implementation.
void ensure_libvirt_initialised();

/// The calling thread's last libvirt error as a status; `what` says which
/// call failed. This is the only conversion of libvirt errors.
[[nodiscard]] status from_virerror(const std::string& what);

struct domain_deleter {
  void operator()(virDomainPtr dom) const {
    virDomainFree(dom);
  }
};
using domain_handle = std::unique_ptr<virDomain, domain_deleter>;

/// libvirt's domain state (and managed-save image) as Nova's power state.
[[nodiscard]] power_state to_power_state(int state, bool has_managed_save);

/// A lifecycle event (VIR_DOMAIN_EVENT_*) as the power state it leads to;
/// `nostate` for events that change no power state (defined, undefined).
[[nodiscard]] power_state event_power_state(int event, int detail);

/// "stopped: destroyed", for the lifecycle event's reason.
[[nodiscard]] std::string event_reason(int event, int detail);

} // namespace strato::hypervisor::internal
