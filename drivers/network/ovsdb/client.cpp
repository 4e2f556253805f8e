#include "drivers/network/ovsdb/client.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio.hpp>

#include "drivers/network/ovsdb/json_splitter.hpp"

namespace strato::network::ovsdb {

namespace asio = boost::asio;

namespace {

using generic_socket = asio::generic::stream_protocol::socket;

result<asio::generic::stream_protocol::endpoint>
parse_remote(const std::string& remote) {
  if (remote.rfind("unix:", 0) == 0) {
    return asio::generic::stream_protocol::endpoint{
      asio::local::stream_protocol::endpoint{remote.substr(5)}};
  }
  if (remote.rfind("tcp:", 0) == 0) {
    auto rest = remote.substr(4);
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
      return status{errc::invalid_argument, "tcp remote needs a port: " + remote};
    }
    boost::system::error_code ec;
    auto address = asio::ip::make_address(rest.substr(0, colon), ec);
    if (ec) {
      return status{errc::invalid_argument, "bad address in " + remote};
    }
    auto port = static_cast<unsigned short>(std::stoul(rest.substr(colon + 1)));
    return asio::generic::stream_protocol::endpoint{
      asio::ip::tcp::endpoint{address, port}};
  }
  return status{errc::invalid_argument,
                "OVSDB remote must be unix:PATH or tcp:IP:PORT: " + remote};
}

/// The reply's `result`, or the RPC error as a status.
result<json> reply_result(const json& reply) {
  if (reply.contains("error") && !reply["error"].is_null()) {
    return status{errc::unavailable, "OVSDB error: " + reply["error"].dump()};
  }
  return reply.value("result", json{});
}

class asio_client final : public client {
public:
  asio_client(std::chrono::milliseconds timeout) : timeout_(timeout) {
  }

  ~asio_client() override {
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      socket_.close(ignored);
    });
    work_.reset();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  status open(const std::string& remote) {
    auto endpoint = parse_remote(remote);
    if (!endpoint) {
      return endpoint.error();
    }
    boost::system::error_code ec;
    socket_.connect(*endpoint, ec);
    if (ec) {
      return {errc::unavailable,
              "cannot connect to OVSDB at " + remote + ": " + ec.message()};
    }
    connected_ = true;
    read_more();
    thread_ = std::thread{[this] { io_.run(); }};
    return {};
  }

  result<json> call(const std::string& method, json params) override {
    if (!connected_) {
      return status{errc::unavailable, "OVSDB connection lost"};
    }
    auto id = next_id_++;
    std::future<result<json>> answer;
    {
      std::lock_guard guard{mutex_};
      answer = pending_[id].get_future();
    }
    send(json{{"method", method}, {"params", std::move(params)}, {"id", id}});
    if (answer.wait_for(timeout_) != std::future_status::ready) {
      std::lock_guard guard{mutex_};
      pending_.erase(id);
      return status{errc::timeout, "no OVSDB reply to " + method};
    }
    return answer.get();
  }

  result<json> monitor(const std::string& db, const std::string& monitor_id,
                       json requests, update_handler on_update) override {
    {
      std::lock_guard guard{mutex_};
      monitors_[monitor_id] = std::move(on_update);
    }
    auto initial = call("monitor", json::array({db, monitor_id, requests}));
    if (!initial) {
      std::lock_guard guard{mutex_};
      monitors_.erase(monitor_id);
    }
    return initial;
  }

  status cancel_monitor(const std::string& monitor_id) override {
    auto reply = call("monitor_cancel", json::array({monitor_id}));
    std::lock_guard guard{mutex_};
    monitors_.erase(monitor_id);
    return reply ? status{} : reply.error();
  }

  bool connected() const override {
    return connected_;
  }

private:
  void send(json message) {
    asio::post(io_, [this, text = message.dump()]() mutable {
      outbox_.push_back(std::move(text));
      if (outbox_.size() == 1) {
        write_next();
      }
    });
  }

  void write_next() {
    asio::async_write(socket_, asio::buffer(outbox_.front()),
                      [this](boost::system::error_code ec, size_t) {
                        if (ec) {
                          return lost();
                        }
                        outbox_.pop_front();
                        if (!outbox_.empty()) {
                          write_next();
                        }
                      });
  }

  void read_more() {
    socket_.async_read_some(
      asio::buffer(buffer_), [this](boost::system::error_code ec, size_t n) {
        if (ec) {
          return lost();
        }
        for (auto& text : splitter_.feed({buffer_.data(), n})) {
          dispatch(text);
        }
        if (splitter_.failed()) {
          return lost();
        }
        read_more();
      });
  }

  void dispatch(const std::string& text) {
    auto message = json::parse(text, nullptr, false);
    if (message.is_discarded() || !message.is_object()) {
      return;
    }
    auto method = message.value("method", std::string{});
    if (method == "echo") {
      send(json{{"id", message["id"]},
                {"result", message.value("params", json::array())},
                {"error", nullptr}});
    } else if (method == "update") {
      deliver_update(message["params"]);
    } else if (method.empty() && message.contains("id")
               && message["id"].is_number_integer()) {
      deliver_reply(message["id"].get<int64_t>(), message);
    }
  }

  void deliver_update(const json& params) {
    if (!params.is_array() || params.size() < 2 || !params[0].is_string()) {
      return;
    }
    update_handler handler;
    {
      std::lock_guard guard{mutex_};
      auto found = monitors_.find(params[0].get<std::string>());
      if (found == monitors_.end()) {
        return;
      }
      handler = found->second;
    }
    handler(params[1]);
  }

  void deliver_reply(int64_t id, const json& reply) {
    std::lock_guard guard{mutex_};
    auto found = pending_.find(id);
    if (found != pending_.end()) {
      found->second.set_value(reply_result(reply));
      pending_.erase(found);
    }
  }

  void lost() {
    connected_ = false;
    boost::system::error_code ignored;
    socket_.close(ignored);
    std::lock_guard guard{mutex_};
    for (auto& [id, promise] : pending_) {
      promise.set_value(status{errc::unavailable, "OVSDB connection lost"});
    }
    pending_.clear();
  }

  std::chrono::milliseconds timeout_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
    work_{asio::make_work_guard(io_)};
  generic_socket socket_{io_};
  std::thread thread_;
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> next_id_{1};
  std::array<char, 65536> buffer_{};
  json_splitter splitter_;
  std::deque<std::string> outbox_;
  std::mutex mutex_;
  std::map<int64_t, std::promise<result<json>>> pending_;
  std::map<std::string, update_handler> monitors_;
};

} // namespace

result<std::unique_ptr<client>>
client::connect(const std::string& remote, std::chrono::milliseconds timeout) {
  auto opened = std::make_unique<asio_client>(timeout);
  if (auto st = opened->open(remote); !st.ok()) {
    return st;
  }
  return std::unique_ptr<client>{std::move(opened)};
}

result<std::vector<std::string>> client::list_dbs() {
  auto reply = call("list_dbs", json::array());
  if (!reply) {
    return reply.error();
  }
  return reply->get<std::vector<std::string>>();
}

result<json> client::get_schema(const std::string& db) {
  return call("get_schema", json::array({db}));
}

result<json> client::transact(const std::string& db, json operations) {
  auto count = operations.size();
  auto params = json::array({db});
  for (auto& op : operations) {
    params.push_back(std::move(op));
  }
  auto reply = call("transact", std::move(params));
  if (!reply) {
    return reply;
  }
  if (auto st = transaction_outcome(*reply, count); !st.ok()) {
    return st;
  }
  return reply;
}

status client::echo() {
  auto reply = call("echo", json::array({"ping"}));
  return reply ? status{} : reply.error();
}

status transaction_outcome(const json& results, size_t operations) {
  if (!results.is_array()) {
    return {errc::unavailable, "transact reply is not an array"};
  }
  for (const auto& outcome : results) {
    if (!outcome.is_object() || !outcome.contains("error")) {
      continue;
    }
    auto error = outcome["error"].get<std::string>();
    auto details = error + ": " + outcome.value("details", std::string{});
    // A failed wait, an index clash or a dangling reference means the
    // database is not in the state the caller assumed: a conflict to retry.
    if (error == "timed out" || error == "constraint violation"
        || error == "referential integrity violation") {
      return {errc::conflict, details};
    }
    return {errc::invalid_argument, details};
  }
  if (results.size() < operations) {
    return {errc::unavailable, "transaction aborted without an error"};
  }
  return {};
}

} // namespace strato::network::ovsdb
