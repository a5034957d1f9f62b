"""Helpers shared by the readers and writers: decoding, number parsing, time checks,
atomic writes and the JSON side-channel used by the text formats."""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lungelab.errors import DataFileError, InputRangeError, LungelabError
from lungelab.safefile import atomic_write, write_text
from lungelab.trial import Trial

__all__ = [
    "DataLossWarning",
    "LENGTH_UNITS",
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "atomic_write",
    "build_trial",
    "check_regular_file",
    "file_digest",
    "check_time",
    "format_float",
    "from_json",
    "parse_float",
    "parse_numbers",
    "read_bytes",
    "read_lines",
    "to_json",
    "unique_names",
    "write_text",
]

#: Metres per unit for the length units the readers accept.
LENGTH_UNITS: dict[str, float] = {"m": 1.0, "mm": 1e-3, "cm": 1e-2, "dm": 1e-1}


class DataLossWarning(UserWarning):
    """A writer dropped data its format cannot hold (e.g. analog channels in a TRC file)."""


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_NAN = re.compile(r"[+-]?(?:nan|1\.#(?:ind|qnan|snan)\d*)\Z", re.IGNORECASE)
_INF = re.compile(r"[+-]?(?:inf|infinity|1\.#inf\d*)\Z", re.IGNORECASE)


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


#: Largest input file the readers accept, bytes (256 MiB).  Rationale: a 10-minute
#: recording of 100 markers at 200 Hz as TRC text is about 150 MB; a C3D file of 100
#: markers at 200 Hz plus 64 analog channels at 2 kHz for 10 minutes is about 330 MB
#: of 32-bit samples but ezc3d keeps a float64 copy, so bigger files would need
#: several GB of memory.  Change it (``lungelab.io._common.MAX_FILE_BYTES = ...``)
#: for longer recordings.
MAX_FILE_BYTES = 256 * 1024 * 1024

#: Longest text line the text readers accept, bytes (4 MiB), checked on the raw
#: bytes before decoding: a TRC row of 1000 markers x 3 coordinates x 20 characters
#: is 60 kB.
MAX_LINE_BYTES = 4 * 1024 * 1024

_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISDIR, "a directory"))


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def check_regular_file(path: str | os.PathLike[str], *,
                       max_bytes: int | None = None) -> tuple[Path, int]:
    """Refuse anything but an existing regular file of at most ``max_bytes``.

    Symbolic links are followed (a loop is refused).  Named pipes, devices
    (``/dev/zero``), sockets and directories are refused without opening them,
    so a reader can never block on a FIFO or read an endless device.

    Returns
    -------
    (Path, int)
        The path and the file size in bytes.

    Raises
    ------
    DataFileError
        Naming the file: not found, symbolic-link loop, not a regular file,
        larger than ``max_bytes`` (default :data:`MAX_FILE_BYTES`), no permission.
    """
    p = Path(path)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    try:
        info = os.stat(p)
    except OSError as exc:
        raise DataFileError(p, _stat_problem(p, exc)) from exc
    if not stat.S_ISREG(info.st_mode):
        kind = _kind(info.st_mode)
        if kind == "a directory":
            raise DataFileError(p, "is a directory, expected a data file")
        raise DataFileError(p, f"is {kind}, not a regular file: only regular files are read")
    if info.st_size > limit:
        raise DataFileError(p, f"file is {info.st_size} bytes, more than the "
                            f"{limit}-byte limit of the readers (MAX_FILE_BYTES)",
                            field="size")
    return p, int(info.st_size)


def _stat_problem(p: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "file not found" + (" (dangling symbolic link)" if p.is_symlink() else "")
    return f"cannot read the file: {exc.strerror or exc}"


def read_bytes(path: str | os.PathLike[str], *,
               max_bytes: int | None = None) -> tuple[Path, bytes]:
    """The whole file as bytes, read from a regular file only and never more than
    ``max_bytes`` (default :data:`MAX_FILE_BYTES`).

    The file is opened non-blocking and checked again after opening (it may have
    been replaced by a FIFO or a device in between); at most ``max_bytes + 1``
    bytes are read, so a file that grows while it is read cannot exhaust memory.

    Raises
    ------
    DataFileError
        See :func:`check_regular_file`; also a file that grows past the limit.
    """
    p, _ = check_regular_file(path, max_bytes=max_bytes)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise DataFileError(p, _stat_problem(p, exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DataFileError(p, f"is {_kind(info.st_mode)}, not a regular file: only "
                                "regular files are read")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise DataFileError(p, f"file grew past the {limit}-byte limit of the "
                                    "readers while it was read", field="size")
    except OSError as exc:
        raise DataFileError(p, f"cannot read the file: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return p, b"".join(chunks)


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a regular file (hex), read in 1 MiB chunks through the same checks as
    :func:`read_bytes` (so memory stays bounded).  Used to spot the same recording
    given twice under different names."""
    import hashlib

    p, _ = check_regular_file(path)
    digest = hashlib.sha256()
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise DataFileError(p, _stat_problem(p, exc)) from exc
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise DataFileError(p, "not a regular file: only regular files are read")
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
    except OSError as exc:
        raise DataFileError(p, f"cannot read the file: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return digest.hexdigest()


def read_lines(path: str | os.PathLike[str]) -> tuple[Path, list[str]]:
    """Read a text file strictly and split it into lines.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted.  Line ends
    may be LF, CRLF or CR; the returned lines have none.

    Raises
    ------
    DataFileError
        If the file is missing, unreadable, empty, binary (NUL bytes) or not
        valid UTF-8 / UTF-16; the message names the file and the line.
    """
    p, raw = read_bytes(path)
    if not raw.strip():
        raise DataFileError(p, "file is empty")
    _check_line_length(p, raw)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataFileError(p, f"invalid UTF-16 text at byte offset {exc.start}") from exc
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            bad = raw[exc.start:exc.start + 1].hex()
            raise DataFileError(p, f"not valid UTF-8 text (byte 0x{bad} at offset {exc.start});"
                                " binary file or other encoding, save it as UTF-8",
                                line=line) from exc
    nul = text.find("\x00")
    if nul >= 0:
        raise DataFileError(p, "contains NUL characters: binary data, not a text file",
                            line=text.count("\n", 0, nul) + 1)
    lines = re.split(r"\r\n|\n|\r", text)
    if lines and lines[-1] == "":
        lines.pop()
    if not any(line.strip() for line in lines):
        raise DataFileError(p, "file is empty")
    return p, lines


def _check_line_length(p: Path, raw: bytes) -> None:
    """Refuse a line longer than :data:`MAX_LINE_BYTES` before decoding the text."""
    codes = np.frombuffer(raw, dtype=np.uint8)
    ends = np.flatnonzero((codes == 0x0A) | (codes == 0x0D))
    bounds = np.concatenate([[-1], ends, [len(raw)]])
    lengths = np.diff(bounds) - 1
    worst = int(np.argmax(lengths))
    if lengths[worst] > MAX_LINE_BYTES:
        line = int(np.count_nonzero(codes[:bounds[worst] + 1] == 0x0A)) + 1
        raise DataFileError(p, f"line of {int(lengths[worst])} bytes, more than the "
                            f"{MAX_LINE_BYTES}-byte limit (MAX_LINE_BYTES): not a "
                            "motion-capture text file", line=line)


def parse_float(token: str, path: Path, line: int, field: str, *,
                allow_nan: bool = True, empty_is_nan: bool = False) -> float:
    """Parse one numeric field strictly.

    Accepts decimal numbers (``1``, ``-0.5``, ``.5``, ``1e-3``) and, if
    ``allow_nan``, NaN spellings (``nan``, ``NaN``, ``-1.#IND``).  Infinite or
    overflowing values are always refused.

    Raises
    ------
    DataFileError
        With the file, line, field and the offending text.
    """
    tok = token.strip()
    if not tok:
        if empty_is_nan and allow_nan:
            return math.nan
        raise DataFileError(path, "empty field, expected a number", line=line, field=field)
    if _NUMBER.match(tok):
        value = float(tok)
        if math.isinf(value):
            raise DataFileError(path, f"number {_short(tok)} overflows a 64-bit float",
                                line=line, field=field)
        return value
    if _NAN.match(tok):
        if allow_nan:
            return math.nan
        raise DataFileError(path, "NaN is not allowed here", line=line, field=field)
    if _INF.match(tok):
        raise DataFileError(path, f"non-finite value {_short(tok)}: only finite numbers"
                            + (" or NaN (missing)" if allow_nan else "") + " are accepted",
                            line=line, field=field)
    raise DataFileError(path, f"expected a number, found {_short(tok)}", line=line, field=field)


def parse_numbers(tokens: Sequence[str], path: Path, line: int, labels: Sequence[str], *,
                  empty_is_nan: bool = False, nan_ok_from: int = 1) -> list[float]:
    """Parse a row of numeric tokens; NaN is refused in the first ``nan_ok_from`` columns."""
    return [parse_float(tok, path, line, labels[j], allow_nan=j >= nan_ok_from,
                        empty_is_nan=empty_is_nan)
            for j, tok in enumerate(tokens)]


def parse_int(token: str, path: Path, line: int, field: str, *, minimum: int = 0) -> int:
    """Parse an integer header field (``"151"`` or ``"151.0"``) >= ``minimum``."""
    tok = token.strip()
    value = None
    if _NUMBER.match(tok):
        number = float(tok)
        if number.is_integer() and abs(number) < 2**53:
            value = int(number)
    if value is None or value < minimum:
        raise DataFileError(path, f"expected an integer >= {minimum}, found {_short(tok)}",
                            line=line, field=field)
    return value


def check_time(time: np.ndarray, lines: Sequence[int], path: Path,
               field: str = "time") -> None:
    """Refuse duplicated or decreasing time stamps, naming the line at fault."""
    step = np.diff(time)
    bad = np.flatnonzero(step <= 0)
    if len(bad):
        i = int(bad[0])
        if step[i] == 0:
            raise DataFileError(path, f"duplicated frame: time {time[i]:.9g} s already on "
                                f"line {lines[i]}", line=lines[i + 1], field=field)
        raise DataFileError(path, f"time is not increasing: {time[i + 1]:.9g} s follows "
                            f"{time[i]:.9g} s (line {lines[i]})", line=lines[i + 1],
                            field=field)


def unique_names(names: Iterable[str], prefix: str) -> list[str]:
    """Make labels unique and non-empty: blanks become ``prefix<i>``, repeats get ``_2``..."""
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        base = name.strip() or f"{prefix}{i}"
        candidate, k = base, 1
        while candidate in seen:
            k += 1
            candidate = f"{base}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def format_float(value: float) -> str:
    """Shortest text that reads back to exactly ``value`` (``repr``)."""
    return repr(float(value))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    return str(obj)


def to_json(obj: Any) -> str:
    """Compact one-line JSON (numpy values converted, unknown objects as strings)."""
    return json.dumps(obj, default=_json_default, ensure_ascii=True, allow_nan=True,
                      separators=(",", ":"))


def from_json(text: str, path: Path, line: int, field: str) -> Any:
    """Parse JSON from a header line (never evaluates code)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DataFileError(path, f"invalid JSON value: {exc}", line=line, field=field) from exc


def sidecar_fields(info: Any, path: Path, line: int, field: str) -> dict[str, Any]:
    """Validate the lungelab JSON side-channel (units, points, events, rates, metadata)."""
    if not isinstance(info, Mapping):
        raise DataFileError(path, "expected a JSON object", line=line, field=field)
    out: dict[str, Any] = {}
    units = info.get("units", {})
    if not isinstance(units, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in units.items()):
        raise DataFileError(path, "'units' must map channel names to unit strings",
                            line=line, field=field)
    out["units"] = dict(units)
    points = info.get("points", [])
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise DataFileError(path, "'points' must be a list of names", line=line, field=field)
    out["points"] = points
    out["events"] = parse_events(info.get("events", []), path, line, field)
    for key in ("rate_hz", "analog_rate_hz"):
        value = info.get(key)
        if value is not None and not (isinstance(value, (int, float))
                                      and not isinstance(value, bool)
                                      and math.isfinite(value) and value > 0):
            raise DataFileError(path, f"{key!r} must be a positive number", line=line,
                                field=field)
        out[key] = None if value is None else float(value)
    metadata = info.get("metadata", {})
    if not isinstance(metadata, Mapping):
        raise DataFileError(path, "'metadata' must be a JSON object", line=line, field=field)
    out["metadata"] = dict(metadata)
    return out


def parse_events(value: Any, path: Path, line: int, field: str) -> list[tuple[float, str]]:
    """``[[time_s, name], ...]`` from JSON, validated."""
    if not isinstance(value, list):
        raise DataFileError(path, "events must be a list of [time_s, name]", line=line,
                            field=field)
    events = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2
                and isinstance(item[0], (int, float)) and not isinstance(item[0], bool)
                and math.isfinite(item[0]) and isinstance(item[1], str)):
            raise DataFileError(path, f"bad event {item!r}: expected [time_s, name]",
                                line=line, field=field)
        events.append((float(item[0]), item[1]))
    return events


def sidecar_metadata(trial: Trial) -> dict[str, Any]:
    """Metadata worth writing (``source`` and ``format`` describe the old file)."""
    return {k: v for k, v in trial.metadata.items() if k not in ("source", "format")}


def build_trial(path: Path, fmt: str, **kwargs: Any) -> Trial:
    """Create the :class:`Trial` a reader returns, turning any inconsistency into a
    :class:`DataFileError` that names the file."""
    metadata = dict(kwargs.pop("metadata", None) or {})
    metadata["source"] = str(path)
    metadata["format"] = fmt
    try:
        return Trial(metadata=metadata, copy=False, **kwargs)
    except DataFileError:
        raise
    except LungelabError as exc:
        raise DataFileError(path, f"inconsistent content: {exc}") from exc


def check_names(names: Iterable[str], what: str, forbidden: str = "\r\n") -> None:
    """Writers refuse names that would not read back identically."""
    for name in names:
        if not name or name != name.strip() or any(c in name for c in forbidden):
            shown = ", ".join({"\t": "tab", "\r": "CR", "\n": "LF", "\x00": "NUL"}.get(c, repr(c))
                              for c in forbidden)
            raise InputRangeError("channel name", name, f"a non-empty name without leading or "
                                  f"trailing spaces or {shown} characters for a {what} file")


def require_frames(trial: Trial, what: str) -> None:
    """Writers refuse trials without samples."""
    if not isinstance(trial, Trial):
        raise InputRangeError("trial", type(trial).__name__, "a lungelab.trial.Trial")
    if trial.n_frames == 0 and len(trial.analog_time) == 0:
        raise InputRangeError("trial", "a trial without samples", f"at least one frame to "
                              f"write a {what} file")
