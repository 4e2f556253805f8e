#include "drivers/network/host_command.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strato::network {

namespace {

std::string find_program(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return program;
  }
  const char* path = std::getenv("PATH"); // NOLINT(concurrency-mt-unsafe)
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  dirs += ":/usr/sbin:/sbin:/usr/local/sbin";
  size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos) {
      end = dirs.size();
    }
    auto candidate = dirs.substr(start, end - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

std::string join_argv(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    line += (line.empty() ? "" : " ") + arg;
  }
  return line;
}

/// Reads both pipes until both close, writing `input` to the child first.
void pump(int out_fd, int err_fd, std::string& out, std::string& err) {
  std::array<pollfd, 2> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
  std::array<char, 4096> buffer{};
  int open_fds = 2;
  while (open_fds > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
      return;
    }
    for (auto& fd : fds) {
      if (fd.fd < 0 || fd.revents == 0) {
        continue;
      }
      auto n = ::read(fd.fd, buffer.data(), buffer.size());
      if (n <= 0) {
        ::close(fd.fd);
        fd.fd = -1;
        --open_fds;
        continue;
      }
      (&fd == fds.data() ? out : err).append(buffer.data(), size_t(n));
    }
  }
}

} // namespace

bool have_program(const std::string& program) {
  return !find_program(program).empty();
}

std::vector<std::string> in_netns(const std::string& netns,
                                  std::vector<std::string> argv) {
  if (netns.empty()) {
    return argv;
  }
  std::vector<std::string> wrapped{"ip", "netns", "exec", netns};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

result<std::string> run_command(const std::vector<std::string>& argv,
                                const std::string& stdin_text) {
  auto program = find_program(argv.at(0));
  if (program.empty()) {
    return status{errc::unavailable, argv[0] + " is not installed"};
  }
  std::array<int, 2> in{}, out{}, err{};
  if (::pipe2(in.data(), O_CLOEXEC) != 0 || ::pipe2(out.data(), O_CLOEXEC) != 0
      || ::pipe2(err.data(), O_CLOEXEC) != 0) {
    return status{errc::unavailable, std::string{"pipe: "} + std::strerror(errno)};
  }
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  auto pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execv(program.c_str(), args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (!stdin_text.empty()) {
    auto written = ::write(in[1], stdin_text.data(), stdin_text.size());
    (void) written; // a short write shows up as the command's own error
  }
  ::close(in[1]);
  std::string out_text, err_text;
  pump(out[0], err[0], out_text, err_text);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (pid < 0 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return status{errc::unavailable, join_argv(argv) + ": " + err_text};
  }
  return out_text;
}

} // namespace strato::network

namespace strato::network {

status run_daemon(const std::vector<std::string>& argv,
                  const std::string& log_path) {
  auto program = find_program(argv.at(0));
  if (program.empty()) {
    return {errc::unavailable, argv[0] + " is not installed"};
  }
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  auto pid = ::fork();
  if (pid == 0) {
    auto log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    auto null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::setsid();
    ::execv(program.c_str(), args.data());
    ::_exit(127);
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (pid < 0 || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return {errc::unavailable, join_argv(argv) + " failed; see " + log_path};
  }
  return {};
}

} // namespace strato::network
