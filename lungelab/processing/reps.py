r"""Repetition detection for lunges, squats and sit-to-stand from a 1-D depth signal.

A *repetition* is one excursion top → bottom → top of a depth-like signal: the
height of the hip or pelvis (``bottom="min"``) or the front-knee flexion angle
(``bottom="max"``).  The three events of each rep are located independently:

1. **Candidate reps (hysteresis).**  The signal is low-pass filtered
   (:func:`lungelab.processing.filters.lowpass`) and its range :math:`R` is taken.
   A reversal detector with hysteresis :math:`h = \text{min\_depth}\cdot R` tracks
   the running extreme and records a *top* only once the signal has dropped
   :math:`h` below it and a *bottom* only once it has risen :math:`h` above it.
   Wiggles smaller than :math:`h` — noise, sway while standing, shuffling on the
   seat or in the bottom position — therefore never create or split a rep, however
   long the pause, and reps of different depths are all found as long as each
   descent and ascent exceeds :math:`h`.
2. **Bottom** = the deepest sample (extremum of the filtered signal) between the
   two tops.
3. **Start** = movement onset of the descent: going back from the instant of peak
   descent speed (searched where the signal is 20–80 % of the way down, so edge
   transients of the filter cannot pose as the peak), the last sample where the
   speed is below ``onset_speed`` × that peak.  **End** = the first sample after
   the peak ascent speed where the speed drops below ``onset_speed`` × the ascent
   peak.  If noise keeps the speed above the threshold between two reps, the
   slowest sample is used.  So the length of a pause at the top does not move the
   start or end, and two reps separated by a pause never merge.  Arrival at and
   departure from the bottom are found the same way and give the hold time.
4. Reps shorter than ``min_duration_s`` or shallower than ``min_amplitude`` are
   dropped.  A rep whose start (end) falls before (after) the recording — the
   speed near the edge stays above 25 % of the phase's peak, or the recording
   starts (ends) at the bottom, as in sit-to-stand trials — is *partial*; partial
   reps are returned only with ``include_partial=True``.

A speed threshold of 5 % of peak speed is a common movement-onset criterion in
motor-control studies; for a minimum-jerk movement it fires 6 % of the movement
time after the true onset (and before the true end), which bounds the bias of the
start/end times and of the durations.

Example
-------
>>> reps = detect_reps(pelvis_height, rate_hz=100.0)            # doctest: +SKIP
>>> reps[["t_start", "t_bottom", "t_end", "depth"]]              # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from lungelab.errors import InputRangeError
from lungelab.processing._common import as_2d, check_finite, check_positive, time_vector
from lungelab.processing.filters import lowpass, min_samples

__all__ = ["detect_reps", "front_leg", "REP_COLUMNS"]

REP_COLUMNS = (
    "i_start", "i_bottom", "i_end", "t_start", "t_bottom", "t_end", "depth", "value_bottom",
    "descent_s", "hold_s", "ascent_s", "duration_s", "complete",
)
"""Columns of the DataFrame returned by :func:`detect_reps`, in order."""


_EDGE_FRACTION = 0.25
"""A rep is cut by the recording's edge if the speed near it stays above this × its peak."""


def _zigzag(s: np.ndarray, h: float) -> tuple[list[tuple[int, str]], tuple[int, str] | None]:
    """Alternating confirmed extrema of ``s`` with reversal threshold ``h``.

    Returns the confirmed extrema [(index, "top"|"bottom"), ...] and the pending
    (unconfirmed) extremum being tracked when the signal ends, if any.
    """
    ext: list[tuple[int, str]] = []
    i_max = i_min = 0
    mode = 0  # 0 undecided, -1 going down (tracking min), +1 going up (tracking max)
    for i in range(1, s.size):
        v = s[i]
        if mode == 0:
            if v > s[i_max]:
                i_max = i
            if v < s[i_min]:
                i_min = i
            if s[i_max] - v >= h:
                ext.append((i_max, "top"))
                mode, i_min = -1, i
            elif v - s[i_min] >= h:
                ext.append((i_min, "bottom"))
                mode, i_max = 1, i
        elif mode == -1:
            if v < s[i_min]:
                i_min = i
            elif v - s[i_min] >= h:
                ext.append((i_min, "bottom"))
                mode, i_max = 1, i
        else:
            if v > s[i_max]:
                i_max = i
            elif s[i_max] - v >= h:
                ext.append((i_max, "top"))
                mode, i_min = -1, i
    pending = None
    if mode == -1:
        pending = (i_min, "bottom")
    elif mode == 1:
        pending = (i_max, "top")
    return ext, pending


def _phase(s: np.ndarray, speed: np.ndarray, a: int, b: int,
           thr_frac: float) -> tuple[int | None, int | None]:
    """Onset and offset of the movement from extremum ``a`` to extremum ``b`` (a < b).

    The peak speed is taken in the core of the movement (where the signal is 20-80 %
    of the way from ``s[a]`` to ``s[b]``), so filter transients at the recording's
    edges and wiggles during pauses cannot be mistaken for it.  The onset is the last
    sample in [a, peak] slower than ``thr_frac`` × peak, the offset the first such
    sample in [peak, b].  If noise keeps the speed above the threshold, the slowest
    sample is used instead, except when the window reaches the recording's first
    (onset) or last (offset) sample and its median speed over the half next to that
    edge exceeds ``_EDGE_FRACTION`` × peak: the movement was under way when the
    recording started or stopped, and None is returned.
    """
    n = s.size
    frac = (s[a:b + 1] - s[a]) / (s[b] - s[a])
    core = np.flatnonzero((frac >= 0.2) & (frac <= 0.8))
    if core.size == 0:
        core = np.arange(b - a + 1)
    k = a + int(core[np.argmax(speed[a + core])])
    peak = speed[k]
    thr = thr_frac * peak
    before, after = speed[a:k + 1], speed[k:b + 1]
    below = np.flatnonzero(before < thr)
    if below.size:
        onset: int | None = a + int(below[-1])
    else:
        onset = a + int(np.argmin(before))
        if a == 0 and np.median(before[:max(1, before.size // 2)]) > _EDGE_FRACTION * peak:
            onset = None
    below = np.flatnonzero(after < thr)
    if below.size:
        offset: int | None = k + int(below[0])
    else:
        offset = k + int(np.argmin(after))
        if b == n - 1 and np.median(after[after.size // 2:]) > _EDGE_FRACTION * peak:
            offset = None
    return onset, offset


def detect_reps(signal: Any, rate_hz: float | None = None, *, time: Any = None,
                bottom: Literal["min", "max"] = "min", cutoff_hz: float | None = 3.0,
                min_depth: float = 0.25, onset_speed: float = 0.05,
                min_duration_s: float = 0.5, min_amplitude: float = 0.0,
                include_partial: bool = False) -> pd.DataFrame:
    """Find repetitions (top → bottom → top) in a depth-like signal.

    Parameters
    ----------
    signal : array_like or pandas.Series
        1-D signal, uniformly sampled: e.g. hip/pelvis height in m
        (``bottom="min"``) or front-knee flexion in rad (``bottom="max"``).
        Must be finite (gaps raise :class:`~lungelab.errors.DataFileError`).
    rate_hz : float, optional
        Sampling rate in Hz.  Alternatively give ``time``, or pass a Series whose
        float index is time in s.
    time : array_like, optional
        Sample times in s (uniform to within 1 % when ``cutoff_hz`` is set).
    bottom : {"min", "max"}, default "min"
        Whether the bottom of a rep is a minimum (heights) or a maximum (flexion).
    cutoff_hz : float or None, default 3.0
        Low-pass cutoff used before detection (zero-lag Butterworth, see
        :func:`~lungelab.processing.filters.lowpass`); None skips filtering.
        3 Hz keeps lunge/squat/sit-to-stand motion (mostly below 1–2 Hz) and removes
        noise that would perturb the speed threshold.
    min_depth : float, default 0.25
        Hysteresis, as a fraction of the filtered signal's overall range: a rep's
        descent and ascent must each exceed ``min_depth × range``; wiggles smaller
        than that never split or create reps.  Lower it if reps of very different
        depths are mixed (shallow reps below 25 % of the deepest are ignored).
    onset_speed : float, default 0.05
        Start/end threshold as a fraction of the peak descent/ascent speed
        (5 %: common movement-onset criterion).
    min_duration_s : float, default 0.5
        Complete reps shorter than this (s) are discarded.
    min_amplitude : float, default 0.0
        Reps whose depth (signal units) is smaller are discarded.  Set it (e.g.
        0.05 m for hip height, 0.2 rad for knee flexion) when a recording may hold
        no reps at all: the relative hysteresis alone would then find reps in noise.
    include_partial : bool, default False
        Also return reps cut by the start or end of the recording (e.g. a
        sit-to-stand trial that starts seated): their missing start or end is NaN /
        <NA> and ``complete`` is False.

    Returns
    -------
    pandas.DataFrame
        One row per rep, index ``rep`` (0, 1, ...), columns :data:`REP_COLUMNS`:

        - ``i_start``, ``i_bottom``, ``i_end``: integer sample positions;
        - ``t_start``, ``t_bottom``, ``t_end``: times (s) of descent onset, deepest
          point, ascent end;
        - ``depth``: range of the filtered signal over the rep (signal units, > 0);
        - ``value_bottom``: filtered signal at the bottom (signal units);
        - ``descent_s``: start → arrival at the bottom (descent speed falls below
          the threshold); ``hold_s``: time held at the bottom (arrival → departure);
          ``ascent_s``: departure → end; ``duration_s`` = end − start (s);
        - ``complete``: both start and end found.  Durations that need a missing
          event are NaN (e.g. ``hold_s`` of a rep cut by the recording's end).

    Raises
    ------
    InputRangeError
        Bad parameters, missing time base, non-uniform time with filtering, or a
        signal too short to filter.
    DataFileError
        NaN or inf in the signal.

    Notes
    -----
    See the module docstring for the algorithm.  Pauses at the top (any length)
    do not merge or split reps; pauses and small wiggles at the bottom (smaller
    than the hysteresis) do not split a rep.  For a rep with a pause at the bottom
    ``t_bottom`` is the deepest sample somewhere in the pause; use
    ``hold_s`` for the pause length.
    """
    if bottom not in ("min", "max"):
        raise InputRangeError("bottom", bottom, "'min' (heights) or 'max' (flexion angles)")
    for name, val, lo, hi in (("min_depth", min_depth, 0.0, 1.0),
                              ("onset_speed", onset_speed, 0.0, 1.0)):
        if not (isinstance(val, int | float) and lo < val < hi):
            raise InputRangeError(name, val, f"a number in ({lo:g}, {hi:g})")
    if not (isinstance(min_duration_s, int | float) and min_duration_s >= 0):
        raise InputRangeError("min_duration_s", min_duration_s, "a number >= 0 (s)")
    if not (isinstance(min_amplitude, int | float) and min_amplitude >= 0):
        raise InputRangeError("min_amplitude", min_amplitude, "a number >= 0 (signal units)")
    if isinstance(signal, pd.DataFrame):
        if signal.shape[1] != 1:
            raise InputRangeError("signal.shape", signal.shape, "a 1-D signal (one column)")
        signal = signal.iloc[:, 0]
    arr, _ = as_2d(signal, "signal")
    if arr.shape[1] != 1:
        raise InputRangeError("signal.shape", arr.shape, "a 1-D signal")
    n = arr.shape[0]
    if n < 3:
        raise InputRangeError("len(signal)", n, ">= 3 samples")
    check_finite(arr, signal, "detect_reps")
    t = time_vector(n, signal, time, rate_hz)
    x = arr[:, 0]
    dt = np.diff(t)
    fs = 1.0 / float(np.median(dt))
    if cutoff_hz is not None:
        cutoff_hz = check_positive("cutoff_hz", cutoff_hz)
        if np.max(np.abs(dt * fs - 1.0)) > 0.01:
            raise InputRangeError("time", "non-uniform sampling",
                                  "uniform sample times (within 1 %) when cutoff_hz is set",
                                  "resample first or pass cutoff_hz=None")
        if n < min_samples(2):
            raise InputRangeError("len(signal)", n, f">= {min_samples(2)} samples to filter")
        x = lowpass(x, fs, cutoff_hz)
    s = x if bottom == "min" else -x  # oriented so the bottom is a minimum
    rng = float(s.max() - s.min())
    columns = list(REP_COLUMNS)
    rows: list[dict[str, Any]] = []
    if rng > 0:
        ext, pending = _zigzag(s, min_depth * rng)
        speed = np.abs(np.gradient(s, t))
        if pending is not None:
            ext = [*ext, pending]
        for j, (ib, kind) in enumerate(ext):
            if kind != "bottom":
                continue
            top_before = ext[j - 1][0] if j > 0 else None
            top_after = ext[j + 1][0] if j + 1 < len(ext) else None
            is_pending_bottom = pending is not None and j == len(ext) - 1
            i_start = i_end = i_arrive = i_leave = None
            if top_before is not None:
                i_start, i_arrive = _phase(s, speed, top_before, ib, onset_speed)
            if top_after is not None and not is_pending_bottom:
                i_leave, i_end = _phase(s, speed, ib, top_after, onset_speed)
            complete = i_start is not None and i_end is not None
            if not complete and not include_partial:
                continue
            lo = i_start if i_start is not None else (top_before if top_before is not None else 0)
            hi = i_end if i_end is not None else (
                top_after if top_after is not None and not is_pending_bottom else n - 1)
            seg = x[lo:hi + 1]
            depth = float(seg.max() - seg.min())
            if depth < min_amplitude:
                continue
            t_start = t[i_start] if i_start is not None else np.nan
            t_end = t[i_end] if i_end is not None else np.nan
            if complete and t_end - t_start < min_duration_s:
                continue
            # arrival at / departure from the bottom; unknown (NaN) on a cut side
            t_arr = min(t[i_arrive], t[ib]) if i_arrive is not None else np.nan
            t_lv = max(t[i_leave], t[ib]) if i_leave is not None else np.nan
            rows.append({
                "i_start": i_start, "i_bottom": ib, "i_end": i_end,
                "t_start": t_start, "t_bottom": t[ib], "t_end": t_end,
                "depth": depth, "value_bottom": float(x[ib]),
                "descent_s": t_arr - t_start, "hold_s": t_lv - t_arr,
                "ascent_s": t_end - t_lv, "duration_s": t_end - t_start,
                "complete": complete,
            })
    out = pd.DataFrame(rows, columns=columns)
    int_dtype = "Int64" if include_partial else "int64"
    for c in ("i_start", "i_bottom", "i_end"):
        out[c] = out[c].astype(int_dtype)
    for c in columns[3:-1]:
        out[c] = out[c].astype(float)
    out["complete"] = out["complete"].astype(bool)
    out.index = pd.RangeIndex(len(out), name="rep")
    return out


def front_leg(reps: pd.DataFrame, left_x: Any, right_x: Any, facing: int = 1,
              min_separation: float = 0.0) -> pd.Series:
    """Label each rep by the leg in front at the bottom: ``"left"``, ``"right"`` or ``"none"``.

    In a backward lunge the front (stance) leg stays put and the other foot steps
    back, so the foot that is anterior at the bottom marks the working leg.

    Parameters
    ----------
    reps : pandas.DataFrame
        Output of :func:`detect_reps` (uses ``i_bottom``).
    left_x, right_x : array_like or pandas.Series
        x coordinate (m) of the left and right ankle (or heel) for every sample of
        the signal the reps were detected in (positions, not index labels).
    facing : {1, -1}, default 1
        Direction the subject faces along x.
    min_separation : float, default 0.0
        Minimum anterior distance (m) between the feet; smaller separations (e.g.
        squats, feet side by side) are labelled ``"none"``.

    Returns
    -------
    pandas.Series
        Labels indexed like ``reps``, name ``"front_leg"``.
    """
    if facing not in (1, -1) or isinstance(facing, bool):
        raise InputRangeError("facing", facing, "+1 (subject faces +x) or -1 (faces -x)")
    if "i_bottom" not in reps:
        raise InputRangeError("reps.columns", list(reps.columns), "output of detect_reps")
    lx = np.asarray(left_x, dtype=float).ravel()
    rx = np.asarray(right_x, dtype=float).ravel()
    if lx.shape != rx.shape:
        raise InputRangeError("len(left_x), len(right_x)", (lx.size, rx.size), "equal lengths")
    ib = reps["i_bottom"].to_numpy(dtype=int)
    if ib.size and ib.max() >= lx.size:
        raise InputRangeError("len(left_x)", lx.size, f"> {ib.max()} (one value per sample)")
    d = facing * (rx[ib] - lx[ib])
    lab = np.where(d > min_separation, "right", np.where(d < -min_separation, "left", "none"))
    lab = np.where(np.isfinite(d), lab, "none")
    return pd.Series(lab, index=reps.index, name="front_leg", dtype=object)
