#pragma once

/// Device and size changes on a defined libvirt domain, for
/// libvirt_hypervisor.cpp only. Live domains get the change live and in
/// their persistent config; hypervisors that cannot change devices live (the
/// test driver) get their persistent definition edited instead.

#include <string>

#include "drivers/hypervisor/libvirt_support.hpp"

namespace strato::hypervisor::internal {

/// Attaches the `<disk>` or `<interface>` in `device_xml`.
[[nodiscard]] status attach_device(virConnectPtr conn, virDomainPtr dom,
                                   const std::string& device_xml);

/// Detaches the `<element>` (disk or interface) whose XML mentions `key` (a
/// disk's serial, a port's id in its virtualport or tap name); errc::not_found
/// when none does.
[[nodiscard]] status detach_matching(virConnectPtr conn, virDomainPtr dom,
                                     const std::string& element,
                                     const std::string& key);

/// Redefines a shut-off domain with the spec's memory and vcpus.
[[nodiscard]] status redefine_sizes(virConnectPtr conn, virDomainPtr dom,
                                    const instance_spec& spec);

/// The `<element ...>...</element>` blocks of `xml` in order (flat search:
/// disks and interfaces do not nest).
[[nodiscard]] std::vector<std::string> element_blocks(const std::string& xml,
                                                      const std::string& element);

} // namespace strato::hypervisor::internal
