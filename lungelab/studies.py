"""Studies: the sweeps and comparisons behind notebooks 02-06, as DataFrames.

Each function answers part of one coaching question with :class:`~lungelab.LungeModel`
and returns a :class:`pandas.DataFrame` (units in the column names, as in
:meth:`LungeModel.evaluate`).  The notebooks only call these functions, round the
tables and draw the figures; no mechanics lives here either — every number comes from
the model, these functions choose *which* postures to evaluate and how to compare them.

>>> import lungelab as ll
>>> from lungelab import studies
>>> df = studies.sweep(ll.LungeModel(), front_heel_share=[0.2, 0.8])
>>> sorted(set(df["grf_convergence"]))[:2]
['COM (default)', 'vertical']

Conventions and assumptions shared by every study
-------------------------------------------------
* Quasi-static side-view model (see :mod:`lungelab.loads`); moments are net internal
  joint moments, extensor / plantarflexor positive, N·m.
* The horizontal foot forces are statically indeterminate.  Every study is run under
  several GRF-convergence assumptions (:data:`CONVERGENCE_OPTIONS`, the height at which
  the two foot forces meet) and labels each row with :func:`convergence_label`; a
  number is never shown under one assumption only when that assumption matters.
* Postures are the model's defaults (front knee 90° over the ankle, trunk 10°, rear
  knee 90°, rear foot at 50°, 60 % of the front foot's load on the heel) unless a
  study varies them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import knee
from .body import ExternalLoad, Subject, _check_number
from .errors import InputRangeError
from .loads import JOINTS
from .model import LungeModel
from .posture import ANGLE_RANGES_DEG

__all__ = [
    "CONVERGENCE_OPTIONS", "MOMENT_COLUMNS", "FRONT_COLUMNS", "LITERATURE",
    "BALANCE_REGIONS", "HOVER_REGIONS", "KNEE_CLEARANCE_M", "TEMPO_S",
    "convergence_label", "sweep", "grid", "solve_input", "pick", "table", "knee_over_ankle_m",
    "literature", "literature_markdown",
    # 02 heel or toes
    "heel_share_sweep", "heel_share_adapted", "heel_share_strategies", "heel_share_postures",
    "heel_share_table", "heel_knee_grid",
    # 03 knee past toes
    "knee_travel_sweep", "knee_travel_table", "knee_travel_effect",
    "knee_travel_crossover", "knee_travel_same_balance",
    # 04 chest up
    "trunk_lean_sweep", "trunk_lean_effect", "balance_map", "balance_limits",
    # 05 depth and evenness
    "depth_sweep", "evenness_table", "hover_map", "touch_depth", "pfj_depth",
    "pfj_model_spread", "pfj_chain_table",
    # 06 load and programme
    "load_comparison", "load_effect", "rep_profile", "rep_demand", "programme_demand",
    "programme_table",
]

CONVERGENCE_OPTIONS = ("vertical", 2.0, 1.0, "com", 0.4)
"""GRF-convergence assumptions every study is run under: no horizontal force, the two
foot forces meeting 2 m, 1 m above the floor, at the centre of mass (default, about
0.6 m in the default lunge) and 0.4 m above the floor."""

MOMENT_COLUMNS = tuple(f"{j}_moment_nm" for j in JOINTS)
"""The six net joint moment columns, N·m, extensor / plantarflexor positive."""

FRONT_COLUMNS = ("front_ankle_moment_nm", "front_knee_moment_nm", "front_hip_moment_nm",
                 "pfj_stress_mpa")
"""Front-leg loads most studies report."""

KNEE_CLEARANCE_M = 0.05
"""Rear-knee joint-centre height, m, at or below which the knee's front surface is taken
to touch the floor (about half the knee's front-to-back depth).  **Unverified planning
value**; a parameter of :func:`hover_map` and :func:`touch_depth`."""

TEMPO_S = (2.0, 1.0, 2.0)
"""Default repetition tempo, s: lowering, pause at the bottom, rising ("2-1-2", a common
controlled tempo; a documented assumption, not a measurement)."""

BALANCE_REGIONS = ("balanced", "balanced only with more weight on the toes",
                   "cannot balance", "cannot be built")
"""Region names of :func:`balance_map`, in code order 0-3."""

HOVER_REGIONS = ("back knee hovers", "back knee touches the floor",
                 "back knee would go through the floor", "back foot cannot reach the floor")
"""Region names of :func:`hover_map`, in code order 0-3."""

LITERATURE = pd.DataFrame([
    {"study": "Fry et al. 2003", "exercise": "parallel back squat, n = 7",
     "comparison": "knees blocked at the toes vs free",
     "finding": "knee moment 150 → 117 N·m (−22 %); hip moment 28 → 303 N·m (×10.7); "
                "more trunk and shank lean",
     "topic": "knee_travel"},
    {"study": "Escamilla et al. 2008 (JOSPT)", "exercise": "forward lunge",
     "comparison": "short step (knee further forward) vs long step",
     "finding": "PFJ force and stress greater with the short step at 70-90° knee flexion",
     "topic": "knee_travel"},
    {"study": "Zellmer et al. 2019", "exercise": "forward step lunge, n = 25",
     "comparison": "knee allowed past the toes vs kept behind",
     "finding": "knee moment, quadriceps force, patellar-tendon stress higher past the toes",
     "topic": "knee_travel"},
    {"study": "Farrokhi et al. 2008", "exercise": "forward lunge",
     "comparison": "forward trunk lean vs upright",
     "finding": "gluteus maximus and biceps femoris activity up; hip-extensor and ankle-"
                "plantarflexor impulse up, knee unchanged [last part unverified]",
     "topic": "trunk_lean"},
    {"study": "Riemann et al. 2012", "exercise": "lunge with 0-50 % BM added load",
     "comparison": "more load vs body weight",
     "finding": "moment impulse hip > ankle > knee; load raises hip and ankle demand, "
                "knee nearly unchanged",
     "topic": "load"},
    {"study": "Escamilla et al. 2008 (Clin Biomech)", "exercise": "lunge",
     "comparison": "deeper vs shallower knee flexion",
     "finding": "PFJ force and stress rise with knee flexion; peaks ~8-12 MPa near 80-90° "
                "[unverified]",
     "topic": "depth"},
])
"""Published findings the notebooks compare with (from the project's reference sheet:
/work/shared/reference/biomech-models.md; confidence tags kept)."""



def _angle(name: str, value: object, angle: str) -> float:
    """``value`` checked against the model's range for ``angle`` (deg)."""
    return _check_number(name, value, *ANGLE_RANGES_DEG[angle], "deg")


def _knee_travel(name: str, value: object) -> float:
    """A knee-travel position (m past the toes, + forward), in the model's ±0.6 m range."""
    return _check_number(name, value, -0.6, 0.6, "m")


def _count(name: str, value: object, lo: int, hi: int) -> int:
    """An integer count in [lo, hi] (grid sizes)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputRangeError(name, value, f"an integer in [{lo}, {hi}]")
    if not lo <= int(value) <= hi:
        raise InputRangeError(name, value, f"an integer in [{lo}, {hi}]")
    return int(value)

def literature(topic: str) -> pd.DataFrame:
    """The published findings about one topic (``knee_travel``, ``trunk_lean``,
    ``load`` or ``depth``), indexed by study."""
    df = LITERATURE[LITERATURE["topic"] == topic].drop(columns="topic")
    if df.empty:
        raise ValueError(f"no literature rows for topic {topic!r}")
    return df.set_index("study")


def literature_markdown(topic: str) -> str:
    """:func:`literature` as a Markdown bullet list (full text, for notebooks)."""
    df = literature(topic)
    return "\n".join(f"* **{study}** ({r['exercise']}; {r['comparison']}): {r['finding']}"
                     for study, r in df.iterrows())


# -- generic helpers --------------------------------------------------------------------
def convergence_label(option) -> str:
    """Short label of a GRF-convergence option: ``"vertical"``, ``"COM (default)"`` or
    ``"z = 1 m"`` (z: height above the floor where the two foot forces meet)."""
    if option == "vertical":
        return "vertical"
    if option == "com":
        return "COM (default)"
    return f"z = {float(option):g} m"


def _convergence_height(option, df: pd.DataFrame) -> np.ndarray:
    if option == "com":
        return df["com_system_y_m"].to_numpy(float)
    if option == "vertical":
        return np.full(len(df), np.inf)
    return np.full(len(df), float(option))


def sweep(model: LungeModel, *, options: Iterable = CONVERGENCE_OPTIONS,
          **inputs) -> pd.DataFrame:
    """:meth:`LungeModel.evaluate` under several GRF-convergence assumptions.

    Parameters
    ----------
    model : LungeModel
        Subject, load and contact-area model; its own ``grf_convergence`` is replaced
        by each option in turn.
    options : iterable
        GRF-convergence options (``"com"``, ``"vertical"`` or heights in m).
    **inputs
        Passed to :meth:`LungeModel.evaluate` (posture arrays, shares, ...).

    Returns
    -------
    pandas.DataFrame
        The evaluate rows of every option stacked, with two leading columns:
        ``grf_convergence`` (label, see :func:`convergence_label`) and
        ``convergence_height_m`` (m; ``inf`` for vertical forces).
    """
    frames = []
    for opt in options:
        df = model.with_(grf_convergence=opt).evaluate(**inputs)
        df.insert(0, "convergence_height_m", _convergence_height(opt, df))
        df.insert(0, "grf_convergence", convergence_label(opt))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def grid(model: LungeModel, x: str, x_values, y: str, y_values, **inputs) -> pd.DataFrame:
    """Evaluate every (x, y) pair of two posture inputs (long format, for heat maps).

    Parameters
    ----------
    model : LungeModel
    x, y : str
        Names of :meth:`LungeModel.evaluate` inputs (e.g. ``"front_heel_share"``,
        ``"knee_past_toes_m"``).
    x_values, y_values : array_like
        1-D values of each.
    **inputs
        Further fixed inputs.

    Returns
    -------
    pandas.DataFrame
        ``len(x_values) * len(y_values)`` rows; the input columns ``x`` and ``y`` hold
        exactly the requested values (no degree↔radian round trip), so
        :func:`lungelab.viz.heatmap` can pivot them.
    """
    xv = np.asarray(x_values, dtype=float).ravel()
    yv = np.asarray(y_values, dtype=float).ravel()
    df = model.evaluate(**{x: xv[None, :], y: yv[:, None]}, **inputs)
    df[x] = np.tile(xv, len(yv))
    df[y] = np.repeat(yv, len(xv))
    return df


def _bisect(fun: Callable[[np.ndarray], np.ndarray], lo: np.ndarray, hi: np.ndarray,
            iterations: int) -> np.ndarray:
    """Vectorised bisection for ``fun(v) = 0`` on [lo, hi]; NaN where no sign change."""
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    f_lo, f_hi = fun(lo), fun(hi)
    ok = np.isfinite(f_lo) & np.isfinite(f_hi) & (np.sign(f_lo) != np.sign(f_hi))
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f_mid = fun(mid)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(same, mid, lo)
        f_lo = np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return np.where(ok, 0.5 * (lo + hi), np.nan)


def solve_input(model: LungeModel, column: str, target, vary: str, bounds: tuple,
                *, scan: int = 24, iterations: int = 40, **inputs) -> pd.DataFrame:
    """Find the value of one posture input that makes a model output hit a target.

    Example: the trunk lean that puts 80 % of the front foot's load on the heel while
    the front foot carries a fixed share of the weight
    (``column="front_heel_share", target=0.8, vary="trunk_lean_deg",
    front_share=0.58``).

    Method: the interval ``bounds`` is scanned at ``scan + 1`` evenly spaced values;
    the first sub-interval (from the lower bound up) where the output is finite at
    both ends and crosses the target is then bisected.  So the solution is the
    crossing nearest the lower bound; postures that cannot be built (NaN output) in
    between are stepped over.

    Parameters
    ----------
    model : LungeModel
    column : str
        An output column of :meth:`LungeModel.evaluate` (raw values: balance is not
        required while searching).
    target : array_like
        Target value(s); broadcast against the array inputs.
    vary : str
        The :meth:`LungeModel.evaluate` input to solve for (e.g. ``"trunk_lean_deg"``,
        ``"front_shank_angle_deg"``, ``"rear_knee_flexion_deg"``).
    bounds : (lower, upper)
        Search interval of ``vary`` (scalars or arrays broadcast with ``target``), inside
        the input's accepted range.
    scan : int
        Number of sub-intervals of the initial scan.
    iterations : int
        Bisection steps inside the sub-interval.
    **inputs
        Fixed :meth:`LungeModel.evaluate` inputs (arrays broadcast with ``target``).

    Returns
    -------
    pandas.DataFrame
        One evaluate row per target element (loads masked where not balanced), with the
        solved input in column ``vary`` (and the usual derived columns), the requested
        ``target`` and ``solved`` (False where the target is not reached inside
        ``bounds``; those rows are NaN except the fixed inputs).  A solved posture may
        still be impossible: check ``feasible`` and ``balanced`` (loads are NaN there).
    """
    target = np.asarray(target, dtype=float)
    shape = np.broadcast_shapes(target.shape, np.shape(bounds[0]), np.shape(bounds[1]),
                                *(np.shape(v) for v in inputs.values()
                                  if not isinstance(v, str)))
    tgt = np.broadcast_to(target, shape)
    lo0 = np.broadcast_to(np.asarray(bounds[0], dtype=float), shape)
    hi0 = np.broadcast_to(np.asarray(bounds[1], dtype=float), shape)

    def at(v, extra_shape=()):
        full = extra_shape + shape
        df = model.evaluate(**{vary: np.broadcast_to(v, full)}, **inputs,
                            mask_unbalanced=False)
        return df[column].to_numpy(float).reshape(full) - tgt

    # scan: first bracketing sub-interval from the lower bound
    k = np.arange(scan + 1, dtype=float).reshape((scan + 1,) + (1,) * len(shape))
    vs = lo0 + (hi0 - lo0) * k / scan
    fs = at(vs, (scan + 1,))
    ok = np.isfinite(fs[:-1]) & np.isfinite(fs[1:]) & (np.sign(fs[:-1]) != np.sign(fs[1:]))
    found = ok.any(axis=0)
    first = np.argmax(ok, axis=0)
    lo = np.take_along_axis(vs, first[None], axis=0)[0]
    hi = np.take_along_axis(vs, first[None] + 1, axis=0)[0]
    lo, hi = np.where(found, lo, lo0), np.where(found, hi, hi0)
    sol = _bisect(at, lo, hi, iterations)
    solved = found & np.isfinite(sol)
    sol = np.where(solved, sol, np.nan)
    df = model.evaluate(**{vary: np.where(solved, sol, lo0)}, **inputs)
    keep = {vary, "mass_kg", "load_kg"} | {k for k in inputs if k in df.columns}
    for c in df.columns:
        if df[c].dtype.kind == "f" and c not in keep:
            df.loc[~solved.ravel(), c] = np.nan
        elif df[c].dtype.kind == "b":
            df.loc[~solved.ravel(), c] = False
    df[vary] = sol.ravel()
    df["target"] = tgt.ravel()
    df["solved"] = solved.ravel()
    return df


def _clean_zeros(df: pd.DataFrame, tol: float = 1e-9) -> pd.DataFrame:
    """Replace |x| < tol (solver round-off around zero) by +0.0, so tables never print
    "-0.000"."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":
            v = out[c].to_numpy(float)
            out[c] = np.where(np.abs(v) < tol, 0.0, v)
    return out


def pick(df: pd.DataFrame, **conditions) -> pd.Series:
    """The one row of ``df`` whose columns equal ``conditions`` (floats compared with a
    1e-9 tolerance), e.g. ``pick(df, strategy="trunk adapts", heel=0.8,
    grf_convergence="COM (default)")`` — to draw one posture of a study.

    Raises
    ------
    KeyError
        If not exactly one row matches.
    """
    mask = np.ones(len(df), dtype=bool)
    for k, v in conditions.items():
        col = df[k]
        if isinstance(v, (int, float, np.floating)) and not isinstance(v, bool):
            mask &= np.isclose(col.to_numpy(float), float(v), rtol=0.0, atol=1e-9)
        else:
            mask &= (col == v).to_numpy()
    if mask.sum() != 1:
        raise KeyError(f"pick: {int(mask.sum())} rows match {conditions}, expected one")
    return df[mask].iloc[0]


def table(df: pd.DataFrame, index: str | Sequence[str], columns: Sequence[str]) -> pd.DataFrame:
    """``df`` indexed by ``index`` with only ``columns`` — the compact view the notebooks
    print (rounding is left to the notebook)."""
    idx = [index] if isinstance(index, str) else list(index)
    return _clean_zeros(df.set_index(idx)[list(columns)])


def knee_over_ankle_m(subject: Subject) -> float:
    """Knee travel past the toes, m, that puts the front knee straight above the ankle
    (front shank vertical): minus the ankle-to-toe-tip distance of the subject's foot."""
    return -(1.0 - subject.ankle_fraction) * subject.foot_length


def _pct(new, old):
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(old) > 1e-9, 100.0 * (new - old) / np.abs(old), np.nan)


# -- 02 front heel or toes -----------------------------------------------------------------
def heel_share_sweep(model: LungeModel, heel_shares=None, *,
                     options: Iterable = CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """The heel/toe split of the front foot at a **fixed posture**.

    The posture stays put, so moving the front centre of pressure changes how the
    weight is shared between the feet (the front share is solved).

    Parameters
    ----------
    model : LungeModel
    heel_shares : array_like, optional
        Heel's share of the front foot's vertical load, 0 (all on the toes/ball) to 1
        (all on the heel); default 0, 0.05, ..., 1.
    options : iterable
        GRF-convergence options.
    **posture
        Fixed posture inputs of :meth:`LungeModel.evaluate`.

    Returns
    -------
    pandas.DataFrame
        :func:`sweep` rows.
    """
    h = np.round(np.linspace(0, 1, 21), 4) if heel_shares is None else np.asarray(heel_shares,
                                                                                   float)
    df = sweep(model, options=options, front_heel_share=h, **posture)
    df["front_heel_share_requested"] = np.tile(h, len(df) // len(h))
    return df


_ADAPT_BOUNDS = {"trunk_lean_deg": (-30.0, 90.0), "front_shank_angle_deg": (-30.0, 45.0)}


def heel_share_adapted(model: LungeModel, heel_shares=None, *, adapt: str = "trunk_lean_deg",
                       front_share: float | None = None, options: Iterable = CONVERGENCE_OPTIONS,
                       **posture) -> pd.DataFrame:
    """The heel/toe split when the **posture adapts** to keep the weight split between feet.

    To put more load on the front heel without changing how much the front foot
    carries, the centre of mass must move back over the new front centre of pressure.
    The model finds how much one posture input must change to do it: the trunk lean
    (``adapt="trunk_lean_deg"``: chest more upright for the heel) or the knee travel
    (``adapt="front_shank_angle_deg"``: knee further back for the heel).

    Parameters
    ----------
    model : LungeModel
    heel_shares : array_like, optional
        Target heel shares (default 0, 0.1, ..., 1).
    adapt : {"trunk_lean_deg", "front_shank_angle_deg"}
        The posture input that adapts.
    front_share : float, optional
        Front foot's share of the weight, held fixed; default: the value of the given
        posture with 60 % of the front foot's load on the heel.
    options : iterable
        GRF-convergence options (the adapted posture itself depends only on vertical
        equilibrium, not on this assumption).
    **posture
        The other posture inputs (fixed).

    Returns
    -------
    pandas.DataFrame
        :func:`sweep`-like rows with ``adapt`` holding the solved value (NaN and
        ``solved`` False where the heel share cannot be reached inside the input's
        range), ``target`` the requested heel share and ``adapted_input`` the name of
        the adapted input.
    """
    if adapt not in _ADAPT_BOUNDS:
        raise ValueError(f"adapt={adapt!r}: expected one of {tuple(_ADAPT_BOUNDS)}")
    h = np.round(np.linspace(0, 1, 11), 4) if heel_shares is None else np.asarray(heel_shares,
                                                                                   float)
    if front_share is None:
        front_share = float(model.evaluate(front_heel_share=0.6, **posture)["front_share"][0])
    frames = []
    for opt in options:
        m = model.with_(grf_convergence=opt)
        df = solve_input(m, "front_heel_share", h, adapt, _ADAPT_BOUNDS[adapt],
                         front_share=front_share, **posture)
        df.insert(0, "convergence_height_m", _convergence_height(opt, df))
        df.insert(0, "grf_convergence", convergence_label(opt))
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out["adapted_input"] = adapt
    return out


def heel_share_strategies(model: LungeModel, heel_shares=None, *,
                          options: Iterable = CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """The heel/toe split three ways, stacked with a ``strategy`` column.

    Strategies: ``"fixed posture"`` (:func:`heel_share_sweep`: the weight split between
    the feet follows), ``"trunk adapts"`` and ``"knee travel adapts"``
    (:func:`heel_share_adapted`: the front share stays at the default posture's value).
    ``heel`` holds the requested heel share (default 0, 0.1, ..., 1).
    """
    h = np.round(np.linspace(0, 1, 11), 4) if heel_shares is None else np.asarray(heel_shares,
                                                                                   float)
    opts = tuple(options)
    parts = {
        "fixed posture": heel_share_sweep(model, h, options=opts, **posture),
        "trunk adapts": heel_share_adapted(model, h, adapt="trunk_lean_deg", options=opts,
                                           **posture),
        "knee travel adapts": heel_share_adapted(model, h, adapt="front_shank_angle_deg",
                                                 options=opts, **posture),
    }
    frames = []
    for strategy, df in parts.items():
        df = df.drop(columns=["target", "solved", "adapted_input", "front_heel_share_requested"],
                     errors="ignore")
        df.insert(0, "heel", np.tile(h, len(df) // len(h)))
        df.insert(0, "strategy", strategy)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def heel_share_postures(model: LungeModel, heel_shares: Sequence[float] = (0.2, 0.6, 0.8),
                        **posture) -> pd.DataFrame:
    """What the body does for a toes-heavy or heel-heavy front foot, per strategy.

    Geometry and weight split only (they do not depend on the GRF-convergence
    assumption).  Index (strategy, heel share); columns front share, trunk lean (deg),
    knee travel past the toes (m), front shank tilt (deg), centre-of-mass x (m).
    """
    df = heel_share_strategies(model, heel_shares, options=("com",), **posture)
    cols = ["front_share", "trunk_lean_deg", "knee_past_toes_m", "front_shank_angle_deg",
            "com_system_x_m"]
    return _clean_zeros(df.set_index(["strategy", "heel"])[cols])


def heel_share_table(model: LungeModel, heel_shares: Sequence[float] = (0.2, 0.8), *,
                     options: Iterable = CONVERGENCE_OPTIONS,
                     columns: Sequence[str] = ("front_knee_moment_nm", "front_hip_moment_nm",
                                               "pfj_stress_mpa"),
                     **posture) -> pd.DataFrame:
    """Toes-heavy vs heel-heavy front foot, per strategy and assumption.

    Returns
    -------
    pandas.DataFrame
        Index (strategy, grf_convergence); two-level columns: for each of ``columns``,
        its value at each heel share (``"heel 0.2"``, ...) and ``"change"`` (last − first
        heel share, in the column's unit).
    """
    h = np.asarray(heel_shares, dtype=float)
    df = heel_share_strategies(model, h, options=options, **posture)
    rows = []
    for (strategy, lab), g in df.groupby(["strategy", "grf_convergence"], sort=False):
        row: dict = {("strategy", ""): strategy, ("grf_convergence", ""): lab}
        for c in columns:
            vals = g[c].to_numpy(float)
            for hv, v in zip(h, vals, strict=True):
                row[(c, f"heel {hv:g}")] = v
            row[(c, "change")] = vals[-1] - vals[0]
        rows.append(row)
    out = pd.DataFrame(rows)
    out.columns = pd.MultiIndex.from_tuples(out.columns)
    return out.set_index([("strategy", ""), ("grf_convergence", "")]).rename_axis(
        ["strategy", "grf_convergence"])


def heel_knee_grid(model: LungeModel, n: int = 25, *, heel_range=(0.0, 1.0),
                   knee_range=(-0.25, 0.10), **posture) -> pd.DataFrame:
    """Heel share × knee travel grid (``n`` × ``n``) for a heat map; NaN loads where the
    posture cannot balance with that heel share."""
    n = _count("n", n, 2, 1000)
    return grid(model, "front_heel_share", np.linspace(*heel_range, n),
                "knee_past_toes_m", np.linspace(*knee_range, n), **posture)


# -- 03 knee over the ankle or past the toes ---------------------------------------------
def knee_travel_sweep(model: LungeModel, knee_past_toes_m=None, *,
                      options: Iterable = CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """Knee travel past the toes at a fixed knee bend, trunk lean and heel share.

    The front knee keeps its flexion, so moving the knee forward tilts the shank and
    the thigh together: the hip moves forward and up and the step gets shorter.
    Default sweep −0.25 to +0.05 m in 1 cm steps.
    """
    k = (np.round(np.arange(-0.25, 0.0501, 0.01), 3) if knee_past_toes_m is None
         else np.asarray(knee_past_toes_m, float))
    df = sweep(model, options=options, knee_past_toes_m=k, **posture)
    df["knee_past_toes_m"] = np.tile(k, len(df) // len(k))
    return df


def _knee_positions(model: LungeModel, positions: Mapping[str, float] | None) -> dict:
    if positions is not None:
        return dict(positions)
    return {"knee over the ankle": round(knee_over_ankle_m(model.subject), 4),
            "knee at the toes": 0.0, "knee 5 cm past the toes": 0.05}


def knee_travel_table(model: LungeModel, positions: Mapping[str, float] | None = None, *,
                      options: Iterable = CONVERGENCE_OPTIONS,
                      columns: Sequence[str] = ("front_share", "step_length_m",
                                                "front_knee_moment_nm", "front_hip_moment_nm",
                                                "pfj_stress_mpa"),
                      **posture) -> pd.DataFrame:
    """Named knee positions (default: over the ankle, at the toes, 5 cm past the toes)
    under each assumption: one row per (assumption, position)."""
    pos = _knee_positions(model, positions)
    df = sweep(model, options=options, knee_past_toes_m=np.array(list(pos.values())),
               **posture)
    df["knee position"] = list(pos) * (len(df) // len(pos))
    return df.set_index(["grf_convergence", "knee position"])[["knee_past_toes_m", *columns]]


def knee_travel_effect(model: LungeModel, restricted: float | None = None, free: float = 0.0,
                       *, hold_balance: bool = False, options: Iterable = CONVERGENCE_OPTIONS,
                       **posture) -> pd.DataFrame:
    """How restricting the knee's travel changes the front knee and hip, per assumption.

    Parameters
    ----------
    restricted : float, optional
        Knee travel of the restricted posture, m (default: knee over the ankle).
    free : float
        Knee travel of the free posture, m (default 0: knee at the toes).
    hold_balance : bool
        False (default): trunk lean and heel share fixed, the weight split between the
        feet follows (:func:`knee_travel_sweep`).  True: the weight split and heel
        share are held and the trunk lean adapts, as balance forces it in a squat
        (:func:`knee_travel_same_balance`).

    Returns
    -------
    pandas.DataFrame
        Per assumption: trunk lean (deg), front knee and hip moments (N·m) and PFJ stress
        (MPa) of both postures; ``knee_change_pct`` and ``pfj_change_pct`` (restricted vs
        free, as Fry et al. report it: negative = restricting lowers it; NaN where the
        free value is below 10 N·m / 1 MPa) and ``hip_ratio`` (restricted / free
        extensor moment; NaN unless both are extensor and the free one is at least
        10 N·m).
    """
    free = _knee_travel("free", free)
    if restricted is not None:
        restricted = _knee_travel("restricted", restricted)
    r = knee_over_ankle_m(model.subject) if restricted is None else restricted
    k = np.array([r, free])
    if hold_balance:
        df = knee_travel_same_balance(model, k, options=options, **posture)
    else:
        df = sweep(model, options=options, knee_past_toes_m=k, **posture)
    rows = []
    for lab, g in df.groupby("grf_convergence", sort=False):
        a, b = g.iloc[0], g.iloc[1]
        ka, kb = a["front_knee_moment_nm"], b["front_knee_moment_nm"]
        ha, hb = a["front_hip_moment_nm"], b["front_hip_moment_nm"]
        pa, pb = a["pfj_stress_mpa"], b["pfj_stress_mpa"]
        rows.append({
            "grf_convergence": lab,
            "trunk_restricted_deg": a["trunk_lean_deg"], "trunk_free_deg": b["trunk_lean_deg"],
            "knee_restricted_nm": ka, "knee_free_nm": kb,
            "knee_change_pct": float(_pct(ka, kb)) if abs(kb) >= 10 else np.nan,
            "hip_restricted_nm": ha, "hip_free_nm": hb,
            "hip_ratio": ha / hb if hb >= 10 and ha > 0 else np.nan,
            "pfj_restricted_mpa": pa, "pfj_free_mpa": pb,
            "pfj_change_pct": float(_pct(pa, pb)) if abs(pb) >= 1 else np.nan,
        })
    return _clean_zeros(pd.DataFrame(rows).set_index("grf_convergence"))


def knee_travel_crossover(model: LungeModel, restricted: float | None = None,
                          free: float = 0.0, heights_m=None, **posture) -> pd.DataFrame:
    """Front knee moment of the restricted and free knee positions vs the height at
    which the foot forces meet (fixed heights, m).

    Returns
    -------
    pandas.DataFrame
        Long format: ``convergence_height_m``, ``knee position`` (``"restricted"`` /
        ``"free"``), ``knee_past_toes_m``, ``front_knee_moment_nm``,
        ``front_hip_moment_nm``, ``pfj_stress_mpa``; ``attrs["crossover_height_m"]``
        holds the height below which letting the knee travel *lowers* the knee moment
        (NaN if the difference does not change sign between 0.2 and 20 m).
    """
    free = _knee_travel("free", free)
    if restricted is not None:
        restricted = _knee_travel("restricted", restricted)
    r = knee_over_ankle_m(model.subject) if restricted is None else restricted
    z = (np.round(np.geomspace(0.3, 5.0, 41), 4) if heights_m is None
         else np.asarray(heights_m, float))
    frames = []
    for name, kpt in (("restricted", r), ("free", free)):
        df = model.evaluate(knee_past_toes_m=kpt, overrides={"k_conv": 1.0 / z,
                                                               "r_conv": np.zeros_like(z)},
                            **posture)
        frames.append(pd.DataFrame({
            "convergence_height_m": z, "knee position": name, "knee_past_toes_m": kpt,
            "front_knee_moment_nm": df["front_knee_moment_nm"].to_numpy(),
            "front_hip_moment_nm": df["front_hip_moment_nm"].to_numpy(),
            "pfj_stress_mpa": df["pfj_stress_mpa"].to_numpy()}))
    out = pd.concat(frames, ignore_index=True)

    def diff(log_z):
        zz = np.exp(log_z)
        ov = {"k_conv": 1.0 / zz, "r_conv": np.zeros_like(zz)}
        mf = model.evaluate(knee_past_toes_m=free, overrides=ov, **posture)
        mr = model.evaluate(knee_past_toes_m=r, overrides=ov, **posture)
        return (mf["front_knee_moment_nm"] - mr["front_knee_moment_nm"]).to_numpy()

    cross = _bisect(diff, np.array([math.log(0.2)]), np.array([math.log(20.0)]), 48)
    out.attrs["crossover_height_m"] = float(np.exp(cross[0]))
    return out


def knee_travel_same_balance(model: LungeModel, knee_past_toes_m=None, *,
                             front_share: float | None = None, heel_share: float = 0.6,
                             options: Iterable = CONVERGENCE_OPTIONS,
                             **posture) -> pd.DataFrame:
    """Knee travel when the weight distribution must stay the same (as in a squat).

    In Fry et al.'s squat the feet cannot move, so holding the knees back forces the
    trunk to lean.  Here the front share and the front heel share are held fixed
    (default: those of the default posture) and the trunk lean that keeps them is
    solved for each knee travel.

    Returns
    -------
    pandas.DataFrame
        :func:`sweep`-like rows with the solved ``trunk_lean_deg``.
    """
    heel_share = _check_number("heel_share", heel_share, 0.0, 1.0, "")
    k = (np.round(np.arange(-0.25, 0.0501, 0.025), 3) if knee_past_toes_m is None
         else np.asarray(knee_past_toes_m, float))
    if front_share is None:
        front_share = float(model.evaluate(front_heel_share=heel_share,
                                           **posture)["front_share"][0])
    frames = []
    for opt in options:
        m = model.with_(grf_convergence=opt)
        df = solve_input(m, "front_heel_share", np.full(k.shape, heel_share), "trunk_lean_deg",
                         (-30.0, 90.0), front_share=front_share, knee_past_toes_m=k, **posture)
        df["knee_past_toes_m"] = k
        df.insert(0, "convergence_height_m", _convergence_height(opt, df))
        df.insert(0, "grf_convergence", convergence_label(opt))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


# -- 04 chest up ------------------------------------------------------------------------
def trunk_lean_sweep(model: LungeModel, trunk_lean_deg=None, *,
                     options: Iterable = CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """Trunk lean from 10° backward to 50° forward (2.5° steps) at a fixed leg posture."""
    t = (np.round(np.arange(-10.0, 50.01, 2.5), 3) if trunk_lean_deg is None
         else np.asarray(trunk_lean_deg, float))
    df = sweep(model, options=options, trunk_lean_deg=t, **posture)
    df["trunk_lean_deg"] = np.tile(t, len(df) // len(t))
    return df


def trunk_lean_effect(model: LungeModel, upright: float = 0.0, lean: float = 30.0, *,
                      options: Iterable = CONVERGENCE_OPTIONS,
                      columns: Sequence[str] = ("front_share", *FRONT_COLUMNS),
                      **posture) -> pd.DataFrame:
    """Upright trunk vs forward lean: each front-leg load per assumption (long format).

    Returns
    -------
    pandas.DataFrame
        Index (grf_convergence, quantity); columns ``upright``, ``lean`` (values in the
        quantity's unit: fraction, N·m or MPa) and ``change`` (lean − upright).
    """
    upright = _angle("upright", upright, "trunk_lean_deg")
    lean = _angle("lean", lean, "trunk_lean_deg")
    df = sweep(model, options=options, trunk_lean_deg=np.array([upright, lean]), **posture)
    rows = []
    for lab, g in df.groupby("grf_convergence", sort=False):
        a, b = g.iloc[0], g.iloc[1]
        for c in columns:
            rows.append({"grf_convergence": lab, "quantity": c, "upright": a[c],
                         "lean": b[c], "change": b[c] - a[c]})
    return pd.DataFrame(rows).set_index(["grf_convergence", "quantity"])


def balance_map(model: LungeModel, trunk_lean_deg=None, knee_past_toes_m=None, *,
                heel_share: float = 0.6, **posture) -> pd.DataFrame:
    """Which trunk-lean × knee-travel postures can balance (grid, long format).

    Regions (``region`` name, ``region_code`` 0-3, see :data:`BALANCE_REGIONS`):
    0 balanced with the given heel share; 1 the centre of mass is ahead of that front
    centre of pressure but still behind the front ball — balanced only with more load
    on the toes; 2 the centre of mass is outside the base (ahead of the front ball or
    behind the rear ball): cannot balance; 3 the segments cannot form the posture.

    Defaults: trunk lean −10..70° and knee travel −0.25..+0.15 m, 25 × 25.
    """
    heel_share = _check_number("heel_share", heel_share, 0.0, 1.0, "")
    t = np.linspace(-10.0, 70.0, 25) if trunk_lean_deg is None else np.asarray(trunk_lean_deg)
    k = (np.linspace(-0.25, 0.15, 25) if knee_past_toes_m is None
         else np.asarray(knee_past_toes_m))
    df = grid(model, "knee_past_toes_m", k, "trunk_lean_deg", t,
              front_heel_share=heel_share, **posture)
    inside_base = (df["com_system_x_m"] <= df["front_ball_x_m"]) \
        & (df["com_system_x_m"] >= df["rear_ball_x_m"])
    code = np.where(~df["feasible"], 3, np.where(df["balanced"], 0,
                                                  np.where(inside_base, 1, 2)))
    df["region_code"] = code
    df["region"] = np.array(BALANCE_REGIONS, dtype=object)[code]
    return df


def balance_limits(model: LungeModel, trunk_lean_deg=None, *,
                   heel_shares: Sequence[float] = (0.6, 0.0), **posture) -> pd.DataFrame:
    """The furthest the knee can travel past the toes and still balance, per trunk lean.

    At the limit the rear foot carries nothing (front share = 1).  With all the front
    foot's load on its ball (heel share 0) this is the edge of the base of support.

    Returns
    -------
    pandas.DataFrame
        Index trunk lean (deg); one column per heel share,
        ``max_knee_past_toes_m_heel_<h>`` (m).
    """
    t = (np.round(np.arange(-10.0, 70.01, 10.0), 3) if trunk_lean_deg is None
         else np.asarray(trunk_lean_deg, float))
    out = pd.DataFrame({"trunk_lean_deg": t})
    for h in heel_shares:
        df = solve_input(model, "front_share", np.ones_like(t), "front_shank_angle_deg",
                         (-10.0, 59.9), trunk_lean_deg=t, front_heel_share=h, **posture)
        out[f"max_knee_past_toes_m_heel_{h:g}"] = df["knee_past_toes_m"].to_numpy()
    return out.set_index("trunk_lean_deg")


# -- 05 depth and evenness -------------------------------------------------------------
def depth_sweep(model: LungeModel, front_knee_flexion_deg=None, *,
                step_length_m: float | None = None, options: Iterable = CONVERGENCE_OPTIONS,
                **posture) -> pd.DataFrame:
    """Lunge depth with the feet planted: the front knee bends, the rear knee follows.

    The step length is held (default: that of the default posture, front and rear knee
    at 90°) and, for each front-knee flexion, the rear-knee flexion that keeps it is
    solved — as in a real lunge, where the feet do not slide while going down.  Default
    front knee 55-100° in 2.5° steps.  Rows past the depth where the rear knee would go
    through the floor have ``feasible`` False and NaN loads.

    Returns
    -------
    pandas.DataFrame
        :func:`sweep`-like rows (with the solved ``rear_knee_flexion_deg``).
    """
    f = (np.round(np.arange(55.0, 100.01, 2.5), 3) if front_knee_flexion_deg is None
         else np.asarray(front_knee_flexion_deg, float))
    if step_length_m is None:
        step_length_m = float(model.evaluate(**posture)["step_length_m"][0])
    rear = solve_input(model, "step_length_m", np.full(f.shape, step_length_m),
                       "rear_knee_flexion_deg", (0.0, 150.0), front_knee_flexion_deg=f,
                       **posture)["rear_knee_flexion_deg"].to_numpy(float)
    ok = np.isfinite(rear)
    df = sweep(model, options=options, front_knee_flexion_deg=f[ok],
               rear_knee_flexion_deg=rear[ok], **posture)
    df["front_knee_flexion_deg"] = np.tile(f[ok], len(df) // max(ok.sum(), 1))
    df["rear_knee_flexion_deg"] = np.tile(rear[ok], len(df) // max(ok.sum(), 1))
    return df


def evenness_table(model: LungeModel, pairs: Sequence[tuple[float, float]] = (
        (90, 90), (90, 70), (90, 110), (80, 90), (100, 90)), *,
        options: Iterable = ("vertical", 1.0, "com"),
        columns: Sequence[str] = ("rear_knee_height_m", "step_length_m", "front_share",
                                  "front_knee_moment_nm", "rear_knee_moment_nm",
                                  "pfj_stress_mpa"),
        **posture) -> pd.DataFrame:
    """Front/rear knee-angle pairs ("both knees at 90°" and uneven variants).

    Returns
    -------
    pandas.DataFrame
        Index (front knee °, rear knee °, assumption); the geometry columns
        (rear knee height, step length) do not depend on the assumption.
    """
    p = np.asarray(pairs, dtype=float)
    df = sweep(model, options=options, front_knee_flexion_deg=p[:, 0],
               rear_knee_flexion_deg=p[:, 1], **posture)
    df["front knee (deg)"] = np.tile(p[:, 0], len(df) // len(p))
    df["rear knee (deg)"] = np.tile(p[:, 1], len(df) // len(p))
    df = df.sort_values(["front knee (deg)", "rear knee (deg)"], kind="stable")
    order = {tuple(x): i for i, x in enumerate(p.tolist())}
    df["_o"] = [order[(a, b)] for a, b in zip(df["front knee (deg)"], df["rear knee (deg)"],
                                                strict=True)]
    df = df.sort_values("_o", kind="stable")
    return df.set_index(["front knee (deg)", "rear knee (deg)", "grf_convergence"])[
        list(columns)]


def hover_map(model: LungeModel, front_knee_flexion_deg=None, rear_knee_flexion_deg=None, *,
              clearance_m: float = KNEE_CLEARANCE_M, **posture) -> pd.DataFrame:
    """Rear knee height over front × rear knee flexion (grid), with regions.

    ``region_code`` (:data:`HOVER_REGIONS`): 0 the rear knee's joint centre is higher
    than ``clearance_m`` (hovers); 1 it is between the floor and ``clearance_m`` (the
    knee's surface touches the floor); 2 it would be below the floor; 3 the rear foot
    cannot reach the floor from the hip (the chain cannot close).
    Defaults: front 40-136° every 4°, rear 0-144° every 6° (25 × 25).
    """
    clearance_m = _check_number("clearance_m", clearance_m, 0.0, 0.5, "m")
    f = (np.arange(40.0, 136.1, 4.0) if front_knee_flexion_deg is None
         else np.asarray(front_knee_flexion_deg, float))
    r = (np.arange(0.0, 144.1, 6.0) if rear_knee_flexion_deg is None
         else np.asarray(rear_knee_flexion_deg, float))
    df = grid(model, "front_knee_flexion_deg", f, "rear_knee_flexion_deg", r, **posture)
    h = df["rear_knee_height_m"].to_numpy(float)
    code = np.where(~np.isfinite(h), 3, np.where(h <= 0, 2, np.where(h <= clearance_m, 1, 0)))
    df["region_code"] = code
    df["region"] = np.array(HOVER_REGIONS, dtype=object)[code]
    return df


def touch_depth(model: LungeModel, rear_knee_flexion_deg=None, *,
                clearance_m: float = KNEE_CLEARANCE_M, bounds=(60.0, 140.0),
                **posture) -> pd.DataFrame:
    """The front-knee flexion at which the rear knee comes down to ``clearance_m``.

    Returns
    -------
    pandas.DataFrame
        Index rear knee flexion (deg); ``front_knee_flexion_deg`` at touch-down (NaN if
        the knee never comes that low, or not inside ``bounds``), the step length and
        the front share there.
    """
    clearance_m = _check_number("clearance_m", clearance_m, 0.0, 0.5, "m")
    r = (np.round(np.arange(60.0, 120.01, 10.0), 3) if rear_knee_flexion_deg is None
         else np.asarray(rear_knee_flexion_deg, float))
    df = solve_input(model, "rear_knee_height_m", np.full(r.shape, clearance_m),
                     "front_knee_flexion_deg", bounds, rear_knee_flexion_deg=r, **posture)
    df["rear_knee_flexion_deg"] = r
    return df.set_index("rear_knee_flexion_deg")[["front_knee_flexion_deg", "step_length_m",
                                                  "front_share"]]


def pfj_depth(model: LungeModel, front_knee_flexion_deg=None, *,
              options: Iterable = ("com", 1.0),
              contact_area_models: Sequence[str] = knee.CONTACT_AREA_MODELS,
              rear_knee_flexion_deg=60.0, **posture) -> pd.DataFrame:
    """PFJ stress vs front-knee depth with every contact-area model and assumption.

    The rear knee is held at ``rear_knee_flexion_deg`` (default 60°: with 90° the rear
    knee would go through the floor beyond ~100° front flexion).

    Returns
    -------
    pandas.DataFrame
        Long format with ``contact_area_model``, ``grf_convergence``, ``curve``
        (``"<area model>, <assumption>"``), ``validity`` (``"fitted (0-90°)"``,
        ``"caution (90-100°)"``, ``"extrapolated (>100°)"``) and the model columns.
    """
    f = (np.round(np.arange(30.0, 140.01, 2.5), 3) if front_knee_flexion_deg is None
         else np.asarray(front_knee_flexion_deg, float))
    frames = []
    for cam in contact_area_models:
        df = sweep(model.with_(contact_area_model=cam), options=options,
                   front_knee_flexion_deg=f, rear_knee_flexion_deg=rear_knee_flexion_deg,
                   **posture)
        df["front_knee_flexion_deg"] = np.tile(f, len(df) // len(f))
        df.insert(0, "contact_area_model", cam)
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.insert(2, "curve", out["contact_area_model"] + ", " + out["grf_convergence"])
    lo, hi = knee.VALID_RANGE_DEG
    fk = out["front_knee_flexion_deg"]
    out["validity"] = np.where(fk <= hi, f"fitted ({lo:.0f}-{hi:.0f}°)",
                               np.where(fk <= knee.WARN_ABOVE_DEG,
                                        f"caution ({hi:.0f}-{knee.WARN_ABOVE_DEG:.0f}°)",
                                        f"extrapolated (>{knee.WARN_ABOVE_DEG:.0f}°)"))
    return out


def pfj_model_spread(pfj: pd.DataFrame, angles: Sequence[float] = (30, 60, 75, 90, 100, 120),
                     grf_convergence: str = "COM (default)") -> pd.DataFrame:
    """PFJ stress of each contact-area model and their ratio at a few depths.

    Parameters
    ----------
    pfj : pandas.DataFrame
        Output of :func:`pfj_depth`.
    angles : sequence of float
        Front-knee flexions to tabulate (must be on the sweep's grid).
    grf_convergence : str
        Which assumption's rows to use (label).

    Returns
    -------
    pandas.DataFrame
        Index front knee flexion (deg); one stress column per model (MPa),
        ``ratio`` (first / second model) and ``validity``.
    """
    d = pfj[(pfj["grf_convergence"] == grf_convergence)
            & pfj["front_knee_flexion_deg"].isin(list(angles))]
    wide = d.pivot(index="front_knee_flexion_deg", columns="contact_area_model",
                   values="pfj_stress_mpa")
    models = list(dict.fromkeys(d["contact_area_model"]))
    wide = wide[models]
    wide.columns = [f"pfj_stress_mpa_{m}" for m in models]
    if len(models) >= 2:
        wide["ratio"] = wide.iloc[:, 0] / wide.iloc[:, 1]
    wide["validity"] = d.drop_duplicates("front_knee_flexion_deg").set_index(
        "front_knee_flexion_deg")["validity"]
    wide.index.name = "front_knee_flexion_deg"
    return wide


def pfj_chain_table(knee_flexion_deg=(0, 30, 60, 90, 100, 110, 120, 130, 140),
                    sex: str = "male") -> pd.DataFrame:
    """The PFJ chain's ingredients vs knee flexion, to see where the fits stop making sense.

    Returns
    -------
    pandas.DataFrame
        Index knee flexion (deg): quadriceps moment arm (mm), PFJ force / quadriceps
        force ratio (1), contact area of each model (mm²), PFJ stress per 100 N·m of
        knee-extensor moment with each model (MPa) and ``validity``.
    """
    t = np.asarray(knee_flexion_deg, dtype=float)
    out = pd.DataFrame({"knee_flexion_deg": t,
                        "moment_arm_mm": 1000.0 * knee.quad_moment_arm_m(t),
                        "force_ratio": knee.pfj_force_ratio(t)})
    for cam in knee.CONTACT_AREA_MODELS:
        out[f"area_mm2_{cam}"] = knee.contact_area_mm2(t, cam, sex)
    for cam in knee.CONTACT_AREA_MODELS:
        out[f"stress_mpa_per_100nm_{cam}"] = knee.pfj_chain(100.0, t, cam, sex)["pfj_stress_mpa"]
    lo, hi = knee.VALID_RANGE_DEG
    out["validity"] = np.where(t <= hi, "fitted", np.where(t <= knee.WARN_ABOVE_DEG,
                                                           "caution", "extrapolated"))
    return out.set_index("knee_flexion_deg")


# -- 06 load and programme ------------------------------------------------------------
def load_comparison(model: LungeModel, fractions: Sequence[float] = (0.0, 0.1, 0.2, 0.3),
                    placements: Sequence[str] = ("hands", "shoulders"), *,
                    options: Iterable = CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """The same posture with external loads of a fraction of body mass.

    ``"hands"``: two dumbbells hanging from straight arms; ``"shoulders"``: a barbell on
    the upper back (see :class:`~lungelab.ExternalLoad`).  The posture is held fixed —
    a loaded lifter who changes posture is a different posture.

    Returns
    -------
    pandas.DataFrame
        :func:`sweep` rows with ``placement`` and ``load_fraction`` (of body mass).
    """
    frames = []
    mass = model.subject.mass_kg
    for at in placements:
        for frac in fractions:
            m = model.with_(load=ExternalLoad(mass_kg=frac * mass, at=at))
            df = sweep(m, options=options, **posture)
            df.insert(0, "load_fraction", float(frac))
            df.insert(0, "placement", at)
            frames.append(df)
    return pd.concat(frames, ignore_index=True)


def load_effect(loads: pd.DataFrame, columns: Sequence[str] = FRONT_COLUMNS,
                fraction: float | None = None, min_abs: float = 10.0) -> pd.DataFrame:
    """Change of each load from body weight to one load fraction (long format).

    Parameters
    ----------
    loads : pandas.DataFrame
        Output of :func:`load_comparison`.
    columns : sequence of str
        Columns to compare.
    fraction : float, optional
        The loaded condition (default: the largest fraction).
    min_abs : float
        Percent changes are given only where the body-weight value is at least this
        large in magnitude (N·m or MPa) and keeps its sign; otherwise NaN (a percent of
        almost nothing, or of a moment that changes direction, means nothing).

    Returns
    -------
    pandas.DataFrame
        Index (placement, grf_convergence, quantity); columns ``body_weight``,
        ``loaded`` (in the quantity's unit, named by its suffix), ``change`` (loaded −
        body weight) and ``change_pct`` (change of the magnitude, % of the body-weight
        value).
    """
    frac = loads["load_fraction"].max() if fraction is None else fraction
    rows = []
    for (at, lab), g in loads.groupby(["placement", "grf_convergence"], sort=False):
        a = g[g["load_fraction"] == 0.0].iloc[0]
        b = g[np.isclose(g["load_fraction"], frac)].iloc[0]
        for c in columns:
            va, vb = float(a[c]), float(b[c])
            meaningful = abs(va) >= min_abs and np.sign(va) == np.sign(vb)
            rows.append({"placement": at, "grf_convergence": lab, "quantity": c,
                         "body_weight": va, "loaded": vb, "change": vb - va,
                         "change_pct": (100.0 * (abs(vb) - abs(va)) / abs(va) if meaningful
                                        else np.nan)})
    return pd.DataFrame(rows).set_index(["placement", "grf_convergence", "quantity"])


def rep_profile(model: LungeModel, *, bottom_front_knee_deg: float = 90.0,
                bottom_rear_knee_deg: float = 90.0, top_front_knee_deg: float = 60.0,
                tempo_s: tuple[float, float, float] = TEMPO_S, dt_s: float = 0.05,
                options: Iterable = CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """Quasi-static moments through one repetition's split-stance part.

    Model of a repetition (documented assumptions):

    * the feet stay planted at the bottom posture's step length; the front knee bends
      from ``top_front_knee_deg`` to ``bottom_front_knee_deg`` and back, the rear knee
      flexion is solved at every instant so that the step length stays constant;
      trunk lean, shank tilt, rear foot angle and heel share stay as given;
    * tempo ``(lowering, pause, rising)`` seconds, smooth (half-cosine) angle profile;
    * quasi-static: accelerations neglected (small at a 2 s lowering);
    * not modelled: stepping back and returning (single-leg phases) and the standing
      rest between reps — the demand is that of the split stance only.

    Returns
    -------
    pandas.DataFrame
        One row per time sample and assumption: ``time_s``, ``phase`` and the model
        columns.
    """
    bottom_front_knee_deg = _angle("bottom_front_knee_deg", bottom_front_knee_deg,
                                   "front_knee_flexion_deg")
    bottom_rear_knee_deg = _angle("bottom_rear_knee_deg", bottom_rear_knee_deg,
                                  "rear_knee_flexion_deg")
    top_front_knee_deg = _angle("top_front_knee_deg", top_front_knee_deg,
                                "front_knee_flexion_deg")
    dt_s = _check_number("dt_s", dt_s, 1e-3, 1.0, "s")
    down, pause, up = (float(x) for x in tempo_s)
    t = np.round(np.arange(0.0, down + pause + up + 1e-9, dt_s), 6)
    depth = bottom_front_knee_deg - top_front_knee_deg
    s = np.where(t <= down, 0.5 * (1 - np.cos(np.pi * np.clip(t / down, 0, 1))),
                 np.where(t <= down + pause, 1.0,
                          0.5 * (1 + np.cos(np.pi * np.clip((t - down - pause) / up, 0, 1)))))
    front = top_front_knee_deg + depth * s
    phase = np.where(t < down, "lowering", np.where(t <= down + pause, "pause", "rising"))
    geo = model.evaluate(front_knee_flexion_deg=bottom_front_knee_deg,
                         rear_knee_flexion_deg=bottom_rear_knee_deg, **posture)
    step = float(geo["step_length_m"][0])
    rear = solve_input(model, "step_length_m", np.full(front.shape, step),
                       "rear_knee_flexion_deg", (0.0, bottom_rear_knee_deg + 40.0),
                       front_knee_flexion_deg=front, **posture)["rear_knee_flexion_deg"]
    rear = rear.to_numpy(float)
    if not np.isfinite(rear).all():
        raise ValueError("rep_profile: the rear knee cannot keep the step length over the "
                         f"whole path; raise top_front_knee_deg ({top_front_knee_deg:g})")
    df = sweep(model, options=options, front_knee_flexion_deg=front,
               rear_knee_flexion_deg=rear, **posture)
    n = len(t)
    df.insert(1, "time_s", np.tile(t, len(df) // n))
    df.insert(2, "phase", np.tile(phase, len(df) // n))
    df["front_knee_flexion_deg"] = np.tile(front, len(df) // n)
    return df


def _trapezoid(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x)))


def rep_demand(profile: pd.DataFrame, joints: Sequence[str] = ("front_knee", "front_hip",
                                                               "rear_knee", "rear_hip"),
               ) -> pd.DataFrame:
    """Peak extensor moment and extensor moment impulse of one repetition, per assumption.

    The impulse integrates only the extensor (positive) part of each moment over time
    (trapezoid rule), N·m·s — the usual "moment impulse" of the lunge literature; the
    peak is the largest extensor moment (0 if the joint's net moment is never extensor).

    Returns
    -------
    pandas.DataFrame
        Index assumption; ``<joint>_peak_nm`` and ``<joint>_impulse_nms`` per joint.
    """
    rows = []
    for lab, g in profile.groupby("grf_convergence", sort=False):
        row = {"grf_convergence": lab}
        t = g["time_s"].to_numpy(float)
        for j in joints:
            m = g[f"{j}_moment_nm"].to_numpy(float)
            row[f"{j}_peak_nm"] = max(float(np.nanmax(m)), 0.0)
            row[f"{j}_impulse_nms"] = _trapezoid(np.maximum(m, 0.0), t)
        rows.append(row)
    return pd.DataFrame(rows).set_index("grf_convergence")


def programme_demand(model: LungeModel,
                     programmes: Sequence[tuple[int, int]] = ((2, 8), (2, 12), (3, 8),
                                                              (3, 12)),
                     load_fractions: Sequence[float] = (0.0, 0.2), *,
                     placement: str = "hands", tempo_s: tuple[float, float, float] = TEMPO_S,
                     options: Iterable = ("vertical", 1.0, "com"),
                     **profile_kwargs) -> pd.DataFrame:
    """Cumulative knee and hip demand of one leg over a programme of sets × reps.

    Each leg does ``sets × reps`` repetitions as the front leg and, while the other
    leg works, as many as the rear leg (unilateral sets, both legs trained equally).
    Per leg, the programme's demand is ``n_reps × (front-role + rear-role)`` extensor
    moment impulse (:func:`rep_demand` of :func:`rep_profile`, tempo ``tempo_s``) and
    ``n_reps ×`` peak front-knee / front-hip moment.

    Returns
    -------
    pandas.DataFrame
        One row per (load fraction, assumption, programme): ``condition`` (load and
        assumption in words), ``programme`` ("3×12"),
        ``reps_per_leg``, ``knee_impulse_knms`` and ``hip_impulse_knms`` (kN·m·s,
        front + rear role), ``knee_front_share_of_impulse`` (1), and the sums of peak
        front-knee and front-hip moments ``knee_peak_sum_knm``, ``hip_peak_sum_knm``
        (kN·m).
    """
    rows = []
    opts = tuple(options)
    for frac in load_fractions:
        m = model.with_(load=ExternalLoad(mass_kg=frac * model.subject.mass_kg, at=placement))
        dem = rep_demand(rep_profile(m, tempo_s=tempo_s, options=opts, **profile_kwargs))
        for lab, d in dem.iterrows():
            knee_rep = d["front_knee_impulse_nms"] + d["rear_knee_impulse_nms"]
            hip_rep = d["front_hip_impulse_nms"] + d["rear_hip_impulse_nms"]
            for sets, reps in programmes:
                n = sets * reps
                rows.append({
                    "load_fraction": float(frac), "grf_convergence": lab,
                    "condition": f"{100 * frac:.0f} % BM, {lab}",
                    "programme": f"{sets}×{reps}", "reps_per_leg": n,
                    "knee_impulse_knms": n * knee_rep / 1000.0,
                    "hip_impulse_knms": n * hip_rep / 1000.0,
                    "knee_front_share_of_impulse": (d["front_knee_impulse_nms"] / knee_rep
                                                    if knee_rep > 0 else np.nan),
                    "knee_peak_sum_knm": n * d["front_knee_peak_nm"] / 1000.0,
                    "hip_peak_sum_knm": n * d["front_hip_peak_nm"] / 1000.0,
                })
    return pd.DataFrame(rows)


def programme_table(demand: pd.DataFrame, value: str = "knee_impulse_knms") -> pd.DataFrame:
    """One quantity of :func:`programme_demand` as a table: one row per programme (with
    its reps per leg), one column per condition (load and assumption)."""
    wide = demand.pivot_table(index=["programme", "reps_per_leg"], columns="condition",
                              values=value, sort=False)
    wide.columns.name = value
    return wide
