// Internal interface of the parsers stage. An input's lines arrive in
// scan.cpp; the envelope (journalctl short/ISO, syslog) is stripped in
// envelope.cpp; the payload goes to the decoder of the program that wrote it
// (containerd.cpp, kubelet.cpp) or, failing those, to pasted.cpp, which
// recognises error texts copied out of tickets. Decoders push owning Events;
// they never throw and never keep views into the line.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/record.h"
#include "core/redact.h"

namespace pullscan {

/// What the envelope of a line said.
struct Envelope {
  std::string_view host;     // journal hostname
  std::string_view ident;    // syslog identifier (containerd, kubelet, k3s...)
  std::string_view payload;  // the message
  int64_t time_ns = 0;
  uint8_t time_flags = time_none;
};

/// Facts shared by every event decoded from one line.
struct LineContext {
  uint32_t input = 0;
  uint64_t line_no = 0;
  std::string_view raw;         // the whole line, for evidence
  std::string_view node;        // from the envelope or the input (klog preamble)
  int64_t env_time_ns = 0;      // the envelope's time
  uint8_t env_time_flags = time_none;
  bool free_text = false;       // the input is pasted text: bare error leaves count too
  const std::function<bool(std::string_view)>* is_pull_error = nullptr;  // ScanOptions::is_pull_error
};

/// The rules' verdict on text when the caller gave one, else has_error_leaf.
bool is_pull_error_text(const LineContext& ctx, std::string_view text);

/// Pairs of (naive local time, exact UTC time) seen on one line: a journal
/// short prefix next to containerd's own timestamp. They reveal the year and
/// the zone offset for every year-less line of the same input.
struct TimeSample {
  int64_t naive_local_ns;  // in kNaiveYear
  int64_t utc_ns;
};

/// A fresh event with the line's shared facts filled in.
Event make_event(const LineContext& ctx, EventKind kind, Source source);

/// Strips a journalctl short/short-precise/short-iso/short-iso-precise or
/// syslog prefix. False if the line has none.
bool strip_journal(std::string_view line, Envelope& env);

/// True if the line starts like a journalctl noise line (`-- Boot ...`, `-- No entries --`).
bool is_journal_noise(std::string_view line);

/// True for a logrus text line: `time="..." level=... msg=...`, or a pasted
/// one whose time was cut off (`level=... msg=...`).
bool is_logrus_text(std::string_view payload);

/// Decodes a containerd logrus text line (`time="..." level=... msg=...`).
/// Returns true if the payload was containerd's (even if not about a pull).
bool decode_containerd_text(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                            std::vector<TimeSample>& samples);

/// Decodes the TTY layout of logrus (`ERRO[2021-04-14T08:16:27.7-05:00] msg   key=value`,
/// with or without ANSI colour) that hand-run daemons and pastes show.
bool decode_containerd_tty(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                           std::vector<TimeSample>& samples);

/// Decodes a containerd logrus JSON line. Returns true if it was one.
bool decode_containerd_json(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                            std::vector<TimeSample>& samples);

/// Decodes a kubelet klog line (text or structured). Returns true if it had a klog header.
/// `continuation` is set when the line opened a multi-line `key=<` value.
bool decode_kubelet(std::string_view payload, const LineContext& ctx, std::vector<Event>& out,
                    std::string& continuation);

/// Decodes a kubelet line logged with --logging-format=json (`{"ts":...,
/// "caller":...,"msg":...}`; KObj values are {"name","namespace"} objects).
bool decode_kubelet_json(std::string_view payload, const LineContext& ctx, std::vector<Event>& out);

/// Finishes a multi-line klog value: `pending` is the line that opened it, `body`
/// the joined value lines, `tail` the text after the closing ` >`.
void finish_kubelet_multiline(const std::string& pending, const std::string& body, std::string_view tail,
                              const LineContext& ctx, std::vector<Event>& out);

/// Decodes an event's reason and message (from kubelet's own log of the
/// event, an events file or a pasted table) into pull events of Source::event.
void decode_event_message(std::string_view reason, std::string_view message, const LineContext& ctx,
                          std::vector<Event>& out);

/// Decodes a kubelet PodSyncResult error text (`Error syncing pod, skipping:
/// failed to "StartContainer" for "c" with Reason: "msg"`), from old FailedSync
/// events and pastes.
void decode_sync_error(std::string_view text, const LineContext& ctx, std::vector<Event>& out);

/// Recognises pull errors in free text (ticket pastes, kubectl output, docker CLI).
/// Returns true if an event was produced. Sets `open_ended` when the text ends
/// in a way that suggests the message continues on the next line.
bool decode_pasted(std::string_view text, const LineContext& ctx, std::vector<Event>& out, bool& open_ended);

/// The image a line of a pasted terminal session names for the attempts that
/// follow it (a prompt's `docker pull R`, `crictl pull R`, `kubectl run
/// --image=R`; the CLIs' headers `Unable to find image 'R' locally`, `TAG:
/// Pulling from R`, `Trying to pull R...`, ctr's `R: resolved`), or empty.
/// Such a line names an image; it is never an attempt itself.
std::string image_named_by_session(std::string_view line);

/// True if text holds a leaf of a pull error chain specific enough to stand
/// alone (`x509: `, `no such host`, `toomanyrequests`...).
bool has_error_leaf(std::string_view text);

/// True if a pasted line starts a record of its own (a wrapper phrase, a CLI
/// prefix, a klog header, a kubectl row) rather than continuing a wrapped one.
bool begins_pasted_record(std::string_view line);

/// A journalctl JSON entry: what a short-mode prefix would have said, and MESSAGE.
struct JournalEntry {
  std::string host, ident, message;
  int64_t time_ns = 0;  // UTC ns from __REALTIME_TIMESTAMP
};

/// What decoding a run of documents of one input remembers.
struct DocumentState {
  // Pull events by uid: highest count and last time seen (watch streams).
  std::map<std::string, std::pair<int64_t, int64_t>> event_counts;
  int64_t newest_event_ns = 0;
  uint64_t null_messages = 0;                   // journal entries whose MESSAGE was null (>= 4 KiB without -a)
  uint64_t byte_messages = 0;                   // journal entries whose MESSAGE was a byte array
};

/// Decodes one JSON document (an object or an array of them): Kubernetes
/// Events, Pods and Lists of either become events; journal entries are
/// appended to `entries`. False if the text is not JSON.
bool decode_json_document(std::string_view json, const LineContext& ctx, std::vector<Event>& out,
                          std::vector<JournalEntry>& entries, DocumentState& state);

/// Where yaml-cpp runs: in a child process with a time limit (the program:
/// a yaml-cpp defect costs a diagnostic, not the run), or in this process
/// (the fuzz target, which must not fork per input and must see such defects).
enum class YamlReader { child_process, in_process };

/// Decodes a YAML stream (`kubectl get events -o yaml`, several `---`
/// documents) the same way. False and error set if a document does not
/// parse (the others are still decoded).
bool decode_yaml_documents(std::string_view yaml, const LineContext& ctx, std::vector<Event>& out,
                           std::vector<JournalEntry>& entries, DocumentState& state, std::string& error,
                           YamlReader reader = YamlReader::child_process);

/// The parsers' name for mask_secrets (core/redact.h): every message and
/// evidence line a decoder stores goes through it.
inline std::string redact(std::string_view text) { return mask_secrets(text); }

/// Routes a decoded failure/back-off message through the shared steps: image
/// normalisation, pod identity, redaction.
void set_message(Event& e, std::string_view message);

}  // namespace pullscan
