#pragma once

/// The quota ledger of each project, as other services use it.
///
/// Every project has a tenant entity (stream "tenant/<project_id>") holding
/// its quota limits, its usage and its open reservations. A service that
/// creates something reserves quota first, creates, then commits; if the
/// create fails it rolls back. Deleting releases. Because one actor decides
/// every reservation of a project, concurrent creates can never exceed a
/// limit (Nova's quota races), and every change is an event.
///
/// The tenant module registers its shard region as "tenant" in the
/// `service::actor_directory`. Send it `(project_id, caf::message)`, the
/// inner message one of:
///
///   (quota_reserve_atom, quota_amounts deltas, std::string request_id,
///    int64_t ttl_ms)                               -> std::string reservation_id
///       errc::quota_exceeded (HTTP 403/413) naming the resource, e.g.
///       "Quota exceeded for instances: Requested 3, but already used 9 of 10
///       instances"; resources without a limit are unlimited. An open
///       reservation that is neither committed nor rolled back within ttl_ms
///       expires and frees its amounts.
///   (quota_commit_atom, std::string reservation_id, std::string request_id)
///                                                  -> bool (true)
///   (quota_rollback_atom, std::string reservation_id, std::string request_id)
///                                                  -> bool (true)
///   (quota_release_atom, quota_amounts amounts, std::string request_id)
///                                                  -> bool (true)
///   (quota_show_atom)                              -> quota_report
///   (quota_set_atom, quota_amounts limits, std::string request_id)
///                                                  -> quota_report
///       a limit of -1 is unlimited.
///
/// Resource names are the services' own: Nova's "instances", "cores", "ram",
/// "key_pairs", "server_groups", "server_group_members"; Cinder's "volumes",
/// "gigabytes", "snapshots", "backups", "backup_gigabytes"; Neutron's
/// "network", "subnet", "port", "router", "floatingip", "security_group",
/// "security_group_rule". `default_quota_limits()` gives the defaults.

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace strato::tenant {

using quota_reserve_atom = caf::atom_constant<caf::atom("qreserve")>;
using quota_commit_atom = caf::atom_constant<caf::atom("qcommit")>;
using quota_rollback_atom = caf::atom_constant<caf::atom("qrollback")>;
using quota_release_atom = caf::atom_constant<caf::atom("qrelease")>;
using quota_show_atom = caf::atom_constant<caf::atom("qshow")>;
using quota_set_atom = caf::atom_constant<caf::atom("qset")>;

/// Resource name -> amount.
using quota_amounts = std::map<std::string, int64_t>;

/// One project's limits and what is used and reserved of them.
struct quota_report {
  quota_amounts limits;   ///< Every known resource; -1 is unlimited.
  quota_amounts in_use;   ///< Committed usage.
  quota_amounts reserved; ///< Held by open reservations.
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, quota_report& x) {
  return f(caf::meta::type_name("strato.quota_report"), x.limits, x.in_use,
           x.reserved);
}

/// OpenStack's default limits for every resource above.
[[nodiscard]] const quota_amounts& default_quota_limits();

} // namespace strato::tenant
