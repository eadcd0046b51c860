// Entry point and the only user of CLI11: it turns argv into Options, with
// each flag defined once with its help text, and hands them to run().
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli/build_info.h"
#include "cli/run.h"
#include "store/store.h"
#include "core/redact.h"
#include "core/text.h"

int main(int argc, char** argv) {
  using namespace pullscan;
  Options opt;
  CLI::App app{"pullscan: why did that image pull fail? Reads containerd and kubelet journals, raw logs and\n"
               "pasted errors; prints one verdict per failure with the fix.\n\n"
               "  journalctl -u containerd -u kubelet --since -2h | pullscan\n"
               "  pullscan node1-journal.txt containerd.log kubelet.log\n"
               "  pullscan sql \"SELECT image, class, count(*) FROM attempts GROUP BY 1,2\"\n"};
  app.set_version_flag("--version", version_line(build_info()));
  app.add_option("files", opt.paths,
                 "Inputs: journal text, containerd/kubelet logs, events, pasted text (.gz ok), and support bundles "
                 "(directories, .tar[.gz|.xz|.zst], .zip). Default: stdin");
  app.add_option("-o,--output", opt.output, "Report format")->check(CLI::IsMember({"text", "json"}))->default_val("text");
  app.add_option("--db", opt.db, "SQLite file to write (default $XDG_STATE_HOME/pullscan/last.db)");
  app.add_flag("--no-db", opt.no_db, "Do not write a database");
  app.add_option("--rules", opt.rules_dir, "Directory of extra rules (*.yaml); same id overrides a built-in rule");
  app.add_flag("--explain", opt.explain, "Show which rules matched each finding's evidence and why the winner won");
  std::string format = "auto";
  app.add_option("--format", format, "Force the input format (see `pullscan formats`)")->default_val("auto");
  // Taken as text and checked below: CLI11's own conversion error would
  // come without the `pullscan:` every message starts with.
  std::string year_text;
  app.add_option("--year", year_text, "Year for timestamps that have none (journal short, klog), 1970..2200");
  std::string tz;
  app.add_option("--tz", tz, "Zone of timestamps that have none, as UTC or +hh:mm");
  app.add_option("--width", opt.width, "Wrap the text report at this column")->default_val(100);
  app.add_option("--threads", opt.scan.threads, "Threads per large input file (default: one per core)");
  std::string max_bytes;
  app.add_option("--max-bytes", max_bytes,
                 "Stop reading a bundle after this many bytes of members, decompressed (e.g. 200G; default 64G)");
  app.add_option("--hold-events", opt.hold_events,
                 "Pull events to hold in memory for a single input read in time order (a long journal); "
                 "attempts that ended before them go to the database and leave memory. 0 = hold all")
      ->default_val(10000);
  app.add_flag("--follow", opt.follow,
               "Follow a live stream (journalctl -f ... | pullscan --follow): a line per failed pull and per new or "
               "growing finding as they happen, the full report at the end of input or on Ctrl-C");

  CLI::App* sql = app.add_subcommand("sql", "Query the last scan's database (read-only)");
  sql->add_option("query", opt.sql, "SQL, e.g. \"SELECT class, count(*) FROM attempts GROUP BY 1\"")->required();
  sql->add_option("--db", opt.db, "Database to query (default: the last scan's)");
  CLI::App* explain = app.add_subcommand("explain", "Classify one pasted error text (argument or stdin)");
  explain->add_option("text", opt.text, "The error text; read from stdin when omitted");
  explain->add_option("--rules", opt.rules_dir, "Directory of extra rules");
  CLI::App* rules = app.add_subcommand("rules", "List or check rules");
  rules->require_subcommand(1);
  CLI::App* rules_list = rules->add_subcommand("list", "List every rule: id, class, priority, file:line");
  rules_list->add_option("--rules", opt.rules_dir, "Directory of extra rules");
  CLI::App* rules_check = rules->add_subcommand("check", "Validate a rules directory and its examples");
  rules_check->add_option("dir", opt.check_dir, "Rules directory")->required();
  app.add_subcommand("formats", "List the input formats pullscan recognises");
  CLI::App* version = app.add_subcommand("version", "Print the version, commit, build date and rules hash (-o json for a program)");
  version->fallthrough();
  CLI::App* cluster = app.add_subcommand(
      "cluster", "Read a live cluster through kubectl (also installed as the kubectl plugin `kubectl pullscan`)");
  cluster->fallthrough();  // -o, --db, --width... of the main command work here too
  ClusterOptions& c = opt.cluster;
  if (const char* k = std::getenv("KUBECTL"); k && *k) c.kubectl = k;
  cluster->add_option("-n,--namespace", c.ns, "Namespace to read (default: the context's)");
  cluster->add_flag("-A,--all-namespaces", c.all_namespaces, "Read every namespace");
  cluster->add_option("--context", c.context, "kubeconfig context to use");
  cluster->add_option("--kubeconfig", c.kubeconfig, "kubeconfig file to use");
  cluster->add_option("--request-timeout", c.request_timeout,
                      std::string("kubectl's --request-timeout (default ") + kDefaultRequestTimeout + "; the watch: none)");
  cluster->add_option("--kubectl-timeout", c.kubectl_timeout,
                      std::string("Stop any kubectl call but the watch after this long: 90s, 5m, 1h, 0 for never (default ") +
                          kDefaultKubectlTimeout + ")");
  cluster->add_flag("--node-logs", c.node_logs,
                    "Also read containerd and kubelet journals of the nodes where pulls failed (node log query API)");
  cluster->add_option("--since", c.since, "Only what happened since then: 30m, 2h, 3d or an RFC 3339 time");
  cluster->add_flag("-w,--watch", c.watch, "Follow events as they come; a line per new failure and finding");
  cluster->add_option("--kubectl", c.kubectl, "kubectl binary (default: kubectl on PATH, or $KUBECTL)");

  // Installed as kubectl-pullscan, kubectl runs it as `kubectl pullscan ARGS`:
  // the same binary, the cluster command.
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string self = argv[0];
  if (self.substr(self.rfind('/') == std::string::npos ? 0 : self.rfind('/') + 1) == "kubectl-pullscan") {
    args.insert(args.begin(), "cluster");
    app.name("kubectl pullscan");
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes them last-first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    // CLI11's message quotes the offending argument: mask and escape it as
    // any other outside text. Help and --version go to stdout untouched.
    std::ostringstream message;
    int code = app.exit(e, std::cout, message);
    std::cerr << terminal_safe_lines(mask_secrets(message.str()));
    return code == 0 ? 0 : exit_error;
  }
  if (sql->parsed()) opt.command = Command::sql;
  else if (explain->parsed()) opt.command = Command::explain;
  else if (rules_list->parsed()) opt.command = Command::rules_list;
  else if (rules_check->parsed()) opt.command = Command::rules_check;
  else if (app.got_subcommand("formats")) opt.command = Command::formats;
  else if (cluster->parsed()) opt.command = Command::cluster;
  else if (version->parsed()) opt.command = Command::version;
  opt.scan.format = format;
  if (!year_text.empty()) {
    int year = 0;
    bool digits = year_text.size() <= 4 && year_text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) year = std::stoi(year_text);
    if (!digits || year < 1970 || year > 2200) {
      std::cerr << "pullscan: --year: expected a year from 1970 to 2200, got '"
                << terminal_safe(mask_secrets(year_text.substr(0, 40))) << (year_text.size() > 40 ? "...'\n" : "'\n");
      return exit_error;
    }
    opt.scan.year = year;
  }
  if (!tz.empty()) {
    opt.scan.utc_offset_s = parse_tz_offset(tz);
    if (!opt.scan.utc_offset_s) {
      std::cerr << "pullscan: --tz: expected UTC or +hh:mm, got '" << terminal_safe(mask_secrets(tz)) << "'\n";
      return exit_error;
    }
  }
  if (!max_bytes.empty()) {
    std::optional<uint64_t> n = parse_byte_size(max_bytes);
    if (!n || *n == 0) {
      std::cerr << "pullscan: --max-bytes: expected a size like 500M or 20G, got '" << terminal_safe(mask_secrets(max_bytes)) << "'\n";
      return exit_error;
    }
    opt.bundle.max_bytes = *n;
  }
  opt.stdin_is_terminal = isatty(STDIN_FILENO);
  if (isatty(STDERR_FILENO)) opt.bundle.progress = &std::cerr;
  // A signal that ends the run (Ctrl-C, kill, a closed pipe) removes the
  // database being written; the previous one stays.
  remove_unfinished_databases_on_signals();
  std::ios::sync_with_stdio(false);
  return run(opt, std::cin, std::cout, std::cerr);
}
