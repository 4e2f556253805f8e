#include "actors/network/network_client.hpp"

#include <caf/all.hpp>

#include "actors/network/dataplane.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/actor/spawn_function.hpp"

namespace strato::network {

network_client::network_client(caf::actor_system& sys, caf::actor region,
                               caf::actor tenant,
                               std::shared_ptr<shared_registry> shared,
                               std::chrono::milliseconds timeout)
  : sys_(sys), region_(std::move(region)), tenant_(std::move(tenant)),
    shared_(std::move(shared)), timeout_(timeout) {
}

void network_client::submit(std::string project, tenant::quota_amounts reserve,
                            decide_fn decide, std::string request_id,
                            std::function<void(status)> done) const {
  bool with_quota = tenant_ && !reserve.empty() && !project.empty();
  if (dataplane_) {
    // The driver hears of the events once they are durable.
    auto decided = std::make_shared<events>();
    decide = [inner = std::move(decide), decided](const registry& r) {
      auto evs = inner(r);
      if (evs) {
        *decided = *evs;
      }
      return evs;
    };
    done = [plane = dataplane_, decided, inner = std::move(done)](status st) {
      if (st.ok()) {
        plane->changed(*decided);
      }
      inner(std::move(st));
    };
  }
  actor::spawn_function(sys_, [region = region_, tenant = tenant_, timeout = timeout_,
              project = std::move(project), reserve = std::move(reserve),
              decide = std::move(decide), request_id = std::move(request_id),
              done = std::move(done),
              with_quota](caf::event_based_actor* self) {
    // Runs the decision; the reservation (if any) follows its outcome.
    auto run = [=](std::string reservation) {
      self
        ->request(region, timeout, std::string{registry_id},
                  caf::make_message(registry_atom::value,
                                    registry_command{decide}, request_id))
        .then(
          [=](uint64_t) {
            if (!reservation.empty()) {
              self->send(tenant, project,
                         caf::make_message(tenant::quota_commit_atom::value,
                                           reservation, request_id));
            }
            done({});
            self->quit();
          },
          [=](caf::error& err) {
            if (!reservation.empty()) {
              self->send(tenant, project,
                         caf::make_message(tenant::quota_rollback_atom::value,
                                           reservation, request_id));
            }
            done(actor::from_caf_error(err));
            self->quit();
          });
    };
    if (!with_quota) {
      run({});
      return;
    }
    int64_t ttl_ms = timeout.count() * 2;
    self
      ->request(tenant, timeout, project,
                caf::make_message(tenant::quota_reserve_atom::value, reserve,
                                  request_id, ttl_ms))
      .then([=](std::string& reservation) { run(std::move(reservation)); },
            [=](caf::error& err) {
              done(actor::from_caf_error(err));
              self->quit();
            });
  });
}

void network_client::release(const std::string& project,
                             tenant::quota_amounts amounts,
                             const std::string& request_id) const {
  if (!tenant_ || project.empty() || amounts.empty()) {
    return;
  }
  caf::anon_send(tenant_, project,
                 caf::make_message(tenant::quota_release_atom::value,
                                   std::move(amounts), request_id));
}

tenant::quota_amounts released_by(const events& evs, bool count_ports) {
  tenant::quota_amounts out;
  for (const auto& e : evs) {
    switch (e.event_case()) {
      case event::kNetworkDeleted:
        ++out["network"];
        break;
      case event::kSubnetDeleted:
        ++out["subnet"];
        break;
      case event::kPortDeleted:
        if (count_ports) {
          ++out["port"];
        }
        break;
      case event::kRouterDeleted:
        ++out["router"];
        break;
      case event::kFloatingIpDeleted:
        ++out["floatingip"];
        break;
      case event::kSecurityGroupDeleted:
        ++out["security_group"];
        break;
      case event::kSecurityGroupRuleDeleted:
        ++out["security_group_rule"];
        break;
      default:
        break;
    }
  }
  return out;
}

} // namespace strato::network
