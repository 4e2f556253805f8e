// The fake driver: remembers sizes in memory and touches no disk, so that
// benchmarks measure the control plane alone. Paths are "fake://<kind>/<id>".

#include <map>
#include <mutex>
#include <thread>

#include "drivers/volume/volume_driver.hpp"

namespace strato::volume {

namespace {

constexpr uint64_t gib = uint64_t{1} << 30;

class fake_volume_driver final : public volume_driver {
public:
  explicit fake_volume_driver(std::chrono::microseconds latency)
    : latency_(latency) {
  }

  result<volume_file> create(const std::string& id, uint64_t size_gb) override {
    return put("volume", id, size_gb);
  }
  result<volume_file> clone(const std::string& source, const std::string& id,
                            uint64_t size_gb) override {
    auto src = size_of(source);
    if (!src) {
      return src.error();
    }
    return put("volume", id, std::max(*src, size_gb));
  }
  result<volume_file> from_image(const std::string&, const std::string&,
                                 const std::string& id,
                                 uint64_t size_gb) override {
    return put("volume", id, size_gb);
  }
  status extend(const std::string& id, uint64_t new_size_gb) override {
    wait();
    std::lock_guard lock{mutex_};
    auto it = files_.find(path("volume", id));
    if (it == files_.end()) {
      return {errc::not_found, "no fake volume " + id};
    }
    it->second = std::max(it->second, new_size_gb);
    return {};
  }
  status remove(const std::string& id) override {
    return drop("volume", id);
  }
  result<volume_file> snapshot(const std::string& source,
                               const std::string& snapshot_id) override {
    auto src = size_of(source);
    if (!src) {
      return src.error();
    }
    return put("snapshot", snapshot_id, *src);
  }
  status remove_snapshot(const std::string& snapshot_id) override {
    return drop("snapshot", snapshot_id);
  }
  result<volume_file> backup(const std::string& source,
                             const std::string& backup_id) override {
    auto src = size_of(source);
    if (!src) {
      return src.error();
    }
    return put("backup", backup_id, *src);
  }
  result<volume_file> restore(const std::string& backup_path,
                              const std::string& volume_id,
                              uint64_t size_gb) override {
    auto src = size_of(backup_path);
    if (!src) {
      return src.error();
    }
    return put("volume", volume_id, std::max(*src, size_gb));
  }
  status remove_backup(const std::string& backup_id) override {
    return drop("backup", backup_id);
  }

private:
  static std::string path(std::string_view kind, const std::string& id) {
    return "fake://" + std::string{kind} + "/" + id;
  }
  void wait() const {
    if (latency_.count() > 0) {
      std::this_thread::sleep_for(latency_);
    }
  }
  result<volume_file> put(std::string_view kind, const std::string& id,
                          uint64_t size_gb) {
    wait();
    std::lock_guard lock{mutex_};
    auto p = path(kind, id);
    files_[p] = size_gb;
    return volume_file{p, "qcow2", size_gb * gib, 0};
  }
  result<uint64_t> size_of(const std::string& p) {
    std::lock_guard lock{mutex_};
    auto it = files_.find(p);
    if (it == files_.end()) {
      return status{errc::not_found, "source file " + p + " is missing"};
    }
    return it->second;
  }
  status drop(std::string_view kind, const std::string& id) {
    wait();
    std::lock_guard lock{mutex_};
    files_.erase(path(kind, id));
    return {};
  }

  std::chrono::microseconds latency_;
  std::mutex mutex_;
  std::map<std::string, uint64_t> files_;
};

} // namespace

result<std::shared_ptr<volume_driver>>
make_fake_volume_driver(const volume_driver_config& config) {
  return std::shared_ptr<volume_driver>{
    std::make_shared<fake_volume_driver>(config.fake_latency)};
}

} // namespace strato::volume
