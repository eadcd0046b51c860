// kubectl as a subprocess: posix_spawnp with argv (no shell, so nothing in a
// namespace or context name is ever interpreted), stdout and stderr read
// through pipes with poll so neither can fill up and stall kubectl. kubectl's
// error wordings differ between versions (1.20 to 1.33 were checked against
// tests/cluster/fake_apiserver.py); the classifier keys on their stable parts.
#include "cluster/cluster.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "core/text.h"
#include "core/timeutil.h"

extern char** environ;

namespace pullscan {
namespace {

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

// Spawns kubectl with stdout to out_fd and stderr to err_fd; pid or -1 with error.
pid_t spawn(const std::string& kubectl, const std::vector<std::string>& args, int out_fd, int err_fd,
            std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> storage;
  std::vector<char*> argv = argv_of(kubectl, args, storage);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, kubectl.c_str(), &actions, nullptr, argv.data(), environ);
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

}  // namespace

KubectlResult run_kubectl(const std::string& kubectl, const std::vector<std::string>& args) {
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
  std::string error;
  pid_t pid = spawn(kubectl, args, out_pipe[1], err_pipe[1], error);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    r.failure = KubectlFailure::not_started;
    r.problem = error;
    return r;
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open = 2;
  char buf[65536];
  while (open > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[k].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[k]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open;
      }
    }
  }
  for (pollfd& p : fds)
    if (p.fd >= 0) close(p.fd);
  r.exit_code = wait_exit(pid);
  if (r.exit_code != 0) {
    r.failure = classify_kubectl_error(r.err, r.problem);
    if (r.problem.empty()) r.problem = fmt::format("kubectl exited with status {}", r.exit_code);
  }
  return r;
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
  if (!opt.request_timeout.empty()) args.push_back("--request-timeout=" + opt.request_timeout);
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

void gather_objects(const ClusterOptions& opt, std::vector<ClusterText>& texts, std::vector<std::string>& problems,
                    bool& fatal, bool events) {
  std::vector<std::string> base = kubectl_base_args(opt), scope = kubectl_scope_args(opt);
  // Returns false when the cluster cannot be used at all.
  auto fetch = [&](const std::string& resource, const std::string& what) -> std::optional<KubectlResult> {
    std::vector<std::string> args = base;
    args.insert(args.end(), {"get", resource, "--output=json"});
    args.insert(args.end(), scope.begin(), scope.end());
    KubectlResult r = run_kubectl(opt.kubectl, args);
    switch (r.failure) {
      case KubectlFailure::none:
        texts.push_back({"kubectl get " + resource + (scope.empty() ? "" : " " + join_args(scope)), r.out, "auto"});
        return r;
      case KubectlFailure::not_started:
        problems.push_back(r.problem);
        fatal = true;
        return std::nullopt;
      case KubectlFailure::unauthorized:
        problems.push_back("not logged in to the cluster (kubectl: " + r.problem +
                           "); check the credentials of the kubeconfig and context (`kubectl auth whoami`)");
        fatal = true;
        return std::nullopt;
      case KubectlFailure::unreachable:
        problems.push_back("cannot reach the cluster (kubectl: " + r.problem + ")");
        fatal = true;
        return std::nullopt;
      case KubectlFailure::timeout:
        problems.push_back(fmt::format("the cluster did not answer in time{} (kubectl: {})",
                                       opt.request_timeout.empty() ? "" : " (--request-timeout " + opt.request_timeout + ")",
                                       r.problem));
        fatal = true;
        return std::nullopt;
      case KubectlFailure::forbidden:
        problems.push_back(fmt::format("not allowed to list {} {} (kubectl: {})", what, scope_words(opt), r.problem));
        return r;
      default:
        problems.push_back(fmt::format("cannot list {} {} (kubectl: {})", what, scope_words(opt), r.problem));
        return r;
    }
  };
  std::optional<KubectlResult> core;
  if (events) core = fetch("events", "events");
  if (fatal) return;
  // Servers (or RBAC rules) that only serve the newer events API.
  if (core && core->failure != KubectlFailure::none) {
    std::optional<KubectlResult> v1 = fetch("events.v1.events.k8s.io", "events.k8s.io/v1 events");
    if (fatal) return;
    if (v1 && v1->failure == KubectlFailure::none) problems.push_back("read events through events.k8s.io/v1 instead");
  }
  fetch("pods", "pods");
}

void gather_node_logs(const ClusterOptions& opt, const std::vector<std::string>& nodes, int64_t since_ns,
                      std::vector<ClusterText>& texts, std::vector<std::string>& problems) {
  std::vector<std::string> base = kubectl_base_args(opt);
  std::string since = format_iso_ms(since_ns).substr(0, 19) + "Z";
  for (const std::string& node : nodes) {
    std::string path = "/api/v1/nodes/" + node + "/proxy/logs/?query=containerd&query=kubelet&sinceTime=" + since;
    std::vector<std::string> args = base;
    args.insert(args.end(), {"get", "--raw", path});
    KubectlResult r = run_kubectl(opt.kubectl, args);
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
      texts.push_back({node + ": containerd and kubelet journal (node log query since " + since + ")", r.out, "auto"});
      continue;
    }
    if (r.failure == KubectlFailure::method_not_allowed)
      problems.push_back(fmt::format("the kubelet's log endpoint is disabled on {} (enableSystemLogHandler: false)", node));
    else if (r.failure == KubectlFailure::forbidden)
      problems.push_back(fmt::format("not allowed to read node logs of {} (needs get on nodes/proxy; kubectl: {})", node, r.problem));
    else
      problems.push_back(fmt::format("cannot read node logs of {} (kubectl: {})", node, r.problem));
    if (r.failure == KubectlFailure::unauthorized || r.failure == KubectlFailure::unreachable ||
        r.failure == KubectlFailure::timeout || r.failure == KubectlFailure::not_started)
      return;
  }
}

KubectlWatch start_event_watch(const ClusterOptions& opt) {
  KubectlWatch w;
  std::vector<std::string> args = kubectl_base_args(opt);
  // Without --request-timeout kubectl's watch runs until the server closes it.
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
  std::string err;
  if (w.err_fd >= 0) {
    lseek(w.err_fd, 0, SEEK_SET);
    char buf[65536];
    ssize_t got;
    while ((got = read(w.err_fd, buf, sizeof buf)) > 0) err.append(buf, static_cast<size_t>(got));
    close(w.err_fd);
    w.err_fd = -1;
  }
  if (code == 0 || kill_it) return "";
  std::string line;
  classify_kubectl_error(err, line);
  return line.empty() ? fmt::format("kubectl exited with status {}", code) : line;
}

}  // namespace pullscan
