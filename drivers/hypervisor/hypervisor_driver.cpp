#include "drivers/hypervisor/hypervisor_driver.hpp"

#include "drivers/hypervisor/fake_hypervisor.hpp"
#ifdef STRATO_HAVE_LIBVIRT
#include "drivers/hypervisor/libvirt_hypervisor.hpp"
#endif

namespace strato::hypervisor {

result<std::unique_ptr<hypervisor_driver>>
make_hypervisor_driver(const driver_config& config) {
  if (config.kind == "fake") {
    return std::unique_ptr<hypervisor_driver>{
      std::make_unique<fake_hypervisor>(config.fake)};
  }
  if (config.kind == "libvirt") {
#ifdef STRATO_HAVE_LIBVIRT
    return make_libvirt_hypervisor(config);
#else
    return status{errc::not_implemented,
                  "this build has no libvirt (install libvirt-dev)"};
#endif
  }
  return status{errc::invalid_argument,
                "unknown hypervisor '" + config.kind +
                  "' (expected fake or libvirt)"};
}

std::shared_ptr<fake_host_registry> make_fake_host_registry() {
  return std::make_shared<fake_host_registry>();
}

} // namespace strato::hypervisor
