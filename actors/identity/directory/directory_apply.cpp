#include <algorithm>

#include "actors/identity/directory/directory.hpp"

namespace strato::identity {

namespace {

/// Revocations older than this before the newest one can match no live
/// token (tokens live at most a day), so they are pruned on apply.
constexpr int64_t revocation_retention_us = int64_t{48} * 3600 * 1000000;

template <class Record>
void remove_id(google::protobuf::RepeatedPtrField<std::string>& ids,
               const Record& id) {
  ids.erase(std::remove(ids.begin(), ids.end(), id), ids.end());
}

} // namespace

void directory::apply(const pb::IdentityEvent& event) {
  using E = pb::IdentityEvent;
  ++applied_;
  switch (event.kind_case()) {
    case E::kDomainCreated:
      domains_[event.domain_created().id()] = event.domain_created();
      break;
    case E::kDomainUpdated:
      domains_[event.domain_updated().id()] = event.domain_updated();
      break;
    case E::kDomainDeleted: {
      const auto& id = event.domain_deleted().id();
      std::vector<std::string> doomed;
      for (const auto& [pid, p] : projects_) {
        if (p.domain_id() == id) {
          doomed.push_back(pid);
        }
      }
      for (const auto& pid : doomed) {
        drop_project(pid);
      }
      doomed.clear();
      for (const auto& [uid, u] : users_) {
        if (u.domain_id() == id) {
          doomed.push_back(uid);
        }
      }
      for (const auto& uid : doomed) {
        drop_user(uid);
      }
      doomed.clear();
      for (const auto& [gid, g] : groups_) {
        if (g.domain_id() == id) {
          doomed.push_back(gid);
        }
      }
      for (const auto& gid : doomed) {
        drop_group(gid);
      }
      drop_assignments_where([&](const pb::Assignment& a) {
        return a.target_kind() == pb::TARGET_KIND_DOMAIN && a.target_id() == id;
      });
      domains_.erase(id);
      break;
    }
    case E::kProjectCreated:
      projects_[event.project_created().id()] = event.project_created();
      break;
    case E::kProjectUpdated:
      projects_[event.project_updated().id()] = event.project_updated();
      break;
    case E::kProjectDeleted:
      drop_project(event.project_deleted().id());
      break;
    case E::kUserCreated:
      users_[event.user_created().id()] = event.user_created();
      break;
    case E::kUserUpdated:
      users_[event.user_updated().id()] = event.user_updated();
      break;
    case E::kUserDeleted:
      drop_user(event.user_deleted().id());
      break;
    case E::kGroupCreated:
      groups_[event.group_created().id()] = event.group_created();
      break;
    case E::kGroupUpdated: {
      // Membership changes through its own events, not through updates.
      auto& g = groups_[event.group_updated().id()];
      auto members = g.member_ids();
      g = event.group_updated();
      *g.mutable_member_ids() = std::move(members);
      break;
    }
    case E::kGroupDeleted:
      drop_group(event.group_deleted().id());
      break;
    case E::kMemberAdded: {
      auto& g = groups_[event.member_added().group_id()];
      const auto& uid = event.member_added().user_id();
      if (std::find(g.member_ids().begin(), g.member_ids().end(), uid)
          == g.member_ids().end()) {
        g.add_member_ids(uid);
      }
      break;
    }
    case E::kMemberRemoved:
      remove_id(*groups_[event.member_removed().group_id()].mutable_member_ids(),
                event.member_removed().user_id());
      break;
    case E::kRoleCreated:
      roles_[event.role_created().id()] = event.role_created();
      break;
    case E::kRoleUpdated:
      roles_[event.role_updated().id()] = event.role_updated();
      break;
    case E::kRoleDeleted: {
      const auto& id = event.role_deleted().id();
      roles_.erase(id);
      for (auto& [rid, r] : roles_) {
        remove_id(*r.mutable_implies(), id);
      }
      drop_assignments_where(
        [&](const pb::Assignment& a) { return a.role_id() == id; });
      break;
    }
    case E::kRoleGranted: {
      const auto& a = event.role_granted();
      auto& list = by_actor_[a.actor_id()];
      auto same = [&](const pb::Assignment& x) {
        return x.target_kind() == a.target_kind()
               && x.target_id() == a.target_id() && x.role_id() == a.role_id();
      };
      if (std::none_of(list.begin(), list.end(), same)) {
        list.push_back(a);
      }
      break;
    }
    case E::kRoleRevoked: {
      const auto& a = event.role_revoked();
      drop_assignments_where([&](const pb::Assignment& x) {
        return x.actor_id() == a.actor_id()
               && x.target_kind() == a.target_kind()
               && x.target_id() == a.target_id() && x.role_id() == a.role_id();
      });
      break;
    }
    case E::kAppCredentialCreated:
      app_credentials_[event.app_credential_created().id()]
        = event.app_credential_created();
      break;
    case E::kAppCredentialDeleted:
      app_credentials_.erase(event.app_credential_deleted().id());
      break;
    case E::kRegionCreated:
      regions_[event.region_created().id()] = event.region_created();
      break;
    case E::kServiceCreated:
      services_[event.service_created().id()] = event.service_created();
      break;
    case E::kServiceUpdated:
      services_[event.service_updated().id()] = event.service_updated();
      break;
    case E::kServiceDeleted: {
      const auto& id = event.service_deleted().id();
      services_.erase(id);
      std::erase_if(endpoints_,
                    [&](const auto& kv) { return kv.second.service_id() == id; });
      break;
    }
    case E::kEndpointCreated:
      endpoints_[event.endpoint_created().id()] = event.endpoint_created();
      break;
    case E::kEndpointUpdated:
      endpoints_[event.endpoint_updated().id()] = event.endpoint_updated();
      break;
    case E::kEndpointDeleted:
      endpoints_.erase(event.endpoint_deleted().id());
      break;
    case E::kTokenRevoked:
      add_revocation(event.token_revoked());
      break;
    case E::KIND_NOT_SET:
      break;
  }
}

void directory::drop_user(const std::string& id) {
  users_.erase(id);
  drop_actor_assignments(id);
  for (auto& [gid, g] : groups_) {
    remove_id(*g.mutable_member_ids(), id);
  }
  std::erase_if(app_credentials_,
                [&](const auto& kv) { return kv.second.user_id() == id; });
}

void directory::drop_group(const std::string& id) {
  groups_.erase(id);
  drop_actor_assignments(id);
}

void directory::drop_project(const std::string& id) {
  projects_.erase(id);
  drop_assignments_where([&](const pb::Assignment& a) {
    return a.target_kind() == pb::TARGET_KIND_PROJECT && a.target_id() == id;
  });
  std::erase_if(app_credentials_,
                [&](const auto& kv) { return kv.second.project_id() == id; });
  for (auto& [uid, u] : users_) {
    if (u.default_project_id() == id) {
      u.clear_default_project_id();
    }
  }
}

void directory::drop_actor_assignments(const std::string& actor_id) {
  by_actor_.erase(actor_id);
}

void directory::drop_assignments_where(
  const std::function<bool(const pb::Assignment&)>& predicate) {
  for (auto it = by_actor_.begin(); it != by_actor_.end();) {
    std::erase_if(it->second, predicate);
    it = it->second.empty() ? by_actor_.erase(it) : std::next(it);
  }
}

void directory::add_revocation(const pb::Revocation& r) {
  auto horizon = r.issued_before_us() - revocation_retention_us;
  std::erase_if(revocations_, [&](const pb::Revocation& old) {
    return old.issued_before_us() < horizon;
  });
  revocations_.push_back(r);
}

pb::DirectorySnapshot directory::snapshot() const {
  pb::DirectorySnapshot snap;
  for (const auto& [id, x] : domains_) {
    *snap.add_domains() = x;
  }
  for (const auto& [id, x] : projects_) {
    *snap.add_projects() = x;
  }
  for (const auto& [id, x] : users_) {
    *snap.add_users() = x;
  }
  for (const auto& [id, x] : groups_) {
    *snap.add_groups() = x;
  }
  for (const auto& [id, x] : roles_) {
    *snap.add_roles() = x;
  }
  for (const auto& a : assignments()) {
    *snap.add_assignments() = a;
  }
  for (const auto& [id, x] : app_credentials_) {
    *snap.add_app_credentials() = x;
  }
  for (const auto& [id, x] : regions_) {
    *snap.add_regions() = x;
  }
  for (const auto& [id, x] : services_) {
    *snap.add_services() = x;
  }
  for (const auto& [id, x] : endpoints_) {
    *snap.add_endpoints() = x;
  }
  for (const auto& r : revocations_) {
    *snap.add_revocations() = r;
  }
  return snap;
}

void directory::restore(const pb::DirectorySnapshot& snap) {
  clear();
  for (const auto& x : snap.domains()) {
    domains_[x.id()] = x;
  }
  for (const auto& x : snap.projects()) {
    projects_[x.id()] = x;
  }
  for (const auto& x : snap.users()) {
    users_[x.id()] = x;
  }
  for (const auto& x : snap.groups()) {
    groups_[x.id()] = x;
  }
  for (const auto& x : snap.roles()) {
    roles_[x.id()] = x;
  }
  for (const auto& a : snap.assignments()) {
    by_actor_[a.actor_id()].push_back(a);
  }
  for (const auto& x : snap.app_credentials()) {
    app_credentials_[x.id()] = x;
  }
  for (const auto& x : snap.regions()) {
    regions_[x.id()] = x;
  }
  for (const auto& x : snap.services()) {
    services_[x.id()] = x;
  }
  for (const auto& x : snap.endpoints()) {
    endpoints_[x.id()] = x;
  }
  revocations_.assign(snap.revocations().begin(), snap.revocations().end());
}

void directory::clear() {
  *this = directory{};
}

} // namespace strato::identity
