#include "drivers/hypervisor/libvirt_hypervisor.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "drivers/hypervisor/domain_xml.hpp"
#include "drivers/hypervisor/instance_files.hpp"
#include "drivers/hypervisor/libvirt_devices.hpp"
#include "drivers/hypervisor/libvirt_support.hpp"

namespace strato::hypervisor {

using internal::domain_handle;
using internal::from_virerror;
using internal::attach_device;
using internal::detach_matching;
using internal::redefine_sizes;

namespace {

/// Where lifecycle callbacks deliver. libvirt owns a reference (freed by
/// its free callback once no dispatch can still be running), so a callback
/// racing the driver's destruction never touches a dead driver.
struct event_sink {
  std::mutex mutex;
  std::function<void(lifecycle_event)> listener;
};

using sink_ref = std::shared_ptr<event_sink>;

class libvirt_hypervisor final : public hypervisor_driver {
public:
  libvirt_hypervisor(virConnectPtr conn, driver_config config)
    : conn_(conn), config_(std::move(config)) {
    const char* type = virConnectGetType(conn_);
    is_test_ = type != nullptr && std::string_view{type} == "TEST";
  }

  ~libvirt_hypervisor() override {
    if (callback_id_ >= 0) {
      virConnectDomainEventDeregisterAny(conn_, callback_id_);
    }
    virConnectClose(conn_);
  }

  libvirt_hypervisor(const libvirt_hypervisor&) = delete;
  libvirt_hypervisor& operator=(const libvirt_hypervisor&) = delete;

  status spawn(const instance_spec& spec) override {
    if (auto dom = lookup_quiet(spec.uuid)) {
      return {errc::conflict, "domain '" + spec.uuid + "' already exists"};
    }
    auto files = prepare_instance_files(instances_dir(), spec);
    if (!files) {
      return files.error();
    }
    domain_xml_options options;
    options.virt_type = is_test_ ? "test" : config_.libvirt_virt_type;
    options.root_disk_path = files->root_disk;
    options.root_disk_format = files->root_format;
    // The test driver keeps no files; a console it cannot open is noise.
    options.console_log_path = is_test_ ? "" : files->console_log;
    auto xml = make_domain_xml(spec, options);
    domain_handle dom{virDomainDefineXML(conn_, xml.c_str())};
    if (!dom) {
      return from_virerror("virDomainDefineXML");
    }
    if (virDomainCreate(dom.get()) < 0) {
      auto st = from_virerror("virDomainCreate");
      virDomainUndefine(dom.get());
      return st;
    }
    return {};
  }

  status destroy(const std::string& uuid) override {
    auto dom = lookup_quiet(uuid);
    if (!dom) {
      remove_instance_files(instances_dir(), uuid);
      return {}; // already gone: a retried delete completes
    }
    if (virDomainIsActive(dom.get()) == 1 && virDomainDestroy(dom.get()) < 0) {
      return from_virerror("virDomainDestroy");
    }
    auto flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                 VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
    if (virDomainUndefineFlags(dom.get(), flags) < 0 &&
        virDomainUndefine(dom.get()) < 0) {
      return from_virerror("virDomainUndefine");
    }
    remove_instance_files(instances_dir(), uuid);
    return {};
  }

  status power_on(const std::string& uuid) override {
    return with_domain(uuid, [](virDomainPtr dom) {
      // Starting a managed-saved guest restores it (how resume works too).
      return virDomainCreate(dom) < 0 ? from_virerror("virDomainCreate")
                                      : status{};
    });
  }

  status power_off(const std::string& uuid,
                   std::chrono::seconds timeout) override {
    return with_domain(uuid, [&](virDomainPtr dom) {
      if (virDomainIsActive(dom) != 1) {
        return not_valid("domain is not running");
      }
      if (timeout.count() > 0 && virDomainShutdown(dom) == 0 &&
          wait_until_off(dom, timeout)) {
        return status{};
      }
      virResetLastError();
      if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0) {
        return from_virerror("virDomainDestroy");
      }
      return status{};
    });
  }

  status reboot(const std::string& uuid, bool hard) override {
    return with_domain(uuid, [&](virDomainPtr dom) {
      if (!hard) {
        if (virDomainIsActive(dom) != 1) {
          return not_valid("domain is not running");
        }
        return virDomainReboot(dom, 0) < 0 ? from_virerror("virDomainReboot")
                                           : status{};
      }
      // Nova's hard reboot: off, then a fresh start from the definition.
      if (virDomainIsActive(dom) == 1 && virDomainDestroy(dom) < 0) {
        return from_virerror("virDomainDestroy");
      }
      return virDomainCreate(dom) < 0 ? from_virerror("virDomainCreate")
                                      : status{};
    });
  }

  status pause(const std::string& uuid) override {
    return in_state(uuid, VIR_DOMAIN_RUNNING, "running", [](virDomainPtr dom) {
      return virDomainSuspend(dom) < 0 ? from_virerror("virDomainSuspend")
                                       : status{};
    });
  }

  status unpause(const std::string& uuid) override {
    return in_state(uuid, VIR_DOMAIN_PAUSED, "paused", [](virDomainPtr dom) {
      return virDomainResume(dom) < 0 ? from_virerror("virDomainResume")
                                      : status{};
    });
  }

  status suspend(const std::string& uuid) override {
    return with_domain(uuid, [](virDomainPtr dom) {
      if (virDomainIsActive(dom) != 1) {
        return not_valid("domain is not running");
      }
      return virDomainManagedSave(dom, 0) < 0
               ? from_virerror("virDomainManagedSave")
               : status{};
    });
  }

  status resume(const std::string& uuid) override {
    return with_domain(uuid, [](virDomainPtr dom) {
      if (virDomainHasManagedSaveImage(dom, 0) != 1) {
        return not_valid("domain has no saved state");
      }
      return virDomainCreate(dom) < 0 ? from_virerror("virDomainCreate")
                                      : status{};
    });
  }

  status resize(const instance_spec& spec) override {
    return with_domain(spec.uuid, [&](virDomainPtr dom) {
      if (virDomainIsActive(dom) == 1) {
        return not_valid("resize needs the domain shut off");
      }
      return redefine_sizes(conn_, dom, spec);
    });
  }

  status live_migrate(const std::string& uuid,
                      const std::string& destination_uri) override {
    return {errc::not_implemented, "live migration of " + uuid + " to " +
                                     destination_uri +
                                     " is not implemented by this driver"};
  }

  status attach_volume(const std::string& uuid,
                       const disk_spec& disk) override {
    return with_domain(uuid, [&](virDomainPtr dom) {
      return attach_device(conn_, dom, make_disk_xml(disk));
    });
  }

  status detach_volume(const std::string& uuid,
                       const std::string& volume_id) override {
    return with_domain(uuid, [&](virDomainPtr dom) {
      return detach_matching(conn_, dom, "disk", volume_id.substr(0, 20));
    });
  }

  status attach_interface(const std::string& uuid,
                          const interface_spec& iface) override {
    return with_domain(uuid, [&](virDomainPtr dom) {
      return attach_device(conn_, dom, make_interface_xml(iface));
    });
  }

  status detach_interface(const std::string& uuid,
                          const std::string& port_id) override {
    return with_domain(uuid, [&](virDomainPtr dom) {
      return detach_matching(conn_, dom, "interface", port_id);
    });
  }

  result<instance_info> info(const std::string& uuid) override {
    auto dom = lookup(uuid);
    if (!dom) {
      return dom.error();
    }
    virDomainInfo raw{};
    if (virDomainGetInfo(dom->get(), &raw) < 0) {
      return from_virerror("virDomainGetInfo");
    }
    auto saved = virDomainHasManagedSaveImage(dom->get(), 0) == 1;
    return instance_info{internal::to_power_state(raw.state, saved),
                         raw.nrVirtCpu, raw.maxMem / 1024, raw.cpuTime};
  }

  result<std::map<std::string, power_state>> list() override {
    virDomainPtr* doms = nullptr;
    auto count = virConnectListAllDomains(conn_, &doms, 0);
    if (count < 0) {
      return from_virerror("virConnectListAllDomains");
    }
    std::map<std::string, power_state> out;
    for (int i = 0; i < count; ++i) {
      domain_handle dom{doms[i]};
      char uuid[VIR_UUID_STRING_BUFLEN];
      int state = 0;
      int reason = 0;
      if (virDomainGetUUIDString(dom.get(), uuid) == 0 &&
          virDomainGetState(dom.get(), &state, &reason, 0) == 0) {
        auto saved = virDomainHasManagedSaveImage(dom.get(), 0) == 1;
        out.emplace(uuid, internal::to_power_state(state, saved));
      }
    }
    free(doms); // NOLINT: libvirt allocates the array with malloc
    return out;
  }

  result<std::string> console_output(const std::string& uuid,
                                     size_t max_bytes) override {
    auto dom = lookup(uuid);
    if (!dom) {
      return dom.error();
    }
    return read_tail(instances_dir() + "/" + uuid + "/console.log", max_bytes);
  }

  result<host_inventory> inventory() override {
    virNodeInfo node{};
    if (virNodeGetInfo(conn_, &node) < 0) {
      return from_virerror("virNodeGetInfo");
    }
    host_inventory inv;
    inv.vcpus = node.cpus;
    inv.memory_mb = node.memory / 1024;
    inv.cpu_arch = node.model; // "x86_64" on KVM hosts; "i686" in tests
    if (char* name = virConnectGetHostname(conn_)) {
      inv.hostname = name;
      free(name); // NOLINT: libvirt allocates with malloc
    }
    const char* type = virConnectGetType(conn_);
    inv.hypervisor_type = type != nullptr ? type : "QEMU";
    unsigned long version = 0;
    if (virConnectGetVersion(conn_, &version) == 0) {
      inv.hypervisor_version = version;
    }
    inv.disk_gb = free_disk_gb();
    return inv;
  }

  void on_lifecycle(std::function<void(lifecycle_event)> listener) override {
    {
      std::lock_guard guard{sink_->mutex};
      sink_->listener = std::move(listener);
    }
    if (callback_id_ >= 0) {
      return;
    }
    callback_id_ = virConnectDomainEventRegisterAny(
      conn_, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
      VIR_DOMAIN_EVENT_CALLBACK(&libvirt_hypervisor::on_event),
      new sink_ref{sink_}, &libvirt_hypervisor::free_sink);
    if (callback_id_ < 0) {
      ignore_error(from_virerror("virConnectDomainEventRegisterAny"));
    }
  }

private:
  static void free_sink(void* opaque) {
    delete static_cast<sink_ref*>(opaque);
  }

  static int on_event(virConnectPtr /*conn*/, virDomainPtr dom, int event,
                      int detail, void* opaque) {
    auto& sink = **static_cast<sink_ref*>(opaque);
    auto state = internal::event_power_state(event, detail);
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (state == power_state::nostate ||
        virDomainGetUUIDString(dom, uuid) < 0) {
      return 0;
    }
    std::function<void(lifecycle_event)> listener;
    {
      std::lock_guard guard{sink.mutex};
      listener = sink.listener;
    }
    if (listener) {
      listener(lifecycle_event{uuid, state,
                               internal::event_reason(event, detail)});
    }
    return 0;
  }

  static void ignore_error(const status& /*why*/) {
    // Without lifecycle callbacks the agent's power sync still notices
    // changes; the driver stays usable.
  }

  std::string instances_dir() const {
    return config_.instances_dir.empty() ? "/var/lib/strato/instances"
                                         : config_.instances_dir;
  }

  uint64_t free_disk_gb() const {
    struct statvfs fs {};
    if (::statvfs(instances_dir().c_str(), &fs) != 0 &&
        ::statvfs("/", &fs) != 0) {
      return 0;
    }
    return static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize >> 30;
  }

  /// The domain, or nothing without recording an error.
  domain_handle lookup_quiet(const std::string& uuid) {
    domain_handle dom{virDomainLookupByUUIDString(conn_, uuid.c_str())};
    if (!dom) {
      virResetLastError();
    }
    return dom;
  }

  result<domain_handle> lookup(const std::string& uuid) {
    domain_handle dom{virDomainLookupByUUIDString(conn_, uuid.c_str())};
    if (!dom) {
      auto st = from_virerror("virDomainLookupByUUIDString");
      if (st.message().find(uuid) == std::string::npos) {
        return status{st.code(), st.message() + ": no domain with matching "
                                                "uuid '" + uuid + "'"};
      }
      return st;
    }
    return dom;
  }

  template <class F>
  status with_domain(const std::string& uuid, F&& action) {
    auto dom = lookup(uuid);
    if (!dom) {
      return dom.error();
    }
    return action(dom->get());
  }

  /// Drivers disagree on how they refuse an operation in the wrong state
  /// (the test driver calls it an internal error), so the state is checked
  /// here first and the refusal is always errc::invalid_transition.
  template <class F>
  status in_state(const std::string& uuid, int required,
                  const char* required_name, F&& action) {
    return with_domain(uuid, [&](virDomainPtr dom) {
      int state = 0;
      int reason = 0;
      if (virDomainGetState(dom, &state, &reason, 0) < 0) {
        return from_virerror("virDomainGetState");
      }
      if (state != required) {
        return not_valid(std::string{"domain is not "} + required_name);
      }
      return action(dom);
    });
  }

  static status not_valid(const std::string& why) {
    return {errc::invalid_transition, "Requested operation is not valid: " + why};
  }

  static bool wait_until_off(virDomainPtr dom, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (virDomainIsActive(dom) == 0) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{100});
    }
    return false;
  }

  virConnectPtr conn_;
  driver_config config_;
  bool is_test_ = false;
  int callback_id_ = -1;
  sink_ref sink_ = std::make_shared<event_sink>();
};

} // namespace

result<std::unique_ptr<hypervisor_driver>>
make_libvirt_hypervisor(const driver_config& config) {
  internal::ensure_libvirt_initialised();
  // libxml2 would print its own warning to stderr for a missing test file.
  const std::string_view test_prefix = "test://";
  auto uri = std::string_view{config.libvirt_uri};
  if (uri.starts_with(test_prefix) && uri != "test:///default") {
    auto path = std::string{uri.substr(test_prefix.size())};
    if (::access(path.c_str(), R_OK) != 0) {
      return status{errc::not_found, "cannot open libvirt test node file " +
                                       path};
    }
  }
  virConnectPtr conn = virConnectOpen(config.libvirt_uri.c_str());
  if (conn == nullptr) {
    return from_virerror("virConnectOpen " + config.libvirt_uri);
  }
  return std::unique_ptr<hypervisor_driver>{
    std::make_unique<libvirt_hypervisor>(conn, config)};
}

} // namespace strato::hypervisor
