"""Dynamics: 2-D (sagittal) Newton-Euler inverse dynamics of one leg over time.

The leg is three rigid segments, foot, shank and thigh, linked by hinge joints at
the ankle, knee and hip.  Given the trajectories of the joint centres and of two
foot landmarks, the ground reaction force (GRF) under that foot and the segments'
inertial parameters, :func:`inverse_dynamics` solves the Newton-Euler equations
segment by segment from the foot upwards ("bottom-up") and returns the net joint
forces and internal net joint moments, vectorised over all frames.

Conventions
-----------
* Sagittal plane, x anterior, y up, z out of the page (right-handed): a
  counter-clockwise (CCW) rotation and moment are positive.  Coordinates in m,
  forces in N, moments in N·m, time in s, angles in rad.
* The equations are solved for a subject **facing +x**.  Data of a subject facing
  -x are mirrored first (x -> -x for every position, the GRF's x component and the
  centre of pressure; the free moment changes sign), so every x output is
  *anterior* for the subject.
* Internal net joint moments are reported **extensor / plantarflexor positive**:

  - ankle plantarflexor moment = -Mz of the moment exerted by the shank on the foot;
  - knee extensor moment = +Mz of the moment exerted by the thigh on the shank;
  - hip extensor moment = -Mz of the moment exerted by the pelvis on the thigh.

* Joint forces ``<joint>_force_x_n`` / ``_y_n`` are the forces exerted **by the
  proximal segment on the distal one** at that joint (by the shank on the foot at
  the ankle, by the thigh on the shank at the knee, by the pelvis on the thigh at the
  hip), in the subject-facing frame.

Equations (Winter 2009, ch. 5; every segment, P its proximal and D its distal joint,
C its centre of mass (COM), g = (0, -9.80665) m/s²)::

    F_P = m a_C - m g - F_D
    M_P = I α - M_D - (P - C) × F_P - (D - C) × F_D

with F_D, M_D the load on the segment's distal end: the GRF and the free moment for
the foot (applied at the centre of pressure), and minus the proximal load of the
segment below for the shank and the thigh (Newton's third law).

Kinematics: segment COMs are placed on the landmark lines with the segments'
``com_fraction`` (from the proximal end; from the heel for the foot); linear and
angular accelerations come from central differences of the (optionally low-passed)
trajectories.  With all accelerations zero the result reduces to quasi-static
equilibrium, computed independently by :func:`static_joint_moments`.

Filtering choice: kinematics can be low-passed with a zero-lag Butterworth filter
(``cutoff_hz``).  If the GRF is left unfiltered while the markers are smoothed, the
sharp rise of the GRF at heel strike meets smoothed segment accelerations that
cannot balance it and the knee and hip moments show spurious impact peaks (Bisseling
& Hof 2006, *J Biomech* 39:2438-2444; Kristianslund, Krosshaug & van den Bogert
2012, *J Biomech* 45:666-671).  The default, ``filter_grf=True``, therefore filters
the GRF at the same cutoff as the markers, as recommended by Kristianslund et al.;
set ``filter_grf=False`` to keep the raw (or externally pre-filtered) GRF.  The GRF
is filtered as force and moment about the origin (not as the centre of pressure,
which is undefined and noisy at small loads) — the moment is linear in the load, so
this is the exact analogue of filtering the markers.

Sources
-------
Winter D.A. (2009) *Biomechanics and Motor Control of Human Movement*, 4th ed.,
Wiley, ch. 2 (filtering), ch. 5 (link-segment model, inverse dynamics).
Harrington M.E. et al. (2007) *J Biomech* 40(3):595-602 (hip joint centre regression).
Ehrig R.M. et al. (2006) *J Biomech* 39(15):2798-2809 (SCoRE functional joint centre).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from .body import G, Subject, segment_table
from .errors import InputRangeError
from .processing.derivatives import derivative
from .processing.filters import lowpass

__all__ = [
    "SEGMENTS",
    "inverse_dynamics",
    "static_joint_moments",
    "harrington_hip_centre",
    "functional_joint_centre",
]

SEGMENTS = ("foot", "shank", "thigh")
"""Leg segments, distal to proximal."""

_JOINTS = ("ankle", "knee", "hip")
_GRAVITY = np.array([0.0, -G])

Array = NDArray[np.float64]


# ---------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------
def _describe(value: object) -> object:
    """A short stand-in for an array in an error message."""
    if isinstance(value, np.ndarray):
        return f"<array shape={value.shape}>"
    return value


def _as_time(time: ArrayLike) -> Array:
    try:
        t = np.asarray(time, dtype=float)
    except (TypeError, ValueError):
        raise InputRangeError("time", _describe(time), "a 1-D array of numbers, s") from None
    if t.ndim != 1 or t.size < 3:
        raise InputRangeError("time", _describe(t), "a 1-D array of at least 3 samples, s")
    if not np.all(np.isfinite(t)):
        bad = int(np.flatnonzero(~np.isfinite(t))[0])
        raise InputRangeError("time", _describe(t), "finite values, s",
                              f"non-finite value at sample {bad}")
    dt = np.diff(t)
    if np.any(dt <= 0):
        bad = int(np.flatnonzero(dt <= 0)[0])
        raise InputRangeError("time", _describe(t), "strictly increasing values, s",
                              f"time[{bad + 1}]={t[bad + 1]!r} <= time[{bad}]={t[bad]!r}")
    return t


def _as_points(name: str, value: ArrayLike, n: int, *, allow_nan: bool = False) -> Array:
    """Return ``value`` as an (n, 2) float array or raise naming ``name``."""
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputRangeError(name, _describe(value), f"an ({n}, 2) array of numbers") from None
    if a.shape != (n, 2):
        hint = "project 3-D data to the sagittal plane first" if a.ndim == 2 and \
            a.shape[1] == 3 else "one row per time sample, columns (x, y)"
        raise InputRangeError(name, _describe(a), f"an array of shape ({n}, 2)", hint)
    if not allow_nan and not np.all(np.isfinite(a)):
        bad = int(np.flatnonzero(~np.all(np.isfinite(a), axis=1))[0])
        raise InputRangeError(name, _describe(a), "finite values",
                              f"NaN or inf at sample {bad}")
    return a


def _as_series(name: str, value: ArrayLike, n: int) -> Array:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputRangeError(name, _describe(value), f"a ({n},) array of numbers") from None
    if a.shape == ():
        a = np.full(n, float(a))
    if a.shape != (n,):
        raise InputRangeError(name, _describe(a), f"an array of shape ({n},)")
    if not np.all(np.isfinite(a)):
        bad = int(np.flatnonzero(~np.isfinite(a))[0])
        raise InputRangeError(name, _describe(a), "finite values", f"NaN or inf at sample {bad}")
    return a


def _positive(name: str, value: object, unit: str, *, allow_zero: bool = False) -> float:
    ok = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)
    v = float(value) if ok else float("nan")  # type: ignore[arg-type]
    if not ok or not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        rng = ">= 0" if allow_zero else "> 0"
        raise InputRangeError(name, value, f"a finite number {rng} {unit}".rstrip())
    return v


def _finite(name: str, value: object, unit: str) -> float:
    ok = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)
    if not ok or not np.isfinite(float(value)):  # type: ignore[arg-type]
        raise InputRangeError(name, value, f"a finite number, {unit}")
    return float(value)  # type: ignore[arg-type]


def _segment_parameters(segments: Subject | Mapping[str, Mapping[str, float]],
                        need_length: bool) -> dict[str, dict[str, float]]:
    if isinstance(segments, Subject):
        segments = segment_table(segments)
    if not isinstance(segments, Mapping):
        raise InputRangeError("segments", segments,
                              "a Subject or a mapping like body.segment_table(subject)")
    out: dict[str, dict[str, float]] = {}
    for seg in SEGMENTS:
        if seg not in segments or not isinstance(segments[seg], Mapping):
            raise InputRangeError("segments", _describe(segments),
                                  f"a mapping with entries {SEGMENTS}", f"{seg!r} is missing")
        p = segments[seg]
        vals: dict[str, float] = {}
        for key, unit in (("mass_kg", "kg"), ("inertia_kgm2", "kg·m²")):
            if key not in p:
                raise InputRangeError(f"segments[{seg!r}][{key!r}]", None,
                                      f"a number >= 0 {unit}", "missing")
            vals[key] = _positive(f"segments[{seg!r}][{key!r}]", p[key], unit, allow_zero=True)
        c = p.get("com_fraction")
        if isinstance(c, bool) or not isinstance(c, (int, float, np.floating)) \
                or not 0.0 <= float(c) <= 1.0:
            raise InputRangeError(f"segments[{seg!r}]['com_fraction']", c,
                                  "a number in [0, 1] (from the proximal end)")
        vals["com_fraction"] = float(c)
        if seg == "foot" and need_length:
            if "length_m" not in p:
                raise InputRangeError("segments['foot']['length_m']", None, "a number > 0 m",
                                      "needed when foot_distal='ball'")
            vals["length_m"] = _positive("segments['foot']['length_m']", p["length_m"], "m")
        out[seg] = vals
    return out


# ---------------------------------------------------------------------------
# geometry helpers
# ---------------------------------------------------------------------------
def _cross(a: Array, b: Array) -> Array:
    """z component of the 2-D cross product a × b, row by row."""
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


def _angle(v: Array) -> Array:
    """Unwrapped CCW angle of the vectors ``v`` from +x, rad."""
    return np.unwrap(np.arctan2(v[:, 1], v[:, 0]))


# ---------------------------------------------------------------------------
# inverse dynamics
# ---------------------------------------------------------------------------
def _resolve_facing(facing: str, heel: Array, toe: Array) -> float:
    if facing == "+x":
        return 1.0
    if facing == "-x":
        return -1.0
    if facing != "auto":
        raise InputRangeError("facing", facing, "'auto', '+x' or '-x'")
    dx = float(np.median(toe[:, 0] - heel[:, 0]))
    if abs(dx) < 1e-6:
        raise InputRangeError("facing", facing, "'+x' or '-x'",
                              "cannot detect the facing direction: the heel-to-toe vector "
                              "has no median x component; pass facing explicitly")
    return 1.0 if dx > 0 else -1.0


def _mirror(p: Array, sign: float) -> Array:
    if sign > 0:
        return p
    q = p.copy()
    q[:, 0] = -q[:, 0]
    return q


def inverse_dynamics(
    time: ArrayLike,
    hip: ArrayLike,
    knee: ArrayLike,
    ankle: ArrayLike,
    heel: ArrayLike,
    toe: ArrayLike,
    grf: ArrayLike | None = None,
    cop: ArrayLike | None = None,
    *,
    segments: Subject | Mapping[str, Mapping[str, float]],
    free_moment: ArrayLike | None = None,
    body_mass_kg: float | None = None,
    cutoff_hz: float | None = None,
    filter_order: int = 2,
    filter_grf: bool = True,
    facing: str = "auto",
    foot_distal: str = "toe",
    contact_threshold_n: float = 20.0,
    floor_y_m: float = 0.0,
) -> pd.DataFrame:
    """Net joint forces and moments of one leg by 2-D Newton-Euler inverse dynamics.

    Parameters
    ----------
    time : array_like, shape (N,)
        Sample times, s, strictly increasing (uniform if ``cutoff_hz`` is given).
    hip, knee, ankle : array_like, shape (N, 2)
        Joint-centre trajectories (x, y), m, in the sagittal plane.
    heel, toe : array_like, shape (N, 2)
        Foot landmarks (x, y), m: the heel and the toe tip (or the ball of the foot,
        see ``foot_distal``).  The heel-to-toe vector also tells which way the
        subject faces (``facing="auto"``).
    grf : array_like, shape (N, 2), optional
        Ground reaction force (x, y) acting *on this foot*, N.  ``None`` means no
        ground contact at all (a swinging leg).
    cop : array_like, shape (N,) or (N, 2), optional
        Centre of pressure, m: its x coordinate (then y = ``floor_y_m``) or (x, y).
        NaN is allowed on frames without contact (|GRF| < ``contact_threshold_n``).
        Required when ``grf`` is given.
    segments : Subject or mapping
        A :class:`lungelab.body.Subject` (its :func:`lungelab.body.segment_table`
        is used) or a mapping ``{"foot"|"shank"|"thigh": {"mass_kg", "com_fraction",
        "inertia_kgm2"[, "length_m"]}}``: mass, kg; COM position from the proximal
        joint (hip for the thigh, knee for the shank, heel for the foot) as a
        fraction of the landmark distance; moment of inertia about the COM, kg·m².
    free_moment : array_like, shape (N,), optional
        Free moment of the GRF about the z axis (CCW positive, lab frame), N·m.
    body_mass_kg : float, optional
        Body mass, kg, for the ``*_nm_per_kg`` columns; defaults to
        ``segments.mass_kg`` when ``segments`` is a Subject.
    cutoff_hz : float, optional
        -3 dB cutoff (Hz) of the zero-lag Butterworth low-pass applied to all landmark
        trajectories before differentiation
        (:func:`lungelab.processing.filters.lowpass`, cutoff corrected for the double
        pass); ``None`` (default) uses the data as given.  6 Hz is usual for gait and
        lunge markers (Winter 2009).
    filter_order : int
        Order of the single-pass Butterworth design, default 2 (the forward-backward
        pass makes it a 4th-order zero-lag filter).
    filter_grf : bool
        When ``cutoff_hz`` is given, also low-pass the GRF (force and its moment about
        the origin) at the same cutoff — default True, to avoid impact artefacts
        (see the module docstring).  Ignored without ``cutoff_hz``.
    facing : {"auto", "+x", "-x"}
        Direction the subject faces.  ``"auto"``: the sign of the median heel-to-toe
        x component.  Data facing -x are mirrored (module docstring).
    foot_distal : {"toe", "ball"}
        What ``toe`` marks.  ``"toe"``: the toe tip; the foot COM is at
        ``com_fraction`` of the heel-toe distance.  ``"ball"``: the ball of the foot;
        the COM is ``com_fraction * segments["foot"]["length_m"]`` from the heel
        along the heel-ball line.
    contact_threshold_n : float
        GRF magnitudes below this (N) are set to exactly zero (foot off the plate;
        swing-phase moments then come from gravity and inertia only).  Default 20 N.
    floor_y_m : float
        Height of the contact surface, m, used when ``cop`` holds x only.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``time_s``.  Columns:

        * ``ankle_moment_nm``, ``knee_moment_nm``, ``hip_moment_nm``: internal net
          joint moments, N·m, plantarflexor / knee extensor / hip extensor positive;
          ``*_moment_nm_per_kg`` the same divided by the body mass (if known).
        * ``{ankle,knee,hip}_force_{x,y}_n``: force exerted by the proximal on the
          distal segment at the joint, N, x anterior.
        * ``grf_x_n``, ``grf_y_n``: the (mirrored, thresholded, possibly filtered)
          GRF used, N; ``in_contact``: |raw GRF| >= ``contact_threshold_n`` (bool).
        * ``{foot,shank,thigh}_angle_rad``: CCW angle from the anterior axis of the
          heel->toe, ankle->knee and knee->hip vectors, rad (unwrapped).
        * ``knee_flexion_rad`` = thigh - shank angle (0 straight, flexion positive);
          ``ankle_dorsiflexion_rad`` = pi/2 - (shank - foot angle) (0 when the
          heel-toe line is perpendicular to the shank, dorsiflexion positive).
        * ``{foot,shank,thigh}_omega_rad_s``: segment angular velocities, rad/s.

    Raises
    ------
    InputRangeError
        Wrong shapes, NaN/inf values, non-increasing time, bad segment parameters
        or options; the message names the argument.

    Notes
    -----
    The moment of a segment about its COM uses the sagittal moment of inertia; the
    segment is a rigid body whose orientation is the landmark line.  Accelerations
    are central differences (:func:`lungelab.processing.derivatives.derivative`:
    three-point stencils; the first and last frames copy their neighbour's second
    derivative, so they are less accurate).  With zero accelerations the result equals
    :func:`static_joint_moments` (quasi-static equilibrium).
    """
    t = _as_time(time)
    n = t.size
    pts = {name: _as_points(name, value, n) for name, value in
           (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel), ("toe", toe))}
    if foot_distal not in ("toe", "ball"):
        raise InputRangeError("foot_distal", foot_distal, "'toe' or 'ball'")
    seg = _segment_parameters(segments, need_length=foot_distal == "ball")
    thr = _positive("contact_threshold_n", contact_threshold_n, "N", allow_zero=True)
    floor = _finite("floor_y_m", floor_y_m, "m")
    if body_mass_kg is None and isinstance(segments, Subject):
        body_mass_kg = segments.mass_kg
    mass = None if body_mass_kg is None else _positive("body_mass_kg", body_mass_kg, "kg")
    if not isinstance(filter_grf, (bool, np.bool_)):
        raise InputRangeError("filter_grf", filter_grf, "True or False")

    force, cop_xy, torque, in_contact = _ground_load(grf, cop, free_moment, n, thr, floor)
    sign = _resolve_facing(facing, pts["heel"], pts["toe"])
    pts = {name: _mirror(p, sign) for name, p in pts.items()}
    force, cop_xy, torque = _mirror(force, sign), _mirror(cop_xy, sign), sign * torque
    # moment of the ground load about the origin (linear in the load: filterable)
    ground_moment = _cross(cop_xy, force) + torque
    if cutoff_hz is not None:
        pts, force, ground_moment = _lowpass_inputs(
            t, pts, force, ground_moment, cutoff_hz, filter_order,
            filter_grf and grf is not None)
    kin = _segment_kinematics(t, pts, seg, foot_distal)
    joints = _newton_euler(pts, kin, seg, force, ground_moment)
    return _result_frame(t, joints, kin, force, in_contact, mass)


def _ground_load(grf: ArrayLike | None, cop: ArrayLike | None, free_moment: ArrayLike | None,
                 n: int, threshold_n: float, floor_y_m: float
                 ) -> tuple[Array, Array, Array, Array]:
    """The ground load on the foot: force (N), COP (m), free moment (N·m), contact flags.

    Frames whose |GRF| is below ``threshold_n`` are off the plate: force, COP and free
    moment are set to exactly zero there.  A NaN COP is an error only on contact frames.
    """
    if grf is None:
        if cop is not None:
            raise InputRangeError("grf", None, "an (N, 2) array when cop is given")
        force = np.zeros((n, 2))
        cop_xy = np.zeros((n, 2))
    else:
        force = _as_points("grf", grf, n)
        if cop is None:
            raise InputRangeError("cop", None, f"an ({n},) or ({n}, 2) array, m",
                                  "needed when grf is given")
        c = np.asarray(cop, dtype=float)
        if c.shape == (n,):
            c = np.column_stack([c, np.full(n, floor_y_m)])
        cop_xy = _as_points("cop", c, n, allow_nan=True)
    torque = np.zeros(n) if free_moment is None else _as_series("free_moment", free_moment, n)
    in_contact = np.hypot(force[:, 0], force[:, 1]) >= threshold_n if threshold_n > 0 else \
        np.any(force != 0, axis=1)
    bad_cop = in_contact & ~np.all(np.isfinite(cop_xy), axis=1)
    if np.any(bad_cop):
        i = int(np.flatnonzero(bad_cop)[0])
        raise InputRangeError("cop", f"<array, NaN at sample {i}>", "finite values",
                              f"the GRF at sample {i} is {np.hypot(*force[i]):.4g} N >= "
                              f"contact_threshold_n={threshold_n:g} N")
    force = np.where(in_contact[:, None], force, 0.0)
    torque = np.where(in_contact, torque, 0.0)
    cop_xy = np.where(in_contact[:, None], cop_xy, 0.0)
    return force, cop_xy, torque, in_contact


def _lowpass_inputs(t: Array, pts: dict[str, Array], force: Array, ground_moment: Array,
                    cutoff_hz: float, filter_order: int, filter_grf: bool
                    ) -> tuple[dict[str, Array], Array, Array]:
    """Landmarks (m) and, optionally, the ground load (N, N·m about the origin) low-passed.

    Zero-lag Butterworth at ``cutoff_hz``; the ground load is filtered as force and
    moment about the origin, both linear in the load, so the COP never blows up.
    """
    cutoff = _positive("cutoff_hz", cutoff_hz, "Hz")
    dt = np.diff(t)
    if np.ptp(dt) > 1e-3 * float(np.mean(dt)):
        raise InputRangeError("time", _describe(t), "uniform sampling when cutoff_hz is given",
                              f"steps range from {dt.min():.6g} to {dt.max():.6g} s")
    fs = 1.0 / float(np.mean(dt))
    names = list(pts)
    stacked = lowpass(np.concatenate([pts[k] for k in names], axis=1), fs, cutoff, filter_order)
    pts = {k: stacked[:, 2 * i:2 * i + 2] for i, k in enumerate(names)}
    if filter_grf:
        load = lowpass(np.column_stack([force, ground_moment]), fs, cutoff, filter_order)
        force, ground_moment = load[:, :2], load[:, 2]
    return pts, force, ground_moment


def _segment_kinematics(t: Array, pts: dict[str, Array], seg: dict[str, dict[str, float]],
                        foot_distal: str) -> dict[str, dict[str, Array]]:
    """Segment COM positions (m) and accelerations (m/s²), angles (rad), ω (rad/s), α (rad/s²).

    Angles are CCW from the anterior axis of heel→toe (foot), ankle→knee (shank) and
    knee→hip (thigh); derivatives are central differences on ``t``.
    """
    foot_axis = pts["toe"] - pts["heel"]
    if foot_distal == "ball":
        norm = np.hypot(foot_axis[:, 0], foot_axis[:, 1])
        if np.any(norm <= 0):
            raise InputRangeError("toe", "<array>", "distinct from heel on every frame")
        foot_com = pts["heel"] + seg["foot"]["com_fraction"] * seg["foot"]["length_m"] * \
            foot_axis / norm[:, None]
    else:
        foot_com = pts["heel"] + seg["foot"]["com_fraction"] * foot_axis
    com = {
        "foot": foot_com,
        "shank": pts["knee"] + seg["shank"]["com_fraction"] * (pts["ankle"] - pts["knee"]),
        "thigh": pts["hip"] + seg["thigh"]["com_fraction"] * (pts["knee"] - pts["hip"]),
    }
    angle = {
        "foot": _angle(foot_axis),
        "shank": _angle(pts["knee"] - pts["ankle"]),
        "thigh": _angle(pts["hip"] - pts["knee"]),
    }
    return {
        "com": com,
        "com_acc": {name: derivative(c, t, n=2) for name, c in com.items()},
        "angle": angle,
        "omega": {name: derivative(a, t, n=1) for name, a in angle.items()},
        "alpha": {name: derivative(a, t, n=2) for name, a in angle.items()},
    }


def _newton_euler(pts: dict[str, Array], kin: dict[str, dict[str, Array]],
                  seg: dict[str, dict[str, float]], force: Array, ground_moment: Array
                  ) -> dict[str, Array]:
    """Joint reaction forces (N) and moments (N·m, lab z, CCW) by the bottom-up recursion.

    For each segment (foot, shank, thigh) Newton and Euler give the load of the
    proximal segment from the distal load already known (the ground for the foot),
    ``m a = F_prox + F_dist + m g`` and ``I α = M_prox + M_dist + (r_prox - c) × F_prox``
    about the segment COM ``c``; the third law passes it up to the next segment.
    """
    proximal = {"foot": pts["ankle"], "shank": pts["knee"], "thigh": pts["hip"]}
    distal = {"shank": pts["ankle"], "thigh": pts["knee"]}
    coms = kin["com"]
    out: dict[str, Array] = {}
    f_dist = force
    # moment of the distal load about the segment's COM, computed per segment below
    m_dist_about_com = ground_moment - _cross(coms["foot"], force)
    for name, joint in zip(SEGMENTS, _JOINTS, strict=True):
        m = seg[name]["mass_kg"]
        inertia = seg[name]["inertia_kgm2"]
        c = coms[name]
        f_prox = m * kin["com_acc"][name] - m * _GRAVITY - f_dist
        m_prox = inertia * kin["alpha"][name] - m_dist_about_com - \
            _cross(proximal[name] - c, f_prox)
        out[f"{joint}_mz"] = m_prox
        out[f"{joint}_force_x_n"] = f_prox[:, 0]
        out[f"{joint}_force_y_n"] = f_prox[:, 1]
        # load of this segment on the next one up (third law), about the next COM
        if name != "thigh":
            upper = SEGMENTS[SEGMENTS.index(name) + 1]
            f_dist = -f_prox
            m_dist_about_com = -m_prox + _cross(distal[upper] - coms[upper], f_dist)
    return out


def _result_frame(t: Array, joints: dict[str, Array], kin: dict[str, dict[str, Array]],
                  force: Array, in_contact: Array, mass: float | None) -> pd.DataFrame:
    """The documented output table: moments in the anatomical sign convention, forces, angles."""
    angles = kin["angle"]
    df = pd.DataFrame(index=pd.Index(t, name="time_s"))
    df["ankle_moment_nm"] = -joints["ankle_mz"]
    df["knee_moment_nm"] = joints["knee_mz"]
    df["hip_moment_nm"] = -joints["hip_mz"]
    if mass is not None:
        for joint in _JOINTS:
            df[f"{joint}_moment_nm_per_kg"] = df[f"{joint}_moment_nm"] / mass
    for joint in _JOINTS:
        df[f"{joint}_force_x_n"] = joints[f"{joint}_force_x_n"]
        df[f"{joint}_force_y_n"] = joints[f"{joint}_force_y_n"]
    df["grf_x_n"] = force[:, 0]
    df["grf_y_n"] = force[:, 1]
    df["in_contact"] = in_contact
    for name in SEGMENTS:
        df[f"{name}_angle_rad"] = angles[name]
    df["knee_flexion_rad"] = angles["thigh"] - angles["shank"]
    df["ankle_dorsiflexion_rad"] = np.pi / 2 - (angles["shank"] - angles["foot"])
    for name in SEGMENTS:
        df[f"{name}_omega_rad_s"] = kin["omega"][name]
    return df


def static_joint_moments(
    hip: ArrayLike,
    knee: ArrayLike,
    ankle: ArrayLike,
    heel: ArrayLike,
    toe: ArrayLike,
    grf: ArrayLike,
    cop: ArrayLike,
    *,
    segments: Subject | Mapping[str, Mapping[str, float]],
    free_moment: ArrayLike | float = 0.0,
    facing: str = "auto",
) -> pd.DataFrame:
    """Quasi-static joint moments: the equilibrium limit of :func:`inverse_dynamics`.

    For each joint J the net internal moment balances the external moment, about J,
    of the GRF and of the weights of all segments distal to J (no inertia)::

        M_ext(J) = (COP - J) × GRF + T_free + Σ_{s distal to J} (C_s - J) × (0, -m_s g)

    and the proximal segment exerts Mz = -M_ext(J) on the distal chain.  In the
    package's sign convention (subject facing +x) this gives

        ankle plantarflexor = +M_ext(ankle)    knee extensor = -M_ext(knee)
        hip extensor = +M_ext(hip)

    This is a direct sum (not the segment-by-segment recursion), so it is an
    independent check of :func:`inverse_dynamics` with frozen kinematics.

    Parameters
    ----------
    hip, knee, ankle, heel, toe : array_like, shape (2,) or (N, 2)
        Joint centres and foot landmarks (x, y), m (toe = toe tip).
    grf : array_like, shape (2,) or (N, 2)
        Ground reaction force on the foot, N.
    cop : array_like, shape (2,) or (N, 2)
        Centre of pressure (x, y), m.
    segments : Subject or mapping
        As in :func:`inverse_dynamics`.
    free_moment : float or array_like, shape (N,)
        Free moment about z, N·m (CCW positive, lab frame).
    facing : {"auto", "+x", "-x"}
        As in :func:`inverse_dynamics`.

    Returns
    -------
    pandas.DataFrame
        Columns ``ankle_moment_nm``, ``knee_moment_nm``, ``hip_moment_nm`` (N·m,
        extensor / plantarflexor positive), one row per frame.
    """
    first = np.asarray(hip, dtype=float)
    n = 1 if first.ndim == 1 else first.shape[0]

    def pts(name: str, v: ArrayLike) -> Array:
        a = np.asarray(v, dtype=float)
        return _as_points(name, a.reshape(1, 2) if a.shape == (2,) else a, n)

    p = {k: pts(k, v) for k, v in (("hip", hip), ("knee", knee), ("ankle", ankle),
                                   ("heel", heel), ("toe", toe), ("grf", grf), ("cop", cop))}
    torque = _as_series("free_moment", free_moment, n)
    seg = _segment_parameters(segments, need_length=False)
    sign = _resolve_facing(facing, p["heel"], p["toe"])
    p = {k: _mirror(v, sign) for k, v in p.items()}
    torque = sign * torque
    coms = {
        "foot": p["heel"] + seg["foot"]["com_fraction"] * (p["toe"] - p["heel"]),
        "shank": p["knee"] + seg["shank"]["com_fraction"] * (p["ankle"] - p["knee"]),
        "thigh": p["hip"] + seg["thigh"]["com_fraction"] * (p["knee"] - p["hip"]),
    }
    result = {}
    for k, joint in enumerate(_JOINTS):
        centre = p[joint]
        m_ext = _cross(p["cop"] - centre, p["grf"]) + torque
        for name in SEGMENTS[:k + 1]:
            weight = seg[name]["mass_kg"] * _GRAVITY
            m_ext = m_ext + _cross(coms[name] - centre, np.broadcast_to(weight, (n, 2)))
        result[f"{joint}_moment_nm"] = -m_ext if joint == "knee" else m_ext
    return pd.DataFrame(result)


# ---------------------------------------------------------------------------
# joint-centre helpers (3-D marker data -> joint centres)
# ---------------------------------------------------------------------------
def harrington_hip_centre(rasis: ArrayLike, lasis: ArrayLike, sacrum: ArrayLike,
                          side: str = "right") -> Array:
    """Hip joint centre from pelvis markers by the Harrington et al. (2007) regression.

    In the pelvis frame (origin at the mid-point of the anterior superior iliac spines
    (ASIS), x anterior, y superior, z to the right), with PW the inter-ASIS distance
    and PD the distance from the ASIS mid-point to the sacral (mid-PSIS) marker, both
    in mm::

        x = -0.24 PD - 9.9     y = -0.30 PW - 10.9     z = ±(0.33 PW + 7.3)

    (Harrington M.E., Zavatsky A.B., Lawson S.E.M., Yuan Z., Theologis T.N. (2007)
    *J Biomech* 40(3):595-602, the equations without leg length.)

    Parameters
    ----------
    rasis, lasis, sacrum : array_like, shape (N, 3)
        Right and left ASIS and sacral (or mid-PSIS) marker positions, m.
    side : {"right", "left"}
        Which hip.

    Returns
    -------
    numpy.ndarray, shape (N, 3)
        Hip joint centre, m, in the markers' frame.
    """
    r = np.asarray(rasis, dtype=float)
    left = np.asarray(lasis, dtype=float)
    s = np.asarray(sacrum, dtype=float)
    for name, a in (("rasis", r), ("lasis", left), ("sacrum", s)):
        if a.ndim != 2 or a.shape[1] != 3 or a.shape != r.shape:
            raise InputRangeError(name, _describe(a), f"an array of shape {r.shape[:1] + (3,)}")
        if not np.all(np.isfinite(a)):
            raise InputRangeError(name, _describe(a), "finite values")
    if side not in ("right", "left"):
        raise InputRangeError("side", side, "'right' or 'left'")
    mid = 0.5 * (r + left)
    z = r - left
    pw = np.linalg.norm(z, axis=1)
    if np.any(pw <= 0) or np.any(np.linalg.norm(mid - s, axis=1) <= 0):
        raise InputRangeError("rasis, lasis, sacrum", "<arrays>",
                              "three distinct pelvis markers on every frame")
    z = z / pw[:, None]
    v = mid - s
    x = v - np.sum(v * z, axis=1)[:, None] * z
    x = x / np.linalg.norm(x, axis=1)[:, None]
    y = np.cross(z, x)
    pd_mm = np.linalg.norm(mid - s, axis=1) * 1000.0
    pw_mm = pw * 1000.0
    hx = (-0.24 * pd_mm - 9.9) / 1000.0
    hy = (-0.30 * pw_mm - 10.9) / 1000.0
    hz = (0.33 * pw_mm + 7.3) / 1000.0 * (1.0 if side == "right" else -1.0)
    return mid + hx[:, None] * x + hy[:, None] * y + hz[:, None] * z


def _cluster_frames(markers: Array) -> tuple[Array, Array]:
    """Origin (N, 3) and rotation (N, 3, 3) of a rigid marker cluster (N, K, 3), K >= 3.

    The columns of the rotation are the cluster's axes in the lab frame.
    """
    origin = markers.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # degenerate -> NaN, checked
        e1 = markers[:, 1] - markers[:, 0]
        e1 = e1 / np.linalg.norm(e1, axis=1)[:, None]
        e3 = np.cross(e1, markers[:, 2] - markers[:, 0])
        e3 = e3 / np.linalg.norm(e3, axis=1)[:, None]
    e2 = np.cross(e3, e1)
    return origin, np.stack([e1, e2, e3], axis=2)


def functional_joint_centre(proximal_markers: ArrayLike, distal_markers: ArrayLike,
                            ) -> Array:
    """Joint centre from two marker clusters by SCoRE (Ehrig et al. 2006).

    The symmetrical centre of rotation estimation finds the point that is fixed in
    both segments' local frames: with ``R_p, o_p`` and ``R_d, o_d`` the cluster
    frames, it solves in the least-squares sense, over all frames,
    ``R_p c_p + o_p = R_d c_d + o_d`` for the local positions ``c_p`` and ``c_d``,
    and returns the mean of the two global estimates on each frame.  For a hinge-like
    joint the point is undetermined along the hinge axis; the minimum-norm solution
    (closest to the cluster centroids) is used, which leaves the sagittal-plane
    position well defined.

    Ehrig R.M., Taylor W.R., Duda G.N., Heller M.O. (2006) A survey of formal
    methods for determining the centre of rotation of ball joints. *J Biomech*
    39(15):2798-2809.

    Parameters
    ----------
    proximal_markers, distal_markers : array_like, shape (N, K, 3), K >= 3
        Marker positions of the two segments, m (each cluster treated as rigid).

    Returns
    -------
    numpy.ndarray, shape (N, 3)
        Joint-centre trajectory, m.
    """
    prox = np.asarray(proximal_markers, dtype=float)
    dist = np.asarray(distal_markers, dtype=float)
    for name, a in (("proximal_markers", prox), ("distal_markers", dist)):
        if a.ndim != 3 or a.shape[2] != 3 or a.shape[1] < 3 or a.shape[0] != prox.shape[0]:
            raise InputRangeError(name, _describe(a), "an array of shape (N, K>=3, 3)")
        if not np.all(np.isfinite(a)):
            raise InputRangeError(name, _describe(a), "finite values")
    o_p, r_p = _cluster_frames(prox)
    o_d, r_d = _cluster_frames(dist)
    for name, r in (("proximal_markers", r_p), ("distal_markers", r_d)):
        if not np.all(np.isfinite(r)):
            raise InputRangeError(name, "<array>", "markers that span a plane on every frame",
                                  "the first three markers are coincident or collinear")
    n = prox.shape[0]
    a = np.concatenate([r_p, -r_d], axis=2).reshape(3 * n, 6)
    b = (o_d - o_p).reshape(3 * n)
    sol, *_ = np.linalg.lstsq(a, b, rcond=1e-6)
    c_p, c_d = sol[:3], sol[3:]
    g_p = o_p + np.einsum("nij,j->ni", r_p, c_p)
    g_d = o_d + np.einsum("nij,j->ni", r_d, c_d)
    return 0.5 * (g_p + g_d)
