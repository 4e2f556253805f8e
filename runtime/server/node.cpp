#include "runtime/server/node.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <cstdio>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <caf/io/middleman.hpp>
#include <caf/openssl/publish.hpp>

#include "actors/cluster/cluster_protocol.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/compute_agent/agent_protocol.hpp"
#include "actors/identity/service/identity_service.hpp"
#include "runtime/actor/caf_error.hpp"
#include "runtime/core/blocking_pool.hpp"
#include "runtime/http/server.hpp"
#include "runtime/store/rocksdb_event_store.hpp"
#include "runtime/server/modules.hpp"
#include "runtime/server/system_config.hpp"
#include "runtime/server/services.hpp"

namespace strato::server {

namespace {

class all_in_one_node final : public node {
public:
  explicit all_in_one_node(node_config config) : config_(std::move(config)) {
  }

  ~all_in_one_node() override {
    stop();
  }

  status open() {
    auto lock = claim_data_dir(config_.data_dir);
    if (!lock) {
      return lock.error();
    }
    data_dir_lock_ = data_dir_lock{*lock};
    auto opened = store::open_rocksdb_event_store(
      {.path = config_.data_dir + "/events", .sync = !config_.unsafe_no_fsync});
    if (!opened) {
      return {opened.error().code(), "cannot open the event store in "
                                       + config_.data_dir + ": "
                                       + opened.error().message()};
    }
    store_ = std::move(*opened);
    if (config_.unsafe_no_fsync) {
      spdlog::warn("fsync is off: acknowledged writes can be lost on a crash");
    }
    pool_ = std::make_unique<blocking_pool>("blocking",
                                            config_.blocking_threads);
    system_config_ = std::make_unique<node_system_config>(
      config_, !config_.cluster_listen.empty());
    system_ = std::make_unique<caf::actor_system>(*system_config_);
    auto listen = http::parse_listen_address(config_.listen);
    if (!listen) {
      return listen.error();
    }
    http::server_config http_config;
    http_config.address = listen->first;
    http_config.port = listen->second;
    http_config.io_threads = config_.io_threads;
    http_config.body_limit = config_.max_body_bytes;
    http_config.tls_certificate_file = config_.tls_certificate_file;
    http_config.tls_private_key_file = config_.tls_private_key_file;
    http_config.streamed_body_limit = [this](http::method m,
                                             std::string_view target) {
      auto* routes = routes_.load(std::memory_order_acquire);
      return routes ? routes->streamed_body_limit(m, target)
                    : std::optional<uint64_t>{};
    };
    // The routes need the public URL, which needs the bound port: until they
    // are published, requests get a 503. Once published the router is only
    // read, so I/O threads share it without locks.
    auto started = http::server::start(
      http_config, [this](http::request req, http::responder reply) {
        if (auto* routes = routes_.load(std::memory_order_acquire)) {
          routes->dispatch(std::move(req), std::move(reply));
        } else {
          reply.fail(503, "The node is starting.");
        }
      });
    if (!started) {
      return started.error();
    }
    http_ = std::move(*started);
    public_url_ = config_.public_url;
    if (public_url_.empty()) {
      auto scheme = config_.tls_certificate_file.empty() ? "http" : "https";
      auto host = listen->first.find(':') != std::string::npos
                    ? "[" + listen->first + "]"
                    : listen->first;
      public_url_ = fmt::format("{}://{}:{}", scheme, host, http_->port());
    }
    identity::identity_config identity_config;
    identity_config.data_dir = config_.data_dir;
    identity_config.public_url = public_url_;
    identity_config.admin_password = config_.admin_password;
    identity_config.snapshot_every = config_.snapshot_every;
    identity_ = std::make_unique<identity::identity_service>(
      *system_, *store_, *pool_, std::move(identity_config));
    if (auto st = identity_->start(); !st.ok()) {
      return st;
    }
    if (!identity_->bootstrap_password().empty()) {
      clouds_yaml_ = config_.data_dir + "/clouds.yaml";
    }
    router_ = std::make_unique<http::router>();
    identity_->install(*router_);
    // Modules keep the context (the image service holds a pointer to it):
    // it lives as long as they do.
    context_.reset(new service::service_context{
      *system_, *store_, *pool_, config_, public_url_, *identity_,
      directory_, &hosts_});
    modules_ = make_service_modules(config_);
    for (size_t i = 0; i < modules_.size(); ++i) {
      if (auto st = modules_[i]->start(*context_); !st.ok()) {
        modules_.resize(i + 1); // Stop only what may have started.
        return {st.code(), std::string{modules_[i]->name()}
                             + " did not start: " + st.message()};
      }
      modules_[i]->install(*router_);
    }
    if (auto st = open_cluster(); !st.ok()) {
      return st;
    }
    auto authenticate = [identity = identity_.get()](const http::request& req) {
      auto ctx = identity->authenticate(req);
      return ctx ? status{} : ctx.error();
    };
    install_services(*router_, service_context{*system_, *store_, *pool_,
                                               config_, public_url_,
                                               authenticate});
    routes_.store(router_.get(), std::memory_order_release);
    return {};
  }

  /// Publishes the membership actor on --cluster-listen, where compute
  /// nodes join.
  status open_cluster() {
    if (config_.cluster_listen.empty()) {
      return {};
    }
    auto address = http::parse_listen_address(config_.cluster_listen);
    if (!address) {
      return {address.error().code(),
              "--cluster-listen: " + address.error().message()};
    }
    cluster::membership_options options;
    options.store = store_.get();
    options.scheduler = directory_.get("scheduler");
    options.agent_router = directory_.get("compute-agent");
    options.hosts = &hosts_;
    options.heartbeat = std::chrono::milliseconds{config_.heartbeat_ms};
    options.suspect_after = std::chrono::milliseconds{config_.suspect_after_ms};
    membership_ = cluster::spawn_membership(*system_, std::move(options));
    directory_.put("membership", membership_);
    auto published =
      cluster_tls(config_)
        ? caf::openssl::publish(membership_, address->second,
                                address->first.c_str(), true)
        : system_->middleman().publish(membership_, address->second,
                                       address->first.c_str(), true);
    if (!published) {
      return {errc::unavailable, "cannot listen for cluster nodes on "
                                   + config_.cluster_listen + ": "
                                   + system_->render(published.error())};
    }
    cluster_port_ = *published;
    spdlog::info("cluster: nodes join at {}:{}{}", address->first,
                 cluster_port_, cluster_tls(config_) ? " (TLS)" : "");
    return {};
  }

  [[nodiscard]] uint16_t port() const noexcept override {
    return http_ ? http_->port() : 0;
  }

  [[nodiscard]] std::string public_url() const override {
    return public_url_;
  }

  [[nodiscard]] std::string clouds_yaml() const override {
    return clouds_yaml_;
  }

  void stop() override {
    if (http_) {
      http_->stop();
      http_.reset();
    }
    if (membership_) {
      caf::anon_send_exit(membership_, caf::exit_reason::user_shutdown);
      membership_ = nullptr;
    }
    for (auto it = modules_.rbegin(); it != modules_.rend(); ++it) {
      (*it)->stop();
    }
    modules_.clear();
    identity_.reset();
    system_.reset(); // Waits for every actor to finish.
    system_config_.reset();
    pool_.reset();
    store_.reset();
    data_dir_lock_.release();
  }

private:
  node_config config_;
  data_dir_lock data_dir_lock_;
  std::unique_ptr<store::event_store> store_;
  std::unique_ptr<blocking_pool> pool_;
  std::unique_ptr<caf::actor_system_config> system_config_;
  std::unique_ptr<caf::actor_system> system_;
  std::unique_ptr<identity::identity_service> identity_;
  service::actor_directory directory_;
  service::host_board hosts_;
  caf::actor membership_;
  uint16_t cluster_port_ = 0;
  std::unique_ptr<service::service_context> context_; ///< Outlives modules_.
  service::service_modules modules_;
  std::unique_ptr<http::router> router_;
  std::atomic<const http::router*> routes_{nullptr};
  std::unique_ptr<http::server> http_;
  std::string public_url_;
  std::string clouds_yaml_;
};

} // namespace

result<std::unique_ptr<node>> node::start(const node_config& config) {
  if (!has_role(config, "controller")) {
    return start_compute_node(config);
  }
  auto instance = std::make_unique<all_in_one_node>(config);
  if (auto st = instance->open(); !st.ok()) {
    return st;
  }
  return std::unique_ptr<node>{std::move(instance)};
}

} // namespace strato::server
