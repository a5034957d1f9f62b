r"""Knee: quadriceps and patellofemoral joint (PFJ) force and stress.

The chain (Powers/Ward/Farrokhi line of work; variants reviewed by Nunes et al. 2018,
*Gait & Posture* 61:188-196):

.. math::

    F_{quad} = \frac{\max(M_{knee,ext}, 0)}{r_{quad}(\theta)},\qquad
    F_{pfj} = k(\theta)\,F_{quad},\qquad
    \sigma_{pfj} = \frac{F_{pfj}}{A_{pfj}(\theta)}

with :math:`\theta` the knee flexion angle in degrees.

* :math:`r_{quad}` — quadriceps effective moment arm, m, cubic in θ; attributed to van
  Eijden et al. (1986) through Nunes et al. (2018) [via code]: 46.0 mm at 0°,
  24.2 mm at 90°; in-vivo MRI gives 31-47 mm over 10-50° (agrees within ~10 %).
* :math:`k` — ratio PFJ reaction / quadriceps force, van Eijden et al. (1986),
  *J Biomech* 19(3):219-229 [via code]; fitted over 0-90°.
* :math:`A_{pfj}` — contact area, mm²; the sources disagree by up to 2×, so the
  model is a named option (:data:`CONTACT_AREA_MODELS`):

  - ``"quartic"`` (default): polynomial fit attributed to Doyle et al. 2023 /
    Nunes et al. 2018 [via code]; 81, 213, 235, 195 mm² at 0/30/60/90°.  Default
    because it covers the whole 0-90° range of a lunge and is the form used in the
    PFJ-stress literature the reference numbers come from.
  - ``"besier2005"``: areas measured in upright MRI by Besier et al. (2005),
    *J Orthop Res* 23(2):345-350 [read]: men 210, 414, 520 mm² at 0/30/60°,
    women 269 and 396 mm² at 30/60°, unloaded; ``weight_bearing=True`` adds the
    ~24 % the paper reports under load.  Linear interpolation; outside the measured
    range the end value is held and a warning is issued.  Stresses come out
    1.5-2.2× lower than with ``"quartic"`` at 30-60°.

Validity: every fit above covers 0-90° of flexion; beyond 100° a warning is issued
(:func:`validity_warnings`) and beyond 120° (:data:`MAX_DEG`) the chain returns NaN,
because the force-ratio fit turns negative (−0.21 at 130°) and the quartic area
swells (532 mm² at 120°, 1357 mm² at 140°).  No tibiofemoral shear is computed: it needs the
patellar-tendon angle versus flexion and no source for it has been confirmed.
"""

from __future__ import annotations

import numpy as np

from .errors import InputRangeError

__all__ = [
    "quad_moment_arm_m", "pfj_force_ratio", "contact_area_mm2", "pfj_chain",
    "validity_warnings", "CONTACT_AREA_MODELS", "symbolic_chain", "VALID_RANGE_DEG",
    "MAX_DEG", "WARN_ABOVE_DEG",
]

CONTACT_AREA_MODELS = ("quartic", "besier2005")
VALID_RANGE_DEG = (0.0, 90.0)
"""Knee flexion range over which the moment-arm, ratio and area fits were made."""
WARN_ABOVE_DEG = 100.0
"""Above this flexion the chain is extrapolated far enough to warn."""
MAX_DEG = 120.0
"""Above this flexion no PFJ number is returned (NaN): the force-ratio fit turns
back up and then negative (-0.21 at 130°) and the quartic area swells, so the
numbers would be wrong, not just uncertain."""

_BESIER_DEG = {"male": np.array([0.0, 30.0, 60.0]), "female": np.array([30.0, 60.0])}
_BESIER_MM2 = {"male": np.array([210.0, 414.0, 520.0]), "female": np.array([269.0, 396.0])}
_BESIER_WEIGHT_BEARING = 1.24


def _angles(name: str, value, what: str = "numbers (knee flexion, deg)") -> np.ndarray:
    """Float array (knee angles in deg by default); NaN allowed (it marks infeasible rows
    and propagates), ±inf refused (no angle or moment is infinite)."""
    if isinstance(value, (str, bytes, bool)) or value is None:
        raise InputRangeError(name, value, what)
    try:
        arr = np.asarray(value)
        if arr.dtype.kind not in "fiu":
            raise TypeError
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise InputRangeError(name, value, what) from None
    if np.isinf(arr).any():
        where = np.argwhere(np.isinf(arr))[0]
        at = f" at index {tuple(int(i) for i in where)}" if arr.ndim else ""
        raise InputRangeError(f"{name}{at}", float(arr[tuple(where)]), f"finite {what} (NaN "
                              "marks a missing value)")
    return arr


def _check_options(model: str, sex: str) -> None:
    if not isinstance(model, str) or model not in CONTACT_AREA_MODELS:
        raise InputRangeError("contact_area_model", model, f"one of {CONTACT_AREA_MODELS}")
    if not isinstance(sex, str) or sex not in _BESIER_DEG:
        raise InputRangeError("sex", sex, "'male' or 'female'")


def quad_moment_arm_m(knee_flexion_deg):
    """Quadriceps effective moment arm, m (van Eijden et al. 1986 via Nunes 2018)."""
    t = _angles("knee_flexion_deg", knee_flexion_deg)
    return 8.0e-8 * t**3 - 1.3e-5 * t**2 + 2.8e-4 * t + 0.046


def pfj_force_ratio(knee_flexion_deg):
    """PFJ reaction force / quadriceps force, dimensionless (van Eijden et al. 1986)."""
    t = _angles("knee_flexion_deg", knee_flexion_deg)
    return (0.462 + 0.00147 * t - 3.84e-5 * t**2) / (
        1.0 - 0.0162 * t + 1.55e-4 * t**2 - 6.98e-7 * t**3)


def contact_area_mm2(knee_flexion_deg, model: str = "quartic", sex: str = "male",
                     weight_bearing: bool = True):
    """PFJ contact area, mm², from the named model (see module docstring)."""
    t = _angles("knee_flexion_deg", knee_flexion_deg)
    _check_options(model, sex)
    if not isinstance(weight_bearing, (bool, np.bool_)):
        raise InputRangeError("weight_bearing", weight_bearing, "True or False")
    if model == "quartic":
        return 2.0e-5 * t**4 - 0.0033 * t**3 + 0.1099 * t**2 + 3.5273 * t + 81.058
    area = np.interp(t, _BESIER_DEG[sex], _BESIER_MM2[sex])
    return area * (_BESIER_WEIGHT_BEARING if weight_bearing else 1.0)


def pfj_chain(knee_extensor_moment_nm, knee_flexion_deg, model: str = "quartic",
              sex: str = "male", weight_bearing: bool = True) -> dict[str, np.ndarray]:
    """Quadriceps force (N), PFJ force (N) and PFJ stress (MPa).

    Parameters
    ----------
    knee_extensor_moment_nm : array_like
        Net internal knee moment, N·m, extensor positive.  A flexor moment
        (negative) gives zero quadriceps force (no co-contraction modelled).
    knee_flexion_deg : array_like
        Knee flexion, degrees.
    model, sex, weight_bearing
        Contact-area model options, see :func:`contact_area_mm2`.

    Returns
    -------
    dict
        ``quad_force_n``, ``pfj_force_n``, ``pfj_stress_mpa``,
        ``moment_arm_m``, ``force_ratio``, ``contact_area_mm2``.  All NaN where the
        flexion exceeds :data:`MAX_DEG` (the fits are meaningless there).
    """
    M = np.maximum(_angles("knee_extensor_moment_nm", knee_extensor_moment_nm,
                           "numbers (knee moment, N·m)"), 0.0)
    t = _angles("knee_flexion_deg", knee_flexion_deg)
    try:
        M, t = np.broadcast_arrays(M, t)
    except ValueError:
        raise InputRangeError("knee_extensor_moment_nm/knee_flexion_deg",
                              (np.shape(M), np.shape(t)), "arrays of broadcastable shapes") \
            from None
    t = np.where(t > MAX_DEG, np.nan, t)
    r = quad_moment_arm_m(t)
    k = pfj_force_ratio(t)
    A = contact_area_mm2(t, model, sex, weight_bearing)
    fq = M / r
    fp = k * fq
    return {"quad_force_n": fq, "pfj_force_n": fp, "pfj_stress_mpa": fp / A,
            "moment_arm_m": r, "force_ratio": k, "contact_area_mm2": A}


def validity_warnings(knee_flexion_deg: float, model: str = "quartic",
                      sex: str = "male") -> list[str]:
    """Warnings for a knee angle outside the fitted range of the chosen models."""
    from .body import _check_number

    t = _check_number("knee_flexion_deg", knee_flexion_deg, 0.0, 180.0, "deg")
    _check_options(model, sex)
    out = []
    if t > MAX_DEG:
        out.append(f"front knee flexion {t:.0f} deg is beyond {MAX_DEG:.0f} deg: no "
                   "quadriceps or patellofemoral numbers are given (the fits fail there)")
    elif t > WARN_ABOVE_DEG:
        out.append(f"front knee flexion {t:.0f} deg is beyond the 0-90 deg range the "
                   "quadriceps moment-arm, force-ratio and contact-area fits were made "
                   "over; PFJ numbers are extrapolated")
    if model == "besier2005":
        lo, hi = _BESIER_DEG[sex][0], _BESIER_DEG[sex][-1]
        if t < lo or t > hi:
            out.append(f"Besier 2005 contact areas ({sex}) were measured at {lo:.0f}-"
                       f"{hi:.0f} deg; the area at {t:.0f} deg is held at the end value")
    return out


def symbolic_chain():
    """The PFJ chain as SymPy expressions in θ (deg) and the knee moment (N·m).

    Returns
    -------
    dict
        ``theta``, ``M`` (symbols) and ``moment_arm``, ``ratio``, ``area_quartic``,
        ``quad_force``, ``pfj_force``, ``pfj_stress`` (expressions; stress in MPa with
        the quartic area).
    """
    import sympy as sp

    th = sp.Symbol(r"\theta", real=True)
    M = sp.Symbol(r"M_{knee}", real=True)
    def F(text: str):
        return sp.Float(text)

    ma = F("8.0e-8") * th**3 - F("1.3e-5") * th**2 + F("2.8e-4") * th + F("0.046")
    ratio = (F("0.462") + F("0.00147") * th - F("3.84e-5") * th**2) / (
        1 - F("0.0162") * th + F("1.55e-4") * th**2 - F("6.98e-7") * th**3)
    area = (F("2.0e-5") * th**4 - F("0.0033") * th**3 + F("0.1099") * th**2
            + F("3.5273") * th + F("81.058"))
    fq = sp.Max(M, 0) / ma
    return {"theta": th, "M": M, "moment_arm": ma, "ratio": ratio, "area_quartic": area,
            "quad_force": fq, "pfj_force": ratio * fq, "pfj_stress": ratio * fq / area}
