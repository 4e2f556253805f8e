#pragma once

/// Cinder v3's HTTP API on the volume entities: routes under
/// `/volume/v3/{project_id}/...` and, as newer Cinder also accepts, under
/// `/volume/v3/...` with the project taken from the token. Reads (show,
/// list) come from the catalog projection; writes are commands to the
/// entities, answered once durable. Errors use Cinder's fault format
/// (`{"badRequest": {"code": 400, "message": ...}}`).

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/identity/service/identity_service.hpp"
#include "actors/tenant/quota_protocol.hpp"
#include "actors/volume/entity/commands.hpp"
#include "actors/volume/model/catalog.hpp"
#include "runtime/actor/ask.hpp"
#include "runtime/api/json_schema.hpp"
#include "runtime/api/microversion.hpp"
#include "runtime/http/router.hpp"

namespace strato::volume {

using json = nlohmann::json;

/// Cinder's microversions: 3.0 when the client names none, up to 3.70.
[[nodiscard]] const api::microversion_policy& volume_versions();

/// One request after authentication and version negotiation.
struct call {
  http::request req;
  http::responder reply;
  identity::auth_context caller;
  api::api_version version;

  [[nodiscard]] bool at_least(uint32_t minor) const {
    return version >= api::api_version{3, minor};
  }
};

class volume_api {
public:
  volume_api(caf::actor_system& sys, std::shared_ptr<volume_catalog> catalog,
             std::shared_ptr<volume_services> services,
             const identity::identity_service& identity);

  void install(http::router& routes);

  // --- shared by the route files ---
  using route_handler = std::function<void(call&)>;

  /// Registers `suffix` ("/volumes/{volume_id}") under both prefixes.
  void add(http::router& routes, http::method m, std::string_view suffix,
           route_handler h) const;

  /// `body` as JSON with the negotiated version's headers.
  void send(const call& c, int status, const json& body) const;
  void send_empty(const call& c, int status) const;
  /// An error, as Cinder's fault body; quota errors become Cinder's 413.
  void fail(const call& c, const status& error) const;

  /// The parsed body if it is JSON valid against `schema_json`; otherwise
  /// answers 400 and returns nullopt.
  [[nodiscard]] std::optional<json> body(const call& c,
                                         const api::schema& schema) const;

  /// Sends `cmd` to the entity `id` behind `region`; `done` runs on an
  /// actor thread.
  template <class Reply>
  void ask(const caf::actor& region, const std::string& id, caf::message cmd,
           std::function<void(result<Reply>)> done) const {
    actor::ask<Reply>(sys_, region, caf::make_message(id, std::move(cmd)),
                      timeout_, std::move(done));
  }

  /// Reserves quota for the caller's project; `done(reservation id)` ("" when
  /// no tenant service runs).
  void reserve(const std::string& project_id, tenant::quota_amounts amounts,
               const std::string& request_id,
               std::function<void(result<std::string>)> done) const;
  void commit(const std::string& project_id, const std::string& reservation,
              const std::string& request_id) const;
  void rollback(const std::string& project_id, const std::string& reservation,
                const std::string& request_id) const;

  [[nodiscard]] volume_catalog& catalog() const {
    return *catalog_;
  }
  [[nodiscard]] volume_services& services() const {
    return *services_;
  }
  [[nodiscard]] caf::actor_system& system() const {
    return sys_;
  }
  /// "http://host:port/volume/v3/<project>" for links.
  [[nodiscard]] std::string project_url(const call& c,
                                        const std::string& project_id) const;
  [[nodiscard]] std::string bookmark_url(const call& c,
                                         const std::string& project_id) const;

private:
  void install_volumes(http::router& routes);
  void install_volume_actions(http::router& routes);
  void install_snapshots(http::router& routes);
  void install_backups(http::router& routes);
  void install_types(http::router& routes);
  void install_attachments(http::router& routes);
  void install_quotas(http::router& routes);
  void install_misc(http::router& routes);

  caf::actor_system& sys_;
  std::shared_ptr<volume_catalog> catalog_;
  std::shared_ptr<volume_services> services_;
  const identity::identity_service& identity_;
  std::chrono::milliseconds timeout_{std::chrono::seconds{60}};
};

// --- views (volume_views.cpp): exactly the fields Cinder's view builders
// give for the negotiated microversion ---

/// "2024-01-02T03:04:05.123456" (Cinder prints naive UTC isoformat); null
/// for 0.
[[nodiscard]] json cinder_time(int64_t at_us);
[[nodiscard]] json volume_detail(const volume_api& api, const call& c,
                                 const volume_record& v,
                                 const catalog_contents& catalog);
[[nodiscard]] json volume_summary_view(const volume_api& api, const call& c,
                                       const volume_record& v);
[[nodiscard]] json snapshot_view(const call& c, const copy_record& s);
[[nodiscard]] json backup_detail(const volume_api& api, const call& c,
                                 const copy_record& b);
[[nodiscard]] json backup_summary(const volume_api& api, const call& c,
                                  const copy_record& b);
[[nodiscard]] json type_view(const call& c, const volume_type_record& t);
[[nodiscard]] json attachment_view(const attachment_record& a, bool detail);

/// Whether the caller may see a record of `project_id` (admins see all).
[[nodiscard]] bool visible(const call& c, const std::string& project_id);
/// Whether a list includes every project's records (admin + all_tenants).
[[nodiscard]] bool all_projects(const call& c);

} // namespace strato::volume
