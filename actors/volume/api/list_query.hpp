#pragma once

/// Cinder's list parameters: limit/marker/offset pagination, `sort` or
/// sort_key/sort_dir, `with_count` (3.45), `all_tenants` for admins and the
/// common filters (name, status, bootable, availability_zone, volume_id).

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "actors/volume/api/volume_api.hpp"
#include "runtime/api/pagination.hpp"

namespace strato::volume {

struct list_query {
  size_t limit = 0;
  std::optional<std::string> marker;
  size_t offset = 0;
  std::vector<api::sort_spec> sort;
  bool with_count = false;
  bool all_projects = false;
  std::optional<std::string> project_id; ///< Admin's explicit filter.
  std::optional<std::string> name;
  std::optional<std::string> status;
  std::optional<bool> bootable;
  std::optional<std::string> availability_zone;
  std::optional<std::string> volume_id; ///< Snapshots/backups of a volume.
};

inline constexpr size_t max_list_limit = 1000;

[[nodiscard]] result<list_query>
parse_list_query(const call& c, const std::vector<std::string>& sort_keys);

/// Whether a record of `project_id` belongs in the caller's list.
[[nodiscard]] bool in_scope(const call& c, const list_query& q,
                            const std::string& project_id);

[[nodiscard]] bool matches_volume(const call& c, const list_query& q,
                                  const volume_record& v);
[[nodiscard]] bool matches_copy(const call& c, const list_query& q,
                                const copy_record& r);

[[nodiscard]] const std::vector<std::string>& volume_sort_keys();
[[nodiscard]] const std::vector<std::string>& copy_sort_keys();
/// A value that orders as the key's values do (numbers zero-padded).
[[nodiscard]] std::string volume_sort_value(const volume_record& v,
                                            const std::string& key);
[[nodiscard]] std::string copy_sort_value(const copy_record& r,
                                          const std::string& key);

template <class Row>
struct rows_page {
  std::vector<const Row*> rows;
  bool has_more = false;
};

template <class Row, class SortValue>
result<rows_page<Row>> paginate_rows(const list_query& q,
                                     std::vector<const Row*> rows,
                                     SortValue sort_value) {
  std::stable_sort(rows.begin(), rows.end(), [&](const Row* a, const Row* b) {
    for (const auto& spec : q.sort) {
      auto va = sort_value(*a, spec.key);
      auto vb = sort_value(*b, spec.key);
      if (va != vb) {
        return spec.direction == api::sort_direction::asc ? va < vb : va > vb;
      }
    }
    return false;
  });
  if (q.offset > 0) {
    rows.erase(rows.begin(),
               rows.begin() + static_cast<std::ptrdiff_t>(std::min(q.offset, rows.size())));
  }
  auto bounds = api::find_page(rows, [](const Row* r) -> const std::string& { return r->id; },
                               q.limit, q.marker, max_list_limit);
  if (!bounds) {
    return bounds.error();
  }
  rows_page<Row> page;
  page.rows.assign(rows.begin() + static_cast<std::ptrdiff_t>(bounds->begin),
                   rows.begin() + static_cast<std::ptrdiff_t>(bounds->end));
  page.has_more = bounds->has_more && q.limit != 0;
  return page;
}

void add_next_link(const volume_api& api, const call& c, json& out,
                   const std::string& collection, bool detail,
                   const std::string& last_id);

/// Adds "<collection>_links" with a "next" link when more rows remain.
template <class Row>
void add_page_links(const volume_api& api, const call& c, json& out,
                    const std::string& collection, bool detail,
                    const rows_page<Row>& page) {
  if (!page.has_more || page.rows.empty()) {
    return;
  }
  add_next_link(api, c, out, collection, detail, page.rows.back()->id);
}

} // namespace strato::volume
