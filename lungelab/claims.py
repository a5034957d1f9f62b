"""The seed claims checked: what the lunge model says about each coaching claim (notebook 07).

Coaching articles give the backward lunge five form tips (front knee over the ankle, chest
up, both knees at about 90°, back knee hovering, weight in the front heel "protects the
knees") and four benefits (knee-friendly compared with forward lunges, strengthens glutes and
hamstrings, stretches the hip flexors, improves balance).  Each function here computes the
numbers one claim can be judged by and returns a :class:`pandas.DataFrame` (units in the
column names, as in :meth:`lungelab.LungeModel.evaluate`); :func:`form_tips` and
:func:`verdict_table` condense them into one row per claim with a verdict from
:data:`VERDICTS`.

>>> import lungelab as ll
>>> from lungelab import claims
>>> t = claims.form_tips(ll.LungeModel())
>>> t.loc["front_heel", "verdict"]
'contradicted'

Where the numbers come from
---------------------------
* **Form tips**: the same :mod:`lungelab.studies` functions notebooks 02-05 call (nothing is
  recomputed differently here), so the verdicts quote those notebooks' numbers.
* **Forward vs backward lunge**: SYNTHETIC trials of :mod:`lungelab.synthetic` — generated
  from this same sagittal model (single-support dynamics, the model's force-split rule),
  with their true joint moments.  They show what the model *implies* about the two
  movements, not a measurement.  At the bottom hold both trials are the model's quasi-static
  posture, so any difference comes from stepping, landing and pushing back — i.e. from how
  the generator builds those phases.  :func:`force_check` tests whether each trial's foot
  forces add up to the force that moves its centre of mass; a trial that fails it must not
  be read.
* **Hip-extensor demand** (glutes and hamstrings): the net front-hip extensor moment.  A net
  moment is the sum over all muscles crossing the joint; the model cannot split it between
  gluteus maximus, the hamstrings and adductor magnus, nor say anything about strength gains.
* **Hip-flexor stretch**: the back hip's angle (trunk line to thigh) at the bottom.  The
  trunk is one rigid segment from hip to shoulder, so "hip extension" here includes any
  pelvic tilt or lower-back arch that a real body would use instead.
* **Balance**: the static margin of the centre of mass inside the sagittal base (rear ball
  to front ball).  The side-to-side base (stance width) is not modelled, and a training
  effect on balance is not a mechanics question.

Horizontal foot forces are statically indeterminate (:mod:`lungelab.loads`): every moment is
given under each GRF-convergence assumption of :data:`lungelab.studies.CONVERGENCE_OPTIONS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from . import knee, studies
from .model import LungeModel

__all__ = [
    "VERDICTS", "CLAIMS", "HIP_EXTENSION_RANGE_DEG", "STRETCH_CLASSES", "LITERATURE", "LABELS",
    "PHASES", "DEFAULT_LABEL", "literature", "sign_verdict", "FullText", "full_text",
    # form tips
    "knee_over_ankle", "chest_up", "depth_and_hover", "front_heel", "form_tips",
    # forward vs backward (synthetic)
    "synthetic_trials", "front_leg_curves", "rep_curves", "rep_peaks", "forward_vs_backward",
    "force_check", "describe_force_check",
    # the other benefits
    "hip_extensor_demand", "hip_flexor_stretch", "stretch_table", "balance_margins",
    "single_support_balance",
    # summary
    "verdict_table",
]

VERDICTS = ("supported", "depends on assumption", "not a mechanics question", "contradicted")
"""The four verdicts of :func:`verdict_table`."""

CLAIMS = {
    "knee_over_ankle": ("form tip", "Keep the front knee over the ankle (not past the toes): "
                                    "easier on the knee"),
    "chest_up": ("form tip", "Keep the chest up (so you do not tip forward)"),
    "knees_90": ("form tip", "Lower until both knees are at about 90°"),
    "back_knee_hover": ("form tip", "Let the back knee hover above the floor (keeps the back "
                                    "leg working)"),
    "front_heel": ("form tip", "Weight in the front heel protects the knees"),
    "knee_friendly": ("benefit", "Knee-friendly compared with forward lunges"),
    "glutes_hamstrings": ("benefit", "Strengthens glutes and hamstrings"),
    "hip_flexor_stretch": ("benefit", "Stretches the hip flexors (of the back leg)"),
    "balance": ("benefit", "Improves balance"),
}
"""Claim key → (kind, the claim as coaching articles put it)."""

DEFAULT_LABEL = studies.convergence_label("com")
"""Label of the default GRF-convergence assumption (each foot pushes toward the COM)."""

HIP_EXTENSION_RANGE_DEG = (10.0, 20.0)
"""Typical end of the passive hip-extension range in adults, deg (hip extended beyond
neutral).  **Planning value, unverified**: clinical goniometry summaries quote 10-20°
(Norkin & White, *Measurement of Joint Motion*, as summarised on clinical web pages) and
10-15° (Wilson 2014, *Am Fam Physician* 89(1):27-34, via a web summary); AAOS tables are
quoted up to 30°.  Not read in the primary sources."""

STRETCH_CLASSES = ("hip flexed: no hip-flexor stretch",
                   "extended, short of the typical end range",
                   "at the typical end range: a stretch",
                   "beyond the typical range: the pelvis or lower back must give")
"""Classes of :func:`hip_flexor_stretch` (``stretch_code`` 0-3), by the back hip's
extension against :data:`HIP_EXTENSION_RANGE_DEG`."""

PHASES = {0: "standing", 1: "single support, front foot", 2: "single support, rear foot",
          3: "double support"}
"""Names of the synthetic generator's ``mode`` codes."""

LABELS = {
    "time_from_bottom_s": "time from reaching the bottom (s)",
    "time_s": "time (s)",
    "direction": "lunge",
    "rear_hip_extension_deg": "back hip extension (deg)",
    "balance_margin_m": "balance margin",
    "base_length_m": "base of support",
}
"""Axis titles (with units) for the columns this module adds, and bar-category names
(``balance_margin_m``, ``base_length_m``: their unit goes in the axis title)."""

LITERATURE = pd.DataFrame([
    {"study": "Comfort et al. 2015", "movement": "forward vs reverse (backward) lunge, "
     "single-leg squat; n = 9 men",
     "finding": "hip moment forward lunge > reverse lunge; knee moment single-leg squat > "
                "reverse lunge",
     "direction for the claim": "backward lunge asks less of the hip than the forward lunge"},
    {"study": "Roos et al. 2012", "movement": "forward vs backward running",
     "finding": "PFJ compression 4.5 vs 3.4 BW, knee moment 157 vs 124 N·m, COP at 25 % vs "
                "12 % of foot length",
     "direction for the claim": "moving backward loads the knee and kneecap less (running, "
                                "not lunging)"},
])
"""Published findings on forward vs backward movement (project reference sheet
``/work/shared/reference/biomech-models.md``: both read in the abstract)."""


def literature() -> pd.DataFrame:
    """:data:`LITERATURE` indexed by study."""
    return LITERATURE.set_index("study")


# -- helpers -----------------------------------------------------------------------------------
def sign_verdict(values, claimed_sign: int, tol: float = 1e-6) -> str:
    """Verdict from the signs of one change under several assumptions.

    Parameters
    ----------
    values : array_like
        The change a claim predicts the sign of, one value per assumption (NaN ignored).
    claimed_sign : {-1, +1}
        The sign the claim predicts.
    tol : float
        Changes smaller than this (in the values' unit) count as no change.

    Returns
    -------
    str
        ``"supported"`` if every value has the claimed sign, ``"contradicted"`` if every
        value has the opposite sign, else ``"depends on assumption"``.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if claimed_sign not in (-1, 1):
        raise ValueError("claimed_sign must be -1 or +1")
    if v.size and np.all(claimed_sign * v > tol):
        return "supported"
    if v.size and np.all(claimed_sign * v < -tol):
        return "contradicted"
    return "depends on assumption"


class FullText:
    """A DataFrame that displays without truncating long text cells (notebook tables).

    pandas cuts text cells at 50 characters by default; verdict tables hold sentences.
    The text form (what nbval compares) and the HTML form both show every character.
    """

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None, "display.width", 200):
            return repr(self.df)

    def _repr_html_(self) -> str:
        with pd.option_context("display.max_colwidth", None):
            return self.df.to_html()


def full_text(df: pd.DataFrame) -> FullText:
    """Wrap ``df`` so notebooks show its text cells in full (see :class:`FullText`)."""
    return FullText(df)


def _by_assumption(df: pd.DataFrame, column: str) -> pd.Series:
    return df[column].astype(float)


def _range_text(s: pd.Series, fmt: str, unit: str, default: str = DEFAULT_LABEL) -> str:
    lo, hi = float(np.nanmin(s)), float(np.nanmax(s))
    return (f"{format(float(s[default]), fmt)} {unit} with {default}; "
            f"{format(lo, fmt)} to {format(hi, fmt)} {unit} over {len(s)} assumptions")


# -- form tips ---------------------------------------------------------------------------------
def knee_over_ankle(model: LungeModel, *, options: Iterable = studies.CONVERGENCE_OPTIONS,
                    **posture) -> pd.DataFrame:
    """Knee over the ankle vs knee at the toes, trunk fixed (notebook 03).

    Calls :func:`lungelab.studies.knee_travel_effect` (restricted = knee straight above the
    ankle, free = knee at the toe tip; front knee 90°, trunk 10°, back knee 90°, 60 % of the
    front foot's load on the heel unless ``posture`` says otherwise).

    Returns
    -------
    pandas.DataFrame
        Index GRF-convergence assumption; front-knee moment (N·m, + extensor), PFJ stress
        (MPa, quartic area unless the model says otherwise) and front-hip moment (N·m) with
        the knee over the ankle and at the toes, and each ``*_change_*`` = over the ankle −
        at the toes (negative = the tip lowers it).
    """
    e = studies.knee_travel_effect(model, options=options, **posture)
    out = pd.DataFrame(index=e.index)
    out["knee_over_ankle_nm"] = e["knee_restricted_nm"]
    out["knee_at_toes_nm"] = e["knee_free_nm"]
    out["knee_change_nm"] = e["knee_restricted_nm"] - e["knee_free_nm"]
    out["pfj_over_ankle_mpa"] = e["pfj_restricted_mpa"]
    out["pfj_at_toes_mpa"] = e["pfj_free_mpa"]
    out["pfj_change_mpa"] = e["pfj_restricted_mpa"] - e["pfj_free_mpa"]
    out["hip_change_nm"] = e["hip_restricted_nm"] - e["hip_free_nm"]
    return out


def chest_up(model: LungeModel, upright: float = 0.0, lean: float = 30.0, *,
             options: Iterable = studies.CONVERGENCE_OPTIONS, heel_share: float = 0.6,
             **posture) -> pd.DataFrame:
    """Upright trunk vs a forward lean: balance, and where the work goes (notebook 04).

    Calls :func:`lungelab.studies.trunk_lean_effect` (loads per assumption) and
    :func:`lungelab.studies.balance_limits` (how far the knee may travel past the toes
    before the centre of mass passes the front foot's pressure point).

    Returns
    -------
    pandas.DataFrame
        Index GRF-convergence assumption; front-knee and front-hip moments (N·m) upright and
        leaning, their changes upright − lean (N·m); the geometry columns (same under every
        assumption): front foot's share of the weight upright and leaning (fraction 0-1),
        balance margin upright and leaning and its change (m; COM to the nearer edge of the
        base, :meth:`LungeModel.evaluate`'s ``balance_margin_m``) and the largest knee
        travel past the toes that still balances with ``heel_share`` of the front foot's load
        on the heel, upright and leaning (m).
    """
    e = studies.trunk_lean_effect(model, upright, lean, options=options,
                                  columns=("front_share", "front_knee_moment_nm",
                                           "front_hip_moment_nm", "pfj_stress_mpa"), **posture)
    up, le = e["upright"].unstack(), e["lean"].unstack()
    labels = list(dict.fromkeys(e.index.get_level_values(0)))
    out = pd.DataFrame(index=pd.Index(labels, name="grf_convergence"))
    for q, short in (("front_knee_moment_nm", "knee"), ("front_hip_moment_nm", "hip")):
        out[f"{short}_upright_nm"] = up.loc[labels, q]
        out[f"{short}_lean_nm"] = le.loc[labels, q]
        out[f"{short}_change_nm"] = out[f"{short}_upright_nm"] - out[f"{short}_lean_nm"]
    out["front_share_upright"] = up.loc[labels, "front_share"]
    out["front_share_lean"] = le.loc[labels, "front_share"]
    geo = model.evaluate(trunk_lean_deg=np.array([upright, lean]), front_heel_share=heel_share,
                         **posture)["balance_margin_m"].to_numpy(float)
    out["margin_upright_m"], out["margin_lean_m"] = geo[0], geo[1]
    out["margin_change_m"] = geo[0] - geo[1]
    lim = studies.balance_limits(model, trunk_lean_deg=np.array([upright, lean]),
                                 heel_shares=(heel_share,), **posture).iloc[:, 0].to_numpy()
    out["max_knee_travel_upright_m"], out["max_knee_travel_lean_m"] = lim[0], lim[1]
    return out


def depth_and_hover(model: LungeModel, front_knee_flexion_deg: float = 90.0,
                    rear_knee_flexion_deg: float = 90.0, *,
                    options: Iterable = studies.CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """Both knees at about 90°, back knee hovering (notebook 05).

    Calls :func:`lungelab.studies.evenness_table` for the posture and
    :func:`lungelab.studies.touch_depth` for the front-knee flexion at which the back knee
    comes down to :data:`lungelab.studies.KNEE_CLEARANCE_M` (planning value).

    Returns
    -------
    pandas.DataFrame
        Index GRF-convergence assumption; geometry (same under every assumption): back-knee
        joint-centre height (m), step length (m), the front-knee flexion at which the back
        knee touches the floor with this back-knee angle (deg); loads: back-knee and
        back-hip moments (N·m, + extensor) and the front-knee moment (N·m).
    """
    cols = ("rear_knee_height_m", "step_length_m", "rear_knee_moment_nm",
            "rear_hip_moment_nm", "front_knee_moment_nm")
    ev = studies.evenness_table(model, pairs=((front_knee_flexion_deg, rear_knee_flexion_deg),),
                                options=options, columns=cols, **posture)
    out = ev.droplevel([0, 1])
    touch = studies.touch_depth(model, rear_knee_flexion_deg=[rear_knee_flexion_deg], **posture)
    out.insert(2, "touch_front_knee_deg", float(touch["front_knee_flexion_deg"].iloc[0]))
    return out


def front_heel(model: LungeModel, heel_shares: tuple[float, float] = (0.2, 0.8), *,
               options: Iterable = studies.CONVERGENCE_OPTIONS, **posture) -> pd.DataFrame:
    """Toes-heavy vs heel-heavy front foot, per strategy and assumption (notebook 02).

    Calls :func:`lungelab.studies.heel_share_table`.  Strategies: the posture stays put,
    the trunk adapts, or the knee travel adapts (the last two keep the weight split between
    the feet).

    Returns
    -------
    pandas.DataFrame
        Index (strategy, assumption); front-knee moment toes-heavy and heel-heavy (N·m) and
        the changes heel − toes of the front-knee moment (N·m), PFJ stress (MPa), front-hip
        and front-ankle moments (N·m).
    """
    cols = ("front_knee_moment_nm", "pfj_stress_mpa", "front_hip_moment_nm",
            "front_ankle_moment_nm")
    t = studies.heel_share_table(model, heel_shares, options=options, columns=cols, **posture)
    lo, hi = (f"heel {h:g}" for h in heel_shares)
    out = pd.DataFrame(index=t.index)
    out["knee_toes_nm"] = t[("front_knee_moment_nm", lo)]
    out["knee_heel_nm"] = t[("front_knee_moment_nm", hi)]
    out["knee_change_nm"] = t[("front_knee_moment_nm", "change")]
    out["pfj_change_mpa"] = t[("pfj_stress_mpa", "change")]
    out["hip_change_nm"] = t[("front_hip_moment_nm", "change")]
    out["ankle_change_nm"] = t[("front_ankle_moment_nm", "change")]
    return out


def form_tips(model: LungeModel, *, options: Iterable = studies.CONVERGENCE_OPTIONS,
              tables: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One row per form tip: the quantity that tests it, its values and a verdict.

    The tested quantity and the verdict rule per tip:

    * ``knee_over_ankle``: front-knee moment, knee over the ankle − at the toes (N·m);
      :func:`sign_verdict` with claimed sign −1 over the assumptions.
    * ``chest_up``: balance margin, upright − 30° lean (m; geometry, one value); claimed
      sign +1.
    * ``knees_90``: back-knee height at 90/90 above the touch height (m; geometry);
      claimed sign +1 (the back knee hovers at 90/90).
    * ``back_knee_hover``: back-knee moment at 90/90 (N·m, + extensor); claimed sign +1
      (the back leg works while it hovers).
    * ``front_heel``: front-knee moment, heel-heavy − toes-heavy with the posture held
      (N·m); claimed sign −1.

    Parameters
    ----------
    model : LungeModel
    options : iterable
        GRF-convergence assumptions.
    tables : mapping, optional
        Already computed ``{"knee_over_ankle": ..., "chest_up": ..., "depth_and_hover": ...,
        "front_heel": ...}`` (outputs of those functions) to reuse.

    Returns
    -------
    pandas.DataFrame
        Index claim key; ``tip``, ``notebook``, ``quantity``, ``unit``, ``default``
        (value under the default assumption), ``lowest``, ``highest`` (over the
        assumptions), ``agree`` ("k of n" assumptions with the claimed sign) and
        ``verdict``.
    """
    opts = tuple(options)
    t = dict(tables or {})
    koa = t.get("knee_over_ankle")
    koa = knee_over_ankle(model, options=opts) if koa is None else koa
    chest = t.get("chest_up")
    chest = chest_up(model, options=opts) if chest is None else chest
    dh = t.get("depth_and_hover")
    dh = depth_and_hover(model, options=opts) if dh is None else dh
    heel = t.get("front_heel")
    heel = front_heel(model, options=opts) if heel is None else heel
    clearance = studies.KNEE_CLEARANCE_M
    rows = [
        ("knee_over_ankle", "03", "front-knee moment: knee over the ankle − knee at the toes",
         "N·m", koa["knee_change_nm"], -1),
        ("chest_up", "04", "balance margin: upright − 30° forward lean (geometry)", "m",
         chest["margin_change_m"].iloc[:1], +1),
        ("knees_90", "05", "back-knee height at 90/90 above the 5 cm touch height (geometry)",
         "m", dh["rear_knee_height_m"].iloc[:1] - clearance, +1),
        ("back_knee_hover", "05", "back-knee moment at 90/90 (+ extensor: the back leg works)",
         "N·m", dh["rear_knee_moment_nm"], +1),
        ("front_heel", "02", "front-knee moment: 80 % − 20 % of the front foot's load on the "
         "heel, posture held", "N·m", heel.loc["fixed posture", "knee_change_nm"], -1),
    ]
    out = []
    for key, nb, quantity, unit, s, sign in rows:
        s = s.astype(float)
        default = float(s[DEFAULT_LABEL]) if DEFAULT_LABEL in s.index else float(s.iloc[0])
        v = s.to_numpy(float)
        out.append({"claim": key, "tip": CLAIMS[key][1], "notebook": nb, "quantity": quantity,
                    "unit": unit, "default": default, "lowest": float(np.nanmin(v)),
                    "highest": float(np.nanmax(v)),
                    "agree": f"{int(np.sum(sign * v > 1e-6))} of {len(v)}",
                    "verdict": sign_verdict(v, sign)})
    return pd.DataFrame(out).set_index("claim")


# -- forward vs backward: synthetic trials -------------------------------------------------------
def synthetic_trials(subject_id: str = "S01", reps: int = 3,
                     variants: Mapping[str, str] | None = None) -> dict:
    """Generate the SYNTHETIC backward and forward trials compared in notebook 07.

    Parameters
    ----------
    subject_id : str
        Key of :data:`lungelab.synthetic.SUBJECTS` (default S01: man, 82 kg, 1.80 m).
    reps : int
        Repetitions on the right leg (none on the left: one leg is enough here and keeps
        the notebook fast).
    variants : mapping, optional
        ``{direction label: variant name}``; default ``{"backward": "good", "forward":
        "forward"}`` — the same good-form bottom posture reached by stepping back or
        forward.

    Returns
    -------
    dict
        ``{direction: lungelab.synthetic.SyntheticTrial}``, seeded (deterministic).
    """
    from . import synthetic

    variants = dict(variants or {"backward": "good", "forward": "forward"})
    return {d: synthetic.generate_trial(subject_id, v, reps_per_leg=(int(reps), 0))
            for d, v in variants.items()}


def _angle_between(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    cross = u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]
    dot = (u * v).sum(axis=1)
    return np.degrees(np.arctan2(np.abs(cross), dot))


def front_leg_curves(trials: Mapping, contact_area_model: str = "quartic") -> pd.DataFrame:
    """The working (front) leg's loads through every repetition of each synthetic trial.

    The front leg is the leg of each repetition in ``trial.reps``; samples from a
    repetition's start to its end are kept.  Knee flexion is computed from the true hip,
    knee and ankle joint centres; the PFJ chain is :func:`lungelab.knee.pfj_chain` on the
    true knee moment (quadriceps force 0 for a flexor moment; NaN beyond 120°).

    Parameters
    ----------
    trials : mapping
        ``{direction: SyntheticTrial}`` (see :func:`synthetic_trials`).
    contact_area_model : str
        PFJ contact-area model (:data:`lungelab.knee.CONTACT_AREA_MODELS`).

    Returns
    -------
    pandas.DataFrame
        One row per sample: ``direction``, ``rep``, ``time_s``, ``time_from_bottom_s``
        (s, 0 = the bottom posture is reached), ``phase`` (:data:`PHASES`), ``hold``
        (True while holding the bottom posture),
        ``front_knee_flexion_deg``, ``front_knee_moment_nm``, ``front_hip_moment_nm``,
        ``rear_knee_moment_nm``, ``rear_hip_moment_nm`` (N·m, + extensor),
        ``front_grf_vertical_n``, ``front_grf_horizontal_n`` (N, + forward),
        ``pfj_stress_mpa``, ``com_x_m``, and for the balance check the stance foot's
        contact edges ``stance_back_edge_x_m`` / ``stance_front_edge_x_m`` (m; NaN outside
        single support).
    """
    frames = []
    for direction, st in trials.items():
        truth, reps = st.truth, st.reps
        sex = st.metadata.get("sex", "male")
        ball = _ball_fraction(st)
        for _, r in reps.iterrows():
            f = "R" if r["leg"] == "right" else "L"
            o = "L" if f == "R" else "R"
            fs, os_ = ("right", "left") if f == "R" else ("left", "right")
            d = truth.loc[r["t_start_s"]:r["t_end_s"]]
            hip = d[["HIP_x_m", "HIP_y_m"]].to_numpy()
            kn = d[[f"{f}_KNEE_x_m", f"{f}_KNEE_y_m"]].to_numpy()
            an = d[[f"{f}_ANKLE_x_m", f"{f}_ANKLE_y_m"]].to_numpy()
            flex = 180.0 - _angle_between(hip - kn, an - kn)
            m_knee = d[f"{fs}_knee_moment_nm"].to_numpy(float)
            chain = knee.pfj_chain(m_knee, flex, contact_area_model, sex)
            mode = d["mode"].to_numpy(int)
            # stance foot in single support: the front foot (mode 1) or the rear foot (2)
            side = np.where(mode == 1, f, np.where(mode == 2, o, ""))
            back = np.full(len(d), np.nan)
            front = np.full(len(d), np.nan)
            for s in (f, o):
                sel = side == s
                heel_x, toe_x = d[f"{s}_HEEL_x_m"].to_numpy(), d[f"{s}_TOE_x_m"].to_numpy()
                heel_up = d[f"{s}_HEEL_y_m"].to_numpy() > 0.005
                ball_x = heel_x + ball * (toe_x - heel_x)
                back = np.where(sel, np.where(heel_up, ball_x, heel_x), back)
                front = np.where(sel, toe_x, front)
            frames.append(pd.DataFrame({
                "direction": direction, "rep": int(r["rep"]),
                "time_s": d.index.to_numpy(float),
                "time_from_bottom_s": np.round(d.index.to_numpy(float) - r["t_bottom_s"], 6),
                "phase": [PHASES[int(m)] for m in mode],
                "hold": (d.index.to_numpy(float) >= r["t_bottom_s"])
                & (d.index.to_numpy(float) <= r["t_bottom_end_s"]),
                "front_knee_flexion_deg": flex,
                "front_knee_moment_nm": m_knee,
                "front_hip_moment_nm": d[f"{fs}_hip_moment_nm"].to_numpy(float),
                "rear_knee_moment_nm": d[f"{os_}_knee_moment_nm"].to_numpy(float),
                "rear_hip_moment_nm": d[f"{os_}_hip_moment_nm"].to_numpy(float),
                "front_grf_vertical_n": d[f"grf_{fs}_y_n"].to_numpy(float),
                "front_grf_horizontal_n": d[f"grf_{fs}_x_n"].to_numpy(float),
                "pfj_stress_mpa": chain["pfj_stress_mpa"],
                "com_x_m": d["com_x_m"].to_numpy(float),
                "stance_back_edge_x_m": back, "stance_front_edge_x_m": front,
            }))
    return pd.concat(frames, ignore_index=True)


def _ball_fraction(st) -> float:
    from . import synthetic

    spec = synthetic.SUBJECTS.get(st.metadata.get("subject_id", ""))
    return spec.subject().ball_fraction if spec is not None else 0.73


def rep_curves(curves: pd.DataFrame, rep: int = 1,
               window_s: tuple[float, float] | None = None) -> pd.DataFrame:
    """One repetition of each direction from :func:`front_leg_curves` (for a figure),
    optionally cut to ``window_s`` = (from, to) seconds around the bottom."""
    d = curves[curves["rep"] == rep]
    if window_s is not None:
        t = d["time_from_bottom_s"]
        d = d[(t >= window_s[0]) & (t <= window_s[1])]
    return d.reset_index(drop=True)


def rep_peaks(curves: pd.DataFrame) -> pd.DataFrame:
    """Peaks and bottom-hold values of each repetition.

    Returns
    -------
    pandas.DataFrame
        Index (direction, rep): peak front-knee extensor moment (N·m), its phase and the
        knee flexion there (deg), peak PFJ stress (MPa), peak front-hip extensor moment
        (N·m), and the front-knee moment, front-hip moment and PFJ stress averaged over the
        bottom hold (``hold_*``; the quasi-static model posture).
    """
    rows = []
    for (direction, rep), g in curves.groupby(["direction", "rep"], sort=False):
        i = int(np.nanargmax(g["front_knee_moment_nm"].to_numpy(float)))
        phases = g["phase"].to_numpy()
        hold = g["hold"].to_numpy(bool)
        rows.append({
            "direction": direction, "rep": rep,
            "peak_knee_nm": float(g["front_knee_moment_nm"].iloc[i]),
            "peak_knee_phase": phases[i],
            "peak_knee_flexion_deg": float(g["front_knee_flexion_deg"].iloc[i]),
            "peak_pfj_mpa": float(np.nanmax(g["pfj_stress_mpa"])),
            "peak_hip_nm": max(float(np.nanmax(g["front_hip_moment_nm"])), 0.0),
            "hold_knee_nm": float(g["front_knee_moment_nm"][hold].mean()),
            "hold_hip_nm": float(g["front_hip_moment_nm"][hold].mean()),
            "hold_pfj_mpa": float(g["pfj_stress_mpa"][hold].mean()),
        })
    return pd.DataFrame(rows).set_index(["direction", "rep"])


def forward_vs_backward(peaks: pd.DataFrame) -> pd.DataFrame:
    """Mean over repetitions of :func:`rep_peaks`, per direction, plus forward / backward.

    Returns
    -------
    pandas.DataFrame
        Rows ``backward``, ``forward`` (means over reps, same units as :func:`rep_peaks`)
        and ``forward / backward`` (ratio of the means, 1); the numeric columns of
        :func:`rep_peaks` and ``reps`` (number of repetitions averaged).
    """
    num = peaks.select_dtypes("number")
    mean = num.groupby(level="direction", sort=False).mean()
    mean["reps"] = num.groupby(level="direction", sort=False).size().astype(float)
    if {"backward", "forward"} <= set(mean.index):
        ratio = mean.loc["forward"] / mean.loc["backward"]
        ratio["reps"] = np.nan
        mean.loc["forward / backward"] = ratio
    return mean


def force_check(trials: Mapping, tol_n: float = 1.0, friction: float = 1.2) -> pd.DataFrame:
    """Do each trial's true foot forces add up to the force that moves its centre of mass?

    The generator computes the total ground reaction from the COM acceleration,
    :math:`\\mathbf F = M(\\mathbf a_{com} - \\mathbf g)`, and then splits it between the
    feet.  The joint moments are built from the per-foot forces, so if the per-foot forces
    do not sum to the total, the moments miss part of the load.

    Parameters
    ----------
    trials : mapping
        ``{direction: SyntheticTrial}``.
    tol_n : float
        Largest residual, N, still counted as consistent.
    friction : float
        Horizontal / vertical ratio above which the total force could not be produced
        without slipping (the generator's own limit is 1.2).

    Returns
    -------
    pandas.DataFrame
        Index direction; ``max_residual_x_n``, ``max_residual_y_n`` (N, |Σ feet − total|),
        ``samples_off`` (samples with a residual above ``tol_n``), ``off_from_s`` /
        ``off_to_s`` (their time span), ``max_total_h_over_v`` (1; where the vertical force
        exceeds 30 % of body weight) and ``consistent`` (residuals within ``tol_n`` and
        the ratio within ``friction``).
    """
    rows = []
    for direction, st in trials.items():
        d = st.truth
        rx = (d["grf_right_x_n"] + d["grf_left_x_n"] - d["grf_total_x_n"]).abs()
        ry = (d["grf_right_y_n"] + d["grf_left_y_n"] - d["grf_total_y_n"]).abs()
        off = (rx > tol_n) | (ry > tol_n)
        w = d["grf_total_y_n"]
        loaded = w > 0.3 * float(np.median(w))
        ratio = float((d["grf_total_x_n"].abs() / w)[loaded].max())
        rows.append({"direction": direction, "max_residual_x_n": float(rx.max()),
                     "max_residual_y_n": float(ry.max()), "samples_off": int(off.sum()),
                     "off_from_s": float(d.index[off].min()) if off.any() else np.nan,
                     "off_to_s": float(d.index[off].max()) if off.any() else np.nan,
                     "max_total_h_over_v": ratio,
                     "consistent": bool(not off.any() and ratio <= friction)})
    return pd.DataFrame(rows).set_index("direction")


def describe_force_check(checks: pd.DataFrame) -> str:
    """One line per trial saying whether :func:`force_check` passed, in words."""
    lines = []
    for direction, r in checks.iterrows():
        if r["consistent"]:
            res = max(r["max_residual_x_n"], r["max_residual_y_n"])
            lines.append(f"{direction}: the foot forces add up to the total "
                         f"(largest residual {res:.3f} N) — usable")
        else:
            lines.append(f"{direction}: NOT usable — the foot forces miss the total by up to "
                         f"{r['max_residual_x_n']:.0f} N ({int(r['samples_off'])} samples, "
                         f"{r['off_from_s']:.2f}-{r['off_to_s']:.2f} s) and the total force "
                         f"leans up to {r['max_total_h_over_v']:.2f}:1 (horizontal:vertical)")
    return "\n".join(lines)


# -- glutes and hamstrings -----------------------------------------------------------------------
def hip_extensor_demand(model: LungeModel, trunk_lean_deg: Sequence[float] = (10.0, 30.0), *,
                        options: Iterable = studies.CONVERGENCE_OPTIONS,
                        **posture) -> pd.DataFrame:
    """Front-hip extensor moment, the model's proxy for glute and hamstring demand.

    Parameters
    ----------
    model : LungeModel
    trunk_lean_deg : sequence of float
        Trunk leans to compare (default: the good-form 10° and a 30° hip hinge).
    options : iterable
        GRF-convergence assumptions.
    **posture
        Other posture inputs (default lunge otherwise).

    Returns
    -------
    pandas.DataFrame
        Index (trunk lean, assumption); front-hip moment (N·m and N·m/kg, + extensor), the
        front-knee moment (N·m) for comparison and ``hip_share`` = hip / (hip + knee) of the
        two extensor moments (fraction 0-1; NaN unless both are extensor).  The net moment
        sums every muscle across the hip: the model cannot tell gluteus maximus from the
        hamstrings or adductor magnus.
    """
    t = np.asarray(trunk_lean_deg, dtype=float)
    df = studies.sweep(model, options=options, trunk_lean_deg=t, **posture)
    df["trunk_lean_deg"] = np.tile(t, len(df) // len(t))
    out = df.set_index(["trunk_lean_deg", "grf_convergence"])[
        ["front_hip_moment_nm", "front_hip_moment_nm_per_kg", "front_knee_moment_nm"]].copy()
    out = out.sort_index(level=0, sort_remaining=False)
    hip, kn = out["front_hip_moment_nm"], out["front_knee_moment_nm"]
    out["hip_share"] = np.where((hip > 0) & (kn > 0), hip / (hip + kn), np.nan)
    return out


# -- hip-flexor stretch ---------------------------------------------------------------------------
def hip_flexor_stretch(model: LungeModel, trunk_lean_deg=None,
                       rear_knee_flexion_deg: Sequence[float] = (70.0, 90.0, 110.0), *,
                       extension_range_deg: tuple[float, float] = HIP_EXTENSION_RANGE_DEG,
                       **posture) -> pd.DataFrame:
    """Back-hip extension at the bottom over trunk lean and back-knee angle (geometry only).

    ``rear_hip_extension_deg`` = −``rear_hip_flexion_deg`` of :meth:`LungeModel.evaluate`:
    the angle of the back thigh behind the trunk line (hip → shoulder).  Classes
    (:data:`STRETCH_CLASSES`, ``stretch_code`` 0-3): flexed (< 0°); extended but below the
    lower end of ``extension_range_deg``; inside it (an end-range stretch); beyond its upper
    end (more than a typical hip gives: a real body tilts the pelvis or arches the lower
    back — the model's rigid trunk cannot show which).

    Parameters
    ----------
    model : LungeModel
    trunk_lean_deg : array_like, optional
        Default −10° to 40° in 5° steps.
    rear_knee_flexion_deg : sequence of float
        Back-knee angles (front knee 90° unless ``posture`` says otherwise); a straighter
        back knee means a longer step.
    extension_range_deg : (float, float)
        Typical end of the passive hip-extension range (planning value).

    Returns
    -------
    pandas.DataFrame
        Long format: ``trunk_lean_deg``, ``rear_knee_flexion_deg``, ``back knee`` (label),
        ``rear_hip_extension_deg``, ``step_length_m``, ``rear_knee_height_m``,
        ``balanced``, ``stretch_code`` and ``stretch``.
    """
    t = (np.round(np.arange(-10.0, 40.01, 5.0), 3) if trunk_lean_deg is None
         else np.asarray(trunk_lean_deg, dtype=float))
    r = np.asarray(rear_knee_flexion_deg, dtype=float)
    df = studies.grid(model, "trunk_lean_deg", t, "rear_knee_flexion_deg", r, **posture)
    ext = -df["rear_hip_flexion_deg"].to_numpy(float)
    lo, hi = extension_range_deg
    code = np.where(ext < 0, 0, np.where(ext < lo, 1, np.where(ext <= hi, 2, 3)))
    out = pd.DataFrame({
        "trunk_lean_deg": df["trunk_lean_deg"].to_numpy(float),
        "rear_knee_flexion_deg": df["rear_knee_flexion_deg"].to_numpy(float),
        "back knee": [f"back knee {v:g}°" for v in df["rear_knee_flexion_deg"]],
        "rear_hip_extension_deg": ext,
        "step_length_m": df["step_length_m"].to_numpy(float),
        "rear_knee_height_m": df["rear_knee_height_m"].to_numpy(float),
        "balanced": df["balanced"].to_numpy(bool),
        "stretch_code": code,
        "stretch": np.array(STRETCH_CLASSES, dtype=object)[code],
    })
    return out


def stretch_table(stretch: pd.DataFrame) -> pd.DataFrame:
    """:func:`hip_flexor_stretch` as a table: back-hip extension (deg) per trunk lean (rows)
    and back-knee angle (columns)."""
    wide = stretch.pivot(index="trunk_lean_deg", columns="back knee",
                         values="rear_hip_extension_deg")
    order = list(dict.fromkeys(stretch.sort_values("rear_knee_flexion_deg")["back knee"]))
    wide = wide[order]
    wide.columns.name = "rear_hip_extension_deg"
    return wide


# -- balance --------------------------------------------------------------------------------------
_BALANCE_POSTURES = {
    "lunge, both knees 90° (default)": {},
    "long step: back knee 70°": {"rear_knee_flexion_deg": 70.0},
    "shorter step: back knee 110°": {"rear_knee_flexion_deg": 110.0},
    "short step: knee at the toes": {"knee_past_toes_m": 0.0},
    "short step, trunk 30° forward": {"knee_past_toes_m": 0.0, "trunk_lean_deg": 30.0},
}


def balance_margins(model: LungeModel, postures: Mapping[str, Mapping] | None = None, *,
                    heel_share: float = 0.6) -> pd.DataFrame:
    """Static balance margin of named bottom postures, with standing for reference.

    ``balance_margin_m`` (from :meth:`LungeModel.evaluate`) is the distance from the
    centre of mass to the nearer edge of the sagittal base, rear ball to front ball —
    how far the body could be pushed forward or back before it tips.  Geometry only (no
    assumption on the horizontal forces).

    The reference row "standing, feet together (best case)" is an upper bound from the
    same foot geometry: a flat foot's base from heel to ball, with the centre of mass
    exactly in its middle (in quiet standing it sits nearer the heel, so the true margin is
    smaller).

    Parameters
    ----------
    model : LungeModel
    postures : mapping, optional
        ``{name: evaluate keyword arguments}``; default: the default lunge, a long and a
        shorter step (back knee 70° / 110°), a short step with the knee at the toes, and
        that with a 30° trunk lean.
    heel_share : float
        Front heel's share of the front foot's load.

    Returns
    -------
    pandas.DataFrame
        Index posture name; ``step_length_m``, ``base_length_m`` (rear ball to front ball),
        ``com_to_rear_ball_m``, ``com_to_front_ball_m``, ``balance_margin_m`` (m),
        ``front_share`` (fraction 0-1) and ``stance`` ("bottom of a lunge" or "standing
        (reference)").
    """
    postures = dict(_BALANCE_POSTURES if postures is None else postures)
    rows = []
    for name, kw in postures.items():
        r = model.evaluate(front_heel_share=heel_share, **kw).iloc[0]
        rows.append({"posture": name, "step_length_m": r["step_length_m"],
                     "base_length_m": r["front_ball_x_m"] - r["rear_ball_x_m"],
                     "com_to_rear_ball_m": r["com_system_x_m"] - r["rear_ball_x_m"],
                     "com_to_front_ball_m": r["front_ball_x_m"] - r["com_system_x_m"],
                     "balance_margin_m": r["balance_margin_m"],
                     "front_share": r["front_share"], "stance": "bottom of a lunge"})
    s = model.subject
    base = s.ball_fraction * s.foot_length
    rows.append({"posture": "standing, feet together (best case)", "step_length_m": 0.0,
                 "base_length_m": base, "com_to_rear_ball_m": np.nan,
                 "com_to_front_ball_m": np.nan, "balance_margin_m": 0.5 * base,
                 "front_share": np.nan, "stance": "standing (reference)"})
    return pd.DataFrame(rows).set_index("posture")


def single_support_balance(curves: pd.DataFrame) -> pd.DataFrame:
    """Where the centre of mass is while one foot carries the body (synthetic trials).

    During the step the body stands on one foot; its static base is that foot's contact
    (heel to toe tip, or ball to toe tip once the heel is up).  A negative margin means the
    centre of mass is outside the foot: the body is falling and only the stepping foot
    catches it — dynamic balance, which the static model cannot judge.

    Returns
    -------
    pandas.DataFrame
        Index direction; ``single_support_s`` (s per repetition, mean), ``min_margin_m``
        (m, most negative static margin over all reps; negative = COM outside the stance
        foot), ``outside_s`` (s per repetition with the COM outside, mean).
    """
    rows = []
    for direction, g in curves.groupby("direction", sort=False):
        single = g["stance_back_edge_x_m"].notna()
        margin = np.minimum(g["com_x_m"] - g["stance_back_edge_x_m"],
                            g["stance_front_edge_x_m"] - g["com_x_m"])
        dt = float(np.median(np.diff(g["time_s"].to_numpy(float))))
        n = g["rep"].nunique()
        rows.append({"direction": direction, "single_support_s": single.sum() * dt / n,
                     "min_margin_m": float(margin[single].min()),
                     "outside_s": float((margin[single] < 0).sum()) * dt / n})
    return pd.DataFrame(rows).set_index("direction")


# -- the summary -------------------------------------------------------------------------------
def verdict_table(tips: pd.DataFrame, fvb: pd.DataFrame, checks: pd.DataFrame,
                  hip: pd.DataFrame, stretch: pd.DataFrame, balance: pd.DataFrame,
                  single: pd.DataFrame, *, default_trunk_deg: float = 10.0,
                  default_rear_knee_deg: float = 90.0,
                  extension_range_deg: tuple[float, float] = HIP_EXTENSION_RANGE_DEG
                  ) -> pd.DataFrame:
    """Claim | what the model says | number (with assumption) | verdict.

    Every number is formatted from the tables passed in (outputs of this module's
    functions), so the summary cannot drift from them.  Verdict rules:

    * form tips: :func:`form_tips`'s verdicts;
    * knee-friendly: "depends on assumption" — statics cannot tell the two lunges apart at
      the bottom, and the synthetic difference comes from the generator's stepping and
      landing assumptions (and is unusable if :func:`force_check` fails);
    * glutes and hamstrings: :func:`sign_verdict` (claimed +1) of the front-hip moment
      under every assumption at ``default_trunk_deg``;
    * hip-flexor stretch: the back hip at the good-form bottom (``default_trunk_deg``,
      back knee ``default_rear_knee_deg``): "supported" if it reaches the typical end
      range, "contradicted" if it does not;
    * balance: "not a mechanics question" (a training effect).

    Returns
    -------
    pandas.DataFrame
        Index claim (as articles put it); ``kind``, ``what the model says``,
        ``number (with assumption)``, ``verdict``.
    """
    rows = []
    tip_text = {
        "knee_over_ankle": "Over the ankle, the knee works less than at the toes only if the "
                           "feet push roughly toward the centre of mass or straighter down; "
                           "with the foot forces meeting low the effect reverses. The hip "
                           "works more instead.",
        "chest_up": "Upright, the centre of mass sits nearer the middle of the base, so the "
                    "body can be pushed further before it tips; the trunk angle also moves "
                    "work between hip (lean) and knee (upright). The back is not in the "
                    "model.",
        "knees_90": "With a normal step, 90/90 is about the deepest position at which the "
                    "back knee still clears the floor (geometry, no assumption).",
        "back_knee_hover": "At 90/90 the back knee carries an extensor moment under every "
                           "assumption: the back leg is working, not resting. What happens if "
                           "it hits the floor is outside a quasi-static model.",
        "front_heel": "With the posture held, more weight in the heel raises the front-knee "
                      "moment and kneecap stress under every assumption; only bringing the "
                      "knee back with it can lower them, and only for near-vertical foot "
                      "forces.",
    }
    for key, r in tips.iterrows():
        unit = r["unit"]
        fmt = ".2f" if unit == "m" else ".0f"
        if r["lowest"] == r["highest"]:
            num = f"{format(r['default'], fmt)} {unit} (geometry): {r['quantity']}"
        else:
            num = (f"{format(r['default'], fmt)} {unit} with {DEFAULT_LABEL}; "
                   f"{format(r['lowest'], fmt)} to {format(r['highest'], fmt)} {unit} over "
                   f"the assumptions ({r['agree']} agree): {r['quantity']}")
        rows.append((key, tip_text[key], num, r["verdict"]))

    # knee-friendly
    fw_ok = bool(checks["consistent"].all())
    bw, fw = fvb.loc["backward"], fvb.loc["forward"]
    num = (f"SYNTHETIC trials (same model), mean of {int(bw['reps'])} reps: peak front-knee "
           f"moment backward {bw['peak_knee_nm']:.0f} vs forward {fw['peak_knee_nm']:.0f} N·m, "
           f"peak PFJ stress {bw['peak_pfj_mpa']:.0f} vs {fw['peak_pfj_mpa']:.0f} MPa "
           f"(quartic area); bottom hold {bw['hold_knee_nm']:.0f} vs {fw['hold_knee_nm']:.0f} "
           "N·m")
    if not fw_ok:
        bad = ", ".join(checks.index[~checks["consistent"]])
        worst = float(checks["max_residual_x_n"].max())
        num += (f". NOT USABLE: the {bad} trial's foot forces miss the total by up to "
                f"{worst:.0f} N")
    says = ("At the bottom the two lunges are the same posture, so statics gives the same "
            "knee load; any difference comes from stepping, landing and pushing back. "
            "Published data point the same way as the claim (Roos 2012, running: less "
            "knee load backward; Comfort 2015: more hip moment in the forward lunge).")
    rows.append(("knee_friendly", says, num, "depends on assumption"))

    # glutes and hamstrings
    h = hip.xs(default_trunk_deg, level="trunk_lean_deg")
    hv = h["front_hip_moment_nm"]
    num = (f"front-hip extensor moment, trunk {default_trunk_deg:g}°: "
           + _range_text(hv, ".0f", "N·m")
           + f"; {float(h.loc[DEFAULT_LABEL, 'front_hip_moment_nm_per_kg']):.2f} N·m/kg "
           f"with {DEFAULT_LABEL}")
    says = ("The front hip's net extensor moment (the model's glute + hamstring proxy) ranges "
            "from large to negative depending on how the feet push; leaning the trunk "
            "forward raises it under every assumption. The model cannot split it between "
            "muscles, and strength gains are a training question.")
    rows.append(("glutes_hamstrings", says, num, sign_verdict(hv.to_numpy(), +1)))

    # hip-flexor stretch
    lo, hi = extension_range_deg
    pick = stretch[np.isclose(stretch["trunk_lean_deg"], default_trunk_deg)
                   & np.isclose(stretch["rear_knee_flexion_deg"], default_rear_knee_deg)]
    ext = float(pick["rear_hip_extension_deg"].iloc[0])
    reach = stretch[(stretch["stretch_code"] >= 2) & stretch["balanced"]]
    first = reach.sort_values("trunk_lean_deg", ascending=False).iloc[0] if len(reach) else None
    where = f"trunk {default_trunk_deg:g}°, back knee {default_rear_knee_deg:g}°"
    num = (f"back hip {ext:.0f}° extended ({where})" if ext >= 0 else
           f"back hip {-ext:.0f}° flexed, i.e. not extended ({where})")
    num += f"; typical end of the extension range {lo:g}-{hi:g}° (planning value)"
    if first is not None:
        num += (f"; reached e.g. at trunk {first['trunk_lean_deg']:g}° with "
                f"{first['back knee']} ({first['rear_hip_extension_deg']:.0f}°)")
    says = ("In the good-form lunge the back thigh hangs nearly straight down under a slightly "
            "forward trunk: the back hip sits near neutral, not stretched. An upright or "
            "backward-leaning trunk and a longer step extend it; the model's rigid trunk "
            "cannot tell hip extension from a pelvis tilt or lower-back arch.")
    rows.append(("hip_flexor_stretch", says, num, "supported" if ext >= lo else "contradicted"))

    # balance
    lunge = balance.iloc[0]
    stand = balance.loc["standing, feet together (best case)"]
    lunges = balance["balance_margin_m"].drop(stand.name)
    sb = single["min_margin_m"]
    dyn = "backward" if "backward" in sb.index else sb.idxmin()
    num = (f"static margin at the bottom {lunge['balance_margin_m']:.2f} m ({lunge.name}) vs "
           f"{lunges.min():.2f} m ({lunges.idxmin()}) vs at most "
           f"{stand['balance_margin_m']:.2f} m standing; during the step of the synthetic "
           f"{dyn} lunge the COM is up to {-float(sb[dyn]):.2f} m outside the stance foot")
    says = ("The bottom of a lunge is statically very stable front-to-back (a long base); the "
            "balance challenge is the step itself (a controlled fall onto the other foot) and "
            "the narrow side-to-side base, which the model does not include. Whether "
            "practising it improves balance is a training question.")
    rows.append(("balance", says, num, "not a mechanics question"))

    out = pd.DataFrame([{"claim": CLAIMS[k][1], "kind": CLAIMS[k][0],
                         "what the model says": s, "number (with assumption)": n,
                         "verdict": v} for k, s, n, v in rows]).set_index("claim")
    return out
