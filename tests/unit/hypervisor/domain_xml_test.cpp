#include "drivers/hypervisor/domain_xml.hpp"

#include <doctest/doctest.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include <memory>

using namespace strato::hypervisor;

namespace {

/// The generated XML parsed back, queried with XPath.
class parsed_xml {
public:
  explicit parsed_xml(const std::string& text)
    : doc_(xmlReadMemory(text.data(), static_cast<int>(text.size()),
                         "domain.xml", nullptr, XML_PARSE_NONET),
           xmlFreeDoc) {
  }

  [[nodiscard]] bool ok() const {
    return doc_ != nullptr;
  }

  /// The text (or attribute value) of the first node matching `xpath`.
  std::string value(const std::string& xpath) const {
    auto nodes = select(xpath);
    if (nodes.empty()) {
      return "<missing>";
    }
    xmlChar* content = xmlNodeGetContent(nodes[0]);
    std::string out = content != nullptr
                        ? reinterpret_cast<const char*>(content) // NOLINT
                        : "";
    xmlFree(content);
    return out;
  }

  size_t count(const std::string& xpath) const {
    return select(xpath).size();
  }

private:
  std::vector<xmlNodePtr> select(const std::string& xpath) const {
    std::vector<xmlNodePtr> out;
    auto* context = xmlXPathNewContext(doc_.get());
    auto* found = xmlXPathEvalExpression(
      reinterpret_cast<const xmlChar*>(xpath.c_str()), context); // NOLINT
    if (found != nullptr && found->nodesetval != nullptr) {
      for (int i = 0; i < found->nodesetval->nodeNr; ++i) {
        out.push_back(found->nodesetval->nodeTab[i]);
      }
    }
    xmlXPathFreeObject(found);
    xmlXPathFreeContext(context);
    return out;
  }

  std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc_;
};

instance_spec full_spec() {
  instance_spec spec;
  spec.uuid = "6f1c7d2e-8a43-4f5b-9a0e-0c3f2b1d4e5f";
  spec.name = "web <1> & 'friends'";
  spec.vcpus = 4;
  spec.memory_mb = 2048;
  spec.volumes.push_back(
    {"0b7e6f3a-1111-2222-3333-444455556666", "/dev/sdc", "raw", "vdb"});
  spec.volumes.push_back({"vol-file", "/var/lib/vols/v.qcow2", "qcow2", "vdc"});
  spec.interfaces.push_back(
    {"port-eth", "fa:16:3e:aa:bb:cc", "", "tapport-eth", 1450});
  spec.interfaces.push_back(
    {"port-ovs", "fa:16:3e:aa:bb:dd", "br-int", "tapport-ovs", 1500});
  return spec;
}

domain_xml_options kvm_options() {
  domain_xml_options options;
  options.virt_type = "kvm";
  options.root_disk_path = "/srv/instances/x/disk";
  options.root_disk_format = "qcow2";
  options.console_log_path = "/srv/instances/x/console.log";
  return options;
}

} // namespace

TEST_SUITE("drivers/hypervisor/domain_xml") {

TEST_CASE("the domain carries the instance's identity and sizes") {
  parsed_xml xml{make_domain_xml(full_spec(), kvm_options())};
  REQUIRE(xml.ok());
  CHECK(xml.value("/domain/@type") == "kvm");
  CHECK(xml.value("/domain/uuid") == full_spec().uuid);
  CHECK(xml.value("/domain/name") == "instance-" + full_spec().uuid);
  CHECK(xml.value("/domain/description") == "web <1> & 'friends'");
  CHECK(xml.value("/domain/memory") == "2048");
  CHECK(xml.value("/domain/memory/@unit") == "MiB");
  CHECK(xml.value("/domain/vcpu") == "4");
  CHECK(xml.count("/domain/features/acpi") == 1);
  CHECK(xml.count("/domain/features/apic") == 1);
  CHECK(xml.count("//graphics") == 0);
}

TEST_CASE("the root disk and volumes become virtio disks") {
  parsed_xml xml{make_domain_xml(full_spec(), kvm_options())};
  REQUIRE(xml.ok());
  CHECK(xml.count("/domain/devices/disk") == 3);
  CHECK(xml.value("/domain/devices/disk[1]/source/@file") ==
        "/srv/instances/x/disk");
  CHECK(xml.value("/domain/devices/disk[1]/target/@dev") == "vda");
  CHECK(xml.value("/domain/devices/disk[1]/driver/@type") == "qcow2");
  CHECK(xml.value("/domain/devices/disk[2]/@type") == "block");
  CHECK(xml.value("/domain/devices/disk[2]/source/@dev") == "/dev/sdc");
  CHECK(xml.value("/domain/devices/disk[2]/target/@dev") == "vdb");
  // Serials are cut to 20 characters as QEMU requires.
  CHECK(xml.value("/domain/devices/disk[2]/serial") == "0b7e6f3a-1111-2222-3");
  CHECK(xml.value("/domain/devices/disk[3]/@type") == "file");
  CHECK(xml.value("/domain/devices/disk[3]/driver/@type") == "qcow2");
}

TEST_CASE("ports become ethernet taps or OVS bridge ports") {
  parsed_xml xml{make_domain_xml(full_spec(), kvm_options())};
  REQUIRE(xml.ok());
  CHECK(xml.value("/domain/devices/interface[1]/@type") == "ethernet");
  CHECK(xml.value("/domain/devices/interface[1]/target/@dev") ==
        "tapport-eth");
  CHECK(xml.value("/domain/devices/interface[1]/target/@managed") == "no");
  CHECK(xml.value("/domain/devices/interface[1]/mtu/@size") == "1450");
  CHECK(xml.value("/domain/devices/interface[1]/mac/@address") ==
        "fa:16:3e:aa:bb:cc");
  CHECK(xml.value("/domain/devices/interface[2]/@type") == "bridge");
  CHECK(xml.value("/domain/devices/interface[2]/source/@bridge") == "br-int");
  CHECK(xml.value("/domain/devices/interface[2]/virtualport/@type") ==
        "openvswitch");
  CHECK(xml.value(
          "/domain/devices/interface[2]/virtualport/parameters/@interfaceid") ==
        "port-ovs");
  CHECK(xml.value("/domain/devices/interface[2]/driver/host/@csum") == "off");
}

TEST_CASE("the serial console is logged to the instance's file") {
  parsed_xml xml{make_domain_xml(full_spec(), kvm_options())};
  REQUIRE(xml.ok());
  CHECK(xml.value("/domain/devices/serial/@type") == "file");
  CHECK(xml.value("/domain/devices/serial/source/@path") ==
        "/srv/instances/x/console.log");
  CHECK(xml.value("/domain/devices/console/target/@type") == "serial");
}

TEST_CASE("a spec without image, volumes or console has no devices") {
  instance_spec spec;
  spec.uuid = "u";
  domain_xml_options options;
  parsed_xml xml{make_domain_xml(spec, options)};
  REQUIRE(xml.ok());
  CHECK(xml.value("/domain/@type") == "qemu");
  CHECK(xml.count("/domain/devices/*") == 0);
}

TEST_CASE("device XML for attach parses on its own") {
  parsed_xml disk{make_disk_xml({"v", "/tmp/a b.raw", "", "vdd"})};
  REQUIRE(disk.ok());
  CHECK(disk.value("/disk/source/@file") == "/tmp/a b.raw");
  CHECK(disk.value("/disk/driver/@type") == "raw");
  parsed_xml iface{make_interface_xml({"p", "", "", "tapp", 1500})};
  REQUIRE(iface.ok());
  CHECK(iface.count("/interface/mac") == 0);
}

} // TEST_SUITE
