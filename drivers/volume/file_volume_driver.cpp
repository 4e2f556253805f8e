// The file driver: every volume, snapshot and backup is one qcow2 file.
//
// Snapshots and clones are full copies (`qemu-img convert`), not backing
// chains. A chain would make snapshots instant, but then deleting a snapshot
// that a volume was created from, or a volume that has snapshots, needs a
// block-commit/rebase first; with copies every file stands alone, so the
// deletion rules stay Cinder's and a file can never dangle. Backups are
// compressed copies (`convert -c`) in a separate directory.
//
// Every new file is written under a temporary name and renamed into place,
// so a crash mid-copy leaves no half-written volume under the real name; a
// retried create finds either nothing or the complete file.

#include <filesystem>
#include <system_error>

#include <nlohmann/json.hpp>

#include "drivers/volume/subprocess.hpp"
#include "drivers/volume/volume_driver.hpp"

namespace strato::volume {

result<std::shared_ptr<volume_driver>>
make_fake_volume_driver(const volume_driver_config& config);

namespace {

namespace fs = std::filesystem;
using internal::run_checked;

constexpr uint64_t gib = uint64_t{1} << 30;

std::string gb(uint64_t size_gb) {
  return std::to_string(size_gb) + "G";
}

class file_volume_driver final : public volume_driver {
public:
  explicit file_volume_driver(volume_driver_config config)
    : config_(std::move(config)) {
  }

  result<volume_file> create(const std::string& id, uint64_t size_gb) override {
    auto path = volume_path(id);
    if (fs::exists(path)) {
      return grow_to(path, size_gb);
    }
    auto tmp = path + ".tmp";
    if (auto r = qemu({"create", "-q", "-f", "qcow2", tmp, gb(size_gb)}); !r) {
      return r.error();
    }
    return publish(tmp, path);
  }

  result<volume_file> clone(const std::string& source_path,
                            const std::string& id, uint64_t size_gb) override {
    if (!fs::exists(source_path)) {
      return status{errc::not_found, "source file " + source_path + " is missing"};
    }
    return copy_into(source_path, "qcow2", volume_path(id), size_gb, false);
  }

  result<volume_file> from_image(const std::string& image_path,
                                 const std::string& image_format,
                                 const std::string& id,
                                 uint64_t size_gb) override {
    auto source = info(image_path, image_format);
    if (!source) {
      return status{errc::invalid_argument,
                    "Image is unreadable: " + source.error().message()};
    }
    if (source->virtual_size_bytes > size_gb * gib) {
      auto need = (source->virtual_size_bytes + gib - 1) / gib;
      return status{errc::invalid_argument,
                    "Invalid input received: Image virtual size is "
                      + std::to_string(need)
                      + "GB and doesn't fit in a volume of size "
                      + std::to_string(size_gb) + "GB."};
    }
    return copy_into(image_path, image_format, volume_path(id), size_gb, false);
  }

  status extend(const std::string& id, uint64_t new_size_gb) override {
    auto grown = grow_to(volume_path(id), new_size_gb);
    return grown ? status{} : grown.error();
  }

  status remove(const std::string& id) override {
    return remove_file(volume_path(id));
  }

  result<volume_file> snapshot(const std::string& source,
                               const std::string& snapshot_id) override {
    return copy_into(source, "qcow2", snapshot_path(snapshot_id), 0, false);
  }

  status remove_snapshot(const std::string& snapshot_id) override {
    return remove_file(snapshot_path(snapshot_id));
  }

  result<volume_file> backup(const std::string& source,
                             const std::string& backup_id) override {
    return copy_into(source, "qcow2", backup_path(backup_id), 0, true);
  }

  result<volume_file> restore(const std::string& backup_file,
                              const std::string& volume_id,
                              uint64_t size_gb) override {
    auto target = volume_path(volume_id);
    // A restore replaces the content: the old file goes only once the new
    // one is complete (copy_into renames over it).
    return copy_into(backup_file, "qcow2", target, size_gb, false, true);
  }

  status remove_backup(const std::string& backup_id) override {
    return remove_file(backup_path(backup_id));
  }

  [[nodiscard]] status prepare() const {
    std::error_code ec;
    for (const auto& dir : {config_.volumes_dir, config_.backups_dir}) {
      fs::create_directories(dir, ec);
      if (ec) {
        return {errc::io_error, "cannot create " + dir + ": " + ec.message()};
      }
    }
    auto probe = internal::run_process({config_.qemu_img, "--version"});
    if (!probe || probe->exit_code != 0) {
      return {errc::unavailable, config_.qemu_img
                                   + " is not runnable; install qemu-utils"};
    }
    return {};
  }

private:
  [[nodiscard]] std::string volume_path(const std::string& id) const {
    return config_.volumes_dir + "/volume-" + id + ".qcow2";
  }
  [[nodiscard]] std::string snapshot_path(const std::string& id) const {
    return config_.volumes_dir + "/snapshot-" + id + ".qcow2";
  }
  [[nodiscard]] std::string backup_path(const std::string& id) const {
    return config_.backups_dir + "/backup-" + id + ".qcow2";
  }

  result<std::string> qemu(std::vector<std::string> args) const {
    args.insert(args.begin(), config_.qemu_img);
    return run_checked(args);
  }

  result<volume_file> info(const std::string& path,
                           const std::string& format = "") const {
    std::vector<std::string> args{"info", "-U", "--output=json"};
    if (!format.empty()) {
      args.insert(args.end(), {"-f", format});
    }
    args.push_back(path);
    auto out = qemu(args);
    if (!out) {
      return out.error();
    }
    auto doc = nlohmann::json::parse(*out, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      return status{errc::io_error, "qemu-img info printed no JSON for " + path};
    }
    return volume_file{path, doc.value("format", std::string{}),
                       doc.value("virtual-size", uint64_t{0}),
                       doc.value("actual-size", uint64_t{0})};
  }

  result<volume_file> grow_to(const std::string& path, uint64_t size_gb) const {
    auto current = info(path, "qcow2");
    if (!current) {
      return current.error();
    }
    if (size_gb * gib > current->virtual_size_bytes) {
      if (auto r = qemu({"resize", "-q", "-f", "qcow2", path, gb(size_gb)}); !r) {
        return r.error();
      }
      return info(path, "qcow2");
    }
    return current;
  }

  result<volume_file> publish(const std::string& tmp,
                              const std::string& path) const {
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
      return status{errc::io_error, "rename " + tmp + ": " + ec.message()};
    }
    return info(path, "qcow2");
  }

  /// Converts `source` into a new qcow2 at `target` (via a temporary name),
  /// grown to `size_gb` when that is larger. An existing target is kept
  /// (a retried copy) unless `replace`.
  result<volume_file> copy_into(const std::string& source,
                                const std::string& source_format,
                                const std::string& target, uint64_t size_gb,
                                bool compress, bool replace = false) const {
    if (!replace && fs::exists(target)) {
      return size_gb == 0 ? info(target, "qcow2") : grow_to(target, size_gb);
    }
    auto tmp = target + ".tmp";
    std::vector<std::string> args{"convert", "-U", "-q", "-f", source_format,
                                  "-O", "qcow2"};
    if (compress) {
      args.emplace_back("-c");
    }
    args.insert(args.end(), {source, tmp});
    if (auto r = qemu(args); !r) {
      std::error_code ec;
      fs::remove(tmp, ec);
      return r.error();
    }
    if (size_gb > 0) {
      if (auto grown = grow_to(tmp, size_gb); !grown) {
        return grown.error();
      }
    }
    return publish(tmp, target);
  }

  static status remove_file(const std::string& path) {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) {
      return {errc::io_error, "cannot remove " + path + ": " + ec.message()};
    }
    return {};
  }

  volume_driver_config config_;
};

} // namespace

result<std::shared_ptr<volume_driver>>
make_volume_driver(const volume_driver_config& config) {
  if (config.kind == "fake") {
    return make_fake_volume_driver(config);
  }
  if (config.kind != "file") {
    return status{errc::invalid_argument,
                  "unknown volume driver '" + config.kind + "' (file, fake)"};
  }
  auto driver = std::make_shared<file_volume_driver>(config);
  if (auto st = driver->prepare(); !st.ok()) {
    return st;
  }
  return std::shared_ptr<volume_driver>{std::move(driver)};
}

} // namespace strato::volume
