#!/usr/bin/env python3
"""The text report on a real terminal: pullscan runs inside tmux at 80 and 200
columns and the screen is read back (tmux capture-pane), as a user sees it.

Checked: the report takes the terminal's width (TIOCGWINSZ, over $COLUMNS),
counted in display columns; every command of every fix is whole on one line
(copied from the JSON report's fix texts), and a line wider than the
terminal is only ever such a command or a single unbreakable word; colour appears on the terminal, never
in a pipe, not with NO_COLOR or TERM=dumb, and always with --color always;
in a pipe the width is $COLUMNS, else 100.

    tests/terminal_test.py PATH/TO/pullscan        (from the source directory)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

PULLSCAN = os.path.abspath(sys.argv[1])
SAMPLES = ["samples/journal/realpull-several.journal.txt", "samples/realpull/toomanyrequests-429.short.txt"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CODE = re.compile(r"`[^`]+`")
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok - " if ok else "FAIL - ") + name)
    if not ok:
        failures += 1
        if detail:
            print("  " + detail.replace("\n", "\n  ")[:2000])


def columns(text):
    """Display columns of a line, as a terminal counts them."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def fix_commands(sample):
    """Every backtick span of every fix of the sample's findings, as the text report writes it."""
    out = subprocess.run([PULLSCAN, "--no-db", "-o", "json", sample], capture_output=True, text=True).stdout
    spans = set()
    for finding in json.loads(out)["findings"]:
        for step in finding["fix"]:
            spans.update(CODE.findall(step))
    return spans


def on_terminal(tmux, width, command, env=""):
    """The screen after `command` ran in a tmux pane `width` columns wide: logical lines (-J), with colours (-e)."""
    session = "w%d_%d" % (width, time.monotonic_ns() % 1000000)
    done = session + "_done"
    shell = "%s %s; tmux -L %s wait-for -S %s; sleep 60" % (env, command, tmux["socket"], done)
    subprocess.run(["tmux", "-L", tmux["socket"], "-f", tmux["conf"], "new-session", "-d", "-s", session,
                    "-x", str(width), "-y", "50", shell], check=True)
    subprocess.run(["tmux", "-L", tmux["socket"], "wait-for", done], check=True, timeout=60)
    screen = subprocess.run(["tmux", "-L", tmux["socket"], "capture-pane", "-p", "-e", "-J", "-S", "-", "-t", session],
                            capture_output=True, text=True, check=True).stdout
    subprocess.run(["tmux", "-L", tmux["socket"], "kill-session", "-t", session])
    return screen


def main():
    if not shutil.which("tmux"):
        print("FAIL - tmux is not installed (dev.sh installs it)")
        return 1
    work = tempfile.mkdtemp()
    conf = os.path.join(work, "tmux.conf")
    with open(conf, "w") as f:
        f.write("set -g history-limit 20000\nset -g default-terminal xterm-256color\n")
    tmux = {"socket": "pullscan-test-%d" % os.getpid(), "conf": conf}
    try:
        for sample in SAMPLES:
            spans = fix_commands(sample)
            for width in (80, 200):
                # $COLUMNS says 120: the terminal's own width wins.
                screen = on_terminal(tmux, width, "%s --no-db %s" % (PULLSCAN, sample), env="env COLUMNS=120 NO_COLOR=")
                plain = ANSI.sub("", screen)
                lines = plain.splitlines()
                headers = [l for l in lines if l.startswith("── 1. ")]
                check("%s at %d: the finding's rule line fills the terminal" % (sample, width),
                      len(headers) == 1 and columns(headers[0]) == width, repr(headers))
                whole = [s for s in spans if any(s in l for l in lines)]
                check("%s at %d: each of the %d fix commands is whole on one line" % (sample, width, len(spans)),
                      len(spans) > 0 and len(whole) == len(spans), "split: " + repr(sorted(spans - set(whole))))
                # Wider than the terminal: a long command, or one word that has no
                # space to break at (a URL from the input), never prose.
                wide = [l for l in lines if columns(l) > width and " " in l.strip()
                        and not any(columns(s) > width - 12 - 2 for s in CODE.findall(l))]
                check("%s at %d: only a long command or URL passes the width" % (sample, width), not wide, "\n".join(wide))
                check("%s at %d: coloured on a terminal" % (sample, width), "\x1b[" in screen)
        sample = SAMPLES[0]
        for env in ("env NO_COLOR=1", "env TERM=dumb"):
            screen = on_terminal(tmux, 80, "%s --no-db %s" % (PULLSCAN, sample), env=env)
            check("%s: no colour on the terminal" % env, "\x1b[" not in screen and "pullscan: 5 of 6" in screen)
        screen = on_terminal(tmux, 80, "%s --no-db --color never %s" % (PULLSCAN, sample), env="env NO_COLOR=")
        check("--color never: no colour on the terminal", "\x1b[" not in screen and "pullscan: 5 of 6" in screen)
        screen = on_terminal(tmux, 80, "%s --no-db --width 120 %s" % (PULLSCAN, sample), env="env NO_COLOR=")
        headers = [l for l in ANSI.sub("", screen).splitlines() if l.startswith("── 1. ")]
        check("--width 120 on an 80-column terminal: 120", len(headers) == 1 and columns(headers[0]) == 120, repr(headers))
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.pop("COLUMNS", None)
        piped = subprocess.run([PULLSCAN, "--no-db", sample], capture_output=True, text=True, env=env).stdout
        check("in a pipe: no colour", "\x1b" not in piped)
        headers = [l for l in piped.splitlines() if l.startswith("── 1. ")]
        check("in a pipe without $COLUMNS: 100 columns", len(headers) == 1 and columns(headers[0]) == 100, repr(headers))
        env["COLUMNS"] = "90"
        piped = subprocess.run([PULLSCAN, "--no-db", sample], capture_output=True, text=True, env=env).stdout
        headers = [l for l in piped.splitlines() if l.startswith("── 1. ")]
        check("in a pipe with COLUMNS=90: 90 columns", len(headers) == 1 and columns(headers[0]) == 90, repr(headers))
        forced = subprocess.run([PULLSCAN, "--no-db", "--color", "always", sample], capture_output=True, text=True,
                                env=dict(env, NO_COLOR="1")).stdout
        check("--color always: colour in a pipe, NO_COLOR or not", "\x1b[" in forced)
    finally:
        subprocess.run(["tmux", "-L", tmux["socket"], "kill-server"], stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    print("all checks passed" if failures == 0 else "%d checks failed" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
