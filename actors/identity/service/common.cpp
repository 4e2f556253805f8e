#include <random>

#include <openssl/rand.h>

#include "actors/identity/service/service_impl.hpp"

namespace strato::identity {

std::string new_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Ids need uniqueness, not secrecy: fall back to the C++ generator.
    thread_local std::mt19937_64 gen{std::random_device{}()};
    for (auto& b : bytes) {
      b = static_cast<unsigned char>(gen());
    }
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (auto b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0xF]);
  }
  return out;
}

std::string string_field(const json& obj, std::string_view field,
                         std::string fallback) {
  auto it = obj.find(field);
  return it != obj.end() && it->is_string() ? it->get<std::string>()
                                            : std::move(fallback);
}

http::response json_response(int status, const json& body) {
  return http::response::json(status, body);
}

http::response no_content() {
  auto r = http::response::empty(204);
  r.content_type.clear();
  return r;
}

void forbid(const http::responder& reply, std::string_view action) {
  reply.fail(403, "You are not authorized to perform the requested action: "
                    + std::string{action} + ".");
}

json collection_links(const std::string& self_url) {
  return {{"self", self_url}, {"previous", nullptr}, {"next", nullptr}};
}

bool matches_filter(const http::request& req, std::string_view param,
                    std::string_view value) {
  auto wanted = req.query(param);
  return !wanted || *wanted == value;
}

bool matches_bool_filter(const http::request& req, std::string_view param,
                         bool value) {
  auto wanted = req.query(param);
  if (!wanted) {
    return true;
  }
  auto truthy = *wanted == "true" || *wanted == "True" || *wanted == "1";
  return truthy == value;
}

// -- renderers ----------------------------------------------------------------

namespace {

json tags_of(const google::protobuf::RepeatedPtrField<std::string>& tags) {
  return json(std::vector<std::string>{tags.begin(), tags.end()});
}

json null_if_empty(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

} // namespace

json render_domain(const pb::Domain& d, const std::string& v3) {
  return {{"id", d.id()},
          {"name", d.name()},
          {"description", d.description()},
          {"enabled", d.enabled()},
          {"tags", tags_of(d.tags())},
          {"options", json::object()},
          {"links", {{"self", v3 + "/domains/" + d.id()}}}};
}

json render_project(const pb::Project& p, const std::string& v3) {
  return {{"id", p.id()},
          {"name", p.name()},
          {"domain_id", p.domain_id()},
          {"description", p.description()},
          {"enabled", p.enabled()},
          {"parent_id", p.parent_id()},
          {"is_domain", false},
          {"tags", tags_of(p.tags())},
          {"options", json::object()},
          {"links", {{"self", v3 + "/projects/" + p.id()}}}};
}

json render_user(const pb::User& u, const std::string& v3) {
  json out{{"id", u.id()},
           {"name", u.name()},
           {"domain_id", u.domain_id()},
           {"enabled", u.enabled()},
           {"password_expires_at", nullptr},
           {"options", json::object()},
           {"links", {{"self", v3 + "/users/" + u.id()}}}};
  if (!u.email().empty()) {
    out["email"] = u.email();
  }
  if (!u.description().empty()) {
    out["description"] = u.description();
  }
  if (!u.default_project_id().empty()) {
    out["default_project_id"] = u.default_project_id();
  }
  return out;
}

json render_group(const pb::Group& g, const std::string& v3) {
  return {{"id", g.id()},
          {"name", g.name()},
          {"domain_id", g.domain_id()},
          {"description", g.description()},
          {"links", {{"self", v3 + "/groups/" + g.id()}}}};
}

json render_role(const pb::Role& r, const std::string& v3) {
  json out{{"id", r.id()},
           {"name", r.name()},
           {"domain_id", null_if_empty(r.domain_id())},
           {"options", json::object()},
           {"links", {{"self", v3 + "/roles/" + r.id()}}}};
  if (!r.description().empty()) {
    out["description"] = r.description();
  }
  return out;
}

json render_service(const pb::Service& s, const std::string& v3) {
  return {{"id", s.id()},
          {"type", s.type()},
          {"name", s.name()},
          {"description", s.description()},
          {"enabled", s.enabled()},
          {"links", {{"self", v3 + "/services/" + s.id()}}}};
}

json render_endpoint(const pb::Endpoint& e, const std::string& v3) {
  return {{"id", e.id()},
          {"service_id", e.service_id()},
          {"interface", e.interface()},
          {"region_id", null_if_empty(e.region_id())},
          {"region", null_if_empty(e.region_id())},
          {"url", e.url()},
          {"enabled", e.enabled()},
          {"links", {{"self", v3 + "/endpoints/" + e.id()}}}};
}

json render_region(const pb::Region& r, const std::string& v3) {
  return {{"id", r.id()},
          {"description", r.description()},
          {"parent_region_id", null_if_empty(r.parent_region_id())},
          {"links", {{"self", v3 + "/regions/" + r.id()}}}};
}

} // namespace strato::identity
