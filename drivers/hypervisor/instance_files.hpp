#pragma once

/// The files a libvirt guest keeps on the host, under
/// `<instances_dir>/<uuid>/`: `disk` (a qcow2 overlay over the image) and
/// `console.log`. Blocking file and subprocess work; called from the
/// libvirt driver on the blocking pool.

#include <string>

#include "drivers/hypervisor/hypervisor_driver.hpp"

namespace strato::hypervisor {

struct instance_files {
  std::string dir;
  std::string console_log;
  std::string root_disk; ///< Empty when the spec has no image.
  std::string root_format;
};

/// Creates the instance directory and its root disk: for a qcow2 image, a
/// qcow2 overlay backed by the image (`qemu-img create -b`) when qemu-img is
/// installed; otherwise the image file itself.
[[nodiscard]] result<instance_files>
prepare_instance_files(const std::string& instances_dir,
                       const instance_spec& spec);

/// Removes the instance directory; a missing one is fine.
void remove_instance_files(const std::string& instances_dir,
                           const std::string& uuid);

/// The last `max_bytes` of a file; empty when it does not exist.
[[nodiscard]] std::string read_tail(const std::string& path, size_t max_bytes);

/// Runs `argv` (no shell) and waits; the status names the exit code.
[[nodiscard]] status run_command(const std::vector<std::string>& argv);

} // namespace strato::hypervisor
