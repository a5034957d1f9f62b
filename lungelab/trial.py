"""A motion-capture trial: marker trajectories, analog channels and events.

:class:`Trial` is the container every reader in :mod:`lungelab.io` returns and
every writer accepts.  It is inspired by Kinetics Toolkit's ``TimeSeries`` but
sits directly on :mod:`pandas`.

Conventions
-----------
* **Time** is in seconds.  It is stored as the index (named ``"time_s"``) of
  both data frames and is also available as the array :attr:`Trial.time`.
* **Points** (markers, joint centres) are in **metres**, in a
  :class:`pandas.DataFrame` whose columns are a two-level
  :class:`pandas.MultiIndex` ``(name, axis)`` with level names
  ``("name", "axis")`` and axes ``"x"``, ``"y"``, ``"z"`` in that order, e.g.
  ``trial.points["RKNE"]`` is an ``(n_frames, 3)`` frame and
  ``trial.points[("RKNE", "z")]`` a single coordinate.  Planar (2-D) data have
  ``z = 0``.  The *flat* naming used by :meth:`Trial.to_wide` and the CSV format
  is ``NAME_x``, ``NAME_y``, ``NAME_z``.
* **Analogs** (alias **forces**) are scalar channels in a flat
  :class:`pandas.DataFrame` (one column per channel): ground reaction forces
  (N), moments (``"N.m"``), centre of pressure (m), joint angles (``"deg"`` or
  ``"rad"``), EMG (``"V"``) ...  They may be sampled on their own time base
  (:attr:`Trial.analog_time`, e.g. 1000 Hz force plates next to 100 Hz markers).
* **Units** are strings in a ``{channel: unit}`` dict, one entry per marker
  (always ``"m"``) and per analog channel (``""`` when unknown).  Unit strings
  follow UCUM-like ASCII spelling: ``"m"``, ``"N"``, ``"N.m"``, ``"deg"``,
  ``"rad"``, ``"V"``, ``"s"``.
* **Events** are a time-sorted list of ``(time_s, name)`` tuples.
* **Metadata** is a JSON-like dict.  Keys used by lungelab: ``"source"`` (file
  read), ``"format"``, ``"subject_mass_kg"``, ``"subject_height_m"``.

Every method returns a new, independent trial; the constructor copies its
inputs unless ``copy=False``.
"""

from __future__ import annotations

import copy as _copy
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lungelab.errors import DataFileError, InputRangeError, MissingChannelError

__all__ = ["AXES", "Trial"]

#: Coordinate axes of a point, in column order.
AXES: tuple[str, str, str] = ("x", "y", "z")

_TIME_NAME = "time_s"


def _time_index(time: np.ndarray) -> pd.Index:
    return pd.Index(time, name=_TIME_NAME, dtype="float64")


def _empty_points(time: np.ndarray) -> pd.DataFrame:
    cols = pd.MultiIndex.from_arrays([[], []], names=["name", "axis"])
    return pd.DataFrame(np.empty((len(time), 0)), index=_time_index(time), columns=cols)


def _as_time(values: Any, name: str) -> np.ndarray:
    try:
        arr = np.array(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputRangeError(name, values, "a 1-D array of times in seconds") from exc
    if arr.ndim != 1:
        raise InputRangeError(name, f"array of shape {arr.shape}",
                              "a 1-D array of times in seconds")
    return arr


def _estimate_rate(time: np.ndarray) -> float:
    """Mean sampling rate ``(n - 1) / (t_last - t_first)`` in Hz (NaN if undefined)."""
    if len(time) < 2 or not np.all(np.isfinite(time[[0, -1]])) or time[-1] <= time[0]:
        return math.nan
    return float((len(time) - 1) / (time[-1] - time[0]))


def _float_array(name: str, value: Any, valid: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InputRangeError(name, type(value).__name__, valid) from exc


def _points_frame(points: Any, n: int) -> pd.DataFrame:
    """Normalise the accepted point inputs to a float frame with (name, axis) columns."""
    if isinstance(points, Mapping):
        arrays = {}
        for name, value in points.items():
            arr = _float_array(f"points[{name!r}]", value, "numbers (metres)")
            if arr.shape != (n, 3):
                raise InputRangeError(f"points[{name!r}]", f"array of shape {arr.shape}",
                                      f"shape ({n}, 3) (x, y, z in metres per frame)")
            arrays[str(name)] = arr
        data = np.concatenate(list(arrays.values()), axis=1) if arrays else np.empty((n, 0))
        cols = pd.MultiIndex.from_product([list(arrays), list(AXES)], names=["name", "axis"])
        return pd.DataFrame(data, columns=cols)
    if not isinstance(points, pd.DataFrame):
        raise InputRangeError("points", type(points).__name__,
                              "a DataFrame with (name, axis) columns or a dict name -> (n, 3)")
    if isinstance(points.columns, pd.MultiIndex):
        if points.columns.nlevels != 2:
            raise InputRangeError("points.columns", f"{points.columns.nlevels} levels",
                                  "2 levels (name, axis)")
        names = list(dict.fromkeys(str(c[0]) for c in points.columns))
        keys = {(str(a), str(b)): (a, b) for a, b in points.columns}
    else:
        names = []
        keys = {}
        for col in points.columns:
            text = str(col)
            base, sep, axis = text.rpartition("_")
            if not sep or axis not in AXES or not base:
                raise InputRangeError("points.columns", text,
                                      "flat names NAME_x, NAME_y, NAME_z or a (name, axis) "
                                      "MultiIndex")
            if base not in names:
                names.append(base)
            keys[(base, axis)] = col
    if len(keys) != len(points.columns):
        raise InputRangeError("points.columns", "duplicated columns", "unique (name, axis) pairs")
    ordered = []
    for name in names:
        for axis in AXES:
            if (name, axis) not in keys:
                raise InputRangeError("points.columns", f"{name!r} without axis {axis!r}",
                                      "each point with exactly the axes x, y and z")
            ordered.append(keys[(name, axis)])
    if len(ordered) != len(points.columns):
        raise InputRangeError("points.columns", list(map(str, points.columns)),
                              "only the axes x, y and z")
    try:
        data = np.array(points[ordered].to_numpy(), dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputRangeError("points", "non-numeric values", "numbers (metres)") from exc
    cols = pd.MultiIndex.from_product([names, list(AXES)], names=["name", "axis"])
    return pd.DataFrame(data, columns=cols)


def _analogs_frame(analogs: Any, n: int) -> pd.DataFrame:
    if isinstance(analogs, Mapping):
        cols = {}
        for name, value in analogs.items():
            arr = _float_array(f"analogs[{name!r}]", value, "numbers")
            if arr.shape != (n,):
                raise InputRangeError(f"analogs[{name!r}]", f"array of shape {arr.shape}",
                                      f"shape ({n},)")
            cols[str(name)] = arr
        data = np.column_stack(list(cols.values())) if cols else np.empty((n, 0))
        return pd.DataFrame(data, columns=list(cols))
    if not isinstance(analogs, pd.DataFrame):
        raise InputRangeError("analogs", type(analogs).__name__,
                              "a DataFrame or a dict name -> 1-D array")
    if isinstance(analogs.columns, pd.MultiIndex):
        raise InputRangeError("analogs.columns", "a MultiIndex", "flat channel names")
    names = [str(c) for c in analogs.columns]
    if len(set(names)) != len(names):
        dup = sorted({c for c in names if names.count(c) > 1})
        raise InputRangeError("analogs.columns", dup, "unique channel names")
    try:
        data = np.array(analogs.to_numpy(), dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputRangeError("analogs", "non-numeric values", "numbers") from exc
    return pd.DataFrame(data.reshape(n, len(names)), columns=names)


def _nan_runs(values: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` index pairs (stop exclusive) of the runs of NaN in ``values``."""
    isnan = np.isnan(values).astype(np.int8)
    edges = np.diff(np.concatenate(([0], isnan, [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                    strict=True))


class Trial:
    """Marker trajectories, analog channels and events of one recording.

    Parameters
    ----------
    time : array_like of float, shape (n_frames,), optional
        Frame times of the points, in seconds.  Should be finite and strictly
        increasing (see :meth:`check`).  If omitted, the index of ``points`` (or
        of ``analogs``) is used.
    points : DataFrame or mapping, optional
        Point coordinates in metres: a frame with ``(name, axis)`` MultiIndex
        columns, a frame with flat ``NAME_x``/``NAME_y``/``NAME_z`` columns, or a
        mapping ``name -> array of shape (n_frames, 3)``.  The index of a frame
        is ignored when ``time`` is given.
    analogs : DataFrame or mapping, optional
        Scalar channels (forces in N, moments in N.m, centre of pressure in m,
        angles, EMG ...), one column per channel, sampled at ``analog_time``.
    analog_time : array_like of float, optional
        Sample times of ``analogs`` in seconds.  Default: ``time``.
    events : iterable of (float, str), optional
        Events as ``(time_s, name)`` pairs; stored sorted by time.
    units : mapping of str to str, optional
        Unit per channel (marker or analog name).  Markers are always ``"m"``;
        analog channels default to ``""`` (unknown).
    rate_hz : float, optional
        Point sampling rate in Hz.  Default: estimated as
        ``(n - 1) / (t[-1] - t[0])`` (NaN with fewer than two frames).
    analog_rate_hz : float, optional
        Analog sampling rate in Hz.  Default: ``rate_hz`` when the analogs share
        the point time base, else estimated from ``analog_time``.
    metadata : mapping, optional
        Free JSON-like information (``"subject_mass_kg"``, ``"source"`` ...).
    copy : bool, default True
        Copy the inputs.  With ``False`` the arrays may be shared with the
        caller.

    Raises
    ------
    InputRangeError
        If shapes, column names, units or rates are inconsistent.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(3) / 100.0
    >>> trial = Trial(t, points={"RKNE": np.zeros((3, 3))},
    ...               analogs={"Fz": [700.0, 701.0, 699.0]}, units={"Fz": "N"})
    >>> trial.points["RKNE"].shape
    (3, 3)
    >>> trial.units["Fz"], trial.rate_hz
    ('N', 100.0)
    """

    def __init__(
        self,
        time: Any = None,
        points: Any = None,
        analogs: Any = None,
        *,
        analog_time: Any = None,
        events: Iterable[tuple[float, str]] | None = None,
        units: Mapping[str, str] | None = None,
        rate_hz: float | None = None,
        analog_rate_hz: float | None = None,
        metadata: Mapping[str, Any] | None = None,
        copy: bool = True,
    ) -> None:
        if time is None:
            source = points if isinstance(points, pd.DataFrame) else analogs
            if not isinstance(source, pd.DataFrame):
                raise InputRangeError("time", None, "an array of times in seconds (or a "
                                      "DataFrame indexed by time)")
            time = source.index.to_numpy()
        t = _as_time(time, "time")
        if copy:
            t = t.copy()
        n = len(t)

        if points is None:
            pts = _empty_points(t)
        else:
            if isinstance(points, pd.DataFrame) and len(points) != n:
                raise InputRangeError("points", f"{len(points)} rows", f"{n} rows (len(time))")
            pts = _points_frame(points, n)
            pts.index = _time_index(t)

        if analog_time is None:
            at = t
        else:
            at = _as_time(analog_time, "analog_time")
            if copy:
                at = at.copy()
        if analogs is None:
            ana = pd.DataFrame(np.empty((len(at), 0)), index=_time_index(at))
        else:
            if isinstance(analogs, pd.DataFrame) and len(analogs) != len(at):
                raise InputRangeError("analogs", f"{len(analogs)} rows",
                                      f"{len(at)} rows (len(analog_time))")
            ana = _analogs_frame(analogs, len(at))
            ana.index = _time_index(at)

        names = list(dict.fromkeys(pts.columns.get_level_values(0)))
        clash = set(names) & set(ana.columns)
        if clash:
            raise InputRangeError("analogs.columns", sorted(clash),
                                  "names different from the point names")

        unit_map: dict[str, str] = {name: "m" for name in names}
        unit_map.update({name: "" for name in ana.columns})
        if units is not None and not isinstance(units, Mapping):
            raise InputRangeError("units", type(units).__name__, "a mapping channel -> unit")
        for key, value in (units or {}).items():
            if key not in unit_map:
                raise InputRangeError("units", key, "keys that are point or analog channel names")
            if not isinstance(value, str):
                raise InputRangeError(f"units[{key!r}]", value, "a unit string such as 'N'")
            if key in names and value != "m":
                raise InputRangeError(f"units[{key!r}]", value, "'m' (points are stored in "
                                      "metres)", hint="convert the coordinates to metres")
            unit_map[key] = value

        ev = []
        if events is not None and (isinstance(events, (str, bytes, Mapping))
                                   or not isinstance(events, Iterable)):
            raise InputRangeError("events", type(events).__name__, "a list of (time_s, name)")
        for item in events or ():
            try:
                ev_time, ev_name = item
                ev_time = float(ev_time)
            except (TypeError, ValueError) as exc:
                raise InputRangeError("events", item, "(time_s, name) pairs") from exc
            if not math.isfinite(ev_time) or not isinstance(ev_name, str):
                raise InputRangeError("events", item, "(finite time in s, name string) pairs")
            ev.append((ev_time, ev_name))
        ev.sort(key=lambda e: e[0])

        self._time = t
        self._analog_time = at
        self._points = pts
        self._analogs = ana
        self._units = unit_map
        self._events = ev
        self._rate_hz = self._check_rate("rate_hz", rate_hz, t)
        if analog_rate_hz is None and (at is t or np.array_equal(at, t)):
            self._analog_rate_hz = self._rate_hz
        else:
            self._analog_rate_hz = self._check_rate("analog_rate_hz", analog_rate_hz, at)
        if metadata is not None and not isinstance(metadata, Mapping):
            raise InputRangeError("metadata", type(metadata).__name__, "a mapping (dict)")
        self.metadata: dict[str, Any] = (_copy.deepcopy(dict(metadata)) if metadata and copy
                                         else dict(metadata or {}))

    @staticmethod
    def _check_rate(name: str, value: float | None, time: np.ndarray) -> float:
        if value is None:
            return _estimate_rate(time)
        try:
            rate = float(value)
        except (TypeError, ValueError) as exc:
            raise InputRangeError(name, value, "a positive finite rate in Hz") from exc
        if not (math.isfinite(rate) and rate > 0):
            raise InputRangeError(name, value, "a positive finite rate in Hz")
        return rate

    # ------------------------------------------------------------------ access
    @property
    def time(self) -> np.ndarray:
        """Point frame times in s, shape (n_frames,) (a read-only view)."""
        view = self._time.view()
        view.flags.writeable = False
        return view

    @property
    def analog_time(self) -> np.ndarray:
        """Analog sample times in s, shape (n_samples,) (a read-only view)."""
        view = self._analog_time.view()
        view.flags.writeable = False
        return view

    @property
    def points(self) -> pd.DataFrame:
        """Point coordinates in m; columns ``(name, axis)``, index time in s."""
        return self._points

    @property
    def analogs(self) -> pd.DataFrame:
        """Analog channels (one column each); index :attr:`analog_time` in s."""
        return self._analogs

    @property
    def forces(self) -> pd.DataFrame:
        """Alias of :attr:`analogs` (force-plate and other analog channels)."""
        return self._analogs

    @property
    def units(self) -> dict[str, str]:
        """``{channel: unit}`` for every marker (``"m"``) and analog channel."""
        return self._units

    @property
    def events(self) -> list[tuple[float, str]]:
        """Events as a time-sorted list of ``(time_s, name)``."""
        return self._events

    @property
    def rate_hz(self) -> float:
        """Point sampling rate in Hz (NaN when undefined)."""
        return self._rate_hz

    @property
    def analog_rate_hz(self) -> float:
        """Analog sampling rate in Hz (NaN when undefined)."""
        return self._analog_rate_hz

    @property
    def n_frames(self) -> int:
        """Number of point frames."""
        return len(self._time)

    @property
    def point_names(self) -> list[str]:
        """Names of the points, in column order."""
        return list(dict.fromkeys(self._points.columns.get_level_values(0)))

    @property
    def analog_names(self) -> list[str]:
        """Names of the analog channels, in column order."""
        return list(self._analogs.columns)

    @property
    def same_time_base(self) -> bool:
        """True if points and analogs share one time vector."""
        return self._analog_time is self._time or np.array_equal(self._analog_time, self._time)

    @property
    def source(self) -> str:
        """``metadata["source"]`` (file the trial came from) or ``"<Trial>"``."""
        return str(self.metadata.get("source", "<Trial>"))

    def point(self, name: str) -> np.ndarray:
        """Coordinates of one point in m.

        Parameters
        ----------
        name : str
            Point name.

        Returns
        -------
        ndarray, shape (n_frames, 3)
            x, y, z in metres (a copy).

        Raises
        ------
        MissingChannelError
            If the trial has no such point.
        """
        if name not in self.point_names:
            raise MissingChannelError(self.source, f"no point named {name!r}; available: "
                                      f"{', '.join(self.point_names) or 'none'}", field=name)
        return self._points[name].to_numpy(dtype=float, copy=True)

    def analog(self, name: str) -> np.ndarray:
        """Samples of one analog channel (a copy), in ``units[name]``.

        Raises
        ------
        MissingChannelError
            If the trial has no such channel.
        """
        if name not in self._analogs.columns:
            raise MissingChannelError(self.source, f"no analog channel named {name!r}; "
                                      f"available: {', '.join(self.analog_names) or 'none'}",
                                      field=name)
        return self._analogs[name].to_numpy(dtype=float, copy=True)

    # --------------------------------------------------------------- transforms
    def copy(self) -> Trial:
        """Return an independent deep copy."""
        return self._replace()

    def _replace(self, **changes: Any) -> Trial:
        kwargs: dict[str, Any] = {
            "time": self._time,
            "points": self._points,
            "analogs": self._analogs,
            "analog_time": None if self.same_time_base else self._analog_time,
            "events": self._events,
            "units": self._units,
            "rate_hz": None if math.isnan(self._rate_hz) else self._rate_hz,
            "analog_rate_hz": (None if math.isnan(self._analog_rate_hz)
                               else self._analog_rate_hz),
            "metadata": self.metadata,
        }
        kwargs.update(changes)
        units = kwargs["units"]
        kwargs["units"] = {
            k: v for k, v in units.items()
            if k in set(kwargs["analogs"].columns)
            or k in set(kwargs["points"].columns.get_level_values(0))
        }
        return Trial(**kwargs)

    def slice_time(self, start: float | None = None, stop: float | None = None) -> Trial:
        """Return the part of the trial with ``start <= t <= stop`` (seconds).

        Both ends are inclusive (like ``DataFrame.loc``); ``None`` means no
        bound.  Events outside the interval are dropped.
        """
        lo = -math.inf if start is None else float(start)
        hi = math.inf if stop is None else float(stop)
        if math.isnan(lo) or math.isnan(hi) or lo > hi:
            raise InputRangeError("start, stop", (start, stop), "start <= stop (seconds)")
        keep = (self._time >= lo) & (self._time <= hi)
        akeep = (self._analog_time >= lo) & (self._analog_time <= hi)
        same = self.same_time_base
        return self._replace(
            time=self._time[keep],
            points=self._points.iloc[keep],
            analogs=self._analogs.iloc[akeep],
            analog_time=None if same else self._analog_time[akeep],
            events=[e for e in self._events if lo <= e[0] <= hi],
        )

    def fill_gaps(self, max_gap_s: float, method: str = "linear", *,
                  edges: str = "keep") -> Trial:
        """Interpolate NaN gaps no longer than ``max_gap_s``.

        Each point coordinate and analog channel is processed on its own.  The
        length of a gap is the time between the valid samples that bracket it,
        ``t[after] - t[before]`` (a single missing frame at 100 Hz is a 0.02 s
        gap).

        Parameters
        ----------
        max_gap_s : float
            Longest gap to fill, in seconds (>= 0).
        method : {"linear", "cubic"}
            Linear interpolation, or a cubic spline (``scipy.interpolate.
            CubicSpline``, not-a-knot) through all valid samples of the channel
            (falls back to linear with fewer than 4 valid samples).
        edges : {"keep", "raise"}
            What to do with NaN runs at the start or end of a channel, which
            cannot be interpolated: leave them as NaN, or raise.

        Returns
        -------
        Trial
            A new trial with the gaps filled.

        Raises
        ------
        DataFileError
            If a gap is longer than ``max_gap_s`` (or touches an edge with
            ``edges="raise"``); the message names the channel and the time span
            of the missing samples.
        InputRangeError
            If an argument is invalid.
        """
        try:
            max_gap = float(max_gap_s)
        except (TypeError, ValueError) as exc:
            raise InputRangeError("max_gap_s", max_gap_s, "a duration >= 0 in seconds") from exc
        if not (math.isfinite(max_gap) and max_gap >= 0):
            raise InputRangeError("max_gap_s", max_gap_s, "a duration >= 0 in seconds")
        if method not in ("linear", "cubic"):
            raise InputRangeError("method", method, "'linear' or 'cubic'")
        if edges not in ("keep", "raise"):
            raise InputRangeError("edges", edges, "'keep' or 'raise'")
        pts = self._points.to_numpy(dtype=float, copy=True)
        ana = self._analogs.to_numpy(dtype=float, copy=True)
        labels = self._flat_point_names()
        self._fill_array(pts, self._time, labels, max_gap, method, edges)
        self._fill_array(ana, self._analog_time, self.analog_names, max_gap, method, edges)
        return self._replace(
            points=pd.DataFrame(pts, columns=self._points.columns),
            analogs=pd.DataFrame(ana, columns=self._analogs.columns),
        )

    def _fill_array(self, data: np.ndarray, time: np.ndarray, labels: Sequence[str],
                    max_gap: float, method: str, edges: str) -> None:
        tol = 1e-9 * max(1.0, max_gap)
        for j, label in enumerate(labels):
            column = data[:, j]
            runs = _nan_runs(column)
            if not runs:
                continue
            interior = []
            for start, stop in runs:
                span = f"from {time[start]:.6g} s to {time[stop - 1]:.6g} s"
                if start == 0 or stop == len(column):
                    if edges == "raise":
                        raise DataFileError(self.source, f"channel {label!r} has missing "
                                            f"samples at the {'start' if start == 0 else 'end'} "
                                            f"of the trial ({span}), which cannot be "
                                            "interpolated", field=label)
                    continue
                gap = time[stop] - time[start - 1]
                if not gap <= max_gap + tol:
                    raise DataFileError(self.source, f"channel {label!r} has a gap {span} "
                                        f"({stop - start} missing samples, {gap:.6g} s between "
                                        f"valid samples), longer than max_gap_s={max_gap:g}",
                                        field=label)
                interior.append((start, stop))
            if not interior:
                continue
            valid = ~np.isnan(column)
            tv, yv = time[valid], column[valid]
            idx = np.concatenate([np.arange(a, b) for a, b in interior])
            if method == "cubic" and len(tv) >= 4:
                from scipy.interpolate import CubicSpline

                column[idx] = CubicSpline(tv, yv)(time[idx])
            else:
                column[idx] = np.interp(time[idx], tv, yv)

    def check(self, *, allow_nan: bool = False) -> Trial:
        """Validate the trial and raise a clear error on the first problem.

        Checks, for the point and the analog time base: finite times, no
        duplicated frames (repeated time stamps), strictly increasing time; for
        every channel: no infinite values and (unless ``allow_nan``) no NaN.

        Parameters
        ----------
        allow_nan : bool, default False
            Accept NaN samples (missing markers).

        Returns
        -------
        Trial
            ``self``, to allow chaining.

        Raises
        ------
        DataFileError
            Naming the source file, the channel and the time (span) at fault.
        """
        for label, time in (("time", self._time), ("analog time", self._analog_time)):
            self._check_time(label, time)
        blocks = ((self._points.to_numpy(dtype=float), self._time, self._flat_point_names()),
                  (self._analogs.to_numpy(dtype=float), self._analog_time, self.analog_names))
        for data, time, labels in blocks:
            if data.size == 0:
                continue
            bad = np.isinf(data)
            if bad.any():
                i, j = np.argwhere(bad)[0]
                raise DataFileError(self.source, f"channel {labels[j]!r} is infinite at "
                                    f"t = {time[i]:.6g} s", field=labels[j])
            if allow_nan:
                continue
            nan_cols = np.flatnonzero(np.isnan(data).any(axis=0))
            if len(nan_cols):
                j = int(nan_cols[0])
                start, stop = _nan_runs(data[:, j])[0]
                more = (f"; {len(nan_cols) - 1} other channel(s) also have NaN"
                        if len(nan_cols) > 1 else "")
                raise DataFileError(self.source, f"channel {labels[j]!r} has a NaN gap from "
                                    f"{time[start]:.6g} s to {time[stop - 1]:.6g} s "
                                    f"({stop - start} samples){more}; use fill_gaps() or "
                                    "check(allow_nan=True)", field=labels[j])
        return self

    def _check_time(self, label: str, time: np.ndarray) -> None:
        if not np.all(np.isfinite(time)):
            i = int(np.flatnonzero(~np.isfinite(time))[0])
            raise DataFileError(self.source, f"{label} is not finite at sample {i} "
                                f"({time[i]!r})", field=label)
        step = np.diff(time)
        if np.any(step == 0):
            i = int(np.flatnonzero(step == 0)[0])
            raise DataFileError(self.source, f"duplicated frame: {label} {time[i]:.9g} s "
                                f"occurs at samples {i} and {i + 1}", field=label)
        if np.any(step < 0):
            i = int(np.flatnonzero(step < 0)[0])
            raise DataFileError(self.source, f"{label} is not monotonic: {time[i + 1]:.9g} s "
                                f"at sample {i + 1} follows {time[i]:.9g} s", field=label)

    # ------------------------------------------------------------ conversions
    def _flat_point_names(self) -> list[str]:
        return [f"{name}_{axis}" for name, axis in self._points.columns]

    def to_wide(self) -> pd.DataFrame:
        """All channels in one frame with flat column names.

        Points become ``NAME_x``, ``NAME_y``, ``NAME_z`` (m); analog channels
        keep their names.  The index is the time in s (``"time_s"``).  If the
        analogs have their own time base, the union of both time bases is used
        and samples a stream does not have are NaN.

        Raises
        ------
        InputRangeError
            If a flat point name collides with an analog channel name.
        """
        pts = self._points.copy()
        pts.columns = pd.Index(self._flat_point_names())
        clash = set(pts.columns) & set(self._analogs.columns)
        if clash:
            raise InputRangeError("analogs.columns", sorted(clash),
                                  "names that do not collide with NAME_x/_y/_z point columns")
        if self.same_time_base:
            wide = pd.concat([pts, self._analogs], axis=1)
        else:
            wide = pd.concat([pts, self._analogs], axis=1, join="outer", sort=True)
        wide.index.name = _TIME_NAME
        return wide

    def to_long(self) -> pd.DataFrame:
        """Tidy long form with one row per sample.

        Returns
        -------
        DataFrame
            Columns ``time`` (s), ``channel`` (point or analog name),
            ``component`` (``"x"``, ``"y"``, ``"z"`` for points, ``""`` for analog
            channels), ``value`` (float) and ``unit``.  Rows are grouped by
            channel and component, in time order.
        """
        parts = []
        for frame, time, names, comps in (
            (self._points, self._time, self._points.columns.get_level_values(0),
             self._points.columns.get_level_values(1)),
            (self._analogs, self._analog_time, self._analogs.columns,
             [""] * self._analogs.shape[1]),
        ):
            values = frame.to_numpy(dtype=float)
            n, m = values.shape
            names = np.asarray(list(names), dtype=object)
            parts.append(pd.DataFrame({
                "time": np.tile(time, m),
                "channel": np.repeat(names, n),
                "component": np.repeat(np.asarray(list(comps), dtype=object), n),
                "value": values.ravel(order="F"),
                "unit": np.repeat(np.asarray([self._units[c] for c in names], dtype=object),
                                  n),
            }))
        return pd.concat(parts, ignore_index=True)

    @classmethod
    def from_wide(
        cls,
        wide: pd.DataFrame,
        *,
        points: Sequence[str] | None = None,
        units: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Trial:
        """Build a trial from a wide frame indexed by time (inverse of :meth:`to_wide`).

        Parameters
        ----------
        wide : DataFrame
            Index: time in s; columns: ``NAME_x``/``_y``/``_z`` point
            coordinates in m and analog channels.
        points : sequence of str, optional
            Names of the points.  Default: every ``NAME`` whose ``NAME_x``,
            ``NAME_y`` and ``NAME_z`` columns all exist and whose unit (in
            ``units``, keyed by ``NAME``) is ``"m"`` or missing.
        units : mapping, optional
            Units keyed by point name or analog channel name.
        **kwargs
            Passed to :class:`Trial` (``events``, ``rate_hz``, ``metadata`` ...).
        """
        cols = [str(c) for c in wide.columns]
        units = dict(units or {})
        if points is None:
            found = []
            for col in cols:
                base, _, axis = col.rpartition("_")
                if axis == "x" and base and all(f"{base}_{a}" in cols for a in AXES):
                    if units.get(base, "m") == "m":
                        found.append(base)
            points = found
        point_cols = [f"{p}_{a}" for p in points for a in AXES]
        missing = [c for c in point_cols if c not in cols]
        if missing:
            raise InputRangeError("wide.columns", missing, "all of NAME_x, NAME_y, NAME_z for "
                                  "every point")
        analog_cols = [c for c in wide.columns if str(c) not in set(point_cols)]
        return cls(
            np.asarray(wide.index, dtype=float),
            points=wide[point_cols] if points else None,
            analogs=wide[analog_cols],
            units=units,
            **kwargs,
        )

    def __repr__(self) -> str:
        parts = [f"n_frames={self.n_frames}", f"rate_hz={self._rate_hz:g}",
                 f"points={len(self.point_names)}"]
        ana = f"analogs={self._analogs.shape[1]}"
        if not self.same_time_base:
            ana += f" @ {self._analog_rate_hz:g} Hz ({len(self._analog_time)} samples)"
        parts += [ana, f"events={len(self._events)}"]
        if "source" in self.metadata:
            parts.append(f"source={self.metadata['source']!r}")
        return f"Trial({', '.join(parts)})"
