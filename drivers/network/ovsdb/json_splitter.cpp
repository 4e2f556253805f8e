#include "drivers/network/ovsdb/json_splitter.hpp"

namespace strato::network::ovsdb {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

} // namespace

std::vector<std::string> json_splitter::feed(std::string_view bytes) {
  std::vector<std::string> done;
  for (char c : bytes) {
    if (failed_) {
      break;
    }
    if (depth_ == 0) {
      if (is_space(c)) {
        continue;
      }
      if (c != '{' && c != '[') {
        failed_ = true;
        break;
      }
    }
    partial_.push_back(c);
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        done.push_back(std::move(partial_));
        partial_.clear();
      }
    }
  }
  return done;
}

} // namespace strato::network::ovsdb
