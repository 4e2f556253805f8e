#include "drivers/hypervisor/libvirt_devices.hpp"

#include <fmt/format.h>

#include <cstdlib>

namespace strato::hypervisor::internal {

namespace {

result<std::string> domain_xml(virDomainPtr dom, unsigned flags) {
  char* raw = virDomainGetXMLDesc(dom, flags);
  if (raw == nullptr) {
    return from_virerror("virDomainGetXMLDesc");
  }
  std::string xml{raw};
  free(raw); // NOLINT: libvirt allocates with malloc
  return xml;
}

status redefine(virConnectPtr conn, const std::string& xml) {
  domain_handle dom{virDomainDefineXML(conn, xml.c_str())};
  return dom ? status{} : from_virerror("virDomainDefineXML");
}

unsigned affect_flags(virDomainPtr dom) {
  unsigned flags = VIR_DOMAIN_AFFECT_CONFIG;
  if (virDomainIsActive(dom) == 1) {
    flags |= VIR_DOMAIN_AFFECT_LIVE;
  }
  return flags;
}

bool unsupported(const status& st) {
  return st.code() == errc::not_implemented;
}

/// Replaces the first `<tag ...>text</tag>` with `replacement`.
void replace_element(std::string& xml, const std::string& tag,
                     const std::string& replacement) {
  auto begin = xml.find("<" + tag);
  auto close = "</" + tag + ">";
  auto end = xml.find(close, begin);
  if (begin == std::string::npos || end == std::string::npos) {
    return;
  }
  xml.replace(begin, end + close.size() - begin, replacement);
}

} // namespace

std::vector<std::string> element_blocks(const std::string& xml,
                                        const std::string& element) {
  std::vector<std::string> out;
  auto open = "<" + element + " ";
  auto close = "</" + element + ">";
  size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string::npos) {
    auto end = xml.find(close, pos);
    if (end == std::string::npos) {
      break;
    }
    out.push_back(xml.substr(pos, end + close.size() - pos));
    pos = end + close.size();
  }
  return out;
}

status attach_device(virConnectPtr conn, virDomainPtr dom,
                     const std::string& device_xml) {
  if (virDomainAttachDeviceFlags(dom, device_xml.c_str(), affect_flags(dom)) ==
      0) {
    return {};
  }
  auto st = from_virerror("virDomainAttachDeviceFlags");
  if (!unsupported(st)) {
    return st;
  }
  auto xml = domain_xml(dom, VIR_DOMAIN_XML_INACTIVE);
  if (!xml) {
    return xml.error();
  }
  auto at = xml->rfind("</devices>");
  if (at == std::string::npos) {
    return {errc::unavailable, "domain XML has no <devices>"};
  }
  xml->insert(at, device_xml);
  return redefine(conn, *xml);
}

status detach_matching(virConnectPtr conn, virDomainPtr dom,
                       const std::string& element, const std::string& key) {
  auto xml = domain_xml(dom, VIR_DOMAIN_XML_INACTIVE);
  if (!xml) {
    return xml.error();
  }
  for (const auto& block : element_blocks(*xml, element)) {
    if (key.empty() || block.find(key) == std::string::npos) {
      continue;
    }
    if (virDomainDetachDeviceFlags(dom, block.c_str(), affect_flags(dom)) ==
        0) {
      return {};
    }
    auto st = from_virerror("virDomainDetachDeviceFlags");
    if (!unsupported(st)) {
      return st;
    }
    xml->erase(xml->find(block), block.size());
    return redefine(conn, *xml);
  }
  return {errc::not_found, fmt::format("no {} matching '{}' is attached",
                                       element, key)};
}

status redefine_sizes(virConnectPtr conn, virDomainPtr dom,
                      const instance_spec& spec) {
  auto xml = domain_xml(dom, VIR_DOMAIN_XML_INACTIVE);
  if (!xml) {
    return xml.error();
  }
  replace_element(*xml, "memory",
                  fmt::format("<memory unit='MiB'>{}</memory>", spec.memory_mb));
  replace_element(*xml, "currentMemory",
                  fmt::format("<currentMemory unit='MiB'>{}</currentMemory>",
                              spec.memory_mb));
  replace_element(*xml, "vcpu",
                  fmt::format("<vcpu placement='static'>{}</vcpu>", spec.vcpus));
  return redefine(conn, *xml);
}

} // namespace strato::hypervisor::internal
