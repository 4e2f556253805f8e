#pragma once

/// Libvirt domain XML from an instance_spec: what the libvirt driver defines.
/// Pure text generation (no libvirt), so it is unit-tested on its own.
///
/// The guest: `<domain type=virt_type>` named after the instance with its
/// uuid, the flavor's memory and vcpus, `<features><acpi/><apic/></features>`
/// (without ACPI a graceful shutdown never ends), the root disk as vda, each
/// volume as a virtio disk whose `<serial>` is the volume id (how detach
/// finds it again), each port as an `ethernet` tap or an OVS `bridge` port
/// whose virtualport interfaceid is the port id, a serial console written to
/// a log file, and no graphics.

#include <string>
#include <string_view>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato::hypervisor {

struct domain_xml_options {
  /// "kvm", "qemu" (software emulation) or "test" (libvirt's test driver).
  std::string virt_type = "qemu";
  /// The root disk file (an overlay or the image itself); none when empty.
  std::string root_disk_path;
  std::string root_disk_format = "qcow2";
  /// Where the serial console is logged; no serial device when empty.
  std::string console_log_path;
};

[[nodiscard]] std::string make_domain_xml(const instance_spec& spec,
                                          const domain_xml_options& options);

/// A volume as a `<disk>` device (attach and detach use the same text).
[[nodiscard]] std::string make_disk_xml(const disk_spec& disk);

/// A port as an `<interface>` device.
[[nodiscard]] std::string make_interface_xml(const interface_spec& iface);

/// "instance-<uuid>": the libvirt domain name (display names repeat).
[[nodiscard]] std::string domain_name(const instance_spec& spec);

/// Escapes &, <, >, ' and " for attribute and text content.
[[nodiscard]] std::string xml_escape(std::string_view text);

} // namespace strato::hypervisor
