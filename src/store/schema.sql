-- pullscan's SQLite schema: what `pullscan --db FILE` writes and `pullscan sql`
-- reads. One run, one database (the last scan replaces it). Times are given
-- twice: as ISO 8601 UTC text for people, and as nanoseconds for arithmetic.
-- List columns hold JSON arrays, so json_each() can unnest them.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,  -- 'schema' (this schema's version), 'generator'
  value TEXT NOT NULL     -- its value
) STRICT;

CREATE TABLE inputs (
  id        INTEGER PRIMARY KEY,  -- 0-based, the "input" of JSON evidence
  path      TEXT NOT NULL,        -- as given; '-' is standard input
  format    TEXT NOT NULL,        -- detected or forced format (see `pullscan formats`)
  lines     INTEGER NOT NULL,     -- lines read
  events    INTEGER NOT NULL,     -- pull-related events found in it
  skipped   INTEGER NOT NULL,     -- lines or parts that could not be read (cut, binary, read error)
  time_note TEXT,                 -- where a missing year or zone came from, if any was missing
  bundle    TEXT,                 -- for a member of a support bundle: the bundle as given
  layout    TEXT,                 -- the collector the bundle came from, when its paths tell
  node      TEXT,                 -- the node the member's path names
  read_as   TEXT,                 -- what the member was read as (kubelet log, events, ...)
  skip_reason TEXT                -- set when the member was not read: why
) STRICT;

CREATE TABLE findings (
  id          INTEGER PRIMARY KEY,  -- 1-based, report order (most attempts first)
  class       TEXT NOT NULL,        -- taxonomy class id
  rule        TEXT NOT NULL,        -- id of the rule most attempts of the finding matched
  title       TEXT NOT NULL,        -- class or rule title, placeholders filled
  registry    TEXT NOT NULL,        -- registry host[:port] ('' if unknown)
  attempts    INTEGER NOT NULL,     -- failed attempts in the finding
  images      TEXT NOT NULL,        -- JSON array of normalised images
  nodes       TEXT NOT NULL,        -- JSON array of node names
  namespaces  TEXT NOT NULL,        -- JSON array of namespaces
  pods        TEXT NOT NULL,        -- JSON array of namespace/pod
  first_seen  TEXT,                 -- ISO 8601 UTC, NULL if no line had a time
  last_seen   TEXT,                 -- ISO 8601 UTC
  scope       TEXT NOT NULL,        -- blast radius in words (one node vs many)
  recovered   INTEGER NOT NULL,     -- 1 if every failing image/node pair pulled fine later
  recovered_after_ms INTEGER,       -- longest first-failure-to-success time, if recovered
  peak_per_minute INTEGER NOT NULL, -- most failed attempts that started in one minute
  explanation TEXT NOT NULL,        -- why it happens
  fix         TEXT NOT NULL,        -- JSON array of fix steps, evidence filled in
  evidence_event_id INTEGER,        -- events.id of the line shown as evidence
  host        TEXT,                 -- host the failing request went to when it is not the registry
  host_role   TEXT                  -- what that host is: mirror | redirect | blob_storage | token_service | other
) STRICT;

CREATE TABLE attempts (
  id          INTEGER PRIMARY KEY,  -- 1-based, report order (first seen, image, pod, node)
  image       TEXT NOT NULL,        -- normalised image (docker.io/library/nginx:latest); '' if unknown
  registry    TEXT NOT NULL,        -- registry host[:port] of the image
  node        TEXT NOT NULL,        -- node (journal host, event source.host); '' if unknown
  namespace   TEXT NOT NULL,        -- pod namespace if any source named it
  pod         TEXT NOT NULL,        -- pod name if any source named it
  container   TEXT NOT NULL,        -- container name if known
  outcome     TEXT NOT NULL,        -- failed | succeeded | backoff | unknown (no end seen)
  class       TEXT NOT NULL,        -- taxonomy class id
  rule        TEXT NOT NULL,        -- id of the deciding rule (engine verdicts: success, backoff-only, unmatched, no-outcome)
  error       TEXT NOT NULL,        -- root-cause text with the wrappers peeled, secrets masked
  first_seen  TEXT,                 -- ISO 8601 UTC of the first line
  last_seen   TEXT,                 -- ISO 8601 UTC of the last line
  first_ns    INTEGER,              -- first_seen as ns since the epoch
  last_ns     INTEGER,              -- last_seen as ns since the epoch
  duration_ms INTEGER,              -- pull duration from Pulled lines, if logged
  bytes       INTEGER,              -- bytes pulled (stop pulling / Pulled image size), if logged
  waiting_ms  INTEGER,              -- kubelet's pull time including the wait behind other pulls, if logged
  backoffs    INTEGER NOT NULL,     -- back-off notices folded into this attempt
  age         TEXT,                 -- relative age from a kubectl table ("90s") when no line had a time
  sources     TEXT NOT NULL,        -- JSON array of components that saw it (containerd, kubelet, event...)
  evidence_event_id INTEGER,        -- events.id of the line that decided the class
  cause_attempt_id  INTEGER,        -- for a back-off: attempts.id whose cause it inherited
  finding_id  INTEGER REFERENCES findings(id), -- the finding it belongs to, if failed
  host        TEXT,                 -- host the failing request went to when it is not the registry
  host_role   TEXT                  -- what that host is: mirror | redirect | blob_storage | token_service | other
) STRICT;

CREATE TABLE tries (
  attempt_id INTEGER NOT NULL REFERENCES attempts(id),  -- the attempt
  seq        INTEGER NOT NULL,  -- order of the try within the attempt
  host       TEXT NOT NULL,     -- registry host (mirror or upstream) that was tried
  error      TEXT NOT NULL      -- what it answered (trying next host / fetch failed error)
) STRICT;

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,  -- 1-based in input order
  input_id    INTEGER NOT NULL REFERENCES inputs(id),  -- the input it was read from
  line        INTEGER NOT NULL,     -- 1-based line in that input
  time        TEXT,                 -- ISO 8601 UTC, NULL if the line had none
  time_ns     INTEGER,              -- time as ns since the epoch
  kind        TEXT NOT NULL,        -- pull_started | pull_succeeded | pull_failed | back_off | host_failed | pull_stats | pull_stalled | config_error
  source      TEXT NOT NULL,        -- containerd | kubelet | event | pasted | crio | docker
  node        TEXT NOT NULL,        -- node the line came from
  namespace   TEXT NOT NULL,        -- pod namespace named by the line
  pod         TEXT NOT NULL,        -- pod named by the line
  container   TEXT NOT NULL,        -- container named by the line
  image       TEXT NOT NULL,        -- normalised image named by the line
  reason      TEXT NOT NULL,        -- kubelet/event reason (ErrImagePull, BackOff...)
  message     TEXT NOT NULL,        -- the error text, secrets masked
  host        TEXT NOT NULL,        -- registry host of a per-host try
  bytes       INTEGER,              -- bytes, for pull_stats
  duration_ms INTEGER,              -- duration, for pull_stats / pull_succeeded / pull_stalled
  count       INTEGER NOT NULL,     -- repeats the line stands for (event count, "(x4 over 2m)")
  age         TEXT,                 -- relative age as a kubectl table printed it, if any
  ratelimit_remaining INTEGER,      -- registry_response: Docker Hub's ratelimit-remaining
  ratelimit_source    TEXT,         -- registry_response: docker-ratelimit-source
  attempt_id  INTEGER REFERENCES attempts(id),  -- the attempt it belongs to
  text        TEXT NOT NULL         -- the raw line (secrets masked, cut at 4 KiB)
) STRICT;

CREATE TABLE rate_limits (
  source            TEXT NOT NULL,     -- docker-ratelimit-source: the address Docker Hub charges ('' if not sent)
  nodes             TEXT NOT NULL,     -- JSON array of nodes whose pulls were charged to it
  responses         INTEGER NOT NULL,  -- registry responses that carried the rate-limit headers
  too_many_requests INTEGER NOT NULL,  -- of them, 429 answers
  "limit"           INTEGER,           -- ratelimit-limit (pulls per window)
  window_s          INTEGER,           -- the window, in seconds (w=)
  remaining_first   INTEGER,           -- ratelimit-remaining on the first response
  remaining_min     INTEGER,           -- the lowest ratelimit-remaining seen
  first_seen        TEXT,              -- ISO 8601 UTC of the first response
  last_seen         TEXT,              -- ISO 8601 UTC of the last response
  manifest_gets     INTEGER,           -- manifest GETs its nodes sent (one Hub serves uses up a pull, one answered 429 does not); NULL without debug `do request` lines
  manifest_heads    INTEGER,           -- manifest HEADs (free: containerd resolves tags with them)
  charged           INTEGER NOT NULL   -- pulls Hub counted while in view: the drops of ratelimit-remaining between responses
) STRICT;

CREATE INDEX events_attempt ON events(attempt_id);
CREATE INDEX attempts_class ON attempts(class, registry);
