#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/api/pagination.hpp"

using namespace strato::api;
using strato::http::param_list;

namespace {

param_list query(std::initializer_list<std::pair<std::string, std::string>> p) {
  param_list out;
  for (const auto& [name, value] : p) {
    out.add(name, value);
  }
  return out;
}

struct server {
  std::string id;
  int size = 0;
};

const std::vector<server> servers{{"a", 1}, {"b", 2}, {"c", 3}, {"d", 4},
                                  {"e", 5}};

auto id_of = [](const server& s) -> const std::string& { return s.id; };

std::string ids(const std::vector<server>& page) {
  std::string out;
  for (const auto& s : page) {
    out += s.id;
  }
  return out;
}

} // namespace

TEST_CASE("limit defaults to and is clamped by max_limit") {
  CHECK(*parse_limit({}, 1000) == 1000);
  CHECK(*parse_limit(query({{"limit", "5"}}), 1000) == 5);
  CHECK(*parse_limit(query({{"limit", "5000"}}), 1000) == 1000);
  CHECK(*parse_limit(query({{"limit", " +7 "}}), 1000) == 7);
  CHECK(*parse_limit(query({{"limit", "0"}}), 1000) == 0);
  CHECK(*parse_limit(query({{"limit", "-0"}}), 1000) == 0);
  CHECK(*parse_limit(query({{"limit", "99999999999999999999999"}}), 1000)
        == 1000);
  CHECK(*parse_limit(query({{"limit", "1"}, {"limit", "3"}}), 1000) == 3);
}

TEST_CASE("bad limits are 400 with the services' messages") {
  for (auto bad : {"abc", "", "1.5", "1e3", "0x10", "--1", "+"}) {
    CAPTURE(bad);
    auto limit = parse_limit(query({{"limit", bad}}), 1000);
    REQUIRE_FALSE(limit.ok());
    CHECK(limit.error().code() == strato::errc::invalid_argument);
    CHECK(limit.error().message() == "limit param must be an integer");
  }
  CHECK(parse_limit(query({{"limit", "-1"}}), 1000).error().message()
        == "limit param must be positive");
  CHECK(parse_limit(query({{"limit", "-99999999999999999999"}}), 10)
          .error()
          .message()
        == "limit param must be positive");
}

TEST_CASE("marker is the last value given") {
  CHECK_FALSE(parse_marker({}));
  CHECK(parse_marker(query({{"marker", "x"}, {"marker", "y"}})) == "y");
  CHECK(parse_marker(query({{"marker", ""}})) == "");
}

TEST_CASE("pages follow the marker and know whether more remain") {
  auto first = paginate(servers, id_of, 2, std::nullopt, 1000);
  REQUIRE(first.ok());
  CHECK(ids(first->items) == "ab");
  CHECK(first->has_more);
  auto second = paginate(servers, id_of, 2, std::string{"b"}, 1000);
  CHECK(ids(second->items) == "cd");
  CHECK(second->has_more);
  auto last = paginate(servers, id_of, 2, std::string{"d"}, 1000);
  CHECK(ids(last->items) == "e");
  CHECK_FALSE(last->has_more);
  auto past = paginate(servers, id_of, 2, std::string{"e"}, 1000);
  CHECK(past->items.empty());
  CHECK_FALSE(past->has_more);
  auto exact = paginate(servers, id_of, 5, std::nullopt, 1000);
  CHECK(exact->items.size() == 5);
  CHECK_FALSE(exact->has_more);
}

TEST_CASE("limit zero or beyond max_limit means a max_limit page") {
  CHECK(ids(paginate(servers, id_of, 0, std::nullopt, 3)->items) == "abc");
  CHECK(ids(paginate(servers, id_of, 10, std::nullopt, 3)->items) == "abc");
  CHECK(page_size(0, 50) == 50);
  CHECK(page_size(7, 50) == 7);
}

TEST_CASE("an unknown marker is 400 with Nova's message") {
  auto missing = paginate(servers, id_of, 2, std::string{"zz"}, 1000);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == strato::errc::invalid_argument);
  CHECK(missing.error().message() == "marker [zz] not found");
}

TEST_CASE("find_page works on any random-access range without copying") {
  std::vector<std::string> names{"x", "y", "z"};
  auto bounds = find_page(names, [](const std::string& s) { return s; }, 1,
                          std::string{"x"}, 10);
  REQUIRE(bounds.ok());
  CHECK(bounds->begin == 1);
  CHECK(bounds->end == 2);
  CHECK(bounds->has_more);
  std::vector<std::string> empty;
  auto none = find_page(empty, [](const std::string& s) { return s; }, 5,
                        std::nullopt, 10);
  CHECK(none->begin == 0);
  CHECK(none->end == 0);
  CHECK_FALSE(none->has_more);
}

TEST_CASE("sort_key and sort_dir pair up in order") {
  sort_options options{.allowed_keys = {"name", "created_at", "size", "id"}};
  auto defaulted = parse_sort({}, options);
  REQUIRE(defaulted.ok());
  CHECK(*defaulted
        == std::vector<sort_spec>{{"created_at", sort_direction::desc},
                                  {"id", sort_direction::desc}});
  auto pairs = parse_sort(query({{"sort_key", "name"},
                                 {"sort_dir", "asc"},
                                 {"sort_key", "size"},
                                 {"sort_dir", "desc"}}),
                          options);
  CHECK(*pairs == std::vector<sort_spec>{{"name", sort_direction::asc},
                                         {"size", sort_direction::desc},
                                         {"id", sort_direction::asc}});
  // Keys without a direction take the first one given.
  auto padded = parse_sort(query({{"sort_key", "name"},
                                  {"sort_key", "size"},
                                  {"sort_dir", "asc"}}),
                           options);
  CHECK(*padded == std::vector<sort_spec>{{"name", sort_direction::asc},
                                          {"size", sort_direction::asc},
                                          {"id", sort_direction::asc}});
  auto with_id = parse_sort(query({{"sort_key", "id"}}), options);
  CHECK(*with_id == std::vector<sort_spec>{{"id", sort_direction::desc}});
  auto only_dir = parse_sort(query({{"sort_dir", "asc"}}), options);
  CHECK(only_dir->front() == sort_spec{"created_at", sort_direction::asc});
}

TEST_CASE("bad sort parameters are 400 with the services' messages") {
  sort_options options{.allowed_keys = {"name", "size"}};
  CHECK(parse_sort(query({{"sort_key", "secret"}}), options).error().message()
        == "Invalid sort key: secret. It must be one of the following: name, "
           "size.");
  CHECK(parse_sort(query({{"sort_key", "name"}, {"sort_dir", "up"}}), options)
          .error()
          .message()
        == "Invalid sort direction: up");
  CHECK(parse_sort(query({{"sort_key", "name"},
                          {"sort_dir", "asc"},
                          {"sort_dir", "desc"}}),
                   options)
          .error()
          .message()
        == "Sort direction size exceeds sort key size");
  CHECK(parse_sort(query({{"sort", "name"}, {"sort_key", "size"}}), options)
          .error()
          .message()
        == "Old and new sorting syntax cannot be combined");
  CHECK(parse_sort(query({{"sort_key", "anything"}}), sort_options{}).ok());
}

TEST_CASE("the sort parameter lists key:dir pairs") {
  sort_options options{.allowed_keys = {"name", "size", "id"},
                       .tie_breaker = "id"};
  auto specs = parse_sort(query({{"sort", "name:asc, size"}}), options);
  REQUIRE(specs.ok());
  CHECK(*specs == std::vector<sort_spec>{{"name", sort_direction::asc},
                                         {"size", sort_direction::desc},
                                         {"id", sort_direction::asc}});
  CHECK(parse_sort(query({{"sort", "name:sideways"}}), options)
          .error()
          .message()
        == "Invalid sort direction: sideways");
  CHECK_FALSE(parse_sort(query({{"sort", "name,"}}), options).ok());
  options.allow_sort_param = false;
  options.default_key = "name";
  auto ignored = parse_sort(query({{"sort", "bogus"}}), options);
  CHECK(*ignored == std::vector<sort_spec>{{"name", sort_direction::desc},
                                           {"id", sort_direction::desc}});
}

TEST_CASE("sort directions print as their query words") {
  CHECK(to_string(sort_direction::asc) == "asc");
  CHECK(to_string(sort_direction::desc) == "desc");
}
