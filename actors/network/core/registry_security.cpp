#include "actors/network/core/registry_internal.hpp"

#include <algorithm>

namespace strato::network {

using namespace internal;

namespace {

/// A rule id derived from its group's id, so that the default group's
/// rules are decided without a random source.
std::string derived_id(const std::string& group_id, int n) {
  auto id = group_id;
  auto tail = std::to_string(n);
  id.replace(id.size() - tail.size(), tail.size(), tail);
  return id;
}

pb::SecurityGroupRule make_rule(const pb::SecurityGroup& g, int n,
                                std::string direction, std::string ethertype,
                                std::string remote_group) {
  pb::SecurityGroupRule r;
  auto* m = r.mutable_meta();
  m->set_id(derived_id(g.meta().id(), n));
  m->set_project_id(g.meta().project_id());
  m->set_created_at(g.meta().created_at());
  m->set_updated_at(g.meta().created_at());
  r.set_security_group_id(g.meta().id());
  r.set_direction(std::move(direction));
  r.set_ethertype(std::move(ethertype));
  r.set_remote_group_id(std::move(remote_group));
  return r;
}

bool same_rule(const pb::SecurityGroupRule& a, const pb::SecurityGroupRule& b) {
  return a.security_group_id() == b.security_group_id()
         && a.direction() == b.direction() && a.ethertype() == b.ethertype()
         && a.protocol() == b.protocol()
         && a.has_port_range_min() == b.has_port_range_min()
         && a.port_range_min() == b.port_range_min()
         && a.has_port_range_max() == b.has_port_range_max()
         && a.port_range_max() == b.port_range_max()
         && a.remote_ip_prefix() == b.remote_ip_prefix()
         && a.remote_group_id() == b.remote_group_id();
}

} // namespace

events registry::ensure_default_group(const std::string& project_id,
                                      const std::string& now) const {
  if (project_id.empty() || default_group(project_id) != nullptr) {
    return {};
  }
  // The id is derived from the project, so that two decisions racing to
  // create it would name the same group.
  pb::SecurityGroup g;
  auto* m = g.mutable_meta();
  std::string id = project_id;
  id.erase(std::remove(id.begin(), id.end(), '-'), id.end());
  id.resize(32, '0');
  id = id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-"
       + id.substr(16, 4) + "-" + id.substr(20, 12);
  m->set_id(id);
  m->set_project_id(project_id);
  m->set_name("default");
  m->set_description("Default security group");
  m->set_created_at(now);
  m->set_updated_at(now);
  g.set_stateful(true);
  g.set_is_default(true);
  events out{put_event(g)};
  out.push_back(put_event(make_rule(g, 1, "egress", "IPv4", "")));
  out.push_back(put_event(make_rule(g, 2, "egress", "IPv6", "")));
  out.push_back(put_event(make_rule(g, 3, "ingress", "IPv4", id)));
  out.push_back(put_event(make_rule(g, 4, "ingress", "IPv6", id)));
  return out;
}

result<events> registry::decide_create_group(pb::SecurityGroup draft) const {
  draft.set_is_default(false);
  events out{put_event(draft)};
  out.push_back(put_event(make_rule(draft, 1, "egress", "IPv4", "")));
  out.push_back(put_event(make_rule(draft, 2, "egress", "IPv6", "")));
  return out;
}

result<events> registry::decide_update_group(pb::SecurityGroup next) const {
  auto it = groups_.find(next.meta().id());
  if (it == groups_.end()) {
    return not_found("SecurityGroupNotFound", "Security group",
                     next.meta().id());
  }
  if (it->second.is_default() && next.meta().name() != "default") {
    return fault(errc::conflict, "SecurityGroupCannotUpdateDefault",
                 "Updating default security group not allowed.");
  }
  next.set_is_default(it->second.is_default());
  next.mutable_meta()->set_revision_number(
    it->second.meta().revision_number() + 1);
  return events{put_event(next)};
}

result<events> registry::decide_delete_group(const std::string& id,
                                             bool admin) const {
  auto it = groups_.find(id);
  if (it == groups_.end()) {
    return not_found("SecurityGroupNotFound", "Security group", id);
  }
  if (it->second.is_default() && !admin) {
    return fault(errc::conflict, "SecurityGroupCannotRemoveDefault",
                 "Insufficient rights for removing default security group.");
  }
  for (const auto& [pid, p] : ports_) {
    for (const auto& gid : p.security_group_ids()) {
      if (gid == id) {
        return fault(errc::conflict, "SecurityGroupInUse",
                     "Security Group " + id + " in use.");
      }
    }
  }
  events out;
  for (const auto& [rid, r] : rules_) {
    if (r.security_group_id() == id || r.remote_group_id() == id) {
      event del;
      del.mutable_security_group_rule_deleted()->set_id(rid);
      out.push_back(del);
    }
  }
  event del;
  del.mutable_security_group_deleted()->set_id(id);
  out.push_back(del);
  return out;
}

result<events>
registry::decide_create_rule(pb::SecurityGroupRule draft) const {
  if (groups_.count(draft.security_group_id()) == 0) {
    return not_found("SecurityGroupNotFound", "Security group",
                     draft.security_group_id());
  }
  if (!draft.remote_group_id().empty()
      && groups_.count(draft.remote_group_id()) == 0) {
    return not_found("SecurityGroupNotFound", "Security group",
                     draft.remote_group_id());
  }
  for (const auto& [rid, r] : rules_) {
    if (same_rule(r, draft)) {
      return fault(errc::conflict, "SecurityGroupRuleExists",
                   "Security group rule already exists. Rule id is " + rid
                     + ".");
    }
  }
  return events{put_event(draft)};
}

result<events> registry::decide_delete_rule(const std::string& id) const {
  if (rules_.count(id) == 0) {
    return not_found("SecurityGroupRuleNotFound", "Security group rule", id);
  }
  event del;
  del.mutable_security_group_rule_deleted()->set_id(id);
  return events{del};
}

} // namespace strato::network
