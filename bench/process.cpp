#include "bench/process.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace nexsync::bench {

namespace {

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e; ++e) {
    std::string kv{*e};
    auto eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (auto& [k, v] : extra) all[k] = v;
  std::vector<std::string> out;
  for (auto& [k, v] : all) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& v) {
  std::vector<char*> p;
  for (auto& s : v) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

// Everything the forked child needs, prepared before fork (no allocation after fork in a threaded process).
struct prepared {
  std::vector<std::string> argv, env;
  std::vector<char*> a, e;
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user;
  int death_signal = SIGTERM;
};

std::unique_ptr<prepared> prepare(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                  const std::optional<std::string>& run_as, int death_signal) {
  auto p = std::make_unique<prepared>();
  p->argv = argv;
  p->env = merged_environment(env);
  p->a = pointers(p->argv);
  p->e = pointers(p->env);
  p->death_signal = death_signal;
  if (run_as && geteuid() == 0) {
    struct passwd* pw = getpwnam(run_as->c_str());
    if (!pw) throw std::runtime_error("no user " + *run_as);
    p->switch_user = true;
    p->uid = pw->pw_uid;
    p->gid = pw->pw_gid;
    p->user = pw->pw_name;
  }
  return p;
}

// In the forked child: drop to the user (when root), die with the bench, exec. Never returns.
[[noreturn]] void become(prepared& p) {
  if (p.switch_user) {
    if (setgroups(0, nullptr) != 0 || setgid(p.gid) != 0 || setuid(p.uid) != 0) _exit(126);
  }
  // After the credential change (which clears it): the child dies with the bench.
  prctl(PR_SET_PDEATHSIG, p.death_signal);
  if (getppid() == 1) _exit(125);
  execve(p.a[0], p.a.data(), p.e.data());
  _exit(127);
}

}  // namespace

child::child(spawn_options o) : o_(std::move(o)) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  int log = ::open(o_.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot open " + o_.log_path);
  auto prep = prepare(o_.argv, o_.env, o_.run_as, o_.stop_signal);
  if (prep->switch_user) {
    [[maybe_unused]] int r = fchown(log, prep->uid, prep->gid);
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], 1);
    dup2(log, 2);
    become(*prep);
  }
  ::close(out[1]);
  out_fd_ = out[0];
  std::string pending;
  auto deadline = std::chrono::steady_clock::now() + o_.ready_timeout;
  bool ready = !o_.ready;
  while (!ready) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{out_fd_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 200)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    char buf[4096];
    auto got = ::read(out_fd_, buf, sizeof buf);
    if (got <= 0) break;  // the child closed stdout (exited)
    pending.append(buf, static_cast<std::size_t>(got));
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
      auto line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      [[maybe_unused]] auto w = ::write(log, (line + "\n").data(), line.size() + 1);
      if (!ready && o_.ready(line)) {
        ready = true;
        ready_line_ = line;
      }
    }
  }
  if (!ready) {
    ::close(log);
    auto tail = log_tail();
    stop();
    ::close(out_fd_);
    out_fd_ = -1;
    throw std::runtime_error(o_.argv[0] + " did not become ready; its log (" + o_.log_path + "):\n" + tail);
  }
  // Keep draining stdout into the log so the child never blocks on a full pipe.
  int fd = out_fd_;
  drain_ = std::make_unique<std::thread>([fd, log]() {
    char buf[4096];
    for (;;) {
      auto got = ::read(fd, buf, sizeof buf);
      if (got <= 0) break;
      [[maybe_unused]] auto w = ::write(log, buf, static_cast<std::size_t>(got));
    }
    ::close(log);
  });
}

child::~child() {
  stop();
  if (drain_ && drain_->joinable()) drain_->join();
  if (out_fd_ >= 0) ::close(out_fd_);
}

int child::stop() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, o_.stop_signal);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || r < 0) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return status;
}

double child::cpu_seconds() const { return cpu_seconds_of(pid_); }
std::int64_t child::rss_bytes() const { return rss_bytes_of(pid_); }

std::string child::log_tail(std::size_t lines) const {
  std::ifstream in{o_.log_path};
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  std::string out;
  for (auto i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += all[i] + "\n";
  return out;
}

std::pair<int, std::string> run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                                        const std::optional<std::string>& run_as) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  auto prep = prepare(argv, env, run_as, SIGTERM);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(out[1], 1);
    become(*prep);
  }
  ::close(out[1]);
  std::string text;
  char buf[4096];
  for (;;) {
    auto got = ::read(out[0], buf, sizeof buf);
    if (got <= 0) break;
    text.append(buf, static_cast<std::size_t>(got));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

double cpu_seconds_of(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest{text.substr(close + 2)};
  std::string field;
  // Fields after the command: state(3) ... utime(14) stime(15).
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  if (f.size() < 13) return 0;
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(f[11]) + std::stod(f[12])) / ticks;
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::int64_t rss_bytes_of(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("VmRSS:", 0) == 0) return std::stoll(l.substr(6)) * 1024;
  }
  return 0;
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (auto* e = readdir(d)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::ifstream in{std::string{"/proc/"} + e->d_name + "/stat"};
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest{text.substr(close + 2)};
    std::string state;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == pid) out.push_back(static_cast<pid_t>(std::atol(e->d_name)));
  }
  closedir(d);
  return out;
}

unsigned short free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    throw std::runtime_error("cannot bind a free port");
  }
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + ".XXXXXX";
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  ::chmod(tmpl.c_str(), 0755);
  return tmpl;
}

void remove_tree(const std::string& path) {
  if (path.empty() || path == "/") return;
  run_program({"/bin/rm", "-rf", path});
}

}  // namespace nexsync::bench
