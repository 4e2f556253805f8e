#pragma once

// The inside of the network service, shared by its route files.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/identity/service/identity_service.hpp"
#include "actors/network/network_client.hpp"
#include "runtime/http/router.hpp"

namespace strato::network::api {

using json = nlohmann::json;
using identity::auth_context;

/// A route handler that runs after authentication.
using authed_handler
  = std::function<void(http::request&, const http::responder&, auth_context&)>;

struct neutron_api {
  const identity::identity_service& identity;
  std::shared_ptr<network_client> client;

  [[nodiscard]] http::handler authed(authed_handler h) const;

  /// Submits `decide` (reserving `reserve` for `project`); on success
  /// answers `reply` with `status_code` and `render()` read from the
  /// registry, else with Neutron's error.
  void change(const http::request& req, const http::responder& reply,
              std::string project, tenant::quota_amounts reserve,
              network_client::decide_fn decide, int status_code,
              std::function<json(const registry&)> render) const;

  /// A delete: runs `decide`, releases the quota its events free for the
  /// project that owned the resource, answers 204.
  void remove(const http::request& req, const http::responder& reply,
              std::string project, network_client::decide_fn decide,
              bool count_ports) const;

  void install_networks(http::router& routes) const;
  void install_subnets(http::router& routes) const;
  void install_ports(http::router& routes) const;
  void install_routers(http::router& routes) const;
  void install_floating_ips(http::router& routes) const;
  void install_security_groups(http::router& routes) const;
  void install_rules(http::router& routes) const;
  void install_quotas(http::router& routes) const;
  void install_extensions(http::router& routes) const;
  void install_tags(http::router& routes) const;
  void handle_interface(http::request& req, const http::responder& reply,
                        auth_context& caller, bool adding) const;
};

// -- conventions (common.cpp) -------------------------------------------------

inline constexpr std::string_view prefix = "/network/v2.0";

/// Neutron's error body for `st` (a `fault` or a plain status).
void fail(const http::responder& reply, const status& st);
void fail(const http::responder& reply, int code, std::string_view type,
          std::string message);
/// "The resource could not be found." style 404 for `what` with id.
void not_found(const http::responder& reply, std::string_view type,
               std::string_view what, const std::string& id);

[[nodiscard]] http::response json_response(int code, const json& body);

/// The body's `key` object, or a 400 already sent (then nullopt).
[[nodiscard]] std::optional<json> body_object(const http::request& req,
                                              const http::responder& reply,
                                              std::string_view key);

/// Neutron's attribute rules for a request object.
enum class kind : uint8_t { string, boolean, integer, list, object, any };
struct attribute {
  std::string_view name;
  kind type;
  bool allow_post = true;
  bool allow_put = true;
  bool nullable = false;
};
/// Unknown attributes, wrong types and read-only updates are 400s.
[[nodiscard]] status check_attributes(const json& obj,
                                      const std::vector<attribute>& rules,
                                      bool is_put);

/// A list response: the caller's visible `items` (rendered), filtered by
/// any attribute, sorted, paginated, reduced to `fields`.
void reply_list(const http::request& req, const http::responder& reply,
                std::string_view collection, std::vector<json> items);
/// A show response: `item` reduced to `fields`.
void reply_show(const http::request& req, const http::responder& reply,
                std::string_view resource, json item);

/// The project a create is for: the body's project_id/tenant_id (admins
/// only) or the caller's.
[[nodiscard]] result<std::string> owner_project(const json& body,
                                                const auth_context& caller);

/// Whether the caller sees a record of `project` (admins see all).
[[nodiscard]] bool visible(const auth_context& caller,
                           const std::string& project);
[[nodiscard]] bool network_visible(const auth_context& caller,
                                   const pb::Network& n);

/// Fills a record's common fields from a request object.
void read_meta(const json& obj, pb::Meta& meta);
void write_meta(const pb::Meta& meta, json& out);
[[nodiscard]] std::vector<std::string> string_list(const json& value);
[[nodiscard]] json nullable(const std::string& s);
/// `obj[key]` as a string ("" when absent or not a string) or a bool (a
/// JSON bool or oslo's words; `fallback` otherwise): never throws.
[[nodiscard]] std::string str_of(const json& obj, const char* key);
[[nodiscard]] bool bool_of(const json& obj, const char* key, bool fallback);

// -- renderers (render.cpp) ---------------------------------------------------

[[nodiscard]] json render_network(const registry& r, const pb::Network& n,
                                  const auth_context& caller);
[[nodiscard]] json render_subnet(const pb::Subnet& s);
[[nodiscard]] json render_port(const pb::Port& p, const auth_context& caller);
[[nodiscard]] json render_router(const pb::Router& r,
                                 const auth_context& caller);
[[nodiscard]] json render_floating_ip(const registry& r,
                                      const pb::FloatingIp& f);
[[nodiscard]] json render_group(const registry& r, const pb::SecurityGroup& g);
[[nodiscard]] json render_rule(const pb::SecurityGroupRule& rule);

} // namespace strato::network::api
