#!/usr/bin/env python3
"""rules_check.py: a development aid for the rule files in rules/.

It loads every rules/<class_id>.yaml, checks the grammar the C++ loader
enforces (required keys, no unknown keys, unique ids, class == file name,
known placeholders, RE2-compatible regexes), then simulates classification
with Python `re`: every example must end up in its own class (and be won by
its own rule), and every `not:` text must not be matched by its own rule.

The real test is the C++ one; this script only gives fast feedback while the
data is edited.

Usage: tools/rules_check.py [RULES_DIR] [-v]
Prints `file:line: reason` per problem and exits 1 if there is any.
"""

import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.stderr.write("rules_check.py needs PyYAML (apt-get install -y python3-yaml)\n")
    sys.exit(2)

CLASSES = [
    "rate_limited", "auth_required", "access_denied", "not_found",
    "not_found_or_unauthorized", "tls_unknown_authority", "tls_expired",
    "tls_hostname_mismatch", "tls_protocol_mismatch", "dns_failure",
    "connection_refused", "network_timeout", "connection_reset", "proxy_error",
    "registry_server_error", "platform_mismatch", "disk_full", "content_corrupt",
    "pull_timeout", "invalid_reference", "never_pull", "unsupported_media_type",
    "signature_policy", "kubelet_throttled", "pull_secret_missing",
    "image_inspect_error", "backoff_only", "success", "unknown",
]
# Classes the engine emits by itself: their files carry no rules.
ENGINE_CLASSES = {"success", "backoff_only", "unknown"}

CLASS_KEYS = {"class", "title", "explanation", "fix", "rules"}
CLASS_REQUIRED = {"class", "title", "explanation", "fix"}
RULE_KEYS = {"id", "priority", "match", "registry", "title", "explanation",
             "fix", "examples", "not"}
RULE_REQUIRED = {"id", "priority", "match", "examples", "not"}

PLACEHOLDERS = {
    "registry", "registry_host", "registry_hostport", "endpoint", "image",
    "repository", "repository_path", "tag", "node", "namespace", "pod",
    "container", "url", "status", "registry_port",
}

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
GROUP_RE = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")

# Constructs that RE2 rejects or that mean something else in Python `re`.
RE2_TRAPS = [
    (re.compile(r"\(\?<?[=!]"), "lookahead/lookbehind is not RE2"),
    (re.compile(r"\(\?>"), "atomic groups are not RE2"),
    (re.compile(r"\(\?P=|\\[1-9]"), "backreferences are not RE2"),
    (re.compile(r"\(\?<[A-Za-z_]"), "write named groups as (?P<name>...)"),
    (re.compile(r"\\[zZ]"), "\\z / \\Z differ between RE2 and Python; use $"),
    (re.compile(r"\\[pP]|\\Q|\\E|\\x\{|\[\[:"), "RE2-only syntax that Python reads differently"),
    (re.compile(r"\{,\d+\}"), "{,n} is not RE2"),
    (re.compile(r"[*+?}]\+"), "possessive quantifiers are not RE2"),
]

# Where the engine finds the image reference in a message: the first key of
# this list that occurs anywhere wins (the same order as the C++
# image_in_message); no image means the host of the first http(s) URL.
QUOTED_IMAGE_KEYS = [
    'failed to pull and unpack image "', 'Failed to pull image "', 'Back-off pulling image "',
    'failed to get sandbox image "', 'PullImage "', 'Pulling image "', 'Successfully pulled image "',
]
DOCKER_IMAGE_KEYS = ["pull access denied for ", "manifest for "]
REF_CHARS = re.compile(r"^[A-Za-z0-9._/:@\[\]-]+$")


def image_in_message(text):
    for key in QUOTED_IMAGE_KEYS:
        p = text.find(key)
        if p < 0:
            continue
        p += len(key)
        e = text.find('"', p)
        if e < 0:
            continue
        img = text[p:e].rstrip("\\")
        if img:
            return img
    for key in DOCKER_IMAGE_KEYS:
        p = text.find(key)
        if p < 0:
            continue
        p += len(key)
        m = re.compile(r"[, ]").search(text, p)
        e = m.start() if m else len(text)
        if e > p:
            return text[p:e]
    m = re.search(r"image pull failed for (.*?) because", text)
    if m and m.group(1):
        return m.group(1)
    return ""


def registry_of_image(ref):
    """Registry part of a reference, normalised like the engine does."""
    ref = ref.strip()
    if ref and len(ref) <= 512 and REF_CHARS.match(ref):
        name = ref.split("@", 1)[0]
        first, sep, _ = name.partition("/")
        if sep and ("." in first or ":" in first or first == "localhost" or first.startswith("[")):
            reg = first
        else:
            reg = "docker.io"
        if reg in ("index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"):
            reg = "docker.io"
        return reg
    return ref.split("/", 1)[0] if "/" in ref else ""


def endpoint_of(text):
    u = text.find("://")
    if u < 0:
        return ""
    b = u
    while b > 0 and "a" <= text[b - 1] <= "z":
        b -= 1
    if text[b:u] not in ("http", "https"):
        return ""
    e = u + 3
    while e < len(text) and text[e] not in '" \\\n':
        e += 1
    url = text[b:e].rstrip(":") if text[b:e].endswith(":") else text[b:e]
    host = re.split(r"[/?]", url[u - b + 3:], 1)[0]
    return host.rsplit("@", 1)[-1]


def registry_of(text):
    """Registry host[:port] the engine would use for this text ('' if none)."""
    img = image_in_message(text)
    if img:
        return registry_of_image(img)
    return endpoint_of(text)


class Problems:
    def __init__(self):
        self.items = []

    def add(self, path, line, reason):
        self.items.append((path, line, reason))


def line_of(lines, needle, default=1):
    for i, text in enumerate(lines, 1):
        if needle in text:
            return i
    return default


def check_text_fields(probs, path, line, where, fields, allowed):
    for name, value in fields:
        texts = value if isinstance(value, list) else [value]
        for t in texts:
            if not isinstance(t, str):
                continue
            for ph in PLACEHOLDER_RE.findall(t):
                if ph not in allowed:
                    probs.add(path, line, f"{where}: unknown placeholder {{{ph}}} in {name}")
            stripped = PLACEHOLDER_RE.sub("", t)
            if "{" in stripped or "}" in stripped:
                probs.add(path, line, f"{where}: stray brace in {name} (only {{placeholder}} may use braces)")


def check_regex(probs, path, line, where, rx):
    for trap, why in RE2_TRAPS:
        if trap.search(rx):
            probs.add(path, line, f"{where}: {why}: {rx!r}")
    if re.search(r"\(\?[a-zA-Z]+\)", rx[1:] if rx.startswith("(?") else rx):
        probs.add(path, line, f"{where}: put inline flags like (?i) at the start of the pattern")
    try:
        return re.compile(rx)
    except re.error as e:
        probs.add(path, line, f"{where}: regex does not compile: {e}")
        return None


def load(rules_dir, probs):
    """Returns (classes, rules) with rules in load order."""
    classes, rules, seen_ids = {}, [], {}
    files = sorted(f for f in os.listdir(rules_dir) if f.endswith(".yaml"))
    names = {f[:-5] for f in files}
    for c in CLASSES:
        if c not in names:
            probs.add(os.path.join(rules_dir, c + ".yaml"), 0, f"missing file for class {c}")
    for fname in files:
        path = os.path.join(rules_dir, fname)
        stem = fname[:-5]
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
        lines = raw.splitlines()
        if not lines or not lines[0].startswith("#"):
            probs.add(path, 1, "file must start with a comment paragraph")
        try:
            doc = yaml.safe_load(raw)
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            probs.add(path, mark.line + 1 if mark else 1, f"YAML error: {e}")
            continue
        if not isinstance(doc, dict):
            probs.add(path, 1, "top level must be a mapping")
            continue
        for k in doc:
            if k not in CLASS_KEYS:
                probs.add(path, line_of(lines, f"{k}:"), f"unknown key {k!r}")
        for k in CLASS_REQUIRED - set(doc):
            probs.add(path, 1, f"missing key {k!r}")
        cls = doc.get("class")
        if cls != stem:
            probs.add(path, line_of(lines, "class:"), f"class {cls!r} must equal the file name {stem!r}")
        if stem not in CLASSES:
            probs.add(path, 1, f"{stem!r} is not a taxonomy class id")
        for k in ("title", "explanation"):
            if k in doc and (not isinstance(doc[k], str) or not doc[k].strip()):
                probs.add(path, line_of(lines, f"{k}:"), f"{k} must be a non-empty string")
        fix = doc.get("fix")
        if not isinstance(fix, list) or not fix or not all(isinstance(s, str) and s.strip() for s in fix):
            probs.add(path, line_of(lines, "fix:"), "fix must be a non-empty list of non-empty strings")
        check_text_fields(probs, path, 1, "class", [(k, doc.get(k)) for k in ("title", "explanation", "fix")],
                          PLACEHOLDERS)
        classes[stem] = doc
        rlist = doc.get("rules") or []
        if not isinstance(rlist, list):
            probs.add(path, line_of(lines, "rules:"), "rules must be a list")
            continue
        if stem in ENGINE_CLASSES and rlist:
            probs.add(path, line_of(lines, "rules:"), f"{stem} is emitted by the engine and takes no rules")
        for idx, r in enumerate(rlist):
            if not isinstance(r, dict):
                probs.add(path, 1, f"rule #{idx + 1} must be a mapping")
                continue
            rid = r.get("id")
            line = line_of(lines, f"id: {rid}") if isinstance(rid, str) else 1
            where = f"rule {rid}"
            for k in r:
                if k not in RULE_KEYS:
                    probs.add(path, line, f"{where}: unknown key {k!r}")
            for k in RULE_REQUIRED - set(r):
                probs.add(path, line, f"{where}: missing key {k!r}")
            if not isinstance(rid, str) or not ID_RE.match(rid):
                probs.add(path, line, f"{where}: id must be lowercase-kebab")
            elif rid in seen_ids:
                probs.add(path, line, f"{where}: duplicate id (also in {seen_ids[rid]})")
            else:
                seen_ids[rid] = path
            prio = r.get("priority")
            if not isinstance(prio, int) or isinstance(prio, bool) or not 1 <= prio <= 100:
                probs.add(path, line, f"{where}: priority must be an integer 1..100")
                prio = 0
            rx = r.get("match")
            crx = check_regex(probs, path, line, where + " match", rx) if isinstance(rx, str) and rx else None
            if not isinstance(rx, str) or not rx:
                probs.add(path, line, f"{where}: match must be a non-empty string")
            groups = set(GROUP_RE.findall(rx)) if isinstance(rx, str) else set()
            for g in groups & PLACEHOLDERS:
                probs.add(path, line, f"{where}: named group {g!r} shadows a built-in placeholder")
            reg = r.get("registry")
            creg = None
            if reg is not None:
                if not isinstance(reg, str) or not reg:
                    probs.add(path, line, f"{where}: registry must be a non-empty string")
                else:
                    creg = check_regex(probs, path, line, where + " registry", reg)
            for k in ("title", "explanation"):
                if k in r and (not isinstance(r[k], str) or not r[k].strip()):
                    probs.add(path, line, f"{where}: {k} must be a non-empty string")
            if "fix" in r:
                f = r["fix"]
                if not isinstance(f, list) or not f or not all(isinstance(s, str) and s.strip() for s in f):
                    probs.add(path, line, f"{where}: fix must be a non-empty list of non-empty strings")
            check_text_fields(probs, path, line, where, [(k, r.get(k)) for k in ("title", "explanation", "fix")],
                              PLACEHOLDERS | groups)
            for k in ("examples", "not"):
                v = r.get(k)
                if not isinstance(v, list) or not v or not all(isinstance(s, str) and s for s in v):
                    probs.add(path, line, f"{where}: {k} must be a non-empty list of strings")
            rules.append({
                "id": rid, "cls": stem, "prio": prio, "rx": crx, "reg": creg,
                "has_reg": reg is not None, "path": path, "line": line, "raw": r,
            })
    return classes, rules


def applies(rule, text, registry):
    if rule["rx"] is None or not rule["rx"].search(text):
        return False
    if rule["has_reg"]:
        return rule["reg"] is not None and bool(rule["reg"].search(registry or ""))
    return True


def classify(rules, text):
    """Returns (winner, runner_up_of_other_class) like the engine would."""
    registry = registry_of(text)
    hits = [r for r in rules if applies(r, text, registry)]  # load order kept
    if not hits:
        return None, None
    best = max(r["prio"] for r in hits)
    winner = next(r for r in hits if r["prio"] == best)
    tie = next((r for r in hits if r["prio"] == best and r["cls"] != winner["cls"]), None)
    return winner, tie


def simulate(rules, probs):
    n_examples = 0
    for r in rules:
        raw = r["raw"]
        for ex in raw.get("examples") or []:
            if not isinstance(ex, str):
                continue
            n_examples += 1
            short = ex if len(ex) <= 90 else ex[:87] + "..."
            registry = registry_of(ex)
            if r["has_reg"] and not image_in_message(ex):
                probs.add(r["path"], r["line"], f"rule {r['id']}: example has no image reference to take the registry from: {short!r}")
            if not applies(r, ex, registry):
                probs.add(r["path"], r["line"], f"rule {r['id']}: own rule does not match example: {short!r}")
            winner, tie = classify(rules, ex)
            if winner is None:
                probs.add(r["path"], r["line"], f"rule {r['id']}: no rule matches example: {short!r}")
                continue
            if winner["cls"] != r["cls"]:
                probs.add(r["path"], r["line"],
                          f"rule {r['id']}: example classifies as {winner['cls']} (rule {winner['id']}, "
                          f"priority {winner['prio']}) instead of {r['cls']}: {short!r}")
            elif winner["id"] != r["id"]:
                probs.add(r["path"], r["line"],
                          f"rule {r['id']}: example is won by sibling rule {winner['id']} (priority "
                          f"{winner['prio']}); move it there or raise this rule: {short!r}")
            if tie is not None:
                probs.add(r["path"], r["line"],
                          f"rule {r['id']}: priority tie between classes {winner['cls']} ({winner['id']}) and "
                          f"{tie['cls']} ({tie['id']}) on example: {short!r}")
        for nt in raw.get("not") or []:
            if isinstance(nt, str) and applies(r, nt, registry_of(nt)):
                short = nt if len(nt) <= 90 else nt[:87] + "..."
                probs.add(r["path"], r["line"], f"rule {r['id']}: matches its own `not:` text: {short!r}")
    return n_examples


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv[1:] if a != "-v"]
    here = os.path.dirname(os.path.abspath(__file__))
    rules_dir = args[0] if args else os.path.join(here, "..", "rules")
    rules_dir = os.path.normpath(rules_dir)
    probs = Problems()
    classes, rules = load(rules_dir, probs)
    n_examples = simulate(rules, probs)
    for path, line, reason in probs.items:
        print(f"{os.path.relpath(path)}:{line}: {reason}")
    if verbose or not probs.items:
        counts = {}
        for r in rules:
            counts[r["cls"]] = counts.get(r["cls"], 0) + 1
        if verbose:
            for c in CLASSES:
                print(f"  {c:28} {counts.get(c, 0)} rules")
        print(f"{'FAIL' if probs.items else 'ok'}: {len(classes)} class files, {len(rules)} rules, "
              f"{n_examples} examples, {len(probs.items)} problems")
    return 1 if probs.items else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
