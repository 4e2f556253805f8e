#include <algorithm>
#include <cctype>
#include <map>

#include "actors/network/service/service_impl.hpp"
#include "runtime/api/json_body.hpp"
#include "runtime/api/links.hpp"
#include "runtime/api/params.hpp"
#include "runtime/http/errors.hpp"
#include "runtime/service/policy.hpp"

namespace strato::network::api {

namespace {

std::string_view generic_type(int code) {
  switch (code) {
    case 400:
      return "HTTPBadRequest";
    case 403:
      return "HTTPForbidden";
    case 404:
      return "HTTPNotFound";
    case 409:
      return "HTTPConflict";
    case 501:
      return "HTTPNotImplemented";
    default:
      return "HTTPInternalServerError";
  }
}

} // namespace

void fail(const http::responder& reply, int code, std::string_view type,
          std::string message) {
  reply.send(http::make_neutron_error(code, type, std::move(message)));
}

void fail(const http::responder& reply, const status& st) {
  if (st.code() == errc::unauthorized) {
    reply.fail(st); // keystonemiddleware's body
    return;
  }
  if (st.code() == errc::quota_exceeded) {
    // Neutron reports quota as a conflict with its own wording.
    auto msg = st.message();
    auto pos = msg.find("Quota exceeded for ");
    std::string resource = "resource";
    if (pos != std::string::npos) {
      auto start = pos + std::string_view{"Quota exceeded for "}.size();
      resource = msg.substr(start, msg.find(':', start) - start);
    }
    fail(reply, 409, "OverQuota",
         "Quota exceeded for resources: ['" + resource + "'].");
    return;
  }
  auto parts = split_fault(st);
  int code = http::http_status(st.code());
  auto type = parts.type.empty() ? std::string{generic_type(code)} : parts.type;
  fail(reply, code, type, parts.message);
}

void not_found(const http::responder& reply, std::string_view type,
               std::string_view what, const std::string& id) {
  fail(reply, 404, type, std::string{what} + " " + id + " could not be found.");
}

http::response json_response(int code, const json& body) {
  return http::response::json(code, body);
}

std::optional<json> body_object(const http::request& req,
                                const http::responder& reply,
                                std::string_view key) {
  auto body = strato::api::parse_json_body(req.body);
  if (!body.ok() || !body->is_object()) {
    fail(reply, 400, "HTTPBadRequest",
         "Malformed request body: the body must be a JSON object");
    return std::nullopt;
  }
  auto it = body->find(std::string{key});
  if (it == body->end() || !it->is_object()) {
    fail(reply, 400, "HTTPBadRequest",
         "Resource body required: the body needs a '" + std::string{key}
           + "' object.");
    return std::nullopt;
  }
  return *it;
}

status check_attributes(const json& obj, const std::vector<attribute>& rules,
                        bool is_put) {
  std::vector<std::string> unknown;
  for (const auto& [name, value] : obj.items()) {
    auto rule = std::find_if(rules.begin(), rules.end(),
                             [&](const attribute& a) { return a.name == name; });
    if (rule == rules.end()) {
      unknown.push_back(name);
      continue;
    }
    if (is_put ? !rule->allow_put : !rule->allow_post) {
      return fault(errc::invalid_argument, "HTTPBadRequest",
                   "Cannot update read-only attribute " + name);
    }
    if (value.is_null() && rule->nullable) {
      continue;
    }
    bool ok = true;
    std::string want;
    switch (rule->type) {
      case kind::string:
        ok = value.is_string();
        want = "a string";
        break;
      case kind::boolean:
        ok = value.is_boolean()
             || (value.is_string()
                 && strato::api::parse_bool_param(name, value.get<std::string>())
                      .ok());
        want = "a valid boolean value";
        break;
      case kind::integer:
        ok = value.is_number_integer()
             || (value.is_string()
                 && !value.get_ref<const std::string&>().empty()
                 && std::all_of(value.get_ref<const std::string&>().begin(),
                                value.get_ref<const std::string&>().end(),
                                [](unsigned char c) { return std::isdigit(c) != 0; }));
        want = "an integer";
        break;
      case kind::list:
        ok = value.is_array();
        want = "a list";
        break;
      case kind::object:
        ok = value.is_object();
        want = "a dictionary";
        break;
      case kind::any:
        break;
    }
    if (!ok) {
      return fault(errc::invalid_argument, "HTTPBadRequest",
                   "Invalid input for " + name + ". Reason: '"
                     + (value.is_string() ? value.get<std::string>()
                                          : value.dump())
                     + "' is not " + want + ".");
    }
  }
  if (!unknown.empty()) {
    std::string names;
    for (const auto& u : unknown) {
      names += (names.empty() ? "'" : ", '") + u + "'";
    }
    return fault(errc::invalid_argument, "HTTPBadRequest",
                 "Unrecognized attribute(s) " + names);
  }
  return {};
}

namespace {

const std::vector<std::string_view> paging_params{
  "fields", "limit", "marker", "page_reverse", "sort_key", "sort_dir",
  "tags", "tags-any", "not-tags", "not-tags-any"};

/// Neutron's filter comparison: values compare as their text, booleans in
/// any of oslo's spellings.
bool value_matches(const json& v, std::string_view wanted) {
  if (v.is_boolean()) {
    auto b = strato::api::parse_bool_param("filter", wanted);
    return b.ok() && *b == v.get<bool>();
  }
  if (v.is_string()) {
    return v.get<std::string>() == wanted;
  }
  if (v.is_null()) {
    return wanted.empty() || wanted == "None";
  }
  if (v.is_number()) {
    return v.dump() == wanted;
  }
  if (v.is_array()) {
    // fixed_ips=ip_address=x, security_groups=<id>
    for (const auto& e : v) {
      if (e.is_object()) {
        auto eq = wanted.find('=');
        if (eq != std::string_view::npos) {
          auto key = std::string{wanted.substr(0, eq)};
          if (e.contains(key) && value_matches(e[key], wanted.substr(eq + 1))) {
            return true;
          }
        }
      } else if (value_matches(e, wanted)) {
        return true;
      }
    }
  }
  return false;
}

bool tags_match(const json& item, const http::request& req) {
  auto tags_of = [&]() {
    std::vector<std::string> out;
    if (item.contains("tags")) {
      for (const auto& t : item["tags"]) {
        out.push_back(t.get<std::string>());
      }
    }
    return out;
  }();
  auto has = [&](std::string_view t) {
    return std::find(tags_of.begin(), tags_of.end(), t) != tags_of.end();
  };
  auto split = [](std::string_view list) {
    std::vector<std::string_view> out;
    while (!list.empty()) {
      auto comma = list.find(',');
      out.push_back(list.substr(0, comma));
      list = comma == std::string_view::npos ? "" : list.substr(comma + 1);
    }
    return out;
  };
  for (auto v : req.query_all("tags")) {
    for (auto t : split(v)) {
      if (!has(t)) {
        return false;
      }
    }
  }
  for (auto v : req.query_all("tags-any")) {
    auto ts = split(v);
    if (std::none_of(ts.begin(), ts.end(), has)) {
      return false;
    }
  }
  for (auto v : req.query_all("not-tags")) {
    auto ts = split(v);
    if (std::all_of(ts.begin(), ts.end(), has)) {
      return false;
    }
  }
  for (auto v : req.query_all("not-tags-any")) {
    auto ts = split(v);
    if (std::any_of(ts.begin(), ts.end(), has)) {
      return false;
    }
  }
  return true;
}

bool keep(const json& item, const http::request& req) {
  std::map<std::string, std::vector<std::string_view>> filters;
  for (const auto& [name, value] : req.query_params) {
    if (std::find(paging_params.begin(), paging_params.end(), name)
        == paging_params.end()) {
      filters[name].push_back(value);
    }
  }
  for (const auto& [name, values] : filters) {
    if (!item.contains(name)) {
      continue; // Neutron ignores filters on attributes it does not know
    }
    bool any = std::any_of(values.begin(), values.end(), [&](auto v) {
      return value_matches(item[name], v);
    });
    if (!any) {
      return false;
    }
  }
  return tags_match(item, req);
}

json only_fields(const http::request& req, json item) {
  auto fields = req.query_all("fields");
  if (fields.empty()) {
    return item;
  }
  json out = json::object();
  for (auto f : fields) {
    std::string key{f};
    if (item.contains(key)) {
      out[key] = item[key];
    }
  }
  return out;
}

bool less_by(const json& a, const json& b, const std::string& key) {
  const auto& x = a.contains(key) ? a[key] : json{};
  const auto& y = b.contains(key) ? b[key] : json{};
  return x < y;
}

} // namespace

void reply_list(const http::request& req, const http::responder& reply,
                std::string_view collection, std::vector<json> items) {
  std::erase_if(items, [&](const json& item) { return !keep(item, req); });
  auto keys = req.query_all("sort_key");
  auto dirs = req.query_all("sort_dir");
  if (keys.size() != dirs.size() && !dirs.empty()) {
    fail(reply, 400, "HTTPBadRequest",
         "The number of sort_keys and sort_dirs must be same");
    return;
  }
  std::vector<std::pair<std::string, bool>> order;
  for (size_t i = 0; i < keys.size(); ++i) {
    bool desc = i < dirs.size() && dirs[i] == "desc";
    if (i < dirs.size() && dirs[i] != "asc" && dirs[i] != "desc") {
      fail(reply, 400, "HTTPBadRequest",
           std::string{dirs[i]} + " is invalid value for sort_dir, valid "
           "value is 'asc' and 'desc'");
      return;
    }
    order.emplace_back(std::string{keys[i]}, desc);
  }
  order.emplace_back("id", order.empty() ? false : order.front().second);
  std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) {
    for (const auto& [key, desc] : order) {
      if (less_by(a, b, key)) {
        return !desc;
      }
      if (less_by(b, a, key)) {
        return desc;
      }
    }
    return false;
  });
  auto reverse = strato::api::bool_param(req.query_params, "page_reverse", false);
  auto limit = strato::api::int_param(req.query_params, "limit", 0, 1 << 30);
  if (!reverse.ok() || !limit.ok()) {
    fail(reply, 400, "HTTPBadRequest",
         !reverse.ok() ? reverse.error().message() : limit.error().message());
    return;
  }
  if (*reverse) {
    std::reverse(items.begin(), items.end());
  }
  size_t begin = 0;
  if (auto marker = req.query("marker")) {
    auto it = std::find_if(items.begin(), items.end(), [&](const json& i) {
      return i.value("id", "") == *marker;
    });
    if (it == items.end()) {
      fail(reply, 404, "HTTPNotFound",
           "marker " + std::string{*marker} + " not found");
      return;
    }
    begin = static_cast<size_t>(it - items.begin()) + 1;
  }
  size_t want = limit->value_or(0);
  size_t end = want == 0 ? items.size() : std::min(items.size(), begin + want);
  json page = json::array();
  for (size_t i = begin; i < end; ++i) {
    page.push_back(only_fields(req, items[i]));
  }
  if (*reverse) {
    std::reverse(page.begin(), page.end());
  }
  json body{{std::string{collection}, page}};
  if (want != 0) {
    strato::api::neutron_page p;
    p.limit = want;
    p.count = end - begin;
    if (end > begin) {
      p.first_id = items[*reverse ? end - 1 : begin].value("id", "");
      p.last_id = items[*reverse ? begin : end - 1].value("id", "");
    }
    p.page_reverse = *reverse;
    auto url = strato::api::request_base_url(req) + req.path;
    body[std::string{collection} + "_links"]
      = strato::api::neutron_links(url, req.query_params, p);
  }
  reply.send(json_response(200, body));
}

void reply_show(const http::request& req, const http::responder& reply,
                std::string_view resource, json item) {
  reply.send(json_response(200, json{{std::string{resource},
                                      only_fields(req, std::move(item))}}));
}

result<std::string> owner_project(const json& body, const auth_context& caller) {
  std::string asked;
  for (const char* key : {"project_id", "tenant_id"}) {
    if (body.contains(key) && body[key].is_string()) {
      asked = body[key].get<std::string>();
    }
  }
  if (asked.empty() || asked == caller.project_id) {
    if (caller.project_id.empty()) {
      return fault(errc::invalid_argument, "HTTPBadRequest",
                   "'project_id' is required for this token");
    }
    return caller.project_id;
  }
  if (!service::is_admin(caller)) {
    return fault(errc::forbidden, "HTTPForbidden",
                 "Specifying 'project_id' or 'tenant_id' other than the "
                 "authenticated project in request requires admin "
                 "privileges");
  }
  return asked;
}

bool visible(const auth_context& caller, const std::string& project) {
  return service::is_admin(caller)
         || (!caller.project_id.empty() && caller.project_id == project);
}

bool network_visible(const auth_context& caller, const pb::Network& n) {
  return n.shared() || n.external() || visible(caller, n.meta().project_id());
}

void read_meta(const json& obj, pb::Meta& meta) {
  if (obj.contains("name") && obj["name"].is_string()) {
    meta.set_name(obj["name"].get<std::string>());
  }
  if (obj.contains("description") && obj["description"].is_string()) {
    meta.set_description(obj["description"].get<std::string>());
  }
  if (obj.contains("tags") && obj["tags"].is_array()) {
    meta.clear_tags();
    for (const auto& t : string_list(obj["tags"])) {
      meta.add_tags(t);
    }
  }
}

void write_meta(const pb::Meta& meta, json& out) {
  out["id"] = meta.id();
  out["name"] = meta.name();
  out["tenant_id"] = meta.project_id();
  out["project_id"] = meta.project_id();
  out["description"] = meta.description();
  out["tags"] = json(std::vector<std::string>(meta.tags().begin(),
                                              meta.tags().end()));
  out["created_at"] = meta.created_at();
  out["updated_at"] = meta.updated_at();
  out["revision_number"] = meta.revision_number();
}

std::vector<std::string> string_list(const json& value) {
  std::vector<std::string> out;
  if (value.is_array()) {
    for (const auto& v : value) {
      if (v.is_string()) {
        out.push_back(v.get<std::string>());
      }
    }
  }
  return out;
}

std::string str_of(const json& obj, const char* key) {
  if (!obj.is_object()) {
    return {};
  }
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>()
                                            : std::string{};
}

bool bool_of(const json& obj, const char* key, bool fallback) {
  if (!obj.is_object()) {
    return fallback;
  }
  auto it = obj.find(key);
  if (it == obj.end()) {
    return fallback;
  }
  if (it->is_boolean()) {
    return it->get<bool>();
  }
  if (it->is_string()) {
    auto b = strato::api::parse_bool_param(key, it->get<std::string>());
    return b.ok() ? *b : fallback;
  }
  return fallback;
}

json nullable(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

} // namespace strato::network::api
