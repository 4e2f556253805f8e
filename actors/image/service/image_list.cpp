#include "actors/image/service/image_list.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

#include "actors/image/model/image_view.hpp"
#include "runtime/api/links.hpp"
#include "runtime/api/pagination.hpp"
#include "runtime/api/params.hpp"

namespace strato::image {

namespace {

using json = nlohmann::json;

constexpr size_t default_limit = 25;
constexpr size_t max_limit = 1000;

constexpr std::array<std::string_view, 19> known_params{
  "limit", "marker", "sort_key", "sort_dir", "sort", "name", "visibility",
  "status", "owner", "disk_format", "container_format", "tag", "protected",
  "os_hidden", "member_status", "size_min", "size_max", "id", "created_at"};

/// Which images the caller's listing starts from, before filters: Glance
/// lists the caller's own, public ones, and shared ones it accepted (or the
/// asked member_status); community images only when asked for; admins see
/// every image.
bool in_default_scope(const v1::ImageSnapshot& image, const viewer& who,
                      std::string_view visibility,
                      std::string_view member_status) {
  if (!visible_to(image, who)) {
    return false;
  }
  const auto& vis = image.attributes().visibility();
  if (!visibility.empty()) {
    return vis == visibility;
  }
  if (who.admin || image.owner() == who.project_id) {
    return true;
  }
  if (vis == "shared") {
    const auto& member = image.members().at(who.project_id);
    return member_status == "all" || member.status() == member_status;
  }
  return vis == "public";
}

bool parse_size(std::string_view text, int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

/// The filter a request's parameters describe; 400 on malformed values.
result<std::function<bool(const v1::ImageSnapshot&)>>
make_filter(const http::request& req, const viewer& who) {
  auto param = [&](std::string_view name) {
    return std::string{req.query(name).value_or("")};
  };
  auto visibility = param("visibility");
  auto member_status = req.query("member_status").value_or("accepted");
  auto hidden = api::bool_param(req.query_params, "os_hidden", false);
  if (!hidden) {
    return hidden.error();
  }
  int64_t size_min = -1;
  int64_t size_max = -1;
  if ((req.query("size_min") && !parse_size(param("size_min"), size_min))
      || (req.query("size_max") && !parse_size(param("size_max"), size_max))) {
    return status{errc::invalid_argument, "Invalid size filter"};
  }
  std::vector<std::string> ids;
  if (auto id = param("id"); id.rfind("in:", 0) == 0) {
    for (size_t pos = 3; pos <= id.size();) {
      auto comma = std::min(id.find(',', pos), id.size());
      ids.push_back(id.substr(pos, comma - pos));
      pos = comma + 1;
    }
  } else if (!id.empty()) {
    ids.push_back(id);
  }
  std::vector<std::pair<std::string, std::string>> equal;
  for (std::string_view key : {"name", "status", "owner", "disk_format",
                               "container_format"}) {
    if (auto v = req.query(key)) {
      equal.emplace_back(key, *v);
    }
  }
  std::vector<std::pair<std::string, std::string>> props;
  for (const auto& [key, value] : req.query_params) {
    if (std::find(known_params.begin(), known_params.end(), key)
        == known_params.end()) {
      props.emplace_back(key, value);
    }
  }
  std::optional<bool> is_protected;
  if (req.query("protected")) {
    auto p = api::bool_param(req.query_params, "protected", false);
    if (!p) {
      return p.error();
    }
    is_protected = *p;
  }
  auto tags = req.query_all("tag");
  std::vector<std::string> wanted_tags(tags.begin(), tags.end());
  return std::function<bool(const v1::ImageSnapshot&)>{
    [=, hidden = *hidden, member_status = std::string{member_status}](
      const v1::ImageSnapshot& image) {
      if (!in_default_scope(image, who, visibility, member_status)) {
        return false;
      }
      const auto& a = image.attributes();
      if (a.os_hidden() != hidden) {
        return false;
      }
      auto field = [&](const std::string& key) -> std::string {
        if (key == "name") return a.name();
        if (key == "status") return std::string{to_string(image.status())};
        if (key == "owner") return image.owner();
        if (key == "disk_format") return a.disk_format();
        return a.container_format();
      };
      for (const auto& [key, value] : equal) {
        if (field(key) != value) {
          return false;
        }
      }
      for (const auto& [key, value] : props) {
        auto it = a.properties().find(key);
        if (it == a.properties().end() || it->second != value) {
          return false;
        }
      }
      for (const auto& t : wanted_tags) {
        if (std::find(a.tags().begin(), a.tags().end(), t) == a.tags().end()) {
          return false;
        }
      }
      if (!ids.empty()
          && std::find(ids.begin(), ids.end(), image.id()) == ids.end()) {
        return false;
      }
      if (is_protected && a.protected_() != *is_protected) {
        return false;
      }
      return (size_min < 0 || image.size() >= size_min)
             && (size_max < 0 || image.size() <= size_max);
    }};
}

/// Compares two images by one sort key.
int compare_by(const v1::ImageSnapshot& x, const v1::ImageSnapshot& y,
               const std::string& key) {
  auto cmp = [](const auto& a, const auto& b) { return a < b ? -1 : (b < a ? 1 : 0); };
  const auto& a = x.attributes();
  const auto& b = y.attributes();
  if (key == "created_at") return cmp(x.created_at_us(), y.created_at_us());
  if (key == "updated_at") return cmp(x.updated_at_us(), y.updated_at_us());
  if (key == "name") return cmp(a.name(), b.name());
  if (key == "size") return cmp(x.size(), y.size());
  if (key == "virtual_size") return cmp(x.virtual_size(), y.virtual_size());
  if (key == "status") return cmp(to_string(x.status()), to_string(y.status()));
  if (key == "visibility") return cmp(a.visibility(), b.visibility());
  if (key == "disk_format") return cmp(a.disk_format(), b.disk_format());
  if (key == "container_format")
    return cmp(a.container_format(), b.container_format());
  if (key == "min_disk") return cmp(a.min_disk(), b.min_disk());
  if (key == "min_ram") return cmp(a.min_ram(), b.min_ram());
  if (key == "owner") return cmp(x.owner(), y.owner());
  return cmp(x.id(), y.id());
}

} // namespace

void list_images(const std::shared_ptr<image_service>& svc,
                 const http::request& req, const http::responder& reply,
                 const identity::auth_context& who) {
  auto limit = api::parse_limit(req.query_params, max_limit);
  if (!limit) {
    reply.fail(limit.error());
    return;
  }
  api::sort_options options;
  options.allowed_keys = {"created_at", "updated_at", "name", "size",
                          "virtual_size", "status", "visibility", "id",
                          "disk_format", "container_format", "min_disk",
                          "min_ram", "owner"};
  auto sort = api::parse_sort(req.query_params, options);
  if (!sort) {
    reply.fail(sort.error());
    return;
  }
  auto filter = make_filter(req, viewer_of(who));
  if (!filter) {
    reply.fail(filter.error());
    return;
  }
  auto images = svc->catalog->select(*filter);
  std::sort(images.begin(), images.end(), [&](const auto& x, const auto& y) {
    for (const auto& spec : *sort) {
      auto c = compare_by(x, y, spec.key);
      if (c != 0) {
        return spec.direction == api::sort_direction::asc ? c < 0 : c > 0;
      }
    }
    return false;
  });
  auto size = req.query("limit") ? *limit : default_limit;
  auto page = api::paginate(images, [](const auto& i) { return i.id(); },
                            size, api::parse_marker(req.query_params),
                            max_limit);
  if (!page) {
    reply.fail(page.error());
    return;
  }
  json body{{"images", json::array()},
            {"first", api::glance_first("/v2/images", req.query_params)},
            {"schema", "/v2/schemas/images"}};
  for (const auto& image : page->items) {
    body["images"].push_back(image_json(image));
  }
  if (page->has_more && !page->items.empty()) {
    body["next"] = api::glance_next("/v2/images", req.query_params,
                                    page->items.back().id());
  }
  reply.send(http::response::json(200, body));
}

} // namespace strato::image
