"""Writes the corrupt and mismatched .npz files of npz.test into argv[1].

Uses the standard library only: each .npy member is written by hand (a
version 1.0 header padded to 64 bytes, then the raw little-endian data)."""

import struct
import sys
import zipfile
from pathlib import Path


def npy(descr, shape, data):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, repr(tuple(shape)))
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return (b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) +
            header.encode("latin1") + data)


def floats(values):
    return npy("<f4", (len(values),), struct.pack("<%df" % len(values), *values))


def int64s(values):
    return npy("<i8", (len(values),), struct.pack("<%dq" % len(values), *values))


def npz(path, members):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name + ".npy", data)


out = Path(sys.argv[1])
x, i = floats([0.5, 1.0, 2.0]), int64s([0, 2])
npz(out / "good.npz", {"x": x, "i": i})
npz(out / "wrong-dtype.npz", {"x": int64s([0, 1, 2]), "i": i})
npz(out / "wrong-shape.npz", {"x": floats([0.5, 1.0, 2.0, 3.0]), "i": i})
npz(out / "missing-array.npz", {"x": x})
npz(out / "extra-array.npz", {"x": x, "i": i, "y": x})
npz(out / "truncated-npy.npz", {"x": x[:-5], "i": i})
npz(out / "bad-header.npz", {"x": b"\x93NUMPY\x01\x00\x10\x00{'descr': 1}  \n",
                             "i": i})
npz(out / "not-npy.npz", {"x": b"just some text", "i": i})
npz(out / "huge-shape.npz",
    {"x": npy("<f4", (9223372036854775807, 2), b"\0" * 8), "i": i})
npz(out / "out-of-range.npz", {"x": x, "i": int64s([0, 7])})
(out / "not-zip.npz").write_bytes(b"hello, world\n")
(out / "empty.npz").write_bytes(b"")
# A zip whose central directory is cut off.
(out / "truncated-zip.npz").write_bytes((out / "good.npz").read_bytes()[:-30])
