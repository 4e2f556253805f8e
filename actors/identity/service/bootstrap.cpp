// The first start of a node creates what `keystone-manage bootstrap` does:
// the Default domain, the admin/member/reader roles (admin implies member
// implies reader), the admin project and user with their assignments, the
// region and the service catalog. Later starts only fill in what is missing,
// move the endpoints to the node's current URL and reset the admin password
// when a new one is given. Everything one start decides is one command.

#include <fstream>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include "actors/identity/crypto/keystone_time.hpp"
#include "actors/identity/crypto/password_hash.hpp"
#include "actors/identity/service/service_impl.hpp"

namespace strato::identity {

namespace {

struct catalog_entry {
  const char* type;
  const char* name;
  const char* path;
};

/// The devstack layout; `volumev3` and `block-storage` both name Cinder v3,
/// as the clients look for either.
constexpr catalog_entry catalog[] = {
  {"identity", "keystone", "/identity"},
  {"compute", "nova", "/compute/v2.1"},
  {"image", "glance", "/image"},
  {"volumev3", "cinderv3", "/volume/v3"},
  {"block-storage", "cinder", "/volume/v3"},
  {"network", "neutron", "/network"},
  {"placement", "placement", "/placement"},
};

constexpr const char* interfaces[] = {"public", "internal", "admin"};

std::string generate_password() {
  static constexpr char alphabet[] =
    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char bytes[20];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return {};
  }
  std::string out;
  for (auto b : bytes) {
    out.push_back(alphabet[b % (sizeof alphabet - 1)]);
  }
  return out;
}

pb::IdentityEvent role_event(const std::string& id, const std::string& name,
                             const std::string& implied) {
  pb::IdentityEvent ev;
  auto* r = ev.mutable_role_created();
  r->set_id(id);
  r->set_name(name);
  if (!implied.empty()) {
    r->add_implies(implied);
  }
  return ev;
}

pb::IdentityEvent grant(const std::string& user, pb::TargetKind kind,
                        const std::string& target, const std::string& role) {
  pb::IdentityEvent ev;
  auto* a = ev.mutable_role_granted();
  a->set_actor_kind(pb::ACTOR_KIND_USER);
  a->set_actor_id(user);
  a->set_target_kind(kind);
  a->set_target_id(target);
  a->set_role_id(role);
  return ev;
}

status write_clouds_yaml(const identity_config& config,
                         const std::string& password) {
  auto path = config.data_dir + "/clouds.yaml";
  auto temp = path + ".tmp";
  {
    std::ofstream out{temp, std::ios::trunc};
    out << "# Written by strato serve. Use it with:\n"
        << "#   export OS_CLIENT_CONFIG_FILE=" << path << "\n"
        << "#   openstack --os-cloud strato token issue\n"
        << "clouds:\n"
        << "  strato:\n"
        << "    auth:\n"
        << "      auth_url: " << config.public_url << "/identity\n"
        << "      username: admin\n"
        << "      password: \"" << password << "\"\n"
        << "      project_name: admin\n"
        << "      user_domain_name: Default\n"
        << "      project_domain_name: Default\n"
        << "    region_name: " << config.region << "\n"
        << "    interface: public\n"
        << "    identity_api_version: 3\n";
    if (!out) {
      return {errc::io_error, "cannot write " + temp};
    }
  }
  ::chmod(temp.c_str(), 0600);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    return {errc::io_error, "cannot write " + path};
  }
  return {};
}

} // namespace

status identity_service::impl::bootstrap() {
  if (auto st = wait_until_loaded(); !st.ok()) {
    return st;
  }
  pb::IdentityCommand cmd;
  auto add = [&](pb::IdentityEvent ev) { *cmd.add_events() = std::move(ev); };
  std::string password = config.admin_password;
  auto now_us = now_utc().time_since_epoch().count();
  auto planned = dir->read([&](const directory& d) -> status {
    std::string domain_id = "default";
    if (d.domain(domain_id) == nullptr) {
      pb::IdentityEvent ev;
      auto* dom = ev.mutable_domain_created();
      dom->set_id(domain_id);
      dom->set_name("Default");
      dom->set_description("The default domain");
      dom->set_enabled(true);
      add(std::move(ev));
    }
    auto role_id = [&](const char* name) {
      const auto* r = d.role_by_name(name);
      return r != nullptr ? r->id() : std::string{};
    };
    auto reader = role_id("reader");
    auto member = role_id("member");
    auto admin = role_id("admin");
    if (reader.empty()) {
      reader = new_id();
      add(role_event(reader, "reader", ""));
    }
    if (member.empty()) {
      member = new_id();
      add(role_event(member, "member", reader));
    }
    if (admin.empty()) {
      admin = new_id();
      add(role_event(admin, "admin", member));
    }
    const auto* project = d.project_by_name(domain_id, "admin");
    auto project_id = project != nullptr ? project->id() : new_id();
    if (project == nullptr) {
      pb::IdentityEvent ev;
      auto* p = ev.mutable_project_created();
      p->set_id(project_id);
      p->set_name("admin");
      p->set_domain_id(domain_id);
      p->set_parent_id(domain_id);
      p->set_description("Bootstrap project for initializing the cloud.");
      p->set_enabled(true);
      add(std::move(ev));
    }
    const auto* user = d.user_by_name(domain_id, "admin");
    auto user_id = user != nullptr ? user->id() : new_id();
    if (user == nullptr || !password.empty()) {
      bool same = false;
      if (user != nullptr) {
        auto verified = verify_password(password, user->password_hash());
        same = verified.ok() && *verified;
      }
      if (password.empty()) {
        password = generate_password();
      }
      if (!same) {
        auto hash = hash_password(password, config.password_iterations);
        if (!hash) {
          return hash.error();
        }
        pb::IdentityEvent ev;
        auto* u = user == nullptr ? ev.mutable_user_created()
                                  : ev.mutable_user_updated();
        if (user != nullptr) {
          *u = *user;
        }
        u->set_id(user_id);
        u->set_name("admin");
        u->set_domain_id(domain_id);
        u->set_enabled(true);
        u->set_password_hash(*hash);
        u->set_password_changed_us(now_us);
        if (user == nullptr) {
          u->set_created_us(now_us);
        }
        add(std::move(ev));
      }
    }
    if (!d.direct_role_ids(user_id, {pb::TARGET_KIND_PROJECT, project_id})
           .count(admin)) {
      add(grant(user_id, pb::TARGET_KIND_PROJECT, project_id, admin));
    }
    if (!d.direct_role_ids(user_id, {pb::TARGET_KIND_SYSTEM, "all"})
           .count(admin)) {
      add(grant(user_id, pb::TARGET_KIND_SYSTEM, "all", admin));
    }
    if (!d.region_exists(config.region)) {
      pb::IdentityEvent ev;
      ev.mutable_region_created()->set_id(config.region);
      add(std::move(ev));
    }
    for (const auto& entry : catalog) {
      const auto* existing = d.service_by_type(entry.type);
      auto service_id = existing != nullptr ? existing->id() : new_id();
      if (existing == nullptr) {
        pb::IdentityEvent ev;
        auto* s = ev.mutable_service_created();
        s->set_id(service_id);
        s->set_type(entry.type);
        s->set_name(entry.name);
        s->set_enabled(true);
        add(std::move(ev));
      }
      auto url = config.public_url + entry.path;
      for (const auto* interface : interfaces) {
        const pb::Endpoint* found = nullptr;
        for (const auto& [id, e] : d.endpoints()) {
          if (e.service_id() == service_id && e.interface() == interface
              && e.region_id() == config.region) {
            found = &e;
          }
        }
        if (found != nullptr && found->url() == url) {
          continue;
        }
        pb::IdentityEvent ev;
        auto* e = found == nullptr ? ev.mutable_endpoint_created()
                                   : ev.mutable_endpoint_updated();
        e->set_id(found == nullptr ? new_id() : found->id());
        e->set_service_id(service_id);
        e->set_interface(interface);
        e->set_region_id(config.region);
        e->set_url(url);
        e->set_enabled(true);
        add(std::move(ev));
      }
    }
    return {};
  });
  if (!planned.ok()) {
    return planned;
  }
  if (cmd.events_size() > 0) {
    if (auto st = submit_and_wait(std::move(cmd)); !st.ok()) {
      return {st.code(), "identity bootstrap failed: " + st.message()};
    }
  }
  if (!password.empty()) {
    bootstrap_password = password;
    if (auto st = write_clouds_yaml(config, password); !st.ok()) {
      return st;
    }
    spdlog::info("identity: admin credentials written to {}/clouds.yaml",
                 config.data_dir);
  }
  return {};
}

} // namespace strato::identity
