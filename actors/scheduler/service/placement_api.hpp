#pragma once

/// The Placement REST API's plumbing: every route is admin only
/// (placement's default policy), negotiates `OpenStack-API-Version:
/// placement X.Y` (1.0 to 1.39), and answers errors in placement's format
/// `{"errors": [{"status", "title", "detail", "code", "request_id"}]}`.
///
/// Handlers do their work as functions run on the scheduler shards (see
/// scheduler_client.hpp): `run_on` picks the shard that owns a provider (or
/// asks every shard), `gather` collects one JSON document per shard.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "actors/identity/service/identity_service.hpp"
#include "actors/scheduler/placement/scheduler_client.hpp"
#include "runtime/api/microversion.hpp"
#include "runtime/http/router.hpp"

namespace strato::scheduler::rest {

using json = nlohmann::json;

struct api_context {
  caf::actor_system* system = nullptr;
  caf::actor scheduler{};
  uint32_t shards = 1;
  const identity::identity_service* identity = nullptr;
  std::chrono::milliseconds timeout{30000};
  /// Absolute URLs in Location headers: clients (osc-placement) GET them
  /// as they are, as WebOb makes placement's relative ones absolute.
  std::string public_url;
};

/// One admitted request: authenticated as admin, version negotiated.
struct call {
  http::request req;
  http::responder reply;
  api::api_version version;
  const api_context* ctx = nullptr;

  [[nodiscard]] bool at_least(uint32_t minor) const noexcept {
    return version >= api::api_version{1, minor};
  }
  void send(int status, const json& body, const std::string& location = {}) const;
  void send_empty(int status, const std::string& location = {}) const;
  void fail(int status, const std::string& detail,
            const std::string& code = "placement.undefined_code") const;
  void fail(const status& error) const;
  /// The body as JSON validated against `schema`; fails the call (400) and
  /// returns nullopt otherwise.
  [[nodiscard]] std::optional<json> body(const json& schema) const;
};

using call_handler = std::function<void(call)>;

/// Registers `pattern` (relative to "/placement") for versions >= min.
void add_route(http::router& routes, const api_context& ctx, http::method m,
               const std::string& pattern, uint32_t min_minor, call_handler h);

using shard_fn = std::function<result<json>(shard_state&)>;

/// Runs `fn` on shard `target` (or every shard: the first that does not
/// answer not_found wins) and sends `ok`'s response; errors go to the client.
void run_on(const call& c, uint32_t target, shard_fn fn,
            std::function<void(const call&, json&)> ok);

/// Runs `fn` on every shard; `ok` gets one document per shard.
void gather(const call& c, std::function<json(shard_state&)> fn,
            std::function<void(const call&, std::vector<json>&)> ok);

/// Runs `fn` on the shard owning the provider named by the path's {uuid};
/// 404 when no shard has it.
void on_provider(const call& c, std::function<result<json>(shard_state&, provider_id)> fn,
                 std::function<void(const call&, json&)> ok);

/// Sends `doc` with 200.
void send_ok(const call& c, json& doc);

/// A provider as placement shows it at the call's version.
[[nodiscard]] json provider_json(const call& c, const placement_state& ps, provider_id id);

/// "resource provider <uuid> not found" as a shard answer.
[[nodiscard]] status no_provider(std::string_view uuid);

// The route groups.
void add_provider_routes(http::router& routes, const api_context& ctx);
void add_inventory_routes(http::router& routes, const api_context& ctx);
void add_trait_routes(http::router& routes, const api_context& ctx);
void add_allocation_routes(http::router& routes, const api_context& ctx);
void add_candidate_routes(http::router& routes, const api_context& ctx);

} // namespace strato::scheduler::rest
