#pragma once

/// The libvirt driver: guests as libvirt domains through the C API, on any
/// URI (`qemu:///system` on a compute host, `test:///default` or
/// `test:///<abs path>/node.xml` in tests, which run in-process without a
/// daemon). Only libvirt_*.cpp include <libvirt/libvirt.h>.
///
/// Thread safety: one connection per driver; libvirt connections are
/// thread-safe, so calls for different guests may run in parallel.
/// Lifecycle events arrive on libvirt's event-loop thread.
///
/// Errors: libvirt's own message, with its code mapped to an errc (no such
/// domain -> not_found, operation invalid in this state ->
/// invalid_transition, unsupported by this hypervisor -> not_implemented,
/// anything else -> unavailable).

#include <memory>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato::hypervisor {

/// Opens `config.libvirt_uri`. The domain type is `config.libvirt_virt_type`
/// ("kvm" or "qemu"), or "test" on libvirt's test driver.
[[nodiscard]] result<std::unique_ptr<hypervisor_driver>>
make_libvirt_hypervisor(const driver_config& config);

} // namespace strato::hypervisor
