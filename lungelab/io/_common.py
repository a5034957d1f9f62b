"""Helpers shared by the readers and writers: decoding, number parsing, time checks,
atomic writes and the JSON side-channel used by the text formats."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lungelab.errors import DataFileError, InputRangeError, LungelabError
from lungelab.trial import Trial

__all__ = [
    "DataLossWarning",
    "LENGTH_UNITS",
    "atomic_write",
    "build_trial",
    "check_time",
    "format_float",
    "from_json",
    "parse_float",
    "parse_numbers",
    "read_lines",
    "to_json",
    "unique_names",
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


def read_bytes(path: str | os.PathLike[str]) -> tuple[Path, bytes]:
    """The whole file as bytes, or DataFileError naming it (missing, directory, unreadable)."""
    p = Path(path)
    if not p.exists():
        raise DataFileError(p, "file not found")
    if p.is_dir():
        raise DataFileError(p, "is a directory, expected a data file")
    try:
        return p, p.read_bytes()
    except OSError as exc:
        raise DataFileError(p, f"cannot read the file: {exc.strerror or exc}") from exc


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


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None], *,
                 suffix: str = ".tmp") -> Path:
    """Write a file through a temporary file in the same directory, then rename it.

    ``write(tmp_path)`` must create the file.  The target is replaced only if
    ``write`` succeeds, so a failure never leaves a half-written file.

    Raises
    ------
    DataFileError
        If the directory does not exist or the file cannot be written.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise DataFileError(target, "cannot write: the directory does not exist")
    if target.is_dir():
        raise DataFileError(target, "cannot write: the path is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=suffix)
        os.close(fd)
    except OSError as exc:
        raise DataFileError(target, f"cannot write: {exc.strerror or exc}") from exc
    try:
        write(tmp)
        mode = 0o666 & ~_umask()
        with contextlib.suppress(OSError):
            mode = os.stat(target).st_mode & 0o7777
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise DataFileError(target, f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(tmp)
        raise
    return target


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Atomically write UTF-8 text with ``\\n`` line ends."""
    def _write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return atomic_write(path, _write)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(tmp)


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
