"""Body: the subject and its anthropometrics (segment lengths, masses, centres of mass).

The lunge model is a sagittal-plane linked-segment body: for each leg a foot, a
shank and a thigh; above the hips a trunk (hip -> shoulder), a head+neck and two arms
that hang from the shoulder.  This module turns a subject (mass, height, sex and,
optionally, measured lengths) into the numbers the symbolic model needs.

Sources (see ``lungelab/tables/SOURCES.md``):

* Segment mass fractions, centre-of-mass (COM) positions and radii of gyration:
  de Leva (1996) *J Biomech* 29(9):1223-1230 (default, male/female), or
  Winter (2009) *Biomechanics and Motor Control of Human Movement*, 4th ed.,
  Table 4.1 (Dempster), one table for both sexes.
* Segment lengths as fractions of standing height: Winter (2009) Fig. 4.1 after
  Drillis & Contini (1966).  Measured lengths override them.
* Foot landmarks: the ankle joint centre lies ``ankle_fraction`` of the foot length
  in front of the heel (0.20-0.30 in the literature, default 0.25, **unverified
  planning value**); the ball (first metatarsal head) lies ``ball_fraction`` of the
  foot length in front of the heel (0.70-0.79 in 3-D scans of 453 women, a 2019
  footwear study, abstract read; default 0.73).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from .errors import InputRangeError

__all__ = ["Subject", "ExternalLoad", "segment_table", "ANTHROPOMETRIC_TABLES"]

G = 9.80665
"""Standard gravity, m/s² (CGPM 1901)."""

ANTHROPOMETRIC_TABLES = ("de_leva", "winter")

_TABLE_FILES = {"de_leva": "segments_de_leva_1996.csv", "winter": "segments_winter_2009.csv"}


@cache
def _read_table(filename: str) -> tuple[dict[str, str], ...]:
    text = resources.files("lungelab.tables").joinpath(filename).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def _segments(table: str, sex: str) -> dict[str, dict[str, float]]:
    rows = _read_table(_TABLE_FILES[table])
    out = {}
    for row in rows:
        if row["sex"] in (sex, "any"):
            out[row["segment"]] = {
                "mass_fraction": float(row["mass_fraction"]),
                "com_fraction": float(row["com_fraction"]),
                "rgyr_fraction": float(row["rgyr_fraction"]),
            }
    return out


def _length_fractions() -> dict[str, float]:
    rows = _read_table("lengths_drillis_contini.csv")
    return {r["quantity"]: float(r["fraction_of_height"]) for r in rows}


def _check_number(name: str, value: object, lo: float, hi: float, unit: str) -> float:
    """Return ``value`` as float, or raise InputRangeError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            import numpy as np

            if isinstance(value, np.generic) and np.isreal(value):
                value = float(value)
            else:
                raise TypeError
        except TypeError:
            raise InputRangeError(name, value, f"a number in [{lo}, {hi}] {unit}") from None
    v = float(value)
    if not math.isfinite(v) or v < lo or v > hi:
        raise InputRangeError(name, value, f"a number in [{lo}, {hi}] {unit}")
    return v


@dataclass(frozen=True)
class ExternalLoad:
    """A load held by the subject.

    Parameters
    ----------
    mass_kg : float
        Total external mass, kg (both dumbbells together), in [0, 300].
    at : {"hands", "shoulders"}
        ``"hands"``: dumbbells hanging from straight arms, their COM directly below
        the shoulder at the height of the grip (wrist + half the hand).
        ``"shoulders"``: a barbell resting on the upper back, its COM at the
        shoulder joint centre (a simplification: a high-bar position sits a few
        centimetres behind and above it).
    """

    mass_kg: float = 0.0
    at: str = "hands"

    def __post_init__(self) -> None:
        object.__setattr__(self, "mass_kg", _check_number("load mass_kg", self.mass_kg,
                                                          0.0, 300.0, "kg"))
        if self.at not in ("hands", "shoulders"):
            raise InputRangeError("load at", self.at, "'hands' or 'shoulders'")


@dataclass(frozen=True)
class Subject:
    """A person, described by what the sagittal lunge model needs.

    Parameters
    ----------
    mass_kg : float
        Body mass, kg, in [20, 300].
    height_m : float
        Standing height, m, in [1.0, 2.3].
    sex : {"male", "female"}
        Selects the de Leva (1996) column.  Ignored by the Winter table.
    table : {"de_leva", "winter"}
        Segment inertial table (see module docstring).
    thigh_length_m, shank_length_m, foot_length_m, ankle_height_m, trunk_length_m : float, optional
        Measured lengths (hip-knee, knee-ankle, heel-toe tip, floor-ankle centre,
        hip-shoulder joint centres), m.  ``None`` uses the height fractions of
        Drillis & Contini (Winter 2009, Fig. 4.1).
    ankle_fraction : float
        Ankle joint centre distance in front of the heel, fraction of foot length.
        Default 0.25 (**unverified planning value**, literature range 0.20-0.30).
    ball_fraction : float
        Ball (first metatarsal head) distance in front of the heel, fraction of
        foot length.  Default 0.73 (range 0.70-0.79, 2019 3-D scan study).
    """

    mass_kg: float = 75.0
    height_m: float = 1.75
    sex: str = "male"
    table: str = "de_leva"
    thigh_length_m: float | None = None
    shank_length_m: float | None = None
    foot_length_m: float | None = None
    ankle_height_m: float | None = None
    trunk_length_m: float | None = None
    ankle_fraction: float = 0.25
    ball_fraction: float = 0.73
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False,
                         hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "mass_kg",
                           _check_number("mass_kg", self.mass_kg, 20.0, 300.0, "kg"))
        object.__setattr__(self, "height_m",
                           _check_number("height_m", self.height_m, 1.0, 2.3, "m"))
        if self.sex not in ("male", "female"):
            raise InputRangeError("sex", self.sex, "'male' or 'female'")
        if self.table not in ANTHROPOMETRIC_TABLES:
            raise InputRangeError("table", self.table, f"one of {ANTHROPOMETRIC_TABLES}")
        for name, lo, hi in (("thigh_length_m", 0.2, 0.7), ("shank_length_m", 0.2, 0.7),
                             ("foot_length_m", 0.15, 0.40), ("ankle_height_m", 0.03, 0.15),
                             ("trunk_length_m", 0.3, 0.8)):
            v = getattr(self, name)
            if v is not None:
                object.__setattr__(self, name, _check_number(name, v, lo, hi, "m"))
        object.__setattr__(self, "ankle_fraction",
                           _check_number("ankle_fraction", self.ankle_fraction, 0.1, 0.4, ""))
        object.__setattr__(self, "ball_fraction",
                           _check_number("ball_fraction", self.ball_fraction, 0.6, 0.9, ""))

    def with_(self, **changes) -> Subject:
        """Return a copy with some fields changed (validated again)."""
        return replace(self, **changes)

    # -- lengths --------------------------------------------------------------
    def _length(self, measured: float | None, key: str) -> float:
        return measured if measured is not None else _length_fractions()[key] * self.height_m

    @property
    def thigh_length(self) -> float:
        """Hip to knee joint centre, m."""
        return self._length(self.thigh_length_m, "thigh_length")

    @property
    def shank_length(self) -> float:
        """Knee to ankle joint centre, m."""
        return self._length(self.shank_length_m, "shank_length")

    @property
    def foot_length(self) -> float:
        """Heel to toe tip, m."""
        return self._length(self.foot_length_m, "foot_length")

    @property
    def ankle_height(self) -> float:
        """Floor to ankle joint centre with the foot flat, m."""
        return self._length(self.ankle_height_m, "ankle_height")

    @property
    def trunk_length(self) -> float:
        """Hip to shoulder joint centre, m (shoulder height − hip height)."""
        if self.trunk_length_m is not None:
            return self.trunk_length_m
        f = _length_fractions()
        return (f["shoulder_height"] - f["hip_height"]) * self.height_m

    @property
    def head_length(self) -> float:
        """Shoulder level to vertex, m (height − shoulder height)."""
        return (1.0 - _length_fractions()["shoulder_height"]) * self.height_m

    @property
    def arm_length(self) -> float:
        """Shoulder to grip (wrist + half the hand), m."""
        f = _length_fractions()
        return (f["upper_arm_length"] + f["forearm_length"] + 0.5 * f["hand_length"]) \
            * self.height_m

    # -- the model's parameters --------------------------------------------------
    def model_parameters(self) -> dict[str, float]:
        """Numeric values of every body symbol of the lunge model.

        Returns
        -------
        dict
            Keys are the symbol names of :mod:`lungelab.symbols`; SI units.
        """
        if "params" in self._cache:
            return dict(self._cache["params"])
        seg = _segments(self.table, self.sex)
        f = _length_fractions()
        H = self.height_m
        p = {
            "m": self.mass_kg,
            "g": G,
            "L_th": self.thigh_length,
            "L_sh": self.shank_length,
            "L_ft": self.foot_length,
            "h_ank": self.ankle_height,
            "a_ank": self.ankle_fraction,
            "b_ball": self.ball_fraction,
            "L_tr": self.trunk_length,
            "L_hd": self.head_length,
            "f_ft": seg["foot"]["mass_fraction"],
            "c_ft": seg["foot"]["com_fraction"],
            "f_sh": seg["shank"]["mass_fraction"],
            "c_sh": seg["shank"]["com_fraction"],
            "f_th": seg["thigh"]["mass_fraction"],
            "c_th": seg["thigh"]["com_fraction"],
        }
        if self.table == "de_leva":
            # de Leva's trunk COM is measured from C7 (proximal); ours from the hip.
            p["f_tr"] = seg["trunk"]["mass_fraction"]
            p["c_tr"] = 1.0 - seg["trunk"]["com_fraction"]
            p["f_hd"] = seg["head_neck"]["mass_fraction"]
            p["c_hd"] = 1.0 - seg["head_neck"]["com_fraction"]  # de Leva: from vertex
            ua, fa, ha = seg["upper_arm"], seg["forearm"], seg["hand"]
            lua, lfa, lha = (f["upper_arm_length"] * H, f["forearm_length"] * H,
                             f["hand_length"] * H)
            m_arm = ua["mass_fraction"] + fa["mass_fraction"] + ha["mass_fraction"]
            drop = (ua["mass_fraction"] * ua["com_fraction"] * lua
                    + fa["mass_fraction"] * (lua + fa["com_fraction"] * lfa)
                    + ha["mass_fraction"] * (lua + lfa + ha["com_fraction"] * lha)) / m_arm
            p["f_arm"] = 2.0 * m_arm
            p["d_arm"] = drop
        else:
            # Winter's HAT lumps head, arms and trunk along the hip-shoulder line.
            p["f_tr"] = seg["hat"]["mass_fraction"]
            p["c_tr"] = seg["hat"]["com_fraction"]
            p["f_hd"] = 0.0
            p["c_hd"] = 0.5
            p["f_arm"] = 0.0
            p["d_arm"] = 0.0
        self._cache["params"] = p
        return dict(p)

    def total_mass_fraction(self) -> float:
        """Sum of all segment mass fractions (should be 1 within table rounding)."""
        p = self.model_parameters()
        return 2 * (p["f_ft"] + p["f_sh"] + p["f_th"]) + p["f_tr"] + p["f_hd"] + p["f_arm"]


def segment_table(subject: Subject) -> dict[str, dict[str, float]]:
    """Inertial parameters of the leg segments for inverse dynamics.

    Returns
    -------
    dict
        ``{"foot"|"shank"|"thigh": {"mass_kg", "length_m", "com_fraction",
        "inertia_kgm2"}}``; ``com_fraction`` from the proximal end (heel for the
        foot), ``inertia_kgm2`` the sagittal moment of inertia about the COM,
        m (r L)², from the chosen table.
    """
    seg = _segments(subject.table, subject.sex)
    lengths = {"foot": subject.foot_length, "shank": subject.shank_length,
               "thigh": subject.thigh_length}
    out = {}
    for name, length in lengths.items():
        s = seg[name]
        mass = s["mass_fraction"] * subject.mass_kg
        out[name] = {
            "mass_kg": mass,
            "length_m": length,
            "com_fraction": s["com_fraction"],
            "inertia_kgm2": mass * (s["rgyr_fraction"] * length) ** 2,
        }
    return out
