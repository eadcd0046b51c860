// Entry point and the only user of CLI11: it turns argv into Options, with
// each flag defined once with its help text, and hands them to run().
//
// Two command lines share the flags: `pullscan [flags] [files] [command]`, and
// the kubectl plugin, `kubectl pullscan [flags]` (this binary run as
// kubectl-pullscan), which reads the cluster and takes the cluster's and the
// report's flags, and nothing else. Both behave as kubectl users expect:
// flags may come before or after a command, `-n=shop` is `-n shop` (as
// kubectl's flag library reads it), a word no command takes is an error, not
// an input, and each message starts with `pullscan:`.
#include <CLI/CLI.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>

#include "cli/build_info.h"
#include "cli/completion.h"
#include "cli/run.h"
#include "parsers/parser.h"
#include "store/store.h"
#include "core/redact.h"
#include "core/text.h"

namespace {

using namespace pullscan;

// The name kubectl looks for on PATH: run under it, the binary is the plugin.
constexpr std::string_view kPluginName = "kubectl-pullscan";
// The name kubectl (1.26+) runs to complete the plugin's command line:
// run under it, the binary answers as `kubectl-pullscan __complete ARGS`.
constexpr std::string_view kPluginCompletionName = "kubectl_complete-pullscan";

// Every value -o takes somewhere; which command takes which is kOutputsOf.
const std::vector<std::string> kAllOutputs = {"text", "json", "yaml", "wide", "markdown", "csv"};

// The -o values each command writes; a value it does not write is an error,
// never a silent fallback to text.
const std::map<Command, std::vector<std::string>> kOutputsOf = {
    {Command::scan, {"text", "json", "yaml", "wide", "markdown"}},
    {Command::cluster, {"text", "json", "yaml", "wide", "markdown"}},
    {Command::explain, {"text", "json", "yaml", "wide", "markdown"}},
    {Command::sql, {"text", "json", "csv"}},
    {Command::version, {"text", "json", "yaml"}},
    {Command::formats, {"text"}},
    {Command::rules_list, {"text"}},
    {Command::rules_check, {"text"}},
};

// The text report's width when --width is not given.
constexpr size_t kDefaultWidth = 100;

// --color: when the text report is coloured by severity.
const std::vector<std::string> kColorModes = {"auto", "always", "never"};

// The width of the terminal the report goes to: the terminal's own
// (TIOCGWINSZ on stdout), then $COLUMNS (a shell's, or set by hand for a
// pipe), then kDefaultWidth.
size_t terminal_width() {
  struct winsize size {};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns && *columns) {
    char* end = nullptr;
    long n = std::strtol(columns, &end, 10);
    if (*end == '\0' && n > 0 && n < 10000) return static_cast<size_t>(n);
  }
  return kDefaultWidth;
}

// --color auto: only on a terminal, and not when the user said no colour
// (NO_COLOR set and not empty, no-color.org) or the terminal cannot show it
// (TERM=dumb). always and never are obeyed as said.
bool use_color(const std::string& mode) {
  if (mode != "auto") return mode == "always";
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && !(no_color && *no_color) && !(term && std::string_view(term) == "dumb");
}

std::string command_name(Command c) {
  switch (c) {
    case Command::scan: return "scan";
    case Command::sql: return "sql";
    case Command::explain: return "explain";
    case Command::rules_list: return "rules list";
    case Command::rules_check: return "rules check";
    case Command::formats: return "formats";
    case Command::cluster: return "cluster";
    case Command::version: return "version";
  }
  return "?";
}

// Outside text in a usage message: masked and escaped as any other.
std::string shown_argument(const std::string& text) { return "'" + terminal_safe(mask_secrets(text)) + "'"; }

// Flags of every command that prints a report.
void add_report_flags(CLI::App& app, Options& opt, std::string& color, const std::string& output_help) {
  app.add_option("-o,--output", opt.output, output_help)
      ->check(CLI::IsMember(kAllOutputs))
      ->default_val("text");
  app.add_flag("-q,--quiet", opt.quiet, "Print only the verdict line; the exit code is the report's");
  app.add_option("--db", opt.db, "SQLite file to write (default $XDG_STATE_HOME/pullscan/last.db)");
  app.add_flag("--no-db", opt.no_db, "Do not write a database");
  app.add_option("--rules", opt.rules_dir, "Directory of extra rules (*.yaml); same id overrides a built-in rule");
  app.add_flag("--explain", opt.explain, "Show which rules matched each finding's evidence and why the winner won");
  app.add_option("--width", opt.width, "Wrap the text report at this column (default: the terminal's width, else $COLUMNS, else 100)");
  app.add_option("--color", color, "Colour by severity: auto (on a terminal, unless NO_COLOR is set or TERM=dumb), always, never")
      ->check(CLI::IsMember(kColorModes))
      ->default_val("auto");
}

// Flags of the cluster scan (`pullscan cluster`, `kubectl pullscan`).
void add_cluster_flags(CLI::App& app, ClusterOptions& c) {
  if (const char* k = std::getenv("KUBECTL"); k && *k) c.kubectl = k;
  app.add_option("-n,--namespace", c.ns, "Namespace to read (default: the context's)");
  app.add_flag("-A,--all-namespaces", c.all_namespaces, "Read every namespace");
  app.add_option("--context", c.context, "kubeconfig context to use");
  app.add_option("--kubeconfig", c.kubeconfig, "kubeconfig file to use");
  app.add_option("--request-timeout", c.request_timeout,
                 std::string("kubectl's --request-timeout (default ") + kDefaultRequestTimeout + "; the watch: none)");
  app.add_option("--kubectl-timeout", c.kubectl_timeout,
                 std::string("Stop any kubectl call but the watch after this long: 90s, 5m, 1h, 0 for never (default ") +
                     kDefaultKubectlTimeout + ")");
  app.add_flag("--node-logs", c.node_logs,
               "Also read containerd and kubelet journals of the nodes where pulls failed (node log query API)");
  app.add_option("--since", c.since, "Only what happened since then: 30m, 2h, 3d or an RFC 3339 time");
  app.add_flag("-w,--watch", c.watch, "Follow events as they come; a line per new failure and finding");
  app.add_option("--kubectl", c.kubectl, "kubectl binary (default: kubectl on PATH, or $KUBECTL)");
}

// Every option of app and its subcommands, to find what a short letter is.
void collect_options(CLI::App& app, std::vector<CLI::Option*>& out) {
  for (CLI::Option* o : app.get_options()) out.push_back(o);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) collect_options(*sub, out);
}

// kubectl's flag library (pflag) reads `-n=shop` as `-n shop`; CLI11 would
// take the value `=shop`. Rewrites each `-X=VALUE` before a `--` into the
// form both read alike: `-X VALUE` for an option, and for a flag `-X` when
// VALUE is true (pflag's `-A=true`), nothing when it is false.
std::vector<std::string> pflag_short_values(CLI::App& app, std::vector<std::string> args) {
  std::vector<CLI::Option*> options;
  collect_options(app, options);
  auto is_flag = [&](char letter) {
    for (const CLI::Option* o : options)
      for (const std::string& s : o->get_snames())
        if (s.size() == 1 && s[0] == letter) return o->get_items_expected_max() == 0;
    return false;
  };
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.insert(out.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    if (a.size() >= 3 && a[0] == '-' && a[1] != '-' && a[2] == '=') {
      std::string letter = a.substr(0, 2), value = a.substr(3);
      if (!is_flag(a[1])) {
        out.push_back(letter);
        out.push_back(value);
        continue;
      }
      if (value == "true" || value == "1") {
        out.push_back(letter);
        continue;
      }
      if (value == "false" || value == "0") continue;
    }
    out.push_back(a);
  }
  return out;
}

// The values an option takes, for completion; empty when they are names
// the shell completes itself (files) or cannot be listed.
std::vector<std::string> option_values(const CLI::Option& option, const CLI::App& at) {
  const std::vector<std::string>& names = option.get_lnames();
  auto named = [&](std::string_view n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  if (named("output")) {
    if (at.get_name() == "sql") return kOutputsOf.at(Command::sql);
    if (at.get_name() == "version") return kOutputsOf.at(Command::version);
    return kOutputsOf.at(Command::scan);
  }
  if (named("color")) return kColorModes;
  if (named("format")) {
    std::vector<std::string> values = {"auto"};
    for (const FormatDesc& f : formats()) values.emplace_back(f.name);
    return values;
  }
  return {};
}

// Options whose value is a path: the shell completes file names for them.
bool takes_path(const CLI::Option& option) {
  for (const std::string& n : option.get_lnames())
    if (n == "db" || n == "rules" || n == "kubeconfig" || n == "kubectl") return true;
  return false;
}

// `__complete WORDS... CURRENT`: the candidates for CURRENT after WORDS, from
// the definitions of app (so a flag that does not exist is never offered),
// printed as `value<TAB>description` lines and a `:DIRECTIVE` line.
int complete_command_line(CLI::App& app, const std::vector<std::string>& words, std::ostream& out) {
  CLI::App* at = &app;
  const CLI::Option* wants_value = nullptr;
  // The option named by a word, on the command reached or above it (flags fall through).
  auto find_option = [&](const std::string& word) -> const CLI::Option* {
    for (CLI::App* a = at; a; a = a->get_parent())
      for (const CLI::Option* o : a->get_options())
        if (o->check_name(word)) return o;
    return nullptr;
  };
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& word = words[i];
    if (wants_value) {
      wants_value = nullptr;
      continue;
    }
    if (word.size() > 1 && word[0] == '-') {
      if (word.find('=') != std::string::npos) continue;
      const CLI::Option* o = find_option(word);
      if (o && o->get_items_expected_max() != 0 && !o->get_positional()) wants_value = o;
      continue;
    }
    for (CLI::App* sub : at->get_subcommands([](CLI::App*) { return true; }))
      if (sub->get_name() == word) {
        at = sub;
        break;
      }
  }
  const std::string current = words.empty() ? "" : words.back();
  std::vector<std::pair<std::string, std::string>> candidates;
  int directive = complete_no_file;
  if (wants_value) {
    for (const std::string& v : option_values(*wants_value, *at)) candidates.emplace_back(v, "");
    if (takes_path(*wants_value)) directive = complete_default;
  } else if (!current.empty() && current[0] == '-') {
    for (CLI::App* a = at; a; a = a->get_parent())
      for (const CLI::Option* o : a->get_options()) {
        if (o->get_positional() || o->get_group().empty()) continue;
        std::string description = o->get_description().substr(0, o->get_description().find('\n'));
        for (const std::string& n : o->get_lnames()) candidates.emplace_back("--" + n, description);
        for (const std::string& n : o->get_snames()) candidates.emplace_back("-" + n, description);
      }
  } else {
    for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; }))
      candidates.emplace_back(sub->get_name(), sub->get_description());
    // Where a positional takes paths (the inputs, a rules directory), file names fit too.
    if (!at->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty() && at->get_name() != "sql" &&
        at->get_name() != "explain" && at->get_name() != "completion")
      directive = complete_default;
    if (at->get_name() == "completion")
      for (std::string_view shell : kCompletionShells) candidates.emplace_back(shell, "");
  }
  for (const auto& [value, description] : candidates) {
    if (value.compare(0, current.size(), current) != 0) continue;
    out << value;
    if (!description.empty()) out << '\t' << description;
    out << '\n';
  }
  out << ':' << directive << '\n';
  return exit_ok;
}

// The hidden command the build runs to write the man page (pullscan.1).
constexpr std::string_view kManCommand = "__man";

// Text for roff: backslashes and hyphens escaped, no line starting a request.
std::string roff(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  for (size_t at = 0; at < out.size(); at = out.find('\n', at) == std::string::npos ? out.size() : out.find('\n', at) + 1)
    if (out[at] == '.' || out[at] == '\'') out.insert(at, "\\&");
  return out;
}

// One .TP entry per option of app that help lists.
void man_options(const CLI::App& app, std::ostream& out) {
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_positional() || o->get_group().empty()) continue;
    std::vector<std::string> names;
    for (const std::string& n : o->get_snames()) names.push_back("\\fB\\-" + roff(n) + "\\fR");
    for (const std::string& n : o->get_lnames()) names.push_back("\\fB\\-\\-" + roff(n) + "\\fR");
    out << ".TP\n" << join(names, ", ") << (o->get_items_expected_max() != 0 ? " \\fIVALUE\\fR" : "") << '\n'
        << roff(o->get_description()) << '\n';
  }
}

// pullscan(1), made at build time from the definitions that parse the
// command line, so it lists exactly the flags and commands the binary has.
int write_man_page(CLI::App& app, std::ostream& out) {
  const BuildInfo info = build_info();
  out << ".\\\" Generated by `pullscan " << kManCommand << "` at build time; do not edit.\n"
      << ".TH PULLSCAN 1 \"" << info.build_date.substr(0, 10) << "\" \"pullscan " << info.version << "\" \"User Commands\"\n"
      << ".SH NAME\npullscan, kubectl\\-pullscan \\- explain why Kubernetes image pulls fail\n"
      << ".SH SYNOPSIS\n.B pullscan\n[\\fIflags\\fR] [\\fIfiles\\fR...] [\\fIcommand\\fR]\n.br\n"
      << ".B kubectl pullscan\n[\\fIflags\\fR]\n"
      << ".SH DESCRIPTION\n" << roff(app.get_description()) << '\n'
      << ".SH OPTIONS\n";
  man_options(app, out);
  out << ".SH COMMANDS\n";
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    out << ".TP\n\\fB" << roff(sub->get_name()) << "\\fR\n" << roff(sub->get_description()) << '\n';
    for (const CLI::App* nested : sub->get_subcommands([](const CLI::App*) { return true; }))
      out << ".TP\n\\fB" << roff(sub->get_name() + " " + nested->get_name()) << "\\fR\n"
          << roff(nested->get_description()) << '\n';
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_options([](const CLI::Option* o) { return !o->get_positional() && !o->get_group().empty(); }).size() <= 1)
      continue;  // only --help
    out << ".SS \"" << roff(sub->get_name()) << " flags\"\n";
    man_options(*sub, out);
  }
  out << ".SH KUBECTL PLUGIN\nInstalled as \\fBkubectl\\-pullscan\\fR on PATH, the binary is the plugin: "
         "\\fBkubectl pullscan\\fR [\\fIflags\\fR] reads the cluster as \\fBpullscan cluster\\fR does and takes "
         "its flags and the report's (OPTIONS above, but not the inputs'), and \\fBkubectl pullscan version\\fR. "
         "Installed as \\fBkubectl_complete\\-pullscan\\fR, it completes the plugin's command line for kubectl.\n"
      << ".SH EXIT STATUS\n0: no failed pulls. 1: failed pulls (or pulls in back\\-off) found. "
         "2: a usage or fatal error, or no input could be read.\n"
      << ".SH ENVIRONMENT\n.TP\nNO_COLOR, TERM\nNo colour when NO_COLOR is set or TERM is dumb (\\-\\-color auto).\n"
      << ".TP\nCOLUMNS\nThe report's width when stdout is not a terminal and \\-\\-width is not given.\n"
      << ".TP\nXDG_STATE_HOME\nThe database goes to $XDG_STATE_HOME/pullscan/last.db unless \\-\\-db or \\-\\-no\\-db.\n"
      << ".TP\nKUBECTL\nThe kubectl binary of the cluster scan (\\-\\-kubectl).\n"
      << ".SH SEE ALSO\n\\fBkubectl\\fR(1), \\fBjournalctl\\fR(1), \\fBsqlite3\\fR(1); README.md of the source.\n";
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pullscan;
  Options opt;
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string self = argv[0];
  const std::string program = self.substr(self.rfind('/') == std::string::npos ? 0 : self.rfind('/') + 1);
  const bool completing_plugin = program == kPluginCompletionName;
  const bool plugin = program == kPluginName || completing_plugin;
  const bool completing = completing_plugin || (!args.empty() && args.front() == kCompleteCommand);
  if (completing && !completing_plugin) args.erase(args.begin());

  CLI::App app;
  if (plugin) app.option_defaults()->group("Flags");  // kubectl's word, in kubectl's help
  app.set_help_flag("-h,--help", "Print this help message and exit");
  app.set_version_flag("--version", version_line(build_info()));
  std::string color = "auto";
  add_report_flags(app, opt, color, plugin ? "Output format: text, json, yaml, wide (one row per finding), markdown (a ticket summary)"
                                : "Output format: text, json, yaml, wide (one row per finding), markdown (a ticket summary); sql: text, json, csv");
  CLI::App* version = app.add_subcommand("version", "Print the version, commit, build date and rules hash (-o json for a program)");
  std::string format = "auto", year_text, tz, max_bytes;
  CLI::App* sql = nullptr;
  CLI::App* explain = nullptr;
  CLI::App* rules_list = nullptr;
  CLI::App* rules_check = nullptr;
  CLI::App* formats_cmd = nullptr;
  CLI::App* cluster = nullptr;
  CLI::App* completion = nullptr;
  std::string completion_shell;
  if (plugin) {
    // kubectl runs it as `kubectl pullscan ARGS`: the cluster scan, its flags
    // on the top level, so help lists every one and says how it is typed.
    app.name("kubectl pullscan");
    app.description(
        "kubectl pullscan: why did that image pull fail? Reads the cluster's events and pod statuses (with --node-logs\n"
        "also the affected nodes' containerd and kubelet journals) and prints one verdict per failure with the fix.\n\n"
        "  kubectl pullscan -n shop\n"
        "  kubectl pullscan -A --node-logs --since 2h\n"
        "  kubectl pullscan -n shop -o json\n");
    app.get_formatter()->label("OPTIONS", "flags");
    app.get_formatter()->label("SUBCOMMAND", "command");
    add_cluster_flags(app, opt.cluster);
  } else {
    app.name("pullscan");
    app.description(
        "pullscan: why did that image pull fail? Reads containerd and kubelet journals, raw logs and\n"
        "pasted errors; prints one verdict per failure with the fix.\n\n"
        "  journalctl -u containerd -u kubelet --since -2h | pullscan\n"
        "  pullscan node1-journal.txt containerd.log kubelet.log\n"
        "  pullscan sql \"SELECT image, class, count(*) FROM attempts GROUP BY 1,2\"\n");
    app.add_option("files", opt.paths,
                   "Inputs: journal text, containerd/kubelet logs, events, pasted text (.gz ok), and support bundles "
                   "(directories, .tar[.gz|.xz|.zst], .zip). Default: stdin");
    app.add_option("--format", format, "Force the input format (see `pullscan formats`)")->default_val("auto");
    // Taken as text and checked below: CLI11's own conversion error would
    // come without the `pullscan:` every message starts with.
    app.add_option("--year", year_text, "Year for timestamps that have none (journal short, klog), 1970..2200");
    app.add_option("--tz", tz, "Zone of timestamps that have none, as UTC or +hh:mm");
    app.add_option("--threads", opt.scan.threads, "Threads per large input file (default: one per core)");
    app.add_option("--max-bytes", max_bytes,
                   "Stop reading a bundle after this many bytes of members, decompressed (e.g. 200G; default 64G)");
    app.add_option("--hold-events", opt.hold_events,
                   "Pull events to hold in memory for a single input read in time order (a long journal); "
                   "attempts that ended before them go to the database and leave memory. 0 = hold all")
        ->default_val(10000);
    app.add_flag("--follow", opt.follow,
                 "Follow a live stream (journalctl -f ... | pullscan --follow): a line per failed pull and per new or "
                 "growing finding as they happen, the full report at the end of input or on Ctrl-C");

    sql = app.add_subcommand("sql", "Query the last scan's database (read-only); -o json or csv for a program");
    sql->add_option("query", opt.sql, "SQL, e.g. \"SELECT class, count(*) FROM attempts GROUP BY 1\"")->required();
    sql->add_option("--db", opt.db, "Database to query (default: the last scan's)");
    explain = app.add_subcommand("explain", "Classify one pasted error text (argument or stdin)");
    explain->add_option("text", opt.text, "The error text; read from stdin when omitted");
    CLI::App* rules = app.add_subcommand("rules", "List or check rules");
    rules->require_subcommand(1);
    rules_list = rules->add_subcommand("list", "List every rule: id, class, priority, file:line");
    rules_check = rules->add_subcommand("check", "Validate a rules directory and its examples");
    rules_check->add_option("dir", opt.check_dir, "Rules directory")->required();
    formats_cmd = app.add_subcommand("formats", "List the input formats pullscan recognises");
    cluster = app.add_subcommand(
        "cluster", "Read a live cluster through kubectl (also installed as the kubectl plugin `kubectl pullscan`)");
    add_cluster_flags(*cluster, opt.cluster);
    completion = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
    completion->add_option("shell", completion_shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember(std::vector<std::string>(std::begin(kCompletionShells), std::end(kCompletionShells))));
  }
  // The top level's flags work after any command too (`pullscan explain -o
  // json TEXT`, `kubectl pullscan version -o json`).
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->fallthrough();
    for (CLI::App* nested : sub->get_subcommands([](CLI::App*) { return true; })) nested->fallthrough();
  }

  if (completing) return complete_command_line(app, args, std::cout);
  if (!plugin && args.size() == 1 && args.front() == kManCommand) return write_man_page(app, std::cout);
  args = pflag_short_values(app, std::move(args));
  std::reverse(args.begin(), args.end());  // CLI11 takes them last-first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    // Help and --version go to stdout untouched. An error's message quotes
    // the offending argument: masked and escaped as any other outside text,
    // each line said by pullscan.
    std::ostringstream message;
    int code = app.exit(e, std::cout, message);
    std::istringstream lines(message.str());
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) std::cerr << "pullscan: " << terminal_safe(mask_secrets(line)) << '\n';
    return code == 0 ? 0 : exit_error;
  }
  if (completion && completion->parsed()) {
    std::cout << *completion_script(completion_shell);
    return exit_ok;
  }
  if (version->parsed()) opt.command = Command::version;
  else if (plugin) opt.command = Command::cluster;
  else if (sql->parsed()) opt.command = Command::sql;
  else if (explain->parsed()) opt.command = Command::explain;
  else if (rules_list->parsed()) opt.command = Command::rules_list;
  else if (rules_check->parsed()) opt.command = Command::rules_check;
  else if (formats_cmd->parsed()) opt.command = Command::formats;
  else if (cluster->parsed()) opt.command = Command::cluster;

  // A word after a command that takes none went to the top level's inputs:
  // it is a typo or a command pullscan does not have, never something to read.
  if (opt.command != Command::scan && !opt.paths.empty()) {
    std::cerr << "pullscan: " << command_name(opt.command) << ": unexpected argument " << shown_argument(opt.paths.front())
              << " (see pullscan " << command_name(opt.command) << " --help)\n";
    return exit_error;
  }
  const std::vector<std::string>& outputs = kOutputsOf.at(opt.command);
  if (std::find(outputs.begin(), outputs.end(), opt.output) == outputs.end()) {
    std::cerr << "pullscan: " << (plugin && opt.command == Command::cluster ? "kubectl pullscan" : command_name(opt.command))
              << ": -o " << opt.output << " is not one of its formats (" << join(outputs, ", ") << ")\n";
    return exit_error;
  }
  if (opt.quiet && opt.output != "text") {
    std::cerr << "pullscan: -q prints the verdict line of the text report; it does not go with -o " << opt.output << '\n';
    return exit_error;
  }
  if (app.get_option("--width")->count() == 0) opt.width = terminal_width();
  opt.color = use_color(color);
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
