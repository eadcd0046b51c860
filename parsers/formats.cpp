// Format names and the sniffer. Sniffing looks at the first lines once per
// input; decoding stays per line (scan.cpp), so a pasted mix of journal
// lines, bare logs and kubectl output still decodes line by line.
#include <algorithm>

#include "core/text.h"
#include "parsers/decode.h"
#include "parsers/parser.h"

namespace pullscan {

std::span<const FormatDesc> formats() {
  static const FormatDesc list[] = {
      {"journal-short", "journalctl -o short / short-precise (no year; local time) and syslog files"},
      {"journal-iso", "journalctl -o short-iso / short-iso-precise (+0000 and +00:00 offsets)"},
      {"journal-full", "journalctl -o short-full / with-unit (UTC or named zone)"},
      {"journal-unix", "journalctl -o short-unix (epoch seconds)"},
      {"journal-monotonic", "journalctl -o short-monotonic / short-delta (no absolute time)"},
      {"containerd", "logrus text (containerd, dockerd): time=\"...\" level=... msg=\"...\""},
      {"containerd-json", "containerd logrus JSON ([debug] format = \"json\")"},
      {"kubelet", "kubelet klog text and structured key=value lines (with --log-file preamble)"},
      {"kubelet-json", "kubelet with --logging-format=json"},
      {"containerd-tty", "logrus TTY layout (ERRO[...] msg  key=value), ANSI colour or not"},
      {"crio", "CRI-O logrus text (time with a space; Pulling image: / Pulled image: / Error pulling image)"},
      {"journal-export", "journalctl -o export (FIELD=value records; binary fields counted, not read)"},
      {"journal-verbose", "journalctl -o verbose"},
      {"journal-json", "journalctl -o json / json-seq (one entry per line)"},
      {"journal-json-pretty", "journalctl -o json-pretty (one entry over many lines)"},
      {"k8s-json", "kubectl get events|pods -o json: objects, Lists, -w streams, --output-watch-events, events.k8s.io/v1"},
      {"k8s-yaml", "kubectl get events|pods -o yaml"},
      {"text", "anything else: pasted errors, kubectl describe/get events rows, docker CLI output"},
  };
  return list;
}

std::string sniff_format(std::string_view head) {
  // Record formats of journalctl: export (FIELD=value, blank line between
  // entries) and verbose (a timestamp header, then indented FIELD=value).
  if (head.substr(0, 9) == "__CURSOR=") return "journal-export";
  {
    std::string_view l = head.substr(0, head.find('\n'));
    if (l.size() > 30 && l[3] == ' ' && l[8] == '-' && l.find(" [s=") != std::string_view::npos) return "journal-verbose";
  }
  // Documents first: their lines match no line format.
  std::string_view first = trim(head.substr(0, head.find('\n')));
  if (!first.empty() && first.front() == '\x1e') first.remove_prefix(1);
  std::string_view start = head.substr(0, 4096);
  if (!first.empty() && first.front() == '{' &&
      (start.find("\"__REALTIME_TIMESTAMP\"") != std::string_view::npos || start.find("\"__CURSOR\"") != std::string_view::npos))
    return first == "{" ? "journal-json-pretty" : "journal-json";
  if (!first.empty() && first.front() == '{' && first.find("\"ts\":") != std::string_view::npos &&
      first.find("\"caller\":") != std::string_view::npos)
    return "kubelet-json";
  if (!first.empty() && (first.front() == '{' || first.front() == '[') &&
      (start.find("\"kind\"") != std::string_view::npos || start.find("\"involvedObject\"") != std::string_view::npos ||
       start.find("\"regarding\"") != std::string_view::npos || start.find("\"items\"") != std::string_view::npos))
    return "k8s-json";
  if ((start.rfind("apiVersion:", 0) == 0 || start.find("\napiVersion:") != std::string_view::npos ||
       start.rfind("items:", 0) == 0 || start.rfind("- apiVersion:", 0) == 0 ||  // a bare YAML list of objects
       start.find("\n- apiVersion:") != std::string_view::npos) &&
      start.find("kind:") != std::string_view::npos)
    return "k8s-yaml";
  int journal_short = 0, journal_iso = 0, journal_full = 0, journal_unix = 0, journal_mono = 0, logrus = 0,
      logrus_json = 0, klog = 0, crio = 0, tty = 0, other = 0;
  size_t pos = 0;
  for (int n = 0; n < 64 && pos < head.size(); ++n) {
    size_t nl = head.find('\n', pos);
    std::string_view line = head.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? head.size() : nl + 1;
    line = trim(line);
    if (line.empty() || is_journal_noise(line)) continue;
    Envelope env;
    if (strip_journal(line, env)) {
      if (line[0] == '[') ++journal_mono;
      else if (line.size() > 10 && line[4] == '-' && line[10] == 'T') ++journal_iso;
      else if (line.size() > 8 && line[3] == ' ' && line[8] == '-') ++journal_full;
      else if (line[0] >= '0' && line[0] <= '9') ++journal_unix;
      else ++journal_short;
    } else if (line.substr(0, 6) == "time=\"") {
      (line.size() > 16 && line[16] == ' ' ? crio : logrus)++;
    } else if (line.substr(0, 2) == "\x1b[" || (line.size() > 5 && line[4] == '[' &&
                                               std::string_view("EWIDTFP").find(line[0]) != std::string_view::npos)) {
      tty++;
    } else if (line.front() == '{' && line.find("\"level\"") != std::string_view::npos) {
      logrus_json++;
    } else if (line.size() > 30 && std::string_view("IWEF").find(line[0]) != std::string_view::npos &&
               line[5] == ' ' && line.find("] ") != std::string_view::npos) {
      klog++;
    } else if (line.substr(0, 20) == "Log file created at:" || line.substr(0, 19) == "Running on machine:" ||
               line.substr(0, 7) == "Binary:" || line.substr(0, 16) == "Log line format:") {
      klog++;
    } else {
      other++;
    }
  }
  int best = std::max({journal_short, journal_iso, journal_full, journal_unix, journal_mono, logrus, logrus_json, klog,
                       crio, tty});
  if (best == 0 || other > best) return "text";
  if (best == journal_short) return "journal-short";
  if (best == journal_iso) return "journal-iso";
  if (best == journal_full) return "journal-full";
  if (best == journal_unix) return "journal-unix";
  if (best == journal_mono) return "journal-monotonic";
  if (best == logrus) return "containerd";
  if (best == crio) return "crio";
  if (best == tty) return "containerd-tty";
  if (best == logrus_json) return "containerd-json";
  return "kubelet";
}

}  // namespace pullscan
