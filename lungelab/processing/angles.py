r"""Sagittal-plane segment and joint angles from 2-D joint centres or markers.

Frame: x anterior, y superior (ISB, Wu et al. 2002), for a subject facing +x.
If the subject faces −x pass ``facing=-1`` (every x coordinate is mirrored before
the angles are computed, so the signs below keep their anatomical meaning), or let
:func:`detect_facing` read it from the heel→toe direction.  All angles are in
radians, wrapped to (−π, π].

Definitions (subject facing +x, i.e. to the right)::

        S  shoulder (or C7 / any point on the trunk axis)
         \                trunk lean  = angle of H→S from vertical,
          \ ) lean                      + when S is anterior of H (forward lean)
           H  hip         segment angle(lower, upper) = angle of lower→upper from
          /                             +y, + when upper is anterior of lower
         / thigh
        K  knee           knee flexion = shank angle − thigh angle
         \                             (0 straight, + flexed, − hyperextended)
          \ shank         hip flexion  = trunk angle − thigh angle
           A  ankle                    (0 when trunk and thigh are aligned,
           |\                           + when the knee comes forward/up toward the chest)
     heel  Hl--------T toe
           ankle dorsiflexion = 90° − angle from heel→toe to ankle→knee
                                (0 when the shank is perpendicular to the heel→toe
                                 line, + when the shank tilts forward over the foot)

With segment angles :math:`\theta = \operatorname{atan2}(x'_u - x'_l,\; y_u - y_l)`
(:math:`x' = \text{facing}\cdot x`): thigh :math:`\theta_T` = knee→hip, shank
:math:`\theta_S` = ankle→knee, trunk :math:`\theta_R` = hip→shoulder;
knee flexion :math:`= \theta_S - \theta_T`, hip flexion :math:`= \theta_R - \theta_T`,
trunk lean :math:`= \theta_R`.  Example: hip (0, 0.5), knee (0.4, 0.5), ankle (0.4, 0),
shoulder (0, 1) — sitting upright — gives knee flexion 90°, hip flexion 90°.

Notes
-----
* Hip flexion here is the thigh relative to the *trunk* line (hip→shoulder), as
  available from 2-D joint centres; it differs from the ISB pelvis-based hip
  angle by lumbar flexion and pelvic tilt.
* The ankle neutral depends on marker placement: if the heel marker sits higher
  than the toe marker the heel→toe line is tilted and standing reads a few degrees
  off zero.  Subtract a standing-trial offset if needed.

References
----------
Wu G, Siegler S, Allard P, et al. (2002) ISB recommendation on definitions of
joint coordinate system of various joints for the reporting of human joint motion
— part I: ankle, hip, and spine. *J Biomech* 35:543–548.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lungelab.errors import InputRangeError

__all__ = [
    "segment_angle",
    "trunk_lean",
    "knee_flexion",
    "hip_flexion",
    "ankle_dorsiflexion",
    "detect_facing",
    "sagittal_angles",
]


class _Pt:
    """x and y of a point (scalar or per frame) plus the pandas index if any."""

    __slots__ = ("x", "y", "index", "single")

    def __init__(self, x: np.ndarray, y: np.ndarray, index: pd.Index | None, single: bool):
        self.x, self.y, self.index, self.single = x, y, index, single


def _pick_xy_columns(df: pd.DataFrame, name: str) -> tuple[Any, Any]:
    if df.shape[1] == 2:
        cols = list(df.columns)
        low = [str(c).lower() for c in cols]
        if low[0].endswith("y") and low[1].endswith("x"):
            return df[cols[1]], df[cols[0]]
        return df[cols[0]], df[cols[1]]
    xs = [c for c in df.columns if str(c).lower().endswith("x")]
    ys = [c for c in df.columns if str(c).lower().endswith("y")]
    if len(xs) == 1 and len(ys) == 1:
        return df[xs[0]], df[ys[0]]
    raise InputRangeError(f"{name}.columns", list(df.columns),
                          "two columns (x, y) or exactly one column ending in x and one in y")


def _point(p: Any, name: str) -> _Pt:
    """Parse one point argument (see :func:`segment_angle` for accepted forms)."""
    index = None
    if isinstance(p, pd.DataFrame):
        px, py = _pick_xy_columns(p, name)
        index = p.index
        x, y = px.to_numpy(dtype=float), py.to_numpy(dtype=float)
    elif isinstance(p, tuple) and len(p) == 2:
        for comp in p:
            if isinstance(comp, pd.Series):
                index = comp.index
                break
        x = np.asarray(p[0], dtype=float)
        y = np.asarray(p[1], dtype=float)
        if x.shape != y.shape or x.ndim > 1:
            raise InputRangeError(f"{name}", (x.shape, y.shape),
                                  "a tuple (x, y) of two scalars or two 1-D arrays of equal length")
    else:
        try:
            a = np.asarray(p, dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputRangeError(
                name, type(p).__name__,
                "(2,) or (n, 2) array, (x, y) tuple or 2-column DataFrame") from exc
        if a.ndim == 1 and a.shape[0] == 2:
            x, y = a[0], a[1]
        elif a.ndim == 2 and a.shape[1] == 2:
            x, y = a[:, 0], a[:, 1]
        else:
            raise InputRangeError(f"{name}.shape", a.shape,
                                  "(2,) for one frame or (n, 2) for n frames, columns (x, y)",
                                  "pass only the sagittal x (anterior) and y (up) coordinates")
    single = np.ndim(x) == 0
    return _Pt(np.asarray(x, dtype=float), np.asarray(y, dtype=float), index, single)


def _points(**named: Any) -> tuple[dict[str, _Pt], pd.Index | None, bool]:
    pts = {k: _point(v, k) for k, v in named.items()}
    index = next((p.index for p in pts.values() if p.index is not None), None)
    lengths = {k: p.x.size for k, p in pts.items() if not p.single}
    if len(set(lengths.values())) > 1:
        raise InputRangeError("number of frames", lengths, "the same for every point")
    if index is not None:
        n = len(index)
        for k, p in pts.items():
            if p.index is not None and not p.index.equals(index):
                raise InputRangeError(f"{k}.index", "differs", "the same index for every point")
            if not p.single and p.x.size != n:
                raise InputRangeError(f"len({k})", p.x.size, f"{n} frames")
    single = all(p.single for p in pts.values())
    return pts, index, single


def _facing(facing: Any) -> float:
    if isinstance(facing, bool) or facing not in (1, -1):
        raise InputRangeError("facing", facing, "+1 (subject faces +x) or -1 (faces -x)",
                              "use detect_facing(heel, toe) to find it")
    return float(facing)


def _wrap(a: np.ndarray) -> np.ndarray:
    w = np.mod(a + np.pi, 2 * np.pi) - np.pi
    return np.where(w == -np.pi, np.pi, w)


def _out(values: np.ndarray, index: pd.Index | None, single: bool, name: str) -> Any:
    values = _wrap(np.asarray(values, dtype=float))
    if index is not None:
        return pd.Series(np.broadcast_to(values, (len(index),)).copy(), index=index, name=name)
    if single:
        return float(values)
    return values


def _seg(lower: _Pt, upper: _Pt, f: float) -> np.ndarray:
    return np.arctan2(f * (upper.x - lower.x), upper.y - lower.y)


def segment_angle(lower: Any, upper: Any, facing: int = 1) -> Any:
    """Angle of the segment lower→upper from the vertical (+y), in rad.

    Parameters
    ----------
    lower, upper : point
        The segment's lower (e.g. distal) and upper end, in m (any length unit).
        A point is one of: a ``(2,)`` array (one frame); an ``(n, 2)`` array with
        columns (x, y); a tuple ``(x, y)`` of scalars, arrays or Series; a DataFrame
        with two columns (x, y), or with one column ending in ``x``/``X`` and one in
        ``y``/``Y``.
    facing : {1, -1}, default 1
        Direction the subject faces along x.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Angle in (−π, π]; 0 when upper is straight above lower, positive when upper
        is anterior of lower (segment tilted forward), ±π/2 when horizontal.
        A Series (index of the pandas input) if any input is a pandas object.
    """
    f = _facing(facing)
    p, index, single = _points(lower=lower, upper=upper)
    return _out(_seg(p["lower"], p["upper"], f), index, single, "segment_angle")


def trunk_lean(hip: Any, shoulder: Any, facing: int = 1) -> Any:
    """Trunk lean from vertical, rad: angle of hip→shoulder, positive forward.

    ``shoulder`` may be any point on the trunk's long axis above the hip (shoulder
    joint centre, mid-shoulder, C7).  Point forms and ``facing`` as in
    :func:`segment_angle`.
    """
    f = _facing(facing)
    p, index, single = _points(hip=hip, shoulder=shoulder)
    return _out(_seg(p["hip"], p["shoulder"], f), index, single, "trunk_lean")


def knee_flexion(hip: Any, knee: Any, ankle: Any, facing: int = 1) -> Any:
    """Sagittal knee flexion, rad: shank angle minus thigh angle.

    Parameters
    ----------
    hip, knee, ankle : point
        Joint centres (or lateral markers), forms as in :func:`segment_angle`.
    facing : {1, -1}, default 1
        Direction the subject faces along x (see :func:`detect_facing`).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        0 with hip, knee and ankle in line; positive flexion (the ankle moves
        posterior of the hip–knee line, e.g. π/2 sitting on a chair), negative for
        hyperextension.
    """
    f = _facing(facing)
    p, index, single = _points(hip=hip, knee=knee, ankle=ankle)
    val = _seg(p["ankle"], p["knee"], f) - _seg(p["knee"], p["hip"], f)
    return _out(val, index, single, "knee_flexion")


def hip_flexion(shoulder: Any, hip: Any, knee: Any, facing: int = 1) -> Any:
    """Sagittal hip flexion of the thigh relative to the trunk line, rad.

    Parameters
    ----------
    shoulder : point
        A point on the trunk axis above the hip (shoulder joint centre, C7, ...).
    hip, knee : point
        Hip and knee joint centres.  Forms as in :func:`segment_angle`.
    facing : {1, -1}, default 1
        Direction the subject faces along x.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Trunk angle minus thigh angle: 0 when shoulder, hip and knee are in line
        (upright stance), positive flexion (knee forward/up toward the chest or trunk
        bent forward over the thigh; π/2 sitting upright), negative extension (thigh
        behind the trunk line, e.g. the rear leg of a lunge).
    """
    f = _facing(facing)
    p, index, single = _points(shoulder=shoulder, hip=hip, knee=knee)
    val = _seg(p["hip"], p["shoulder"], f) - _seg(p["knee"], p["hip"], f)
    return _out(val, index, single, "hip_flexion")


def detect_facing(heel: Any, toe: Any) -> int:
    """Facing direction along x from the heel→toe direction.

    Parameters
    ----------
    heel, toe : point
        Heel and toe markers (forms as in :func:`segment_angle`); over several frames
        the median heel→toe x difference decides.

    Returns
    -------
    int
        +1 if the toe is anterior (+x) of the heel, −1 if it is at −x.

    Raises
    ------
    InputRangeError
        If the median heel→toe x difference is zero or NaN (foot along y).
    """
    p, _, _ = _points(heel=heel, toe=toe)
    diff = np.atleast_1d(p["toe"].x - p["heel"].x)
    dx = np.nanmedian(diff) if np.isfinite(diff).any() else np.nan
    if not np.isfinite(dx) or dx == 0:
        raise InputRangeError("toe.x - heel.x", dx, "a non-zero median (foot along x)",
                              "pass facing=+1 or -1 explicitly")
    return 1 if dx > 0 else -1


def ankle_dorsiflexion(knee: Any, ankle: Any, heel: Any, toe: Any,
                       facing: int | None = None) -> Any:
    """Sagittal ankle dorsiflexion, rad: shank relative to the heel→toe line.

    Parameters
    ----------
    knee, ankle : point
        Knee and ankle joint centres (shank axis).
    heel, toe : point
        Heel and toe markers (foot line).  Forms as in :func:`segment_angle`.
    facing : {1, -1} or None, default None
        Direction the subject faces along x; None detects it from heel→toe
        (:func:`detect_facing`).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        π/2 minus the angle from the heel→toe vector to the ankle→knee vector:
        0 when the shank is perpendicular to the heel→toe line (neutral), positive
        dorsiflexion when the shank tilts forward over the foot (knee over toes),
        negative plantarflexion.
    """
    f = float(detect_facing(heel, toe)) if facing is None else _facing(facing)
    p, index, single = _points(knee=knee, ankle=ankle, heel=heel, toe=toe)
    ux, uy = f * (p["toe"].x - p["heel"].x), p["toe"].y - p["heel"].y
    wx, wy = f * (p["knee"].x - p["ankle"].x), p["knee"].y - p["ankle"].y
    alpha = np.arctan2(ux * wy - uy * wx, ux * wx + uy * wy)
    return _out(np.pi / 2 - alpha, index, single, "ankle_dorsiflexion")


def sagittal_angles(points: Mapping[str, Any], facing: int | None = None) -> pd.DataFrame:
    """All angles computable from a set of named points, as a DataFrame (rad).

    Parameters
    ----------
    points : mapping
        Keys among ``"shoulder"``, ``"hip"``, ``"knee"``, ``"ankle"``, ``"heel"``,
        ``"toe"``; values are points (forms as in :func:`segment_angle`) with the
        same number of frames.
    facing : {1, -1} or None, default None
        None: detected from ``heel``/``toe`` if both are given, else +1.

    Returns
    -------
    pandas.DataFrame
        Columns among ``trunk_lean``, ``thigh_angle``, ``shank_angle``,
        ``hip_flexion``, ``knee_flexion``, ``ankle_dorsiflexion`` (only those whose
        points are present), one row per frame; index from the pandas inputs if any.
    """
    known = {"shoulder", "hip", "knee", "ankle", "heel", "toe"}
    unknown = set(points) - known
    if unknown:
        raise InputRangeError("points keys", sorted(unknown), f"names among {sorted(known)}")
    if facing is None:
        facing = detect_facing(points["heel"], points["toe"]) if {"heel", "toe"} <= set(
            points) else 1
    has = set(points)
    cols: dict[str, Any] = {}
    if {"hip", "shoulder"} <= has:
        cols["trunk_lean"] = trunk_lean(points["hip"], points["shoulder"], facing)
    if {"knee", "hip"} <= has:
        cols["thigh_angle"] = segment_angle(points["knee"], points["hip"], facing)
    if {"ankle", "knee"} <= has:
        cols["shank_angle"] = segment_angle(points["ankle"], points["knee"], facing)
    if {"shoulder", "hip", "knee"} <= has:
        cols["hip_flexion"] = hip_flexion(points["shoulder"], points["hip"], points["knee"],
                                          facing)
    if {"hip", "knee", "ankle"} <= has:
        cols["knee_flexion"] = knee_flexion(points["hip"], points["knee"], points["ankle"],
                                            facing)
    if {"knee", "ankle", "heel", "toe"} <= has:
        cols["ankle_dorsiflexion"] = ankle_dorsiflexion(points["knee"], points["ankle"],
                                                        points["heel"], points["toe"], facing)
    if not cols:
        raise InputRangeError("points keys", sorted(has), "enough points for at least one angle")
    index = next((v.index for v in cols.values() if isinstance(v, pd.Series)), None)
    data = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in cols.items()}
    return pd.DataFrame(data, index=index)
