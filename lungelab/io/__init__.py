"""Readers and writers of motion-capture files, all returning / accepting a
:class:`~lungelab.trial.Trial`.

=========================  ==========================  ===========================
extension                  reader                      writer
=========================  ==========================  ===========================
``.c3d``                   :func:`read_c3d` (ezc3d)    :func:`write_c3d`
``.trc``                   :func:`read_trc`            :func:`write_trc`
``.mot``, ``.sto``         :func:`read_mot`            :func:`write_mot`
``.csv`` (lungelab schema) :func:`read_csv`            :func:`write_csv`
``.txt`` (Winter tables)   :func:`read_winter`         --
=========================  ==========================  ===========================

:func:`read` and :func:`write` dispatch on the (case-insensitive) extension.

Every malformed input raises :class:`~lungelab.errors.DataFileError` (or its
subclass :class:`~lungelab.errors.MissingChannelError`) whose message starts
with the file name and gives the line and/or field and what was expected.
Writers go through a temporary file in the target directory and
:func:`os.replace`, so they never leave a half-written file.  Nothing is ever
evaluated: headers are parsed as numbers, strings or JSON.

Readers accept regular files only (a FIFO, ``/dev/zero`` or a link loop is refused
before it is opened) of at most ``_common.MAX_FILE_BYTES`` (256 MiB), with text
lines of at most ``_common.MAX_LINE_BYTES``; new readers should load their input
with ``_common.read_bytes`` / ``read_lines`` (or check it with
``check_regular_file``) to get the same bounds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lungelab.errors import DataFileError
from lungelab.io._common import DataLossWarning
from lungelab.io.c3d import read_c3d, write_c3d
from lungelab.io.csvfile import read_csv, write_csv
from lungelab.io.opensim import read_mot, read_sto, write_mot, write_sto
from lungelab.io.trc import read_trc, write_trc
from lungelab.io.winter import read_winter
from lungelab.trial import Trial

__all__ = [
    "DataLossWarning",
    "READERS",
    "WRITERS",
    "read",
    "read_c3d",
    "read_csv",
    "read_mot",
    "read_sto",
    "read_trc",
    "read_winter",
    "write",
    "write_c3d",
    "write_csv",
    "write_mot",
    "write_sto",
    "write_trc",
]

#: Reader per lower-case file extension.
READERS: dict[str, Callable[..., Trial]] = {
    ".c3d": read_c3d,
    ".trc": read_trc,
    ".mot": read_mot,
    ".sto": read_sto,
    ".csv": read_csv,
    ".txt": read_winter,
}

#: Writer per lower-case file extension.
WRITERS: dict[str, Callable[..., Path]] = {
    ".c3d": write_c3d,
    ".trc": write_trc,
    ".mot": write_mot,
    ".sto": write_sto,
    ".csv": write_csv,
}


def _pick(table: dict[str, Callable[..., Any]], path: str | os.PathLike[str],
          what: str) -> Callable[..., Any]:
    suffix = Path(path).suffix.lower()
    try:
        return table[suffix]
    except KeyError:
        raise DataFileError(path, f"unknown file extension {suffix or '(none)'!r} for "
                            f"{what}; supported: {', '.join(sorted(table))}") from None


def read(path: str | os.PathLike[str], **kwargs: Any) -> Trial:
    """Read a motion file, choosing the reader from its extension.

    Parameters
    ----------
    path : str or path-like
        ``.c3d``, ``.trc``, ``.mot``, ``.sto``, ``.csv`` or ``.txt`` (Winter
        tables).
    **kwargs
        Passed to the reader (e.g. ``cop_threshold_n`` for C3D).

    Returns
    -------
    Trial

    Raises
    ------
    DataFileError
        Unknown extension or malformed file (message starts with the file name).
    """
    return _pick(READERS, path, "reading")(path, **kwargs)


def write(trial: Trial, path: str | os.PathLike[str], **kwargs: Any) -> Path:
    """Write a trial, choosing the writer from the extension of ``path``.

    Parameters
    ----------
    trial : Trial
        Trial to write.
    path : str or path-like
        ``.c3d``, ``.trc``, ``.mot``, ``.sto`` or ``.csv``.
    **kwargs
        Passed to the writer (e.g. ``units="mm"`` for TRC / C3D).

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    DataFileError
        Unknown extension, or the file cannot be written.
    InputRangeError
        The trial cannot be represented in that format.
    """
    return _pick(WRITERS, path, "writing")(trial, path, **kwargs)
