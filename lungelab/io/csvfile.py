"""The lungelab CSV schema (``.csv``).

A UTF-8, comma-separated table with optional ``#`` comment lines before the
column row::

    # lungelab-csv: 1
    # rate_hz: 100.0
    # points: ["RKNE", "LKNE"]
    # events: [[0.52, "left foot strike"]]
    # metadata: {"subject_mass_kg": 60.0}
    # rows: 487
    time_s,RKNE_x [m],RKNE_y [m],RKNE_z [m],LKNE_x [m],LKNE_y [m],LKNE_z [m],Fz [N],EMG1
    0.0,0.1021,0.0312,0.4977,0.1102,-0.1734,0.4969,702.5,nan

Rules
-----
* **Comment lines** are ``# key: value`` with a JSON value.  Known keys:
  ``lungelab-csv`` (schema version, 1), ``rate_hz`` and ``analog_rate_hz``
  (Hz), ``points`` (list of point names), ``events`` (list of
  ``[time_s, name]``), ``metadata`` (object), ``rows`` (number of data rows,
  checked to detect truncation).  All are optional; unknown keys are ignored.
* **First column**: time in seconds, named ``time_s`` (``time`` and
  ``time [s]`` are accepted when reading).
* **Other columns**: ``NAME [unit]``; the `` [unit]`` suffix is omitted when
  the unit is unknown (``""``).  Point coordinates are ``NAME_x [m]``,
  ``NAME_y [m]``, ``NAME_z [m]`` (``mm`` and ``cm`` are converted to m when
  reading).  Without a ``points`` line, every ``NAME`` with ``_x``, ``_y``
  and ``_z`` columns in a length unit (or no unit) is a point.
* **Cells**: decimal numbers written with Python's shortest round-trip
  ``repr`` (so a write/read round trip is bit-exact); ``nan`` marks a missing
  sample; infinite values are refused.
* **Two time bases**: when the analog channels have their own time base (e.g.
  1000 Hz force plates, 100 Hz markers) the header has ``analog_rate_hz`` and the
  rows are the sorted union of both time bases; an *empty* cell means "this
  stream has no sample at this time" and must be empty for every channel of
  that stream.  In single time base files an empty cell is read as NaN.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from lungelab.errors import DataFileError, InputRangeError, MissingChannelError
from lungelab.io._common import (
    LENGTH_UNITS,
    build_trial,
    check_names,
    check_time,
    from_json,
    parse_events,
    parse_float,
    parse_int,
    read_lines,
    require_frames,
    sidecar_metadata,
    to_json,
    write_text,
)
from lungelab.trial import AXES, Trial

__all__ = ["read_csv", "write_csv"]

SCHEMA_VERSION = 1
_COLUMN = re.compile(r"(?P<name>.*?)(?: \[(?P<unit>[^\[\]]*)\])?\Z", re.DOTALL)
_TIME_NAMES = ("time_s", "time", "time [s]")


def _split_column(label: str) -> tuple[str, str]:
    match = _COLUMN.match(label)
    assert match is not None  # the pattern matches every string
    return match.group("name"), match.group("unit") or ""


def read_csv(path: str | os.PathLike[str]) -> Trial:
    """Read a file in the lungelab CSV schema (see the module docstring).

    Parameters
    ----------
    path : str or path-like
        File to read.

    Returns
    -------
    Trial

    Raises
    ------
    DataFileError
        Bad comment line, wrong number of fields, non-numeric or infinite
        values, NaN / duplicated / decreasing time, row count mismatch.
    MissingChannelError
        No time column, or a declared point lacks a coordinate column.
    """
    p, lines = read_lines(path)
    info: dict[str, Any] = {}
    info_lines: dict[str, int] = {}
    start = 0
    while start < len(lines) and (not lines[start].strip()
                                  or lines[start].lstrip().startswith("#")):
        text = lines[start].strip().lstrip("#").strip()
        if text:
            key, sep, value = text.partition(":")
            if not sep:
                raise DataFileError(p, "comment lines before the column row must be "
                                    "'# key: value'", line=start + 1)
            key = key.strip()
            info[key] = from_json(value.strip(), p, start + 1, key)
            info_lines[key] = start + 1
        start += 1
    if start >= len(lines):
        raise DataFileError(p, "no column row (expected 'time_s,...')", line=len(lines))

    version = info.get("lungelab-csv", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise DataFileError(p, f"unsupported schema version {version!r} (this lungelab reads "
                            f"version {SCHEMA_VERSION})", line=info_lines.get("lungelab-csv"),
                            field="lungelab-csv")
    rates: dict[str, float | None] = {}
    for key in ("rate_hz", "analog_rate_hz"):
        value = info.get(key)
        if value is not None and not (isinstance(value, (int, float))
                                      and not isinstance(value, bool)
                                      and math.isfinite(value) and value > 0):
            raise DataFileError(p, "expected a positive number (Hz)", line=info_lines[key],
                                field=key)
        rates[key] = None if value is None else float(value)
    declared = info.get("points")
    if declared is not None and not (isinstance(declared, list)
                                     and all(isinstance(x, str) for x in declared)):
        raise DataFileError(p, "expected a JSON list of point names", line=info_lines["points"],
                            field="points")
    events = (parse_events(info["events"], p, info_lines["events"], "events")
              if "events" in info else [])
    metadata = info.get("metadata", {})
    if not isinstance(metadata, dict):
        raise DataFileError(p, "expected a JSON object", line=info_lines["metadata"],
                            field="metadata")
    n_rows = None
    if "rows" in info:
        n_rows = parse_int(str(info["rows"]), p, info_lines["rows"], "rows")
    separate = rates["analog_rate_hz"] is not None

    try:
        header = next(csv.reader([lines[start]]))
    except csv.Error as exc:
        raise DataFileError(p, f"unreadable column row: {exc}", line=start + 1) from exc
    header_line = start + 1
    if not header or header[0].strip().lower() not in _TIME_NAMES:
        raise MissingChannelError(p, "the first column must be the time 'time_s', found "
                                  f"{(header[0] if header else '')[:40]!r}", line=header_line,
                                  field="time_s")
    columns = [_split_column(label.strip()) for label in header[1:]]
    names = [name for name, _ in columns]
    for j, name in enumerate(names):
        if not name:
            raise DataFileError(p, f"empty column name in column {j + 2}", line=header_line)
        if names.index(name) != j:
            raise DataFileError(p, f"duplicated column {name!r}", line=header_line, field=name)
    units_by_col = dict(columns)

    if declared is None:
        point_names = []
        for name in names:
            base, _, axis = name.rpartition("_")
            if axis == "x" and base and all(f"{base}_{a}" in units_by_col for a in AXES):
                col_units = {units_by_col[f"{base}_{a}"] for a in AXES}
                if len(col_units) == 1 and col_units.pop() in ("", *LENGTH_UNITS):
                    point_names.append(base)
    else:
        point_names = list(declared)
    point_cols = {f"{pt}_{a}": (pt, a) for pt in point_names for a in AXES}
    for col in point_cols:
        if col not in units_by_col:
            raise MissingChannelError(p, f"point column {col!r} is missing", line=header_line,
                                      field=col)
        unit = units_by_col[col] or "m"
        if unit not in LENGTH_UNITS:
            raise DataFileError(p, f"point coordinates must be in a length unit "
                                f"({', '.join(LENGTH_UNITS)}), found {unit!r}",
                                line=header_line, field=col)
    point_idx = [j for j, name in enumerate(names) if name in point_cols]
    analog_idx = [j for j, name in enumerate(names) if name not in point_cols]

    width = len(header)
    labels = ["time_s"] + names
    reader = csv.reader(lines[start + 1:])
    times: list[float] = []
    rows: list[list[float]] = []
    has_point: list[bool] = []
    has_analog: list[bool] = []
    line_numbers: list[int] = []
    number = header_line
    try:
        for number, fields in enumerate(reader, start=header_line + 1):
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != width:
                raise DataFileError(p, f"expected {width} comma-separated fields, found "
                                    f"{len(fields)}", line=number)
            cells = fields[1:]
            if separate:
                flags = []
                for idx in (point_idx, analog_idx):
                    empty = [not cells[j].strip() for j in idx]
                    if any(empty) and not all(empty):
                        j = idx[empty.index(True)] if not empty[0] else idx[empty.index(False)]
                        raise DataFileError(p, "a stream (points or analogs) must have all its "
                                            "cells empty (no sample) or all filled ('nan' for "
                                            "a missing value)", line=number, field=labels[j + 1])
                    flags.append(bool(idx) and not any(empty))
                if not (flags[0] or flags[1]):
                    raise DataFileError(p, "row has a time but no sample", line=number)
                has_point.append(flags[0])
                has_analog.append(flags[1])
            times.append(parse_float(fields[0], p, number, "time_s", allow_nan=False))
            rows.append([parse_float(tok, p, number, labels[j + 1], empty_is_nan=True)
                         for j, tok in enumerate(cells)])
            line_numbers.append(number)
    except csv.Error as exc:
        raise DataFileError(p, f"malformed CSV: {exc}", line=number + 1) from exc
    if n_rows is not None and n_rows != len(times):
        raise DataFileError(p, f"header says rows={n_rows} but the file has {len(times)} data "
                            "rows (truncated or edited file?)", line=len(lines), field="rows")
    if not times:
        raise DataFileError(p, "no data rows", line=len(lines))
    time = np.asarray(times)
    check_time(time, line_numbers, p, "time_s")
    data = np.asarray(rows, dtype=float).reshape(len(times), len(names))

    if separate:
        pmask = np.asarray(has_point)
        amask = np.asarray(has_analog)
    else:
        pmask = amask = np.ones(len(times), dtype=bool)
    points = {}
    for pt in point_names:
        cols = [names.index(f"{pt}_{a}") for a in AXES]
        scale = LENGTH_UNITS[units_by_col[f"{pt}_x"] or "m"]
        points[pt] = data[np.ix_(pmask, cols)] * scale if scale != 1 else data[np.ix_(pmask, cols)]
    analogs = {names[j]: data[amask, j] for j in analog_idx}
    units = {names[j]: units_by_col[names[j]] for j in analog_idx}
    kwargs: dict[str, Any] = {}
    if separate:
        kwargs["analog_time"] = time[amask]
        kwargs["analog_rate_hz"] = rates["analog_rate_hz"]
    return build_trial(p, "csv", time=time[pmask], points=points or None, analogs=analogs,
                       units=units, events=events, rate_hz=rates["rate_hz"],
                       metadata=metadata, **kwargs)


def _label(name: str, unit: str) -> str:
    if unit:
        return f"{name} [{unit}]"
    return f"{name} []" if name.endswith("]") else name


def write_csv(trial: Trial, path: str | os.PathLike[str]) -> Path:
    """Write a trial in the lungelab CSV schema (atomically, bit-exact values).

    Parameters
    ----------
    trial : Trial
        Trial to write (points, analogs on one or two time bases, units,
        rates, events and JSON-able metadata are all stored).
    path : str or path-like
        Destination.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputRangeError
        If the trial is empty, or a name or unit cannot be written unambiguously
        (line breaks, brackets in units).
    """
    require_frames(trial, "CSV")
    check_names(trial.point_names + trial.analog_names, "CSV")
    for name, unit in trial.units.items():
        if "[" in unit or "]" in unit or "\n" in unit or "\r" in unit:
            raise InputRangeError(f"units[{name!r}]", unit, "a unit without brackets or line "
                                  "breaks")
    point_cols = [f"{n}_{a}" for n in trial.point_names for a in AXES]
    if set(point_cols) & set(trial.analog_names):
        raise InputRangeError("analog names", sorted(set(point_cols) & set(trial.analog_names)),
                              "names that differ from the NAME_x/_y/_z point columns")
    labels = (["time_s"] + [_label(c, "m") for c in point_cols]
              + [_label(n, trial.units.get(n, "")) for n in trial.analog_names])

    separate = not trial.same_time_base
    if separate:
        time = np.union1d(trial.time, trial.analog_time)
    else:
        time = trial.time
    header: list[tuple[str, Any]] = [("lungelab-csv", SCHEMA_VERSION)]
    if math.isfinite(trial.rate_hz):
        header.append(("rate_hz", trial.rate_hz))
    if separate:
        rate = trial.analog_rate_hz
        if not math.isfinite(rate):
            raise InputRangeError("analog_rate_hz", rate, "a finite rate for a trial with a "
                                  "separate analog time base")
        header.append(("analog_rate_hz", rate))
    header.append(("points", trial.point_names))
    if trial.events:
        header.append(("events", [[t, n] for t, n in trial.events]))
    meta = sidecar_metadata(trial)
    if meta:
        header.append(("metadata", meta))
    header.append(("rows", len(time)))

    n = len(time)
    cells = np.full((n, len(labels) - 1), "", dtype=object)
    blocks = ((trial.points.to_numpy(dtype=float), trial.time, 0),
              (trial.analogs.to_numpy(dtype=float), trial.analog_time, len(point_cols)))
    for values, stream_time, offset in blocks:
        if values.shape[1] == 0:
            continue
        rows = np.searchsorted(time, stream_time) if separate else np.arange(n)
        text = np.asarray([[repr(v) for v in row] for row in values.tolist()], dtype=object)
        cells[rows, offset:offset + values.shape[1]] = text.reshape(values.shape)
    buffer = io.StringIO()
    for key, value in header:
        buffer.write(f"# {key}: {to_json(value)}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(labels)
    for t, row in zip(time.tolist(), cells.tolist(), strict=True):
        writer.writerow([repr(t)] + row)
    return write_text(path, buffer.getvalue())
