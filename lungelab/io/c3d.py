"""C3D files, read and written with :mod:`ezc3d`.

Reading
-------
* Points are converted from ``POINT:UNITS`` (``mm``, ``cm``, ``m``; ``mm`` if
  absent) to metres; invalid samples (negative residual) are NaN.  Repeated or
  empty labels are made unique (``RKNE``, ``RKNE_2``; ``point7``).
* Analog channels are kept as stored (after ezc3d's ``SCALE``/``OFFSET``), in
  ``ANALOG:UNITS`` (e.g. ``"N"``, ``"Nmm"``, ``"V"``), on their own time base
  ``analog_time`` at ``ANALOG:RATE``.
* Force platforms of ``TYPE`` 2 and 4 (``FORCE_PLATFORM`` group) are turned into
  derived analog channels per plate ``n`` (1-based), in the laboratory frame
  and SI units: ``FPn_Fx``, ``FPn_Fy``, ``FPn_Fz`` (N, ground reaction force
  acting **on the subject**), ``FPn_COPx``/``y``/``z`` (m, centre of pressure on
  the plate surface; NaN while the supporting normal force is below
  ``cop_threshold_n``, which also hides a plate's negative zero offset)
  and ``FPn_Tx``/``y``/``z`` (``N.m``, free moment about the COP acting on the
  subject).  Plates of other types are skipped with a warning.
* Events come from the ``EVENT`` group (``"Left Foot Strike"`` = context +
  label) or, failing that, from the labelled header events.
* Time starts at ``(first_frame - 1) / POINT:RATE``.

Corrupted files are screened by a small structural parser (header, parameter
chain, data size) before ezc3d sees them, so truncated or damaged files raise
:class:`~lungelab.errors.DataFileError` instead of hanging or crashing.

Writing
-------
Points (``mm`` by default), every analog channel with its unit, events (EVENT
group), subject mass/height (``PROCESSING:Bodymass`` in kg / ``Height`` in mm).
C3D stores 32-bit floats, so a round trip keeps values to float32 precision.
The ``FORCE_PLATFORM`` group is not written: derived ``FPn_*`` channels are
written as ordinary analog channels, so nothing is lost.
"""

from __future__ import annotations

import math
import os
import struct
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from lungelab.errors import DataFileError, InputRangeError
from lungelab.io._common import (
    LENGTH_UNITS,
    atomic_write,
    build_trial,
    check_names,
    read_bytes,
    require_frames,
    unique_names,
)
from lungelab.plausibility import PlausibilityWarning
from lungelab.trial import AXES, Trial

__all__ = ["read_c3d", "write_c3d"]

_BLOCK = 512

#: Edge lengths of a force plate, m: commercial plates are 0.2-2 m (e.g. AMTI
#: OR6 0.46 x 0.51 m, Kistler 9287 0.6 x 0.9 m, instrumented walkways ~2 m).
PLATE_EDGE_RANGE_M = (0.05, 3.0)
#: Largest distance from the plate surface centre to the sensor origin
#: (``FORCE_PLATFORM:ORIGIN``), m: a few mm to ~0.05 m in practice (C3D user guide,
#: TYPE-2 plates), so 0.25 m is already beyond any real plate.
MAX_PLATE_ORIGIN_M = 0.25
_PROCESSORS = {84: "Intel", 85: "DEC", 86: "MIPS"}
_PARAM_TYPES = {-1: 1, 1: 1, 2: 2, 4: 4}
_MAX_RECORDS = 100_000
_SCALAR_PARAMS = {(g, n) for g, names in (
    ("POINT", ("USED", "SCALE", "RATE", "FRAMES", "DATA_START")),
    ("ANALOG", ("USED", "GEN_SCALE", "RATE")),  # SCALE, OFFSET: checked per channel
    ("ROTATION", ("USED", "DATA_START", "RATIO", "RATE")),
    ("TRIAL", ("ACTUAL_START_FIELD", "ACTUAL_END_FIELD")),
) for n in names}
_CONTEXTS = ("Left", "Right", "General")
_MOMENT_UNITS = {"nmm": 1e-3, "n.mm": 1e-3, "n*mm": 1e-3, "n mm": 1e-3, "n·mm": 1e-3,
                 "nm": 1.0, "n.m": 1.0, "n*m": 1.0, "n m": 1.0, "n·m": 1.0}


# ----------------------------------------------------------------- screening
def _screen(path: Path, raw: bytes) -> dict[str, Any]:
    """Check the C3D structure that ezc3d trusts blindly.

    Returns a few header values.  Raises DataFileError for anything that would
    make ezc3d fail, hang or read past the end of the file.
    """
    size = len(raw)
    if size == 0:
        raise DataFileError(path, "file is empty")
    if size < _BLOCK:
        raise DataFileError(path, f"truncated: {size} bytes, a C3D file has at least a "
                            f"{_BLOCK}-byte header")
    if raw[1] != 0x50:
        raise DataFileError(path, f"not a C3D file: byte 2 is 0x{raw[1]:02x}, expected 0x50",
                            field="header")
    param_block = raw[0]
    if param_block < 2:
        raise DataFileError(path, f"bad parameter-section pointer {param_block} (expected >= 2)",
                            field="header")
    start = (param_block - 1) * _BLOCK
    if start + 4 > size:
        raise DataFileError(path, "truncated: the parameter section is missing",
                            field="parameters")
    processor = raw[start + 3]
    if processor not in _PROCESSORS:
        raise DataFileError(path, f"unknown processor type {processor} (expected 84 Intel, "
                            "85 DEC or 86 MIPS)", field="parameters")
    endian = ">" if processor == 86 else "<"

    def u16(offset: int) -> int:
        return int(struct.unpack_from(endian + "H", raw, offset)[0])

    def i8(offset: int) -> int:
        return int(struct.unpack_from("b", raw, offset)[0])

    def need(offset: int, what: str) -> None:
        if offset > size:
            raise DataFileError(path, f"truncated or corrupted parameter section ({what} "
                                f"ends at byte {offset}, file has {size})", field="parameters")

    params: dict[tuple[int, str], tuple[int, list[int], int]] = {}
    groups: dict[int, str] = {}
    pos = start + 4
    for _ in range(_MAX_RECORDS):
        need(pos + 1, "record")
        nchar = i8(pos)
        if nchar == 0:
            break
        need(pos + 2, "record")
        ident = i8(pos + 1)
        if ident == 0:
            raise DataFileError(path, f"corrupted parameter section: record at byte {pos} has "
                                "group id 0", field="parameters")
        name_end = pos + 2 + abs(nchar)
        need(name_end + 2, "name")
        name = raw[pos + 2:name_end].decode("latin-1")  # ezc3d matches names exactly
        offset = u16(name_end)
        cursor = name_end + 2
        if ident < 0:
            need(cursor + 1, f"group {name!r}")
            desc = i8(cursor)
            if desc < 0:
                raise DataFileError(path, f"corrupted parameter section: group {name!r} has "
                                    "a negative description length", field="parameters")
            cursor += 1 + desc
            groups[-ident] = name
        else:
            need(cursor + 2, f"parameter {name!r}")
            ptype = i8(cursor)
            ndims = i8(cursor + 1)
            if ptype not in _PARAM_TYPES or not 0 <= ndims <= 7:
                raise DataFileError(path, f"corrupted parameter {name!r}: type {ptype}, "
                                    f"{ndims} dimensions", field="parameters")
            if ptype == -1 and ndims == 0:
                # ezc3d crashes on a character parameter without dimensions
                raise DataFileError(path, f"corrupted parameter {name!r}: text without "
                                    "dimensions", field="parameters")
            need(cursor + 2 + ndims, f"parameter {name!r}")
            dims = list(raw[cursor + 2:cursor + 2 + ndims])
            count = math.prod(dims) if dims else 1
            data_at = cursor + 2 + ndims
            cursor = data_at + count * _PARAM_TYPES[ptype]
            need(cursor + 1, f"parameter {name!r}")
            desc = i8(cursor)
            if desc < 0:
                raise DataFileError(path, f"corrupted parameter {name!r}: negative "
                                    "description length", field="parameters")
            cursor += 1 + desc
            params[(ident, name)] = (ptype, dims, data_at)
        need(cursor, f"record {name!r}")
        if offset == 0:
            break
        nxt = name_end + offset
        if nxt != cursor:
            raise DataFileError(path, f"corrupted parameter section: record {name!r} at byte "
                                f"{pos} points to byte {nxt}, expected {cursor}",
                                field="parameters")
        pos = nxt
    else:
        raise DataFileError(path, "corrupted parameter section (no end marker)",
                            field="parameters")

    named = {(groups.get(gid, ""), pname): entry for (gid, pname), entry in params.items()}
    n_points = u16(2)
    analog_per_frame = u16(4)
    first, last = u16(6), u16(8)
    data_block = u16(16)
    # sign of the header scale factor: negative = float storage
    sign_byte = {84: raw[15], 85: raw[13], 86: raw[12]}[processor]
    is_float = bool(sign_byte & 0x80)
    n_frames = last - first + 1 if last >= first else 0
    frames_param = _int_value(raw, named, "POINT", "FRAMES", endian)
    if frames_param is not None and frames_param > 65535:
        n_frames = max(n_frames, frames_param)
    if data_block < 1:
        raise DataFileError(path, f"bad data-section pointer {data_block}", field="header")
    data_start = (data_block - 1) * _BLOCK
    frame_bytes = (4 * n_points + analog_per_frame) * (4 if is_float else 2)
    need_bytes = data_start + n_frames * frame_bytes
    if n_frames and need_bytes > size:
        have = max(0, (size - data_start) // frame_bytes) if frame_bytes else 0
        raise DataFileError(path, f"truncated: the header announces {n_frames} frames "
                            f"({need_bytes} bytes) but the file has {size} bytes "
                            f"(about {have} complete frames)", field="data")

    def require(group: str, pname: str, kinds: tuple[int, ...], minimum: int) -> None:
        entry = named.get((group, pname))
        if entry is None:
            raise DataFileError(path, "required parameter is missing",
                                field=f"{group}:{pname}")
        ptype, dims, _ = entry
        count = (math.prod(dims[1:]) if len(dims) > 1 else 1) if ptype == -1 else (
            math.prod(dims) if dims else 1)
        if ptype not in kinds or count < minimum:
            raise DataFileError(path, f"parameter has type {ptype} and {count} value(s), "
                                f"expected at least {minimum}", field=f"{group}:{pname}")

    for (group, pname), (ptype, dims, _) in named.items():
        if (group, pname) in _SCALAR_PARAMS and ptype != -1 and dims and math.prod(dims) == 0:
            # ezc3d reads element 0 of these without checking (segmentation fault)
            raise DataFileError(path, "parameter has no value", field=f"{group}:{pname}")
    used = _int_value(raw, named, "POINT", "USED", endian)
    if used is not None and used != n_points:
        raise DataFileError(path, f"POINT:USED={used} disagrees with the header "
                            f"({n_points} points)", field="POINT:USED")
    require("POINT", "RATE", (4,), 1)
    require("POINT", "SCALE", (4,), 1)
    if n_points:
        require("POINT", "USED", (1, 2), 1)
        require("POINT", "LABELS", (-1,), 1)
    n_analogs = _int_value(raw, named, "ANALOG", "USED", endian) or 0
    if n_analogs < 0:
        raise DataFileError(path, f"ANALOG:USED={n_analogs} is negative", field="ANALOG:USED")
    if analog_per_frame or n_analogs:
        if not n_analogs or analog_per_frame % n_analogs:
            raise DataFileError(path, f"ANALOG:USED={n_analogs} does not divide the "
                                f"{analog_per_frame} analog samples per frame of the header",
                                field="ANALOG:USED")
        require("ANALOG", "RATE", (4,), 1)
        require("ANALOG", "GEN_SCALE", (4,), 1)
        require("ANALOG", "SCALE", (4,), n_analogs)
        require("ANALOG", "OFFSET", (1, 2), n_analogs)
        require("ANALOG", "LABELS", (-1,), 1)
    if any(group == "ROTATION" for group, _ in named):
        _screen_rotations(path, raw, named, endian, processor, n_frames, size)
    return {"n_frames": n_frames, "processor": _PROCESSORS[processor], "params": named,
            "endian": endian, "processor_code": processor}


def _screen_rotations(path: Path, raw: bytes,
                      named: dict[tuple[str, str], tuple[int, list[int], int]], endian: str,
                      processor: int, n_frames: int, size: int) -> None:
    """ezc3d allocates ``frames x RATIO x USED`` rotations before reading them."""
    used = _int_value(raw, named, "ROTATION", "USED", endian)
    ratio: float | None = _int_value(raw, named, "ROTATION", "RATIO", endian)
    if ratio is None:
        rate = _float_value(raw, named, "ROTATION", "RATE", processor)
        point_rate = _decode_float(raw[20:24], processor)
        ratio = rate / point_rate if rate is not None and point_rate > 0 else None
    if used is None or ratio is None:
        return  # ezc3d raises a clear error for a missing parameter
    if used < 0 or not 0 <= ratio <= 1000:
        raise DataFileError(path, f"ROTATION:USED={used} / RATIO={ratio:g} out of range",
                            field="ROTATION")
    start = _int_value(raw, named, "ROTATION", "DATA_START", endian) or 0
    need = (start - 1) * _BLOCK + n_frames * int(math.ceil(ratio)) * used * 17 * 4
    if used and (start < 1 or need > size):
        raise DataFileError(path, f"truncated: the rotation data need {need} bytes, the file "
                            f"has {size}", field="ROTATION")


def _int_value(raw: bytes, named: dict[tuple[str, str], tuple[int, list[int], int]],
               group: str, name: str, endian: str) -> int | None:
    """First value of an integer parameter, signed like ezc3d reads it (None if absent)."""
    entry = named.get((group, name))
    if entry is None:
        return None
    ptype, dims, at = entry
    if dims and math.prod(dims) == 0:
        return None
    if ptype == 2:
        return int(struct.unpack_from(endian + "h", raw, at)[0])
    if ptype == 1:
        return int(struct.unpack_from("b", raw, at)[0])
    return None


def _float_value(raw: bytes, named: dict[tuple[str, str], tuple[int, list[int], int]],
                 group: str, name: str, processor: int) -> float | None:
    """First value of a float parameter (None if absent or not a float)."""
    entry = named.get((group, name))
    if entry is None or entry[0] != 4 or (entry[1] and math.prod(entry[1]) == 0):
        return None
    return _decode_float(raw[entry[2]:entry[2] + 4], processor)


def _decode_float(b: bytes, processor: int) -> float:
    if processor == 85:  # DEC (VAX F): swap the 16-bit words, exponent bias differs by 2
        return float(struct.unpack("<f", bytes([b[2], b[3], b[0], b[1]]))[0]) / 4.0
    return float(struct.unpack(">f" if processor == 86 else "<f", b)[0])


def _floats(raw: bytes, named: dict[tuple[str, str], tuple[int, list[int], int]],
            group: str, name: str, processor: int, count: int) -> list[float]:
    """The first ``count`` values of a float parameter (fewer if it has fewer)."""
    entry = named.get((group, name))
    if entry is None or entry[0] != 4:
        return []
    n = min(count, math.prod(entry[1]) if entry[1] else 1)
    return [_decode_float(raw[entry[2] + 4 * i:entry[2] + 4 * i + 4], processor)
            for i in range(n)]


#: Point rates accepted, Hz: no motion-capture system records faster than 100 kHz,
#: and a frame every 10 s (0.1 Hz) is not a motion recording.
POINT_RATE_RANGE_HZ = (0.1, 100_000.0)


def _check_values(path: Path, raw: bytes, info: dict[str, Any]) -> None:
    """Refuse parameter *values* that ezc3d would read without complaint into
    nonsense: non-finite or zero scales, rates that are not positive or disagree
    with the header's samples per frame, a frame count that contradicts the header."""
    named, endian, proc = info["params"], info["endian"], info["processor_code"]
    rate = _float_value(raw, named, "POINT", "RATE", proc)
    lo, hi = POINT_RATE_RANGE_HZ
    if rate is None or not (math.isfinite(rate) and lo <= rate <= hi):
        hint = ""
        entry = named.get(("POINT", "RATE"))
        for other, name in _PROCESSORS.items():
            if other == proc or entry is None or entry[0] != 4:
                continue
            alt = _decode_float(raw[entry[2]:entry[2] + 4], other)
            if math.isfinite(alt) and lo <= alt <= hi:
                hint = (f" (read as {name} numbers it would be {alt:g} Hz: is the processor "
                        f"byte {proc} ({_PROCESSORS[proc]}) wrong?)")
                break
        raise DataFileError(path, f"point rate {rate!r} Hz: expected a number in "
                            f"[{lo:g}, {hi:g}] Hz{hint}", field="POINT:RATE")
    scale = _float_value(raw, named, "POINT", "SCALE", proc)
    if scale is not None and not (math.isfinite(scale) and scale != 0.0):
        raise DataFileError(path, f"point scale factor {scale!r}: expected a finite, "
                            "non-zero number", field="POINT:SCALE")
    first = struct.unpack_from(endian + "H", raw, 6)[0]
    last = struct.unpack_from(endian + "H", raw, 8)[0]
    frames = _int_value(raw, named, "POINT", "FRAMES", endian)
    if last < first and (frames or 0) > 0:
        raise DataFileError(path, f"the header's last frame {last} is before its first frame "
                            f"{first}, but POINT:FRAMES={frames}", field="header")
    header_frames = last - first + 1
    if frames is not None and 0 < header_frames < 65535:
        # a signed 16-bit word: counts above 32767 wrap to negative values
        unsigned = frames + 65536 if frames < 0 else frames
        if unsigned != header_frames:
            shown = f"{frames} (read unsigned: {unsigned})" if frames < 0 else str(frames)
            raise DataFileError(path, f"frame count {shown} disagrees with the header's "
                                f"frames {first}-{last} ({header_frames} frames)",
                                field="POINT:FRAMES")
    n_points = struct.unpack_from(endian + "H", raw, 2)[0]
    per_frame = struct.unpack_from(endian + "H", raw, 4)[0]
    n_analogs = _int_value(raw, named, "ANALOG", "USED", endian) or 0
    if n_analogs > 0 and per_frame:
        arate = _float_value(raw, named, "ANALOG", "RATE", proc)
        if arate is None or not (math.isfinite(arate) and arate > 0):
            raise DataFileError(path, f"analog rate {arate!r} Hz: expected a positive "
                                "number", field="ANALOG:RATE")
        samples = per_frame // n_analogs
        if n_points and abs(arate / rate - samples) > 0.01 * samples:
            raise DataFileError(path, f"the analog rate {arate:g} Hz and the point rate "
                                f"{rate:g} Hz do not match the header's {samples} analog "
                                f"sample(s) per frame (expected {samples * rate:g} Hz)",
                                field="ANALOG:RATE")
        gen = _float_value(raw, named, "ANALOG", "GEN_SCALE", proc)
        if gen is not None and not (math.isfinite(gen) and gen != 0.0):
            raise DataFileError(path, f"general analog scale {gen!r}: expected a finite, "
                                "non-zero number", field="ANALOG:GEN_SCALE")
        for i, value in enumerate(_floats(raw, named, "ANALOG", "SCALE", proc, n_analogs)):
            if not math.isfinite(value):
                raise DataFileError(path, f"scale of analog channel {i + 1} is {value!r}: "
                                    "expected a finite number", field="ANALOG:SCALE")


# ------------------------------------------------------------------- reading
def _value(params: Any, group: str, name: str, default: Any = None) -> Any:
    """``params[group][name]["value"]``, matching names case-insensitively."""
    try:
        groups = {str(g).upper(): g for g in params}
        entries = params[groups[group.upper()]]
        keys = {str(k).upper(): k for k in entries}
        return entries[keys[name.upper()]]["value"]
    except (KeyError, TypeError, IndexError):
        return default


def _labels(params: Any, group: str, count: int) -> list[str]:
    labels: list[str] = []
    key, k = "LABELS", 1
    while len(labels) < count:
        value = _value(params, group, key)
        if value is None:
            break
        labels.extend(_clean(v) for v in value)
        k += 1
        key = f"LABELS{k}"
    labels = labels[:count] + [""] * max(0, count - len(labels))
    return labels


def _clean(text: Any) -> str:
    """Label text from ezc3d; undecodable bytes (surrogates) become U+FFFD."""
    value = str(text)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\x00", "").strip()


def _strings(params: Any, group: str, name: str, count: int) -> list[str]:
    value = _value(params, group, name, [])
    if not isinstance(value, list):
        value = []
    value = [_clean(v) for v in value][:count]
    return value + [""] * (count - len(value))


def _first_float(value: Any) -> float | None:
    try:
        number = float(np.asarray(value, dtype=float).ravel()[0])
    except (TypeError, ValueError, IndexError):
        return None
    return number if math.isfinite(number) else None


def read_c3d(path: str | os.PathLike[str], *, cop_threshold_n: float = 10.0) -> Trial:
    """Read a C3D file (see the module docstring for the conventions).

    Parameters
    ----------
    path : str or path-like
        File to read.
    cop_threshold_n : float, default 10.0
        Supporting normal force (N) below which the centre of pressure and free
        moment of a plate are undefined (NaN).

    Returns
    -------
    Trial
        Points in m at ``POINT:RATE``; analog and derived force-plate channels
        at ``ANALOG:RATE`` (``analog_time``).  Metadata: ``first_frame``,
        ``point_descriptions``, ``analog_descriptions``, ``force_platforms``
        (type, corners in m, origin, channel labels), ``manufacturer``,
        ``subject_mass_kg`` / ``subject_height_m`` when present.

    Raises
    ------
    DataFileError
        Empty, truncated, corrupted or inconsistent files, and any error raised
        by ezc3d (wrapped).
    """
    import ezc3d

    if not (isinstance(cop_threshold_n, (int, float)) and math.isfinite(cop_threshold_n)
            and cop_threshold_n >= 0):
        raise InputRangeError("cop_threshold_n", cop_threshold_n, "a force >= 0 in N")
    p, raw = read_bytes(path)
    _check_values(p, raw, _screen(p, raw))
    try:
        c3d = ezc3d.c3d(os.fspath(p))
        params = c3d["parameters"]
        header = c3d["header"]
        point_data = np.asarray(c3d["data"]["points"], dtype=float)
        analog_data = np.asarray(c3d["data"]["analogs"], dtype=float)
    except Exception as exc:  # ezc3d raises RuntimeError, OSError, ValueError, ...
        raise DataFileError(p, f"ezc3d could not read the file: {exc}") from exc

    rate = _first_float(_value(params, "POINT", "RATE")) or _first_float(
        header["points"]["frame_rate"])
    if rate is None or rate <= 0:
        raise DataFileError(p, f"invalid point rate {rate!r} Hz", field="POINT:RATE")
    n_points = point_data.shape[1] if point_data.ndim == 3 else 0
    n_frames = point_data.shape[2] if point_data.ndim == 3 else 0
    n_analogs = analog_data.shape[1] if analog_data.ndim == 3 else 0
    n_samples = analog_data.shape[2] if analog_data.ndim == 3 else 0
    if n_points == 0 and n_frames == 0:
        n_frames = max(0, int(header["points"]["last_frame"])
                       - int(header["points"]["first_frame"]) + 1)
    first_frame = int(header["points"]["first_frame"])
    t0 = first_frame / rate
    time = t0 + np.arange(n_frames) / rate

    unit = (_strings(params, "POINT", "UNITS", 1)[0] or "mm").lower()
    if unit not in LENGTH_UNITS:
        raise DataFileError(p, f"unknown point unit {unit!r}; expected one of "
                            f"{', '.join(LENGTH_UNITS)}", field="POINT:UNITS")
    length_scale = LENGTH_UNITS[unit]
    raw_point_labels = _labels(params, "POINT", n_points)
    point_names = unique_names(raw_point_labels, "point")
    coords = point_data[:3].transpose(2, 1, 0) * length_scale if n_points else None

    analog_labels = unique_names(_labels(params, "ANALOG", n_analogs), "analog")
    analog_units = _strings(params, "ANALOG", "UNITS", n_analogs)
    analog_rate = None
    analog_time = time
    if n_analogs:
        analog_rate = _first_float(_value(params, "ANALOG", "RATE"))
        if analog_rate is None or analog_rate <= 0:
            raise DataFileError(p, f"invalid analog rate {analog_rate!r} Hz",
                                field="ANALOG:RATE")
        analog_time = t0 + np.arange(n_samples) / analog_rate
    channels = analog_data[0].T if n_analogs else np.empty((len(time), 0))
    analogs = {name: channels[:, j] for j, name in enumerate(analog_labels)}
    units = dict(zip(analog_labels, analog_units, strict=True))

    metadata: dict[str, Any] = {"first_frame": first_frame + 1, "file_units": unit}
    descriptions = _strings(params, "POINT", "DESCRIPTIONS", n_points)
    if any(descriptions):
        metadata["point_descriptions"] = dict(zip(point_names, descriptions, strict=True))
    descriptions = _strings(params, "ANALOG", "DESCRIPTIONS", n_analogs)
    if any(descriptions):
        metadata["analog_descriptions"] = dict(zip(analog_labels, descriptions, strict=True))
    company = _strings(params, "MANUFACTURER", "COMPANY", 1)[0]
    if company:
        metadata["manufacturer"] = company
    mass = _first_float(_value(params, "PROCESSING", "Bodymass"))
    if mass is not None and mass > 0:
        metadata["subject_mass_kg"] = mass
    height = _first_float(_value(params, "PROCESSING", "Height"))
    if height is not None and height > 0:
        metadata["subject_height_m"] = height / 1000.0 if height > 3.0 else height

    if n_analogs:
        plates, derived, derived_units = _force_plates(
            p, params, channels, analog_labels, analog_units, length_scale, cop_threshold_n)
        if plates:
            metadata["force_platforms"] = plates
        for name, values in derived.items():
            if name not in analogs:
                analogs[name] = values
                units[name] = derived_units[name]

    events = _events(params, header)
    return build_trial(
        p, "c3d", time=time,
        points=({n: coords[:, i, :] for i, n in enumerate(point_names)} if n_points else None),
        analogs=analogs, analog_time=analog_time if n_analogs else None,
        units=units, events=events, rate_hz=rate,
        analog_rate_hz=analog_rate if n_analogs else None, metadata=metadata,
    )


def _events(params: Any, header: Any) -> list[tuple[float, str]]:
    events = []
    used = _first_float(_value(params, "EVENT", "USED"))
    times = _value(params, "EVENT", "TIMES")
    if used and times is not None:
        n = int(used)
        labels = _strings(params, "EVENT", "LABELS", n)
        contexts = _strings(params, "EVENT", "CONTEXTS", n)
        try:
            arr = np.asarray(times, dtype=float)
        except (TypeError, ValueError):
            arr = np.empty(0)
        if arr.ndim == 2 and arr.shape[0] == 2 and arr.shape[1] >= n:
            for i in range(n):
                t = float(arr[0, i] * 60.0 + arr[1, i])
                if math.isfinite(t):
                    events.append((t, f"{contexts[i]} {labels[i]}".strip() or f"event{i + 1}"))
        else:
            warnings.warn("EVENT:TIMES is not a (2, n) array of numbers; events ignored",
                          stacklevel=3)
        return events
    try:
        for t, label in zip(header["events"]["events_time"], header["events"]["events_label"],
                            strict=False):
            if str(label).strip() and math.isfinite(float(t)):
                events.append((float(t), str(label).strip()))
    except (KeyError, TypeError, ValueError):
        pass
    return events


def _plate_frame(corners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rotation (columns = plate axes in the lab) and centre from the 4 corners (m)."""
    c1, c2, c3, c4 = corners.T
    x = (c1 - c2) + (c4 - c3)
    y = (c1 - c4) + (c2 - c3)
    z = np.cross(x, y)
    y = np.cross(z, x)
    rot = np.column_stack([v / np.linalg.norm(v) for v in (x, y, z)])
    return rot, corners.mean(axis=1)


def _force_plates(path: Path, params: Any, channels: np.ndarray, labels: list[str],
                  units: list[str], length_scale: float, threshold: float
                  ) -> tuple[list[dict[str, Any]], dict[str, np.ndarray], dict[str, str]]:
    """Ground reaction force, COP and free moment per TYPE-2/4 plate (lab frame, SI)."""
    plates: list[dict[str, Any]] = []
    derived: dict[str, np.ndarray] = {}
    derived_units: dict[str, str] = {}
    used = _first_float(_value(params, "FORCE_PLATFORM", "USED"))
    if not used:
        return plates, derived, derived_units
    try:
        n_used = int(used)
        types = np.asarray(_value(params, "FORCE_PLATFORM", "TYPE"), dtype=int).ravel()
        chan = np.asarray(_value(params, "FORCE_PLATFORM", "CHANNEL"), dtype=int)
        corners = np.asarray(_value(params, "FORCE_PLATFORM", "CORNERS"), dtype=float)
        origin = np.asarray(_value(params, "FORCE_PLATFORM", "ORIGIN"), dtype=float)
        chan = chan.reshape(chan.shape[0], -1)
        corners = corners.reshape(3, 4, -1)
        origin = origin.reshape(3, -1)
        cal = _value(params, "FORCE_PLATFORM", "CAL_MATRIX")
        cal = None if cal is None else np.asarray(cal, dtype=float)
    except (TypeError, ValueError) as exc:
        warnings.warn(f"{path}: FORCE_PLATFORM parameters are unusable ({exc}); force-plate "
                      "channels not computed", stacklevel=3)
        return plates, derived, derived_units
    described = min(len(types), chan.shape[1] if chan.ndim == 2 else 0,
                    corners.shape[2], origin.shape[1])
    if n_used > described:
        warnings.warn(f"{path}: FORCE_PLATFORM:USED={n_used} but only {described} plate(s) "
                      f"are described; {described} used", PlausibilityWarning, stacklevel=3)
        n_used = described
    for k in range(n_used):
        try:
            ptype = int(types[k])
            idx = chan[:6, k] - 1
            if ptype not in (2, 4) or chan.shape[0] < 6 or np.any(idx < 0) \
                    or np.any(idx >= channels.shape[1]):
                raise ValueError(f"type {ptype} with channels {chan[:, k].tolist()}")
            raw = channels[:, idx].T  # (6, n)
            if ptype == 4:
                if cal is None:
                    raise ValueError("TYPE-4 plate without CAL_MATRIX")
                matrix = cal.reshape(6, 6, -1)[:, :, k]
                raw = matrix @ raw
            moment_unit = units[idx[3]].strip().lower()
            m_scale = _MOMENT_UNITS.get(moment_unit, length_scale)
            force_local = raw[:3]
            moment_local = raw[3:] * m_scale
            corner_m = corners[:, :, k] * length_scale
            if not np.all(np.isfinite(corner_m)):
                raise ValueError("CORNERS are not finite")
            edges = np.linalg.norm(corner_m - np.roll(corner_m, 1, axis=1), axis=0)
            if not np.all((edges >= PLATE_EDGE_RANGE_M[0]) & (edges <= PLATE_EDGE_RANGE_M[1])):
                raise ValueError(f"CORNERS give edges of {', '.join(f'{e:.3g}' for e in edges)}"
                                 f" m, expected {PLATE_EDGE_RANGE_M[0]:g}-"
                                 f"{PLATE_EDGE_RANGE_M[1]:g} m")
            with np.errstate(invalid="ignore", divide="ignore"):
                rot, centre = _plate_frame(corner_m)
            if not np.all(np.isfinite(rot)):
                raise ValueError("degenerate CORNERS")
            surface = origin[:, k] * length_scale  # true origin -> surface centre, plate frame
            if not (np.all(np.isfinite(surface))
                    and np.linalg.norm(surface) <= MAX_PLATE_ORIGIN_M):
                raise ValueError(f"ORIGIN {origin[:, k].tolist()} ({np.linalg.norm(surface):.3g}"
                                 f" m from the surface centre, expected <= "
                                 f"{MAX_PLATE_ORIGIN_M:g} m)")
        except (ValueError, IndexError) as exc:
            warnings.warn(f"{path}: force platform {k + 1} skipped ({exc})",
                          PlausibilityWarning, stacklevel=3)
            continue
        fx, fy, fz = force_local
        mx, my, mz = moment_local
        zs = surface[2]
        with np.errstate(divide="ignore", invalid="ignore"):
            px = (zs * fx - my) / fz
            py = (mx + zs * fy) / fz
        tz = mz - (px * fy - py * fx)
        # plate z points away from the working surface: the supporting force is -fz
        loaded = -fz >= threshold
        px = np.where(loaded, px, np.nan)
        py = np.where(loaded, py, np.nan)
        tz = np.where(loaded, tz, np.nan)
        cop_local = np.vstack([px - surface[0], py - surface[1], np.zeros_like(px)])
        cop = centre[:, None] + rot @ cop_local
        # Plates output the reaction (a standing subject gives Fz < 0 along the
        # downward plate z), so rotating to the lab gives the force on the subject.
        grf = rot @ force_local
        free = rot @ np.vstack([np.zeros_like(tz), np.zeros_like(tz), tz])
        prefix = f"FP{k + 1}_"
        for axis_i, axis in enumerate(AXES):
            derived[f"{prefix}F{axis}"] = grf[axis_i]
            derived[f"{prefix}COP{axis}"] = cop[axis_i]
            derived[f"{prefix}T{axis}"] = free[axis_i]
            derived_units[f"{prefix}F{axis}"] = "N"
            derived_units[f"{prefix}COP{axis}"] = "m"
            derived_units[f"{prefix}T{axis}"] = "N.m"
        plates.append({"type": ptype, "corners_m": corner_m.T.tolist(),
                       "origin": origin[:, k].tolist(),
                       "channels": [labels[i] for i in idx]})
    order = [f"FP{k + 1}_{q}{a}" for k in range(n_used) for q in ("F", "COP", "T") for a in AXES]
    derived = {name: derived[name] for name in order if name in derived}
    return plates, derived, derived_units


# ------------------------------------------------------------------- writing
def _uniform(time: np.ndarray, rate: float, what: str) -> None:
    if len(time) < 2:
        return
    expected = time[0] + np.arange(len(time)) / rate
    worst = float(np.max(np.abs(time - expected)))
    if not worst <= 0.1 / rate:
        raise InputRangeError(what, f"non-uniform sampling (deviation {worst:.3g} s)",
                              f"uniform sampling at {rate:g} Hz for a C3D file")


def _description(table: Any, name: str) -> str:
    """Channel description from metadata, cut to C3D's 255-byte string limit."""
    text = str(table.get(name, "")) if isinstance(table, dict) else ""
    return text.encode("utf-8")[:255].decode("utf-8", "ignore")


def _split_event(name: str) -> tuple[str, str]:
    for context in _CONTEXTS:
        if name.startswith(context + " ") and len(name) > len(context) + 1:
            return context, name[len(context) + 1:]
    return "", name


def write_c3d(trial: Trial, path: str | os.PathLike[str], *, units: str = "mm") -> Path:
    """Write a trial to a C3D file with ezc3d (atomically).

    Parameters
    ----------
    trial : Trial
        Trial to write.  Time must be uniformly sampled at ``rate_hz``; the
        analog rate must be an integer multiple of the point rate and the
        analogs must start with the points.
    path : str or path-like
        Destination.
    units : {"mm", "m", "cm"}
        ``POINT:UNITS`` of the file.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputRangeError
        If the trial cannot be represented in C3D (non-uniform time, analog
        rate not a multiple of the point rate, ...).
    DataFileError
        If ezc3d fails to write the file.
    """
    import ezc3d

    require_frames(trial, "C3D")
    if units not in LENGTH_UNITS:
        raise InputRangeError("units", units, f"one of {', '.join(LENGTH_UNITS)}")
    has_points = trial.n_frames > 0 and bool(trial.point_names)
    n_analogs = trial.analogs.shape[1]
    if not has_points and n_analogs == 0:
        raise InputRangeError("trial", "a trial without points or analog channels",
                              "at least one channel for a C3D file")
    if has_points:
        time, rate = trial.time, trial.rate_hz
    else:
        time, rate = trial.analog_time, trial.analog_rate_hz
    if not (math.isfinite(rate) and rate > 0):
        raise InputRangeError("rate_hz", rate, "a positive finite rate for a C3D file")
    _uniform(time, rate, "time")
    ratio = 1
    if n_analogs and has_points:
        arate = trial.analog_rate_hz
        ratio = round(arate / rate) if math.isfinite(arate) else 0
        if ratio < 1 or abs(ratio * rate - arate) > 1e-6 * arate:
            raise InputRangeError("analog_rate_hz", arate,
                                  f"an integer multiple of the point rate {rate:g} Hz")
        if len(trial.analog_time) != ratio * trial.n_frames:
            raise InputRangeError("analogs", f"{len(trial.analog_time)} samples",
                                  f"{ratio * trial.n_frames} samples ({ratio} per point frame)")
        if len(trial.analog_time) and abs(trial.analog_time[0] - time[0]) > 0.1 / arate:
            raise InputRangeError("analog_time", trial.analog_time[0],
                                  f"analogs starting with the points at {time[0]:g} s")
        _uniform(trial.analog_time, arate, "analog_time")
    analog_rate = rate * ratio
    first = round(time[0] * rate) if len(time) else 0
    if first < 0 or abs(first - time[0] * rate) > 0.1:
        raise InputRangeError("time", time[0], "a start time that is a whole number (>= 0) of "
                              "frames for a C3D file")

    names = trial.point_names if has_points else []
    check_names(names + trial.analog_names, "C3D", "\x00\r\n")
    for label in names + trial.analog_names:
        if len(label.encode("utf-8")) > 255:
            raise InputRangeError("channel name", label, "at most 255 bytes for a C3D label")
    f32 = float(np.finfo(np.float32).max)
    for what, frame, scale in (("points", trial.points, 1.0 / LENGTH_UNITS[units]),
                               ("analogs", trial.analogs, 1.0)):
        values = frame.to_numpy(dtype=float)
        if values.size and np.nanmax(np.abs(values), initial=0.0) * scale > f32:
            raise InputRangeError(what, "values beyond +/-3.4e38 (or infinite)",
                                  "finite values within the 32-bit float range of C3D")
    c3d = ezc3d.c3d()
    prm = c3d["parameters"]
    prm["POINT"]["RATE"]["value"] = [float(rate)]
    prm["POINT"]["LABELS"]["value"] = list(names)
    prm["POINT"]["DESCRIPTIONS"]["value"] = [
        _description(trial.metadata.get("point_descriptions"), n) for n in names]
    prm["POINT"]["UNITS"]["value"] = [units]
    prm["ANALOG"]["RATE"]["value"] = [float(analog_rate)]
    prm["ANALOG"]["LABELS"]["value"] = list(trial.analog_names)
    prm["ANALOG"]["DESCRIPTIONS"]["value"] = [
        _description(trial.metadata.get("analog_descriptions"), n) for n in trial.analog_names]
    prm["ANALOG"]["UNITS"]["value"] = [trial.units.get(n, "") for n in trial.analog_names]
    n_frames = len(time)
    if has_points:
        xyz = trial.points.to_numpy(dtype=float).reshape(n_frames, len(names), 3)
        xyz = xyz.transpose(2, 1, 0) / LENGTH_UNITS[units]
        missing = np.isnan(xyz).any(axis=0)
        points = np.concatenate([np.nan_to_num(xyz, nan=0.0),
                                 np.ones((1, len(names), n_frames))], axis=0)
        residuals = np.where(missing, -1.0, 0.0)[None]
    else:
        points = np.zeros((4, 0, n_frames))
        residuals = np.zeros((1, 0, n_frames))
    c3d["data"]["points"] = points
    c3d["data"]["meta_points"] = {
        "residuals": residuals,
        "camera_masks": np.zeros((7, points.shape[1], points.shape[2]), dtype=bool)}
    c3d["data"]["analogs"] = trial.analogs.to_numpy(dtype=float).T[None]
    c3d["header"]["points"]["first_frame"] = int(first)
    for t, name in trial.events:
        context, label = _split_event(name)
        if not label.strip() or f"{context} {label.strip()}".strip() != name or "\x00" in name:
            raise InputRangeError("event name", name, "a non-empty name without leading, "
                                  "trailing or repeated spaces after the context")
        minutes = math.floor(t / 60.0)
        c3d.add_event([minutes, t - 60.0 * minutes], context=context, label=label)
    mass = trial.metadata.get("subject_mass_kg")
    height = trial.metadata.get("subject_height_m")
    if isinstance(mass, (int, float)) and math.isfinite(mass):
        c3d.add_parameter("PROCESSING", "Bodymass", [float(mass)])
    if isinstance(height, (int, float)) and math.isfinite(height):
        c3d.add_parameter("PROCESSING", "Height", [float(height) * 1000.0])

    def _write(tmp: str) -> None:
        try:
            c3d.write(tmp)
        except Exception as exc:  # ezc3d raises RuntimeError, ValueError, TypeError
            raise DataFileError(path, f"ezc3d could not write the file: {exc}") from exc

    return atomic_write(path, _write, suffix=".c3d")
