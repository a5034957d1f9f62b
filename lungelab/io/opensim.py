"""OpenSim ``.mot`` / ``.sto`` tables (coordinates, forces, moments).

Accepted layouts::

    name line (optional, no '=')          SIMM (old .mot)
    version=1                              name subject01
    nRows=151                              datacolumns 19
    nColumns=11                            datarows 1501
    inDegrees=yes                          range 0.0 2.5
    <free text lines>                      endheader
    endheader                              time  ...
    time  hip_flexion_r ...

``version=1`` and later ``key=value`` headers, header-less old ``.sto`` files
(``nRows``/``nColumns`` without ``version``) and the SIMM ``datacolumns`` /
``datarows`` keywords are all read.  The first column must be ``time``.
``nRows`` and ``nColumns`` (or ``datarows`` / ``datacolumns``) are checked
against the data, so truncated files are detected.

Units are not stored by OpenSim; they are inferred from the column names:
``*_v[xyz]`` and ``*_force`` -> N; ``*_p[xyz]`` (centre of pressure) -> m;
``*_m[xyz]``, ``*torque_[xyz]``, ``*_moment`` -> ``N.m``; ``*_t[xyz]``
(translations) -> m; other columns of a ``Coordinates`` file -> ``deg`` or
``rad`` from ``inDegrees``; anything else -> ``""``.  Angles are kept in the
file's unit (no conversion).

Files written by lungelab carry one extra header line ``lungelab={...}`` (JSON:
exact units, point names, events, rates, metadata) that OpenSim ignores, so a
write/read round trip loses nothing.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from lungelab.errors import DataFileError, InputRangeError, MissingChannelError
from lungelab.io._common import (
    DataLossWarning,
    build_trial,
    check_names,
    check_time,
    from_json,
    parse_float,
    parse_int,
    read_lines,
    require_frames,
    sidecar_fields,
    sidecar_metadata,
    to_json,
    write_text,
)
from lungelab.trial import AXES, Trial

__all__ = ["infer_unit", "read_mot", "read_sto", "write_mot", "write_sto"]

_SIMM_KEYS = {"datacolumns", "datarows", "range", "name", "wrap", "keys",
              "enforce_loops", "enforce_constraints", "calc_derivatives"}

_UNIT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(^|_)p[xyz]$"), "m"),
    (re.compile(r"(^|_)v[xyz]$"), "N"),
    (re.compile(r"(^|_)m[xyz]$|torque(_[xyz])?$"), "N.m"),
    (re.compile(r"_moment$"), "N.m"),
    (re.compile(r"_force$"), "N"),
    (re.compile(r"_t[xyz]$"), "m"),
)


def infer_unit(column: str, in_degrees: bool | None, coordinates: bool) -> str:
    """Unit of an OpenSim column from its name (see the module docstring).

    Parameters
    ----------
    column : str
        Column label.
    in_degrees : bool or None
        The ``inDegrees`` header value (None if absent).
    coordinates : bool
        True for a ``Coordinates`` (IK) file, whose other columns are angles.
    """
    for pattern, unit in _UNIT_RULES:
        if pattern.search(column):
            return unit
    if coordinates and in_degrees is not None:
        return "deg" if in_degrees else "rad"
    return ""


def read_mot(path: str | os.PathLike[str]) -> Trial:
    """Read an OpenSim ``.mot`` or ``.sto`` file.

    Parameters
    ----------
    path : str or path-like
        File to read.

    Returns
    -------
    Trial
        All columns but ``time`` as analog channels (points too if the file was
        written by lungelab with points).  ``metadata`` holds ``name`` (first
        header line), ``header`` (the ``key=value`` pairs) and ``in_degrees``.

    Raises
    ------
    DataFileError
        Malformed header (no ``endheader``, bad ``nRows``...), wrong number of
        fields, non-numeric or infinite values, NaN or non-increasing time,
        row/column counts that disagree with the header.
    MissingChannelError
        If the first column is not ``time`` or a declared point is missing.
    """
    p, lines = read_lines(path)
    end = None
    name = None
    header: dict[str, str] = {}
    header_lines: dict[str, int] = {}
    free_text: list[str] = []
    for i, raw in enumerate(lines):
        text = raw.strip()
        if text.lower() == "endheader":
            end = i
            break
        if not text:
            continue
        if "=" in text:
            key, _, value = text.partition("=")
            header[key.strip()] = value.strip()
            header_lines[key.strip()] = i + 1
        elif text.split()[0].lower() in _SIMM_KEYS:
            key, _, value = text.partition(" ") if " " in text else text.partition("\t")
            header[key.strip().lower()] = value.strip()
            header_lines[key.strip().lower()] = i + 1
        elif i == 0:
            name = text
        else:
            free_text.append(text)
    if end is None:
        raise DataFileError(p, "no 'endheader' line: not an OpenSim .mot/.sto file (or the "
                            "header is truncated)", line=len(lines))

    n_rows = n_cols = None
    for key in ("nRows", "datarows"):
        if key in header:
            n_rows = parse_int(header[key], p, header_lines[key], key)
    for key in ("nColumns", "datacolumns"):
        if key in header:
            n_cols = parse_int(header[key], p, header_lines[key], key, minimum=1)
    in_degrees = None
    if "inDegrees" in header:
        flag = header["inDegrees"].lower()
        if flag not in ("yes", "no"):
            raise DataFileError(p, f"inDegrees must be 'yes' or 'no', found "
                                f"{header['inDegrees'][:20]!r}", line=header_lines["inDegrees"],
                                field="inDegrees")
        in_degrees = flag == "yes"
    side = None
    if "lungelab" in header:
        line = header_lines["lungelab"]
        side = sidecar_fields(from_json(header["lungelab"], p, line, "lungelab"), p, line,
                              "lungelab")

    label_line = end + 1
    while label_line < len(lines) and not lines[label_line].strip():
        label_line += 1
    if label_line >= len(lines):
        raise DataFileError(p, "no column labels after 'endheader' (truncated file?)",
                            line=len(lines))
    raw_labels = lines[label_line].strip()
    labels = ([c.strip() for c in raw_labels.split("\t")] if "\t" in raw_labels
              else raw_labels.split())
    if "" in labels:
        raise DataFileError(p, f"empty column label in position {labels.index('') + 1}",
                            line=label_line + 1)
    if labels[0].lower() != "time":
        raise MissingChannelError(p, f"the first column must be 'time', found "
                                  f"{labels[0][:40]!r}", line=label_line + 1, field="time")
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise DataFileError(p, f"duplicated column label {label!r}", line=label_line + 1,
                                field=label)
        seen.add(label)
    if n_cols is not None and n_cols != len(labels):
        raise DataFileError(p, f"header says {n_cols} columns but {len(labels)} labels are "
                            "listed", line=label_line + 1, field="nColumns")

    rows: list[list[float]] = []
    line_numbers: list[int] = []
    width = len(labels)
    for number, text in enumerate(lines[label_line + 1:], start=label_line + 2):
        fields = text.split()
        if not fields:
            continue
        if len(fields) != width:
            raise DataFileError(p, f"expected {width} fields (as many as column labels), "
                                f"found {len(fields)}", line=number)
        rows.append([parse_float(tok, p, number, labels[j], allow_nan=j > 0)
                     for j, tok in enumerate(fields)])
        line_numbers.append(number)
    if n_rows is not None and n_rows != len(rows):
        raise DataFileError(p, f"header says nRows={n_rows} but the file has {len(rows)} "
                            "data rows (truncated or edited file?)", line=len(lines),
                            field="nRows")
    if not rows:
        raise DataFileError(p, "no data rows", line=len(lines))
    data = np.asarray(rows, dtype=float)
    time = data[:, 0]
    check_time(time, line_numbers, p, labels[0])

    columns = labels[1:]
    values = data[:, 1:]
    coordinates = (name or "").strip().lower().startswith("coordinates")
    units = {c: infer_unit(c, in_degrees, coordinates) for c in columns}
    points: dict[str, np.ndarray] = {}
    events: list[tuple[float, str]] = []
    rate_hz = None
    if side is not None:
        point_cols = [f"{pt}_{a}" for pt in side["points"] for a in AXES]
        for col in point_cols:
            if col not in columns:
                raise MissingChannelError(p, f"point column {col!r} declared in the lungelab "
                                          "header is missing", line=label_line + 1, field=col)
        index = {c: j for j, c in enumerate(columns)}
        for pt in side["points"]:
            points[pt] = values[:, [index[f"{pt}_{a}"] for a in AXES]]
        keep = [j for j, c in enumerate(columns) if c not in set(point_cols)]
        columns = [columns[j] for j in keep]
        values = values[:, keep]
        units = {c: units[c] for c in columns}
        for key, unit in side["units"].items():
            if key in units or key in points:
                units[key] = unit
        events = side["events"]
        rate_hz = side["rate_hz"]
        metadata: dict[str, Any] = side["metadata"]
    else:
        metadata = {"header": {k: v for k, v in header.items()}}
        if name is not None:
            metadata["name"] = name
        if free_text:
            metadata["header_text"] = free_text
        if in_degrees is not None:
            metadata["in_degrees"] = in_degrees
    return build_trial(
        p, "sto" if p.suffix.lower() == ".sto" else "mot", time=time,
        points=points or None,
        analogs={c: values[:, j] for j, c in enumerate(columns)},
        units=units, events=events, rate_hz=rate_hz, metadata=metadata,
    )


#: ``.sto`` files share the ``.mot`` layout.
read_sto = read_mot


def write_mot(trial: Trial, path: str | os.PathLike[str], *, name: str | None = None) -> Path:
    """Write a trial as an OpenSim ``.mot``/``.sto`` table (version 1, atomically).

    Analog channels become columns; points become ``NAME_x``/``_y``/``_z``
    columns when they share the analog time base (otherwise they are dropped
    with a :class:`DataLossWarning`: write them to a ``.trc``).  ``inDegrees``
    is ``yes`` if any channel is in ``deg``.  Exact units, point names, events,
    rates and metadata go to a ``lungelab={json}`` header line.

    Parameters
    ----------
    trial : Trial
        Trial to write.
    path : str or path-like
        Destination.
    name : str, optional
        First header line (default: ``metadata["name"]`` or the file stem).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    InputRangeError
        If the trial is empty or a channel name contains whitespace.
    """
    require_frames(trial, "MOT/STO")
    write_points = trial.n_frames > 0 and (trial.same_time_base or trial.analogs.shape[1] == 0)
    if trial.point_names and not write_points:
        warnings.warn(f"the points of the trial have their own time base and are not written "
                      f"to {os.fspath(path)}; write them to a .trc file", DataLossWarning,
                      stacklevel=2)
    if write_points:
        wide = trial.to_wide()
        time = trial.time
        points = trial.point_names
    else:
        wide = trial.analogs
        time = trial.analog_time
        points = []
    columns = [str(c) for c in wide.columns]
    check_names(columns, "MOT/STO", "\t\r\n")
    if "time" in (c.lower() for c in columns):
        raise InputRangeError("column name", "time", "a channel name other than 'time'")
    units = {k: v for k, v in trial.units.items() if k in set(columns) or k in set(points)}
    in_degrees = "yes" if "deg" in units.values() else "no"
    title = name if name is not None else str(trial.metadata.get("name", Path(path).stem))
    title = re.sub(r"[=\r\n]", "_", title).strip() or Path(path).stem
    first_word = title.split()[0].lower() if title.split() else ""
    if first_word in _SIMM_KEYS or first_word == "endheader":
        title = f"lungelab {title}"  # would be read as a header keyword
    side: dict[str, Any] = {"format": 1, "units": units, "points": points,
                            "events": [[t, n] for t, n in trial.events],
                            "metadata": sidecar_metadata(trial)}
    rate = trial.rate_hz if write_points else trial.analog_rate_hz
    if math.isfinite(rate):
        side["rate_hz"] = rate
    values = wide.to_numpy(dtype=float)
    out = [title, "version=1", f"nRows={len(time)}", f"nColumns={len(columns) + 1}",
           f"inDegrees={in_degrees}", f"lungelab={to_json(side)}", "endheader",
           "\t".join(["time"] + columns)]
    for t, row in zip(time.tolist(), values.tolist(), strict=True):
        out.append("\t".join([repr(t)] + [repr(v) for v in row]))
    return write_text(path, "\n".join(out) + "\n")


#: ``.sto`` files share the ``.mot`` layout.
write_sto = write_mot
