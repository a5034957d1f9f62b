"""Whitespace tables of Winter's walking stride (BMC/ISB ``.txt`` files).

Two layouts are recognised:

``WinterTableA1.txt`` (Winter 2009, Table A.1, raw coordinates)::

    'FRAME' 'TIME' 'RIB CAGE' 'RIGHT HIP' ...
    'N' 'S' 'X' 'Y' 'X' 'Y' ...
    1 0 46.98 104.41 44.94 78.58 ...

Values in **cm** (no unit line in the file).

``wn35b.txt`` (the same stride, smoothed)::

    wn95b Shoulder Shoulder Hip Hip ...
    Time "Mark01 X" "Mark01 Y" ...
    s cm cm ...
    0 0.4712906 1.047275 ...

The unit line says ``cm`` but the values are **metres** (see the data's
``SOURCE.md``); this layout is therefore read as metres unless
``length_unit`` says otherwise.

Both are sagittal-plane (2-D) data: X (forward) and Y (up) become the point's
``x`` and ``y`` in metres and ``z`` is 0.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

import numpy as np

from lungelab.errors import DataFileError, InputRangeError
from lungelab.io._common import (
    LENGTH_UNITS,
    build_trial,
    check_time,
    parse_float,
    read_lines,
    unique_names,
)
from lungelab.trial import Trial

__all__ = ["read_winter"]


def _tokens(path: Path, lines: list[str], index: int) -> list[str]:
    if index >= len(lines):
        return []
    try:
        return shlex.split(lines[index], posix=True)
    except ValueError as exc:
        raise DataFileError(path, f"unreadable header line: {exc}", line=index + 1) from exc


def read_winter(path: str | os.PathLike[str], *, length_unit: str | None = None) -> Trial:
    """Read one of the Winter gait tables (``WinterTableA1.txt`` or ``wn35b.txt``).

    Parameters
    ----------
    path : str or path-like
        File to read.
    length_unit : {"cm", "m", "mm"}, optional
        Unit of the coordinates in the file.  Default: ``"cm"`` for the
        Table A.1 layout, ``"m"`` for the ``wn35b`` layout (whose ``cm`` unit
        line is wrong).

    Returns
    -------
    Trial
        Planar points (z = 0) in metres; metadata ``layout``, ``file_units``,
        ``planar=True``.

    Raises
    ------
    DataFileError
        Unrecognised layout, wrong number of fields, non-numeric values, bad
        time.
    """
    if length_unit is not None and length_unit not in LENGTH_UNITS:
        raise InputRangeError("length_unit", length_unit, f"one of {', '.join(LENGTH_UNITS)}")
    p, lines = read_lines(path)
    first = _tokens(p, lines, 0)
    metadata: dict[str, Any] = {"planar": True}
    if len(first) >= 2 and first[0].upper() == "FRAME" and first[1].upper() == "TIME":
        markers = first[2:]
        second = _tokens(p, lines, 1)
        expected = ["N", "S"] + ["X", "Y"] * len(markers)
        if [t.upper() for t in second] != expected:
            raise DataFileError(p, "expected the axis line 'N' 'S' then 'X' 'Y' per marker "
                                f"({len(expected)} labels), found {len(second)} labels", line=2)
        body, has_frame, unit = 2, True, length_unit or "cm"
        metadata.update(layout="winter-table-a1", file_units="cm (not stated in the file)")
    else:
        second = _tokens(p, lines, 1)
        third = _tokens(p, lines, 2)
        if not (second and second[0].lower() == "time" and third and third[0] == "s"
                and len(first) % 2 == 1 and len(first) >= 3):
            raise DataFileError(p, "unrecognised layout: expected a Winter table "
                                "('FRAME' 'TIME' ... or 'Time' + unit line 's cm ...')", line=1)
        markers = first[1::2]
        if first[2::2] != markers or len(second) != len(first) or len(third) != len(first):
            raise DataFileError(p, f"header lines disagree: {len(first)} names, "
                                f"{len(second)} column labels, {len(third)} units "
                                "(expected each marker name twice, for X and Y)", line=2)
        body, has_frame, unit = 3, False, length_unit or "m"
        metadata.update(layout="winter-wn35b", table_label=first[0], file_units=third[1])
        if length_unit is None:
            metadata["units_note"] = ("unit line says cm but the values are metres "
                                      "(SOURCE.md); read as m")
    if not markers:
        raise DataFileError(p, "no marker columns", line=1)
    names = unique_names(markers, "marker")
    n_cols = (2 if has_frame else 1) + 2 * len(names)
    labels = (["FRAME", "TIME"] if has_frame else ["Time"]) + [
        f"{n}_{a}" for n in names for a in ("X", "Y")]
    rows, line_numbers = [], []
    for number, text in enumerate(lines[body:], start=body + 1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) != n_cols:
            raise DataFileError(p, f"expected {n_cols} whitespace-separated fields, found "
                                f"{len(fields)}", line=number)
        rows.append([parse_float(tok, p, number, labels[j], allow_nan=j >= n_cols - 2 * len(
            names)) for j, tok in enumerate(fields)])
        line_numbers.append(number)
    if not rows:
        raise DataFileError(p, "no data rows", line=len(lines))
    data = np.asarray(rows, dtype=float)
    t_col = 1 if has_frame else 0
    time = data[:, t_col]
    check_time(time, line_numbers, p, labels[t_col])
    if has_frame:
        metadata["first_frame"] = int(data[0, 0]) if data[0, 0].is_integer() else 1
    xy = data[:, t_col + 1:].reshape(len(rows), len(names), 2) * LENGTH_UNITS[unit]
    points = {n: np.column_stack([xy[:, i, 0], xy[:, i, 1], np.zeros(len(rows))])
              for i, n in enumerate(names)}
    return build_trial(p, "winter", time=time, points=points, metadata=metadata)
