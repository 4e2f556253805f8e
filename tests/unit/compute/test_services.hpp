#pragma once

// In-memory stand-ins for the "network" and "volume" actors, as the compute
// service talks to them (network_protocol.hpp, volume_protocol.hpp), that
// record what compute did to ports and volumes so tests can look.

#include <caf/all.hpp>

#include <map>
#include <algorithm>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace strato::testing {

struct test_port {
  std::string network_id;
  std::string device_id;
  std::string host;
  std::string status = "DOWN";
};

struct port_book {
  std::mutex mutex;
  std::map<std::string, test_port> ports;
  int next = 1;

  std::optional<test_port> find(const std::string& id) {
    std::lock_guard guard{mutex};
    auto it = ports.find(id);
    return it == ports.end() ? std::nullopt
                             : std::optional<test_port>{it->second};
  }
  size_t size() {
    std::lock_guard guard{mutex};
    return ports.size();
  }
};

struct test_volume {
  std::string status = "available"; ///< Cinder's
  std::string attachment_id;
  std::string attachment_status; ///< "" when there is no attachment
  std::string host;
  bool bootable = false;
  uint64_t size_gb = 1;
};

struct volume_book {
  std::mutex mutex;
  std::map<std::string, test_volume> volumes;
  std::vector<std::string> deleted;

  std::optional<test_volume> find(const std::string& id) {
    std::lock_guard guard{mutex};
    auto it = volumes.find(id);
    return it == volumes.end() ? std::nullopt
                               : std::optional<test_volume>{it->second};
  }
  void add(const std::string& id, test_volume v = {}) {
    std::lock_guard guard{mutex};
    volumes[id] = std::move(v);
  }
  bool was_deleted(const std::string& id) {
    std::lock_guard guard{mutex};
    return std::find(deleted.begin(), deleted.end(), id) != deleted.end();
  }
};

caf::behavior test_network_service(caf::event_based_actor* self,
                                   std::shared_ptr<port_book> book);

caf::behavior test_volume_service(caf::event_based_actor* self,
                                  std::shared_ptr<volume_book> book);

} // namespace strato::testing
