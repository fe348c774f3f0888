#!/usr/bin/env python3
"""fuzz_state_corpus.py - the seed corpus of tests/fuzz/fuzz_state.c, written from the state
blob's documented field layout (harness/base/state.h), not from lrlab's own output.

Each seed is byte 0 (the component's index in fuzz_state.c's table; bit 7 clear: the rest is a
payload that the target seals) then the payload of that component's state right after it is
created, field by field in its visitor's order, plus a few variants (a smoothing ring half
full, per-element weights present). A seed that the target's load refuses still works as a
seed, but these are meant to load: replay_state runs them in every build (CTest
fuzz_replay_state), so the visitors' order and ranges are checked against this description.
usage: python3 scripts/golden/fuzz_state_corpus.py OUT_DIR
"""
import os
import struct
import sys

NP = 10  # fuzz_state.c's parameters: groups W (6) and b (4)


def i(x):
    return b"i" + struct.pack("<q", x)


def d(x):
    return b"d" + struct.pack("<d", x)


def D(xs):
    return b"D" + struct.pack("<Q", len(xs)) + b"".join(struct.pack("<d", x) for x in xs)


def F(xs):
    return b"F" + struct.pack("<Q", len(xs)) + b"".join(struct.pack("<f", x) for x in xs)


def zeros(n=NP):
    return [0.0] * n


def greedy(ring_n=0, pos=0):
    ring = [0.5, 0.4, 0.3, 0.0, 0.0]
    return (d(0.1) + d(float("inf")) + d(0.0) + i(0) + i(0) + i(0) + i(0) + i(0) + i(500)
            + D(ring) + i(ring_n) + i(pos) + d(sum(ring[:ring_n])))


def adamw_sf(elem):
    groups = b"".join(i(1) + i(3) + d(0.01) + d(2.0) for _ in range(2))
    body = groups + F(zeros()) + F(zeros()) + F(zeros()) + i(1 if elem else 0)
    if elem:
        body += b"".join(d(0.01) + d(2.0) for _ in range(NP))
    return body


SEEDS = {
    "greedy": (0, greedy()),
    "greedy-ring": (0, greedy(3, 3)),
    "plateau": (1, d(0.1) + d(float("inf")) + i(0) + i(0)),
    "hd-param": (2, D([0.1, 0.1]) + F([0.1] * NP)),
    "sls": (3, d(0.1)),
    "sequential": (4, i(1)),
    "cosine": (5, b""),
    "adam-amsgrad": (6, F(zeros()) + F(zeros()) + F(zeros())),
    "sgd-momentum": (7, F([0.5] * NP)),
    "adamw_sf": (8, adamw_sf(False)),
    "adamw_sf-elem": (8, adamw_sf(True)),
    "prodigy": (9, F(zeros()) + F(zeros()) + F(zeros()) + F(zeros()) + i(0) + d(1e-6)
                + d(1e-6) + d(0.0) + i(0) + d(0.0) + d(0.0) + d(0.0)),
    "rmsprop-centered": (10, F(zeros()) + F(zeros()) + F(zeros())),
    "adafactor-beta1": (11, F(zeros()) + F(zeros())),
}


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fuzz_state_corpus.py OUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, (pick, payload) in sorted(SEEDS.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([pick]) + payload)


if __name__ == "__main__":
    main()
