#pragma once

/// An OVSDB management protocol client (RFC 7047): JSON-RPC 1.0 over a unix
/// socket ("unix:/path") or TCP ("tcp:127.0.0.1:6640").
///
/// Threading: the client owns one I/O thread (Boost.Asio) that reads, writes,
/// answers the server's `echo` keepalives and demultiplexes messages by `id`.
/// The request methods block the calling thread (a blocking-pool thread)
/// until the reply or the timeout, and may be called from several threads at
/// once. Monitor handlers run on the I/O thread: they must not call back into
/// the client's blocking methods (that would wait on the thread that has to
/// deliver the answer).
///
/// Errors: errc::unavailable (cannot connect, connection lost, an RPC error),
/// errc::timeout (no reply in time), errc::conflict (a transaction failed a
/// `wait`, an index or referential integrity), errc::invalid_argument (the
/// server rejected an operation as malformed).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/error.hpp"

namespace strato::network::ovsdb {

using json = nlohmann::json;

class client {
public:
  /// Called with a monitor's <table-updates> object.
  using update_handler = std::function<void(const json& table_updates)>;

  [[nodiscard]] static result<std::unique_ptr<client>>
  connect(const std::string& remote, std::chrono::milliseconds timeout);

  virtual ~client() = default;

  /// Any JSON-RPC method; the `result` member of the reply.
  [[nodiscard]] virtual result<json> call(const std::string& method,
                                          json params) = 0;

  [[nodiscard]] result<std::vector<std::string>> list_dbs();
  [[nodiscard]] result<json> get_schema(const std::string& db);
  /// Runs `operations` atomically; the per-operation results. A failed
  /// operation fails the whole call with its error and details.
  [[nodiscard]] result<json> transact(const std::string& db, json operations);
  [[nodiscard]] status echo();

  /// Starts monitor `monitor_id`; returns the initial rows (as table-updates)
  /// and calls `on_update` for every later change. The handler is in place
  /// before the request goes out, so no update is lost.
  [[nodiscard]] virtual result<json> monitor(const std::string& db,
                                             const std::string& monitor_id,
                                             json requests,
                                             update_handler on_update) = 0;
  [[nodiscard]] virtual status cancel_monitor(const std::string& monitor_id) = 0;

  /// False once the connection is lost; calls then fail at once.
  [[nodiscard]] virtual bool connected() const = 0;
};

/// The failure a transact reply reports, or success: the first operation
/// result with an "error" member, else a short result array (RFC 7047 4.1.3).
[[nodiscard]] status transaction_outcome(const json& results, size_t operations);

} // namespace strato::network::ovsdb
