"""Patch parameter values and header fields of a C3D file in place (test helper).

Uses the structural screen of :mod:`lungelab.io.c3d` to find where each parameter's
data lies, then overwrites the values with :mod:`struct` in the file's byte order.
Only values are changed, never the layout, so the damaged file stays parseable and
the reader's *value* checks are what is tested.
"""

from __future__ import annotations

import struct
from pathlib import Path

from lungelab.io import c3d as _c3d

_FORMATS = {1: "b", 2: "h", 4: "f", -1: "s"}


def params(raw: bytes) -> dict:
    return _c3d._screen(Path("patch.c3d"), raw)


def patch_param(raw: bytes, group: str, name: str, values: list[float]) -> bytes:
    """Overwrite the first ``len(values)`` values of parameter ``group:name``."""
    info = params(raw)
    ptype, dims, at = info["params"][(group, name)]
    endian = info["endian"]
    code = info["processor_code"]
    out = bytearray(raw)
    for i, v in enumerate(values):
        off = at + i * abs(ptype)
        if ptype == 4:
            packed = struct.pack(endian + "f", v)
            if code == 85:  # DEC: x4 and swapped words
                b = struct.pack("<f", v * 4.0)
                packed = bytes([b[2], b[3], b[0], b[1]])
        elif ptype == 2:
            packed = struct.pack(endian + "h", int(v))
        else:
            packed = struct.pack("b", int(v))
        out[off:off + len(packed)] = packed
    return bytes(out)


def patch_header_u16(raw: bytes, word: int, value: int) -> bytes:
    """Set 16-bit header word ``word`` (1-based, as in the C3D manual)."""
    endian = params(raw)["endian"]
    out = bytearray(raw)
    out[2 * (word - 1):2 * word] = struct.pack(endian + "H", value)
    return bytes(out)


def set_processor(raw: bytes, code: int) -> bytes:
    out = bytearray(raw)
    out[(raw[0] - 1) * 512 + 3] = code
    return bytes(out)
