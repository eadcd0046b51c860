// The hot loop. A block of lines is searched for the pull literals as a
// whole; only the lines around a hit are cut out and decoded, and only pull
// events are kept, so memory grows with pulls, never with input. Two things
// need the lines that follow a hit whatever they contain: a klog multi-line
// `key=<` value (one journal entry per line) and a pasted error wrapped by a
// terminal; while either is open, every line goes to the decoder.
#include <algorithm>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "core/error_chain.h"
#include "core/image_ref.h"
#include "core/prefilter.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "parsers/decode.h"
#include "parsers/documents.h"
#include "parsers/parser.h"

namespace pullscan {

Event make_event(const LineContext& ctx, EventKind kind, Source source) {
  Event e;
  e.kind = kind;
  e.source = source;
  e.node = std::string(ctx.node);
  e.where = {ctx.input, ctx.line_no};
  e.time_ns = ctx.env_time_ns;
  e.time_flags = ctx.env_time_flags;
  e.line = redact(printable(ellipsize(ctx.raw, 4096)));
  return e;
}

namespace {

// kubelet tries each pull secret in turn and, when all fail, reports them
// together: `Failed to pull image "R": [rpc error: ..., rpc error: ...]`.
// Each element is one CRI PullImage call the runtime answered: one attempt.
int32_t calls_in_aggregate(std::string_view message) {
  constexpr std::string_view kOpen = "[rpc error: code = ", kElement = "rpc error: code = ";
  size_t open = message.find(kOpen);
  if (open == std::string_view::npos) return 1;
  int32_t n = 0;
  for (size_t p = open + 1; p != std::string_view::npos && n < 64; p = message.find(kElement, p + kElement.size())) ++n;
  return n;
}

}  // namespace

void set_message(Event& e, std::string_view message) {
  e.message = redact(ellipsize(trim(message), 16384));
  if (e.kind == EventKind::pull_failed && e.count <= 1) e.count = std::max<int32_t>(1, calls_in_aggregate(message));
  if (e.image.empty()) {
    std::string img = image_in_message(message);
    if (!img.empty()) e.image = normalize_image(img);
  }
}

namespace {

constexpr size_t kMaxPasteLines = 24;

// klog's header: `Lmmdd hh:mm:ss.uuuuuu ...` with L one of I, W, E, F.
bool klog_line(std::string_view s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return s.size() > 5 && std::string_view("IWEF").find(s[0]) != std::string_view::npos && digit(s[1]) && digit(s[4]) &&
         s[5] == ' ';
}

bool starts_new_record(std::string_view line) {
  Envelope env;
  if (strip_journal(line, env)) return true;
  if (is_logrus_text(line) || line.substr(0, 1) == "{") return true;
  if (klog_line(line)) return true;
  std::string_view t = trim(line);
  return t.rfind("Warning ", 0) == 0 || t.rfind("Normal ", 0) == 0;
}

constexpr std::string_view kBox = "\xE2\x94\x82";  // U+2502, the pane border of k9s and friends

std::string_view strip_box(std::string_view s) {
  while (s.substr(0, kBox.size()) == kBox) s = trim(s.substr(kBox.size()));
  while (s.size() >= kBox.size() && s.substr(s.size() - kBox.size()) == kBox)
    s = trim(s.substr(0, s.size() - kBox.size()));
  return s;
}

bool ends_in_box(std::string_view line) {
  line = trim(line);
  return line.size() >= kBox.size() && line.substr(line.size() - kBox.size()) == kBox;
}

// The text after a leading ISO timestamp (one or two tokens), when what
// follows is a klog header; else the input unchanged.
std::string_view after_viewer_timestamp(std::string_view s) {
  if (s.size() < 30 || s[0] < '0' || s[0] > '9' || s[4] != '-') return s;
  size_t p = s.find(' ');
  for (int tokens = 0; tokens < 2 && p != std::string_view::npos && p < 40; ++tokens) {
    std::string_view rest = s.substr(p + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (rest.size() > 6 && std::string_view("IWEF").find(rest[0]) != std::string_view::npos && rest[1] >= '0' &&
        rest[1] <= '9' && rest[5] == ' ')
      return rest;
    p = s.find(' ', p + 1);
  }
  return s;
}

// logrus level=error/warning/fatal (text, JSON or the terminal's ERRO[...]),
// or klog E/W/F in the unstructured form (cri-containerd, kubelet <= 1.20).
// Not structured klog: those are kubelet's 1.21+ messages, whose wordings are
// known (kubelet.cpp); its other error lines about a pull repeat a failure it
// reports in one that is read (the sandbox's four lines were four attempts).
bool error_level(std::string_view payload) {
  if (is_logrus_text(payload)) {
    size_t l = payload.rfind("level=", payload.find(" msg="));
    if (l == std::string_view::npos) return false;
    std::string_view v = payload.substr(l + 6, 5);
    return v == "error" || v == "warni" || v == "fatal";
  }
  if (!payload.empty() && payload.front() == '{')
    return payload.find("\"level\":\"error\"") != std::string_view::npos ||
           payload.find("\"level\":\"warning\"") != std::string_view::npos;
  if (klog_line(payload)) {
    size_t close = payload.find("] ");
    if (close != std::string_view::npos && close < 96 && payload.substr(close + 2, 1) == "\"") return false;
  }
  return !payload.empty() && (payload[0] == 'E' || payload[0] == 'W' || payload[0] == 'F');
}

// True if one of `words` starts a word of s outside a filesystem path. A
// word starts after a non-letter or at a camelCase step (`ErrImagePull`,
// `PullImage`), so `realpull` and `unpulled` do not count; a token that
// starts with '/' is a path (`write /tmp/realpull.x/.../metadata.db: no space
// left on device`, `/var/lib/registry/...`) whose directory names say where a
// file is, not what the line is about. Registry API paths (`/v2/`) are not
// file paths. Without these two limits a snapshot or GC line that names a
// path with "pull" in it was a pull failure whenever a mode let it reach the
// decoders (journalctl -o export/verbose/json-pretty read every line; -o
// short's prefilter never passed it).
bool says_word(std::string_view s, std::initializer_list<std::string_view> words) {
  auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto letter = [&](char c) { return lower(c) || upper(c); };
  auto delimiter = [](char c) { return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '=' || c == '(' || c == '['; };
  for (size_t i = 0; i < s.size(); ++i) {
    const bool token_start = i == 0 || delimiter(s[i - 1]);
    if (token_start && s[i] == '/' && s.substr(i, 4) != "/v2/") {
      while (i + 1 < s.size() && !delimiter(s[i + 1]) && s[i + 1] != ':') ++i;  // skip the path
      continue;
    }
    const bool word_start = i == 0 || !letter(s[i - 1]) || (lower(s[i - 1]) && upper(s[i]));
    for (std::string_view w : words)
      if ((word_start || !letter(w.front())) && s.substr(i, w.size()) == w) return true;
  }
  return false;
}

bool mentions_pull(std::string_view s) {
  return says_word(s, {"pull", "Pull", "image", "manifest", "registry", "docker://", "/v2/"});
}

// Stricter, for a program's own log lines: image garbage collection
// (`RemoveImage ... failed`, `ImageStatus ... not found`) and the API
// server's outages (`Failed to ensure lease exists`) are about images or
// errors, but not about a pull.
bool about_pulling(std::string_view s) {
  return says_word(s, {"pull", "Pull", "manifest", "registry", "docker://", "/v2/"});
}

// A line a program wrote (klog, logrus, or anything under a journal
// envelope), as opposed to pasted prose or a kubectl table.
bool program_line(std::string_view payload, std::string_view ident) {
  return !ident.empty() || is_logrus_text(payload) || klog_line(payload);
}

// A wrapped line is cut mid-sentence; one that ends a sentence is complete.
bool ends_sentence(std::string_view line) {
  line = trim(line);
  return !line.empty() && std::string_view(".)]\"'").find(line.back()) != std::string_view::npos;
}

class InputScanner {
 public:
  InputScanner(uint32_t input, const ScanOptions& opt, std::vector<Event>& out, InputClock& clock)
      : input_(input), opt_(opt), out_(out), clock_(clock), node_hint_(opt.node_hint) {}

  // Pasted text is small and has no envelope to key on, and a document spans
  // lines: every line is read.
  bool wants_next() const {
    return free_text_ || (doc_mode_ != DocMode::none && doc_mode_ != DocMode::json_lines) ||
           (json_docs_ && json_docs_->in_value()) ||
           !split_.empty() || !ml_pending_.empty() || paste_event_ >= 0;
  }

  void set_free_text(bool on) { free_text_ = on; }
  void set_program_log(bool on) { program_log_ = on; }

  // Documents: JSON values that may span lines, or a YAML stream read whole.
  enum class DocMode { none, json_lines, all_lines, yaml, export_records, verbose_records };
  void set_doc_mode(std::string_view format) {
    if (format == "journal-export") doc_mode_ = DocMode::export_records;
    else if (format == "journal-verbose") doc_mode_ = DocMode::verbose_records;
    else if (format == "journal-json") doc_mode_ = DocMode::json_lines;
    else if (format == "journal-json-pretty" || format == "k8s-json") doc_mode_ = DocMode::all_lines;
    else if (format == "k8s-yaml") doc_mode_ = DocMode::yaml;
    if (doc_mode_ == DocMode::json_lines || doc_mode_ == DocMode::all_lines)
      json_docs_.emplace(
          out_, doc_state_, [this](std::string_view raw, uint64_t line) { return context(raw, line); },
          [this](size_t first_new, std::vector<JournalEntry>& entries, uint64_t line) {
            note_exact_year(first_new);
            for (const JournalEntry& j : entries) decode_journal_entry(j, line);
          });
  }

  // A JSON document's over-long line is read whole, in pieces (BlockReader::keep_long_lines).
  bool reads_long_lines() const { return json_docs_.has_value(); }
  // One piece of an over-long line; false if it is not part of a JSON document.
  bool on_line_piece(std::string_view piece, uint64_t line_no, bool first_piece) {
    return json_docs_ && json_docs_->feed_piece(piece, line_no, first_piece);
  }

  // Problems only the whole input shows (dropped journal messages).
  std::vector<std::string> notes() const {
    std::vector<std::string> n;
    if (doc_state_.null_messages)
      n.push_back(fmt::format("{} journal entries have MESSAGE null: journalctl drops fields of 4 KiB or more "
                              "(kubelet's &Container dumps) unless run with -a; their text is lost",
                              doc_state_.null_messages));
    if (doc_state_.byte_messages)
      n.push_back(fmt::format("{} journal entries have MESSAGE as a byte array (not UTF-8); decoded as bytes",
                              doc_state_.byte_messages));
    return n;
  }

  void set_node_hint(std::string_view host) { node_hint_ = std::string(host); }

  void on_line(std::string_view line, uint64_t line_no) {
    const size_t before = out_.size();
    read_line(line, line_no);
    track_host_tries(before);
  }

  void finish() {
    const size_t before = out_.size();
    finish_reading();
    track_host_tries(before);
    fail_unfinished_tries();
  }

 private:
  void read_line(std::string_view line, uint64_t line_no) {
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    if (doc_mode_ != DocMode::none && on_document_line(line, line_no)) return;
    // A NUL is never in a log line: the line is binary junk (scan_input says
    // so once per input and counts it as unreadable), not a pull to decode
    // and print. Documents decide for themselves (journal export fields are binary).
    if (std::memchr(line.data(), '\0', line.size())) return;
    if (!split_.empty() && continue_split(line)) return;
    if (!ml_pending_.empty() && continue_multiline(line, line_no)) return;
    if (paste_event_ >= 0 && continue_paste(line)) return;
    decode(line, line_no);
  }

  void finish_reading() {
    flush_record();
    if (!split_.empty()) continue_split({});
    if (!ml_pending_.empty()) close_multiline({});
    paste_event_ = -1;
    if (doc_mode_ == DocMode::yaml && !doc_buf_.empty()) {
      LineContext ctx = context("", doc_first_line_);
      std::vector<JournalEntry> entries;
      std::string error;
      size_t before = out_.size();
      if (!decode_yaml_documents(doc_buf_, ctx, out_, entries, doc_state_, error)) doc_error_ = error;
      note_exact_year(before);
      doc_buf_.clear();
    }
    if (json_docs_) json_docs_->finish();
  }



 public:
  const std::string& document_error() const { return doc_error_; }
  std::vector<DocumentProblem> document_problems() const {
    return json_docs_ ? json_docs_->problems() : std::vector<DocumentProblem>{};
  }

 private:
  LineContext context(std::string_view line, uint64_t line_no) {
    LineContext ctx;
    ctx.input = input_;
    ctx.line_no = line_no;
    ctx.raw = line;
    ctx.node = node_hint_;
    ctx.free_text = free_text_;
    ctx.is_pull_error = &opt_.is_pull_error;
    return ctx;
  }

  // journalctl -o export / -o verbose: one field per line.
  bool on_record_line(std::string_view line, uint64_t line_no) {
    bool verbose = doc_mode_ == DocMode::verbose_records;
    bool header = verbose && line.size() > 30 && line[0] != ' ' && line.find(" [s=") != std::string_view::npos;
    if (line.empty() || header) {
      flush_record();
      if (header) {
        record_first_line_ = line_no;
        Envelope env;
        // The header's time: `Wed 2024-05-01 12:00:00.123456 UTC [s=...]`.
        std::string fake = std::string(line.substr(0, line.find(" [s="))) + " h x: ";
        if (strip_journal(fake, env) && (env.time_flags & time_has_zone)) record_.time_ns = env.time_ns;
      }
      return true;
    }
    if (!record_open_) {
      record_open_ = true;
      record_first_line_ = line_no;
    }
    std::string_view field = verbose ? trim(line) : line;
    size_t eq = field.find('=');
    std::string_view key = field.substr(0, eq);
    if (eq == std::string_view::npos) {
      // A binary field (`FIELD` then length and bytes): its text is not readable here.
      if (key == "MESSAGE") ++doc_state_.byte_messages;
      return true;
    }
    std::string_view value = field.substr(eq + 1);
    if (key == "MESSAGE") record_.message = std::string(value.substr(0, 65536));
    else if (key == "_HOSTNAME") record_.host = std::string(value);
    else if (key == "SYSLOG_IDENTIFIER") record_.ident = std::string(value);
    else if (key == "__REALTIME_TIMESTAMP") {
      if (auto us = parse_uint(value); us && *us < 7258118400000000LL) record_.time_ns = *us * 1000;
    }
    record_open_ = true;
    return true;
  }

  void flush_record() {
    if (record_open_ && !record_.message.empty()) decode_journal_entry(record_, record_first_line_);
    record_ = JournalEntry{};
    record_open_ = false;
  }

  // Feeds a line to the document reader; false when it belongs to no document.
  bool on_document_line(std::string_view line, uint64_t line_no) {
    if (doc_mode_ == DocMode::export_records || doc_mode_ == DocMode::verbose_records)
      return on_record_line(line, line_no);
    if (doc_mode_ == DocMode::yaml) {
      if (doc_buf_.size() > kMaxDocumentBytes) return true;
      if (doc_buf_.empty()) doc_first_line_ = line_no;
      doc_buf_.append(line);
      doc_buf_.push_back('\n');
      return true;
    }
    // JSON: values (and the items of large lists) found and decoded as they end.
    return json_docs_ && json_docs_->feed_line(line, line_no);
  }

  // Kubernetes objects carry RFC 3339 times: their year is the run's for the
  // inputs that have none (a kubelet-only journal next to an events list).
  void note_exact_year(size_t first_new) {
    if (clock_.saw_exact_year) return;
    for (size_t i = first_new; i < out_.size(); ++i)
      if (out_[i].time_ns && (out_[i].time_flags & time_has_year)) {
        clock_.saw_exact_year = true;
        clock_.exact_year = year_of(out_[i].time_ns);
        return;
      }
  }

  // A journal JSON entry's MESSAGE goes where a short-mode payload goes.
  void decode_journal_entry(const JournalEntry& j, uint64_t line_no) {
    if (j.message.empty()) return;
    LineContext ctx = context(j.message, line_no);
    ctx.node = j.host;
    if (j.time_ns) {
      ctx.env_time_ns = j.time_ns;
      ctx.env_time_flags = time_has_date | time_has_year | time_has_zone;
      clock_.saw_exact_year = true;
      clock_.exact_year = year_of(j.time_ns);
    }
    decode_payload(j.message, ctx, j.ident, j.message);
  }

  void decode(std::string_view line, uint64_t line_no) {
    if (line.empty()) return;
    LineContext ctx = context(line, line_no);
    std::string_view payload = line;
    Envelope env;
    if (strip_journal(line, env)) {
      ctx.node = env.host;
      ctx.env_time_ns = env.time_ns;
      ctx.env_time_flags = env.time_flags;
      payload = env.payload;
      if (env.time_flags & time_has_year) {
        clock_.saw_exact_year = true;
        clock_.exact_year = year_of(env.time_ns);
      }
    } else if (is_journal_noise(line)) {
      return;
    } else if (free_text_) {
      if (describe_header(line)) return;
      payload = strip_box(trim(line));
    }
    // A terminal session: the command typed, or the CLI's header, names the
    // image of the failures printed after it, which often do not.
    if (free_text_)
      if (std::string named = image_named_by_session(payload); !named.empty() && !names_less_than_session(named))
        session_image_ = normalize_image(named);
    if (starts_with_lit(payload, "Running on machine:")) {
      node_hint_ = std::string(trim(payload.substr(19)));
      return;
    }
    // journald splits a line longer than LineMax (48 KiB by default) into
    // entries of exactly that size: hold such a piece until the rest comes.
    if (!env.ident.empty() && payload.size() >= kLineMax) {
      if (split_.empty()) {
        split_line_ = line_no;
        split_ctx_line_.assign(line.substr(0, 4096));
        split_host_.assign(env.host);
        split_ident_.assign(env.ident);
        split_time_ = env.time_ns;
        split_flags_ = env.time_flags;
      }
      split_.append(payload);
      return;
    }
    size_t before = out_.size();
    decode_payload(payload, ctx, env.ident, line);
    adopt_session_image(before);
  }

  // A CLI header that names a shorter form of the image the command named:
  // docker prints `v1.26.9: Pulling from kube-scheduler` for `docker pull
  // registry.k8s.io/kube-scheduler:v1.26.9`. The registry it leaves out is
  // not Docker Hub, so the command's fuller name stays.
  bool names_less_than_session(std::string_view named) const {
    if (session_image_.empty()) return false;
    std::string_view first = named.substr(0, named.find('/'));
    bool names_registry = named.find('/') != std::string_view::npos &&
                          (first.find_first_of(".:") != std::string_view::npos || first == "localhost");
    if (names_registry) return false;
    ImageRef mine, session;
    if (!parse_image_ref(named, mine) || !parse_image_ref(session_image_, session)) return false;
    std::string_view path = named.substr(0, named.find_first_of(":@"));
    bool same_tail = session.path == path || session.path.ends_with("/" + std::string(path));
    bool same_version = (mine.tag == session.tag || (mine.tag == "latest" && named.find(':') == std::string_view::npos)) &&
                        (mine.digest.empty() || mine.digest == session.digest);
    return same_tail && same_version && session.registry != "docker.io";
  }

  // Events of a paste that name no image take the one the session named; a
  // tagless name (normalised to :latest) takes the command's tag when the
  // repository is the same, since the CLI often prints the repository only.
  void adopt_session_image(size_t first_new) {
    if (!free_text_ || session_image_.empty()) return;
    for (size_t i = first_new; i < out_.size(); ++i) {
      Event& e = out_[i];
      if (e.image.empty()) {
        e.image = session_image_;
        continue;
      }
      ImageRef mine, session;
      if (parse_image_ref(e.image, mine) && parse_image_ref(session_image_, session) && mine.tag == "latest" &&
          mine.digest.empty() && session.tag != "latest" && mine.repository() == session.repository())
        e.image = session_image_;
    }
  }

  // The rest of a split line, or the end of one: decode the joined text.
  bool continue_split(std::string_view line) {
    Envelope env;
    bool same = strip_journal(line, env) && env.host == split_host_ && env.ident == split_ident_;
    if (same) split_.append(env.payload);
    std::string joined = std::move(split_);
    split_.clear();
    LineContext ctx = context(split_ctx_line_, split_line_);
    ctx.node = split_host_;
    ctx.env_time_ns = split_time_;
    ctx.env_time_flags = split_flags_;
    decode_payload(joined, ctx, split_ident_, split_ctx_line_);
    return same && env.payload.size() < kLineMax;
  }

  // The program decoders, then the free-text reader, on one message.
  void decode_payload(std::string_view payload, LineContext& ctx, std::string_view ident, std::string_view line) {
    size_t before = out_.size();
    std::vector<TimeSample> samples;
    bool known = false;
    if (is_logrus_text(payload)) {
      known = decode_containerd_text(payload, ctx, out_, samples);
    } else if (!payload.empty() && payload.front() == '{') {
      known = decode_containerd_json(payload, ctx, out_, samples) || decode_kubelet_json(payload, ctx, out_);
    } else if (starts_with_lit(payload, "\x1b[") || (payload.size() > 5 && payload[4] == '[' &&
                                                   std::string_view("EWIDTFP").find(payload[0]) != std::string_view::npos)) {
      known = decode_containerd_tty(payload, ctx, out_, samples);
    } else {
      std::string continuation;
      known = decode_kubelet(payload, ctx, out_, continuation);
      if (!known) {
        // A log viewer's own timestamp glued in front of the klog header
        // (`2024-05-01T12:00:00.123Z E0501 12:00:00.123456 ...`).
        std::string_view rest = after_viewer_timestamp(payload);
        if (rest.size() != payload.size()) known = decode_kubelet(rest, ctx, out_, continuation);
      }
      if (!continuation.empty()) {
        ml_pending_ = std::move(continuation);
        ml_body_.clear();
        ml_ident_ = std::string(ident);
        ml_ctx_line_ = std::string(line);
        ml_ctx_ = ctx;
        // The record may end in a later block, after this line's buffer is reused.
        ml_node_ = std::string(ctx.node);
        ml_ctx_.node = {};
        ml_ctx_.raw = {};
        ml_lines_ = 0;
        return;
      }
    }
    // A program's own exact timestamp (containerd's RFC 3339 `time=`, kubelet
    // JSON's epoch `ts`) gives the year of the input's year-less lines (klog,
    // in a bare mixed log) even with no journal prefix to pair it with:
    // before the file's modification time, as the README promises.
    note_exact_year(before);
    // Only the first pairing is used (resolve_times): keeping one per line would grow with the input.
    if (clock_.samples.empty() && !samples.empty()) clock_.samples.emplace_back(samples.front().naive_local_ns, samples.front().utc_ns);
    if (!samples.empty() && !ctx.node.empty() && clock_.host_samples.size() < InputClock::kMaxHostClocks)
      clock_.host_samples.try_emplace(std::string(ctx.node), samples.front().naive_local_ns, samples.front().utc_ns);
    // An error-level line of a program no decoder knows the wording of
    // (dockerd, CRI-O, a CLI run under systemd, containerd's ctr) that holds a
    // pull error leaf is still evidence.
    // (In a paste, a CLI's terminal line such as crictl's `FATA[0003] failed
    // commit on ref ...` counts without naming the pull.)
    if (known && !program_log_ && out_.size() == before && (error_level(payload) || payload.find("rror pulling") != std::string_view::npos) &&
        (about_pulling(payload) || (free_text_ && !program_line(payload, ident))) && is_pull_error_text(ctx, payload)) {
      known = false;
      ctx.free_text = true;
    }
    // Plain text under a journal envelope (dockerd, a CLI in a unit): the
    // same, when it is about a pull.
    // (Not in a program's log found in a bundle: there only a statement that a
    // pull failed counts, never an error that merely mentions a registry.)
    if (!known && !free_text_ && !program_log_ && mentions_pull(payload)) ctx.free_text = true;
    // Even in a paste, a program's line that is not about a pull is not one
    // (kubelet's lease errors during an API outage, image garbage collection).
    if (!known && free_text_ && program_line(payload, ident) && !about_pulling(payload)) return;
    if (!known && out_.size() == before) {
      bool open_ended = false;
      // In pasted text a failure's message may go on over the next lines
      // (terminal or ticket wrapping) even when it does not end in ':'.
      bool made = decode_pasted(payload, ctx, out_, open_ended) && out_.size() > before;
      if (made && !describe_.ns.empty())
        for (size_t i = before; i < out_.size(); ++i) {
          Event& e = out_[i];
          if (e.source != Source::event || !e.pod.empty()) continue;
          e.pod = describe_.pod;
          e.ns = describe_.ns;
          if (e.node.empty()) e.node = describe_.node;
        }
      if (made && (open_ended || (free_text_ && out_.back().kind == EventKind::pull_failed))) {
        paste_event_ = static_cast<int64_t>(out_.size() - 1);
        paste_line_ = out_.back().where.line;
        paste_text_ = out_.back().message;
        paste_lines_ = 0;
        paste_hard_wrap_ = ends_in_box(line);
        paste_complete_ = ends_sentence(line);
      }
    }
  }

  // `kubectl describe pod`'s header: its Events rows name no pod, namespace
  // or node, but the header above them does. Kept once both Name and
  // Namespace are seen (a node's describe has no Namespace).
  bool describe_header(std::string_view line) {
    auto value = [&](std::string_view key) -> std::optional<std::string_view> {
      if (line.substr(0, key.size()) != key) return std::nullopt;
      std::string_view v = trim(line.substr(key.size()));
      if (v.empty() || v.find(' ') != std::string_view::npos) return std::nullopt;
      return v;
    };
    if (auto name = value("Name:")) {
      describe_ = {};
      describe_name_ = std::string(*name);
      return true;
    }
    if (auto ns = value("Namespace:"); ns && !describe_name_.empty()) {
      describe_.pod = describe_name_;
      describe_.ns = std::string(*ns);
      return true;
    }
    if (auto node = value("Node:"); node && !describe_.ns.empty()) {
      if (*node != "<none>") describe_.node = std::string(node->substr(0, node->find('/')));
      return true;
    }
    return false;
  }

  // Lines of a klog `key=<` block: TAB-indented (8 spaces after journalctl),
  // closed by ` >` and the remaining key=values.
  bool continue_multiline(std::string_view line, uint64_t) {
    std::string_view payload = line;
    Envelope env;
    if (strip_journal(line, env)) {
      // Another unit's entry between two entries of the block.
      if (env.ident != ml_ident_) return false;
      payload = env.payload;
    }
    if (payload.substr(0, 2) == " >") {
      close_multiline(payload.substr(2));
      return true;
    }
    if (!payload.empty() && (payload[0] == '\t' || payload.substr(0, 8) == "        ") && ml_lines_ < 256) {
      payload.remove_prefix(payload[0] == '\t' ? 1 : 8);
      if (!ml_body_.empty()) ml_body_.push_back('\n');
      ml_body_.append(payload.substr(0, 65536));
      ++ml_lines_;
      return true;
    }
    close_multiline({});
    return false;
  }

  void close_multiline(std::string_view tail) {
    LineContext ctx = ml_ctx_;
    ctx.raw = ml_ctx_line_;
    ctx.node = ml_node_;
    finish_kubelet_multiline(ml_pending_, ml_body_, tail, ctx, out_);
    ml_pending_.clear();
    ml_body_.clear();
  }

  // A pasted error whose text went on over the next lines.
  bool continue_paste(std::string_view line) {
    std::string_view t = strip_box(trim(line));
    std::string_view so_far = trim(paste_text_);
    bool dangling = so_far.empty() || so_far.back() == ':';  // the message has not started or stops mid-chain
    // Between blocks the caller may drop older events (attempts that ended
    // leave memory): find the paste's event again by its line.
    if (paste_event_ >= 0 && (static_cast<size_t>(paste_event_) >= out_.size() ||
                              out_[static_cast<size_t>(paste_event_)].where.line != paste_line_)) {
      int64_t found = -1;
      for (size_t k = out_.size(); k-- > 0 && out_.size() - k <= 64;)
        if (out_[k].where.line == paste_line_) {
          found = static_cast<int64_t>(k);
          break;
        }
      paste_event_ = found;
    }
    if (t.empty() || starts_new_record(line) || paste_lines_ >= kMaxPasteLines || paste_event_ < 0 ||
        (free_text_ && !dangling && !paste_hard_wrap_ && (begins_pasted_record(t) || paste_complete_))) {
      paste_event_ = -1;
      return false;
    }
    Event& e = out_[static_cast<size_t>(paste_event_)];
    // A line cut by a box-drawing pane (k9s, tmux) was split mid-word.
    while (paste_hard_wrap_ && !paste_text_.empty() && paste_text_.back() == ' ') paste_text_.pop_back();
    if (!paste_hard_wrap_ && !paste_text_.empty() && paste_text_.back() != ' ') paste_text_.push_back(' ');
    paste_hard_wrap_ = ends_in_box(line);
    paste_complete_ = ends_sentence(line);
    paste_text_.append(redact(t));  // masked line by line: joined, a YAML `token:` line loses its line start
    // The session's image stood in for one the message had not named yet.
    if (!session_image_.empty() && e.image == session_image_)
      if (std::string named = image_in_message(paste_text_); !named.empty()) e.image = normalize_image(named);
    set_message(e, paste_text_);
    e.line = redact(printable(ellipsize(e.line + " " + redact(t), 4096)));
    ++paste_lines_;
    std::string_view m = trim(paste_text_);
    if (!free_text_ && (m.empty() || m.back() != ':')) paste_event_ = -1;
    return true;
  }

  // Per-host tries (containerd's `trying next host`, dockerd's `Attempting
  // next endpoint`) whose pull began before the input did: ctr prints one per
  // host and then its final error, and a journal may be cut before
  // `PullImage ... failed`. Per node, the last such try not followed by an
  // outcome; a pull whose start is in view is that pull's attempt already.
  struct HostTries {
    bool pull_open = false;  // a start seen and no outcome since
    std::optional<Event> orphan;
  };
  void track_host_tries(size_t first_new) {
    for (size_t i = first_new; i < out_.size(); ++i) {
      const Event& e = out_[i];
      auto it = host_tries_.find(e.node);
      if (it == host_tries_.end()) {
        if (host_tries_.size() >= InputClock::kMaxHostClocks) continue;
        it = host_tries_.emplace(e.node, HostTries{}).first;
      }
      HostTries& t = it->second;
      switch (e.kind) {
        case EventKind::pull_started: t.pull_open = true; break;
        case EventKind::pull_failed:
        case EventKind::pull_succeeded:
        case EventKind::pull_stalled:
          t = HostTries{};
          break;
        case EventKind::host_failed:
          if (!t.pull_open) t.orphan = e;
          break;
        default: break;
      }
    }
  }
  // At the end of the input, each node's unfinished tries are one failed
  // pull with the last host's cause (not one per host, not none): the input
  // ends before the pull's own outcome.
  void fail_unfinished_tries() {
    for (auto& [node, t] : host_tries_) {
      if (!t.orphan) continue;
      Event e = std::move(*t.orphan);
      e.kind = EventKind::pull_failed;
      if (e.image.empty() && free_text_ && !session_image_.empty()) e.image = session_image_;
      out_.push_back(std::move(e));
    }
    host_tries_.clear();
  }
  std::map<std::string, HostTries> host_tries_;

  uint32_t input_;
  const ScanOptions& opt_;
  std::vector<Event>& out_;
  InputClock& clock_;
  std::string node_hint_;
  std::string session_image_;  // the image the pasted session's last command or CLI header named
  std::string ml_pending_, ml_body_, ml_ident_, ml_ctx_line_, ml_node_;
  LineContext ml_ctx_;
  size_t ml_lines_ = 0;
  int64_t paste_event_ = -1;
  uint64_t paste_line_ = 0;  // its line, to find it again if events before it were dropped
  std::string paste_text_;
  size_t paste_lines_ = 0;
  bool paste_hard_wrap_ = false;
  bool paste_complete_ = false;  // the last line of the open paste ended a sentence
  static constexpr size_t kMaxDocumentBytes = 256u << 20;
  DocMode doc_mode_ = DocMode::none;
  std::string doc_buf_, doc_error_;
  uint64_t doc_first_line_ = 0;
  DocumentState doc_state_;
  std::optional<JsonDocumentReader> json_docs_;
  static constexpr size_t kLineMax = 48 * 1024;  // journald's default LineMax=48K
  std::string split_, split_ctx_line_, split_host_, split_ident_;
  uint64_t split_line_ = 0;
  int64_t split_time_ = 0;
  uint8_t split_flags_ = 0;
  JournalEntry record_;
  bool record_open_ = false;
  uint64_t record_first_line_ = 0;
  bool free_text_ = false;
  bool program_log_ = false;  // InputRole::program_log
  struct DescribedPod {
    std::string pod, ns, node;
  } describe_;                 // the `kubectl describe pod` header in force
  std::string describe_name_;  // its Name:, until Namespace: confirms a pod
};

// The first lines tell the format and, for klog files, the node.
constexpr size_t kSnippetLines = 40;

void read_head(std::string_view text, bool whole, const ScanOptions& opt, InputInfo& info, InputScanner& scanner) {
  std::string_view head = text.substr(0, 64 * 1024);
  info.format = opt.format == "auto" ? sniff_format(head) : opt.format;
  // A few lines of anything (the whole input fits in the head) are a paste:
  // read them all, and let a bare error leaf count.
  bool snippet = whole && count_newlines(text) <= kSnippetLines;
  bool document = info.format.find("json") != std::string::npos || info.format == "k8s-yaml" ||
                  info.format == "journal-export" || info.format == "journal-verbose";
  // A pod's log or a command's output in a bundle is a program's log, not a
  // paste: its bare errors (a database check, a secret listing) are not pulls.
  scanner.set_free_text(!document && opt.role == InputRole::as_given && (info.format == "text" || snippet));
  scanner.set_program_log(opt.role == InputRole::program_log);
  scanner.set_doc_mode(info.format);
  size_t p = head.find("Running on machine: ");
  if (p != std::string_view::npos && p < 4096) {
    size_t e = head.find('\n', p);
    scanner.set_node_hint(trim(head.substr(p + 20, e == std::string_view::npos ? std::string_view::npos : e - p - 20)));
  }
}

void report_documents(const InputScanner& scanner, InputInfo& info, Diagnostics& diag) {
  if (!scanner.document_error().empty()) {
    diag.warn(info.path, 0, scanner.document_error());
    ++info.skipped;
  }
  for (const DocumentProblem& p : scanner.document_problems()) {
    diag.warn(info.path, p.line, p.what);
    ++info.skipped;
  }
  for (const std::string& note : scanner.notes()) diag.warn(info.path, 0, note);
}

// A line inside a klog `key=<` value: TAB-indented (8 spaces after
// journalctl), under a journal envelope or bare.
bool klog_continuation(std::string_view line) {
  if (!line.empty() && line[0] == '\t') return true;
  size_t colon = line.substr(0, 256).find("]: ");
  if (colon == std::string_view::npos) return false;
  std::string_view payload = line.substr(colon + 3);
  return (!payload.empty() && payload[0] == '\t') || payload.substr(0, 8) == "        ";
}

void scan_block(std::string_view text, uint64_t first_line, const LiteralPrefilter& pre, InputScanner& scanner) {
  size_t pos = 0;
  uint64_t line_at_pos = first_line;
  while (pos < text.size()) {
    if (scanner.wants_next()) {
      const char* nl = static_cast<const char*>(std::memchr(text.data() + pos, '\n', text.size() - pos));
      size_t end = nl ? static_cast<size_t>(nl - text.data()) : text.size();
      scanner.on_line(text.substr(pos, end - pos), line_at_pos);
      pos = end + 1;
      ++line_at_pos;
      continue;
    }
    size_t hit = pre.find(text, pos);
    if (hit == std::string_view::npos) return;
    const void* back = hit > pos ? memrchr(text.data() + pos, '\n', hit - pos) : nullptr;
    size_t start = back ? static_cast<size_t>(static_cast<const char*>(back) - text.data()) + 1 : pos;
    line_at_pos += count_newlines(text.substr(pos, start - pos));
    const char* nl = static_cast<const char*>(std::memchr(text.data() + hit, '\n', text.size() - hit));
    size_t end = nl ? static_cast<size_t>(nl - text.data()) : text.size();
    // The literal was inside a klog `err=<` value whose head line has none
    // (`"Unhandled Error" err=<`): read from the head, up to 64 lines back.
    if (klog_continuation(text.substr(start, end - start))) {
      size_t head = start;
      uint64_t back_lines = 0;
      while (head > pos && back_lines < 64) {
        const void* prev = head - 1 > pos ? memrchr(text.data() + pos, '\n', head - 1 - pos) : nullptr;
        size_t prev_start = prev ? static_cast<size_t>(static_cast<const char*>(prev) - text.data()) + 1 : pos;
        std::string_view prev_line = text.substr(prev_start, head - 1 - prev_start);
        while (!prev_line.empty() && prev_line.back() == '\r') prev_line.remove_suffix(1);
        ++back_lines;
        head = prev_start;
        if (prev_line.size() >= 2 && prev_line.substr(prev_line.size() - 2) == "=<") {
          for (uint64_t n = back_lines; head < start; --n) {
            size_t e = text.find('\n', head);
            scanner.on_line(text.substr(head, e - head), line_at_pos - n);
            head = e + 1;
          }
          break;
        }
        if (!klog_continuation(prev_line)) break;
      }
    }
    scanner.on_line(text.substr(start, end - start), line_at_pos);
    pos = end + 1;
    ++line_at_pos;
  }
}

}  // namespace

void scan_input(BlockReader& reader, uint32_t input_index, const ScanOptions& opt, Diagnostics& diag,
                InputInfo& info, std::vector<Event>& out, InputClock& clock,
                const std::function<void()>& after_block) {
  static const LiteralPrefilter plain(pull_literals());
  static const LiteralPrefilter journal_json(journal_json_literals());
  const LiteralPrefilter* pre = &plain;
  InputScanner scanner(input_index, opt, out, clock);
  clock.mtime_ns = reader.mtime_ns();
  size_t mark = out.size();
  uint64_t made = 0;
  LineBlock block;
  bool first = true;
  uint64_t binary_lines_reported = 0;
  bool long_line_in_document = false;  // the over-long line being handed over is part of a JSON document
  while (reader.next(block)) {
    if (first) {
      // A followed stream's first block is small (journalctl -f prints ten
      // entries, then waits): it is a journal, not a paste.
      read_head(block.text, !opt.read.follow && block.text.size() < opt.read.block_bytes, opt, info, scanner);
      if (info.format == "journal-json") pre = &journal_json;
      if (scanner.reads_long_lines()) reader.keep_long_lines();
      first = false;
    }
    if (block.cut) {
      // Every piece of an over-long line inside a JSON document goes to the
      // document reader; any other such line is read from its start only.
      if (!block.cut_rest) long_line_in_document = scanner.on_line_piece(block.text, block.first_line, true);
      else if (long_line_in_document) scanner.on_line_piece(block.text, block.first_line, false);
      if (long_line_in_document || block.cut_rest) {
        info.lines = block.first_line;
        continue;
      }
      diag.warn(info.path, block.first_line, fmt::format("line longer than {} bytes; read its start only", block.text.size()));
      ++info.skipped;
      if (pre->matches(block.text) || scanner.wants_next()) scanner.on_line(block.text, block.first_line);
      info.lines = block.first_line;
      continue;
    }
    // Binary junk: say so once per input, keep reading the text around it.
    if (binary_lines_reported == 0 && std::memchr(block.text.data(), '\0', block.text.size())) {
      const char* z = static_cast<const char*>(std::memchr(block.text.data(), '\0', block.text.size()));
      uint64_t at = block.first_line + count_newlines(block.text.substr(0, static_cast<size_t>(z - block.text.data())));
      diag.warn(info.path, at, "binary data (NUL bytes); lines holding them are not read");
      ++binary_lines_reported;
      ++info.skipped;
    }
    scan_block(block.text, block.first_line, *pre, scanner);
    info.lines = block.first_line + block.lines - 1;
    if (after_block) {
      // The callback may take events out of `out` (attempts that ended).
      made += out.size() - mark;
      after_block();
      mark = out.size();
    }
  }
  scanner.finish();
  report_documents(scanner, info, diag);
  if (!reader.error().empty()) {
    diag.warn(info.path, info.lines + 1,
              "read error: " + reader.error() +
                  (info.lines ? fmt::format("; kept the {} line{} read before it", info.lines, info.lines == 1 ? "" : "s")
                              : std::string("; nothing could be read from it")));
    ++info.skipped;
    info.status = InputStatus::cut_short;
    info.problem = reader.error();
  }
  if (first) info.format = opt.format == "auto" ? "text" : opt.format;
  info.events = made + (out.size() - mark);
}

bool scan_path(const std::string& path, uint32_t input_index, const ScanOptions& opt, Diagnostics& diag,
               InputInfo& info, std::vector<Event>& out, InputClock& clock, const std::function<void()>& after_block) {
  std::string error;
  // One reader, one thread: stdin, gzip, small files, and documents.
  auto scan_whole = [&](const ScanOptions& o) {
    std::unique_ptr<BlockReader> reader = open_input(path, o.read, error);
    if (!reader) {
      diag.input_unreadable(path, error);
      info.status = InputStatus::unreadable;
      info.problem = error;
      return false;
    }
    scan_input(*reader, input_index, o, diag, info, out, clock, after_block);
    return true;
  };
  std::optional<uint64_t> size = plain_file_size(path);
  unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, 16u);
  if (!size || *size < opt.parallel_min_bytes || threads < 2) return scan_whole(opt);
  // Pieces that start at line starts, scanned by a few threads and joined
  // in file order as they finish. At most one piece per thread is in
  // flight (the one being joined counts), so memory does not grow with the
  // file or with the thread count beyond a piece's events each.
  const uint64_t piece = std::max<uint64_t>(opt.piece_bytes, 64 << 10);
  std::vector<uint64_t> bounds{0};
  while (bounds.back() + piece < *size) {
    uint64_t b = next_record_start(path, next_line_start(path, bounds.back() + piece), continues_record);
    if (b <= bounds.back() || b >= *size) break;
    bounds.push_back(b);
  }
  bounds.push_back(*size);
  const size_t n = bounds.size() - 1;
  // The head names the format and, for klog files, the node of every piece.
  ScanOptions ropt = opt;
  {
    std::unique_ptr<BlockReader> head = open_range(path, 0, std::min<uint64_t>(*size, 64 * 1024), opt.read, error);
    LineBlock block;
    if (head && head->next(block)) {
      ropt = piece_options(block.text, opt);
      // Documents span lines: a piece boundary could cut one. Read them whole.
      if (is_document_format(ropt.format)) return scan_whole(ropt);
    }
  }
  std::vector<std::unique_ptr<ScanPart>> done(n);
  std::mutex m;
  std::condition_variable cv;
  size_t next = 0, joined = 0;
  bool stop = false;
  const size_t window = static_cast<size_t>(threads);
  auto work = [&] {
    for (;;) {
      size_t k;
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return stop || next >= n || next < joined + window; });
        if (stop || next >= n) return;
        k = next++;
      }
      auto part = std::make_unique<ScanPart>();
      part->info.path = path;
      std::string err;
      std::unique_ptr<BlockReader> reader = open_range(path, bounds[k], bounds[k + 1], ropt.read, err);
      if (!reader) {
        part->diag.input_unreadable(path, err);
        part->opened = false;
      } else {
        scan_input(*reader, input_index, ropt, part->diag, part->info, part->events, part->clock);
      }
      std::lock_guard<std::mutex> lock(m);
      done[k] = std::move(part);
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads && t < n; ++t) pool.emplace_back(work);
  PartJoiner joiner(diag, info, out, clock);
  bool ok = true;
  // Whatever happens here (after_block can run out of memory), the workers
  // are stopped and joined before it leaves.
  auto stop_workers = [&] {
    {
      std::lock_guard<std::mutex> lock(m);
      stop = true;
      cv.notify_all();
    }
    for (std::thread& t : pool)
      if (t.joinable()) t.join();
  };
  try {
    for (size_t k = 0; k < n && ok; ++k) {
      std::unique_ptr<ScanPart> part;
      {
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [&] { return done[k] != nullptr; });
        part = std::move(done[k]);
      }
      ok = joiner.add(*part);
      part.reset();
      if (ok && after_block) after_block();
      std::lock_guard<std::mutex> lock(m);
      joined = k + 1;
      cv.notify_all();
    }
  } catch (...) {
    stop_workers();
    throw;
  }
  stop_workers();
  return ok;
}

bool continues_record(std::string_view line) {
  if (line.empty()) return false;
  if (line[0] == ' ' || line[0] == '\t') return true;
  // A journal line: what the unit wrote starts after "ident[pid]: ".
  size_t p = line.substr(0, 256).find("]: ");
  return p != std::string_view::npos && p + 3 < line.size() && (line[p + 3] == ' ' || line[p + 3] == '\t');
}

size_t record_cut(std::string_view text) {
  size_t end = text.rfind('\n');
  if (end == std::string_view::npos) return 0;
  size_t last_start = end + 1;  // the incomplete tail starts here
  size_t cut = last_start;
  for (int lines = 0; lines < 256 && cut > 0; ++lines) {
    size_t prev_nl = cut >= 2 ? text.rfind('\n', cut - 2) : std::string_view::npos;
    size_t start = prev_nl == std::string_view::npos ? 0 : prev_nl + 1;
    if (!continues_record(text.substr(start, cut - 1 - start))) return start == 0 ? last_start : start;
    cut = start;
  }
  return last_start;
}

bool is_document_format(std::string_view f) {
  return f == "journal-json-pretty" || f == "k8s-json" || f == "k8s-yaml" || f == "journal-export" ||
         f == "journal-verbose";
}

ScanOptions piece_options(std::string_view head, const ScanOptions& opt) {
  ScanOptions ropt = opt;
  if (ropt.format == "auto") ropt.format = sniff_format(head);
  size_t p = head.find("Running on machine: ");
  if (p != std::string_view::npos && p < 4096) {
    size_t e = head.find('\n', p);
    ropt.node_hint = std::string(trim(head.substr(p + 20, e == std::string_view::npos ? std::string_view::npos : e - p - 20)));
  }
  return ropt;
}

PartJoiner::PartJoiner(Diagnostics& diag, InputInfo& info, std::vector<Event>& out, InputClock& clock)
    : diag_(diag), info_(info), out_(out), clock_(clock) {}

bool PartJoiner::add(ScanPart& part) {
  part.diag.replay(diag_, line_offset_);
  if (!part.opened) return false;
  for (Event& e : part.events) {
    e.where.line += line_offset_;
    out_.push_back(std::move(e));
  }
  events_ += part.events.size();
  part.events = {};
  if (parts_++ == 0) {
    info_.format = part.info.format;
    clock_.mtime_ns = part.clock.mtime_ns;
  }
  if (clock_.samples.empty() && !part.clock.samples.empty()) clock_.samples.push_back(part.clock.samples.front());
  for (const auto& [host, sample] : part.clock.host_samples)
    if (clock_.host_samples.size() < InputClock::kMaxHostClocks) clock_.host_samples.try_emplace(host, sample);
  if (part.clock.saw_exact_year && !clock_.saw_exact_year) {
    clock_.saw_exact_year = true;
    clock_.exact_year = part.clock.exact_year;
  }
  info_.skipped += part.info.skipped;
  line_offset_ += part.info.lines;
  info_.lines = line_offset_;
  info_.events = events_;
  return true;
}

bool join_parts(std::vector<ScanPart>& parts, Diagnostics& diag, InputInfo& info, std::vector<Event>& out,
                InputClock& clock) {
  PartJoiner joiner(diag, info, out, clock);
  for (ScanPart& part : parts)
    if (!joiner.add(part)) return false;
  return true;
}

void scan_text(std::string_view text, uint32_t input_index, const ScanOptions& opt, Diagnostics& diag,
               InputInfo& info, std::vector<Event>& out, InputClock& clock) {
  InputScanner scanner(input_index, opt, out, clock);
  size_t before = out.size();
  read_head(text, true, opt, info, scanner);
  // Explain and tests: every line goes to the decoders, no prefilter, so a
  // pasted fragment is never dropped for lacking a literal.
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    scanner.on_line(text.substr(pos, end - pos), ++line_no);
    pos = end + 1;
  }
  scanner.finish();
  report_documents(scanner, info, diag);
  info.lines = line_no;
  info.events = out.size() - before;
}

namespace {

// The zone offset a (naive local, UTC) pairing shows, to the quarter hour.
int64_t zone_offset(int64_t naive, int64_t utc, int year) {
  constexpr int64_t kQuarterHour = 15LL * 60 * 1000000000LL;
  int64_t diff = rebase_year(naive, year) - utc;
  return (diff >= 0 ? (diff + kQuarterHour / 2) : (diff - kQuarterHour / 2)) / kQuarterHour * kQuarterHour;
}

}  // namespace

void resolve_times(const ScanOptions& opt, std::vector<InputInfo>& inputs, const std::vector<InputClock>& clocks,
                   std::vector<Event>& events, int now_year) {
  // What the set as a whole revealed: the first input with a real year.
  std::optional<int> set_year;
  for (const InputClock& c : clocks) {
    if (!c.samples.empty()) {
      set_year = year_of(c.samples.front().second);
      break;
    }
    if (c.saw_exact_year && !set_year) set_year = c.exact_year;
  }
  struct Resolved {
    int year;
    int64_t offset_ns;
    int64_t latest_ns;    // the input was written by then (collection time, mtime); 0 = unknown
    int64_t earliest_ns;  // its first exact timestamp: later lines are not before it; 0 = unknown
    std::map<std::string_view, int64_t> host_offset_ns;  // hosts of the input in another zone than its first
  };
  std::vector<Resolved> per_input(clocks.size());
  for (size_t i = 0; i < clocks.size(); ++i) {
    const InputClock& c = clocks[i];
    std::string year_from, zone_from;
    int year;
    int64_t offset = 0;
    std::optional<int> own_year;
    std::optional<int64_t> own_offset;
    if (!c.samples.empty()) {
      auto [naive, utc] = c.samples.front();
      own_year = year_of(utc);
      own_offset = zone_offset(naive, utc, *own_year);
    } else if (c.saw_exact_year) {
      own_year = c.exact_year;
    }
    if (opt.year) {
      year = *opt.year;
      year_from = "--year";
    } else if (own_year) {
      year = *own_year;
      year_from = "this input's own timestamps";
    } else if (c.collected_ns) {
      year = year_of(c.collected_ns);
      year_from = c.collected_from;
    } else if (set_year) {
      year = *set_year;
      year_from = "another input of this run";
    } else if (c.mtime_ns) {
      year = year_of(c.mtime_ns);
      year_from = "the file's modification time";
    } else {
      year = now_year;
      year_from = "the current year (no year in the input; use --year)";
    }
    if (opt.utc_offset_s) {
      offset = *opt.utc_offset_s * 1000000000LL;
      zone_from = "--tz";
    } else if (own_offset) {
      offset = *own_offset;
      zone_from = "containerd's UTC timestamps";
    } else {
      zone_from = "assumed UTC";
    }
    // A log collected in January holds December lines: those from after the
    // collection would be in the future, so they belong to the year before.
    int64_t latest = 0;
    if (!opt.year && !own_year) latest = c.collected_ns ? c.collected_ns : (set_year ? 0 : c.mtime_ns);
    int64_t earliest = !opt.year && !c.samples.empty() ? c.samples.front().second : 0;
    per_input[i] = {year, offset, latest, earliest, {}};
    auto utc_text = [](int64_t off_ns) {
      int64_t off_min = off_ns / 60000000000LL;
      return fmt::format("UTC{}{:02}:{:02}", off_min < 0 ? '-' : '+', std::abs(off_min) / 60, std::abs(off_min) % 60);
    };
    std::vector<std::string> other_zones;
    if (!opt.utc_offset_s && own_offset)
      for (const auto& [host, sample] : c.host_samples)
        if (int64_t off = zone_offset(sample.first, sample.second, year_of(sample.second)); off != offset) {
          per_input[i].host_offset_ns[host] = off;
          if (other_zones.size() < 3) other_zones.push_back(fmt::format("{}'s {}", host, utc_text(off)));
        }
    if (!per_input[i].host_offset_ns.empty())
      zone_from += fmt::format("; {}{} from {} own", join(other_zones, ", "),
                               per_input[i].host_offset_ns.size() > other_zones.size() ? " and more" : "",
                               per_input[i].host_offset_ns.size() > 1 ? "their" : "its");
    bool any_naive = false;
    for (const Event& e : events)
      if (e.where.input == i && e.time_ns && (e.time_flags & time_has_zone) == 0) any_naive = true;
    if (any_naive && i < inputs.size()) {
      inputs[i].time_note = fmt::format("year {} from {}; zone {} from {}", year, year_from, utc_text(offset), zone_from);
    }
  }
  for (Event& e : events) {
    if (!e.time_ns || (e.time_flags & time_has_zone) || e.where.input >= per_input.size()) continue;
    const Resolved& r = per_input[e.where.input];
    int64_t offset = r.offset_ns;
    if (!r.host_offset_ns.empty())
      if (auto h = r.host_offset_ns.find(e.node); h != r.host_offset_ns.end()) offset = h->second;
    if (!(e.time_flags & time_has_year)) {
      int64_t naive = e.time_ns;
      e.time_ns = rebase_year(naive, r.year);
      constexpr int64_t kTwoDays = 2 * 86400 * 1000000000LL;
      if (r.latest_ns && e.time_ns - offset > r.latest_ns + kTwoDays) e.time_ns = rebase_year(naive, r.year - 1);
      // A journal that runs from December into January: its year came from
      // the first exact timestamp, and January lines belong to the next year.
      if (r.earliest_ns && e.time_ns - offset < r.earliest_ns - kTwoDays) e.time_ns = rebase_year(naive, r.year + 1);
    }
    e.time_ns -= offset;
    e.time_flags = time_has_date | time_has_year | time_has_zone;
  }
}

}  // namespace pullscan
