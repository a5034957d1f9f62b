"""The lunge model at the user's edge: one posture or a million, in degrees and SI units.

>>> from lungelab import LungeModel, LungePosture, Subject
>>> model = LungeModel(Subject(mass_kg=75, height_m=1.75, sex="male"))
>>> result = model.solve(LungePosture(), front_heel_share=0.6)
>>> round(result.front_share, 2) > 0.5
True

:class:`LungeModel` binds a subject, an external load and the modelling assumptions
(GRF convergence, contact-area model); :meth:`LungeModel.solve` evaluates one posture
with validation, balance messages and warnings; :meth:`LungeModel.evaluate` broadcasts
arrays of posture angles and shares through the compiled chain and returns a tidy
:class:`pandas.DataFrame` (one row per posture, units in the column names).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from . import knee
from .body import ExternalLoad, Subject, _check_number
from .compiled import INPUT_NAMES, OUTPUT_NAMES, chain_function
from .errors import InfeasiblePostureError, InputRangeError
from .loads import JOINTS
from .posture import ANGLE_RANGES_DEG, POINT_NAMES, LungePosture

__all__ = ["LungeModel", "LungeResult", "grf_convergence_parameters", "JOINT_ANGLE_NAMES"]

JOINT_ANGLE_NAMES = {
    "front_ankle": "front_ankle_dorsiflexion_deg",
    "front_knee": "front_knee_flexion_deg",
    "front_hip": "front_hip_flexion_deg",
    "rear_ankle": "rear_ankle_dorsiflexion_deg",
    "rear_knee": "rear_knee_flexion_deg",
    "rear_hip": "rear_hip_flexion_deg",
}
"""Column names of the joint angles (positive = dorsiflexion / flexion)."""

_BALANCE_TOL = 1e-9

_USER_NAMES = {"theta_fk": "front_knee_flexion_deg", "phi_fs": "front_shank_angle_deg",
               "lam": "trunk_lean_deg", "theta_rk": "rear_knee_flexion_deg",
               "gamma_rf": "rear_foot_angle_deg", "s_front": "front_share",
               "h_heel": "front_heel_share"}
"""User-facing names of the posture and share symbols, for error messages."""


def grf_convergence_parameters(grf_convergence) -> tuple[float, float]:
    """Map the user's GRF-convergence choice to ``(k_conv, r_conv)``.

    ``"com"`` → the foot forces meet at the COM (0, 1); ``"vertical"`` → vertical
    reactions (0, 0); a number z in (0.05, 20] m → they meet at height z (1/z, 0).
    """
    if isinstance(grf_convergence, str):
        if grf_convergence == "com":
            return 0.0, 1.0
        if grf_convergence == "vertical":
            return 0.0, 0.0
        raise InputRangeError("grf_convergence", grf_convergence,
                              "'com', 'vertical' or a height in (0.05, 20] m")
    z = _check_number("grf_convergence", grf_convergence, 0.05, 20.0, "m (or 'com'/'vertical')")
    return 1.0 / z, 0.0


def _check_array(name: str, value, lo: float, hi: float, unit: str) -> np.ndarray:
    """Float array of ``value`` within [lo, hi], or InputRangeError naming the element."""
    try:
        if isinstance(value, (str, bytes, bool)) or value is None:
            raise TypeError
        arr = np.asarray(value)
        if arr.dtype.kind not in "fiu":
            raise TypeError
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise InputRangeError(name, value, f"numbers in [{lo}, {hi}] {unit}") from None
    bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
    if bad.any():
        idx = np.argwhere(bad)[0]
        where = f" at index {tuple(int(i) for i in idx)}" if arr.ndim else ""
        v = arr[tuple(idx)] if arr.ndim else float(arr)
        raise InputRangeError(name + where, float(v), f"numbers in [{lo}, {hi}] {unit}")
    return arr


@dataclass
class LungeResult:
    """Everything the model says about one posture.

    Attributes mirror the JSON contract of ``lungelab pose --format json``;
    see :meth:`to_dict`.  Loads are ``None`` when the posture does not balance.
    """

    inputs: dict
    balanced: bool
    warnings: list[str]
    front_share: float | None
    front_heel_share: float | None
    knee_past_toes_m: float
    rear_knee_height_m: float
    step_length_m: float
    joint_angles_deg: dict[str, float]
    moments_nm: dict[str, float] | None
    moments_nm_per_kg: dict[str, float] | None
    grf_n: dict[str, float] | None
    grf_horizontal_n: dict[str, float] | None
    positions_m: dict[str, list[float]]
    quad_force_n: float | None
    pfj_force_n: float | None
    pfj_stress_mpa: float | None
    extras: dict = field(default_factory=dict)

    @property
    def rear_share(self) -> float | None:
        """Share of the total vertical load on the rear foot."""
        return None if self.front_share is None else 1.0 - self.front_share

    @property
    def front_toes_share(self) -> float | None:
        """Share of the front foot's vertical load on its ball/toes."""
        return None if self.front_heel_share is None else 1.0 - self.front_heel_share

    def to_dict(self) -> dict:
        """The stable public JSON contract (see the README)."""
        return {
            "inputs": self.inputs,
            "balanced": self.balanced,
            "warnings": list(self.warnings),
            "front_share": self.front_share,
            "rear_share": self.rear_share,
            "front_heel_share": self.front_heel_share,
            "front_toes_share": self.front_toes_share,
            "knee_past_toes_m": self.knee_past_toes_m,
            "rear_knee_height_m": self.rear_knee_height_m,
            "step_length_m": self.step_length_m,
            "joint_angles_deg": self.joint_angles_deg,
            "moments_nm": self.moments_nm,
            "moments_nm_per_kg": self.moments_nm_per_kg,
            "grf_n": self.grf_n,
            "grf_horizontal_n": self.grf_horizontal_n,
            "positions_m": self.positions_m,
            "quad_force_n": self.quad_force_n,
            "pfj_force_n": self.pfj_force_n,
            "pfj_stress_mpa": self.pfj_stress_mpa,
        }

    def to_json(self, **kwargs) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)

    def joint_table(self):
        """Joint angles and moments, one row per joint (DataFrame).

        Columns: ``angle_deg`` (dorsiflexion/flexion positive), ``moment_nm`` and
        ``moment_nm_per_kg`` (extensor/plantarflexor positive; NaN if not balanced).
        """
        import pandas as pd

        rows = []
        for j in JOINTS:
            rows.append({
                "joint": j,
                "angle_deg": self.joint_angles_deg[j],
                "moment_nm": self.moments_nm[j] if self.moments_nm else float("nan"),
                "moment_nm_per_kg": (self.moments_nm_per_kg[j] if self.moments_nm_per_kg
                                     else float("nan")),
            })
        return pd.DataFrame(rows).set_index("joint")

    def load_table(self):
        """Foot reactions and knee loads, one row per quantity (DataFrame with units)."""
        import pandas as pd

        d = self.to_dict()
        nan = float("nan")
        grf = d["grf_n"] or {}
        hor = d["grf_horizontal_n"] or {}
        rows = [
            ("front foot share", d["front_share"], "1"),
            ("front heel share (of front foot)", d["front_heel_share"], "1"),
            ("vertical GRF front heel", grf.get("front_heel", nan), "N"),
            ("vertical GRF front toes", grf.get("front_toes", nan), "N"),
            ("vertical GRF rear foot", grf.get("rear", nan), "N"),
            ("horizontal GRF front (+ forward)", hor.get("front", nan), "N"),
            ("horizontal GRF rear (+ forward)", hor.get("rear", nan), "N"),
            ("knee past toes (- = behind)", d["knee_past_toes_m"], "m"),
            ("rear knee height (joint centre)", d["rear_knee_height_m"], "m"),
            ("step length (ball to ball)", d["step_length_m"], "m"),
            ("quadriceps force", d["quad_force_n"], "N"),
            ("patellofemoral force", d["pfj_force_n"], "N"),
            ("patellofemoral stress", d["pfj_stress_mpa"], "MPa"),
        ]
        return pd.DataFrame([{"quantity": q, "value": nan if v is None else v, "unit": u}
                             for q, v, u in rows]).set_index("quantity")


class LungeModel:
    """A subject, a load and the modelling assumptions, ready to evaluate lunges.

    Parameters
    ----------
    subject : Subject
        Body (mass, height, sex, anthropometric table, foot geometry).
    load : ExternalLoad, optional
        Held load; default none.
    grf_convergence : {"com", "vertical"} or float
        Height at which the front and rear foot forces meet (three-force theorem):
        ``"com"`` (default) — each foot pushes toward the centre of mass;
        ``"vertical"`` — no horizontal forces; a height in metres.
        See :mod:`lungelab.loads`.
    contact_area_model : {"quartic", "besier2005"}
        PFJ contact-area model, see :mod:`lungelab.knee`.
    weight_bearing_area : bool
        Apply Besier's +24 % weight-bearing area (``"besier2005"`` only).
    """

    def __init__(self, subject: Subject | None = None, load: ExternalLoad | None = None,
                 grf_convergence="com", contact_area_model: str = "quartic",
                 weight_bearing_area: bool = True) -> None:
        subject = subject if subject is not None else Subject()
        load = load if load is not None else ExternalLoad()
        if not isinstance(subject, Subject):
            raise InputRangeError("subject", subject, "a lungelab.Subject")
        if not isinstance(load, ExternalLoad):
            raise InputRangeError("load", load, "a lungelab.ExternalLoad")
        if not isinstance(weight_bearing_area, (bool, np.bool_)):
            raise InputRangeError("weight_bearing_area", weight_bearing_area, "True or False")
        self.subject = subject
        self.load = load
        self.grf_convergence = grf_convergence
        self._k_conv, self._r_conv = grf_convergence_parameters(grf_convergence)
        if contact_area_model not in knee.CONTACT_AREA_MODELS:
            raise InputRangeError("contact_area_model", contact_area_model,
                                  f"one of {knee.CONTACT_AREA_MODELS}")
        self.contact_area_model = contact_area_model
        self.weight_bearing_area = bool(weight_bearing_area)

    def __repr__(self) -> str:
        return (f"LungeModel(subject={self.subject!r}, load={self.load!r}, "
                f"grf_convergence={self.grf_convergence!r}, "
                f"contact_area_model={self.contact_area_model!r})")

    # -- parameters --------------------------------------------------------------
    def fixed_parameters(self) -> dict[str, float]:
        """Body, load and assumption symbols (everything but posture and shares)."""
        p = self.subject.model_parameters()
        p["m_ext"] = self.load.mass_kg
        p["d_load"] = self.subject.arm_length if self.load.at == "hands" else 0.0
        p["k_conv"] = self._k_conv
        p["r_conv"] = self._r_conv
        return p

    # -- vectorised --------------------------------------------------------------
    def evaluate(self, front_knee_flexion_deg=90.0, front_shank_angle_deg=0.0,
                 trunk_lean_deg=10.0, rear_knee_flexion_deg=90.0, rear_foot_angle_deg=50.0,
                 *, front_share=None, front_heel_share=None, knee_past_toes_m=None,
                 mask_unbalanced: bool = True, overrides: dict | None = None):
        """Evaluate many postures at once (NumPy broadcasting) → DataFrame.

        Parameters
        ----------
        front_knee_flexion_deg, front_shank_angle_deg, trunk_lean_deg,
        rear_knee_flexion_deg, rear_foot_angle_deg : array_like
            Posture angles, degrees (see :class:`LungePosture` for ranges).
        front_share, front_heel_share : array_like
            Exactly one of them (default: ``front_heel_share=0.6``), in [0, 1].
        knee_past_toes_m : array_like, optional
            Replaces ``front_shank_angle_deg`` (m in front of the toe tip).
        mask_unbalanced : bool
            If True (default) loads, moments and PFJ values are NaN where the posture
            is not balanced or not feasible; if False the raw solution is returned.
        overrides : dict, optional
            Raw model symbols to replace (SI units), e.g. ``{"m": masses}``.

        Returns
        -------
        pandas.DataFrame
            One row per broadcast element, columns with units in their names.
        """
        import pandas as pd

        p, mode = self._parameters(front_knee_flexion_deg, front_shank_angle_deg,
                                   trunk_lean_deg, rear_knee_flexion_deg, rear_foot_angle_deg,
                                   front_share, front_heel_share, knee_past_toes_m, overrides)
        return pd.DataFrame(self._columns(p, mode, mask_unbalanced))

    def _parameters(self, front_knee_flexion_deg, front_shank_angle_deg, trunk_lean_deg,
                    rear_knee_flexion_deg, rear_foot_angle_deg, front_share,
                    front_heel_share, knee_past_toes_m, overrides) -> tuple[dict, str]:
        """Validated model inputs (radians, SI) and the share mode."""
        if front_share is not None and front_heel_share is not None:
            raise InputRangeError("front_share/front_heel_share", (front_share,
                                  front_heel_share), "only one of the two")
        if front_share is None and front_heel_share is None:
            front_heel_share = 0.6
        mode = "front_share" if front_share is not None else "heel_share"
        share = _check_array(mode if mode == "front_share" else "front_heel_share",
                             front_share if front_share is not None else front_heel_share,
                             0.0, 1.0, "")
        angles = {}
        for name, value in (("front_knee_flexion_deg", front_knee_flexion_deg),
                            ("trunk_lean_deg", trunk_lean_deg),
                            ("rear_knee_flexion_deg", rear_knee_flexion_deg),
                            ("rear_foot_angle_deg", rear_foot_angle_deg)):
            angles[name] = _check_array(name, value, *ANGLE_RANGES_DEG[name], "deg")
        p = self.fixed_parameters()
        if overrides:
            if not isinstance(overrides, dict):
                raise InputRangeError("overrides", overrides, "a dict {symbol name: value}")
            for k, v in overrides.items():
                if k not in INPUT_NAMES:
                    raise InputRangeError("overrides", k, f"a model symbol in {INPUT_NAMES}")
                p[k] = _check_array(f"overrides[{k!r}]", v, -1e6, 1e6, "(SI units)")
        if knee_past_toes_m is not None:
            kpt = _check_array("knee_past_toes_m", knee_past_toes_m, -0.6, 0.6, "m")
            toe = (1.0 - p["a_ank"]) * p["L_ft"]
            s = (kpt + toe) / p["L_sh"]
            lo, hi = (math.sin(math.radians(v)) for v in ANGLE_RANGES_DEG["front_shank_angle_deg"])
            bad = (s < lo) | (s > hi)
            if np.any(bad):
                first = np.argwhere(np.atleast_1d(bad))[0]
                where = f" at index {tuple(int(i) for i in first)}" if np.ndim(bad) else ""
                raise InputRangeError("knee_past_toes_m" + where,
                                      float(np.atleast_1d(kpt)[tuple(first)]),
                                      "a distance giving a shank tilt in [-30, 60] deg")
            phi = np.arcsin(s)
        else:
            phi = np.radians(_check_array("front_shank_angle_deg", front_shank_angle_deg,
                                          *ANGLE_RANGES_DEG["front_shank_angle_deg"], "deg"))
        p.update(theta_fk=np.radians(angles["front_knee_flexion_deg"]), phi_fs=phi,
                 lam=np.radians(angles["trunk_lean_deg"]),
                 theta_rk=np.radians(angles["rear_knee_flexion_deg"]),
                 gamma_rf=np.radians(angles["rear_foot_angle_deg"]),
                 s_front=share if mode == "front_share" else 0.5,
                 h_heel=share if mode == "heel_share" else 0.5)
        return p, mode

    def _columns(self, p: dict, mode: str, mask_unbalanced: bool) -> dict[str, np.ndarray]:
        try:
            np.broadcast_shapes(*(np.shape(p[k]) for k in INPUT_NAMES))
        except ValueError:
            shapes = {_USER_NAMES.get(k, k): np.shape(p[k]) for k in INPUT_NAMES
                      if np.ndim(p[k])}
            raise InputRangeError("array arguments", shapes,
                                  "shapes that broadcast together (NumPy rules)") from None
        raw = self._run(mode, p)
        return self._frame(raw, p, mask_unbalanced)

    def _run(self, mode: str, p: dict) -> dict[str, np.ndarray]:
        f = chain_function(mode)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            out = f(**{k: p[k] for k in INPUT_NAMES})
        shape = np.broadcast_shapes(*(np.shape(p[k]) for k in INPUT_NAMES))
        return {n: np.broadcast_to(np.asarray(v, dtype=float), shape).ravel()
                for n, v in zip(OUTPUT_NAMES, out, strict=True)}

    def _frame(self, raw, p, mask_unbalanced) -> dict[str, np.ndarray]:
        shape = np.broadcast_shapes(*(np.shape(p[k]) for k in INPUT_NAMES))

        def flat(x):
            return np.broadcast_to(np.asarray(x, dtype=float), shape).ravel()

        mass = flat(p["m"])
        W = raw["weight"]
        feasible = (raw["rear_leg_reach"] >= 0) & (raw["rear_knee_height"] > 0) \
            & (raw["x_rear_ball"] < raw["x_front_heel"])
        tol = _BALANCE_TOL * W
        balanced = feasible & (raw["V_front_heel"] >= -tol) & (raw["V_front_ball"] >= -tol) \
            & (raw["V_rear"] >= -tol)
        cols: dict[str, np.ndarray] = {}
        deg = np.degrees
        for j in JOINTS:
            cols[JOINT_ANGLE_NAMES[j]] = deg(raw[f"angle_{j}"])
        cols["front_shank_angle_deg"] = deg(flat(p["phi_fs"]))
        cols["trunk_lean_deg"] = deg(flat(p["lam"]))
        cols["rear_foot_angle_deg"] = deg(flat(p["gamma_rf"]))
        cols["mass_kg"] = mass
        cols["load_kg"] = flat(p["m_ext"])
        cols["knee_past_toes_m"] = raw["knee_past_toes"]
        cols["rear_knee_height_m"] = raw["rear_knee_height"]
        cols["step_length_m"] = raw["step_length"]
        cols["com_system_x_m"] = raw["x_com_system"]
        cols["com_system_y_m"] = raw["y_com_system"]
        cols["balance_margin_m"] = np.minimum(raw["x_com_system"] - raw["x_rear_ball"],
                                              raw["x_front_ball"] - raw["x_com_system"])
        cols["feasible"] = feasible
        cols["balanced"] = balanced
        load_cols: dict[str, np.ndarray] = {}
        load_cols["front_share"] = raw["front_share"]
        load_cols["rear_share"] = 1.0 - raw["front_share"]
        load_cols["front_heel_share"] = raw["front_heel_share"]
        load_cols["front_toes_share"] = 1.0 - raw["front_heel_share"]
        load_cols["cop_front_x_m"] = raw["cop_front_x"]
        load_cols["grf_front_heel_n"] = raw["V_front_heel"]
        load_cols["grf_front_toes_n"] = raw["V_front_ball"]
        load_cols["grf_rear_n"] = raw["V_rear"]
        load_cols["grf_front_horizontal_n"] = raw["H_front"]
        load_cols["grf_rear_horizontal_n"] = raw["H_rear"]
        for j in JOINTS:
            load_cols[f"{j}_moment_nm"] = raw[f"M_{j}"]
            load_cols[f"{j}_moment_nm_per_kg"] = raw[f"M_{j}"] / mass
        chain = knee.pfj_chain(raw["M_front_knee"], deg(raw["angle_front_knee"]),
                               self.contact_area_model, self.subject.sex,
                               self.weight_bearing_area)
        for k in ("quad_force_n", "pfj_force_n", "pfj_stress_mpa"):
            load_cols[k] = chain[k]
        if mask_unbalanced:
            for k, v in load_cols.items():
                load_cols[k] = np.where(balanced, v, np.nan)
        cols.update(load_cols)
        for name in POINT_NAMES + ("com",):
            cols[f"{name}_x_m"] = raw[f"x_{name}"]
            cols[f"{name}_y_m"] = raw[f"y_{name}"]
        return cols

    def with_(self, **changes) -> LungeModel:
        """A copy with some settings changed (subject, load, grf_convergence, ...)."""
        kw = {"subject": self.subject, "load": self.load,
              "grf_convergence": self.grf_convergence,
              "contact_area_model": self.contact_area_model,
              "weight_bearing_area": self.weight_bearing_area}
        kw.update(changes)
        return LungeModel(**kw)

    def convergence_sensitivity(self, posture: LungePosture | None = None,
                                options=("vertical", 2.0, 1.0, "com", 0.4), **shares):
        """Front-leg loads of one posture under several GRF-convergence assumptions.

        Parameters
        ----------
        posture : LungePosture
        options : sequence
            Values accepted by ``grf_convergence`` (``"com"``, ``"vertical"``, heights m).
        **shares
            ``front_share=`` or ``front_heel_share=`` as in :meth:`solve`.

        Returns
        -------
        pandas.DataFrame
            One row per option: convergence height (m), horizontal front GRF (N),
            the six joint moments (N·m) and the PFJ stress (MPa).
        """
        import pandas as pd

        rows = []
        for opt in options:
            r = self.with_(grf_convergence=opt).solve(posture, **shares)
            z = (r.positions_m["com_system"][1] if opt == "com" else
                 float("inf") if opt == "vertical" else float(opt))
            row = {"grf_convergence": str(opt), "convergence_height_m": z,
                   "grf_front_horizontal_n": (r.grf_horizontal_n or {}).get("front")}
            row.update({f"{j}_moment_nm": (r.moments_nm or {}).get(j) for j in JOINTS})
            row["pfj_stress_mpa"] = r.pfj_stress_mpa
            rows.append(row)
        return pd.DataFrame(rows).set_index("grf_convergence")

    # -- one posture ---------------------------------------------------------------
    def solve(self, posture: LungePosture | None = None, *, front_share=None,
              front_heel_share=None) -> LungeResult:
        """Evaluate one posture with validation, balance messages and warnings.

        Parameters
        ----------
        posture : LungePosture
            The posture (default: the coaches' good-form lunge).
        front_share, front_heel_share : float, optional
            Exactly one; default ``front_heel_share=0.6`` ("most of the front foot's
            load on the heel"; quiet standing puts ~60 % on the heel, Cavanagh et al.
            1987, *Foot Ankle* 7(5):262-276 — **unverified**).

        Raises
        ------
        InfeasiblePostureError
            If the segment chain cannot be closed (rear foot cannot reach the floor,
            rear knee below the floor).
        InputRangeError
            For any input outside its range.
        """
        posture = posture if posture is not None else LungePosture()
        if not isinstance(posture, LungePosture):
            raise InputRangeError("posture", posture, "a lungelab.LungePosture")
        if front_share is not None and front_heel_share is not None:
            raise InputRangeError("front_share/front_heel_share",
                                  (front_share, front_heel_share), "only one of the two")
        if front_share is None and front_heel_share is None:
            front_heel_share = 0.6
        if front_share is not None:
            front_share = _check_number("front_share", front_share, 0.0, 1.0, "")
        else:
            front_heel_share = _check_number("front_heel_share", front_heel_share, 0.0, 1.0, "")
        shank = posture.shank_angle_deg(self.subject)
        p, mode = self._parameters(posture.front_knee_flexion_deg, shank,
                                   posture.trunk_lean_deg, posture.rear_knee_flexion_deg,
                                   posture.rear_foot_angle_deg, front_share, front_heel_share,
                                   None, None)
        row = {k: v[0] for k, v in self._columns(p, mode, mask_unbalanced=False).items()}
        if not row["feasible"]:
            raise InfeasiblePostureError(self._infeasible_message(row, posture))
        warnings_ = knee.validity_warnings(posture.front_knee_flexion_deg,
                                           self.contact_area_model, self.subject.sex)
        balanced = bool(row["balanced"])
        if not balanced:
            warnings_.insert(0, self._balance_message(row, front_share is not None))
        inputs = {
            "mass_kg": self.subject.mass_kg, "height_m": self.subject.height_m,
            "sex": self.subject.sex, "table": self.subject.table,
            **{k: v for k, v in posture.as_dict().items()},
            "front_shank_angle_deg_resolved": shank,
            "front_share": front_share, "front_heel_share": front_heel_share,
            "load_kg": self.load.mass_kg, "load_at": self.load.at,
            "grf_convergence": self.grf_convergence,
            "contact_area_model": self.contact_area_model,
        }

        def f(key):
            return float(row[key]) if balanced else None

        moments = {j: float(row[f"{j}_moment_nm"]) for j in JOINTS} if balanced else None
        per_kg = {j: float(row[f"{j}_moment_nm_per_kg"]) for j in JOINTS} if balanced else None
        positions = {name: [float(row[f"{name}_x_m"]), float(row[f"{name}_y_m"])]
                     for name in POINT_NAMES + ("com",)}
        positions["com_system"] = [float(row["com_system_x_m"]),
                                   float(row["com_system_y_m"])]
        return LungeResult(
            inputs=inputs, balanced=balanced, warnings=warnings_,
            front_share=f("front_share"), front_heel_share=f("front_heel_share"),
            knee_past_toes_m=float(row["knee_past_toes_m"]),
            rear_knee_height_m=float(row["rear_knee_height_m"]),
            step_length_m=float(row["step_length_m"]),
            joint_angles_deg={j: float(row[JOINT_ANGLE_NAMES[j]]) for j in JOINTS},
            moments_nm=moments, moments_nm_per_kg=per_kg,
            grf_n={"front_heel": f("grf_front_heel_n"), "front_toes": f("grf_front_toes_n"),
                   "rear": f("grf_rear_n")} if balanced else None,
            grf_horizontal_n={"front": f("grf_front_horizontal_n"),
                              "rear": f("grf_rear_horizontal_n")} if balanced else None,
            positions_m=positions,
            quad_force_n=f("quad_force_n"), pfj_force_n=f("pfj_force_n"),
            pfj_stress_mpa=f("pfj_stress_mpa"),
            extras={"cop_front_x_m": f("cop_front_x_m"),
                    "balance_margin_m": float(row["balance_margin_m"]),
                    "row": row},
        )

    @staticmethod
    def _infeasible_message(row, posture: LungePosture) -> str:
        if np.isfinite(row["rear_knee_height_m"]) and row["rear_ball_x_m"] >= row["front_heel_x_m"]:
            return ("posture cannot be built as a lunge: the rear foot would land "
                    f"{row['rear_ball_x_m'] - row['front_heel_x_m']:.3f} m in front of the "
                    "front heel; use less front shank tilt, less trunk lean or a deeper "
                    "front knee")
        if not np.isfinite(row["rear_knee_height_m"]):
            return ("posture cannot be built: the rear foot cannot reach the floor with "
                    f"rear_knee_flexion_deg={posture.rear_knee_flexion_deg:g} and "
                    f"rear_foot_angle_deg={posture.rear_foot_angle_deg:g}; "
                    "straighten the rear knee (smaller rear_knee_flexion_deg) or lower "
                    "the hip (more front_knee_flexion_deg)")
        return ("posture cannot be built: the rear knee joint centre would be "
                f"{-row['rear_knee_height_m']:.3f} m below the floor; lunge less deep "
                "(smaller front_knee_flexion_deg) or bend the rear knee more")

    @staticmethod
    def _balance_message(row, front_share_given: bool) -> str:
        if front_share_given:
            h = row["front_heel_share"]
            if not np.isfinite(row["cop_front_x_m"]):
                return ("not balanced: front_share=0 puts all the weight on the rear foot, "
                        "which needs the centre of mass right above the rear ball "
                        f"({row['com_system_x_m'] - row['rear_ball_x_m']:+.3f} m away); "
                        "raise front_share")
            if h > 1:
                return ("not balanced: for this front_share the front centre of pressure "
                        f"would lie {row['front_heel_x_m'] - row['cop_front_x_m']:.3f} m "
                        "behind the heel; lower front_share or shift the centre of mass "
                        "forward (more trunk lean or knee travel)")
            return ("not balanced: for this front_share the front centre of pressure "
                    f"would lie {row['cop_front_x_m'] - row['front_ball_x_m']:.3f} m in "
                    "front of the ball; raise front_share or shift the centre of mass back "
                    "(more upright trunk, less knee travel)")
        # choose the direction from where the COM is, not from the sign of the share
        if row["com_system_x_m"] > row["cop_front_x_m"]:
            return ("not balanced: the centre of mass is "
                    f"{row['com_system_x_m'] - row['cop_front_x_m']:.3f} m in front of the "
                    "front foot's centre of pressure; shift it back (more upright trunk, "
                    "less knee travel) or put more of the front foot's load on the toes")
        return ("not balanced: the centre of mass is "
                f"{row['rear_ball_x_m'] - row['com_system_x_m']:.3f} m behind the rear foot; "
                "shift it forward (lean the trunk forward or shorten the step)")
