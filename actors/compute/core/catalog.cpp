#include "actors/compute/core/catalog.hpp"

namespace strato::compute {

namespace {

status flavor_missing(const std::string& id) {
  return {errc::not_found, "Flavor " + id + " could not be found."};
}

status check_flavor_created(const catalog& c, const pb::Flavor& f) {
  if (c.flavors.count(f.id()) != 0) {
    return {errc::conflict, "Flavor with ID " + f.id() + " already exists."};
  }
  for (const auto& [id, other] : c.flavors) {
    if (other.name() == f.name()) {
      return {errc::conflict,
              "Flavor with name " + f.name() + " already exists."};
    }
  }
  return {};
}

status check_access(const catalog& c,
                    const pb::CatalogEvent::FlavorAccessChanged& ev) {
  const auto* f = c.flavor(ev.flavor_id());
  if (f == nullptr) {
    return flavor_missing(ev.flavor_id());
  }
  if (f->is_public()) {
    return {errc::conflict, "Can not add access to a public flavor."};
  }
  auto it = c.flavor_access.find(ev.flavor_id());
  bool has = it != c.flavor_access.end() && it->second.count(ev.project_id());
  if (ev.granted() && has) {
    return {errc::conflict, "Flavor access already exists for flavor "
                              + ev.flavor_id() + " and project "
                              + ev.project_id() + " combination."};
  }
  if (!ev.granted() && !has) {
    return {errc::not_found, "Flavor access not found for "
                               + ev.flavor_id() + " / " + ev.project_id()
                               + " combination."};
  }
  return {};
}

status check_keypair(const catalog& c, const pb::Keypair& k) {
  if (c.keypair(k.user_id(), k.name()) != nullptr) {
    return {errc::conflict,
            "Key pair '" + k.name() + "' already exists."};
  }
  return {};
}

} // namespace

status catalog::check(const pb::CatalogEvent& ev) const {
  using E = pb::CatalogEvent;
  switch (ev.event_case()) {
    case E::kFlavorCreated:
      return check_flavor_created(*this, ev.flavor_created());
    case E::kFlavorDeleted:
      return flavor(ev.flavor_deleted().id()) ? status{}
                                              : flavor_missing(
                                                ev.flavor_deleted().id());
    case E::kFlavorAccessChanged:
      return check_access(*this, ev.flavor_access_changed());
    case E::kFlavorExtraSpecsSet:
      return flavor(ev.flavor_extra_specs_set().flavor_id())
               ? status{}
               : flavor_missing(ev.flavor_extra_specs_set().flavor_id());
    case E::kFlavorExtraSpecDeleted: {
      const auto& d = ev.flavor_extra_spec_deleted();
      const auto* f = flavor(d.flavor_id());
      if (f == nullptr) {
        return flavor_missing(d.flavor_id());
      }
      if (f->extra_specs().count(d.key()) == 0) {
        return {errc::not_found, "Flavor " + d.flavor_id()
                                   + " has no extra specs with key "
                                   + d.key() + "."};
      }
      return {};
    }
    case E::kFlavorDescriptionSet:
      return flavor(ev.flavor_description_set().flavor_id())
               ? status{}
               : flavor_missing(ev.flavor_description_set().flavor_id());
    case E::kKeypairCreated:
      return check_keypair(*this, ev.keypair_created());
    case E::kKeypairDeleted:
      return keypair(ev.keypair_deleted().user_id(),
                     ev.keypair_deleted().name())
               ? status{}
               : status{errc::not_found, "Keypair "
                                           + ev.keypair_deleted().name()
                                           + " not found for user "
                                           + ev.keypair_deleted().user_id()};
    case E::kServerGroupCreated:
      return server_groups.count(ev.server_group_created().id())
               ? status{errc::conflict, "server group exists"}
               : status{};
    case E::kServerGroupDeleted:
    case E::kServerGroupMemberChanged: {
      const auto& id = ev.has_server_group_deleted()
                         ? ev.server_group_deleted().id()
                         : ev.server_group_member_changed().group_id();
      return server_groups.count(id)
               ? status{}
               : status{errc::not_found,
                        "Instance group " + id + " could not be found."};
    }
    case E::EVENT_NOT_SET:
      break;
  }
  return {errc::invalid_argument, "an empty catalog event"};
}

void catalog::apply(const pb::CatalogEvent& ev) {
  using E = pb::CatalogEvent;
  switch (ev.event_case()) {
    case E::kFlavorCreated:
      flavors[ev.flavor_created().id()] = ev.flavor_created();
      break;
    case E::kFlavorDeleted:
      flavors.erase(ev.flavor_deleted().id());
      flavor_access.erase(ev.flavor_deleted().id());
      break;
    case E::kFlavorAccessChanged: {
      const auto& a = ev.flavor_access_changed();
      if (a.granted()) {
        flavor_access[a.flavor_id()].insert(a.project_id());
      } else {
        flavor_access[a.flavor_id()].erase(a.project_id());
      }
      break;
    }
    case E::kFlavorExtraSpecsSet: {
      const auto& s = ev.flavor_extra_specs_set();
      if (auto it = flavors.find(s.flavor_id()); it != flavors.end()) {
        for (const auto& [k, v] : s.specs()) {
          (*it->second.mutable_extra_specs())[k] = v;
        }
      }
      break;
    }
    case E::kFlavorExtraSpecDeleted: {
      const auto& d = ev.flavor_extra_spec_deleted();
      if (auto it = flavors.find(d.flavor_id()); it != flavors.end()) {
        it->second.mutable_extra_specs()->erase(d.key());
      }
      break;
    }
    case E::kFlavorDescriptionSet: {
      const auto& d = ev.flavor_description_set();
      if (auto it = flavors.find(d.flavor_id()); it != flavors.end()) {
        it->second.set_description(d.description());
      }
      break;
    }
    case E::kKeypairCreated: {
      const auto& k = ev.keypair_created();
      keypairs[{k.user_id(), k.name()}] = k;
      break;
    }
    case E::kKeypairDeleted:
      keypairs.erase(
        {ev.keypair_deleted().user_id(), ev.keypair_deleted().name()});
      break;
    case E::kServerGroupCreated:
      server_groups[ev.server_group_created().id()]
        = ev.server_group_created();
      break;
    case E::kServerGroupDeleted:
      server_groups.erase(ev.server_group_deleted().id());
      break;
    case E::kServerGroupMemberChanged: {
      const auto& m = ev.server_group_member_changed();
      auto it = server_groups.find(m.group_id());
      if (it == server_groups.end()) {
        break;
      }
      auto* members = it->second.mutable_members();
      for (int i = 0; i < members->size(); ++i) {
        if (members->Get(i) == m.instance_id()) {
          members->erase(members->begin() + i);
          break;
        }
      }
      if (m.added()) {
        members->Add(std::string{m.instance_id()});
      }
      break;
    }
    case E::EVENT_NOT_SET:
      break;
  }
}

const pb::Flavor* catalog::flavor(const std::string& id) const {
  auto it = flavors.find(id);
  return it == flavors.end() ? nullptr : &it->second;
}

bool catalog::flavor_visible(const pb::Flavor& f, const std::string& project_id,
                             bool admin) const {
  if (f.is_public() || admin) {
    return true;
  }
  auto it = flavor_access.find(f.id());
  return it != flavor_access.end() && it->second.count(project_id) != 0;
}

const pb::Keypair* catalog::keypair(const std::string& user_id,
                                    const std::string& name) const {
  auto it = keypairs.find({user_id, name});
  return it == keypairs.end() ? nullptr : &it->second;
}

std::string catalog::snapshot_state() const {
  // The catalog is small: its snapshot is the events that rebuild it.
  pb::CatalogCommand all;
  for (const auto& [id, f] : flavors) {
    *all.add_events()->mutable_flavor_created() = f;
  }
  for (const auto& [id, projects] : flavor_access) {
    for (const auto& p : projects) {
      auto* a = all.add_events()->mutable_flavor_access_changed();
      a->set_flavor_id(id);
      a->set_project_id(p);
      a->set_granted(true);
    }
  }
  for (const auto& [key, k] : keypairs) {
    *all.add_events()->mutable_keypair_created() = k;
  }
  for (const auto& [id, g] : server_groups) {
    *all.add_events()->mutable_server_group_created() = g;
  }
  return all.SerializeAsString();
}

status catalog::restore(std::string_view state) {
  pb::CatalogCommand all;
  if (!all.ParseFromArray(state.data(), static_cast<int>(state.size()))) {
    return {errc::corruption, "the compute catalog snapshot is unreadable"};
  }
  clear();
  for (const auto& ev : all.events()) {
    apply(ev);
  }
  return {};
}

void catalog::clear() {
  flavors.clear();
  flavor_access.clear();
  keypairs.clear();
  server_groups.clear();
}

std::vector<pb::CatalogEvent> default_flavor_events(int64_t now_us) {
  struct row {
    const char* id;
    const char* name;
    int vcpus;
    int ram;
    int disk;
  };
  // nova/tests and devstack's defaults.
  const row rows[] = {{"1", "m1.tiny", 1, 512, 1},
                      {"2", "m1.small", 1, 2048, 20},
                      {"3", "m1.medium", 2, 4096, 40},
                      {"4", "m1.large", 4, 8192, 80},
                      {"5", "m1.xlarge", 8, 16384, 160}};
  std::vector<pb::CatalogEvent> out;
  for (const auto& r : rows) {
    pb::CatalogEvent ev;
    auto* f = ev.mutable_flavor_created();
    f->set_id(r.id);
    f->set_name(r.name);
    f->set_vcpus(r.vcpus);
    f->set_ram_mb(r.ram);
    f->set_disk_gb(r.disk);
    f->set_rxtx_factor(1.0);
    f->set_is_public(true);
    f->set_created_at_us(now_us);
    out.push_back(std::move(ev));
  }
  return out;
}

} // namespace strato::compute
