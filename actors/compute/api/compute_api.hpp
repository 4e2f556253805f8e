#pragma once

// The inside of the compute service (Nova's API under /compute/v2.1),
// shared by its route files. Reads come from the shared catalog and the
// server index; writes go to the catalog entity or the servers' entities.

#include <caf/all.hpp>

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/compute/core/catalog.hpp"
#include "actors/compute/core/server_index.hpp"
#include "actors/compute/core/transitions.hpp"
#include "actors/identity/service/identity_service.hpp"
#include "runtime/api/json_schema.hpp"
#include "runtime/service/host_board.hpp"
#include "runtime/actor/ask.hpp"
#include "runtime/api/microversion.hpp"
#include "runtime/http/router.hpp"
#include "runtime/service/host_board.hpp"

namespace strato::compute {

using json = nlohmann::json;

/// Nova's microversions 2.1 - 2.93, default 2.1.
const api::microversion_policy& nova_versions();

/// One request after authentication and version negotiation.
struct call {
  http::request req;
  http::responder reply;
  identity::auth_context caller;
  api::api_version version;
  /// Reachability of hosts on other nodes; null without a cluster.
  const service::host_board* hosts = nullptr;

  [[nodiscard]] bool at_least(uint32_t minor) const {
    return version >= api::api_version{2, minor};
  }
  [[nodiscard]] bool admin() const {
    return caller.admin();
  }
  /// Answers with `body` (or no body when null) and the version headers.
  void send(int status, const json& body) const;
  void fail(const status& st) const;
  void fail(int status, std::string message) const;
};

using call_handler = std::function<void(call&)>;

struct compute_api {
  caf::actor_system* sys = nullptr;
  const identity::identity_service* identity = nullptr;
  std::shared_ptr<shared_catalog> catalog;
  std::shared_ptr<server_index> servers;
  caf::actor catalog_region;
  caf::actor instance_region;
  caf::actor tenant; ///< May be invalid: no quota enforcement.
  caf::actor image;  ///< May be invalid: images are not checked.
  caf::actor network; ///< "network"; may be invalid (no ports).
  bool has_network = false;
  bool has_volume = false;
  const service::host_board* hosts = nullptr; ///< See `call::hosts`.
  caf::actor scheduler; ///< "scheduler"; may be invalid (simulated hosts).
  /// os-hypervisors' hypervisor_type: "QEMU" (libvirt) or "fake".
  std::string hypervisor_type = "fake";
  caf::actor volume; ///< "volume"; may be invalid: no volume attachments.

  /// Wraps `h`: authenticates, negotiates the version, then runs it.
  [[nodiscard]] http::handler wrap(call_handler h) const;

  /// Persists catalog events; answers `on_success()` or the error.
  void write_catalog(const pb::CatalogCommand& cmd, const call& c,
                     std::function<void()> on_success) const;
  /// Sends `msg` to server `id`'s entity; `done` gets the reply or error.
  template <class Reply>
  void ask_instance(const std::string& id, caf::message msg,
                    std::function<void(result<Reply>)> done) const;

  /// The server if it exists and the caller may see it, else a 404 sent.
  [[nodiscard]] std::optional<server_record>
  visible_server(const call& c, const std::string& id) const;

  void install_flavors(http::router& routes) const;
  void install_keypairs(http::router& routes) const;
  void install_servers(http::router& routes) const;
  void install_create(http::router& routes) const;
  void install_actions(http::router& routes) const;
  void install_server_extras(http::router& routes) const;
  void install_misc(http::router& routes) const;
  void install_volume_attachments(http::router& routes) const;
  void install_interfaces(http::router& routes) const;
  void install_hosts(http::router& routes) const;
};

// -- helpers shared by the route files ---------------------------------------

/// The request body as a JSON object, or a 400 sent and nullopt.
[[nodiscard]] std::optional<json> body_of(const call& c);
/// Validates `body` against a compiled Nova schema, sending the 400.
[[nodiscard]] bool valid(const call& c, const api::schema& s, const json& body);
/// Compiles a schema literal once (it is ours: failing is a bug).
[[nodiscard]] api::schema compile_schema(const json& definition);

/// "2024-05-01T12:00:00Z" (Nova's isotime) and the form with microseconds
/// ("2024-05-01T12:00:00.000000") that os-instance-actions uses.
[[nodiscard]] std::string iso_time(int64_t us);
[[nodiscard]] std::string iso_time_micro(int64_t us);
[[nodiscard]] int64_t now_us();
/// The adminPass Nova answers when the request names none.
[[nodiscard]] std::string random_password();

/// Nova's self and bookmark links for `collection/id`.
[[nodiscard]] json resource_links(const http::request& req,
                                  std::string_view collection,
                                  const std::string& id);

/// Asks server `id`'s entity to run `req` (its state rules decide) and
/// answers `success_status` with `success_body` (no body when null).
void run_action(const compute_api& self, const call& c, const std::string& id,
                action_request req, int success_status, json success_body);
/// os-evacuate (evacuate.cpp).
void evacuate_server(const compute_api& self, const call& c,
                     const server_record& s, const json& body);

[[nodiscard]] json render_flavor(const call& c, const pb::Flavor& f,
                                 bool detail);
[[nodiscard]] json render_server(const call& c, const server_record& s,
                                 bool detail);

template <class Reply>
void compute_api::ask_instance(const std::string& id, caf::message msg,
                               std::function<void(result<Reply>)> done) const {
  actor::ask<Reply>(*sys, instance_region, caf::make_message(id, std::move(msg)),
                    std::chrono::seconds{30}, std::move(done));
}

} // namespace strato::compute
