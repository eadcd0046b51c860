#!/usr/bin/env python3
"""Writes one failed pull in one input form, for the secrets and escapes matrices.

The matrices put the same hostile text (a credential from secrets.tsv, or
control bytes given on the command line) into every form pullscan reads, so
a case differs from its neighbours only in the form and the output checked:

    journal   a containerd error line and kubelet's twice-quoted sync error,
              under journalctl short prefixes (the text Go-quoted, as the
              daemons log it)
    paste     the error as a person copies it out of `kubectl describe`
              (the text as is, newlines included)
    events    `kubectl get events -o json`: a Failed event whose message
              carries the text (JSON-escaped)
    bundle    a kind `export logs` directory (written under DIR) whose
              node's containerd.log and kubelet.log hold the journal form
    arg       the text alone, for the command line

Usage: make_input.py FORM (--secret ID | --text TEXT) [--node N] [--pod P]
       [--ns NS] [--image I] [--dir DIR]
A secret's `text` column writes a newline as the two characters `\\n`.
"""
import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def secret_text(row_id):
    with open(os.path.join(HERE, "secrets.tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["id"] == row_id:
                return row["text"].replace("\\n", "\n")
    sys.exit(f"make_input.py: no row {row_id!r} in secrets.tsv")


def go_quote(s):
    """strconv.Quote for the characters these tests use."""
    out = []
    for ch in s:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def journal(a, text):
    image = f"docker.io/{a.image}"
    chain = f'failed to pull and unpack image "{image}": failed to resolve reference "{image}": {text}'
    containerd = (f'Jun 10 12:01:40 {a.node} containerd[811]: time="2025-06-10T12:01:40.600000000Z" level=error '
                  f'msg={go_quote(f"PullImage {go_quote(a.image)} failed")} error={go_quote(chain)}')
    sync = f'failed to "StartContainer" for "app" with ErrImagePull: {go_quote(chain)}'
    kubelet = (f'Jun 10 12:01:40 {a.node} kubelet[1902]: E0610 12:01:40.602000    1902 pod_workers.go:1301] '
               f'"Error syncing pod, skipping" err={go_quote(sync)} pod="{a.ns}/{a.pod}" podUID="u-1"')
    return containerd + "\n" + kubelet + "\n"


def paste(a, text):
    return (f'Failed to pull image "{a.image}": rpc error: code = Unknown desc = failed to pull and unpack image '
            f'"docker.io/{a.image}": failed to resolve reference "docker.io/{a.image}": {text}\n')


def events(a, text):
    message = (f'Failed to pull image "{a.image}": rpc error: code = Unknown desc = failed to pull and unpack '
               f'image "docker.io/{a.image}": {text}')
    event = {
        "apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": "Failed", "count": 1,
        "firstTimestamp": "2025-06-10T12:01:40Z", "lastTimestamp": "2025-06-10T12:01:40Z",
        "involvedObject": {"kind": "Pod", "name": a.pod, "namespace": a.ns, "fieldPath": "spec.containers{app}"},
        "metadata": {"name": f"{a.pod}.1", "namespace": a.ns, "uid": "uid-1"},
        "source": {"component": "kubelet", "host": a.node},
        "message": message,
    }
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": [event]}, indent=2) + "\n"


def bundle(a, text):
    root = os.path.join(a.dir, "kind-logs")
    node = os.path.join(root, a.node)
    os.makedirs(node, exist_ok=True)
    with open(os.path.join(root, "kind-version.txt"), "w") as f:
        f.write("kind v0.24.0 go1.22.6 linux/amd64\n")
    lines = journal(a, text).splitlines(keepends=True)
    with open(os.path.join(node, "containerd.log"), "w", encoding="utf-8") as f:
        f.write(lines[0])
    with open(os.path.join(node, "kubelet.log"), "w", encoding="utf-8") as f:
        f.write(lines[1])
    return ""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("form", choices=["journal", "paste", "events", "bundle", "arg"])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--secret")
    g.add_argument("--text")
    p.add_argument("--node", default="node-g")
    p.add_argument("--pod", default="api-1")
    p.add_argument("--ns", default="shop")
    p.add_argument("--image", default="acme/api:bad")
    p.add_argument("--dir", default="bundle")
    a = p.parse_args()
    text = secret_text(a.secret) if a.secret else a.text
    forms = {"journal": journal, "paste": paste, "events": events, "bundle": bundle, "arg": lambda a, t: t}
    out = forms[a.form](a, text)
    sys.stdout.buffer.write(out.encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
