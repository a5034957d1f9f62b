"""Pipeline: from a motion file (or a :class:`~lungelab.trial.Trial`) to a form report.

:func:`analyze_trial` (and :func:`analyze_file`) returns ``(reps, summary)``: one row per
repetition and working leg with depth, rear-knee measures, knee travel past the toes,
trunk lean, tempo, foot-load shares, peak joint moments and patellofemoral (PFJ)
stress, plus the pass/fail columns of :mod:`lungelab.form`; and a JSON-able dict that
says what was found, what was assumed and which rules do not apply.

Steps
-----
1. **Landmarks** by name (case and separators ignored): hip, knee and ankle joint
   centres, heel and toe markers of each leg, a shoulder/C7 point and pelvis markers
   (``R_KNEE``, ``r_knee``, ``RKNE``, ``R.Heel``, ``r_calc``, ``R_HJC``, ... see
   :data:`LANDMARK_ALIASES`).  Missing samples are interpolated linearly.
2. **Sagittal frame**: the vertical axis is the lab axis along which the hips lie
   farthest from the feet; forward is the median horizontal heel→toe direction (both
   feet; pelvis PSIS→ASIS if no feet); every point, force and centre of pressure (COP)
   is projected on (forward, up).  The floor is the median COP height if force plates
   exist, else the lowest heel/toe height.
3. **Repetitions**: :func:`lungelab.processing.detect_reps` on the hip height (mean of
   both hip joint centres, else of the pelvis markers), low-passed at 3 Hz, requiring
   a drop of at least :data:`MIN_HIP_DROP_M`.
4. **Movement of each repetition** from the feet: toes more than
   :data:`STANCE_SPLIT_M` apart along the walking direction at the bottom make a
   lunge (the front leg is the one in front, :func:`lungelab.processing.front_leg`);
   which toe moved between the start and the bottom tells a backward lunge (rear foot
   stepped back) from a forward lunge (front foot stepped forward) and a split squat
   (neither moved).  Feet side by side make a squat, or a sit-to-stand when the feet
   carry less than 75 % of body weight at the bottom (the rest is on a seat).
5. **Forces**: per-foot ground reaction and COP -- the synthetic ``grf_<side>_x/_y``,
   ``cop_<side>_x`` channels, or force plates (OpenSim ``ground_force_*``, C3D
   ``FPn_*``) assigned sample by sample to the nearer foot.
6. **Inverse dynamics** of each leg (:func:`lungelab.dynamics.inverse_dynamics`,
   markers and GRF low-passed at ``cutoff_hz``) and PFJ stress
   (:func:`lungelab.knee.pfj_chain`).
7. **Subject**: mass from the argument, the file's metadata, or the median vertical
   force in quiet standing (hip high, both feet still); height from the argument, the
   metadata or the standing shoulder (÷0.818) or hip (÷0.530) height (Drillis &
   Contini); thigh, shank and foot lengths measured from the landmarks.
8. **Plausibility** (:mod:`lungelab.plausibility`): a length unit wrong by 10-1000, a
   subject mass or height outside the human range, forces that do not weigh the
   subject, force and marker time bases that do not overlap, plates no foot stands
   on, rates that contradict the time stamps, moments beyond 10 N·m/kg and a subject
   standing still are refused (:class:`~lungelab.errors.DataFileError`) or reported as
   :class:`~lungelab.plausibility.PlausibilityWarning` (also in ``summary["warnings"]``);
   doubtful forces are then not used.

Values "at the bottom" are means over ±50 ms around the deepest sample (±100 ms for
force shares).  Peaks are over the repetition, from movement onset to end.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import form as _form
from . import plausibility as _plaus
from .body import G, Subject
from .errors import DataFileError, InputRangeError, LungelabError
from .trial import Trial

__all__ = [
    "REPORT_COLUMNS",
    "LANDMARK_ALIASES",
    "MIN_HIP_DROP_M",
    "STANCE_SPLIT_M",
    "analyze_trial",
    "analyze_file",
    "find_landmarks",
]

MIN_HIP_DROP_M = 0.08
"""A repetition must lower the hip (or pelvis) by at least this much, m."""

STANCE_SPLIT_M = 0.15
"""Toes farther apart than this along the walking direction at the bottom: a lunge, m."""

STEP_M = 0.15
"""A toe that moved more than this between movement onset and the bottom stepped, m."""

SEATED_FRACTION = 0.75
"""Feet carrying less than this fraction of body weight at the bottom: seated."""

SIDES = ("right", "left")

LANDMARK_ALIASES: dict[str, tuple[str, ...]] = {
    "hip": ("{s}hip", "{s}hjc", "{s}hipjc", "{s}hipjointcentre", "{s}hipjointcenter"),
    "knee": ("{s}knee", "{s}kne", "{s}kjc", "{s}kneejc", "{s}latknee", "{s}kneelat"),
    "ankle": ("{s}ankle", "{s}ank", "{s}ajc", "{s}anklejc", "{s}latankle", "{s}malleolus"),
    "heel": ("{s}heel", "{s}hee", "{s}calc", "{s}calcaneus"),
    "toe": ("{s}toe", "{s}toetip", "{s}toe1", "{s}hallux"),
    "shoulder": ("{s}shoulder", "{s}sho", "{s}acromion", "{s}acromium"),
}
"""Accepted names per landmark; ``{s}`` is ``r``/``right`` or ``l``/``left``.  Names
are compared in lower case without separators (``R.Heel`` → ``rheel``).  A single
``HIP`` (or ``SHOULDER``, ``C7``) serves both sides."""

_PELVIS = ("asis", "psis", "rasi", "lasi", "rpsi", "lpsi", "sacr", "vsac", "sacrum",
           "vsacral", "sacral")

REPORT_COLUMNS = (
    "source", "leg", "rep", "rep_index", "movement", "t_start_s", "t_bottom_s", "t_end_s",
    "knee_flexion_deg", "rear_knee_flexion_deg", "knee_past_toes_m", "trunk_lean_deg",
    "rear_knee_height_m", "hip_drop_m", "descent_s", "hold_s", "ascent_s", "duration_s",
    "heel_share", "leg_share", "peak_knee_extensor_moment_nm",
    "peak_knee_extensor_moment_nm_per_kg", "peak_pfj_stress_mpa",
    "peak_hip_extensor_moment_nm", "peak_hip_extensor_moment_nm_per_kg",
)
"""Measured columns of the repetition table (then one ``<rule>_pass`` column per rule,
``rules_failed`` and ``rules_passed_fraction``).  ``leg`` is the working leg: the front
leg of a lunge, each leg of a bilateral movement (two rows per repetition).
``heel_share`` and ``leg_share`` are that foot's heel share of its vertical load and its
share of the total vertical load (NaN without force plates).  Units in the names."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


# ----------------------------------------------------------------------------- landmarks
@dataclass
class Landmarks:
    """Landmark trajectories (lab frame, m, shape (n, 3)) found in a trial."""

    legs: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    shoulder: np.ndarray | None = None
    pelvis: np.ndarray | None = None
    names: dict[str, str] = field(default_factory=dict)

    def has(self, side: str, *parts: str) -> bool:
        return all(p in self.legs.get(side, {}) for p in parts)


def _fill(a: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    """Interpolate NaN samples linearly (ends held); None if more than 20 % missing."""
    a = np.array(a, dtype=float)
    bad = ~np.isfinite(a).all(axis=1)
    if bad.mean() > 0.2:
        return None
    if bad.any():
        good = ~bad
        for j in range(a.shape[1]):
            a[bad, j] = np.interp(t[bad], t[good], a[good, j])
    return a


def find_landmarks(trial: Trial) -> Landmarks:
    """Find the landmarks the pipeline needs (see :data:`LANDMARK_ALIASES`)."""
    t = trial.time
    by_norm = {_norm(n): n for n in trial.point_names}
    lm = Landmarks()

    def get(candidates: list[str]) -> tuple[np.ndarray | None, str | None]:
        for c in candidates:
            if c in by_norm:
                arr = _fill(trial.points[by_norm[c]].to_numpy(dtype=float), t)
                if arr is not None:
                    return arr, by_norm[c]
        return None, None

    for side in SIDES:
        prefixes = ("r", "right") if side == "right" else ("l", "left")
        leg: dict[str, np.ndarray] = {}
        for part, pats in LANDMARK_ALIASES.items():
            cands = [p.format(s=s) for s in prefixes for p in pats]
            if part == "hip":
                cands += ["hip", "midhip", "hipjc", "hjc"]
            arr, name = get(cands)
            if arr is not None:
                leg[part] = arr
                lm.names[f"{side}_{part}"] = name
        lm.legs[side] = leg
    sh = [lm.legs[s].pop("shoulder") for s in SIDES if "shoulder" in lm.legs[s]]
    if sh:
        lm.shoulder = np.mean(sh, axis=0)
    else:
        lm.shoulder, name = get(["shoulder", "midshoulder", "c7", "neck", "ij", "sternum"])
        if name:
            lm.names["shoulder"] = name
    pel = [n for k, n in by_norm.items() if any(p in k for p in _PELVIS)]
    arrs = [a for a in (_fill(trial.points[n].to_numpy(dtype=float), t) for n in pel)
            if a is not None]
    if arrs:
        lm.pelvis = np.mean(arrs, axis=0)
        lm.names["pelvis"] = ", ".join(pel)
    return lm


# ----------------------------------------------------------------------------- frame
@dataclass
class _Frame:
    forward: np.ndarray
    up: np.ndarray
    origin: np.ndarray

    def xy(self, p: np.ndarray) -> np.ndarray:
        d = p - self.origin
        return np.column_stack([d @ self.forward, d @ self.up])


def _sagittal_frame(lm: Landmarks, floor_hint: float | None = None) -> _Frame:
    tops = [lm.legs[s]["hip"] for s in SIDES if "hip" in lm.legs[s]]
    if not tops and lm.pelvis is not None:
        tops = [lm.pelvis]
    if not tops and lm.shoulder is not None:
        tops = [lm.shoulder]
    feet = [lm.legs[s][k] for s in SIDES for k in ("ankle", "heel", "toe")
            if k in lm.legs[s]]
    if not tops or not feet:
        raise InputRangeError("markers", "too few landmarks",
                              "hip (or pelvis) and foot markers to find the vertical",
                              f"found: {sorted(lm.names.values())}")
    diff = np.nanmedian(np.mean(tops, axis=0) - np.mean(feet, axis=0), axis=0)
    axis = int(np.argmax(np.abs(diff)))
    up = np.zeros(3)
    up[axis] = np.sign(diff[axis]) or 1.0
    vecs = [lm.legs[s]["toe"] - lm.legs[s]["heel"] for s in SIDES
            if lm.has(s, "toe", "heel")]
    fwd = np.nanmedian(np.concatenate(vecs), axis=0) if vecs else np.zeros(3)
    fwd = fwd - (fwd @ up) * up
    if np.linalg.norm(fwd) < 1e-6:
        fwd = np.roll(up, 1)
    fwd = fwd / np.linalg.norm(fwd)
    ankles = [lm.legs[s].get("ankle", lm.legs[s].get("heel")) for s in SIDES
              if lm.legs[s].get("ankle", lm.legs[s].get("heel")) is not None]
    origin = np.nanmedian(np.mean(ankles, axis=0), axis=0) if ankles else np.zeros(3)
    soles = [lm.legs[s][k] @ up for s in SIDES for k in ("heel", "toe") if k in lm.legs[s]]
    floor = floor_hint if floor_hint is not None else (
        float(np.nanpercentile(np.min(soles, axis=0), 1)) if soles else float(origin @ up))
    origin = origin - (origin @ up) * up + floor * up
    return _Frame(fwd, up, origin)


# ----------------------------------------------------------------------------- forces
_SYN = re.compile(r"^grf_(right|left)_([xyz])$")
_OSIM_F = re.compile(r"^(?:(\d+)_)?ground_force_(?:(\d+)_)?v([xyz])$")
_C3D_F = re.compile(r"^FP(\d+)_F([xyz])$", re.IGNORECASE)


def _length_scale(unit: str) -> float:
    from .io._common import LENGTH_UNITS

    return LENGTH_UNITS.get(unit, 1.0)


_FORCE_UNITS = {"": 1.0, "n": 1.0, "newton": 1.0, "newtons": 1.0, "kn": 1000.0,
                "lbf": 4.4482216152605}
"""Newtons per force unit (lbf: exact by definition, NIST SP 811)."""


def _force_scale(trial: Trial, names: list[str], checks: list[str] | None = None
                 ) -> float | None:
    """Newtons per unit of the force channels ``names`` (None: not a force unit)."""
    found = {trial.units.get(n, "").strip().lower() for n in names}
    if len(found) != 1 or next(iter(found)) not in _FORCE_UNITS:
        _plaus.warn(str(trial.metadata.get("source", "")), f"force channels "
                    f"{', '.join(names)} have the unit(s) "
                    f"{', '.join(repr(trial.units.get(n, '')) for n in names)}, not one force "
                    "unit (N, kN, lbf): that force record was ignored", checks)
        return None
    return _FORCE_UNITS[found.pop()]


def _plates(trial: Trial, checks: list[str] | None = None) -> list[dict[str, Any]]:
    """Force records in the trial: ``{"side": side or None, "F": (m, 3), "cop": (m, 3)}``
    on the analog time base (lab frame, N and m)."""
    names = trial.analog_names
    A = trial.analogs
    units = trial.units
    out: list[dict[str, Any]] = []
    m = len(trial.analog_time)

    def col(n: str) -> np.ndarray:
        return A[n].to_numpy(dtype=float) if n in A else np.zeros(m)

    sides = {mt.group(1) for n in names if (mt := _SYN.match(n))}
    for side in sorted(sides):
        scale = _force_scale(trial, [f"grf_{side}_{a}" for a in "xyz" if f"grf_{side}_{a}" in A],
                             checks)
        if scale is None:
            continue
        F = np.column_stack([col(f"grf_{side}_{a}") for a in "xyz"]) * scale
        cop = np.column_stack([col(f"cop_{side}_{a}") * _length_scale(units.get(
            f"cop_{side}_{a}", "m")) if f"cop_{side}_{a}" in A else
            (np.full(m, np.nan) if a == "x" else np.zeros(m)) for a in "xyz"])
        out.append(_clean_record(trial, f"grf_{side}", F, cop, checks))
    groups: dict[str, dict[str, str]] = {}
    for n in names:
        mt = _OSIM_F.match(n)
        if mt:
            key = mt.group(1) or mt.group(2) or "0"
            prefix = n[: n.index("ground_force")]
            mid = f"{mt.group(2)}_" if mt.group(2) else ""
            groups.setdefault(f"osim{key}", {})[mt.group(3)] = n
            groups[f"osim{key}"]["p" + mt.group(3)] = f"{prefix}ground_force_{mid}p{mt.group(3)}"
            continue
        mt = _C3D_F.match(n)
        if mt:
            key = mt.group(1)
            groups.setdefault(f"c3d{key}", {})[mt.group(2).lower()] = n
            groups[f"c3d{key}"]["p" + mt.group(2).lower()] = f"FP{key}_COP{mt.group(2).lower()}"
    for g in groups.values():
        if not all(a in g for a in "xyz"):
            continue
        scale = _force_scale(trial, [g[a] for a in "xyz"], checks)
        if scale is None:
            continue
        F = np.column_stack([col(g[a]) for a in "xyz"]) * scale
        if not np.any(np.abs(F) > 1.0):
            continue                                  # an empty plate (all zeros)
        cop = np.column_stack([col(g["p" + a]) * _length_scale(units.get(g["p" + a], "m"))
                               if g["p" + a] in A else np.full(m, np.nan) for a in "xyz"])
        out.append(_clean_record(trial, g["x"], F, cop, checks) | {"side": None})
    return out


def _clean_record(trial: Trial, label: str, F: np.ndarray, cop: np.ndarray,
                  checks: list[str] | None) -> dict[str, Any]:
    """Samples beyond :data:`lungelab.plausibility.MAX_FORCE_N` or a centre of pressure
    beyond :data:`~lungelab.plausibility.MAX_COP_M` from the origin become missing."""
    side = label[4:] if label.startswith("grf_") else None
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~(np.abs(F) <= _plaus.MAX_FORCE_N).all(axis=1) & np.isfinite(F).all(axis=1)
        bad |= (np.abs(cop) > _plaus.MAX_COP_M).any(axis=1)
    if bad.any():
        _plaus.warn(str(trial.metadata.get("source", "")), f"{int(bad.sum())} sample(s) of "
                    f"{label} with a force above {_plaus.MAX_FORCE_N:g} N or a centre of "
                    f"pressure beyond {_plaus.MAX_COP_M:g} m were discarded", checks)
        F = F.copy()
        cop = cop.copy()
        F[bad] = np.nan
        cop[bad] = np.nan
    return {"side": side, "F": F, "cop": cop}


def _to_marker_time(x: np.ndarray, t_src: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Linear interpolation onto ``t``; NaN outside the source time span (never
    extrapolated)."""
    if len(t_src) == len(t) and np.allclose(t_src, t):
        return x
    out = np.empty((len(t), x.shape[1]))
    for j in range(x.shape[1]):
        good = np.isfinite(x[:, j])
        out[:, j] = np.interp(t, t_src[good], x[good, j], left=np.nan, right=np.nan) \
            if good.sum() > 1 else np.nan
    return out


def _foot_forces(trial: Trial, t: np.ndarray, lm: Landmarks, threshold_n: float = 20.0,
                 checks: list[str] | None = None
                 ) -> dict[str, dict[str, np.ndarray]] | None:
    """Per-foot GRF (n, 3) and COP (n, 3) at the marker times, lab frame.

    Forces are not extrapolated beyond their own time base; a force time base that
    does not overlap the markers, a plate that is never loaded or whose centre of
    pressure is never within :data:`lungelab.plausibility.FOOT_REACH_M` of a foot is
    ignored with a :class:`~lungelab.plausibility.PlausibilityWarning`.
    """
    source = str(trial.metadata.get("source", ""))
    before = len(checks) if checks is not None else 0
    plates = _plates(trial, checks)
    if not plates:
        unit_refused = checks is not None and len(checks) > before
        if not unit_refused and any(_SYN.match(n) or _OSIM_F.match(n) or _C3D_F.match(n)
                                    for n in trial.analog_names):
            _plaus.warn(source, "force channels are present but never loaded (all below "
                        "1 N): no foot ever stood on a plate; forces not used", checks)
        return None
    ta = trial.analog_time
    overlap = _plaus.force_overlap(t, ta)
    if overlap <= 0.0:
        _plaus.warn(source, f"the force time base ({ta[0]:.3f}-{ta[-1]:.3f} s) does not "
                    f"overlap the marker time base ({t[0]:.3f}-{t[-1]:.3f} s): forces ignored",
                    checks)
        return None
    if overlap < _plaus.MIN_FORCE_OVERLAP:
        _plaus.warn(source, f"the forces ({ta[0]:.3f}-{ta[-1]:.3f} s) cover only "
                    f"{overlap:.0%} of the markers' time ({t[0]:.3f}-{t[-1]:.3f} s); no forces "
                    "outside it", checks)
    n = len(t)
    acc = {s: {"F": np.zeros((n, 3)), "M": np.zeros((n, 3)), "w": np.zeros(n)} for s in SIDES}
    covered = np.zeros(n, dtype=bool)      # marker frames inside the force time base
    mids = {}
    for s in SIDES:
        leg = lm.legs.get(s, {})
        pts = [leg[k] for k in ("heel", "toe", "ankle") if k in leg]
        mids[s] = np.mean(pts, axis=0) if pts else None
    for k, pl in enumerate(plates, start=1):
        F = _to_marker_time(pl["F"], ta, t)
        cop = _to_marker_time(pl["cop"], ta, t)
        with np.errstate(invalid="ignore"):
            mag = np.linalg.norm(F, axis=1)
            loaded = mag >= threshold_n
        covered |= np.isfinite(F).all(axis=1)
        F = np.nan_to_num(F)
        if pl["side"] is not None:
            side_of = np.full(n, pl["side"], dtype=object)
        else:
            if mids["right"] is None or mids["left"] is None:
                continue
            dr = np.linalg.norm(cop - mids["right"], axis=1)
            dl = np.linalg.norm(cop - mids["left"], axis=1)
            with np.errstate(invalid="ignore"):
                near = np.fmin(dr, dl) <= _plaus.FOOT_REACH_M
            if loaded.any() and not (loaded & near).any():
                _plaus.warn(source, f"force plate {k} is loaded (up to {np.nanmax(mag):.0f} N) "
                            "but its centre of pressure is never within "
                            f"{_plaus.FOOT_REACH_M:g} m of a foot: that plate was ignored",
                            checks)
            loaded = loaded & near
            side_of = np.where(dr <= dl, "right", "left")
        for s in SIDES:
            sel = loaded & (side_of == s) & np.isfinite(cop).all(axis=1)
            acc[s]["F"][sel] += F[sel]
            acc[s]["M"][sel] += cop[sel] * mag[sel, None]
            acc[s]["w"][sel] += mag[sel]
    if not any(acc[s]["w"].any() for s in SIDES):
        _plaus.warn(source, "the force plates never carry a foot (no loaded sample under "
                    "either foot): forces not used", checks)
        return None
    out = {}
    for s in SIDES:
        w = acc[s]["w"]
        with np.errstate(invalid="ignore", divide="ignore"):
            cop = np.where(w[:, None] > 0, acc[s]["M"] / w[:, None], np.nan)
        out[s] = {"F": acc[s]["F"], "cop": cop, "covered": covered}
    return out


# ----------------------------------------------------------------------------- helpers
def _uniform(trial: Trial) -> tuple[Trial, np.ndarray, float]:
    """Marker time base made uniform (linear resampling if the steps vary by > 1 %)."""
    t = np.asarray(trial.time, dtype=float)
    if len(t) < 10:
        raise InputRangeError("trial", f"{len(t)} frames", "at least 10 marker frames")
    rate = trial.rate_hz if math.isfinite(trial.rate_hz) else 1.0 / float(np.median(np.diff(t)))
    dt = np.diff(t)
    if np.max(np.abs(dt * rate - 1.0)) <= 0.01:
        return trial, t, float(rate)
    tu = t[0] + np.arange(int(round((t[-1] - t[0]) * rate)) + 1) / rate
    tu = tu[tu <= t[-1] + 1e-9]
    pts = {}
    for name in trial.point_names:
        pts[name] = _to_marker_time(trial.points[name].to_numpy(dtype=float), t, tu)
    kwargs: dict[str, Any] = {}
    analogs = None
    if trial.analog_names:
        if trial.same_time_base:
            analogs = {n: _to_marker_time(trial.analogs[[n]].to_numpy(dtype=float), t, tu)[:, 0]
                       for n in trial.analog_names}
        else:
            analogs = trial.analogs
            kwargs = {"analog_time": trial.analog_time, "analog_rate_hz": trial.analog_rate_hz}
    units = {n: u for n, u in trial.units.items() if n in trial.analog_names}
    new = Trial(tu, points=pts, analogs=analogs, units=units, rate_hz=rate,
                events=trial.events, metadata=trial.metadata, **kwargs)
    return new, tu, float(rate)


def _crop_to_markers(trial: Trial, messages: list[str]) -> Trial:
    """Keep the longest run of frames in which at least 80 % of the usually visible
    markers are there (C3D recordings often lose markers outside the capture volume)."""
    if not trial.point_names or trial.n_frames < 3:
        return trial
    ok = np.isfinite(trial.points.to_numpy(dtype=float)).reshape(trial.n_frames, -1, 3)
    count = ok.all(axis=2).sum(axis=1)
    good = count >= 0.8 * count.max()
    if good.all():
        return trial
    edges = np.diff(np.concatenate([[0], good.astype(int), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    k = int(np.argmax(stops - starts))
    t = trial.time
    messages.append(f"markers are missing outside {t[starts[k]]:.2f}-{t[stops[k] - 1]:.2f} s; "
                    "only that part was analysed")
    return trial.slice_time(float(t[starts[k]]), float(t[stops[k] - 1]) + 1e-9)


def _window(i: int, half: int, n: int) -> slice:
    return slice(max(0, i - half), min(n, i + half + 1))


def _deg(x: np.ndarray) -> np.ndarray:
    return np.degrees(np.asarray(x, dtype=float))


@dataclass
class _LegData:
    hip: np.ndarray
    knee: np.ndarray
    ankle: np.ndarray
    heel: np.ndarray
    toe: np.ndarray
    knee_flexion_deg: np.ndarray
    grf: np.ndarray | None = None          # (n, 2) sagittal, N
    cop_x: np.ndarray | None = None        # (n,) m, NaN unloaded
    moments: pd.DataFrame | None = None
    pfj_stress_mpa: np.ndarray | None = None


def _subject(trial: Trial, lm: Landmarks, frame: _Frame, legs: dict[str, _LegData],
             total_fy: np.ndarray | None, standing: np.ndarray, subject: Subject | None,
             mass_kg: float | None, height_m: float | None, sex: str | None,
             plate_standing: np.ndarray | None = None) -> tuple[Subject, dict[str, Any]]:
    """The subject used for inverse dynamics, and where each number came from.

    ``plate_standing`` marks the frames of quiet standing with the forces recorded
    (the mass is estimated from them; default ``standing``)."""
    if plate_standing is None:
        plate_standing = standing
    info: dict[str, Any] = {}
    meta = trial.metadata
    if subject is not None:
        return subject, {"mass_kg": subject.mass_kg, "height_m": subject.height_m,
                         "sex": subject.sex, "mass_source": "given", "height_source": "given",
                         "sex_source": "given"}
    meta_mass, meta_height = _metadata_subject(trial, str(meta.get("source", "")))
    if mass_kg is not None:
        m, src = float(mass_kg), "given"
    elif meta_mass is not None:
        m, src = meta_mass, "file metadata"
    elif total_fy is not None and plate_standing.any():
        m, src = (float(np.median(total_fy[plate_standing]) / G),
                  "median vertical force in quiet standing (both feet still)")
    else:
        m, src = 70.0, "default (no force plates, no --mass)"
    info.update(mass_kg=m, mass_source=src)
    if height_m is not None:
        h, hsrc = float(height_m), "given"
    elif meta_height is not None:
        h, hsrc = meta_height, "file metadata"
    elif lm.shoulder is not None and standing.any():
        h = float(np.median(frame.xy(lm.shoulder)[standing, 1])) / 0.818
        hsrc = "standing shoulder height / 0.818 (Drillis & Contini)"
    elif any("hip" in lm.legs[s] for s in SIDES) and standing.any():
        hip = np.mean([lm.legs[s]["hip"] for s in SIDES if "hip" in lm.legs[s]], axis=0)
        h = float(np.median(frame.xy(hip)[standing, 1])) / 0.530
        hsrc = "standing hip height / 0.530 (Drillis & Contini)"
    else:
        h, hsrc = 1.70, "default"
    info.update(height_m=h, height_source=hsrc)
    s = sex or (meta.get("sex") if meta.get("sex") in ("male", "female") else None)
    info.update(sex=s or "male", sex_source="given" if sex else (
        "file metadata" if s else "default (de Leva male table)"))
    lengths: dict[str, float] = {}
    for key, (a, b), lo, hi in (("thigh_length_m", ("hip", "knee"), 0.2, 0.7),
                                ("shank_length_m", ("knee", "ankle"), 0.2, 0.7),
                                ("foot_length_m", ("heel", "toe"), 0.15, 0.40)):
        vals = [np.median(np.linalg.norm(getattr(legs[sd], a) - getattr(legs[sd], b), axis=1))
                for sd in legs]
        if vals:
            v = float(np.median(vals))
            if lo <= v <= hi:
                lengths[key] = v
    info["measured_lengths_m"] = lengths
    if not 1.0 <= h <= 2.3:
        _plaus.warn(str(meta.get("source", "")), f"the height estimated from the markers "
                    f"({h:.3g} m, {hsrc}) is outside the 1.0-2.3 m of the anthropometric "
                    f"tables: {min(max(h, 1.0), 2.3):g} m used; pass --height")
        info["height_used_m"] = min(max(h, 1.0), 2.3)
    try:
        subj = Subject(mass_kg=min(max(m, 20.0), 300.0), height_m=min(max(h, 1.0), 2.3),
                       sex=info["sex"], **lengths)
    except LungelabError:
        subj = Subject(mass_kg=min(max(m, 20.0), 300.0), height_m=min(max(h, 1.0), 2.3),
                       sex=info["sex"])
        info["measured_lengths_m"] = {}
    return subj, info


# ----------------------------------------------------------------------------- analysis
def _classify(legs: dict[str, _LegData], reps: pd.DataFrame, total_fy: np.ndarray | None,
              body_weight_n: float | None, rate: float) -> list[tuple[str, str | None]]:
    """(movement, front leg) for each repetition."""
    from .processing import front_leg

    out: list[tuple[str, str | None]] = []
    if not all(s in legs for s in SIDES):
        return [("unknown", None)] * len(reps)
    toe = {s: legs[s].toe[:, 0] for s in SIDES}
    labels = front_leg(reps, toe["left"], toe["right"], facing=1, min_separation=STANCE_SPLIT_M)
    prev_end = 0
    for (_, r), lab in zip(reps.iterrows(), labels, strict=True):
        ib = int(r["i_bottom"])
        # reference stance: where the toes were closest together between the previous
        # repetition and this one (the stepping foot may leave before the hip drops)
        lo, hi = prev_end, max(prev_end + 1, int(r["i_start"]) + 1)
        i0 = lo + int(np.argmin(np.abs(toe["right"][lo:hi] - toe["left"][lo:hi])))
        prev_end = int(r["i_end"])
        if lab == "none":
            seated = False
            if total_fy is not None and body_weight_n:
                w = _window(ib, int(0.1 * rate), len(total_fy))
                seated = float(np.mean(total_fy[w])) < SEATED_FRACTION * body_weight_n
            out.append(("sit_to_stand" if seated else "squat", None))
            continue
        front, rear = lab, ("left" if lab == "right" else "right")
        moved_front = toe[front][ib] - toe[front][i0]
        moved_rear = toe[rear][ib] - toe[rear][i0]
        if moved_rear < -STEP_M and abs(moved_front) < STEP_M:
            mv = "backward_lunge"
        elif moved_front > STEP_M and abs(moved_rear) < STEP_M:
            mv = "forward_lunge"
        elif abs(moved_front) < STEP_M and abs(moved_rear) < STEP_M:
            mv = "split_squat"
        else:
            mv = "unknown"
        out.append((mv, front))
    return out


def _peak(x: np.ndarray | None, sl: slice) -> float:
    if x is None:
        return float("nan")
    seg = np.asarray(x, dtype=float)[sl]
    return float(np.nanmax(seg)) if seg.size and np.isfinite(seg).any() else float("nan")


def _heel_share(leg: _LegData, w: slice, ball_fraction: float) -> float:
    if leg.cop_x is None:
        return float("nan")
    heel, toe = leg.heel[w, 0], leg.toe[w, 0]
    ball = heel + ball_fraction * (toe - heel)
    cop = leg.cop_x[w]
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (ball - cop) / (ball - heel)
    return float(np.nanmean(share)) if np.isfinite(share).any() else float("nan")


def _number_or_none(name: str, value: object, bounds: tuple[float, float],
                    unit: str) -> float | None:
    """``value`` as a float within ``bounds`` (None stays None), else InputRangeError."""
    if value is None:
        return None
    lo, hi = bounds
    number = float("nan")
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
            value, (bool, np.bool_)):
        number = float(value)
    if not (math.isfinite(number) and lo <= number <= hi):
        raise InputRangeError(name, value, f"a number in [{lo:g}, {hi:g}] {unit} or None")
    return number


def _metadata_subject(trial: Trial, source: str) -> tuple[float | None, float | None]:
    """Subject mass (kg) and height (m) from the trial's metadata, validated against
    :data:`lungelab.plausibility.MASS_RANGE_KG` / ``HEIGHT_RANGE_M`` (a number outside
    them raises DataFileError naming the file and field; non-numbers are ignored)."""
    out: list[float | None] = []
    for key, what, bounds, unit in (("subject_mass_kg", "mass", _plaus.MASS_RANGE_KG, "kg"),
                                     ("subject_height_m", "height", _plaus.HEIGHT_RANGE_M,
                                      "m")):
        value = trial.metadata.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append(_plaus.check_subject_value(source, what, value, bounds, unit))
        else:
            out.append(None)
    return out[0], out[1]


def _check_rates(trial: Trial, source: str, checks: list[str]) -> None:
    """Declared rates vs time stamps, and the marker rate range."""
    measured = _plaus.check_rate(source, "the marker rate", trial.rate_hz, trial.time, checks)
    if not trial.same_time_base and len(trial.analog_time) >= 3:
        analog = _plaus.check_rate(source, "the force/analog rate", trial.analog_rate_hz,
                                   trial.analog_time, checks)
        if measured and analog and analog < 0.99 * measured:
            _plaus.warn(source, f"forces are sampled at {analog:.4g} Hz, slower than the "
                        f"markers ({measured:.4g} Hz): they were interpolated", checks)
    lo, hi = _plaus.MARKER_RATE_RANGE_HZ
    if measured is not None and not lo <= measured <= hi:
        _plaus.warn(source, f"a marker rate of {measured:.4g} Hz is outside {lo:g}-{hi:g} Hz: "
                    "check the time column", checks)


FOOT_STILL_M_S = 0.1
"""A foot whose markers move slower than this is standing on the ground, m/s (quiet
standing sways by about 0.01 m/s, a swinging foot moves at 1-4 m/s)."""


def _foot_still(lm: Landmarks, side: str, rate: float) -> np.ndarray | None:
    """Frames in which the heel/toe/ankle markers of ``side`` are still (speed over
    ±50 ms below :data:`FOOT_STILL_M_S`); None without foot markers."""
    leg = lm.legs.get(side, {})
    pts = [leg[k] for k in ("heel", "toe", "ankle") if k in leg]
    if not pts:
        return None
    mid = np.mean(pts, axis=0)
    n = len(mid)
    k = max(1, int(round(0.05 * rate)))
    if n <= 2 * k:
        return None
    speed = np.full(n, np.inf)
    with np.errstate(invalid="ignore"):
        speed[k:n - k] = np.linalg.norm(mid[2 * k:] - mid[:-2 * k], axis=1) * rate / (2 * k)
    speed[~np.isfinite(speed)] = np.inf
    return speed < FOOT_STILL_M_S


def _leg_length(lm: Landmarks) -> float | None:
    """Median thigh + shank length over both legs, m (None without hip/knee/ankle)."""
    vals = []
    for s in SIDES:
        if lm.has(s, "hip", "knee", "ankle"):
            leg = lm.legs[s]
            thigh = np.linalg.norm(leg["hip"] - leg["knee"], axis=1)
            shank = np.linalg.norm(leg["knee"] - leg["ankle"], axis=1)
            total = thigh + shank
            total = total[np.isfinite(total)]
            if total.size:
                vals.append(float(np.median(total)))
    return float(np.median(vals)) if vals else None


def _forces_agree_with_mass(total_fy: np.ndarray, standing: np.ndarray,
                            reference_kg: float | None, source: str, checks: list[str],
                            summary: dict[str, Any]) -> bool:
    """Whether the standing vertical force is a body weight (see
    :mod:`lungelab.plausibility`); False means the forces must not be used."""
    plate_kg = _plaus.mass_from_plates(total_fy, standing, G)
    summary["mass_from_plates_kg"] = plate_kg
    if plate_kg is None:
        return True
    lo, hi = _plaus.MASS_RANGE_KG
    if reference_kg is None:
        if lo <= plate_kg <= hi:
            return True
        _plaus.warn(source, f"the vertical force while standing gives a {plate_kg:.3g} kg "
                    f"subject (plausible {lo:g}-{hi:g} kg): wrong vertical axis, force unit "
                    "or sign in the force file? forces ignored", checks)
        return False
    ratio = plate_kg / reference_kg
    rlo, rhi = _plaus.MASS_RATIO_LIMITS
    if not rlo <= ratio <= rhi:
        _plaus.warn(source, f"the vertical force while standing gives {plate_kg:.3g} kg but "
                    f"the subject mass is {reference_kg:.4g} kg (ratio {ratio:.3g}): wrong "
                    "vertical axis, force unit or sign, the wrong subject, or not standing on "
                    "the plates? forces ignored",
                    checks)
        return False
    if abs(ratio - 1.0) > _plaus.MASS_TOLERANCE:
        _plaus.warn(source, f"the vertical force while standing gives {plate_kg:.3g} kg, "
                    f"{ratio - 1.0:+.0%} from the subject mass {reference_kg:.4g} kg: a foot "
                    "off the plates, plate calibration, or the wrong mass? moments use "
                    f"{reference_kg:.4g} kg", checks)
    return True


def analyze_trial(trial: Trial, subject: Subject | None = None, *,
                  mass_kg: float | None = None, height_m: float | None = None,
                  sex: str | None = None, rules: tuple[_form.FormRule, ...] | None = None,
                  cutoff_hz: float = 6.0, contact_area_model: str = "quartic",
                  prescription: _form.Prescription | None = None,
                  return_series: bool = False):
    """Per-repetition form report of a trial.

    Parameters
    ----------
    trial : Trial
        Markers (joint centres or skin markers, see :data:`LANDMARK_ALIASES`) and,
        optionally, ground reactions (see the module docstring).
    subject : Subject, optional
        Overrides everything below; else mass, height and sex come from the arguments,
        the trial's metadata or estimates (see the module docstring).
    mass_kg, height_m : float, optional
        Body mass (kg) and standing height (m).
    sex : {"male", "female"}, optional
        Anthropometric table column and PFJ contact-area option.
    rules : tuple of FormRule, optional
        Default :data:`lungelab.form.DEFAULT_RULES`.
    cutoff_hz : float
        Low-pass cutoff for markers and forces before inverse dynamics and angles, Hz.
    contact_area_model : {"quartic", "besier2005"}
        PFJ contact-area model (:mod:`lungelab.knee`).
    prescription : Prescription, optional
        For the session summary (default 2-3 sets of 8-12 reps per leg).
    return_series : bool
        Also return the signals over time (third element), for plotting a set.

    Returns
    -------
    reps : pandas.DataFrame
        One row per repetition and working leg, columns :data:`REPORT_COLUMNS` then the
        rules' pass/fail columns.  Empty (same columns) when no repetition is found.
    summary : dict
        JSON-able: ``source``, ``movement``, ``n_frames``, ``rate_hz``, ``subject``
        (values and where they came from), ``force_plates``, ``reps_per_leg``,
        ``partial_reps``, ``not_applicable`` (rule → reason), ``session`` (see
        :func:`lungelab.form.session_summary`) and ``messages``.
    series : pandas.DataFrame
        Only with ``return_series=True``: index ``time_s`` (s); ``hip_height_m`` (the
        depth signal, m above the floor), ``trunk_lean_deg`` and per leg
        (``right_``/``left_`` prefix) ``knee_flexion_deg``, ``grf_vertical_n``,
        ``ankle_moment_nm``, ``knee_moment_nm``, ``hip_moment_nm`` (extensor /
        plantarflexor positive) and ``pfj_stress_mpa`` where available.

    Raises
    ------
    InputRangeError
        If the trial lacks the landmarks needed to find the vertical or to detect
        repetitions.
    """
    from . import knee as _knee
    from .dynamics import inverse_dynamics
    from .processing import (
        detect_reps,
        knee_flexion,
        lowpass,
        trunk_lean,
    )

    if rules is not None and (not isinstance(rules, (list, tuple)) or not all(
            isinstance(r, _form.FormRule) for r in rules)):
        raise InputRangeError("rules", type(rules).__name__,
                              "a tuple of lungelab.form.FormRule or None")
    rules = _form.DEFAULT_RULES if rules is None else tuple(rules)
    if not isinstance(trial, Trial):
        raise InputRangeError("trial", type(trial).__name__, "a lungelab.trial.Trial")
    if subject is not None and not isinstance(subject, Subject):
        raise InputRangeError("subject", type(subject).__name__, "a lungelab.body.Subject")
    mass_kg = _number_or_none("mass_kg", mass_kg, _plaus.MASS_RANGE_KG, "kg")
    height_m = _number_or_none("height_m", height_m, _plaus.HEIGHT_RANGE_M, "m")
    if sex is not None and sex not in ("male", "female"):
        raise InputRangeError("sex", sex, "'male', 'female' or None")
    cutoff_hz = _number_or_none("cutoff_hz", cutoff_hz, (0.1, 1000.0), "Hz")
    source = str(trial.metadata.get("source", ""))
    messages: list[str] = []
    checks: list[str] = []          # plausibility warnings (lungelab.plausibility)
    for name, tt in (("time", trial.time), ("analog_time", trial.analog_time)):
        if len(tt) and not (np.all(np.isfinite(tt)) and np.all(np.diff(tt) > 0)):
            raise DataFileError(source or "trial", "time stamps must be finite and strictly "
                                "increasing (see Trial.check())", field=name)
    meta_mass, meta_height = _metadata_subject(trial, source)
    _check_rates(trial, source, checks)
    trial = _crop_to_markers(trial, messages)
    trial, t, rate = _uniform(trial)
    n = len(t)
    lm = find_landmarks(trial)
    raw_forces = _foot_forces(trial, t, lm, checks=checks)
    floor_hint = None
    frame0 = _sagittal_frame(lm)
    if raw_forces is not None:
        heights = np.concatenate([f["cop"] @ frame0.up for f in raw_forces.values()])
        heights = heights[np.isfinite(heights)]
        if heights.size:
            floor_hint = float(np.median(heights))
    frame = _sagittal_frame(lm, floor_hint)
    summary: dict[str, Any] = {"source": source, "n_frames": int(n), "rate_hz": rate,
                               "landmarks": dict(lm.names),
                               "force_plates": raw_forces is not None}
    # -- depth signal and repetitions ----------------------------------------------
    hips = [lm.legs[s]["hip"] for s in SIDES if "hip" in lm.legs[s]]
    if hips:
        depth_src = "hip joint centres"
        depth = frame.xy(np.mean(hips, axis=0))[:, 1]
    elif lm.pelvis is not None:
        depth_src = "pelvis markers"
        depth = frame.xy(lm.pelvis)[:, 1]
    else:
        raise InputRangeError("markers", sorted(trial.point_names)[:10],
                              "hip joint centres or pelvis markers (ASIS/PSIS/sacrum)",
                              "cannot detect repetitions")
    summary["depth_signal"] = depth_src
    standing = depth >= np.nanpercentile(depth, 90) - 0.02
    summary["height_from_markers_m"] = _plaus.check_length_scale(
        source, _leg_length(lm), float(np.nanmedian(depth[standing])))
    allreps = detect_reps(depth, rate_hz=rate, bottom="min", min_amplitude=MIN_HIP_DROP_M,
                          include_partial=True) if n >= 20 else pd.DataFrame()
    reps = allreps[allreps["complete"]].reset_index(drop=True) if len(allreps) else allreps
    summary["partial_reps"] = int(len(allreps) - len(reps)) if len(allreps) else 0
    if summary["partial_reps"]:
        messages.append(f"{summary['partial_reps']} repetition(s) cut by the start or end of "
                        "the recording were left out")
    # -- legs: sagittal landmarks, angles, forces --------------------------------------
    fs_ok = cutoff_hz < rate / 2
    legs: dict[str, _LegData] = {}
    for s in SIDES:
        if not lm.has(s, "hip", "knee", "ankle", "heel", "toe"):
            continue
        pts = {k: frame.xy(lm.legs[s][k]) for k in ("hip", "knee", "ankle", "heel", "toe")}
        smooth = {k: lowpass(v, rate, cutoff_hz) if fs_ok and n > 20 else v
                  for k, v in pts.items()}
        kf = _deg(knee_flexion(smooth["hip"], smooth["knee"], smooth["ankle"]))
        legs[s] = _LegData(*(smooth[k] for k in ("hip", "knee", "ankle", "heel", "toe")),
                           knee_flexion_deg=kf)
    missing = [s for s in SIDES if s not in legs]
    if missing:
        messages.append(f"no complete hip/knee/ankle/heel/toe set for the {' and '.join(missing)}"
                        " leg: angles and moments of that leg are not available")
    shoulder = frame.xy(lm.shoulder) if lm.shoulder is not None else None
    if shoulder is not None and fs_ok and n > 20:
        shoulder = lowpass(shoulder, rate, cutoff_hz)
    total_fy = None
    plate_standing = np.zeros(n, dtype=bool)
    if raw_forces is not None:
        for s in SIDES:
            F = raw_forces[s]["F"]
            grf = np.column_stack([F @ frame.forward, F @ frame.up])
            cop = frame.xy(np.nan_to_num(raw_forces[s]["cop"]))[:, 0]
            cop = np.where(np.isfinite(raw_forces[s]["cop"]).all(axis=1)
                           & (np.linalg.norm(F, axis=1) >= 20.0), cop, np.nan)
            if s in legs:
                legs[s].grf, legs[s].cop_x = grf, cop
        total_fy = sum(raw_forces[s]["F"] @ frame.up for s in SIDES)
        reference = subject.mass_kg if subject is not None else (
            mass_kg if mass_kg is not None else meta_mass)
        # quiet standing on the plates: hip high, both feet still (so both on the
        # ground; a walk over the plates never has such frames) and the forces recorded
        plate_standing = standing & raw_forces[SIDES[0]]["covered"]
        for s in SIDES:
            still = _foot_still(lm, s, rate)
            plate_standing &= still if still is not None else \
                np.linalg.norm(raw_forces[s]["F"], axis=1) >= 20.0
        if not _forces_agree_with_mass(total_fy, plate_standing, reference, source,
                                       checks, summary):
            raw_forces, total_fy = None, None
            for leg in legs.values():
                leg.grf, leg.cop_x = None, None
    subj, sinfo = _subject(trial, lm, frame, legs, total_fy, standing, subject, mass_kg,
                           height_m, sex, plate_standing)
    summary["subject"] = sinfo
    body_weight = sinfo["mass_kg"] * G
    # -- inverse dynamics --------------------------------------------------------------
    if raw_forces is None:
        messages.append(("force plates not used (see the warnings)" if checks else
                         "no force plates") + ": foot-load shares, joint moments and PFJ "
                        "stress are not available")
    for s, leg in legs.items():
        if leg.grf is None:
            continue
        raw = {k: frame.xy(lm.legs[s][k]) for k in ("hip", "knee", "ankle", "heel", "toe")}
        try:
            mom = inverse_dynamics(t, raw["hip"], raw["knee"], raw["ankle"], raw["heel"],
                                   raw["toe"], np.nan_to_num(leg.grf), leg.cop_x,
                                   segments=subj, body_mass_kg=sinfo["mass_kg"],
                                   cutoff_hz=cutoff_hz if fs_ok else None, facing="+x")
        except LungelabError as exc:
            messages.append(f"{s} leg: inverse dynamics failed ({exc})")
            continue
        leg.moments = mom
        cols = [c for c in ("ankle_moment_nm", "knee_moment_nm", "hip_moment_nm") if c in mom]
        peak = float(np.nanmax(np.abs(mom[cols].to_numpy()), initial=0.0)) if cols else 0.0
        if peak / sinfo["mass_kg"] > _plaus.MAX_MOMENT_NM_PER_KG:
            _plaus.warn(source, f"{s} leg: a joint moment of {peak:.4g} N·m "
                        f"({peak / sinfo['mass_kg']:.3g} N·m/kg) is beyond the plausible "
                        f"{_plaus.MAX_MOMENT_NM_PER_KG:g} N·m/kg: check the length and force "
                        "units and the subject mass", checks)
        chain = _knee.pfj_chain(mom["knee_moment_nm"].to_numpy(), leg.knee_flexion_deg,
                                contact_area_model, subj.sex)
        leg.pfj_stress_mpa = chain["pfj_stress_mpa"]
    # -- per repetition ----------------------------------------------------------------
    rows: list[dict[str, Any]] = []
    classes = _classify(legs, reps, total_fy, body_weight, rate) if len(reps) else []
    half_b, half_f = max(1, int(round(0.05 * rate))), max(1, int(round(0.1 * rate)))
    counters: dict[str, int] = {}
    trunk = None
    if shoulder is not None and hips:
        hip_mid = np.mean([legs[s].hip for s in legs], axis=0) if legs else \
            frame.xy(np.mean(hips, axis=0))
        trunk = _deg(trunk_lean(hip_mid, shoulder))
    for k, ((_, r), (movement, front)) in enumerate(zip(reps.iterrows(), classes,
                                                        strict=True)):
        i0, ib, i1 = int(r["i_start"]), int(r["i_bottom"]), int(r["i_end"])
        wb, wf, span = _window(ib, half_b, n), _window(ib, half_f, n), slice(i0, i1 + 1)
        work = [front] if front is not None else [s for s in SIDES if s in legs]
        if front is not None and front not in legs:
            work = []
        for leg_name in work:
            leg = legs[leg_name]
            rear = legs.get("left" if leg_name == "right" else "right") \
                if front is not None else None
            counters[leg_name] = counters.get(leg_name, 0) + 1
            vf = leg.grf[wf, 1] if leg.grf is not None else None
            share = float("nan")
            if vf is not None and total_fy is not None:
                tot = total_fy[wf]
                share = float(np.mean(vf) / np.mean(tot)) if np.mean(tot) > 0 else float("nan")
            mom = leg.moments
            knee_m = mom["knee_moment_nm"].to_numpy() if mom is not None else None
            hip_m = mom["hip_moment_nm"].to_numpy() if mom is not None else None
            row = {
                "source": source, "leg": leg_name, "rep": counters[leg_name],
                "rep_index": k + 1, "movement": movement,
                "t_start_s": float(r["t_start"]), "t_bottom_s": float(r["t_bottom"]),
                "t_end_s": float(r["t_end"]),
                "knee_flexion_deg": float(np.mean(leg.knee_flexion_deg[wb])),
                "rear_knee_flexion_deg": float(np.mean(rear.knee_flexion_deg[wb]))
                if rear is not None else float("nan"),
                "knee_past_toes_m": float(np.mean(leg.knee[wb, 0] - leg.toe[wb, 0])),
                "trunk_lean_deg": float(np.mean(trunk[wb])) if trunk is not None
                else float("nan"),
                "rear_knee_height_m": float(np.mean(rear.knee[wb, 1]))
                if rear is not None else float("nan"),
                "hip_drop_m": float(r["depth"]),
                "descent_s": float(r["descent_s"]), "hold_s": float(r["hold_s"]),
                "ascent_s": float(r["ascent_s"]), "duration_s": float(r["duration_s"]),
                "heel_share": _heel_share(leg, wf, subj.ball_fraction),
                "leg_share": share,
                "peak_knee_extensor_moment_nm": _peak(knee_m, span),
                "peak_pfj_stress_mpa": _peak(leg.pfj_stress_mpa, span),
                "peak_hip_extensor_moment_nm": _peak(hip_m, span),
            }
            row["peak_knee_extensor_moment_nm_per_kg"] = \
                row["peak_knee_extensor_moment_nm"] / sinfo["mass_kg"]
            row["peak_hip_extensor_moment_nm_per_kg"] = \
                row["peak_hip_extensor_moment_nm"] / sinfo["mass_kg"]
            rows.append(row)
    table = pd.DataFrame(rows, columns=list(REPORT_COLUMNS))
    table = _form.apply_rules(table, rules)
    # -- summary -----------------------------------------------------------------------
    moves = [c[0] for c in classes]
    movement = max(set(moves), key=moves.count) if moves else "none"
    summary["movement"] = movement
    summary["repetitions"] = int(len(reps))
    summary["reps_per_leg"] = {str(k): int(v) for k, v in
                               table["leg"].value_counts().sort_index().items()}
    if not len(reps):
        rng = float(np.nanmax(depth) - np.nanmin(depth))
        if rng < _plaus.STILL_RANGE_M:
            _plaus.warn(source, f"the {depth_src} height changes by only {rng * 1000:.1f} mm "
                        "over the whole recording: the subject stood still (or the markers "
                        "are frozen)", checks)
        messages.insert(0, f"no repetitions found: the {depth_src} height never dropped by "
                        f"{MIN_HIP_DROP_M:g} m or more between two stands (its range is "
                        f"{rng:.3f} m); this looks like walking or standing, not lunges or "
                        "squats")
    na: dict[str, str] = {}
    if movement in ("squat", "sit_to_stand"):
        for rule in rules:
            if movement not in rule.applies_to:
                na[rule.name] = (f"a {movement.replace('_', '-')} is bilateral: 'front leg' and "
                                 "'rear leg' are undefined (feet side by side), so this lunge "
                                 "rule does not apply; each leg is reported separately")
    elif movement == "none":
        for rule in rules:
            na[rule.name] = "no repetitions"
    for rule in rules:
        if rule.name in na or rule.needs != "force plates" or raw_forces is not None:
            continue
        na[rule.name] = "needs force plates"
    summary["not_applicable"] = na
    summary["warnings"] = checks
    session = _form.session_summary(table, rules, prescription)
    summary["session"] = session
    summary["messages"] = messages + [m for m in session.get("messages", [])
                                      if m not in messages and m != "no repetitions found"]
    if not return_series:
        return table, summary
    cols: dict[str, np.ndarray] = {"hip_height_m": depth}
    if trunk is not None:
        cols["trunk_lean_deg"] = trunk
    for s, leg in legs.items():
        cols[f"{s}_knee_flexion_deg"] = leg.knee_flexion_deg
        if leg.grf is not None:
            cols[f"{s}_grf_vertical_n"] = leg.grf[:, 1]
        if leg.moments is not None:
            for j in ("ankle", "knee", "hip"):
                cols[f"{s}_{j}_moment_nm"] = leg.moments[f"{j}_moment_nm"].to_numpy()
            cols[f"{s}_pfj_stress_mpa"] = leg.pfj_stress_mpa
    series = pd.DataFrame(cols, index=pd.Index(t, name="time_s"))
    return table, summary, series


def analyze_file(path: str | os.PathLike[str], subject: Subject | None = None,
                 **kwargs: Any):
    """Read any supported file (:func:`lungelab.datasets.read_any`, which also picks up a
    TRC file's ``<stem>_grf.mot``) and run :func:`analyze_trial` on it (same returns)."""
    from .datasets import read_any

    trial = read_any(Path(path))
    out = analyze_trial(trial, subject, **kwargs)
    out[1]["source"] = str(path)
    out[0]["source"] = str(path)
    return out
