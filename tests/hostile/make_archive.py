#!/usr/bin/env python3
"""Writes the hostile archives of archives.cases, fast enough for a setup line.

    many OUT N links|files   a tar.gz of N members under b/: symbolic links to
                             /etc/passwd, or 2-byte regular files; the tar
                             headers are written directly (tarfile takes
                             minutes for 300,000 members on a busy machine)
    nested OUT LEVELS LOG    LEVELS tar.gz archives one inside another, the
                             bundle the first; the innermost holds LOG gzipped
                             as node-1/containerd.log.gz (a compressed file,
                             not an archive level)
"""
import gzip
import io
import sys
import tarfile


def header(name, size=0, typeflag=b"0", link=b""):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"14000000000\0"
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(link)] = link
    h[257:265] = b"ustar\x0000"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def many(out, n, kind):
    with gzip.open(out, "wb", compresslevel=1) as f:
        for i in range(n):
            name = b"b/n%d/var/log/pods/ns_p%d/c/%06d.log" % (i % 7, i, i)
            if kind == "links":
                f.write(header(name, typeflag=b"2", link=b"/etc/passwd"))
            else:
                f.write(header(name, size=2) + b"x\n" + b"\0" * 510)
        f.write(b"\0" * 1024)


def tar_gz(members):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return b.getvalue()


def nested(out, levels, log):
    with open(log, "rb") as f:
        data = tar_gz([("node-1/containerd.log.gz", gzip.compress(f.read()))])
    for k in range(levels - 1):
        data = tar_gz([("level%d.tar.gz" % (levels - k), data)])
    with open(out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "many" and sys.argv[4] in ("links", "files"):
        many(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif len(sys.argv) == 5 and sys.argv[1] == "nested":
        nested(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
