// The records that flow through the pipeline. Parsers turn the few
// pull-related lines of an input into owning Events; correlation folds Events
// into PullAttempts (one per real pull, whatever number of components logged
// it); classification gives each attempt a class and rule; findings group
// failed attempts into incidents. Every stage after the parsers reads and
// writes only these types, so they are the contract between the libraries.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pullscan {

/// Where an event came from: input index (into RunResult::inputs) and 1-based line.
struct SourceLoc {
  uint32_t input = 0;
  uint64_t line = 0;
};

/// What a line says about a pull. Spelled as serialised (JSON, SQL, goldens).
enum class EventKind : uint8_t {
  pull_started,    // containerd `PullImage "x"`, kubelet Pulling event
  pull_succeeded,  // `returns image reference`, Pulled event
  pull_failed,     // `PullImage "x" failed`, kubelet PullImage/ErrImagePull lines, pasted errors
  back_off,        // `Back-off pulling image`, ImagePullBackOff: kubelet waits, no pull happens
  host_failed,     // containerd `trying next host` / `fetch failed`: one registry host of an attempt
  pull_stats,      // `stop pulling image ... bytes read`, `Pulled image ... size ... in`: volume, timing
  pull_stalled,    // `cancel pulling image ... because of no progress in`
  config_error,    // `failed to decode hosts.toml`: containerd ignored a mirror config
  registry_response,  // containerd debug `fetch response received` carrying Docker Hub rate-limit headers
  registry_request,   // containerd debug `do request` for a manifest: reason is GET or HEAD (only GETs use up Hub pulls)
};
/// Serialised name of an EventKind.
std::string_view to_string(EventKind k);

/// Which component wrote the line. The join treats the same failure seen by
/// two sources as one attempt, and the same source twice as two attempts.
enum class Source : uint8_t { containerd, kubelet, event, pasted, crio, docker };
/// Serialised name of a Source.
std::string_view to_string(Source s);

/// Flags for how much of an event's time the line gave.
enum TimeFlags : uint8_t {
  time_none = 0,
  time_has_date = 1,  // month and day known
  time_has_year = 2,
  time_has_zone = 4,  // absolute (UTC) once set
};

/// One pull-related fact from one line. Owning: it outlives the line buffer.
struct Event {
  EventKind kind = EventKind::pull_failed;
  Source source = Source::pasted;
  uint8_t time_flags = time_none;
  int64_t time_ns = 0;          // UTC ns when time_has_zone; naive local otherwise; 0 unknown
  std::string node;             // journal host, klog preamble host, event source.host
  std::string ns;               // namespace
  std::string pod;              // pod name (without namespace)
  std::string container;
  std::string image;            // normalised (docker.io/library/nginx:latest)
  std::string reason;           // kubelet reason (ErrImagePull, ImagePullBackOff...) or gRPC code
  std::string message;          // full error text (redacted); rules run against it
  std::string host;             // registry host a per-host try went to
  int64_t bytes = -1;           // bytes pulled, -1 unknown
  int64_t duration_ms = -1;     // pull duration, -1 unknown
  int64_t waiting_ms = -1;      // kubelet's "(Y including waiting)": pull time plus queueing, -1 unknown
  int32_t count = 1;            // repeats this one line stands for (event count, "x4 over")
  int64_t first_ns = 0;         // with count > 1: when the first repeat happened (firstTimestamp), 0 unknown
  uint8_t channel = 0;          // which line of a source (0..4): kubelet PullImage (0), sync error (1), start
                                // failed (2), kuberuntime's "Failed to pull image" (3); event (0), pod status (1),
                                // an `Error: <state>` event (2), and the same two as kubelet logs them at -v=3 (3, 4)
  std::string age;              // a relative age as a kubectl table printed it ("90s", "16m"), kept as is
  std::string object_uid;       // a Kubernetes Event's metadata.uid: one object in several inputs counts once
  int32_t ratelimit_remaining = -1;  // registry_response: ratelimit-remaining (pulls left in the window)
  int32_t ratelimit_limit = -1;      // ratelimit-limit
  int32_t ratelimit_window_s = -1;   // the `w=` of those headers, seconds
  std::string ratelimit_source;      // docker-ratelimit-source: the address Docker Hub charges
  SourceLoc where;
  std::string line;             // the raw line (redacted, capped) shown as evidence
  uint64_t id = 0;              // 1-based in reading order over the whole run (events.id in the database)
};

/// How an attempt ended, as the JSON contract spells it.
enum class Outcome : uint8_t { failed, succeeded, backoff, unknown };
/// Serialised name of an Outcome.
std::string_view to_string(Outcome o);

/// What the host a failing request went to is to the image's registry: a
/// pull talks to more hosts than the registry it names (classify/failing_host.h).
enum class HostRole : uint8_t {
  registry,       // the registry itself (or one of its own names: docker.io = registry-1.docker.io)
  mirror,         // a host the runtime tried for the registry (hosts.toml, registry mirrors)
  redirect,       // another registry API the registry redirected to (registry.k8s.io -> *.pkg.dev)
  blob_storage,   // storage behind the registry: pre-signed S3/GCS/Azure URLs, CDNs
  token_service,  // the auth realm of a Bearer challenge (auth.docker.io, /token, /oauth2/token)
  other,          // a host named by the error whose part in the pull the text does not show
};
/// Serialised name of a HostRole (JSON, SQL, the `host_role` placeholder).
std::string_view to_string(HostRole r);
/// The HostRole a serialised name stands for (registry for anything else).
HostRole host_role_from(std::string_view name);

/// A registry host tried during one attempt (mirror chain), and what it answered.
struct HostTry {
  std::string host;
  std::string error;
};

/// One real pull: the events of every source that saw it.
struct PullAttempt {
  uint32_t id = 0;              // 1-based, stable order (first_ns, image, pod, node)
  std::string node, ns, pod, container, image, registry;
  int64_t first_ns = 0, last_ns = 0;  // UTC ns, 0 unknown
  int64_t failed_ns = 0;              // its last failure line (not a back-off notice), 0 none or unknown
  Outcome outcome = Outcome::unknown;
  std::vector<uint32_t> events;       // indexes into RunResult::events
  std::vector<HostTry> tries;
  int64_t bytes = -1, duration_ms = -1;
  int64_t waiting_ms = -1;            // pull time plus time queued behind other pulls (kubelet), -1 unknown
  int32_t backoffs = 0;               // back-off notices folded into this attempt
  bool stalled = false;               // the runtime cancelled it for making no progress
  std::string age;                    // relative age from a kubectl table when no line had a time
  uint8_t sources = 0;                // bit per Source
  // Filled by classification.
  std::string class_id, rule_id, error;  // error: root-cause text (peeled)
  int64_t evidence = -1;                 // event index of the line that decided the class
  uint64_t evidence_id = 0;              // Event::id of that line (also when it has left memory)
  int64_t cause_from = -1;               // attempt index whose cause a back-off inherited
  uint32_t cause_id = 0;                 // id of that attempt (also when it has left memory)
  std::vector<std::pair<std::string, std::string>> vars;  // placeholder values
  int64_t finding = -1;                  // index into RunResult::findings
  std::vector<std::string> notes;        // facts the evidence adds to the advice (clock skew...)
  std::string host;                      // host the failing request went to when not the registry, else ""
  HostRole host_role = HostRole::registry;  // what that host is to the registry
};

/// A group of failed attempts with one cause: what the report leads with.
struct Finding {
  std::string class_id, rule_id, title, registry, explanation;
  std::vector<std::string> images, nodes, namespaces, pods, fix;
  int64_t attempts = 0;
  int64_t first_ns = 0, last_ns = 0;
  std::string age;                   // relative age (kubectl tables) when there are no times
  std::optional<Event> evidence;     // the line shown as evidence (a copy: attempts may have left memory)
  std::string error;                 // root-cause text of the attempt that speaks for the finding
  std::vector<HostTry> tries;        // the hosts that attempt tried (mirror chain)
  std::string host;                  // that attempt's failing host when not the registry (PullAttempt::host)
  HostRole host_role = HostRole::registry;
  int64_t backoff_attempts = 0;      // of `attempts`, those in back-off under an inherited cause
  bool cause_from_history = false;   // some took the cause from an earlier failure of the image
  bool names_capped = false;         // a name list reached its cap (1,000): later names are not listed
  std::vector<uint32_t> attempt_ids; // PullAttempt::id of its attempts (capped when attempts leave memory)
  std::string scope;                 // blast radius in words
  std::vector<std::string> notes;    // the representative attempt's notes
  bool recovered = false;            // every failing image/node pair later pulled fine
  int64_t recovered_after_ns = -1;   // longest time from a first failure to its success
  double peak_per_minute = 0;        // most failed attempts in any one minute
};

/// Docker Hub's own count of one source address, from the rate-limit headers
/// containerd's debug log prints: how fast a shared (SNAT) address drains.
struct RateLimitAccount {
  std::string source;                // docker-ratelimit-source ("" when not sent)
  std::vector<std::string> nodes;    // nodes whose pulls were charged to it
  int64_t responses = 0;             // registry responses that carried the headers
  int64_t too_many = 0;              // of them, 429 answers
  int32_t limit = -1, window_s = -1; // ratelimit-limit and its window
  int32_t first_remaining = -1, last_remaining = -1, min_remaining = -1;
  int64_t first_ns = 0, last_ns = 0;
  int64_t manifest_gets = -1, manifest_heads = -1;  // manifest requests from its nodes to the host; -1 = no request lines
  int64_t charged = 0;               // pulls charged in view: the drops of ratelimit-remaining between responses
};

/// Whether an input's content reached the parsers. The exit code (2 when no
/// input was read) and the inputs section come from it.
enum class InputStatus : uint8_t {
  read,        // read to its end
  cut_short,   // reading stopped early (truncated or corrupt data); what came before it was kept
  unreadable,  // nothing could be read from it (InputInfo::problem says why)
  skipped,     // a bundle member left unread on purpose (InputInfo::skip_reason says why)
};
/// Serialised name of an InputStatus (JSON).
inline std::string_view to_string(InputStatus s) {
  switch (s) {
    case InputStatus::read: return "read";
    case InputStatus::cut_short: return "cut_short";
    case InputStatus::unreadable: return "unreadable";
    case InputStatus::skipped: return "skipped";
  }
  return "read";
}

/// What was read from one input, for the report's inputs section.
struct InputInfo {
  std::string path;         // as given ("-" for stdin)
  std::string format;       // detected or forced format name
  uint64_t lines = 0;
  uint64_t events = 0;
  uint64_t skipped = 0;     // lines that could not be read as text (junk, cut)
  std::string time_note;    // where a missing year/zone came from
  InputStatus status = InputStatus::read;
  std::string problem;      // cut short or unreadable: what went wrong, in words
  // Set for the members of a bundle (a directory or an archive):
  std::string bundle;       // the bundle as given; path is then "bundle:member"
  std::string layout;       // what the bundle looks like ("kind export logs", ...)
  std::string node;         // node named by the member's path, if any
  std::string read_as;      // what the member was read as ("kubelet log", "events"...)
  std::string skip_reason;  // non-empty: the member was not read, and why
  uint64_t more_skipped = 0;  // with skip_reason: later members skipped for the same reason, counted, not listed
};

/// Pull times of one image: exact while few, then a log-scale histogram
/// (1% buckets), so a week of pulls costs the same memory as an hour.
struct DurationStats {
  std::vector<int64_t> exact;           // milliseconds, while count <= kExactLimit
  std::map<int32_t, int64_t> buckets;   // bucket -> pulls, once past it
  int64_t count = 0, max_ms = 0;
  static constexpr size_t kExactLimit = 4096;
  void add(int64_t ms);
  /// The p-quantile (0..1) in ms; a bucket's upper edge once histogrammed.
  int64_t quantile(double p) const;
};

/// One of the slowest pulls, kept by value (its attempt may have left memory).
struct SlowPull {
  uint32_t id = 0;
  int64_t first_ns = 0;
  std::string image, node;
  int64_t duration_ms = -1, bytes = -1, waiting_ms = -1;
};

/// What the report says about the attempts as a whole, folded one attempt at
/// a time: attempts that ended leave memory (long journals, --follow) and
/// only this stays. Its size depends on the images, nodes and classes seen,
/// not on the number of pulls.
struct AttemptTally {
  int64_t attempts = 0, failed = 0, succeeded = 0, backoff = 0, unknown = 0;
  std::map<std::string, int64_t> by_class;         // every attempt's class
  std::map<std::string, int64_t> failed_by_class;  // failed and back-off attempts
  std::map<std::string, DurationStats> durations;  // image -> pull times of its successful pulls
  std::map<std::string, DurationStats> registry_durations;         // registry -> the same
  std::map<std::string, std::set<std::string>> registry_images;   // registry -> images with pull times
  std::map<std::string, std::pair<int64_t, int64_t>> registry_volume;  // registry -> bytes, ms of pulls that logged both
  std::map<std::string, std::set<std::string>> stalled;           // image -> nodes where a pull stalled
  std::map<std::string, int64_t> stalled_pulls;                   // image -> pulls cancelled for no progress
  std::vector<SlowPull> slowest;                   // the 3 slowest successful pulls
  std::map<std::string, std::set<std::string>> succeeded_on;  // image -> nodes it pulled fine on
  std::map<std::pair<std::string, std::string>, std::vector<HostTry>> fallbacks;  // (image, node) of a pull that
                                                   // worked after these hosts failed (error: their host_answer)
  std::set<std::pair<std::string, std::string>> config_errors;  // node, what containerd said of a hosts.toml it refused
  std::set<std::string> nodes;                     // every node an attempt named
  uint64_t attempts_left_memory = 0;               // of `attempts`, those no longer in RunResult::attempts
};

/// Everything one run produced. Output depends only on this.
struct RunResult {
  std::vector<InputInfo> inputs;
  std::vector<Event> events;             // the events still held (all of them unless attempts left memory)
  std::vector<PullAttempt> attempts;     // the attempts still held (idem)
  std::vector<Finding> findings;
  std::vector<RateLimitAccount> rate_limits;
  AttemptTally tally;                    // over every attempt of the run, held or not
};

/// Set bit for a Source in PullAttempt::sources.
inline uint8_t source_bit(Source s) { return static_cast<uint8_t>(1u << static_cast<unsigned>(s)); }

}  // namespace pullscan
