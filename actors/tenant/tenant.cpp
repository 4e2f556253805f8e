#include "actors/tenant/tenant.hpp"

#include <algorithm>

namespace strato::tenant {

const quota_amounts& default_quota_limits() {
  // The defaults of Nova, Cinder and Neutron (Zed).
  static const quota_amounts defaults{
    {"instances", 10},           {"cores", 20},
    {"ram", 51200},              {"key_pairs", 100},
    {"server_groups", 10},       {"server_group_members", 10},
    {"metadata_items", 128},     {"volumes", 10},
    {"gigabytes", 1000},         {"snapshots", 10},
    {"backups", 10},             {"backup_gigabytes", 1000},
    {"per_volume_gigabytes", -1}, {"network", 100},
    {"subnet", 100},             {"port", 500},
    {"router", 10},              {"floatingip", 50},
    {"security_group", 10},      {"security_group_rule", 100},
    {"subnetpool", -1},          {"rbac_policy", 10},
  };
  return defaults;
}

namespace {

void remember(tenant& t, const std::string& id, pb::ReservationOutcome outcome) {
  t.closed.emplace_back(id, outcome);
  if (t.closed.size() > tenant::closed_memory) {
    t.closed.pop_front();
  }
}

} // namespace

void tenant::apply(const event_type& ev) {
  switch (ev.kind_case()) {
    case event_type::kQuotaSet:
      for (const auto& [resource, limit] : ev.quota_set().limits()) {
        limits[resource] = limit;
      }
      break;
    case event_type::kReserved: {
      const auto& r = ev.reserved();
      open_reservation res;
      res.deltas = quota_amounts(r.deltas().begin(), r.deltas().end());
      res.expires_at_us = r.expires_at_us();
      open[r.reservation_id()] = std::move(res);
      break;
    }
    case event_type::kCommitted: {
      auto it = open.find(ev.committed().reservation_id());
      if (it == open.end()) {
        break;
      }
      for (const auto& [resource, delta] : it->second.deltas) {
        in_use[resource] = std::max<int64_t>(0, in_use[resource] + delta);
      }
      remember(*this, it->first, pb::RESERVATION_OUTCOME_COMMITTED);
      open.erase(it);
      break;
    }
    case event_type::kRolledBack: {
      auto it = open.find(ev.rolled_back().reservation_id());
      if (it == open.end()) {
        break;
      }
      remember(*this, it->first,
               ev.rolled_back().reason() == pb::ROLLBACK_REASON_EXPIRED
                 ? pb::RESERVATION_OUTCOME_EXPIRED
                 : pb::RESERVATION_OUTCOME_ROLLED_BACK);
      open.erase(it);
      break;
    }
    case event_type::kReleased:
      for (const auto& [resource, amount] : ev.released().amounts()) {
        in_use[resource] = std::max<int64_t>(0, in_use[resource] - amount);
      }
      break;
    case event_type::kUsageCorrected:
      for (const auto& [resource, amount] : ev.usage_corrected().in_use()) {
        in_use[resource] = std::max<int64_t>(0, amount);
      }
      break;
    case event_type::KIND_NOT_SET:
      break;
  }
}

std::string tenant::snapshot_state() const {
  pb::TenantState state;
  state.mutable_limits()->insert(limits.begin(), limits.end());
  state.mutable_in_use()->insert(in_use.begin(), in_use.end());
  for (const auto& [id, res] : open) {
    auto* r = state.add_reservations();
    r->set_reservation_id(id);
    r->mutable_deltas()->insert(res.deltas.begin(), res.deltas.end());
    r->set_expires_at_us(res.expires_at_us);
  }
  for (const auto& [id, outcome] : closed) {
    auto* c = state.add_closed();
    c->set_reservation_id(id);
    c->set_outcome(outcome);
  }
  return state.SerializeAsString();
}

status tenant::restore(std::string_view bytes) {
  pb::TenantState state;
  if (!state.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return {errc::corruption, "bad tenant snapshot"};
  }
  limits = quota_amounts(state.limits().begin(), state.limits().end());
  in_use = quota_amounts(state.in_use().begin(), state.in_use().end());
  open.clear();
  for (const auto& r : state.reservations()) {
    open[r.reservation_id()] = {
      quota_amounts(r.deltas().begin(), r.deltas().end()), r.expires_at_us()};
  }
  closed.clear();
  for (const auto& c : state.closed()) {
    closed.emplace_back(c.reservation_id(), c.outcome());
  }
  return {};
}

int64_t tenant::limit_of(const std::string& resource) const {
  if (auto it = limits.find(resource); it != limits.end()) {
    return it->second;
  }
  const auto& defaults = default_quota_limits();
  auto it = defaults.find(resource);
  return it == defaults.end() ? -1 : it->second;
}

int64_t tenant::reserved_of(const std::string& resource) const {
  int64_t total = 0;
  for (const auto& [id, res] : open) {
    if (auto it = res.deltas.find(resource); it != res.deltas.end()) {
      total += std::max<int64_t>(0, it->second);
    }
  }
  return total;
}

quota_report tenant::report() const {
  quota_report out;
  out.limits = default_quota_limits();
  for (const auto& [resource, limit] : limits) {
    out.limits[resource] = limit;
  }
  for (const auto& [resource, limit] : out.limits) {
    (void) limit;
    auto used = in_use.find(resource);
    out.in_use[resource] = used == in_use.end() ? 0 : used->second;
    out.reserved[resource] = reserved_of(resource);
  }
  return out;
}

pb::ReservationOutcome tenant::outcome_of(const std::string& id) const {
  for (auto it = closed.rbegin(); it != closed.rend(); ++it) {
    if (it->first == id) {
      return it->second;
    }
  }
  return pb::RESERVATION_OUTCOME_UNSPECIFIED;
}

std::vector<tenant::event_type> tenant::expire(int64_t now_us) const {
  std::vector<event_type> events;
  for (const auto& [id, res] : open) {
    if (res.expires_at_us != 0 && res.expires_at_us <= now_us) {
      event_type ev;
      ev.mutable_rolled_back()->set_reservation_id(id);
      ev.mutable_rolled_back()->set_reason(pb::ROLLBACK_REASON_EXPIRED);
      events.push_back(std::move(ev));
    }
  }
  return events;
}

result<tenant::event_type> tenant::decide_reserve(
  const quota_amounts& deltas, const std::string& reservation_id,
  int64_t expires_at_us, const std::string& request_id,
  const std::vector<event_type>& expiring) const {
  for (const auto& [resource, delta] : deltas) {
    if (delta <= 0) {
      continue; // Shrinking never needs room.
    }
    auto limit = limit_of(resource);
    if (limit < 0) {
      continue;
    }
    auto used = in_use.count(resource) ? in_use.at(resource) : 0;
    auto reserved = reserved_of(resource);
    for (const auto& ev : expiring) {
      auto it = open.find(ev.rolled_back().reservation_id());
      if (it != open.end() && it->second.deltas.count(resource)) {
        reserved -= std::max<int64_t>(0, it->second.deltas.at(resource));
      }
    }
    if (used + reserved + delta > limit) {
      return status{errc::quota_exceeded,
                    "Quota exceeded for " + resource + ": Requested "
                      + std::to_string(delta) + ", but already used "
                      + std::to_string(used + reserved) + " of "
                      + std::to_string(limit) + " " + resource};
    }
  }
  event_type ev;
  auto* r = ev.mutable_reserved();
  r->set_reservation_id(reservation_id);
  r->mutable_deltas()->insert(deltas.begin(), deltas.end());
  r->set_expires_at_us(expires_at_us);
  r->set_request_id(request_id);
  return ev;
}

} // namespace strato::tenant
