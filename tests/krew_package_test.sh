#!/usr/bin/env bash
# The release archive and krew manifest as krew/package.sh makes them from
# this build: the archive holds the binary, LICENSE and README.md; the
# generated manifest (in the build dir) carries the archive's sha256, the
# binary's version and every file it names; the tracked krew/pullscan.yaml is
# left as it was; packing the same binary twice gives the same bytes.
#   tests/krew_package_test.sh BUILD_DIR     (from the source directory)
set -u
BUILD=$1
fail=0
check() {  # check NAME COMMAND...
  local name=$1; shift
  if "$@"; then echo "ok - $name"; else echo "FAIL - $name"; fail=$((fail + 1)); fi
}
tracked_before=$(sha256sum krew/pullscan.yaml)
PACKAGE_PREBUILT=1 krew/package.sh "$BUILD" >"$BUILD/package.out" 2>&1 || { cat "$BUILD/package.out"; echo "FAIL - package.sh failed"; exit 1; }
ARCHIVE=$BUILD/dist/pullscan-linux-amd64.tar.gz
MANIFEST=$BUILD/dist/pullscan.yaml
first_sum=$(sha256sum "$ARCHIVE" | cut -d' ' -f1)
check "the tracked manifest is not rewritten" [ "$(sha256sum krew/pullscan.yaml)" = "$tracked_before" ]
check "the archive holds the binary, LICENSE and README.md" \
  [ "$(tar -tzf "$ARCHIVE" | sort | tr '\n' ' ')" = "LICENSE README.md pullscan " ]
check "LICENSE in the archive is the repository's, Apache-2.0" \
  bash -c "tar -xOzf '$ARCHIVE' LICENSE | cmp -s - LICENSE && grep -q 'Apache License' LICENSE && grep -q 'Version 2.0, January 2004' LICENSE && grep -q '^Copyright .* The pullscan authors' LICENSE"
check "the packed binary runs" bash -c "d=\$(mktemp -d); tar -C \"\$d\" -xzf '$ARCHIVE' pullscan && \"\$d/pullscan\" --version | grep -q '^pullscan '; r=\$?; rm -rf \"\$d\"; exit \$r"
manifest_check() {
  python3 - "$MANIFEST" "$ARCHIVE" "$first_sum" "$("$BUILD/pullscan" version -o json)" <<'PY'
import json, sys, tarfile, yaml
manifest, archive, digest, version = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
m = yaml.safe_load(open(manifest))
spec = m["spec"]
members = set(tarfile.open(archive).getnames())
problems = []
if spec["version"] != "v" + version["version"]: problems.append("version %s" % spec["version"])
if not spec["homepage"].startswith("https://"): problems.append("homepage")
if "Usage:" not in spec["description"] or "kubectl pullscan -n" not in spec["description"]: problems.append("no usage block")
for p in spec["platforms"]:
    if p["sha256"] != digest: problems.append("sha256 %s, archive %s" % (p["sha256"], digest))
    if ("/" + version["version"]) not in p["uri"] and ("/v" + version["version"]) not in p["uri"]: problems.append("uri " + p["uri"])
    names = [f["from"] for f in p["files"]]
    if "LICENSE" not in names: problems.append("LICENSE not in files")
    for n in names:
        if n not in members: problems.append("files names %s, not in the archive" % n)
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
}
check "the generated manifest: sha256, version, files, homepage, usage" manifest_check
PACKAGE_PREBUILT=1 krew/package.sh "$BUILD" >/dev/null 2>&1
check "packing again gives the same archive" [ "$(sha256sum "$ARCHIVE" | cut -d' ' -f1)" = "$first_sum" ]
[ "$fail" -eq 0 ] && echo "all checks passed"
[ "$fail" -eq 0 ]
