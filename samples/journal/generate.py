#!/usr/bin/env python3
"""Re-renders the real journal of ../../../shared/realpull/toomanyrequests-429
(its json.txt, written by systemd-journal-remote) in the journalctl modes that
the realpull set does not carry: -o export, -o verbose, short-full,
short-unix, short-monotonic, and -o short under a German locale. Only the
prefix/record shape is re-rendered; every MESSAGE is the real one.

Also renders entries 56-100 of the real disk-full journal (the pull, its
failure and the `snapshot garbage collection failed ... no space left on
device` warning after it) as -o export, -o verbose, -o json-pretty and -o
json: every mode must give the same attempts as -o short."""
import datetime, json

entries = [json.loads(l) for l in open("../../../shared/realpull/toomanyrequests-429/journal/json.txt")]
def ts(e):
    return datetime.datetime.fromtimestamp(int(e["__REALTIME_TIMESTAMP"]) / 1e6, tz=datetime.timezone.utc)

def export(entries, path):
  with open(path, "w") as f:
    for e in entries:
        for k in ("__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "_BOOT_ID"):
            f.write(f"{k}={e[k]}\n")
        for k, v in e.items():
            if not k.startswith("__") and k != "_BOOT_ID":
                f.write(f"{k}={v}\n")
        f.write("\n")

def verbose(entries, path):
  with open(path, "w") as f:
    for e in entries:
        t = ts(e)
        f.write(t.strftime("%a %Y-%m-%d %H:%M:%S.") + f"{t.microsecond:06d} UTC [{e['__CURSOR']}]\n")
        for k, v in sorted(e.items()):
            if not k.startswith("__"):
                f.write(f"    {k}={v}\n")

export(entries, "realpull-429.export.txt")
verbose(entries, "realpull-429.verbose.txt")

disk = [json.loads(l) for l in open("../../../shared/realpull/disk-full/journal/json.txt")][55:100]
export(disk, "realpull-disk-full.export.txt")
verbose(disk, "realpull-disk-full.verbose.txt")
with open("realpull-disk-full.json-pretty.json", "w") as f:
    for e in disk:
        f.write(json.dumps(e, indent=8) + "\n")
with open("realpull-disk-full.json.txt", "w") as f:
    for e in disk:
        f.write(json.dumps(e, separators=(",", ":")) + "\n")

full, unix, mono, de = [], [], [], []
de_months = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]
t0 = ts(entries[0])
for e in entries:
    t = ts(e)
    rest = f"{e['_HOSTNAME']} {e['SYSLOG_IDENTIFIER']}[{e['_PID']}]: {e['MESSAGE']}"
    full.append(t.strftime("%a %Y-%m-%d %H:%M:%S UTC ") + rest)
    unix.append("%10d.%06d %s" % (int(t.timestamp()), t.microsecond, rest))
    mono.append("[%5d.%06d] %s" % (1280 + int((t - t0).total_seconds()), t.microsecond, rest))
    de.append(f"{de_months[t.month - 1]} {t.day:02d} {t:%H:%M:%S} {rest}")
for name, lines in (("short-full", full), ("short-unix", unix), ("short-monotonic", mono), ("short-de", de)):
    open(f"realpull-429.{name}.txt", "w").write("\n".join(lines) + "\n")
