"""The sample data in ``data/``: SYNTHETIC lunge trials and real recordings.

``data/synthetic/`` holds trials made by :mod:`lungelab.synthetic` (labelled
SYNTHETIC everywhere; see ``data/README.md`` for every column); ``data/real/`` holds
real recordings copied from public repositories, each folder with a ``SOURCE.md``
(origin and licence).

>>> from lungelab import datasets
>>> table = datasets.list_datasets()                      # doctest: +SKIP
>>> trial = datasets.load("S01_backward_good")            # a lungelab Trial
>>> wide = datasets.load("S01_backward_good", form="wide")  # DataFrame, units in .attrs
>>> long = datasets.load("opencap-squats1", form="long")   # tidy: time, channel, ...

Forms
-----
``"trial"``
    A :class:`~lungelab.trial.Trial`: points in m (x, y, z; z = 0 for the planar
    synthetic data), analog channels (forces N, centres of pressure m), units,
    events, metadata.
``"wide"``
    :meth:`Trial.to_wide`: one column per coordinate / channel, index ``time_s``;
    ``DataFrame.attrs["units"]`` maps each column to its unit and
    ``DataFrame.attrs["metadata"]`` holds the trial's metadata.
``"long"``
    :meth:`Trial.to_long`: tidy rows ``time, channel, component, value, unit``;
    ``attrs["metadata"]`` as above.

The data folder is ``<repository>/data``; set the environment variable
``LUNGELAB_DATA`` to use another one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataFileError, InputRangeError, LungelabError
from .trial import Trial

__all__ = [
    "data_dir",
    "REAL_DATASETS",
    "list_datasets",
    "load",
    "load_trial",
    "load_wide",
    "load_long",
    "read_synthetic",
    "read_any",
    "regenerate",
    "check",
]

REAL_DATASETS: dict[str, dict[str, Any]] = {
    "opencap-squats1": {
        "folder": "opencap-subject4-squat-sts", "markers": "squats1.trc",
        "forces": "squats1_grf.mot", "movement": "squat",
        "description": "5 bilateral bodyweight squats, OpenCap validation subject 4 (inferred), "
                       "marker mocap 100 Hz, one force plate per foot",
        "licence": "BSD-style (nimblephysics repository); see SOURCE.md",
    },
    "opencap-sts1": {
        "folder": "opencap-subject4-squat-sts", "markers": "STS1.trc",
        "forces": "STS1_grf.mot", "movement": "sit_to_stand",
        "description": "repeated sit-to-stand, same subject and setup",
        "licence": "BSD-style (nimblephysics repository); see SOURCE.md",
    },
    "opensim-gait": {
        "folder": "opensim-gait-subject01", "markers": "subject01_walk1.trc",
        "forces": "subject01_walk1_grf.mot", "movement": "walking",
        "description": "OpenSim example subject01, one walking trial, markers 60 Hz, "
                       "GRF 600 Hz",
        "licence": "CC BY 3.0 (inferred, OpenSim models); see SOURCE.md",
    },
    "bmc-gait-c3d": {
        "folder": "bmc-winter-isb", "markers": "Gait.c3d", "forces": None,
        "movement": "walking",
        "description": "BMClab gait trial, 33 markers 100 Hz, 2 force plates 1000 Hz (C3D)",
        "licence": "CC BY 4.0 (BMClab/BMC repository); see SOURCE.md",
    },
}
"""Real recordings in ``data/real``: marker file, force file (read together) and what
they show.  Names are keys for :func:`load`."""


def data_dir() -> Path:
    """The data folder: ``$LUNGELAB_DATA`` or ``<repository>/data``."""
    env = os.environ.get("LUNGELAB_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1] / "data"


# ----------------------------------------------------------------------------- reading
def _header(path: Path) -> tuple[dict[str, Any], int]:
    """JSON comment lines of a lungelab CSV and the number of header lines."""
    from .io._common import MAX_LINE_BYTES, check_regular_file

    check_regular_file(path)
    try:
        return _header_lines(path, MAX_LINE_BYTES)
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not valid UTF-8 text (byte offset {exc.start})") from exc
    except OSError as exc:
        raise DataFileError(path, f"cannot read the file: {exc.strerror or exc}") from exc


def _header_lines(path: Path, max_line: int) -> tuple[dict[str, Any], int]:
    info: dict[str, Any] = {}
    n = 0
    with open(path, encoding="utf-8") as fh:
        while line := fh.readline(max_line + 1):
            if not line.startswith("#"):
                break
            if len(line) > max_line:
                raise DataFileError(path, f"comment line longer than {max_line} "
                                    "characters", line=n + 1)
            n += 1
            key, sep, value = line[1:].strip().partition(":")
            if not sep:
                raise DataFileError(path, "comment lines must be '# key: value'", line=n)
            try:
                info[key.strip()] = json.loads(value)
            except (ValueError, RecursionError) as exc:
                raise DataFileError(path, f"invalid JSON: {exc}", line=n,
                                    field=key.strip()) from exc
    return info, n


def _is_synthetic(path: Path) -> bool:
    if path.suffix.lower() != ".csv":
        return False
    try:
        info, _ = _header(path)
    except (DataFileError, OSError, UnicodeDecodeError):
        return False
    return isinstance(info.get("metadata"), dict) and bool(info["metadata"].get("synthetic"))


def read_synthetic(path: str | os.PathLike[str]) -> Trial:
    """Read a SYNTHETIC trial written by :mod:`lungelab.synthetic` (fast, with pandas).

    The files store x and y of each point in mm (planar data); the returned trial has
    points in m with z = 0, forces in N, centres of pressure converted from mm to m,
    the events and the metadata of the header.

    Raises
    ------
    DataFileError
        Missing or malformed file, or a row count that disagrees with the header.
    """
    p = Path(path)
    info, skip = _header(p)
    meta = info.get("metadata")
    if not isinstance(meta, dict) or "points_2d" not in meta:
        raise DataFileError(p, "not a lungelab synthetic trial (no metadata.points_2d)")
    if not (isinstance(meta["points_2d"], list)
            and all(isinstance(x, str) for x in meta["points_2d"])):
        raise DataFileError(p, "metadata.points_2d must be a list of point names",
                            field="metadata")
    try:
        df = pd.read_csv(p, skiprows=skip)
    except (ValueError, pd.errors.ParserError) as exc:
        raise DataFileError(p, f"malformed CSV: {exc}") from exc
    if "rows" in info and info["rows"] != len(df):
        raise DataFileError(p, f"header says rows={info['rows']} but the file has {len(df)}")
    cols = {}
    for label in df.columns:
        name, _, unit = str(label).partition(" [")
        cols[name] = (label, unit.rstrip("]"))
    if "time_s" not in cols:
        raise DataFileError(p, "no time_s column", field="time_s")
    if cols["time_s"][1] not in ("", "s"):
        raise DataFileError(p, f"time must be in seconds, the column says "
                            f"{cols['time_s'][1]!r}", field=str(cols["time_s"][0]))
    try:
        time = df[cols["time_s"][0]].to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataFileError(p, f"non-numeric time ({exc})", field="time_s") from None
    points = {}
    used = {"time_s"}
    from .io._common import LENGTH_UNITS

    for name in meta["points_2d"]:
        try:
            (lx, ux), (ly, uy) = (cols[f"{name}_{a}"] for a in "xy")
        except KeyError:
            raise DataFileError(p, f"point {name!r} lacks its _x/_y columns",
                                field=name) from None
        for label, unit in ((lx, ux), (ly, uy)):
            # the generator writes mm; a column label with another unit is honoured
            if (unit or "mm") not in LENGTH_UNITS:
                raise DataFileError(p, f"point coordinates must be in a length unit "
                                    f"({', '.join(LENGTH_UNITS)}), found {unit!r}",
                                    field=str(label))
        try:
            x, y = (df[label].to_numpy(dtype=float) * LENGTH_UNITS[unit or "mm"]
                    for label, unit in ((lx, ux), (ly, uy)))
        except (TypeError, ValueError) as exc:
            raise DataFileError(p, f"point {name!r}: non-numeric coordinates ({exc})",
                                field=name) from None
        points[name] = np.column_stack([x, y, np.zeros_like(x)])
        used |= {f"{name}_x", f"{name}_y"}
    analogs, units = {}, {}
    for name, (label, unit) in cols.items():
        if name in used:
            continue
        try:
            values = df[label].to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise DataFileError(p, f"non-numeric values ({exc})", field=str(label)) from None
        if unit == "mm":
            values, unit = values / 1000.0, "m"
        analogs[name], units[name] = values, unit
    meta = {k: v for k, v in meta.items() if k != "points_2d"}
    meta.update(source=str(p), format="lungelab-synthetic-csv")
    try:
        events = [(float(t), str(n)) for t, n in info.get("events", [])]
        return Trial(time, points=points, analogs=analogs, units=units, events=events,
                     rate_hz=info.get("rate_hz"), metadata=meta, copy=False)
    except DataFileError:
        raise
    except (LungelabError, TypeError, ValueError) as exc:
        raise DataFileError(p, f"inconsistent content: {exc}") from exc


def _promote_planar_points(trial: Trial) -> Trial:
    """Channels ``NAME_x``/``NAME_y`` in a length unit (no z) become points with z = 0."""
    from .io._common import LENGTH_UNITS

    names = trial.analog_names
    pairs = []
    for name in names:
        if name.endswith("_x") and f"{name[:-2]}_y" in names and f"{name[:-2]}_z" not in names:
            base = name[:-2]
            ux, uy = trial.units.get(name, ""), trial.units.get(f"{base}_y", "")
            if ux == uy and ux in LENGTH_UNITS:
                pairs.append((base, LENGTH_UNITS[ux]))
    if not pairs or not trial.same_time_base:
        return trial
    points = {n: trial.points[n].to_numpy() for n in trial.point_names}
    drop = set()
    for base, scale in pairs:
        x = trial.analogs[f"{base}_x"].to_numpy() * scale
        y = trial.analogs[f"{base}_y"].to_numpy() * scale
        points[base] = np.column_stack([x, y, np.zeros_like(x)])
        drop |= {f"{base}_x", f"{base}_y"}
    analogs = {n: trial.analogs[n].to_numpy() for n in names if n not in drop}
    units = {n: u for n, u in trial.units.items() if n in analogs}
    return Trial(trial.time, points=points, analogs=analogs, units=units,
                 events=trial.events, rate_hz=trial.rate_hz, metadata=trial.metadata)


def _merge_forces(markers: Trial, forces: Trial) -> Trial:
    """Marker trial plus the analog channels of a force file (own time base kept)."""
    meta = dict(markers.metadata)
    meta["force_source"] = forces.metadata.get("source")
    units = {n: u for n, u in markers.units.items() if n in markers.analog_names}
    units.update(forces.units)
    clash = set(markers.analog_names) & set(forces.analog_names)
    if clash:
        raise DataFileError(forces.metadata.get("source", "forces"),
                            f"channels {sorted(clash)} are in both files")
    if markers.analog_names:
        raise DataFileError(markers.metadata.get("source", "markers"),
                            "the marker file already holds analog channels")
    same = len(forces.time) == len(markers.time) and np.allclose(forces.time, markers.time,
                                                                 atol=1e-6)
    kwargs: dict[str, Any] = {}
    if not same:
        kwargs = {"analog_time": forces.time, "analog_rate_hz": forces.rate_hz}
    return Trial(markers.time, points=markers.points, analogs=forces.analogs, units=units,
                 events=markers.events + forces.events, rate_hz=markers.rate_hz,
                 metadata=meta, **kwargs)


def read_any(path: str | os.PathLike[str], *, forces: str | os.PathLike[str] | None = None
             ) -> Trial:
    """Read any supported motion file, with its force file when there is one.

    * SYNTHETIC lunge CSVs (:func:`read_synthetic`);
    * every format of :func:`lungelab.io.read` (C3D, TRC, MOT/STO, lungelab CSV);
      planar point channels ``NAME_x``/``NAME_y`` (length units, no ``_z``) become
      points with z = 0;
    * a TRC marker file is merged with its ground reactions: ``forces`` if given, else
      ``<stem>_grf.mot`` next to it (the OpenSim/OpenCap convention) if it exists.

    Raises
    ------
    DataFileError
        Unreadable or malformed file (message names the file).
    """
    from . import io

    p = Path(path)
    if _is_synthetic(p):
        trial = read_synthetic(p)
    else:
        trial = _promote_planar_points(io.read(p))
    fpath = Path(forces) if forces is not None else None
    if fpath is None and p.suffix.lower() == ".trc":
        for cand in (p.with_name(f"{p.stem}_grf.mot"), p.with_name(f"{p.stem}_grf.sto")):
            if cand.exists():
                fpath = cand
                break
    if fpath is not None:
        trial = _merge_forces(trial, io.read(fpath))
    return trial


# ----------------------------------------------------------------------------- catalogue
def list_datasets(kind: str | None = None) -> pd.DataFrame:
    """What is in ``data/``.

    Parameters
    ----------
    kind : {"synthetic", "real"}, optional
        Only one kind.

    Returns
    -------
    pandas.DataFrame
        One row per dataset, index ``name`` (what :func:`load` takes): ``kind``,
        ``movement``, ``variant``, ``subject_id``, ``sex``, ``mass_kg``, ``height_m``,
        ``reps_right``, ``reps_left``, ``rate_hz``, ``path``, ``description``,
        ``licence``.  Synthetic rows come from ``data/synthetic/manifest.csv``.
    """
    if kind not in (None, "synthetic", "real"):
        raise InputRangeError("kind", kind, "'synthetic', 'real' or None")
    rows = []
    root = data_dir()
    if kind in (None, "synthetic"):
        man = root / "synthetic" / "manifest.csv"
        if man.exists():
            from .synthetic import VARIANTS

            for r in pd.read_csv(man).to_dict("records"):
                v = VARIANTS.get(r["variant"])
                rows.append({
                    "name": Path(r["file"]).stem, "kind": "synthetic",
                    "movement": f"{r['direction']}_lunge", "variant": r["variant"],
                    "subject_id": r["subject_id"], "sex": r["sex"], "mass_kg": r["mass_kg"],
                    "height_m": r["height_m"], "reps_right": r["reps_right"],
                    "reps_left": r["reps_left"], "rate_hz": r["rate_hz"],
                    "path": str(root / "synthetic" / r["file"]),
                    "description": "SYNTHETIC: " + (v.description if v else ""),
                    "licence": "generated by lungelab (MIT)",
                })
    if kind in (None, "real"):
        for name, spec in REAL_DATASETS.items():
            path = root / "real" / spec["folder"] / spec["markers"]
            if not path.exists():
                continue
            rows.append({"name": name, "kind": "real", "movement": spec["movement"],
                         "variant": None, "subject_id": spec["folder"], "sex": None,
                         "mass_kg": np.nan, "height_m": np.nan, "reps_right": np.nan,
                         "reps_left": np.nan, "rate_hz": np.nan, "path": str(path),
                         "description": spec["description"], "licence": spec["licence"]})
    cols = ["name", "kind", "movement", "variant", "subject_id", "sex", "mass_kg", "height_m",
            "reps_right", "reps_left", "rate_hz", "path", "description", "licence"]
    return pd.DataFrame(rows, columns=cols).set_index("name")


def _resolve(name: str | os.PathLike[str]) -> tuple[Path, Path | None]:
    text = str(name)
    if text in REAL_DATASETS:
        spec = REAL_DATASETS[text]
        folder = data_dir() / "real" / spec["folder"]
        return folder / spec["markers"], (folder / spec["forces"] if spec["forces"] else None)
    syn = data_dir() / "synthetic" / f"{text}.csv"
    if syn.exists():
        return syn, None
    p = Path(text)
    if p.exists():
        return p, None
    known = sorted(list(REAL_DATASETS) + [q.stem for q in
                                            (data_dir() / "synthetic").glob("*_*_*.csv")])
    raise InputRangeError("name", text, "a dataset name or an existing file",
                          f"known: {', '.join(known[:8])}, ... (see list_datasets())")


def load(name: str | os.PathLike[str], form: str = "trial") -> Trial | pd.DataFrame:
    """Load a dataset (a name from :func:`list_datasets`, or a file path).

    Parameters
    ----------
    name : str or path
        ``"S01_backward_good"``, ``"opencap-squats1"``, ... or a file.
    form : {"trial", "wide", "long"}
        See the module docstring.

    Returns
    -------
    Trial or pandas.DataFrame
    """
    if form not in ("trial", "wide", "long"):
        raise InputRangeError("form", form, "'trial', 'wide' or 'long'")
    markers, forces = _resolve(name)
    trial = read_any(markers, forces=forces)
    if form == "trial":
        return trial
    if form == "wide":
        df = trial.to_wide()
        units = {}
        for col in df.columns:
            base, _, axis = str(col).rpartition("_")
            units[col] = "m" if axis in ("x", "y", "z") and base in trial.point_names \
                else trial.units.get(col, "")
        df.attrs["units"] = units
    else:
        df = trial.to_long()
    df.attrs["metadata"] = dict(trial.metadata)
    return df


def load_trial(name: str | os.PathLike[str]) -> Trial:
    """:func:`load` with ``form="trial"``."""
    return load(name, "trial")  # type: ignore[return-value]


def load_wide(name: str | os.PathLike[str]) -> pd.DataFrame:
    """:func:`load` with ``form="wide"``."""
    return load(name, "wide")  # type: ignore[return-value]


def load_long(name: str | os.PathLike[str]) -> pd.DataFrame:
    """:func:`load` with ``form="long"``."""
    return load(name, "long")  # type: ignore[return-value]


# ----------------------------------------------------------------------------- regenerate
def regenerate(out_dir: str | os.PathLike[str] | None = None,
               names: list[str] | None = None,
               progress: Callable[[str], None] | None = None) -> list[Path]:
    """Regenerate the SYNTHETIC files deterministically (see :mod:`lungelab.synthetic`).

    Parameters
    ----------
    out_dir : path, optional
        Default ``data/synthetic``.
    names : list of str, optional
        Trial names (e.g. ``["S01_backward_good"]``); default all (and the manifest).
    progress : callable, optional
        Called with each file name written.
    """
    from . import synthetic

    pairs = None
    if names is not None:
        table = {synthetic.trial_name(s, v): (s, v) for s, v in synthetic.DATASET}
        bad = [n for n in names if n not in table]
        if bad:
            raise InputRangeError("names", bad, f"trial names among {sorted(table)}")
        pairs = [table[n] for n in names]
    target = Path(out_dir) if out_dir is not None else data_dir() / "synthetic"
    return synthetic.write_dataset(target, pairs, progress)


def check(names: list[str] | None = None) -> list[str]:
    """Differences between the stored SYNTHETIC files and a fresh regeneration
    (empty list: identical)."""
    from . import synthetic

    pairs = None
    if names is not None:
        table = {synthetic.trial_name(s, v): (s, v) for s, v in synthetic.DATASET}
        pairs = [table[n] for n in names]
    return synthetic.check_dataset(data_dir() / "synthetic", pairs)
