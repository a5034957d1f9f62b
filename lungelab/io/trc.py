"""OpenSim / Motion Analysis ``.trc`` marker files.

Layout (tab-separated)::

    PathFileType  4  (X/Y/Z)  <file name>
    DataRate  CameraRate  NumFrames  NumMarkers  Units  OrigDataRate  OrigDataStartFrame ...
    100       100         1346       51          mm     100           1                  ...
    Frame#  Time  RASI        LASI ...
                  X1  Y1  Z1  X2  Y2  Z2 ...
    <blank line>
    1       0.00  1.0 2.0 3.0 ...

Coordinates are converted from ``Units`` (``mm``, ``cm`` or ``m``) to metres.
An empty field is a missing marker (NaN).  ``NumFrames`` and ``NumMarkers``
must match the data, so a truncated file is detected.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from lungelab.errors import DataFileError, InputRangeError, MissingChannelError
from lungelab.io._common import (
    LENGTH_UNITS,
    DataLossWarning,
    build_trial,
    check_names,
    check_time,
    format_float,
    parse_float,
    parse_int,
    read_lines,
    require_frames,
    unique_names,
    write_text,
)
from lungelab.trial import Trial

__all__ = ["read_trc", "write_trc"]

_REQUIRED = ("DataRate", "NumFrames", "NumMarkers", "Units")


def read_trc(path: str | os.PathLike[str]) -> Trial:
    """Read a ``.trc`` marker file.

    Parameters
    ----------
    path : str or path-like
        File to read.

    Returns
    -------
    Trial
        Points in metres, ``rate_hz`` from ``DataRate``; metadata holds
        ``first_frame``, ``camera_rate_hz``, ``file_units`` and the other header
        fields.

    Raises
    ------
    DataFileError
        If the file is malformed (header, counts, numbers, time); the message
        names the file, line and field.
    MissingChannelError
        If the ``Frame#``/``Time`` columns are missing.
    """
    p, lines = read_lines(path)
    if len(lines) < 5:
        raise DataFileError(p, f"truncated TRC header: {len(lines)} line(s), expected at least"
                            " 5 (PathFileType, keys, values, marker names, X/Y/Z)",
                            line=len(lines))
    if not lines[0].strip().startswith("PathFileType"):
        raise DataFileError(p, f"expected a TRC file starting with 'PathFileType', found "
                            f"{lines[0][:40]!r}", line=1)
    keys = [k.strip() for k in lines[1].split("\t")]
    values = [v.strip() for v in lines[2].split("\t")]
    header = {k: v for k, v in zip(keys, values, strict=False) if k}
    for key in _REQUIRED:
        if key not in keys:
            raise DataFileError(p, f"missing header field {key!r} (expected "
                                f"{', '.join(_REQUIRED)})", line=2, field=key)
        if key not in header or not header[key]:
            raise DataFileError(p, f"no value for header field {key!r}", line=3, field=key)
    rate = parse_float(header["DataRate"], p, 3, "DataRate", allow_nan=False)
    if rate <= 0:
        raise DataFileError(p, f"DataRate must be > 0 Hz, found {rate:g}", line=3,
                            field="DataRate")
    n_frames = parse_int(header["NumFrames"], p, 3, "NumFrames")
    n_markers = parse_int(header["NumMarkers"], p, 3, "NumMarkers")
    unit = header["Units"]
    if unit not in LENGTH_UNITS:
        raise DataFileError(p, f"unknown length unit {unit!r}; expected one of "
                            f"{', '.join(LENGTH_UNITS)}", line=3, field="Units")
    scale = LENGTH_UNITS[unit]

    names_row = lines[3].split("\t")
    if len(names_row) < 2 or names_row[0].strip() != "Frame#" \
            or names_row[1].strip().lower() != "time":
        raise MissingChannelError(p, "expected the columns 'Frame#' and 'Time' first",
                                  line=4, field="Frame#")
    raw_names = [n.strip() for n in names_row[2:] if n.strip()]
    if len(raw_names) != n_markers:
        raise DataFileError(p, f"header says NumMarkers={n_markers} but {len(raw_names)} "
                            "marker names are listed", line=4, field="NumMarkers")
    names = unique_names(raw_names, "marker")
    axes_row = [a.strip() for a in lines[4].split("\t")[2:] if a.strip()]
    if len(axes_row) != 3 * n_markers:
        raise DataFileError(p, f"expected {3 * n_markers} coordinate labels (X1 Y1 Z1 ...), "
                            f"found {len(axes_row)}", line=5)

    n_cols = 2 + 3 * n_markers
    labels = ["Frame#", "Time"] + [f"{n}_{a}" for n in names for a in "xyz"]
    frames, times, coords, line_numbers = [], [], [], []
    for number, text in enumerate(lines[5:], start=6):
        if not text.strip():
            continue
        fields = text.split("\t")
        if len(fields) > n_cols and not any(f.strip() for f in fields[n_cols:]):
            fields = fields[:n_cols]
        if len(fields) != n_cols:
            raise DataFileError(p, f"expected {n_cols} tab-separated fields (Frame#, Time, "
                                f"3 x {n_markers} coordinates), found {len(fields)}",
                                line=number)
        frames.append(parse_float(fields[0], p, number, "Frame#", allow_nan=False))
        times.append(parse_float(fields[1], p, number, "Time", allow_nan=False))
        coords.append([parse_float(tok, p, number, labels[j], empty_is_nan=True)
                       for j, tok in enumerate(fields[2:], start=2)])
        line_numbers.append(number)
    if len(times) != n_frames:
        raise DataFileError(p, f"header says NumFrames={n_frames} but the file has "
                            f"{len(times)} data rows (truncated or edited file?)",
                            line=len(lines), field="NumFrames")
    if not times:
        raise DataFileError(p, "no data rows", line=len(lines))
    time = np.asarray(times)
    check_time(time, line_numbers, p, "Time")
    frame_arr = np.asarray(frames)
    if not np.all(frame_arr == np.round(frame_arr)):
        i = int(np.flatnonzero(frame_arr != np.round(frame_arr))[0])
        raise DataFileError(p, f"frame number {frames[i]!r} is not an integer",
                            line=line_numbers[i], field="Frame#")
    dup = np.flatnonzero(np.diff(frame_arr) <= 0)
    if len(dup):
        i = int(dup[0])
        raise DataFileError(p, f"frame numbers must increase: {frames[i + 1]:g} follows "
                            f"{frames[i]:g}", line=line_numbers[i + 1], field="Frame#")
    data = np.asarray(coords, dtype=float).reshape(len(times), n_markers, 3) * scale
    metadata = {
        "first_frame": int(frame_arr[0]),
        "file_units": unit,
        "trc_header": {k: v for k, v in header.items()},
    }
    if "CameraRate" in header:
        try:
            metadata["camera_rate_hz"] = float(header["CameraRate"])
        except ValueError:
            pass
    if names != raw_names:
        metadata["original_names"] = raw_names
    return build_trial(p, "trc", time=time,
                       points={n: data[:, i, :] for i, n in enumerate(names)},
                       rate_hz=rate, metadata=metadata)


def write_trc(trial: Trial, path: str | os.PathLike[str], *, units: str = "m") -> Path:
    """Write the points of a trial to a ``.trc`` file (atomically).

    Parameters
    ----------
    trial : Trial
        Trial to write; its analog channels and events cannot be stored in a
        TRC file and are dropped with a :class:`DataLossWarning`.
    path : str or path-like
        Destination (replaced only when the write succeeded).
    units : {"m", "mm", "cm"}
        Length unit of the file.  ``"m"`` reproduces the values exactly.

    Returns
    -------
    Path
        The written file.
    """
    require_frames(trial, "TRC")
    if units not in LENGTH_UNITS:
        raise InputRangeError("units", units, f"one of {', '.join(LENGTH_UNITS)}")
    if trial.n_frames == 0:
        raise InputRangeError("trial", "no point frames", "at least one frame for a TRC file")
    dropped = [what for what, present in (("analog channels", trial.analogs.shape[1] > 0),
                                          ("events", bool(trial.events))) if present]
    if dropped:
        warnings.warn(f"TRC files hold markers only: {' and '.join(dropped)} of the trial "
                      f"are not written to {os.fspath(path)}", DataLossWarning, stacklevel=2)
    names = trial.point_names
    check_names(names, "TRC", "\t\r\n")
    rate = trial.rate_hz if np.isfinite(trial.rate_hz) else 0.0
    n = trial.n_frames
    first = trial.metadata.get("first_frame", 1)
    first = first if isinstance(first, int) and not isinstance(first, bool) else 1
    scale = 1.0 / LENGTH_UNITS[units]
    values = trial.points.to_numpy(dtype=float)
    if scale != 1.0:
        values = values * scale
    out = [
        f"PathFileType\t4\t(X/Y/Z)\t{Path(path).name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\t"
        "OrigDataStartFrame\tOrigNumFrames",
        f"{format_float(rate)}\t{format_float(rate)}\t{n}\t{len(names)}\t{units}\t"
        f"{format_float(rate)}\t{first}\t{n}",
        "\t".join(["Frame#", "Time"] + [f"{name}\t\t" for name in names]),
        "\t".join(["", ""] + [f"X{i}\tY{i}\tZ{i}" for i in range(1, len(names) + 1)]),
        "",
    ]
    time = trial.time.tolist()
    for i, row in enumerate(values.tolist()):
        cells = ["" if v != v else repr(v) for v in row]
        out.append("\t".join([str(first + i), repr(time[i])] + cells))
    return write_text(path, "\n".join(out) + "\n")
