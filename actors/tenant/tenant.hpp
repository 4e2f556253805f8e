#pragma once

/// The tenant aggregate: one project's quota ledger (stream
/// "tenant/<project_id>"). Pure state and decisions, no CAF; the entity in
/// tenant_entity.cpp persists what `decide_*` returns. See quota_protocol.hpp
/// for how services use it.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "actors/tenant/quota_protocol.hpp"
#include "runtime/core/error.hpp"
#include "strato/tenant/v1/tenant.pb.h"

namespace strato::tenant {

namespace pb = strato::tenant::v1;

struct open_reservation {
  quota_amounts deltas;
  int64_t expires_at_us = 0;
};

struct tenant {
  using event_type = pb::TenantEvent;
  static constexpr std::string_view kind = "tenant";
  /// Closed reservations remembered so that a retried commit or rollback is
  /// answered as the first one was.
  static constexpr size_t closed_memory = 1024;

  quota_amounts limits; ///< Explicitly set; others use the defaults.
  quota_amounts in_use;
  std::map<std::string, open_reservation> open;
  std::deque<std::pair<std::string, pb::ReservationOutcome>> closed;

  void apply(const event_type& ev);
  [[nodiscard]] std::string snapshot_state() const;
  [[nodiscard]] status restore(std::string_view state);

  [[nodiscard]] int64_t limit_of(const std::string& resource) const;
  [[nodiscard]] int64_t reserved_of(const std::string& resource) const;
  [[nodiscard]] quota_report report() const;
  [[nodiscard]] pb::ReservationOutcome outcome_of(const std::string& id) const;

  /// Events that expire the reservations whose time has passed at `now_us`.
  [[nodiscard]] std::vector<event_type> expire(int64_t now_us) const;
  /// The Reserved event for `deltas`, or quota_exceeded naming the first
  /// resource that does not fit (after `expiring` are gone).
  [[nodiscard]] result<event_type> decide_reserve(
    const quota_amounts& deltas, const std::string& reservation_id,
    int64_t expires_at_us, const std::string& request_id,
    const std::vector<event_type>& expiring) const;
};

} // namespace strato::tenant
