// Keypairs (Nova's keypairs controller): import or generate, per user.

#include "actors/compute/api/compute_api.hpp"
#include "actors/compute/core/ssh_keys.hpp"

namespace strato::compute {

namespace {

const api::schema& create_schema() {
  static const auto s = compile_schema(
    {{"type", "object"},
     {"properties",
      {{"keypair",
        {{"type", "object"},
         {"properties",
          {{"name",
            {{"type", "string"},
             {"minLength", 1},
             {"maxLength", 255},
             {"pattern", "^[a-zA-Z0-9 _.@-]+$"}}},
           {"type", {{"type", "string"}, {"enum", {"ssh", "x509"}}}},
           {"public_key", {{"type", "string"}}},
           {"user_id", {{"type", "string"}}}}},
         {"required", json::array({"name"})},
         {"additionalProperties", false}}}}},
     {"required", json::array({"keypair"})},
     {"additionalProperties", false}});
  return s;
}

/// The user whose keypairs a request addresses: admins may name another
/// (2.10+ `user_id`).
std::string owner_of(const call& c, const std::string& requested) {
  return !requested.empty() && c.admin() && c.at_least(10) ? requested
                                                            : c.caller.user_id;
}

json render(const call& c, const pb::Keypair& k, bool full) {
  json out{{"name", k.name()},
           {"public_key", k.public_key()},
           {"fingerprint", k.fingerprint()}};
  if (c.at_least(2)) {
    out["type"] = k.type();
  }
  if (full) {
    out["user_id"] = k.user_id();
    out["created_at"] = iso_time_micro(k.created_at_us());
    out["deleted"] = false;
    out["deleted_at"] = nullptr;
    out["updated_at"] = nullptr;
    out["id"] = 0;
  }
  return out;
}

void create_keypair(const compute_api& self, call& c) {
  auto body = body_of(c);
  if (!body || !valid(c, create_schema(), *body)) {
    return;
  }
  const auto& in = (*body)["keypair"];
  if (!c.at_least(2) && in.contains("type")) {
    c.fail({errc::invalid_argument, "Additional properties are not allowed "
                                    "('type' was unexpected)"});
    return;
  }
  pb::Keypair k;
  k.set_user_id(owner_of(c, in.value("user_id", "")));
  k.set_name(in["name"].get<std::string>());
  k.set_type(in.value("type", "ssh"));
  k.set_created_at_us(now_us());
  std::string private_key;
  if (in.contains("public_key")) {
    auto fp = ssh_fingerprint(in["public_key"].get<std::string>());
    if (!fp) {
      c.fail(fp.error());
      return;
    }
    k.set_public_key(in["public_key"].get<std::string>());
    k.set_fingerprint(*fp);
  } else {
    if (c.at_least(92)) {
      c.fail({errc::invalid_argument, "Invalid input for field/attribute "
                                      "keypair. 'public_key' is a required "
                                      "property"});
      return;
    }
    auto made = generate_rsa_keypair();
    if (!made) {
      c.fail(made.error());
      return;
    }
    k.set_public_key(made->public_key);
    k.set_fingerprint(made->fingerprint);
    private_key = made->private_key;
  }
  pb::CatalogCommand cmd;
  *cmd.add_events()->mutable_keypair_created() = k;
  self.write_catalog(cmd, c, [c, k, private_key] {
    auto out = render(c, k, false);
    out["user_id"] = k.user_id();
    if (!private_key.empty()) {
      out["private_key"] = private_key;
    }
    c.send(c.at_least(2) ? 201 : 200, {{"keypair", out}});
  });
}

void list_keypairs(const compute_api& self, call& c) {
  auto user = owner_of(c, std::string{c.req.query("user_id").value_or("")});
  json items = json::array();
  self.catalog->read([&](const catalog& cat) {
    for (const auto& [key, k] : cat.keypairs) {
      if (key.first == user) {
        items.push_back({{"keypair", render(c, k, false)}});
      }
    }
    return 0;
  });
  json body{{"keypairs", items}};
  if (c.at_least(35)) {
    body["keypairs_links"] = json::array();
  }
  c.send(200, body);
}

} // namespace

void compute_api::install_keypairs(http::router& routes) const {
  const std::string base = "/compute/v2.1/os-keypairs";
  using http::method;
  routes.add(method::get, base,
             wrap([this](call& c) { list_keypairs(*this, c); }));
  routes.add(method::post, base,
             wrap([this](call& c) { create_keypair(*this, c); }));
  routes.add(method::get, base + "/{name}", wrap([this](call& c) {
               std::string name{*c.req.path_params.get("name")};
               auto user = owner_of(
                 c, std::string{c.req.query("user_id").value_or("")});
               auto k = catalog->read([&](const struct catalog& cat) {
                 const auto* found = cat.keypair(user, name);
                 return found ? std::optional<pb::Keypair>{*found}
                              : std::nullopt;
               });
               if (!k) {
                 c.fail({errc::not_found, "Keypair " + name
                                            + " not found for user " + user});
                 return;
               }
               c.send(200, {{"keypair", render(c, *k, true)}});
             }));
  routes.add(method::delete_, base + "/{name}", wrap([this](call& c) {
               pb::CatalogCommand cmd;
               auto* d = cmd.add_events()->mutable_keypair_deleted();
               d->set_user_id(owner_of(
                 c, std::string{c.req.query("user_id").value_or("")}));
               d->set_name(std::string{*c.req.path_params.get("name")});
               write_catalog(cmd, c, [c] {
                 c.send(c.at_least(2) ? 204 : 202, nullptr);
               });
             }));
}

} // namespace strato::compute
