#pragma once
// Child processes of the bench: started with fork/exec, dying with the bench (PR_SET_PDEATHSIG),
// stopped with a signal at the end; their CPU time and resident memory read from /proc.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <string>
#include <sys/types.h>
#include <vector>

namespace nexsync::bench {

/// How to start a child.
struct spawn_options {
  std::vector<std::string> argv;                 ///< argv[0] is the program path
  std::map<std::string, std::string> env;        ///< added to (or replacing in) the bench's environment
  std::string log_path;                          ///< stderr and stdout after the ready line go here
  std::optional<std::string> run_as;             ///< user name to switch to (only when the bench is root)
  int stop_signal = 15;                          ///< SIGTERM; PostgreSQL takes SIGINT (fast shutdown)
  /// Returns true for the stdout line that says the child is ready.
  std::function<bool(const std::string&)> ready;
  std::chrono::seconds ready_timeout{60};
};

/// A running child; the destructor stops it.
class child {
 public:
  /// Starts the child and waits for its ready line (throws with the log's tail on exit or timeout).
  explicit child(spawn_options o);
  ~child();
  child(const child&) = delete;
  child& operator=(const child&) = delete;

  /// The stdout line that matched `ready` (empty if no ready predicate was given).
  const std::string& ready_line() const { return ready_line_; }
  pid_t pid() const { return pid_; }
  /// Sends the stop signal and waits (up to 20 s, then SIGKILL); returns the exit status.
  int stop();
  /// User + system CPU seconds used so far (this process only).
  double cpu_seconds() const;
  /// Resident set size in bytes.
  std::int64_t rss_bytes() const;
  /// The last lines of the log (for error messages).
  std::string log_tail(std::size_t lines = 20) const;

 private:
  spawn_options o_;
  pid_t pid_ = -1;
  std::string ready_line_;
  int out_fd_ = -1;
  std::unique_ptr<std::thread> drain_;
};

/// Runs a program to completion; returns (exit status, stdout). Stderr goes to the bench's stderr.
std::pair<int, std::string> run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                                        const std::optional<std::string>& run_as = std::nullopt);

/// CPU seconds (user + system) of any process, from /proc/PID/stat; 0 if it is gone.
double cpu_seconds_of(pid_t pid);
/// CPU seconds of this process's own threads (the load generator).
double own_cpu_seconds();
/// Resident set size in bytes of any process, from /proc/PID/status; 0 if it is gone.
std::int64_t rss_bytes_of(pid_t pid);
/// Children of pid (from /proc/*/stat), e.g. PostgreSQL's backends.
std::vector<pid_t> children_of(pid_t pid);

/// A port that was free a moment ago on 127.0.0.1.
unsigned short free_port();

/// A fresh directory under /tmp, world-readable (PostgreSQL runs as another user when we are root).
std::string make_temp_dir(const std::string& prefix);

/// Removes a directory tree (best effort).
void remove_tree(const std::string& path);

}  // namespace nexsync::bench
