#!/usr/bin/env python3
"""gen_data_fixtures.py - small IDX and gzip fixtures for tests/test_data.c.

What: writes tests/fixtures/data/ (relative to this script): IDX label and image files, raw
and gzipped; gzip streams of one known text made of every DEFLATE block type (stored, fixed
Huffman, dynamic Huffman, a mix of the three with back-references across blocks, an empty
member, a header with every optional field); and corrupt files that the loaders must refuse
with a one-line error (truncated gzip, bad CRC32, bad ISIZE, bytes after the member, wrong IDX
magic, truncated IDX, IDX with trailing bytes, an empty dimension).
Why: the gzip reader (tasks/data/gzip.c, zlib) is checked on every block type, header field
and kind of damage, each written to exercise one case, and the IDX loader against bytes
whose values the test recomputes (image i, row r, column c holds (31 i + 7 r + 3 c + 1) mod
256; label i is (7 i + 3) mod 10).
Standard library only; the output is byte-for-byte deterministic (gzip mtime 0).
Run: python3 scripts/golden/gen_data_fixtures.py   (21 files, about 10 KB)
Reference: RFC 1951 (DEFLATE: block header bits, stored block layout), RFC 1952 (gzip).
"""
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "tests", "fixtures", "data"))

N_IMAGES, ROWS, COLS = 5, 7, 6
N_LABELS = 23


def idx_images():
    head = bytes([0, 0, 8, 3]) + struct.pack(">III", N_IMAGES, ROWS, COLS)
    body = bytes((31 * i + 7 * r + 3 * c + 1) % 256
                 for i in range(N_IMAGES) for r in range(ROWS) for c in range(COLS))
    return head + body


def idx_labels():
    head = bytes([0, 0, 8, 1]) + struct.pack(">I", N_LABELS)
    return head + bytes((7 * i + 3) % 10 for i in range(N_LABELS))


def text():
    """About 2.1 KB: repeated lines (matches at short and long distances), pseudo-random
    lowercase words (skewed letter counts, so zlib picks dynamic Huffman codes), every byte
    value once, and a run of 300 'a' (a length-258 match overlapping its own output)."""
    lines = b"".join(b"line %d: the quick brown fox jumps over the lazy dog %d\n" % (i, i * i)
                     for i in range(16))
    x, words = 12345, []
    for _ in range(120):  # a linear congruential generator: the same words everywhere
        x = (1103515245 * x + 12345) % 2**31
        words.append(b"etaoinshrdlu"[: 2 + x % 11][::-1][: 1 + (x >> 8) % 6])
    prose = b" ".join(words) + b".\n"
    return lines + prose + bytes(range(256)) + b"a" * 300 + b"\nend\n" + lines[:200]


def raw_deflate(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY, zdict=None, flush_at=()):
    """A raw DEFLATE stream (no zlib or gzip wrapper); a sync flush (an empty stored block)
    after each offset in flush_at."""
    kw = {"zdict": zdict} if zdict is not None else {}
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy, **kw)
    out, start = b"", 0
    for cut in list(flush_at) + [len(data)]:
        out += c.compress(data[start:cut])
        if cut < len(data):
            out += c.flush(zlib.Z_SYNC_FLUSH)
        start = cut
    return out + c.flush(zlib.Z_FINISH)


def stored_block(data, final):
    """One stored block (RFC 1951 3.2.4): header bits BFINAL, BTYPE=00 padded to a byte,
    then LEN and NLEN little-endian and the bytes."""
    assert len(data) <= 0xFFFF
    return bytes([1 if final else 0]) + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


def gzip_member(data, deflated, flags=0, extra=b"", name=b"", comment=b""):
    """A gzip member (RFC 1952 2.3) around a raw DEFLATE stream, mtime 0, OS 255."""
    head = bytes([0x1F, 0x8B, 8, flags]) + struct.pack("<I", 0) + bytes([0, 255])
    if flags & 4:
        head += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        head += name + b"\0"
    if flags & 16:
        head += comment + b"\0"
    if flags & 2:
        head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
    return head + deflated + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def first_block_type(deflated):
    return (deflated[0] >> 1) & 3


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {}
    images, labels, txt = idx_images(), idx_labels(), text()
    files["images.idx3"] = images
    files["labels.idx1"] = labels
    files["images.idx3.gz"] = gzip.compress(images, compresslevel=9, mtime=0)
    files["labels.idx1.gz"] = gzip_member(labels, raw_deflate(labels, 6), flags=8,
                                          name=b"labels.idx1")
    files["inflate.txt"] = txt

    stored = raw_deflate(txt, level=0)
    fixed = raw_deflate(txt, strategy=zlib.Z_FIXED)
    dynamic = raw_deflate(txt, level=9)
    assert first_block_type(stored) == 0 and first_block_type(fixed) == 1
    assert first_block_type(dynamic) == 2
    # mixed: a stored block, then zlib's blocks, which refer back into it (the stored text is
    # the compressor's preset dictionary): a dynamic block, the empty stored block of a sync
    # flush (its LEN, NLEN = 00 00 ff ff on a byte boundary), then a fixed block.
    head, tail = txt[:700], txt[700:]
    huff = raw_deflate(tail, 9, zdict=head, flush_at=(500,))
    after_flush = huff.index(b"\x00\x00\xff\xff") + 4
    assert first_block_type(huff) == 2 and first_block_type(huff[after_flush:]) == 1
    assert len(raw_deflate(tail, 9, flush_at=(500,))) > len(huff)  # the dictionary is used
    mixed = stored_block(head, final=False) + huff
    assert zlib.decompress(mixed, -15) == txt
    files["inflate-stored.gz"] = gzip_member(txt, stored)
    files["inflate-fixed.gz"] = gzip_member(txt, fixed)
    files["inflate-dynamic.gz"] = gzip_member(txt, dynamic)
    files["inflate-mixed.gz"] = gzip_member(txt, mixed)
    files["inflate-header.gz"] = gzip_member(txt, raw_deflate(txt, 6), flags=1 | 2 | 4 | 8 | 16,
                                             extra=b"AB\x02\x00hi", name=b"inflate.txt",
                                             comment=b"every optional header field")
    files["inflate-empty.gz"] = gzip.compress(b"", mtime=0)

    gz = files["images.idx3.gz"]
    files["truncated.idx3.gz"] = gz[: len(gz) // 2]
    crc = bytearray(gz)
    crc[-8] ^= 0xFF  # first byte of CRC32
    files["badcrc.idx3.gz"] = bytes(crc)
    size = bytearray(files["labels.idx1.gz"])
    size[-4] ^= 0x01  # ISIZE off by one
    files["badsize.idx1.gz"] = bytes(size)
    files["trailing.idx1.gz"] = files["labels.idx1.gz"] + b"\0\0\0\0"
    files["badmagic.idx3"] = bytes([0, 0, 0x0D, 3]) + images[4:]  # 0D: float32 values
    files["badmagic.idx3.gz"] = gzip.compress(files["badmagic.idx3"], mtime=0)
    files["truncated.idx3"] = images[:-10]
    files["truncated-header.idx3"] = images[:10]
    files["trailing.idx3"] = images + b"\0\1\2"
    files["zerodim.idx1"] = bytes([0, 0, 8, 1]) + struct.pack(">I", 0)

    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    total = sum(map(len, files.values()))
    print("wrote %d files, %d bytes, to %s" % (len(files), total, OUT))


if __name__ == "__main__":
    main()
