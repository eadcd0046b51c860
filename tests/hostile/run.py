#!/usr/bin/env python3
"""The hostile-input matrices: one runner for every *.cases file beside it.

pullscan promises that bad, crafted or secret-bearing input never loses data,
never leaks a credential and never reaches a terminal raw (README, "Safety"
and "Secrets"). Each promise is a table of cases here, run against the real
binary in a fresh temporary directory per case, so a case can create files,
pipe input, send signals and then inspect what is left.

Case file format (blank lines separate cases, `#` lines are comments):

    case: db-refuses-a-journal            unique name (required)
    each: secrets.tsv                     optional: expand the case once per
                                          row of that TSV (header = column
                                          names); `{col}` is replaced in every
                                          other value, and `{row}` by the row id
    setup: printf 'x\\n' > journal.txt    shell, run first (several allowed)
    run: $PULLSCAN --db journal.txt </dev/null     the command under test (shell)
    exit: 2                               expected exit status (`0|1` allows several)
    stdout-has: TEXT   stdout-lacks: TEXT     substring checks (several allowed)
    stderr-has: TEXT   stderr-lacks: TEXT
    out-lacks: TEXT                       neither stdout nor stderr holds TEXT
    clean: stdout|stderr                  no control byte but \\n and \\t
    check: SHELL                          must exit 0 after the run (several)
    timeout: 30                           seconds for `run` (default 60)
    sanitized: skip                       not run in an ASan build (a case whose
                                          point is peak memory or speed)

Environment given to every shell: PULLSCAN (the binary), SAMPLES (the
samples/ folder), HOSTILE (this folder), XDG_STATE_HOME (inside the case's
directory, so the default database never touches the user's), and
PULLSCAN_SANITIZED=1 from ctest in an ASan build (peak-memory checks skip
themselves then: `check: [ -n "$PULLSCAN_SANITIZED" ] || ...`).
Usage: run.py PULLSCAN [FILE.cases | NAME-SUBSTRING]; exits 1 if any case fails.
"""
import concurrent.futures
import csv
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MULTI = {"setup", "stdout-has", "stdout-lacks", "stderr-has", "stderr-lacks", "out-lacks", "check", "clean"}
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def parse(path):
    cases, cur, lineno = [], None, 0
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip():
                cur = None
                continue
            if line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key = key.strip()
            if not sep or not re.fullmatch(r"[a-z-]+", key):
                sys.exit(f"{path}:{lineno}: expected `key: value`")
            value = value[1:] if value.startswith(" ") else value
            if cur is None:
                cur = {"_where": f"{os.path.basename(path)}:{lineno}"}
                cases.append(cur)
            if key in MULTI:
                cur.setdefault(key, []).append(value)
            elif key in cur:
                sys.exit(f"{path}:{lineno}: `{key}` given twice")
            else:
                cur[key] = value
    for c in cases:
        if "case" not in c or "run" not in c:
            sys.exit(f"{path}: case at {c['_where']} needs `case:` and `run:`")
    return cases


def expand(case):
    if "each" not in case:
        return [case]
    table = os.path.join(HERE, case["each"])
    out = []
    with open(table, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for i, row in enumerate(rows, 1):
        row = {k: v.encode().decode("unicode_escape") if k.endswith("_esc") else v for k, v in row.items()}
        row.setdefault("row", row.get("id", str(i)))

        def sub(v):
            for k, val in row.items():
                v = v.replace("{" + k + "}", val)
            return v

        c = {}
        for k, v in case.items():
            if k == "each":
                continue
            c[k] = [sub(x) for x in v] if isinstance(v, list) else sub(v)
        c["case"] = f"{case['case']}[{row['row']}]"
        out.append(c)
    return out


def run_case(case, binary):
    problems = []
    with tempfile.TemporaryDirectory(prefix="pullscan-hostile-") as tmp:
        env = dict(os.environ, PULLSCAN=binary, SAMPLES=os.path.join(ROOT, "samples"), HOSTILE=HERE,
                   XDG_STATE_HOME=os.path.join(tmp, "state"), HOME=tmp, LC_ALL="C.UTF-8")
        env.pop("NO_COLOR", None)

        def sh(cmd, timeout=60):
            return subprocess.run(["bash", "-c", cmd], cwd=tmp, env=env, capture_output=True,
                                  stdin=subprocess.DEVNULL, timeout=timeout)

        for s in case.get("setup", []):
            try:
                p = sh(s, 300)
            except subprocess.TimeoutExpired:
                return [f"setup timed out: {s}"]
            if p.returncode != 0:
                return [f"setup failed ({p.returncode}): {s}\n{p.stderr.decode(errors='replace')}"]
        try:
            p = sh(case["run"], int(case.get("timeout", "60")))
        except subprocess.TimeoutExpired:
            return [f"timed out after {case.get('timeout', '60')} s"]
        out, err = p.stdout, p.stderr
        if "exit" in case:
            allowed = {int(x) for x in case["exit"].split("|")}
            if p.returncode not in allowed:
                problems.append(f"exit {p.returncode}, expected {case['exit']}")
        for t in case.get("stdout-has", []):
            if t.encode() not in out:
                problems.append(f"stdout lacks {t!r}")
        for t in case.get("stdout-lacks", []):
            if t.encode() in out:
                problems.append(f"stdout holds {t!r}")
        for t in case.get("stderr-has", []):
            if t.encode() not in err:
                problems.append(f"stderr lacks {t!r}")
        for t in case.get("stderr-lacks", []):
            if t.encode() in err:
                problems.append(f"stderr holds {t!r}")
        for t in case.get("out-lacks", []):
            if t.encode() in out or t.encode() in err:
                problems.append(f"output holds {t!r}")
        for stream in case.get("clean", []):
            data = out if stream == "stdout" else err
            m = CONTROL.search(data)
            if m:
                problems.append(f"{stream} holds control byte {m.group(0)!r} at {m.start()}")
        for c in case.get("check", []):
            try:
                q = sh(c)
            except subprocess.TimeoutExpired:
                problems.append(f"check timed out: {c}")
                continue
            if q.returncode != 0:
                problems.append(f"check failed: {c}\n{q.stdout.decode(errors='replace')}{q.stderr.decode(errors='replace')}")
        if problems:
            problems.append(f"command: {case['run']}\nstdout: {out[-1500:].decode(errors='replace')}\n"
                            f"stderr: {err[-1500:].decode(errors='replace')}")
    return problems


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: run.py PULLSCAN [FILE.cases | NAME-SUBSTRING]")
    binary = os.path.abspath(sys.argv[1])
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    cases = []
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".cases") and not (only.endswith(".cases") and name != only):
            for c in parse(os.path.join(HERE, name)):
                cases.extend(expand(c))
    names = [c["case"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f"duplicate case names: {sorted(dup)}")
    chosen = [c for c in cases if not (only and not only.endswith(".cases") and only not in c["case"])]
    skipped = 0
    if os.environ.get("PULLSCAN_SANITIZED"):
        skipped = sum(1 for c in chosen if c.get("sanitized") == "skip")
        chosen = [c for c in chosen if c.get("sanitized") != "skip"]
    # Cases are independent (a directory each): run them side by side. Most of
    # a case's time is process start-up, so twice the cores keeps them busy.
    workers = int(os.environ.get("PULLSCAN_HOSTILE_JOBS", 0)) or 2 * (os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda c: run_case(c, binary), chosen))
    failed = 0
    ran = len(chosen)
    for c, problems in zip(chosen, results):
        if problems:
            failed += 1
            print(f"FAIL {c['case']} ({c['_where']})")
            for p in problems:
                print("    " + p.replace("\n", "\n    "))
    print(f"hostile: {ran - failed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(1 if failed or ran == 0 else 0)


if __name__ == "__main__":
    main()
