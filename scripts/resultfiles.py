"""resultfiles.py - reading an lrlab result folder's CSV files from Python, plain or packed:
FILE, FILE.gz, or the parts FILE.K-N.gz that scripts/pack.sh writes (concatenated in order).
Shared by scripts/makespan.py and scripts/bench/flops.py (import it with the scripts/ folder
on sys.path). Bad input raises Refusal, whose message is the one line the caller prints.
"""
import csv
import gzip
import io
import os
import re


class Refusal(Exception):
    """Bad input: the message is the one line printed."""


def read_text(path):
    """(the name to report, the text) of path or of its packed form; None when absent."""
    if os.path.isfile(path):
        with open(path, "rb") as f:
            return path, decode(path, f.read())
    if os.path.isfile(path + ".gz"):
        return path + ".gz", decode(path + ".gz", gunzip(path + ".gz"))
    folder, base = os.path.split(path)
    pat = re.compile(re.escape(base) + r"\.([0-9]+)-([0-9]+)\.gz$")
    parts = sorted((int(m.group(1)), int(m.group(2)), name)
                   for name in (os.listdir(folder or ".") if os.path.isdir(folder or ".") else [])
                   for m in [pat.match(name)] if m)
    if not parts:
        return None
    n = parts[0][1]
    want = [(k, n) for k in range(1, n + 1)]
    got = [(k, m) for k, m, _ in parts]
    if got != want:
        raise Refusal("%s: parts %s (expected %s.1-%d.gz ... %s.%d-%d.gz, each once)"
                      % (path, ", ".join("%d-%d" % km for km in got), base, n, base, n, n))
    blob = b"".join(gunzip(os.path.join(folder, name)) for _, _, name in parts)
    return "%s.1-%d.gz ... .%d-%d.gz" % (path, n, n, n), decode(path, blob)


def gunzip(path):
    try:
        with open(path, "rb") as f:
            return gzip.decompress(f.read())
    except (OSError, EOFError) as e:
        raise Refusal("%s: not a gzip file (%s)" % (path, e))


def decode(name, blob):
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Refusal("%s: not UTF-8 text (byte %d)" % (name, e.start))


def read_csv(name, text, columns):
    """The rows of a CSV text as (line, dict of the named columns); the header must hold them."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise Refusal("%s: empty (expected a header with %s)" % (name, ",".join(columns)))
    for c in columns:
        if c not in header:
            raise Refusal("%s: line 1: no column %s (expected a header with %s)"
                          % (name, c, ",".join(columns)))
    at = {c: header.index(c) for c in columns}
    rows = []
    for row in reader:
        if len(row) != len(header):
            raise Refusal("%s: line %d: %d fields (expected %d, as the header)"
                          % (name, reader.line_num, len(row), len(header)))
        rows.append((reader.line_num, {c: row[i] for c, i in at.items()}))
    return rows
