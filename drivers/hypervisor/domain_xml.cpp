#include "drivers/hypervisor/domain_xml.hpp"

#include <fmt/format.h>

namespace strato::hypervisor {

namespace {

/// Nova truncates disk serials to 20 characters: QEMU refuses longer ones.
constexpr size_t max_serial = 20;

std::string disk_driver(std::string_view format) {
  auto type = format.empty() ? std::string_view{"raw"} : format;
  return fmt::format("<driver name='qemu' type='{}' cache='none'/>",
                     xml_escape(type));
}

std::string root_disk_xml(const domain_xml_options& options) {
  if (options.root_disk_path.empty()) {
    return {};
  }
  return fmt::format("<disk type='file' device='disk'>{}"
                     "<source file='{}'/><target dev='vda' bus='virtio'/>"
                     "</disk>",
                     disk_driver(options.root_disk_format),
                     xml_escape(options.root_disk_path));
}

std::string console_xml(const domain_xml_options& options) {
  if (options.console_log_path.empty()) {
    return {};
  }
  auto path = xml_escape(options.console_log_path);
  return fmt::format("<serial type='file'><source path='{0}'/>"
                     "<target port='0'/></serial>"
                     "<console type='file'><source path='{0}'/>"
                     "<target type='serial' port='0'/></console>",
                     path);
}

std::string metadata_xml(const instance_spec& spec) {
  std::string out = "<description>";
  out += xml_escape(spec.name);
  out += "</description>";
  return out;
}

} // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string make_disk_xml(const disk_spec& disk) {
  auto is_block = disk.path.starts_with("/dev/");
  auto serial = disk.volume_id.substr(0, max_serial);
  return fmt::format("<disk type='{0}' device='disk'>{1}"
                     "<source {2}='{3}'/><target dev='{4}' bus='virtio'/>"
                     "<serial>{5}</serial></disk>",
                     is_block ? "block" : "file", disk_driver(disk.format),
                     is_block ? "dev" : "file", xml_escape(disk.path),
                     xml_escape(disk.device), xml_escape(serial));
}

std::string make_interface_xml(const interface_spec& iface) {
  auto mac = iface.mac.empty()
               ? std::string{}
               : fmt::format("<mac address='{}'/>", xml_escape(iface.mac));
  // Checksum offload off: TCP does not pass OVS's userspace datapath with it.
  constexpr std::string_view model =
    "<model type='virtio'/><driver><host csum='off'/><guest csum='off'/>"
    "</driver>";
  auto mtu = fmt::format("<mtu size='{}'/>", iface.mtu);
  if (!iface.bridge.empty()) {
    return fmt::format(
      "<interface type='bridge'>{}<source bridge='{}'/>"
      "<virtualport type='openvswitch'><parameters interfaceid='{}'/>"
      "</virtualport><target dev='{}'/>{}{}</interface>",
      mac, xml_escape(iface.bridge), xml_escape(iface.port_id),
      xml_escape(iface.tap), model, mtu);
  }
  return fmt::format("<interface type='ethernet'>{}<target dev='{}' "
                     "managed='no'/>{}{}</interface>",
                     mac, xml_escape(iface.tap), model, mtu);
}

std::string make_domain_xml(const instance_spec& spec,
                            const domain_xml_options& options) {
  std::string devices = root_disk_xml(options);
  for (const auto& disk : spec.volumes) {
    devices += make_disk_xml(disk);
  }
  for (const auto& iface : spec.interfaces) {
    devices += make_interface_xml(iface);
  }
  devices += console_xml(options);
  return fmt::format(
    "<domain type='{}'><name>{}</name><uuid>{}</uuid>{}"
    "<memory unit='MiB'>{}</memory><currentMemory unit='MiB'>{}"
    "</currentMemory><vcpu placement='static'>{}</vcpu>"
    "<os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>"
    "<features><acpi/><apic/></features>"
    "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot>"
    "<on_crash>destroy</on_crash><devices>{}</devices></domain>",
    xml_escape(options.virt_type), xml_escape(domain_name(spec)),
    xml_escape(spec.uuid), metadata_xml(spec), spec.memory_mb, spec.memory_mb,
    spec.vcpus, devices);
}

std::string domain_name(const instance_spec& spec) {
  // Nova's instance_name_template "instance-%08x" needs a numeric id; the
  // uuid is unique where display names are not.
  return "instance-" + spec.uuid;
}

} // namespace strato::hypervisor
