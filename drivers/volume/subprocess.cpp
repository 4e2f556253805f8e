#include "drivers/volume/subprocess.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ; // NOLINT: POSIX declares it nowhere else

namespace strato::volume::internal {

namespace {

struct pipe_pair {
  int fds[2] = {-1, -1};
  ~pipe_pair() {
    close_all();
  }
  pipe_pair() = default;
  pipe_pair(const pipe_pair&) = delete;
  pipe_pair& operator=(const pipe_pair&) = delete;
  void close_all() {
    for (auto& fd : fds) {
      if (fd >= 0) {
        ::close(fd);
        fd = -1;
      }
    }
  }
};

/// Reads both pipes until each reaches EOF, so that neither fills up and
/// stalls the child.
void drain(int out_fd, int err_fd, process_output& result) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open = 2;
  char buf[8192];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      auto n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

} // namespace

result<process_output> run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    return status{errc::invalid_argument, "no command to run"};
  }
  pipe_pair out;
  pipe_pair err;
  if (::pipe2(out.fds, O_CLOEXEC) != 0 || ::pipe2(err.fds, O_CLOEXEC) != 0) {
    return status{errc::io_error, std::string{"pipe: "} + std::strerror(errno)};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(),
                          environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return status{errc::io_error,
                  "cannot run " + argv[0] + ": " + std::strerror(rc)};
  }
  ::close(out.fds[1]);
  out.fds[1] = -1;
  ::close(err.fds[1]);
  err.fds[1] = -1;
  process_output result;
  drain(out.fds[0], err.fds[0], result);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) {
      return status{errc::io_error, "waitpid: " + std::string{std::strerror(errno)}};
    }
  }
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return result;
}

result<std::string> run_checked(const std::vector<std::string>& argv) {
  auto res = run_process(argv);
  if (!res) {
    return res.error();
  }
  if (res->exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) {
      cmd += (cmd.empty() ? "" : " ") + a;
    }
    auto err = res->err;
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) {
      err.pop_back();
    }
    return status{errc::io_error, cmd + " failed (exit "
                                    + std::to_string(res->exit_code) + "): " + err};
  }
  return std::move(res->out);
}

} // namespace strato::volume::internal
