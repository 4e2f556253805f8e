#pragma once

/// Splits a byte stream of bare concatenated JSON values (RFC 7047 sends
/// JSON-RPC messages with no framing) into whole messages. It tracks nesting
/// depth outside strings, so it never parses a message twice; the caller
/// parses each complete one. Not thread-safe: one per connection.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strato::network::ovsdb {

class json_splitter {
public:
  /// Appends `bytes` and returns every message completed by them, in order.
  /// Bytes between messages that are not whitespace are a protocol error:
  /// `failed()` turns true and the stream is unusable.
  std::vector<std::string> feed(std::string_view bytes);

  [[nodiscard]] bool failed() const {
    return failed_;
  }
  /// Bytes of a message not completed yet.
  [[nodiscard]] size_t pending() const {
    return partial_.size();
  }

private:
  std::string partial_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  bool failed_ = false;
};

} // namespace strato::network::ovsdb
