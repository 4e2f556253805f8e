#include "drivers/hypervisor/instance_files.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

extern char** environ; // NOLINT: POSIX

namespace strato::hypervisor {

namespace fs = std::filesystem;

namespace {

std::string find_program(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    auto path = std::string{dir} + "/" + name;
    if (::access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return {};
}

} // namespace

status run_command(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str())); // NOLINT: POSIX API
  }
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // qemu-img's chatter would end up in the server's log stream.
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  auto rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return {errc::unavailable, "cannot run " + argv[0]};
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      return {errc::unavailable, "lost " + argv[0]};
    }
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return {errc::unavailable,
            argv[0] + " failed with status " + std::to_string(wstatus)};
  }
  return {};
}

result<instance_files> prepare_instance_files(const std::string& instances_dir,
                                              const instance_spec& spec) {
  instance_files files;
  files.dir = instances_dir + "/" + spec.uuid;
  files.console_log = files.dir + "/console.log";
  std::error_code ec;
  fs::create_directories(files.dir, ec);
  if (ec) {
    return status{errc::io_error, "cannot create " + files.dir + ": " +
                                    ec.message()};
  }
  if (spec.image_path.empty()) {
    return files;
  }
  files.root_disk = spec.image_path;
  files.root_format = spec.image_format.empty() ? "raw" : spec.image_format;
  auto qemu_img = find_program("qemu-img");
  if (spec.image_format != "qcow2" || qemu_img.empty()) {
    return files;
  }
  auto overlay = files.dir + "/disk";
  auto size = std::to_string(spec.root_gb) + "G";
  std::vector<std::string> argv{qemu_img, "create", "-q", "-f", "qcow2",
                                "-F", "qcow2", "-b", spec.image_path, overlay};
  if (spec.root_gb > 0) {
    argv.push_back(size);
  }
  if (auto st = run_command(argv); !st.ok()) {
    return st;
  }
  files.root_disk = overlay;
  files.root_format = "qcow2";
  return files;
}

void remove_instance_files(const std::string& instances_dir,
                           const std::string& uuid) {
  if (instances_dir.empty() || uuid.empty()) {
    return;
  }
  std::error_code ec;
  fs::remove_all(instances_dir + "/" + uuid, ec); // gone already is fine
}

std::string read_tail(const std::string& path, size_t max_bytes) {
  std::ifstream in{path, std::ios::binary | std::ios::ate};
  if (!in) {
    return {};
  }
  auto size = static_cast<size_t>(in.tellg());
  auto start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string out(size - start, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

} // namespace strato::hypervisor
