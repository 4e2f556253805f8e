#pragma once

// Protobuf encoding of stored envelopes and snapshots. Internal to the store:
// callers see only `recorded_event` and `snapshot`.

#include <string>
#include <string_view>

#include "runtime/store/event_store.hpp"

namespace strato::store::internal {

[[nodiscard]] std::string encode_envelope(const recorded_event& event);
[[nodiscard]] result<recorded_event> decode_envelope(std::string_view bytes);

[[nodiscard]] std::string encode_snapshot(const std::string& stream,
                                          const snapshot& snap,
                                          int64_t taken_at_us);
[[nodiscard]] result<snapshot> decode_snapshot(std::string_view bytes);

} // namespace strato::store::internal
