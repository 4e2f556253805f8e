#pragma once

/// Keystone's data as one in-memory aggregate: domains, projects, users,
/// groups, roles, assignments, application credentials, the service catalog
/// and token revocations. It is the fold of the "identity/directory" event
/// stream. `check` decides whether a proposed event keeps the invariants
/// (unique names per domain, references to existing records, Keystone's
/// deletion rules) before anything is persisted; `apply` is total and
/// deterministic, including its cascades (deleting a user drops its
/// assignments, memberships and application credentials).
///
/// Not thread-safe by itself: `shared_directory` pairs it with a lock so that
/// its one writer (the directory actor) and many readers (I/O threads
/// authenticating requests) can share it.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/core/error.hpp"
#include "strato/identity/v1/identity.pb.h"

namespace strato::identity {

namespace pb = strato::identity::v1;

/// The scope a role assignment or token applies to.
struct target {
  pb::TargetKind kind = pb::TARGET_KIND_UNSPECIFIED;
  std::string id; ///< Project or domain id; "all" for the system.
};

class directory {
public:
  /// Whether `event` may be applied now; the error says why not in words a
  /// Keystone client would show.
  [[nodiscard]] status check(const pb::IdentityEvent& event) const;
  void apply(const pb::IdentityEvent& event);

  [[nodiscard]] pb::DirectorySnapshot snapshot() const;
  void restore(const pb::DirectorySnapshot& snap);
  void clear();

  // -- lookups (nullptr when absent) -----------------------------------------
  [[nodiscard]] const pb::Domain* domain(const std::string& id) const;
  [[nodiscard]] const pb::Domain* domain_by_name(const std::string& name) const;
  [[nodiscard]] const pb::Project* project(const std::string& id) const;
  [[nodiscard]] const pb::Project*
  project_by_name(const std::string& domain_id, const std::string& name) const;
  [[nodiscard]] const pb::User* user(const std::string& id) const;
  [[nodiscard]] const pb::User* user_by_name(const std::string& domain_id,
                                             const std::string& name) const;
  [[nodiscard]] const pb::Group* group(const std::string& id) const;
  [[nodiscard]] const pb::Group* group_by_name(const std::string& domain_id,
                                               const std::string& name) const;
  [[nodiscard]] const pb::Role* role(const std::string& id) const;
  [[nodiscard]] const pb::Role* role_by_name(const std::string& name) const;
  [[nodiscard]] const pb::ApplicationCredential*
  app_credential(const std::string& id) const;
  [[nodiscard]] const pb::Service* service(const std::string& id) const;
  [[nodiscard]] const pb::Service* service_by_type(const std::string& type) const;
  [[nodiscard]] const pb::Endpoint* endpoint(const std::string& id) const;
  [[nodiscard]] bool region_exists(const std::string& id) const;

  [[nodiscard]] const std::map<std::string, pb::Domain>& domains() const {
    return domains_;
  }
  [[nodiscard]] const std::map<std::string, pb::Project>& projects() const {
    return projects_;
  }
  [[nodiscard]] const std::map<std::string, pb::User>& users() const {
    return users_;
  }
  [[nodiscard]] const std::map<std::string, pb::Group>& groups() const {
    return groups_;
  }
  [[nodiscard]] const std::map<std::string, pb::Role>& roles() const {
    return roles_;
  }
  [[nodiscard]] const std::map<std::string, pb::ApplicationCredential>&
  app_credentials() const {
    return app_credentials_;
  }
  [[nodiscard]] const std::map<std::string, pb::Service>& services() const {
    return services_;
  }
  [[nodiscard]] const std::map<std::string, pb::Endpoint>& endpoints() const {
    return endpoints_;
  }
  [[nodiscard]] const std::map<std::string, pb::Region>& regions() const {
    return regions_;
  }
  /// Every assignment, in a stable order.
  [[nodiscard]] std::vector<pb::Assignment> assignments() const;

  /// The groups `user_id` is a member of.
  [[nodiscard]] std::vector<std::string>
  groups_of(const std::string& user_id) const;

  /// Role ids granted directly to the user or through its groups on `on`,
  /// without implications.
  [[nodiscard]] std::set<std::string>
  direct_role_ids(const std::string& user_id, const target& on) const;

  /// `roles` plus every role they imply, transitively.
  [[nodiscard]] std::set<std::string>
  with_implied(const std::set<std::string>& roles) const;

  /// Effective roles of a user on a target: direct, via groups, implied.
  [[nodiscard]] std::set<std::string>
  effective_role_ids(const std::string& user_id, const target& on) const {
    return with_implied(direct_role_ids(user_id, on));
  }

  /// Whether an explicit revocation matches a token with these properties.
  [[nodiscard]] bool is_revoked(const std::string& user_id,
                                const std::string& project_id,
                                const std::vector<std::string>& audit_ids,
                                int64_t issued_us) const;

  /// Events applied so far (the stream version), for tests and logs.
  [[nodiscard]] uint64_t applied() const {
    return applied_;
  }

private:
  [[nodiscard]] status check_project(const pb::Project& p, bool creating) const;
  [[nodiscard]] status check_user(const pb::User& u, bool creating) const;
  [[nodiscard]] status check_group(const pb::Group& g, bool creating) const;
  [[nodiscard]] status check_role(const pb::Role& r, bool creating) const;
  [[nodiscard]] status check_assignment(const pb::Assignment& a) const;
  [[nodiscard]] status check_deletion(const pb::IdentityEvent& event) const;

  void drop_user(const std::string& id);
  void drop_group(const std::string& id);
  void drop_project(const std::string& id);
  void drop_actor_assignments(const std::string& actor_id);
  void drop_assignments_where(
    const std::function<bool(const pb::Assignment&)>& predicate);
  void add_revocation(const pb::Revocation& r);

  std::map<std::string, pb::Domain> domains_;
  std::map<std::string, pb::Project> projects_;
  std::map<std::string, pb::User> users_;
  std::map<std::string, pb::Group> groups_;
  std::map<std::string, pb::Role> roles_;
  std::map<std::string, pb::ApplicationCredential> app_credentials_;
  std::map<std::string, pb::Region> regions_;
  std::map<std::string, pb::Service> services_;
  std::map<std::string, pb::Endpoint> endpoints_;
  /// Assignments by actor (user or group) id: a token's roles come from one
  /// user and its few groups, never from a scan of every assignment.
  std::unordered_map<std::string, std::vector<pb::Assignment>> by_actor_;
  std::vector<pb::Revocation> revocations_;
  uint64_t applied_ = 0;
};

/// A directory with its reader/writer lock.
class shared_directory {
public:
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock{mutex_};
    return f(static_cast<const directory&>(dir_));
  }
  template <class F>
  auto write(F&& f) {
    std::unique_lock lock{mutex_};
    return f(dir_);
  }

private:
  mutable std::shared_mutex mutex_;
  directory dir_;
};

} // namespace strato::identity
