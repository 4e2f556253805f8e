#pragma once

/// OpenStack's default roles, as every service applies them to project-owned
/// resources (Nova's, Cinder's, Glance's and Neutron's 2023 defaults):
///   reader  - may read the project's resources;
///   member  - may also create, change and delete them;
///   admin   - may do anything, in any project.
/// A project can never see another project's resources: a caller without
/// access gets a 404 for the resource (never a hint that it exists), and
/// lists are filtered to the caller's project unless an admin asks for all.

#include <string>

#include "actors/identity/service/identity_service.hpp"
#include "runtime/core/error.hpp"

namespace strato::service {

[[nodiscard]] inline bool is_admin(const identity::auth_context& caller) {
  return caller.admin();
}

[[nodiscard]] inline bool may_read(const identity::auth_context& caller,
                                   const std::string& owner_project) {
  if (is_admin(caller)) {
    return true;
  }
  return !caller.project_id.empty() && caller.project_id == owner_project
         && (caller.has_role("reader") || caller.has_role("member"));
}

[[nodiscard]] inline bool may_write(const identity::auth_context& caller,
                                    const std::string& owner_project) {
  if (is_admin(caller)) {
    return true;
  }
  return !caller.project_id.empty() && caller.project_id == owner_project
         && caller.has_role("member");
}

/// Creating needs a project scope (resources belong to a project) and the
/// member role there, or admin.
[[nodiscard]] inline status require_project_member(
  const identity::auth_context& caller) {
  if (caller.project_id.empty()) {
    return {errc::forbidden, "A project-scoped token is required."};
  }
  if (!is_admin(caller) && !caller.has_role("member")) {
    return {errc::forbidden, "Policy does not allow this operation to be "
                             "performed: the member role is required."};
  }
  return {};
}

} // namespace strato::service
