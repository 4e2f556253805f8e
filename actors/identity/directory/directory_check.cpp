#include "actors/identity/directory/directory.hpp"

namespace strato::identity {

namespace {

status not_found(std::string_view what, const std::string& id) {
  return {errc::not_found,
          "Could not find " + std::string{what} + ": " + id + "."};
}

status duplicate(std::string_view what, const std::string& name,
                 const std::string& domain_id) {
  auto message = "Conflict occurred attempting to store " + std::string{what}
                 + " - Duplicate entry found with name " + name;
  if (!domain_id.empty()) {
    message += " at domain ID " + domain_id;
  }
  return {errc::conflict, message + "."};
}

status missing_id(std::string_view what) {
  return {errc::invalid_argument, std::string{what} + " needs an id"};
}

} // namespace

status directory::check(const pb::IdentityEvent& event) const {
  using E = pb::IdentityEvent;
  switch (event.kind_case()) {
    case E::kDomainCreated: {
      const auto& d = event.domain_created();
      if (d.id().empty()) {
        return missing_id("domain");
      }
      if (domains_.count(d.id()) != 0) {
        return {errc::conflict, "Conflict occurred attempting to store domain "
                                "- Duplicate ID, " + d.id() + "."};
      }
      if (domain_by_name(d.name()) != nullptr) {
        return duplicate("domain", d.name(), "");
      }
      return {};
    }
    case E::kDomainUpdated: {
      const auto& d = event.domain_updated();
      if (domain(d.id()) == nullptr) {
        return not_found("domain", d.id());
      }
      const auto* other = domain_by_name(d.name());
      if (other != nullptr && other->id() != d.id()) {
        return duplicate("domain", d.name(), "");
      }
      return {};
    }
    case E::kProjectCreated:
      return check_project(event.project_created(), true);
    case E::kProjectUpdated:
      return check_project(event.project_updated(), false);
    case E::kUserCreated:
      return check_user(event.user_created(), true);
    case E::kUserUpdated:
      return check_user(event.user_updated(), false);
    case E::kGroupCreated:
      return check_group(event.group_created(), true);
    case E::kGroupUpdated:
      return check_group(event.group_updated(), false);
    case E::kRoleCreated:
      return check_role(event.role_created(), true);
    case E::kRoleUpdated:
      return check_role(event.role_updated(), false);
    case E::kMemberAdded:
    case E::kMemberRemoved: {
      const auto& m = event.kind_case() == E::kMemberAdded
                        ? event.member_added()
                        : event.member_removed();
      if (group(m.group_id()) == nullptr) {
        return not_found("group", m.group_id());
      }
      if (user(m.user_id()) == nullptr) {
        return not_found("user", m.user_id());
      }
      return {};
    }
    case E::kRoleGranted:
      return check_assignment(event.role_granted());
    case E::kRoleRevoked: {
      const auto& a = event.role_revoked();
      auto it = by_actor_.find(a.actor_id());
      if (it != by_actor_.end()) {
        for (const auto& existing : it->second) {
          if (existing.target_kind() == a.target_kind()
              && existing.target_id() == a.target_id()
              && existing.role_id() == a.role_id()) {
            return {};
          }
        }
      }
      return {errc::not_found, "Could not find role assignment with role: "
                                 + a.role_id() + ", user or group: "
                                 + a.actor_id() + ", project, domain, or "
                                 "system: " + a.target_id() + "."};
    }
    case E::kAppCredentialCreated: {
      const auto& c = event.app_credential_created();
      if (user(c.user_id()) == nullptr) {
        return not_found("user", c.user_id());
      }
      if (project(c.project_id()) == nullptr) {
        return not_found("project", c.project_id());
      }
      for (const auto& [id, other] : app_credentials_) {
        if (other.user_id() == c.user_id() && other.name() == c.name()) {
          return {errc::conflict,
                  "Conflict occurred attempting to store "
                  "application_credential - Duplicate entry found with name "
                      + c.name() + "."};
        }
      }
      return {};
    }
    case E::kRegionCreated:
      if (regions_.count(event.region_created().id()) != 0) {
        return {errc::conflict, "Duplicate ID, "
                                  + event.region_created().id() + "."};
      }
      return {};
    case E::kServiceCreated:
    case E::kServiceUpdated:
      return {};
    case E::kEndpointCreated:
    case E::kEndpointUpdated: {
      const auto& e = event.kind_case() == E::kEndpointCreated
                        ? event.endpoint_created()
                        : event.endpoint_updated();
      if (service(e.service_id()) == nullptr) {
        return not_found("service", e.service_id());
      }
      if (!e.region_id().empty() && !region_exists(e.region_id())) {
        return not_found("region", e.region_id());
      }
      return {};
    }
    case E::kTokenRevoked:
      return {};
    case E::kDomainDeleted:
    case E::kProjectDeleted:
    case E::kUserDeleted:
    case E::kGroupDeleted:
    case E::kRoleDeleted:
    case E::kAppCredentialDeleted:
    case E::kServiceDeleted:
    case E::kEndpointDeleted:
      return check_deletion(event);
    case E::KIND_NOT_SET:
      break;
  }
  return {errc::invalid_argument, "an identity event needs a kind"};
}

status directory::check_project(const pb::Project& p, bool creating) const {
  if (p.id().empty()) {
    return missing_id("project");
  }
  if (creating && projects_.count(p.id()) != 0) {
    return {errc::conflict, "Conflict occurred attempting to store project - "
                            "Duplicate ID, " + p.id() + "."};
  }
  if (!creating && project(p.id()) == nullptr) {
    return not_found("project", p.id());
  }
  if (domain(p.domain_id()) == nullptr) {
    return not_found("domain", p.domain_id());
  }
  if (p.parent_id() != p.domain_id()) {
    const auto* parent = project(p.parent_id());
    if (parent == nullptr) {
      return not_found("project", p.parent_id());
    }
    if (parent->domain_id() != p.domain_id()) {
      return {errc::invalid_argument,
              "Cannot create project, the parent (" + p.parent_id()
                + ") is in a different domain."};
    }
  }
  const auto* other = project_by_name(p.domain_id(), p.name());
  if (other != nullptr && other->id() != p.id()) {
    return duplicate("project", p.name(), p.domain_id());
  }
  return {};
}

status directory::check_user(const pb::User& u, bool creating) const {
  if (u.id().empty()) {
    return missing_id("user");
  }
  if (!creating && user(u.id()) == nullptr) {
    return not_found("user", u.id());
  }
  if (creating && users_.count(u.id()) != 0) {
    return {errc::conflict, "Conflict occurred attempting to store user - "
                            "Duplicate ID, " + u.id() + "."};
  }
  if (domain(u.domain_id()) == nullptr) {
    return not_found("domain", u.domain_id());
  }
  if (!u.default_project_id().empty()
      && project(u.default_project_id()) == nullptr) {
    return not_found("project", u.default_project_id());
  }
  const auto* other = user_by_name(u.domain_id(), u.name());
  if (other != nullptr && other->id() != u.id()) {
    return duplicate("user", u.name(), u.domain_id());
  }
  return {};
}

status directory::check_group(const pb::Group& g, bool creating) const {
  if (g.id().empty()) {
    return missing_id("group");
  }
  if (!creating && group(g.id()) == nullptr) {
    return not_found("group", g.id());
  }
  if (domain(g.domain_id()) == nullptr) {
    return not_found("domain", g.domain_id());
  }
  const auto* other = group_by_name(g.domain_id(), g.name());
  if (other != nullptr && other->id() != g.id()) {
    return duplicate("group", g.name(), g.domain_id());
  }
  return {};
}

status directory::check_role(const pb::Role& r, bool creating) const {
  if (r.id().empty()) {
    return missing_id("role");
  }
  if (!creating && role(r.id()) == nullptr) {
    return not_found("role", r.id());
  }
  for (const auto& implied : r.implies()) {
    if (role(implied) == nullptr) {
      return not_found("role", implied);
    }
    if (with_implied({implied}).count(r.id()) != 0) {
      return {errc::forbidden, "Cannot imply role " + implied
                                 + ": it would create a cycle."};
    }
  }
  for (const auto& [id, other] : roles_) {
    if (id != r.id() && other.name() == r.name()
        && other.domain_id() == r.domain_id()) {
      return duplicate("role", r.name(), r.domain_id());
    }
  }
  return {};
}

status directory::check_assignment(const pb::Assignment& a) const {
  if (role(a.role_id()) == nullptr) {
    return not_found("role", a.role_id());
  }
  if (a.actor_kind() == pb::ACTOR_KIND_USER && user(a.actor_id()) == nullptr) {
    return not_found("user", a.actor_id());
  }
  if (a.actor_kind() == pb::ACTOR_KIND_GROUP
      && group(a.actor_id()) == nullptr) {
    return not_found("group", a.actor_id());
  }
  switch (a.target_kind()) {
    case pb::TARGET_KIND_PROJECT:
      if (project(a.target_id()) == nullptr) {
        return not_found("project", a.target_id());
      }
      return {};
    case pb::TARGET_KIND_DOMAIN:
      if (domain(a.target_id()) == nullptr) {
        return not_found("domain", a.target_id());
      }
      return {};
    case pb::TARGET_KIND_SYSTEM:
      return {};
    default:
      return {errc::invalid_argument, "an assignment needs a target"};
  }
}

status directory::check_deletion(const pb::IdentityEvent& event) const {
  using E = pb::IdentityEvent;
  switch (event.kind_case()) {
    case E::kDomainDeleted: {
      const auto* d = domain(event.domain_deleted().id());
      if (d == nullptr) {
        return not_found("domain", event.domain_deleted().id());
      }
      if (d->enabled()) {
        return {errc::forbidden, "Cannot delete a domain that is enabled, "
                                 "please disable it first."};
      }
      return {};
    }
    case E::kProjectDeleted: {
      const auto& id = event.project_deleted().id();
      if (project(id) == nullptr) {
        return not_found("project", id);
      }
      for (const auto& [other_id, p] : projects_) {
        if (p.parent_id() == id) {
          return {errc::forbidden,
                  "Cannot delete the project " + id
                    + " since it is not a leaf in the hierarchy. Use the "
                      "cascade option if you want to delete a whole "
                      "subtree."};
        }
      }
      return {};
    }
    case E::kUserDeleted:
      return user(event.user_deleted().id()) ? status{}
                                             : not_found("user",
                                                         event.user_deleted().id());
    case E::kGroupDeleted:
      return group(event.group_deleted().id())
               ? status{}
               : not_found("group", event.group_deleted().id());
    case E::kRoleDeleted:
      return role(event.role_deleted().id())
               ? status{}
               : not_found("role", event.role_deleted().id());
    case E::kAppCredentialDeleted:
      return app_credential(event.app_credential_deleted().id())
               ? status{}
               : not_found("application credential",
                           event.app_credential_deleted().id());
    case E::kServiceDeleted:
      return service(event.service_deleted().id())
               ? status{}
               : not_found("service", event.service_deleted().id());
    case E::kEndpointDeleted:
      return endpoint(event.endpoint_deleted().id())
               ? status{}
               : not_found("endpoint", event.endpoint_deleted().id());
    default:
      return {errc::invalid_argument, "not a deletion"};
  }
}

} // namespace strato::identity
