#pragma once

/// Strato's one error vocabulary. A code exists only where some caller reacts
/// to it differently; the message carries the details for humans and logs.
/// This header has no CAF dependency so that storage and drivers stay cheap to
/// compile; `runtime/actor/caf_error.hpp` converts to `caf::error`.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace strato {

enum class errc : uint8_t {
  ok = 0,
  invalid_argument = 1,   ///< The request is malformed (HTTP 400).
  not_found = 2,          ///< No such entity or stream (HTTP 404).
  conflict = 3,           ///< Wrong expected version or duplicate (HTTP 409).
  invalid_transition = 4, ///< Illegal in the entity's current phase (HTTP 409).
  unavailable = 5,        ///< A dependency (disk, driver) failed (HTTP 503).
  entity_failed = 6,      ///< Restarted too often; the entity is parked.
  timeout = 7,            ///< No answer within the configured time.
  io_error = 8,           ///< Storage could not read or write.
  corruption = 9,         ///< Stored data cannot be decoded.
  unsupported_format = 10, ///< Data written by a newer Strato.
  not_implemented = 11,   ///< Recognised but not built (HTTP 501).
  forbidden = 12,         ///< Authenticated but not allowed (HTTP 403).
  unauthorized = 13,      ///< Not authenticated (HTTP 401).
  quota_exceeded = 14,    ///< Over a project's quota (HTTP 403/413).
  shutting_down = 15,     ///< The component is stopping.
};

[[nodiscard]] std::string_view to_string(errc code) noexcept;

/// An error code with a human-readable message; `ok()` when there is none.
class status {
public:
  status() = default;
  status(errc code, std::string message)
    : code_(code), message_(std::move(message)) {
  }

  [[nodiscard]] static status success() {
    return {};
  }

  [[nodiscard]] bool ok() const noexcept {
    return code_ == errc::ok;
  }
  [[nodiscard]] errc code() const noexcept {
    return code_;
  }
  [[nodiscard]] const std::string& message() const noexcept {
    return message_;
  }
  /// "code: message", for logs.
  [[nodiscard]] std::string describe() const;

private:
  errc code_ = errc::ok;
  std::string message_;
};

/// A value or the status that explains why there is none.
template <class T>
class result {
public:
  result(T value) : data_(std::move(value)) { // NOLINT: implicit by design
  }
  result(status error) : data_(std::move(error)) { // NOLINT: implicit by design
  }

  [[nodiscard]] bool ok() const noexcept {
    return data_.index() == 0;
  }
  explicit operator bool() const noexcept {
    return ok();
  }
  [[nodiscard]] T& value() & {
    return std::get<0>(data_);
  }
  [[nodiscard]] const T& value() const& {
    return std::get<0>(data_);
  }
  [[nodiscard]] T&& value() && {
    return std::get<0>(std::move(data_));
  }
  T& operator*() & {
    return value();
  }
  const T& operator*() const& {
    return value();
  }
  T&& operator*() && {
    return std::move(*this).value();
  }
  T* operator->() {
    return &value();
  }
  const T* operator->() const {
    return &value();
  }
  [[nodiscard]] const status& error() const {
    return std::get<1>(data_);
  }

private:
  std::variant<T, status> data_;
};

} // namespace strato
