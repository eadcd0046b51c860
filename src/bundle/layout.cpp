// Collector layouts: what a member path inside a support bundle says about
// the file (read it as what, or skip it), the node it came from and when the
// bundle was collected. The shapes are those the collectors write (sources in
// docs/bundles.md): troubleshoot.sh, sos, `kind export logs`, the EKS log
// collector, `kubectl cluster-info dump`, RKE2/k3s and Rancher's collector.
// Journals in bundles are journalctl's short format, with no year, which is
// why the collection date in a bundle's name matters.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/bundle.h"
#include "core/text.h"
#include "core/timeutil.h"

namespace pullscan {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    std::string_view part = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return parts;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// Where a YYYY-MM-DD date starts in s, or npos.
size_t find_date(std::string_view s) {
  for (size_t i = 0; i + 10 <= s.size(); ++i) {
    std::string_view d = s.substr(i, 10);
    if (d[0] == '2' && d[1] == '0' && all_digits(d.substr(0, 4)) && d[4] == '-' && all_digits(d.substr(5, 2)) &&
        d[7] == '-' && all_digits(d.substr(8, 2)) && (i == 0 || !std::isdigit(static_cast<unsigned char>(s[i - 1]))))
      return i;
  }
  return std::string_view::npos;
}

bool in(std::string_view s, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set)
    if (s == x) return true;
  return false;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The host part of a sos archive name: sosreport-<host>[-label][-case]-<date>-<random>,
// or the legacy sosreport-<host>.<case>-<YYYYmmddHHMMSS>.
std::string sos_host(std::string_view part) {
  std::string_view rest = part.substr(10);  // after "sosreport-"
  size_t date = find_date(rest);
  if (date != std::string_view::npos && date > 0) {
    std::string_view host = rest.substr(0, date - 1);
    // A trailing all-digit segment of 4+ digits is the case number (a short
    // one is more likely part of the host name, as in db-1).
    size_t dash = host.rfind('-');
    if (dash != std::string_view::npos && host.size() - dash > 4 && all_digits(host.substr(dash + 1)))
      host = host.substr(0, dash);
    return std::string(host);
  }
  size_t dot = rest.find('.');
  size_t dash = rest.rfind('-');
  if (dot != std::string_view::npos) return std::string(rest.substr(0, dot));
  if (dash != std::string_view::npos) return std::string(rest.substr(0, dash));
  return std::string(rest);
}

// Rancher's collector: <hostname>-YYYY-MM-DD_HH_MM_SS.
std::string rancher_host(std::string_view part) {
  size_t date = find_date(part);
  if (date == std::string_view::npos || date < 2 || part[date - 1] != '-') return "";
  std::string_view tail = part.substr(date + 10);
  if (tail.size() != 9 || tail[0] != '_') return "";
  return std::string(part.substr(0, date - 1));
}

// Folders a troubleshoot.sh host collector writes its files into.
bool troubleshoot_collector_dir(std::string_view s) {
  return in(s, {"journald", "run-host", "system", "copy", "copy-from-host", "filesystem-performance", "kernel-config",
                "certificate", "certificates", "http", "tcp-connect", "tcp-port-status", "udp-port-status", "ipv4Interfaces",
                "subnet-available", "sysctl", "cgroups", "dns"});
}

const std::array<std::string_view, 14> kBinaryExtensions = {".png", ".jpg", ".jpeg", ".gif", ".so", ".bin", ".db",
                                                           ".sqlite", ".pcap", ".pem", ".crt", ".key", ".der", ".p12"};

}  // namespace

std::optional<int64_t> collected_time_from_name(std::string_view name) {
  size_t d = find_date(name);
  if (d != std::string_view::npos) {
    int year = number(name.substr(d, 4)), month = number(name.substr(d + 5, 2)), day = number(name.substr(d + 8, 2));
    if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    // Then a time: T15_04_05 (troubleshoot), _15_04_05 (Rancher), _1504-UTC (EKS).
    std::string_view t = name.substr(d + 10);
    int h = 0, m = 0, s = 0;
    if (t.size() >= 5 && (t[0] == 'T' || t[0] == '_' || t[0] == ' ')) {
      std::string_view x = t.substr(1);
      if (x.size() >= 8 && all_digits(x.substr(0, 2)) && all_digits(x.substr(3, 2)) && all_digits(x.substr(6, 2))) {
        h = number(x.substr(0, 2)), m = number(x.substr(3, 2)), s = number(x.substr(6, 2));
      } else if (x.size() >= 4 && all_digits(x.substr(0, 4))) {
        h = number(x.substr(0, 2)), m = number(x.substr(2, 2));
      }
    }
    if (h > 23 || m > 59 || s > 60) h = m = s = 0;
    return civil_to_ns(year, static_cast<unsigned>(month), static_cast<unsigned>(day), static_cast<unsigned>(h), static_cast<unsigned>(m), static_cast<unsigned>(s), 0);
  }
  // Legacy sos: ...-YYYYmmddHHMMSS.
  for (size_t i = 0; i + 14 <= name.size(); ++i) {
    std::string_view x = name.substr(i, 14);
    if (all_digits(x) && x[0] == '2' && x[1] == '0' && (i == 0 || !std::isdigit(static_cast<unsigned char>(name[i - 1]))) &&
        (i + 14 == name.size() || !std::isdigit(static_cast<unsigned char>(name[i + 14])))) {
      int month = number(x.substr(4, 2)), day = number(x.substr(6, 2));
      if (month < 1 || month > 12 || day < 1 || day > 31) continue;
      return civil_to_ns(number(x.substr(0, 4)), static_cast<unsigned>(month), static_cast<unsigned>(day),
                         static_cast<unsigned>(number(x.substr(8, 2)) % 24), static_cast<unsigned>(number(x.substr(10, 2)) % 60),
                         static_cast<unsigned>(number(x.substr(12, 2)) % 60), 0);
    }
  }
  return std::nullopt;
}

MemberPlan plan_member(std::string_view logical_path) {
  MemberPlan plan;
  std::vector<std::string_view> parts = split_path(logical_path);
  if (parts.empty()) return plan;
  std::string_view file = parts.back();
  std::string lower = ascii_lower(file);
  std::string_view parent = parts.size() >= 2 ? parts[parts.size() - 2] : std::string_view();

  for (std::string_view ext : kBinaryExtensions)
    if (ends_with(lower, ext)) plan.skip_reason = "not a log (by its name)";

  // Which collector, and the node its paths name.
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    if (p.rfind("sosreport-", 0) == 0 && p.size() > 10) {
      plan.layout = "sosreport";
      plan.node = sos_host(p);
    } else if (p.rfind("eks_", 0) == 0 && p.size() > 4) {
      // The instance id, not the node name the logs use: said in the layout.
      std::string_view id = p.substr(4);
      plan.layout = "EKS log collector, instance " + std::string(id.substr(0, id.find('_')));
    } else if (p.rfind("support-bundle-", 0) == 0) {
      plan.layout = "troubleshoot.sh support bundle";
    } else if (p == "host-collectors" && i + 2 < parts.size()) {
      plan.layout = "troubleshoot.sh support bundle";
      // RemoteHostCollect: host-collectors/<collector>/<node>/<file>;
      // collectors run in a DaemonSet: host-collectors/<node>/<collector>/<file>.
      if (troubleshoot_collector_dir(parts[i + 1]) && i + 3 < parts.size()) plan.node = std::string(parts[i + 2]);
      else if (!troubleshoot_collector_dir(parts[i + 1]) && troubleshoot_collector_dir(parts[i + 2]))
        plan.node = std::string(parts[i + 1]);
    } else if (p == "cluster-resources") {
      plan.layout = "troubleshoot.sh support bundle";
      std::string_view kind = i + 1 < parts.size() ? parts[i + 1] : "";
      if (kind == "events") plan.read_as = "events";
      else if (kind == "pods" && i + 2 == parts.size() - 1) plan.read_as = "pods";
      else if (kind == "pods") plan.read_as = "container log";
      else plan.skip_reason = "cluster resource other than events and pods";
    } else if (p == "rancher" && i + 1 < parts.size() && (parts[i + 1] == "rke2" || parts[i + 1] == "k3s")) {
      plan.layout = parts[i + 1] == "rke2" ? "RKE2 node files" : "k3s node files";
    } else if (std::string host = rancher_host(p); !host.empty() && i + 1 < parts.size() &&
                                                    in(parts[i + 1], {"rke2", "k3s", "journald", "systeminfo", "systemlogs",
                                                                      "docker", "networking", "k8s"})) {
      plan.layout = "Rancher log collector";
      plan.node = host;
    }
  }

  // sos: command outputs and copied system files that are not about pulls.
  if (plan.layout == "sosreport") {
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      if (parts[i].rfind("sosreport-", 0) != 0) continue;
      std::string_view top = parts[i + 1];
      if (in(top, {"proc", "sys", "etc", "usr", "lib", "boot", "run", "dev", "sos_reports", "sos_logs", "sos_strings"}))
        plan.skip_reason = "system state, not a log";
      if (top == "sos_commands" && i + 2 < parts.size() &&
          !in(parts[i + 2], {"logs", "containerd", "crio", "cri-o", "kubernetes", "docker", "podman", "openshift"}))
        plan.skip_reason = "command output not about pulls";
    }
  }

  // What the file is, by name.
  bool journald = std::find(parts.begin(), parts.end(), std::string_view("journald")) != parts.end();
  if (plan.read_as.empty()) {
    if (lower == "containerd.log" || lower == "containerd-log.txt" || lower.find("unit_containerd") != std::string::npos ||
        (journald && lower.rfind("containerd", 0) == 0))
      plan.read_as = "containerd log";
    else if (lower == "kubelet.log" || lower.find("unit_kubelet") != std::string::npos ||
             (journald && lower.rfind("kubelet", 0) == 0))
      plan.read_as = "kubelet log";
    else if (lower.find("unit_crio") != std::string::npos || lower == "crio.log")
      plan.read_as = "CRI-O log";
    else if (lower == "journal.log" || lower.rfind("journalctl", 0) == 0 || journald)
      plan.read_as = "journal";
    else if (lower.rfind("messages", 0) == 0 || lower.rfind("syslog", 0) == 0)
      plan.read_as = "system log";
    else if (lower == "events.json" || lower == "events.yaml")
      plan.read_as = "events";
    else if (lower == "pods.json" || lower == "pods.yaml")
      plan.read_as = "pods";
    else if (lower == "logs.txt" || parent == "pods" || parent == "containers" ||
             std::find(parts.begin(), parts.end(), std::string_view("pods")) != parts.end())
      plan.read_as = "container log";
  }
  if (in(lower, {"nodes.json", "services.json", "replication-controllers.json", "replicationcontrollers.json",
                 "daemonsets.json", "deployments.json", "replicasets.json", "nodes.yaml", "services.yaml",
                 "daemonsets.yaml", "deployments.yaml", "replicasets.yaml"})) {
    plan.skip_reason = "cluster resource other than events and pods";
    if (plan.layout.empty()) plan.layout = "kubectl cluster-info dump";
  }
  if (plan.layout.empty() && (lower == "events.json" || lower == "pods.json") && parts.size() >= 2)
    plan.layout = "kubectl cluster-info dump";
  if (in(lower, {"version.yaml", "analysis.json", "inspect.json", "kind-version.txt", "docker-info.txt",
                 "podman-info.txt", "kubernetes-version.txt"}) ||
      ends_with(lower, "-info.json"))
    plan.skip_reason = "collector metadata";

  // kind export logs: <node>/{containerd,kubelet,journal}.log beside the
  // node's own files; the folder is the node container's name.
  if (plan.layout.empty() && parts.size() >= 2 &&
      in(lower, {"containerd.log", "kubelet.log", "journal.log", "serial.log", "kubernetes-version.txt", "inspect.json"}) &&
      !in(parent, {"containerd", "kubelet", "logs", "agent-logs", "agent", "rke2", "k3s", "log", "var", "journald"})) {
    plan.layout = "kind export logs";
    plan.node = std::string(parent);
  }
  if (plan.layout.empty() && (lower == "kind-version.txt" || lower == "docker-info.txt")) plan.layout = "kind export logs";
  // RKE2/k3s files copied with their paths (.../agent/containerd/containerd.log).
  if (plan.layout.empty() && parts.size() >= 3 && (parent == "containerd" || parent == "logs") &&
      parts[parts.size() - 3] == "agent")
    plan.layout = "RKE2/k3s node files";
  return plan;
}

InputRole role_of(const MemberPlan& plan) {
  if (plan.read_as.empty() || plan.read_as == "container log") return InputRole::program_log;
  return InputRole::as_given;
}

}  // namespace pullscan
