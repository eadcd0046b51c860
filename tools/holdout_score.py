#!/usr/bin/env python3
"""Scores pullscan on the held-out split of real pastes (samples/real/holdout/).

The split was labelled by hand from each source thread (class, image,
failed-pull count) before pullscan ever ran on it, and no rule is tuned on
it: it measures how pullscan does on real text nobody here wrote. Measures,
as the accuracy issue states them:
  class   the expert's class is the first finding's (for `success` and `none`
          texts: no failed pull at all, and for `success` a succeeded one)
  image   the image the text names is among the attempts
  count   the failed-pull count is exact
  empty   texts that name a failed pull but yield no attempt at all
Usage: holdout_score.py PULLSCAN [--misses] [--min-class PCT --min-image PCT --min-count PCT --max-empty N]
Exits 1 when a --min/--max bar is not met (so a test can hold the floor).
"""
import argparse
import csv
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HOLDOUT = os.path.join(os.path.dirname(HERE), "samples", "real", "holdout")


def norm(ref):
    """docker.io/library defaults and :latest, as pullscan normalises."""
    ref = ref.strip()
    digest = ""
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    first, _, rest = ref.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
    else:
        registry, path = "docker.io", ref
    if registry in ("index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"):
        registry = "docker.io"
    tag = ""
    if ":" in path.rsplit("/", 1)[-1]:
        path, tag = path.rsplit(":", 1)
    if registry == "docker.io" and "/" not in path:
        path = "library/" + path
    return registry + "/" + path, tag, digest


def image_found(label, attempts):
    repo, tag, digest = norm(label)
    for a in attempts:
        img = a.get("image") or ""
        if not img:
            continue
        r2, t2, d2 = norm(img)
        if r2.lower() != repo.lower():
            continue
        if digest and d2 and digest != d2:
            continue
        if tag and t2 and tag != t2 and not digest:
            continue
        return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pullscan")
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--min-class", type=float, default=0)
    ap.add_argument("--min-image", type=float, default=0)
    ap.add_argument("--min-count", type=float, default=0)
    ap.add_argument("--max-empty", type=int, default=10**9)
    args = ap.parse_args()
    rows = []
    for name in sorted(os.listdir(HOLDOUT)):
        if name.startswith("index") and name.endswith(".tsv"):
            with open(os.path.join(HOLDOUT, name), encoding="utf-8", newline="") as f:
                rows += list(csv.DictReader(f, delimiter="\t"))
    n = len(rows)
    cls_ok = img_n = img_ok = cnt_n = cnt_ok = empty = 0
    misses = []
    for row in rows:
        path = os.path.join(HOLDOUT, row["id"] + ".txt")
        p = subprocess.run([args.pullscan, "--no-db", "--output", "json", path], capture_output=True, timeout=60)
        try:
            rep = json.loads(p.stdout)
        except ValueError:
            misses.append(f"{row['id']}: no JSON (exit {p.returncode}) {p.stderr[:200]!r}")
            continue
        attempts = rep.get("attempts", [])
        failed = sum(1 for a in attempts if a.get("outcome") in ("failed", "backoff"))
        succeeded = sum(1 for a in attempts if a.get("outcome") == "succeeded")
        findings = rep.get("findings", [])
        want = row["class"]
        if want in ("none", "success"):
            got = "none" if failed == 0 and not succeeded else ("success" if failed == 0 else
                                                               (findings[0]["class"] if findings else "failed"))
            ok = failed == 0 and (want == "none" or succeeded > 0)
        else:
            got = findings[0]["class"] if findings else (attempts[0].get("class") if attempts else "<nothing>")
            ok = got == want
            if not attempts:
                empty += 1
        cls_ok += ok
        why = []
        if not ok:
            why.append(f"class {want} <- {got}")
        if row["image"].strip() and want != "none":
            img_n += 1
            if image_found(row["image"], attempts):
                img_ok += 1
            else:
                why.append(f"image {row['image']} not in {sorted({a.get('image') for a in attempts})[:4]}")
        if row["failed"].strip().isdigit():
            cnt_n += 1
            if failed == int(row["failed"]):
                cnt_ok += 1
            else:
                why.append(f"failed {row['failed']} <- {failed}")
        if why:
            misses.append(f"{row['id']}: " + "; ".join(why) + f"  [{row['source']}]")
    pct = lambda a, b: 100.0 * a / b if b else 0.0
    print(f"holdout: {n} texts; class {cls_ok}/{n} ({pct(cls_ok, n):.0f}%), image {img_ok}/{img_n} "
          f"({pct(img_ok, img_n):.0f}%), count {cnt_ok}/{cnt_n} ({pct(cnt_ok, cnt_n):.0f}%), "
          f"no attempt {empty}")
    if args.misses:
        print("\n".join(misses))
    bad = (pct(cls_ok, n) < args.min_class or pct(img_ok, img_n) < args.min_image or
           pct(cnt_ok, cnt_n) < args.min_count or empty > args.max_empty)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
