#include <algorithm>

#include "actors/identity/directory/directory.hpp"

namespace strato::identity {

namespace {

template <class Map>
const typename Map::mapped_type* find_in(const Map& map, const std::string& id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

} // namespace

const pb::Domain* directory::domain(const std::string& id) const {
  return find_in(domains_, id);
}

const pb::Domain* directory::domain_by_name(const std::string& name) const {
  for (const auto& [id, d] : domains_) {
    if (d.name() == name) {
      return &d;
    }
  }
  return nullptr;
}

const pb::Project* directory::project(const std::string& id) const {
  return find_in(projects_, id);
}

const pb::Project* directory::project_by_name(const std::string& domain_id,
                                              const std::string& name) const {
  for (const auto& [id, p] : projects_) {
    if (p.domain_id() == domain_id && p.name() == name) {
      return &p;
    }
  }
  return nullptr;
}

const pb::User* directory::user(const std::string& id) const {
  return find_in(users_, id);
}

const pb::User* directory::user_by_name(const std::string& domain_id,
                                        const std::string& name) const {
  for (const auto& [id, u] : users_) {
    if (u.domain_id() == domain_id && u.name() == name) {
      return &u;
    }
  }
  return nullptr;
}

const pb::Group* directory::group(const std::string& id) const {
  return find_in(groups_, id);
}

const pb::Group* directory::group_by_name(const std::string& domain_id,
                                          const std::string& name) const {
  for (const auto& [id, g] : groups_) {
    if (g.domain_id() == domain_id && g.name() == name) {
      return &g;
    }
  }
  return nullptr;
}

const pb::Role* directory::role(const std::string& id) const {
  return find_in(roles_, id);
}

const pb::Role* directory::role_by_name(const std::string& name) const {
  for (const auto& [id, r] : roles_) {
    if (r.name() == name && r.domain_id().empty()) {
      return &r;
    }
  }
  return nullptr;
}

const pb::ApplicationCredential*
directory::app_credential(const std::string& id) const {
  return find_in(app_credentials_, id);
}

const pb::Service* directory::service(const std::string& id) const {
  return find_in(services_, id);
}

const pb::Service* directory::service_by_type(const std::string& type) const {
  for (const auto& [id, s] : services_) {
    if (s.type() == type) {
      return &s;
    }
  }
  return nullptr;
}

const pb::Endpoint* directory::endpoint(const std::string& id) const {
  return find_in(endpoints_, id);
}

bool directory::region_exists(const std::string& id) const {
  return regions_.count(id) != 0;
}

std::vector<pb::Assignment> directory::assignments() const {
  std::vector<pb::Assignment> out;
  for (const auto& [actor, list] : by_actor_) {
    out.insert(out.end(), list.begin(), list.end());
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.actor_id(), a.target_id(), a.role_id())
           < std::tie(b.actor_id(), b.target_id(), b.role_id());
  });
  return out;
}

std::vector<std::string> directory::groups_of(const std::string& user_id) const {
  std::vector<std::string> out;
  for (const auto& [id, g] : groups_) {
    if (std::find(g.member_ids().begin(), g.member_ids().end(), user_id)
        != g.member_ids().end()) {
      out.push_back(id);
    }
  }
  return out;
}

std::set<std::string> directory::direct_role_ids(const std::string& user_id,
                                                 const target& on) const {
  std::set<std::string> out;
  auto collect = [&](const std::string& actor_id) {
    auto it = by_actor_.find(actor_id);
    if (it == by_actor_.end()) {
      return;
    }
    for (const auto& a : it->second) {
      if (a.target_kind() == on.kind && a.target_id() == on.id) {
        out.insert(a.role_id());
      }
    }
  };
  collect(user_id);
  for (const auto& group_id : groups_of(user_id)) {
    collect(group_id);
  }
  return out;
}

std::set<std::string>
directory::with_implied(const std::set<std::string>& roles) const {
  std::set<std::string> out;
  std::vector<std::string> pending{roles.begin(), roles.end()};
  while (!pending.empty()) {
    auto id = std::move(pending.back());
    pending.pop_back();
    if (!out.insert(id).second) {
      continue;
    }
    if (const auto* r = role(id)) {
      pending.insert(pending.end(), r->implies().begin(), r->implies().end());
    }
  }
  return out;
}

bool directory::is_revoked(const std::string& user_id,
                           const std::string& project_id,
                           const std::vector<std::string>& audit_ids,
                           int64_t issued_us) const {
  for (const auto& r : revocations_) {
    if (issued_us > r.issued_before_us()) {
      continue;
    }
    if (!r.audit_id().empty()
        && std::find(audit_ids.begin(), audit_ids.end(), r.audit_id())
             == audit_ids.end()) {
      continue;
    }
    if (!r.user_id().empty() && r.user_id() != user_id) {
      continue;
    }
    if (!r.project_id().empty() && r.project_id() != project_id) {
      continue;
    }
    return true;
  }
  return false;
}

} // namespace strato::identity
