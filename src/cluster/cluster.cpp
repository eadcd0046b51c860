// kubectl as a subprocess: posix_spawnp with argv (no shell, so nothing in a
// namespace or context name is ever interpreted), stdout and stderr read
// through pipes with poll so neither can fill up and stall kubectl. kubectl's
// error wordings differ between versions (1.20 to 1.33 were checked against
// tests/cluster/fake_apiserver.py); the classifier keys on their stable parts.
// kubectl and the API server are not trusted: kubectl runs in a process group
// of its own so that a time limit, a stdout cap or a signal to pullscan stops
// it and whatever it started (an exec credential plugin, a stuck child), and
// what it prints is bounded before it is kept.
#include "cluster/cluster.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "core/redact.h"
#include "core/text.h"
#include "core/timeutil.h"

extern char** environ;

namespace pullscan {
namespace {

// The signals that end pullscan (or make it stop) while it waits for kubectl:
// the same must end kubectl, which is in a process group of its own and so
// does not get the terminal's SIGINT or SIGQUIT itself.
constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr size_t kForwardedCount = sizeof kForwardedSignals / sizeof kForwardedSignals[0];

// The process group of the kubectl being waited for (0 when none), and what
// each forwarded signal did before run_kubectl took it over.
volatile sig_atomic_t g_kubectl_group = 0;
struct sigaction g_disposition_before[kForwardedCount];
bool g_forwarding[kForwardedCount];

// Kills kubectl's group, then lets the signal do what it did before:
// terminate pullscan (default), or run the handler pullscan had installed.
extern "C" void stop_kubectl_then_pass_on(int sig, siginfo_t* info, void* context) {
  const pid_t group = g_kubectl_group;
  if (group > 0) kill(-group, SIGKILL);
  for (size_t k = 0; k < kForwardedCount; ++k) {
    if (kForwardedSignals[k] != sig) continue;
    const struct sigaction& before = g_disposition_before[k];
    if (before.sa_flags & SA_SIGINFO) {
      before.sa_sigaction(sig, info, context);
    } else if (before.sa_handler == SIG_DFL) {
      // Blocked while this handler runs, so it is delivered (and ends
      // pullscan) as soon as the handler returns.
      sigaction(sig, &before, nullptr);
      raise(sig);
    } else if (before.sa_handler != SIG_IGN) {
      before.sa_handler(sig);
    }
  }
}

// While one kubectl runs: the forwarded signals are blocked from before the
// spawn until its process group is known (so none is lost in between), then
// handled by stop_kubectl_then_pass_on; the dispositions from before come
// back when the call ends. A signal pullscan ignores (nohup) stays ignored.
class KubectlSignalScope {
 public:
  KubectlSignalScope() {
    sigset_t block;
    sigemptyset(&block);
    for (int sig : kForwardedSignals) sigaddset(&block, sig);
    sigprocmask(SIG_BLOCK, &block, &mask_before_);
    struct sigaction forward {};
    forward.sa_sigaction = stop_kubectl_then_pass_on;
    forward.sa_flags = SA_SIGINFO;  // no SA_RESTART: poll returns, as it did for pullscan's own handlers
    sigfillset(&forward.sa_mask);
    for (size_t k = 0; k < kForwardedCount; ++k) {
      sigaction(kForwardedSignals[k], nullptr, &g_disposition_before[k]);
      const struct sigaction& before = g_disposition_before[k];
      g_forwarding[k] = (before.sa_flags & SA_SIGINFO) || before.sa_handler != SIG_IGN;
      if (g_forwarding[k]) sigaction(kForwardedSignals[k], &forward, nullptr);
    }
  }
  KubectlSignalScope(const KubectlSignalScope&) = delete;
  KubectlSignalScope& operator=(const KubectlSignalScope&) = delete;

  /// The mask kubectl starts with: pullscan's own from before the scope.
  const sigset_t& child_mask() const { return mask_before_; }

  /// kubectl runs as group `group` (or did not start, -1): signals may come.
  void running(pid_t group) {
    if (group > 0) g_kubectl_group = group;
    sigprocmask(SIG_SETMASK, &mask_before_, nullptr);
  }

  /// kubectl is about to be reaped: its group id may be reused afterwards.
  void done() { g_kubectl_group = 0; }

  ~KubectlSignalScope() {
    g_kubectl_group = 0;
    for (size_t k = 0; k < kForwardedCount; ++k)
      if (g_forwarding[k]) sigaction(kForwardedSignals[k], &g_disposition_before[k], nullptr);
    sigprocmask(SIG_SETMASK, &mask_before_, nullptr);
  }

 private:
  sigset_t mask_before_;
};

std::vector<char*> argv_of(const std::string& kubectl, const std::vector<std::string>& args,
                           std::vector<std::string>& storage) {
  storage.clear();
  storage.push_back(kubectl);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return argv;
}

// Spawns kubectl with stdout to out_fd and stderr to err_fd; pid or -1 with
// error. With own_group it leads a new process group (its pid is the group
// id) and starts with child_mask as its signal mask.
pid_t spawn(const std::string& kubectl, const std::vector<std::string>& args, int out_fd, int err_fd,
            std::string& error, bool own_group = false, const sigset_t* child_mask = nullptr) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = 0;
  if (own_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  if (child_mask) {
    flags |= POSIX_SPAWN_SETSIGMASK;
    posix_spawnattr_setsigmask(&attr, child_mask);
  }
  posix_spawnattr_setflags(&attr, flags);
  std::vector<std::string> storage;
  std::vector<char*> argv = argv_of(kubectl, args, storage);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, kubectl.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    error = rc == ENOENT ? fmt::format("{} not found on PATH (install kubectl, or give its path with --kubectl)", kubectl)
                         : fmt::format("cannot run {}: {}", kubectl, std::strerror(rc));
    return -1;
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Keeps the start and the end of a stream too long to hold (kubectl's
// stderr): kubectl's verdict is its last line, and klog lines may come first.
class HeadAndTail {
 public:
  HeadAndTail(size_t head, size_t tail) : head_max_(head), tail_max_(tail) {}

  void add(std::string_view piece) {
    size_t to_head = std::min(piece.size(), head_max_ - head_.size());
    head_.append(piece.substr(0, to_head));
    tail_.append(piece.substr(to_head));
    if (tail_.size() > 2 * tail_max_) drop_front(tail_.size() - tail_max_);
  }

  /// The start, a line saying how much was left out, and the end from its
  /// first whole line.
  std::string text() {
    if (tail_.size() > tail_max_) drop_front(tail_.size() - tail_max_);
    if (left_out_ == 0) return head_ + tail_;
    size_t nl = tail_.find('\n');
    std::string_view whole_lines = nl == std::string::npos ? std::string_view() : std::string_view(tail_).substr(nl + 1);
    uint64_t dropped = left_out_ + (tail_.size() - whole_lines.size());
    return fmt::format("{}\n[{} bytes of kubectl's stderr left out]\n{}", head_, dropped, whole_lines);
  }

 private:
  void drop_front(size_t n) {
    tail_.erase(0, n);
    left_out_ += n;
  }
  size_t head_max_, tail_max_;
  std::string head_, tail_;
  uint64_t left_out_ = 0;
};

std::string format_duration_ms(int64_t ms) {
  if (ms % 3600000 == 0) return fmt::format("{}h", ms / 3600000);
  if (ms % 60000 == 0) return fmt::format("{}m", ms / 60000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::string join_args(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string scope_words(const ClusterOptions& opt) {
  if (opt.all_namespaces) return "in all namespaces";
  if (!opt.ns.empty()) return "in namespace " + opt.ns;
  return "in the context's namespace";
}

// The limits of every call but the watch; nullopt (and a problem line) when
// --kubectl-timeout is malformed.
std::optional<KubectlLimits> call_limits(const ClusterOptions& opt, std::vector<std::string>& problems) {
  const std::string& given = opt.kubectl_timeout.empty() ? std::string(kDefaultKubectlTimeout) : opt.kubectl_timeout;
  std::optional<int64_t> ms = parse_kubectl_timeout(given);
  if (!ms) {
    problems.push_back(fmt::format("--kubectl-timeout: expected a duration like 90s, 5m or 1h (0 for none), got '{}'",
                                   terminal_safe(given)));
    return std::nullopt;
  }
  KubectlLimits limits;
  limits.wall_ms = *ms;
  return limits;
}

// One line for a call the time limit stopped.
std::string stopped_line(const std::string& what, const KubectlLimits& limits) {
  return fmt::format("{} did not finish within {} and was stopped (pullscan's limit per kubectl call; "
                     "raise it with --kubectl-timeout)",
                     what, format_duration_ms(limits.wall_ms));
}

// One line for a call whose stdout reached the cap.
std::string cut_line(const std::string& what, const std::string& narrower) {
  return fmt::format("{} printed more than {} MiB: only its first {} MiB were read and analysed; {}", what,
                     kKubectlStdoutCap >> 20, kKubectlStdoutCap >> 20, narrower);
}

}  // namespace

KubectlResult run_kubectl(const std::string& kubectl, const std::vector<std::string>& args,
                          const KubectlLimits& limits) {
  KubectlResult r;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    r.failure = KubectlFailure::not_started;
    r.problem = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    r.failure = KubectlFailure::not_started;
    r.problem = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  KubectlSignalScope signals;
  std::string error;
  pid_t pid = spawn(kubectl, args, out_pipe[1], err_pipe[1], error, /*own_group=*/true, &signals.child_mask());
  signals.running(pid);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    r.failure = KubectlFailure::not_started;
    r.problem = error;
    return r;
  }
  const auto started = std::chrono::steady_clock::now();
  HeadAndTail err(kKubectlStderrHead, kKubectlStderrTail);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open = 2;
  bool stop = false;
  char buf[65536];
  while (open > 0 && !stop) {
    int wait_ms = -1;
    if (limits.wall_ms > 0) {
      int64_t spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
      if (spent >= limits.wall_ms) {
        r.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(std::min<int64_t>(limits.wall_ms - spent, 1 << 30));
    }
    int ready = poll(fds, 2, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2 && !stop; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got > 0) {
        std::string_view piece(buf, static_cast<size_t>(got));
        if (k == 1) {
          err.add(piece);
          continue;
        }
        if (r.out.size() + piece.size() > limits.stdout_cap) {
          piece = piece.substr(0, limits.stdout_cap - r.out.size());
          r.stdout_cut = true;
          stop = true;
        }
        // Powers of two from 64 KiB, never past the cap. std::string's own
        // growth doubles from wherever it starts (15, or the first read's
        // size), so its last step before a 256 MiB cap could copy up to
        // 240 MiB into a new buffer: twice the cap touched at once.
        if (r.out.size() + piece.size() > r.out.capacity())
          r.out.reserve(std::min(limits.stdout_cap, std::bit_ceil(std::max<size_t>(r.out.size() + piece.size(), 65536))));
        r.out.append(piece);
      } else if (got == 0 || errno != EINTR) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open;
      }
    }
  }
  // Done with kubectl early: stop it and all it started, which may hold the
  // pipes open forever (a stuck exec plugin, a child that sleeps).
  if (r.timed_out || r.stdout_cut) kill(-pid, SIGKILL);
  for (pollfd& p : fds)
    if (p.fd >= 0) close(p.fd);
  signals.done();
  r.exit_code = wait_exit(pid);
  r.err = err.text();
  if (r.timed_out) {
    r.failure = KubectlFailure::timeout;
    r.problem = stopped_line("kubectl", limits);
  } else if (r.exit_code != 0 && !r.stdout_cut) {
    std::string line;
    r.failure = classify_kubectl_error(r.err, line);
    r.problem = line.empty() ? fmt::format("kubectl exited with status {}", r.exit_code) : kubectl_echo(line);
  }
  return r;
}

std::string kubectl_echo(std::string_view text) {
  return ellipsize(terminal_safe(mask_secrets(text)), kKubectlEchoBytes);
}

std::optional<int64_t> parse_kubectl_timeout(const std::string& text) {
  if (text == "0") return 0;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 6 || digits + 1 != text.size()) return std::nullopt;
  int64_t n = std::stoll(text.substr(0, digits));
  switch (text.back()) {
    case 's': return n * 1000;
    case 'm': return n * 60000;
    case 'h': return n * 3600000;
    default: return std::nullopt;
  }
}

bool is_dns1123_label(std::string_view name) {
  return !name.empty() && name.size() <= 63 && name.find('.') == std::string_view::npos && is_dns1123_subdomain(name);
}

bool is_dns1123_subdomain(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;  // length of the label so far
  char prev = '.';
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '.') {
      if (label == 0 || prev == '-') return false;
      label = 0;
    } else if (alnum || c == '-') {
      if (label == 0 && c == '-') return false;
      if (++label > 63) return false;
    } else {
      return false;
    }
    prev = c;
  }
  return label > 0 && prev != '-';
}

std::string percent_escape_segment(std::string_view name) {
  std::string out;
  for (char ch : name) {
    const unsigned char c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved)
      out.push_back(ch);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string node_log_path(std::string_view node, std::string_view since) {
  return fmt::format("/api/v1/nodes/{}/proxy/logs/?query=containerd&query=kubelet&sinceTime={}",
                     percent_escape_segment(node), since);
}

KubectlFailure classify_kubectl_error(const std::string& err, std::string& line) {
  // kubectl may log klog lines (E1123 ... memcache.go) before its verdict;
  // the verdict is the last line that reads like one.
  std::string_view text = err;
  std::string_view verdict;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view l = trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    if (starts_with_lit(l, "error:") || starts_with_lit(l, "Error from server") ||
        starts_with_lit(l, "Unable to connect to the server") || starts_with_lit(l, "The connection to the server") ||
        starts_with_lit(l, "error "))
      verdict = l;
    else if (verdict.empty() && !l.empty() && !(l.size() > 5 && (l[0] == 'E' || l[0] == 'W' || l[0] == 'I') &&
                                                 l[1] >= '0' && l[1] <= '9'))
      verdict = l;
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  line = std::string(verdict);
  if (contains(verdict, "You must be logged in to the server")) return KubectlFailure::unauthorized;
  if (contains(verdict, "Unable to connect to the server")) {
    if (contains(verdict, "deadline exceeded") || contains(verdict, "Client.Timeout exceeded") ||
        contains(verdict, "i/o timeout"))
      return KubectlFailure::timeout;
    return KubectlFailure::unreachable;
  }
  if (contains(verdict, "The connection to the server") || contains(verdict, "dial tcp")) return KubectlFailure::unreachable;
  if (contains(verdict, "context deadline exceeded") || contains(verdict, "Timeout")) return KubectlFailure::timeout;
  if (contains(verdict, "(Forbidden)")) return KubectlFailure::forbidden;
  if (contains(verdict, "(NotFound)") || contains(verdict, "the server doesn't have a resource type"))
    return KubectlFailure::not_found;
  if (contains(verdict, "(MethodNotAllowed)")) return KubectlFailure::method_not_allowed;
  return KubectlFailure::other;
}

std::vector<std::string> kubectl_base_args(const ClusterOptions& opt) {
  std::vector<std::string> args;
  if (!opt.kubeconfig.empty()) args.push_back("--kubeconfig=" + opt.kubeconfig);
  if (!opt.context.empty()) args.push_back("--context=" + opt.context);
  args.push_back("--request-timeout=" + (opt.request_timeout.empty() ? std::string(kDefaultRequestTimeout) : opt.request_timeout));
  return args;
}

std::vector<std::string> kubectl_scope_args(const ClusterOptions& opt) {
  if (opt.all_namespaces) return {"--all-namespaces"};
  if (!opt.ns.empty()) return {"--namespace=" + opt.ns};
  return {};
}

std::optional<int64_t> parse_since(const std::string& since, int64_t now_ns) {
  if (since.empty()) return std::nullopt;
  bool zone = false;
  if (std::optional<int64_t> t = parse_iso8601(since, zone); t && zone) return *t;
  size_t digits = 0;
  while (digits < since.size() && since[digits] >= '0' && since[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9 || digits + 1 != since.size()) return std::nullopt;
  int64_t n = std::stoll(since.substr(0, digits));
  int64_t unit = 0;
  switch (since.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  return now_ns - n * unit * 1000000000LL;
}

void gather_objects(const ClusterOptions& opt, const ClusterTextSink& take, std::vector<std::string>& problems,
                    bool& fatal, bool events) {
  std::optional<KubectlLimits> limits = call_limits(opt, problems);
  if (!limits) {
    fatal = true;
    return;
  }
  std::vector<std::string> base = kubectl_base_args(opt), scope = kubectl_scope_args(opt);
  const std::string request_timeout =
      opt.request_timeout.empty() ? fmt::format("--request-timeout {}, pullscan's default", kDefaultRequestTimeout)
                                  : "--request-timeout " + opt.request_timeout;
  // Sets fatal when the cluster cannot be used at all.
  auto fetch = [&](const std::string& resource, const std::string& what) -> KubectlFailure {
    std::vector<std::string> args = base;
    args.insert(args.end(), {"get", resource, "--output=json"});
    args.insert(args.end(), scope.begin(), scope.end());
    KubectlResult r = run_kubectl(opt.kubectl, args, *limits);
    const std::string command = "kubectl get " + resource + (scope.empty() ? "" : " " + join_args(scope));
    switch (r.failure) {
      case KubectlFailure::none:
        if (r.stdout_cut)
          problems.push_back(cut_line(command, opt.all_namespaces ? "narrow it to a namespace with -n NAMESPACE instead of -A"
                                                                  : "the rest of the list was not read"));
        take({command, std::move(r.out), "auto"});
        return r.failure;
      case KubectlFailure::not_started:
        problems.push_back(r.problem);
        fatal = true;
        return r.failure;
      case KubectlFailure::unauthorized:
        problems.push_back("not logged in to the cluster (kubectl: " + r.problem +
                           "); check the credentials of the kubeconfig and context (`kubectl auth whoami`)");
        fatal = true;
        return r.failure;
      case KubectlFailure::unreachable:
        problems.push_back("cannot reach the cluster (kubectl: " + r.problem + ")");
        fatal = true;
        return r.failure;
      case KubectlFailure::timeout:
        problems.push_back(r.timed_out ? stopped_line(command, *limits)
                                       : fmt::format("the cluster did not answer in time ({}) (kubectl: {})",
                                                     request_timeout, r.problem));
        fatal = true;
        return r.failure;
      case KubectlFailure::forbidden:
        problems.push_back(fmt::format("not allowed to list {} {} (kubectl: {})", what, scope_words(opt), r.problem));
        return r.failure;
      default:
        problems.push_back(fmt::format("cannot list {} {} (kubectl: {})", what, scope_words(opt), r.problem));
        return r.failure;
    }
  };
  if (events) {
    KubectlFailure core = fetch("events", "events");
    if (fatal) return;
    // Servers (or RBAC rules) that only serve the newer events API.
    if (core != KubectlFailure::none) {
      KubectlFailure v1 = fetch("events.v1.events.k8s.io", "events.k8s.io/v1 events");
      if (fatal) return;
      if (v1 == KubectlFailure::none) problems.push_back("read events through events.k8s.io/v1 instead");
    }
  }
  fetch("pods", "pods");
}

void gather_node_logs(const ClusterOptions& opt, const std::vector<std::string>& nodes, int64_t since_ns,
                      const ClusterTextSink& take, std::vector<std::string>& problems) {
  std::optional<KubectlLimits> limits = call_limits(opt, problems);
  if (!limits) return;
  std::vector<std::string> base = kubectl_base_args(opt);
  std::string since = format_iso_ms(since_ns).substr(0, 19) + "Z";
  for (const std::string& node : nodes) {
    // Node names here come from event and pod data, which anyone who can
    // create an Event writes: a name like ../../secrets would make the
    // user's kubectl (with the user's rights) request another path.
    if (!is_dns1123_subdomain(node)) {
      problems.push_back(fmt::format("--node-logs: skipped node name \"{}\" from the event data: not a DNS-1123 name, "
                                     "so not a node's",
                                     ellipsize(terminal_safe(node), 300)));
      continue;
    }
    std::vector<std::string> args = base;
    args.insert(args.end(), {"get", "--raw", node_log_path(node, since)});
    KubectlResult r = run_kubectl(opt.kubectl, args, *limits);
    if (r.failure == KubectlFailure::none) {
      std::string_view head = trim(std::string_view(r.out).substr(0, 256));
      // With the NodeLogQuery gate or enableSystemLogQuery off, the kubelet
      // ignores the query and serves its /var/log listing as HTML.
      if (starts_with_lit(head, "<!doctype html>") || starts_with_lit(head, "<pre>") ||
          starts_with_lit(head, "<!DOCTYPE html>")) {
        problems.push_back(fmt::format(
            "node log query is not enabled on {}: its kubelet needs the NodeLogQuery feature gate and "
            "enableSystemLogQuery: true (read its journal with `journalctl -u containerd -u kubelet` on the node instead)",
            node));
        continue;
      }
      const std::string name = node + ": containerd and kubelet journal (node log query since " + since + ")";
      if (r.stdout_cut) problems.push_back(cut_line(name, "a later --since reads less of it"));
      take({name, std::move(r.out), "auto"});
      continue;
    }
    if (r.failure == KubectlFailure::method_not_allowed)
      problems.push_back(fmt::format("the kubelet's log endpoint is disabled on {} (enableSystemLogHandler: false)", node));
    else if (r.failure == KubectlFailure::forbidden)
      problems.push_back(fmt::format("not allowed to read node logs of {} (needs get on nodes/proxy; kubectl: {})", node, r.problem));
    else if (r.timed_out)
      problems.push_back(stopped_line("reading node logs of " + node, *limits));
    else
      problems.push_back(fmt::format("cannot read node logs of {} (kubectl: {})", node, r.problem));
    if (r.failure == KubectlFailure::unauthorized || r.failure == KubectlFailure::unreachable ||
        r.failure == KubectlFailure::timeout || r.failure == KubectlFailure::not_started)
      return;
  }
}

KubectlWatch start_event_watch(const ClusterOptions& opt) {
  KubectlWatch w;
  // Without --request-timeout kubectl's watch runs until the server closes
  // it, so none is given unless asked for; nor does pullscan's time limit
  // apply: the watch runs until the user stops it.
  std::vector<std::string> args;
  if (!opt.kubeconfig.empty()) args.push_back("--kubeconfig=" + opt.kubeconfig);
  if (!opt.context.empty()) args.push_back("--context=" + opt.context);
  if (!opt.request_timeout.empty()) args.push_back("--request-timeout=" + opt.request_timeout);
  args.insert(args.end(), {"get", "events", "--output=json", "--watch"});
  for (const std::string& s : kubectl_scope_args(opt)) args.push_back(s);
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    w.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return w;
  }
  FILE* err_file = tmpfile();
  if (!err_file) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    w.spawn_error = std::string("tmpfile: ") + std::strerror(errno);
    return w;
  }
  w.err_fd = dup(fileno(err_file));
  fclose(err_file);
  pid_t pid = spawn(opt.kubectl, args, out_pipe[1], w.err_fd, w.spawn_error);
  close(out_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(w.err_fd);
    w.err_fd = -1;
    return w;
  }
  w.pid = pid;
  w.out_fd = out_pipe[0];
  return w;
}

std::string finish_event_watch(KubectlWatch& w, bool kill_it) {
  if (w.pid < 0) return w.spawn_error;
  if (kill_it) kill(w.pid, SIGTERM);
  int code = wait_exit(w.pid);
  w.pid = -1;
  HeadAndTail err(kKubectlStderrHead, kKubectlStderrTail);
  if (w.err_fd >= 0) {
    lseek(w.err_fd, 0, SEEK_SET);
    char buf[65536];
    ssize_t got;
    while ((got = read(w.err_fd, buf, sizeof buf)) > 0) err.add(std::string_view(buf, static_cast<size_t>(got)));
    close(w.err_fd);
    w.err_fd = -1;
  }
  if (code == 0 || kill_it) return "";
  std::string line;
  classify_kubectl_error(err.text(), line);
  return line.empty() ? fmt::format("kubectl exited with status {}", code) : kubectl_echo(line);
}

}  // namespace pullscan
