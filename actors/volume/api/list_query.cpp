#include "actors/volume/api/list_query.hpp"

#include <fmt/format.h>

#include "runtime/api/links.hpp"
#include "runtime/api/params.hpp"
#include "runtime/service/policy.hpp"

namespace strato::volume {

namespace {

std::optional<std::string> text(const call& c, std::string_view name) {
  auto v = c.req.query(name);
  return v ? std::optional<std::string>{std::string{*v}} : std::nullopt;
}

std::string padded(uint64_t n) {
  return fmt::format("{:020}", n);
}

} // namespace

result<list_query> parse_list_query(const call& c,
                                    const std::vector<std::string>& sort_keys) {
  list_query q;
  auto limit = api::parse_limit(c.req.query_params, max_list_limit);
  if (!limit) {
    return limit.error();
  }
  q.limit = c.req.query("limit") ? *limit : 0;
  q.marker = api::parse_marker(c.req.query_params);
  auto offset = api::int_param(c.req.query_params, "offset", 0, INT32_MAX);
  if (!offset) {
    return offset.error();
  }
  q.offset = static_cast<size_t>(offset->value_or(0));
  api::sort_options options;
  options.allowed_keys = sort_keys;
  auto sort = api::parse_sort(c.req.query_params, options);
  if (!sort) {
    return sort.error();
  }
  q.sort = std::move(*sort);
  auto with_count = api::bool_param(c.req.query_params, "with_count", false);
  if (!with_count) {
    return with_count.error();
  }
  q.with_count = *with_count;
  q.all_projects = all_projects(c);
  if (service::is_admin(c.caller)) {
    q.project_id = text(c, "project_id");
  }
  q.name = text(c, "name");
  if (!q.name) {
    q.name = text(c, "display_name");
  }
  q.status = text(c, "status");
  q.availability_zone = text(c, "availability_zone");
  q.volume_id = text(c, "volume_id");
  if (c.req.query("bootable")) {
    auto b = api::bool_param(c.req.query_params, "bootable", false);
    if (!b) {
      return b.error();
    }
    q.bootable = *b;
  }
  return q;
}

bool in_scope(const call& c, const list_query& q, const std::string& project_id) {
  if (q.project_id) {
    return project_id == *q.project_id;
  }
  return q.all_projects || project_id == c.caller.project_id;
}

bool matches_volume(const call& c, const list_query& q, const volume_record& v) {
  return in_scope(c, q, v.project_id) && (!q.name || v.name == *q.name)
         && (!q.status || to_string(v.status) == *q.status)
         && (!q.bootable || v.bootable == *q.bootable)
         && (!q.availability_zone || v.availability_zone == *q.availability_zone);
}

bool matches_copy(const call& c, const list_query& q, const copy_record& r) {
  return in_scope(c, q, r.project_id) && (!q.name || r.name == *q.name)
         && (!q.status || to_string(r.status) == *q.status)
         && (!q.volume_id || r.volume_id == *q.volume_id);
}

const std::vector<std::string>& volume_sort_keys() {
  static const std::vector<std::string> keys{
    "id", "name", "display_name", "status", "size", "created_at",
    "updated_at", "availability_zone", "bootable", "user_id", "project_id"};
  return keys;
}

const std::vector<std::string>& copy_sort_keys() {
  static const std::vector<std::string> keys{
    "id", "name", "display_name", "status", "size", "created_at",
    "updated_at", "volume_id", "project_id"};
  return keys;
}

std::string volume_sort_value(const volume_record& v, const std::string& key) {
  if (key == "name" || key == "display_name") {
    return v.name;
  }
  if (key == "status") {
    return std::string{to_string(v.status)};
  }
  if (key == "size") {
    return padded(v.size_gb);
  }
  if (key == "created_at") {
    return padded(static_cast<uint64_t>(v.created_at_us));
  }
  if (key == "updated_at") {
    return padded(static_cast<uint64_t>(v.updated_at_us));
  }
  if (key == "availability_zone") {
    return v.availability_zone;
  }
  if (key == "bootable") {
    return v.bootable ? "1" : "0";
  }
  if (key == "user_id") {
    return v.user_id;
  }
  if (key == "project_id") {
    return v.project_id;
  }
  return v.id;
}

std::string copy_sort_value(const copy_record& r, const std::string& key) {
  if (key == "name" || key == "display_name") {
    return r.name;
  }
  if (key == "status") {
    return std::string{to_string(r.status)};
  }
  if (key == "size") {
    return padded(r.size_gb);
  }
  if (key == "created_at") {
    return padded(static_cast<uint64_t>(r.created_at_us));
  }
  if (key == "updated_at") {
    return padded(static_cast<uint64_t>(r.updated_at_us));
  }
  if (key == "volume_id") {
    return r.volume_id;
  }
  if (key == "project_id") {
    return r.project_id;
  }
  return r.id;
}

void add_next_link(const volume_api& api, const call& c, json& out,
                   const std::string& collection, bool detail,
                   const std::string& last_id) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [name, value] : c.req.query_params) {
    if (name != "marker") {
      params.emplace_back(name, value);
    }
  }
  params.emplace_back("marker", last_id);
  auto href = api.project_url(c, c.caller.project_id) + "/" + collection
              + (detail ? "/detail" : "") + "?" + api::urlencode(params);
  out[collection + "_links"] = json::array({{{"rel", "next"}, {"href", href}}});
}

} // namespace strato::volume
