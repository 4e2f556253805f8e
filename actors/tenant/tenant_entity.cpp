#include "actors/tenant/tenant_entity.hpp"

#include "runtime/core/ids.hpp"

namespace strato::tenant {

int64_t system_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

namespace {

/// The entity's clock lives in the environment's extension so that the
/// aggregate stays free of it (replay never reads a clock).
int64_t now_us(actor::entity_actor<tenant>* self) {
  auto& ext = self->state.env.extension;
  if (ext) {
    return (*static_cast<clock_fn*>(ext.get()))();
  }
  return system_clock_us();
}

bool true_reply(const tenant&) {
  return true;
}

status check_amounts(const quota_amounts& amounts, bool allow_unlimited) {
  for (const auto& [resource, amount] : amounts) {
    if (resource.empty() || resource.size() > 255) {
      return {errc::invalid_argument, "Invalid quota resource name."};
    }
    if (amount < (allow_unlimited ? -1 : 0)) {
      return {errc::invalid_argument,
              "Invalid quota value " + std::to_string(amount) + " for "
                + resource + "."};
    }
  }
  return {};
}

} // namespace

caf::message_handler tenant_behavior(actor::entity_actor<tenant>* self) {
  return {
    [self](quota_reserve_atom, quota_amounts& deltas, std::string& request_id,
           int64_t ttl_ms) -> caf::result<std::string> {
      if (auto st = check_amounts(deltas, false); !st.ok()) {
        return actor::to_caf_error(st);
      }
      auto now = now_us(self);
      auto events = self->state.model.expire(now);
      auto id = new_uuid();
      auto reserved = self->state.model.decide_reserve(
        deltas, id, ttl_ms > 0 ? now + ttl_ms * 1000 : 0, request_id, events);
      if (!reserved) {
        // Refused even without the expired reservations: write nothing; the
        // next accepted command records their expiry.
        return actor::to_caf_error(reserved.error());
      }
      events.push_back(std::move(*reserved));
      return actor::persist(self, std::move(events), std::move(request_id),
                            [id](const tenant&) { return id; });
    },
    [self](quota_commit_atom, std::string& reservation_id,
           std::string& request_id) -> caf::result<bool> {
      auto& model = self->state.model;
      if (model.open.count(reservation_id) == 0) {
        switch (model.outcome_of(reservation_id)) {
          case pb::RESERVATION_OUTCOME_COMMITTED:
            return true; // A retried commit.
          case pb::RESERVATION_OUTCOME_EXPIRED:
            return actor::to_caf_error(errc::conflict, "Quota reservation "
                                                         + reservation_id
                                                         + " has expired.");
          case pb::RESERVATION_OUTCOME_ROLLED_BACK:
            return actor::to_caf_error(errc::conflict, "Quota reservation "
                                                         + reservation_id
                                                         + " was rolled back.");
          default:
            return actor::to_caf_error(errc::not_found, "Quota reservation "
                                                          + reservation_id
                                                          + " not found.");
        }
      }
      tenant::event_type ev;
      ev.mutable_committed()->set_reservation_id(reservation_id);
      return actor::persist(self, {std::move(ev)}, std::move(request_id),
                            true_reply);
    },
    [self](quota_rollback_atom, std::string& reservation_id,
           std::string& request_id) -> caf::result<bool> {
      auto& model = self->state.model;
      if (model.open.count(reservation_id) == 0) {
        if (model.outcome_of(reservation_id)
            == pb::RESERVATION_OUTCOME_COMMITTED) {
          return actor::to_caf_error(errc::conflict, "Quota reservation "
                                                       + reservation_id
                                                       + " was committed.");
        }
        return true; // Already gone: nothing is held.
      }
      tenant::event_type ev;
      ev.mutable_rolled_back()->set_reservation_id(reservation_id);
      ev.mutable_rolled_back()->set_reason(pb::ROLLBACK_REASON_EXPLICIT);
      return actor::persist(self, {std::move(ev)}, std::move(request_id),
                            true_reply);
    },
    [self](quota_release_atom, quota_amounts& amounts,
           std::string& request_id) -> caf::result<bool> {
      if (auto st = check_amounts(amounts, false); !st.ok()) {
        return actor::to_caf_error(st);
      }
      tenant::event_type ev;
      ev.mutable_released()->mutable_amounts()->insert(amounts.begin(),
                                                       amounts.end());
      return actor::persist(self, {std::move(ev)}, std::move(request_id),
                            true_reply);
    },
    [self](quota_show_atom) { return self->state.model.report(); },
    [self](quota_set_atom, quota_amounts& limits,
           std::string& request_id) -> caf::result<quota_report> {
      if (auto st = check_amounts(limits, true); !st.ok()) {
        return actor::to_caf_error(st);
      }
      tenant::event_type ev;
      ev.mutable_quota_set()->mutable_limits()->insert(limits.begin(),
                                                       limits.end());
      return actor::persist(self, {std::move(ev)}, std::move(request_id),
                            [](const tenant& t) { return t.report(); });
    },
  };
}

actor::entity_spawner make_tenant_spawner(actor::entity_env env, clock_fn clock) {
  if (clock) {
    env.extension = std::make_shared<clock_fn>(std::move(clock));
  }
  return actor::make_spawner<tenant>(env, tenant_behavior);
}

} // namespace strato::tenant
