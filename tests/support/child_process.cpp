#include "tests/support/child_process.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace strato::testing {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int counter = 0;

} // namespace

child_process::child_process(std::vector<std::string> argv,
                             const std::string& log_dir,
                             std::vector<std::string> env) {
  auto stem = log_dir + "/child-" + std::to_string(::getpid()) + "-"
              + std::to_string(++counter);
  out_path_ = stem + ".out";
  err_path_ = stem + ".err";
  // Everything the child needs is built before fork: between fork and exec
  // a multi-threaded parent's child may only make async-signal-safe calls.
  std::vector<char*> args;
  for (auto& arg : argv) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    envp.push_back(*entry);
  }
  for (auto& entry : env) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                   0644);
  int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                   0644);
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
}

child_process::~child_process() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  if (exit_code_) {
    return exit_code_;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    auto done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status)
                                     : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
}

void child_process::signal(int sig) {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, sig);
  }
}

std::string child_process::out() const {
  return slurp(out_path_);
}

std::string child_process::err() const {
  return slurp(err_path_);
}

bool child_process::wait_for_output(const std::string& needle,
                                    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (out().find(needle) != std::string::npos) {
      return true;
    }
    if (wait(std::chrono::milliseconds{0})) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return false;
}

} // namespace strato::testing
