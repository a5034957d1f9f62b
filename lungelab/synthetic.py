r"""SYNTHETIC lunge trials: a documented, seeded generator built on the lunge model.

**Every file this module writes is SYNTHETIC**: computed from the sagittal model of
:mod:`lungelab.posture` / :class:`lungelab.model.LungeModel`, not recorded from a
person.  It exists to exercise and validate the motion-data pipeline with data whose
true mechanics are known.

Run ``python -m lungelab.synthetic`` (or :func:`write_dataset`) to regenerate
``data/synthetic/``; the result is bit-for-bit reproducible (fixed seeds, see
:func:`trial_seed`).  ``python -m lungelab.synthetic --check`` compares the stored
files with a fresh regeneration.

What a trial holds
------------------
One file per subject × form variant: one *set* of 8-9 repetitions on the right leg
(right foot in front), a 1 s rest standing, then one set on the left leg.  (The
usual prescription is 8-12; 8-9 keeps ``data/`` small.)  A repetition of a
**backward lunge** is

1. quiet standing, feet side by side (both ankles at x = 0), then a 0.15 s weight
   shift onto the working (front) leg;
2. the **step back**: the rear foot lifts off and swings back (single support on the
   front foot) while the front knee bends; it lands on its ball where the bottom
   posture needs it and is loaded (**double support**);
3. lowering to the **bottom posture** (a :class:`~lungelab.posture.LungePosture`), a
   hold, and the way back up -- the descent played backwards (push off, rear foot
   unloaded, lifted and swung forward) -- then the weight shift back and a pause.

A **forward lunge** is built the same way with the roles swapped: the rear foot stays
where the subject stood (its heel rises as the body travels forward), the front foot
steps forward, lands and has to brake the body; the bottom posture is the same model
posture, placed so that the rear ball is where the subject stood.

Kinematics
----------
* The path from standing to the bottom is parametrised by :math:`\sigma \in [0, 1]`.
  The stance chain is driven by joint angles: for a backward lunge front knee flexion
  :math:`\theta(\sigma) = \theta_0 + (\theta_b - \theta_0)(1 - (1 - \sigma)^p)`,
  front shank tilt and trunk lean linear in :math:`\sigma` plus "bumps"
  :math:`A\sin(\pi\sigma)` (the hip drops over the front foot and the trunk hinges
  while the rear foot reaches back); for a forward lunge rear-foot angle (heel rise
  from :math:`\sigma = 0.2` to 0.75), rear shank tilt (linear) and rear knee flexion
  (:math:`\propto \sigma^p`, the rear leg vaults over its forefoot first).  Standing
  is knees flexed 3°, shanks tilted 1.5°.
* The stepping foot's ball follows a minimum-jerk path (Flash & Hogan 1985) in
  :math:`u^k`, :math:`u = \sigma/\sigma_{td}`, from its standing place to its landing
  place with a :math:`64u^3(1-u)^3` lift (5 cm), landing with zero velocity and
  acceleration; :math:`\sigma_{td}` is where the stepping knee can reach the landing
  place with 35-50° of flexion and :math:`k \ge 1` makes the foot trail the hip so the
  leg never has to over-straighten.  Knees of the stepping leg follow from the
  two-link inverse kinematics (knee in front of the hip-ankle line, as in the model).
  While both feet are flat on their contact points every joint position is the one
  :meth:`LungeModel.evaluate` gives for the posture angles of that sample (checked to
  1e-9 m when a trial is generated).
* **Timing in single support** cannot be minimum-jerk.  A long-step lunge's stepping
  foot can only reach its landing place once the hip is low and far back, when the
  body's centre of mass (COM) is already 0.1-0.3 m behind the front heel (backward)
  or ahead of the rear toes (forward); a stance foot can only hold that while the COM
  accelerates towards the landing foot, because the centre of pressure (COP) must
  stay under the foot.  The ground reaction is linear in :math:`(\ddot\sigma,
  \dot\sigma^2)`, so "COP at least 1 cm inside the stance foot", "vertical force
  above 30 % of body weight" and "horizontal/vertical force below 1.125" are linear
  bounds on :math:`\ddot\sigma` at each :math:`\sigma` (as in time-optimal path
  parametrisation); :math:`\ddot\sigma` tracks a minimum-jerk profile and is clipped
  to those bounds, :math:`\dot\sigma^2(\sigma)` is integrated along the path and
  :math:`t = \int d\sigma/\dot\sigma`.  The result is a controlled fall caught by
  the stepping foot.
* **Timing after touchdown** is a quintic in time from the touchdown state to the
  bottom (zero velocity and acceleration), as long as possible up to the variant's
  descent time while staying monotonic with feasible foot forces.  The way up is the
  same construction played backwards (accelerations, and hence forces, do not change
  under time reversal).  If a setting is not feasible the next one is tried (knee
  progression, bumps, touchdown knee flexion, single-support share; see
  ``_STRATEGIES``), so every repetition is dynamically feasible.

Forces (consistent with the motion)
-----------------------------------
Total ground reaction on the body: :math:`\mathbf F = M(\mathbf a_{com} - \mathbf g)`
with :math:`M` the sum of the segment masses (= the model's body mass) and
:math:`\mathbf a_{com}` the second derivative of the COM of all segments (same
segment masses and COM positions as :func:`lungelab.posture.geometry`).  Its
moment about the COM equals :math:`\dot H_{com} = \sum_i m_i (\mathbf r_i -
\mathbf r_{com}) \times \mathbf a_i + I_i \alpha_i` (segment inertias from the same
anthropometric table; arms hang vertically and only translate).  With all contacts
on the floor (y = 0) that gives, for the vertical forces :math:`V_i` at the contact
points :math:`x_i`,

.. math::

    \sum_i V_i = F_y,\qquad \sum_i (x_i - x_{com}) V_i = D \equiv
    \dot H_{com} - y_{com} F_x .

* **Single support**: one foot carries :math:`F`; its COP is
  :math:`x_{com} + D/F_y`.
* **Standing, feet side by side** (same x): both COPs at :math:`x_{com} + D/F_y`;
  the vertical load is split 50/50, shifting smoothly to 100/0 before a step (a
  frontal-plane weight shift the sagittal model does not resolve).
* **Lunge double support** -- the core model's rule (:mod:`lungelab.loads`): the
  front foot's COP is fixed by the front heel share :math:`h`
  (:math:`x_f = h x_{heel} + (1-h) x_{ball}`), the rear contact is the rear ball, so
  :math:`V_f = [F_y (x_{com} - x_r) + D] / (x_f - x_r)`, :math:`V_r = F_y - V_f`;
  horizontal forces follow the model's GRF-convergence rule (each foot's force
  points at the COM, :math:`H_i = V_i (x_{com} - x_i)/y_{com}`) plus the remaining
  :math:`F_x - \sum_i H_i = \dot H_{com}/y_{com}` shared in proportion to
  :math:`V_i`.  With no acceleration (the hold at the bottom, quiet standing) this
  *is* the model: the reactions equal :meth:`LungeModel.solve`'s.  Right after the
  stepping foot lands, its share grows from 0 to the rule's value over 0.12 s
  (minimum-jerk blend) and the other foot's COP takes up the moment balance.

The generator checks that every COP lies under its foot (heel to toe tip; ball to toe
tip for a foot on its ball) and that no vertical force is negative; it raises
:class:`RuntimeError` if a variant cannot be made feasible.

Measurement model
-----------------
Joint centres and foot landmarks (heel, toe tip) are exact model points plus
Gaussian noise (0.5 mm); forces plus Gaussian noise (1 N per component); the COP is
blank (NaN) while a foot carries less than 20 N and has 1 mm noise otherwise.
Everything is computed at 1000 Hz and stored at 100 Hz, rounded to 0.1 mm and
0.1 N.  The data are 2-D (sagittal): the files store x and y only (z would be 0);
the legs are told apart by their names.

Sources
-------
Flash T., Hogan N. (1985) *J Neurosci* 5(7):1688-1703 (minimum-jerk).
Winter D.A. (2009) *Biomechanics and Motor Control of Human Movement*, 4th ed.
(Newton-Euler equations, ch. 5).  Segment parameters: :mod:`lungelab.body`.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .body import G, Subject, _segments, segment_table
from .errors import InputRangeError
from .model import LungeModel
from .posture import POINT_NAMES

__all__ = [
    "GENERATOR_VERSION",
    "MASTER_SEED",
    "INTERNAL_RATE_HZ",
    "OUTPUT_RATE_HZ",
    "SyntheticSubject",
    "FormVariant",
    "SUBJECTS",
    "VARIANTS",
    "DATASET",
    "SyntheticTrial",
    "trial_seed",
    "trial_name",
    "generate_trial",
    "write_trial",
    "write_dataset",
    "check_dataset",
    "default_output_dir",
    "POINTS",
    "FORCE_CHANNELS",
]

GENERATOR_VERSION = "1.0"
"""Version of the generator; stored in every file's metadata."""

MASTER_SEED = 20240917
"""Root of every random seed (see :func:`trial_seed`)."""

INTERNAL_RATE_HZ = 1000.0
"""Rate at which kinematics and forces are computed, Hz."""

OUTPUT_RATE_HZ = 100.0
"""Rate of the stored files, Hz."""

POINTS = ("SHOULDER", "HIP", "R_KNEE", "R_ANKLE", "R_HEEL", "R_TOE",
          "L_KNEE", "L_ANKLE", "L_HEEL", "L_TOE")
"""Stored points: shoulder and hip joint centres (the model has one hip), knee and
ankle joint centres, heel and toe tip of each foot (on the sole, y = 0 when flat)."""

FORCE_CHANNELS = ("grf_right_x", "grf_right_y", "cop_right_x",
                  "grf_left_x", "grf_left_y", "cop_left_x")
"""Stored force channels: ground reaction force on each foot (N, x forward, y up)
and its centre of pressure (m, on the floor y = 0)."""

_MARKER_NOISE_M = 0.0005
_FORCE_NOISE_N = 1.0
_COP_NOISE_M = 0.001
_COP_THRESHOLD_N = 20.0
_WEIGHT_SHIFT_S = 0.15
_LOAD_BLEND_S = 0.12
_SET_REST_S = 1.0
_LEAD_IN_S = 0.6
_HEEL_OFF = (0.2, 0.75)
_COP_MARGIN_M = 0.01
_FWD_KNEE_POWER = 4.0
_FRICTION = 1.25
_HEEL_BEARS_M = 0.005
_FY_MAX_BW = 3.0
"""Single support: the stance foot's vertical force is kept below this × body weight."""
_V_TOL_N = 2.0
"""Negative vertical force (N) tolerated as numerical noise by the final check."""
"""Largest horizontal/vertical force ratio accepted at a foot (static friction)."""
"""Forward lunge: σ range over which the rear (stance) heel rises."""


# --------------------------------------------------------------------------- catalogue
@dataclass(frozen=True)
class SyntheticSubject:
    """A synthetic subject.

    Parameters
    ----------
    subject_id : str
        Short identifier used in file names (``"S01"``).
    sex : {"male", "female"}
    mass_kg : float
        Body mass, kg.
    height_m : float
        Standing height, m.  Segment lengths follow from it (Drillis & Contini,
        see :mod:`lungelab.body`).
    """

    subject_id: str
    sex: str
    mass_kg: float
    height_m: float

    def subject(self) -> Subject:
        """The :class:`~lungelab.body.Subject` (de Leva table)."""
        return Subject(mass_kg=self.mass_kg, height_m=self.height_m, sex=self.sex)


@dataclass(frozen=True)
class FormVariant:
    """How a lunge is performed: its bottom posture, loading and tempo.

    Parameters
    ----------
    name : str
        Identifier used in file names.
    direction : {"backward", "forward"}
        Which foot steps: the rear foot steps back, or the front foot steps forward.
    description : str
        One line for the data dictionary.
    front_knee_flexion_deg, front_shank_angle_deg, trunk_lean_deg,
    rear_knee_flexion_deg, rear_foot_angle_deg : float
        The bottom posture (degrees, conventions of
        :class:`~lungelab.posture.LungePosture`).
    front_heel_share : float
        Share of the front foot's vertical load on its heel while both feet are down
        (the model's closing assumption, 0-1).
    descent_s, hold_s, ascent_s, pause_s : float
        Target descent time (standing to bottom), hold at the bottom, ascent time and
        pause standing between repetitions, s.  Descent and ascent are met as closely
        as the single-support dynamics allow (see the module docstring).
    angle_sd_deg : float
        Repetition-to-repetition standard deviation of the bottom angles, degrees.
    tempo_cv : float
        Coefficient of variation of the phase durations between repetitions.
    """

    name: str
    direction: str
    description: str
    front_knee_flexion_deg: float = 90.0
    front_shank_angle_deg: float = 0.0
    trunk_lean_deg: float = 8.0
    rear_knee_flexion_deg: float = 90.0
    rear_foot_angle_deg: float = 50.0
    front_heel_share: float = 0.65
    descent_s: float = 1.3
    hold_s: float = 0.3
    ascent_s: float = 1.2
    pause_s: float = 0.3
    angle_sd_deg: float = 2.0
    tempo_cv: float = 0.06
    standing_trunk_lean_deg: float = 2.0

    def posture_kwargs(self) -> dict[str, float]:
        """The bottom posture as keyword arguments of :meth:`LungeModel.evaluate`."""
        return {"front_knee_flexion_deg": self.front_knee_flexion_deg,
                "front_shank_angle_deg": self.front_shank_angle_deg,
                "trunk_lean_deg": self.trunk_lean_deg,
                "rear_knee_flexion_deg": self.rear_knee_flexion_deg,
                "rear_foot_angle_deg": self.rear_foot_angle_deg}


SUBJECTS: dict[str, SyntheticSubject] = {
    s.subject_id: s for s in (
        SyntheticSubject("S01", "male", 82.0, 1.80),
        SyntheticSubject("S02", "female", 58.0, 1.62),
        SyntheticSubject("S03", "male", 97.0, 1.71),
    )
}
"""The synthetic subjects: two men and a woman of different mass and height."""

VARIANTS: dict[str, FormVariant] = {
    v.name: v for v in (
        FormVariant("good", "backward",
                    "good form: front knee ~90 deg over the ankle, trunk ~8 deg, back knee "
                    "~90 deg hovering, weight in the front heel, controlled tempo"),
        FormVariant("knee_past_toes", "backward",
                    "short step, front shank tilted ~38 deg so the knee travels ~5 cm past "
                    "the toes; more weight on the front leg and its toes",
                    front_knee_flexion_deg=95.0, front_shank_angle_deg=38.0,
                    trunk_lean_deg=10.0, rear_knee_flexion_deg=85.0, rear_foot_angle_deg=55.0,
                    front_heel_share=0.4),
        FormVariant("trunk_lean", "backward",
                    "forward trunk lean ~40 deg at the bottom (hip hinge)",
                    trunk_lean_deg=40.0, front_heel_share=0.6),
        FormVariant("shallow", "backward",
                    "shallow: front knee ~60 deg, back knee far from the floor",
                    front_knee_flexion_deg=60.0, rear_knee_flexion_deg=55.0,
                    rear_foot_angle_deg=40.0, trunk_lean_deg=6.0),
        FormVariant("front_toes", "backward",
                    "weight on the front toes: front heel carries ~20 % of the front foot's "
                    "load, shank slightly forward",
                    front_shank_angle_deg=10.0, front_heel_share=0.2, trunk_lean_deg=10.0),
        FormVariant("fast", "backward",
                    "uncontrolled fast tempo: drops in ~0.6 s, no hold, bounces up",
                    descent_s=0.6, hold_s=0.0, ascent_s=0.6, pause_s=0.2, angle_sd_deg=4.0,
                    tempo_cv=0.12),
        FormVariant("forward", "forward",
                    "FORWARD lunge, good form at the bottom (same posture as 'good'): the "
                    "front foot steps forward, lands and brakes the body"),
    )
}
"""The form variants.  ``"forward"`` is the forward lunge; all others are backward."""

DATASET: tuple[tuple[str, str], ...] = tuple(
    (s, v) for s in SUBJECTS for v in VARIANTS)
"""(subject_id, variant) pairs stored in ``data/synthetic``."""


def trial_name(subject_id: str, variant: str) -> str:
    """File stem of a trial, e.g. ``"S01_backward_good"`` or ``"S02_forward_good"``."""
    v = VARIANTS[variant]
    label = "good" if v.direction == "forward" and v.name == "forward" else v.name
    return f"{subject_id}_{v.direction}_{label}"


def trial_seed(subject_id: str, variant: str, master: int = MASTER_SEED) -> int:
    """Seed of one trial: CRC-32 of ``"<subject>/<variant>"`` mixed with ``master``.

    Stable across Python versions and platforms (unlike :func:`hash`).
    """
    return (zlib.crc32(f"{subject_id}/{variant}".encode()) ^ master) & 0x7FFFFFFF


def default_output_dir() -> Path:
    """``<repository>/data/synthetic`` (next to the installed package source)."""
    return Path(__file__).resolve().parents[1] / "data" / "synthetic"


# --------------------------------------------------------------------------- helpers
def _mj(u: np.ndarray) -> np.ndarray:
    """Minimum-jerk profile 10u³ − 15u⁴ + 6u⁵ on [0, 1] (clipped outside)."""
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10.0 - 15.0 * u + 6.0 * u**2)


def _bump(u: np.ndarray) -> np.ndarray:
    """64 u³ (1 − u)³: 0 at both ends with zero slope and curvature, 1 at u = 0.5."""
    u = np.clip(u, 0.0, 1.0)
    return 64.0 * u**3 * (1.0 - u) ** 3




def _xy(x, y) -> np.ndarray:
    x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.stack([x, y], axis=-1)


def _unit(angle) -> np.ndarray:
    """Unit vector at ``angle`` from vertical, positive forward: (sin, cos)."""
    return _xy(np.sin(angle), np.cos(angle))


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]


# --------------------------------------------------------------------------- the body
class _Body:
    """Planar forward/inverse kinematics and inertia with the model's parameters."""

    SEGMENTS = ("front_foot", "front_shank", "front_thigh", "rear_foot", "rear_shank",
                "rear_thigh", "trunk", "head", "arms")

    def __init__(self, subject: Subject) -> None:
        p = subject.model_parameters()
        self.subject = subject
        self.p = p
        m = p["m"]
        legs = segment_table(subject)
        seg = _segments(subject.table, subject.sex)
        self.mass = {
            "front_foot": p["f_ft"] * m, "rear_foot": p["f_ft"] * m,
            "front_shank": p["f_sh"] * m, "rear_shank": p["f_sh"] * m,
            "front_thigh": p["f_th"] * m, "rear_thigh": p["f_th"] * m,
            "trunk": p["f_tr"] * m, "head": p["f_hd"] * m, "arms": p["f_arm"] * m,
        }
        # sagittal moments of inertia about the segment COMs, kg m²
        if subject.table == "de_leva":
            i_trunk = p["f_tr"] * m * (seg["trunk"]["rgyr_fraction"] * p["L_tr"]) ** 2
            i_head = p["f_hd"] * m * (seg["head_neck"]["rgyr_fraction"] * p["L_hd"]) ** 2
        else:
            i_trunk = p["f_tr"] * m * (seg["hat"]["rgyr_fraction"] * p["L_tr"]) ** 2
            i_head = 0.0
        self.inertia = {
            "front_foot": legs["foot"]["inertia_kgm2"], "rear_foot": legs["foot"]["inertia_kgm2"],
            "front_shank": legs["shank"]["inertia_kgm2"],
            "rear_shank": legs["shank"]["inertia_kgm2"],
            "front_thigh": legs["thigh"]["inertia_kgm2"],
            "rear_thigh": legs["thigh"]["inertia_kgm2"],
            "trunk": i_trunk, "head": i_head, "arms": 0.0,
        }
        self.total_mass = float(sum(self.mass.values()))
        L = p["L_ft"]
        self.heel_to_ankle = p["a_ank"] * L
        self.ball_from_heel = p["b_ball"] * L
        self.x_ball_standing = (p["b_ball"] - p["a_ank"]) * L

    # -- kinematics -----------------------------------------------------------------
    def foot(self, ball: np.ndarray, gam: np.ndarray) -> dict[str, np.ndarray]:
        """Foot points from the ball position (x, y) and the heel-ball angle γ (rad).

        γ = 0: flat; γ > 0: heel raised, toes kept horizontal (as the model's rear
        foot).  Returns ankle, heel, ball, toe and the foot COM.
        """
        p = self.p
        L, a, b, h = p["L_ft"], p["a_ank"], p["b_ball"], p["h_ank"]
        c, s = np.cos(gam), np.sin(gam)
        ankle = ball + _xy((a - b) * L * c + h * s, (b - a) * L * s + h * c)
        heel = ball + _xy(-b * L * c, b * L * s)
        toe = ball + _xy((1.0 - b) * L + 0.0 * c, 0.0 * c)
        com = heel + _xy(p["c_ft"] * L * c + h / 2 * s, -p["c_ft"] * L * s + h / 2 * c)
        return {"ankle": ankle, "heel": heel, "ball": ball + 0.0 * ankle, "toe": toe,
                "com": com}

    def knee_ik(self, hip: np.ndarray, ankle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Knee joint centre (in front of the hip-ankle line) and knee flexion (rad)."""
        L1, L2 = self.p["L_th"], self.p["L_sh"]
        d = hip - ankle
        d2 = d[..., 0] ** 2 + d[..., 1] ** 2
        dist = np.sqrt(d2)
        if np.any(dist > L1 + L2 + 1e-12) or np.any(dist < abs(L1 - L2)):
            raise RuntimeError("synthetic: a leg cannot reach between hip and ankle "
                               f"(hip-ankle distance {dist.min():.3f}-{dist.max():.3f} m, "
                               f"leg {L1 + L2:.3f} m)")
        beta = np.arctan2(d[..., 0], d[..., 1])
        alpha = np.arccos(np.clip((L1**2 + d2 - L2**2) / (2 * L1 * dist), -1.0, 1.0))
        knee = hip + L1 * _xy(np.sin(alpha - beta), -np.cos(alpha - beta))
        flex = np.arccos(np.clip((d2 - L1**2 - L2**2) / (2 * L1 * L2), -1.0, 1.0))
        return knee, flex

    def trunk(self, hip: np.ndarray, lam: np.ndarray) -> dict[str, np.ndarray]:
        p = self.p
        u = _unit(lam)
        shoulder = hip + p["L_tr"] * u
        return {"shoulder": shoulder, "head_top": shoulder + p["L_hd"] * u}

    def segment_state(self, P: dict[str, np.ndarray]) -> tuple[dict, dict]:
        """Segment COMs (n, 2) and segment angles (n,) from the points of :meth:`pose`."""
        p = self.p
        com = {
            "front_foot": P["front_foot_com"], "rear_foot": P["rear_foot_com"],
            "front_shank": P["front_knee"] + p["c_sh"] * (P["front_ankle"] - P["front_knee"]),
            "rear_shank": P["rear_knee"] + p["c_sh"] * (P["rear_ankle"] - P["rear_knee"]),
            "front_thigh": P["hip"] + p["c_th"] * (P["front_knee"] - P["hip"]),
            "rear_thigh": P["hip"] + p["c_th"] * (P["rear_knee"] - P["hip"]),
            "trunk": P["hip"] + p["c_tr"] * (P["shoulder"] - P["hip"]),
            "head": P["shoulder"] + p["c_hd"] * (P["head_top"] - P["shoulder"]),
            "arms": P["shoulder"] - _xy(0.0, p["d_arm"]),
        }

        def ang(v):
            return np.unwrap(np.arctan2(v[..., 1], v[..., 0]))

        angle = {
            "front_foot": ang(P["front_ball"] - P["front_heel"]),
            "rear_foot": ang(P["rear_ball"] - P["rear_heel"]),
            "front_shank": ang(P["front_knee"] - P["front_ankle"]),
            "rear_shank": ang(P["rear_knee"] - P["rear_ankle"]),
            "front_thigh": ang(P["hip"] - P["front_knee"]),
            "rear_thigh": ang(P["hip"] - P["rear_knee"]),
            "trunk": ang(P["shoulder"] - P["hip"]),
            "head": ang(P["shoulder"] - P["hip"]),
            "arms": np.zeros(P["hip"].shape[:-1]),
        }
        return com, angle

    def com(self, seg_com: dict[str, np.ndarray]) -> np.ndarray:
        return sum(self.mass[k] * seg_com[k] for k in self.SEGMENTS) / self.total_mass


# --------------------------------------------------------------------------- paths
@dataclass
class _Rep:
    """Parameters of one repetition (after the per-rep jitter)."""

    direction: str
    bottom: dict[str, float]           # posture angles, deg
    heel_share: float
    descent_s: float
    hold_s: float
    ascent_s: float
    pause_s: float
    trunk_bump_deg: float
    shank_bump_deg: float
    standing_lean_deg: float
    single_fraction: float = 0.75
    clearance_m: float = 0.05
    touchdown_knee_deg: float = 40.0
    knee_power: float = 2.0


class _Path:
    """Posture as a function of the path parameter σ for one descent.

    Lab frame: x forward, y up, origin on the floor under the standing ankles.
    """

    def __init__(self, body: _Body, model: LungeModel, rep: _Rep) -> None:
        self.body, self.model, self.rep = body, model, rep
        b = rep.bottom
        row = model.evaluate(b["front_knee_flexion_deg"], b["front_shank_angle_deg"],
                             b["trunk_lean_deg"], b["rear_knee_flexion_deg"],
                             b["rear_foot_angle_deg"], front_heel_share=rep.heel_share,
                             mask_unbalanced=False).iloc[0]
        if not bool(row["balanced"]):
            raise RuntimeError(f"synthetic: bottom posture {b} is not balanced")
        self.bottom_row = row
        self.rad = {k: math.radians(v) for k, v in b.items()}
        self.lam0 = math.radians(rep.standing_lean_deg)
        # standing: knees flexed 3 deg, shanks tilted 1.5 deg (hip above the ankle)
        self.knee0 = math.radians(3.0)
        self.shank0 = math.radians(1.5)
        self.swing_warp = 1.0
        if rep.direction == "backward":
            self.shift = 0.0                       # model frame == lab frame
        else:
            # rear ball where the subject stood
            self.shift = body.x_ball_standing - float(row["rear_ball_x_m"])
        self.x_front_ankle = self.shift
        self.x_rear_ball = float(row["rear_ball_x_m"]) + self.shift
        # rear leg angles at the bottom (forward lunge stance leg)
        ank = np.array([row["rear_ankle_x_m"], row["rear_ankle_y_m"]])
        kne = np.array([row["rear_knee_x_m"], row["rear_knee_y_m"]])
        self.rear_shank_bottom = math.atan2(kne[0] - ank[0], kne[1] - ank[1])
        self.sigma_td = self._touchdown()
        self._check_reach()

    # -- the path -------------------------------------------------------------------
    def pose(self, sig: np.ndarray, sigma_td: float | None = None) -> dict[str, np.ndarray]:
        """All points at path parameters ``sig`` (array); see :meth:`_backward`."""
        sig = np.atleast_1d(np.asarray(sig, dtype=float))
        std = self.sigma_td if sigma_td is None else sigma_td
        return self._with_swing(sig, std)

    def _front_angles(self, sig):
        """Front knee flexion and front shank tilt (rad) along a backward path."""
        sig = np.clip(sig, 0.0, 1.0)
        th0, phi0 = self.knee0, self.shank0
        # the knee bends early (1 - (1 - σ)^p) while the shank tilts forward (bump):
        # the hip drops over the stance foot before it travels back
        kp = self.rep.knee_power
        th = th0 + (self.rad["front_knee_flexion_deg"] - th0) * (1.0 - (1.0 - sig) ** kp)
        phi = (phi0 + (self.rad["front_shank_angle_deg"] - phi0) * sig
               + math.radians(self.rep.shank_bump_deg) * np.sin(np.pi * sig))
        return th, phi

    def _rear_angles(self, sig):
        """Rear foot angle, rear shank tilt and rear knee flexion (rad), forward path."""
        sig = np.clip(sig, 0.0, 1.0)
        gam = self.rad["rear_foot_angle_deg"] * _mj((sig - _HEEL_OFF[0])
                                                    / (_HEEL_OFF[1] - _HEEL_OFF[0]))
        phi = self.shank0 + (self.rear_shank_bottom - self.shank0) * sig
        th = (self.knee0 + (self.rad["rear_knee_flexion_deg"] - self.knee0)
              * sig**self.rep.knee_power)
        return gam, phi, th

    def _trunk_lean(self, sig):
        r = self.rep
        return (self.lam0 + (self.rad["trunk_lean_deg"] - self.lam0) * sig
                + math.radians(r.trunk_bump_deg) * np.sin(np.pi * sig))

    def _stance(self, sig) -> dict[str, np.ndarray]:
        """Stance foot, stance leg, hip and trunk along σ (the chain from the floor up)."""
        body, p = self.body, self.body.p
        lam = self._trunk_lean(sig)
        if self.rep.direction == "backward":
            th, phi = self._front_angles(sig)
            foot = body.foot(_xy(np.full_like(sig, body.x_ball_standing), 0.0),
                             np.zeros_like(sig))
            knee = foot["ankle"] + p["L_sh"] * _unit(phi)
            side, gam = "front", np.zeros_like(sig)
        else:
            gam, phi, th = self._rear_angles(sig)
            foot = body.foot(_xy(np.full_like(sig, self.x_rear_ball), 0.0), gam)
            knee = foot["ankle"] + p["L_sh"] * _unit(phi)
            side = "rear"
        hip = knee + p["L_th"] * _unit(phi - th)
        P = {f"{side}_{k}": foot[k] for k in ("ankle", "heel", "ball", "toe")}
        P[f"{side}_foot_com"] = foot["com"]
        P[f"{side}_knee"] = knee
        P["hip"] = hip
        P.update(body.trunk(hip, lam))
        P["_stance"] = {"side": side, "knee_flexion": th, "shank": phi, "gam": gam,
                        "lam": lam}
        return P

    def _swing_gamma(self, sig, std):
        """Heel-ball angle of the stepping foot (rad): rises to its touchdown value in
        swing (backward: on the toes, 10 deg steeper than at the bottom), then eases to
        the bottom value on the floor.  A forward lunge's front foot stays flat."""
        if self.rep.direction == "forward":
            return np.zeros_like(sig)
        gam_b = self.rad["rear_foot_angle_deg"]
        gam_td = gam_b + math.radians(10.0)
        u = np.clip(sig / std, 0.0, 1.0)
        return np.where(sig < std, gam_td * _mj(u),
                        gam_td + (gam_b - gam_td) * _mj((sig - std) / (1.0 - std)))

    def _landing(self, std=None):
        """Ball x of the stepping foot's landing place and its ankle at touchdown."""
        if self.rep.direction == "backward":
            x_ball = self.x_rear_ball
        else:
            x_ball = self.x_front_ankle + self.body.x_ball_standing
        gam = 0.0 if self.rep.direction == "forward" else \
            self.rad["rear_foot_angle_deg"] + math.radians(10.0)
        return x_ball, self.body.foot(_xy(np.array([x_ball]), 0.0), np.array([gam]))["ankle"][0]

    def _swing_ankle(self, sig, std, hip):
        r"""Ankle of the stepping foot along σ (before touchdown).

        The ball travels from its standing place to the landing place with a
        minimum-jerk profile in :math:`u^k` (:math:`u = \sigma/\sigma_{td}`; the
        exponent :math:`k \ge 1` makes the foot trail the hip so that the leg can
        reach, chosen by :meth:`_check_reach`), lifted by ``clearance_m`` ×
        :math:`64u^3(1-u)^3`; it lands with zero velocity and acceleration.
        """
        x_land, _ = self._landing(std)
        u = np.clip(sig / std, 0.0, 1.0)
        x0 = self.body.x_ball_standing
        x = x0 + (x_land - x0) * _mj(u ** self.swing_warp)
        gam = self._swing_gamma(sig, std)
        ball = _xy(x, self.rep.clearance_m * _bump(u))
        return self.body.foot(ball, gam)["ankle"]

    def _with_swing(self, sig, std) -> dict[str, np.ndarray]:
        body = self.body
        P = self._stance(sig)
        st = P.pop("_stance")
        side = "rear" if st["side"] == "front" else "front"
        gam = self._swing_gamma(sig, std)
        if side == "rear":
            # after touchdown the rear foot pivots on its fixed ball
            ball_land = _xy(np.full_like(sig, self.x_rear_ball), 0.0)
            ankle_floor = body.foot(ball_land, gam)["ankle"]
            ankle = np.where((sig >= std)[:, None], ankle_floor,
                             self._swing_ankle(sig, std, P["hip"]))
        else:
            ankle = np.where((sig >= std)[:, None], self._landing(std)[1],
                             self._swing_ankle(sig, std, P["hip"]))
        # foot points from the ankle: ball = ankle - (ankle relative to the ball)
        rel = body.foot(_xy(np.zeros_like(sig), 0.0), gam)["ankle"]
        foot = body.foot(ankle - rel, gam)
        knee, flex = body.knee_ik(P["hip"], foot["ankle"])
        for k in ("ankle", "heel", "ball", "toe"):
            P[f"{side}_{k}"] = foot[k]
        P[f"{side}_foot_com"] = foot["com"]
        P[f"{side}_knee"] = knee
        if side == "rear":
            angles = {"front_knee_flexion_deg": np.degrees(st["knee_flexion"]),
                      "front_shank_angle_deg": np.degrees(st["shank"]),
                      "rear_knee_flexion_deg": np.degrees(flex),
                      "rear_foot_angle_deg": np.degrees(gam)}
        else:
            fa, fk = foot["ankle"], knee
            angles = {"front_knee_flexion_deg": np.degrees(flex),
                      "front_shank_angle_deg": np.degrees(np.arctan2(
                          fk[..., 0] - fa[..., 0], fk[..., 1] - fa[..., 1])),
                      "rear_knee_flexion_deg": np.degrees(st["knee_flexion"]),
                      "rear_foot_angle_deg": np.degrees(st["gam"])}
        angles["trunk_lean_deg"] = np.degrees(st["lam"])
        P["_angles"] = angles
        return P

    def _touchdown(self) -> float:
        """σ at which the stepping foot can land with the touchdown knee flexion."""
        sig = np.linspace(0.0, 1.0, 2001)
        p = self.body.p
        L1, L2 = p["L_th"], p["L_sh"]
        reach = math.sqrt(L1**2 + L2**2 + 2 * L1 * L2 *
                          math.cos(math.radians(self.rep.touchdown_knee_deg)))
        hip = self._stance(sig)["hip"]
        dist = np.hypot(*np.moveaxis(hip - self._landing(1.0)[1], -1, 0))
        ok = np.flatnonzero(dist <= reach)
        if ok.size == 0:
            raise RuntimeError("synthetic: the stepping foot never reaches its landing place")
        return float(sig[ok[0]])

    def _check_reach(self) -> None:
        """Choose the swing warp: the smallest k keeping the swinging knee at least as
        flexed as in standing."""
        sig = np.linspace(0.0, self.sigma_td, 400)
        p = self.body.p
        L1, L2 = p["L_th"], p["L_sh"]
        d0 = math.sqrt(L1**2 + L2**2 + 2 * L1 * L2 * math.cos(self.knee0))
        hip = self._stance(sig)["hip"]
        worst = np.inf
        for k in (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0):
            self.swing_warp = k
            d = np.hypot(*np.moveaxis(hip - self._swing_ankle(sig, self.sigma_td, hip), -1, 0))
            worst = min(worst, float((d - d0).max()))
            if np.all(d <= d0 + 1e-9):
                return
        raise RuntimeError("synthetic: the swinging leg would have to straighten beyond "
                           f"standing ({worst * 1000:.1f} mm too long)")


# --------------------------------------------------------------------------- dynamics
_MODE_STAND, _MODE_FRONT, _MODE_REAR, _MODE_DOUBLE = 0, 1, 2, 3
_FEET = ("front_heel", "front_ball", "front_toe", "rear_heel", "rear_ball", "rear_toe")


def _second_derivative(x: np.ndarray, dt: float) -> np.ndarray:
    """Three-point central second difference; end samples copy their neighbours."""
    out = np.empty_like(x)
    out[1:-1] = (x[2:] - 2.0 * x[1:-1] + x[:-2]) / dt**2
    out[0], out[-1] = out[1], out[-2]
    return out


def _whole_body(body: _Body, P: dict[str, np.ndarray], dt: float) -> dict[str, np.ndarray]:
    """COM, total ground reaction and moment term D of sampled motion.

    Total GRF ``F = M (a_com - g)``; ``D = Ḣ_com - y_com F_x`` with
    ``Ḣ_com = Σ m_i (r_i - r_com) × a_i + I_i α_i`` (central differences).
    """
    com, ang = body.segment_state(P)
    c = body.com(com)
    hdot = np.zeros(len(c))
    for k in body.SEGMENTS:
        hdot += (body.mass[k] * _cross(com[k] - c, _second_derivative(com[k], dt))
                 + body.inertia[k] * _second_derivative(ang[k], dt))
    a = _second_derivative(c, dt)
    M = body.total_mass
    Fx, Fy = M * a[:, 0], M * (a[:, 1] + G)
    out = {"xc": c[:, 0], "yc": c[:, 1], "Fx": Fx, "Fy": Fy, "D": hdot - c[:, 1] * Fx,
           "hdot": hdot, "seg_com": com, "seg_angle": ang}
    for name in _FEET:
        out[name] = P[name][:, 0]
    return out


class _PathTable:
    """Everything the forces need along a path, tabulated on a fine σ grid.

    Accelerations are linear in (σ̈, σ̇²): ``a_i = r_i' σ̈ + r_i'' σ̇²`` (primes:
    d/dσ), so the ground reaction of any timing σ(t) follows without re-posing.
    """

    def __init__(self, path: _Path, n: int = 4001) -> None:
        body = path.body
        sig = np.linspace(0.0, 1.0, n)
        h = sig[1] - sig[0]
        P = path.pose(sig)
        com, ang = body.segment_state(P)
        c = body.com(com)
        M = body.total_mass
        J = np.zeros(n)
        K = np.zeros(n)
        for k in body.SEGMENTS:
            d1 = np.gradient(com[k], h, axis=0)
            d2 = np.gradient(d1, h, axis=0)
            t1 = np.gradient(ang[k], h)
            t2 = np.gradient(t1, h)
            J += body.mass[k] * _cross(com[k] - c, d1) + body.inertia[k] * t1
            K += body.mass[k] * _cross(com[k] - c, d2) + body.inertia[k] * t2
        c1 = np.gradient(c, h, axis=0)
        c2 = np.gradient(c1, h, axis=0)
        self.sig, self.M = sig, M
        self.cols = {"xc": c[:, 0], "yc": c[:, 1], "x1": c1[:, 0], "y1": c1[:, 1],
                     "x2": c2[:, 0], "y2": c2[:, 1], "J": J, "K": K}
        for name in _FEET:
            self.cols[name] = P[name][:, 0]
            self.cols[name + "_y"] = P[name][:, 1]

    def at(self, s: np.ndarray, v: np.ndarray, a: np.ndarray) -> dict[str, np.ndarray]:
        """COM, GRF totals and D for path states (σ, σ̇, σ̈)."""
        q = {k: np.interp(s, self.sig, col) for k, col in self.cols.items()}
        Fx = self.M * (q["x1"] * a + q["x2"] * v**2)
        Fy = self.M * (G + q["y1"] * a + q["y2"] * v**2)
        hdot = q["J"] * a + q["K"] * v**2
        out = {"xc": q["xc"], "yc": q["yc"], "Fx": Fx, "Fy": Fy, "D": hdot - q["yc"] * Fx}
        for name in _FEET:
            out[name] = q[name]
            out[name + "_y"] = q[name + "_y"]
        return out


def _split(frames: dict[str, np.ndarray], w: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Share the total ground reaction between the front and the rear foot.

    ``frames``: per-frame ``mode`` (0 standing side by side, 1 single support on the
    front foot, 2 on the rear foot, 3 lunge double support), ``w_step`` (mode 0:
    vertical share of the stepping foot), ``blend`` (mode 3: 0 at touchdown, 1 under
    the model's rule), ``heel_share`` and ``front_steps`` (bool: the front foot is
    the stepping one, i.e. a forward lunge).  ``w``: output of :func:`_whole_body`
    or :meth:`_PathTable.at`.  Returns vertical (``_v``) and horizontal (``_h``)
    force and COP x (``_cop``, NaN when unloaded) of the front and rear foot, N / m.
    """
    xc, yc, Fx, Fy, D = w["xc"], w["yc"], w["Fx"], w["Fy"], w["D"]
    mode = frames["mode"]
    n = len(mode)
    Vf, Vr, Hf, Hr = (np.zeros(n) for _ in range(4))
    cf, cr = np.full(n, np.nan), np.full(n, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        cop_single = xc + D / Fy

        m0 = mode == _MODE_STAND
        front_steps = frames["front_steps"].astype(bool)
        share_front = np.where(front_steps, frames["w_step"], 1.0 - frames["w_step"])
        Vf[m0] = share_front[m0] * Fy[m0]
        Vr[m0] = Fy[m0] - Vf[m0]
        Hf[m0] = share_front[m0] * Fx[m0]
        Hr[m0] = Fx[m0] - Hf[m0]
        cf[m0] = cop_single[m0]
        cr[m0] = cop_single[m0]

        m1 = mode == _MODE_FRONT
        Vf[m1], Hf[m1], cf[m1] = Fy[m1], Fx[m1], cop_single[m1]
        m2 = mode == _MODE_REAR
        Vr[m2], Hr[m2], cr[m2] = Fy[m2], Fx[m2], cop_single[m2]

        m3 = mode == _MODE_DOUBLE
        h = frames["heel_share"]
        xh_f, xb_f, xt_f = w["front_heel"], w["front_ball"], w["front_toe"]
        xr, xt_r = w["rear_ball"], w["rear_toe"]
        x_rule = h * xh_f + (1.0 - h) * xb_f
        vf_rule = (Fy * (xc - xr) + D) / (x_rule - xr)
        b = frames["blend"]
        back = m3 & ~front_steps
        fwd = m3 & front_steps
        # backward: the landing rear foot takes b x the rule's load, or more if the
        # front COP would otherwise leave the front foot
        vr_heel = ((xh_f - xc) * Fy - D) / (xh_f - xr)      # front COP at the heel
        vr_toe = ((xt_f - xc) * Fy - D) / (xt_f - xr)       # front COP at the toe
        vr = np.clip(np.maximum(b * (Fy - vf_rule), vr_heel), 0.0,
                     np.maximum(np.minimum(vr_toe, Fy), 0.0))
        Vr[back] = vr[back]
        Vf[back] = Fy[back] - Vr[back]
        cr[back] = xr[back]
        cf[back] = xc[back] + (D[back] - Vr[back] * (xr[back] - xc[back])) / Vf[back]
        # forward: the landing front foot (COP at the rule's place) takes b x the rule's
        # load, or more if the rear COP would otherwise pass the rear toe
        vf_toe = ((xt_r - xc) * Fy - D) / (xt_r - x_rule)   # rear COP at the rear toe
        vf_ball = ((xr - xc) * Fy - D) / (xr - x_rule)      # rear COP at the rear ball
        vf = np.clip(np.maximum(b * vf_rule, vf_toe), 0.0,
                     np.maximum(np.minimum(vf_ball, Fy), 0.0))
        Vf[fwd] = vf[fwd]
        Vr[fwd] = Fy[fwd] - Vf[fwd]
        cf[fwd] = x_rule[fwd]
        cr[fwd] = xc[fwd] + (D[fwd] - Vf[fwd] * (x_rule[fwd] - xc[fwd])) / Vr[fwd]
        # horizontal: each foot's force points at the COM (the model's GRF-convergence
        # rule); the rest of Fx (= Ḣ / y_com) is shared in proportion to the vertical loads
        lever_f = np.where(Vf > 0, xc - cf, 0.0)
        lever_r = np.where(Vr > 0, xc - cr, 0.0)
        Hf[m3] = Vf[m3] * lever_f[m3] / yc[m3]
        Hr[m3] = Vr[m3] * lever_r[m3] / yc[m3]
        rest = Fx[m3] - Hf[m3] - Hr[m3]
        Hf[m3] += rest * Vf[m3] / Fy[m3]
        Hr[m3] += rest * Vr[m3] / Fy[m3]
    Hf = np.where(Vf > 0, np.nan_to_num(Hf), 0.0)
    Hr = np.where(Vr > 0, np.nan_to_num(Hr), 0.0)
    cf[~(Vf > 1e-9)] = np.nan
    cr[~(Vr > 1e-9)] = np.nan
    return {"front_v": Vf, "front_h": Hf, "front_cop": cf,
            "rear_v": Vr, "rear_h": Hr, "rear_cop": cr}


def _cop_window(w: dict[str, np.ndarray], side: str, margin: float = 0.0):
    """Heel to toe tip of one foot, shrunk by ``margin`` (m).

    The heel's end of the window moves to the ball as the heel rises through its first
    5 mm (soft tissue keeps bearing load over the first millimetres), so the window
    changes continuously.
    """
    heel, ball = w[f"{side}_heel"], w[f"{side}_ball"]
    key = f"{side}_heel_y"
    lift = np.clip(w[key] / _HEEL_BEARS_M, 0.0, 1.0) if key in w else 0.0
    lo = heel + (ball - heel) * lift
    return lo + margin, w[f"{side}_toe"] - margin


def _feasibility(w: dict[str, np.ndarray], forces: dict[str, np.ndarray],
                 tol_m: float = 0.002, friction: float | None = None) -> list[str]:
    """Problems of a force split: negative loads, COPs outside the feet, friction."""
    out = []
    for side in ("front", "rear"):
        v, hz, cop = forces[f"{side}_v"], forces[f"{side}_h"], forces[f"{side}_cop"]
        if np.any(v < -_V_TOL_N) or np.any(~np.isfinite(v)):
            i = int(np.nanargmin(v))
            out.append(f"{side} foot pulls on the floor (min {np.nanmin(v):.1f} N at sample "
                       f"{i})")
        lo, hi = _cop_window(w, side)
        loaded = v > 1.0
        bad = loaded & ~((cop >= lo - tol_m) & (cop <= hi + tol_m))
        if np.any(bad):
            i = int(np.flatnonzero(bad)[0])
            out.append(f"{side} COP {cop[i]:.3f} m outside the foot [{lo[i]:.3f}, {hi[i]:.3f}]"
                       f" at sample {i} ({int(bad.sum())} samples)")
        mu = _FRICTION if friction is None else friction
        slip = loaded & (np.abs(hz) > mu * v)
        if np.any(slip):
            i = int(np.flatnonzero(slip)[0])
            out.append(f"{side} foot would need a friction coefficient above {mu} "
                       f"(|H|/V = {abs(hz[i]) / v[i]:.2f} at sample {i}, V = {v[i]:.0f} N, "
                       f"{int(slip.sum())} samples)")
    return out


# --------------------------------------------------------------------------- timing




def _quintic_eval(s0, v0, a0, s1, T, t):
    """Quintic from (s0, v0, a0) at t = 0 to (s1, 0, 0) at t = T: (s, ṡ, s̈) at t."""
    A = np.array([[T**3, T**4, T**5], [3 * T**2, 4 * T**3, 5 * T**4],
                  [6 * T, 12 * T**2, 20 * T**3]])
    rhs = np.array([s1 - s0 - v0 * T - a0 * T**2 / 2.0, -v0 - a0 * T, -a0])
    c3, c4, c5 = np.linalg.solve(A, rhs)
    s = s0 + v0 * t + a0 / 2 * t**2 + c3 * t**3 + c4 * t**4 + c5 * t**5
    v = v0 + a0 * t + 3 * c3 * t**2 + 4 * c4 * t**3 + 5 * c5 * t**4
    a = a0 + 6 * c3 * t + 12 * c4 * t**2 + 20 * c5 * t**3
    return s, v, a


class _Descent:
    """Timing σ(t) of one descent (standing → bottom) and its contact schedule.

    Single support (σ from 0 to σ_td): the path velocity is integrated along σ with
    σ̈ tracking a minimum-jerk profile of duration ``single_fraction × target_s`` and
    clipped to the balance bounds (see :meth:`_design_single`).  Double support: a
    quintic in time to the bottom (zero velocity and acceleration), monotonic, with
    feasible foot forces, lasting as close as possible to the rest of ``target_s``.
    """

    def __init__(self, path: _Path, rep: _Rep, fs: float, target_s: float,
                 table: _PathTable | None = None) -> None:
        self.path, self.rep, self.fs, self.target_s = path, rep, fs, target_s
        self.table = _PathTable(path) if table is None else table
        self.single_mode = _MODE_FRONT if rep.direction == "backward" else _MODE_REAR
        self.stance = "front" if rep.direction == "backward" else "rear"
        self._design_single()
        self.T_ds = self._design_double()

    def _design_single(self) -> None:
        """Path velocity β(σ) = σ̇² of the single-support phase (σ from 0 to σ_td).

        The ground reaction is linear in (σ̈, β), so "the stance COP stays 1 cm inside
        the foot" and "the vertical force stays above 30 % of body weight" are linear
        bounds on σ̈ at every σ (as in time-optimal path parametrisation).  σ̈ tracks a
        minimum-jerk profile of duration ``single_fraction × target`` and is clipped
        to those bounds; β(σ) is integrated along σ and the time follows from
        t = ∫ dσ / σ̇.
        """
        from scipy.interpolate import CubicHermiteSpline

        s_td = self.path.sigma_td
        T1 = max(0.3, self.rep.single_fraction * self.target_s)
        tab = self.table
        n = 4000
        sig = np.linspace(0.0, s_td, n + 1)
        h = sig[1] - sig[0]
        q = {k: np.interp(sig, tab.sig, col) for k, col in tab.cols.items()}
        lo, hi = _cop_window(q, self.stance, _COP_MARGIN_M)
        M = tab.M
        # desired (minimum-jerk) σ̇ and σ̈ as functions of σ
        u = np.linspace(0.0, 1.0, 20001)
        sd = s_td * _mj(u)
        vd = s_td * 30 * u**2 * (1 - u) ** 2 / T1
        ad = s_td * (60 * u - 180 * u**2 + 120 * u**3) / T1**2
        vd_s, ad_s = np.interp(sig, sd, vd), np.interp(sig, sd, ad)
        kv = 25.0
        beta = np.zeros(n + 1)
        acc = np.zeros(n + 1)
        # constraint rows: c_a σ̈ + c_b β + c_0 >= 0
        rows = []
        for bound, sign in ((lo, 1.0), (hi, -1.0)):
            e = q["xc"] - bound
            rows.append((sign * (e * M * q["y1"] + q["J"] - q["yc"] * M * q["x1"]),
                         sign * (e * M * q["y2"] + q["K"] - q["yc"] * M * q["x2"]),
                         sign * e * M * G))
        rows.append((M * q["y1"], M * q["y2"], np.full(n + 1, 0.7 * M * G)))   # Fy >= 0.3 Mg
        rows.append((-M * q["y1"], -M * q["y2"],
                     np.full(n + 1, (_FY_MAX_BW - 1.0) * M * G)))              # Fy <= max
        mu = 0.9 * _FRICTION                                                     # |Fx| <= μ Fy
        for sgn in (1.0, -1.0):
            rows.append((M * (mu * q["y1"] - sgn * q["x1"]), M * (mu * q["y2"] - sgn * q["x2"]),
                         np.full(n + 1, mu * M * G)))
        v_min = 0.02
        for k in range(n):
            b = beta[k]
            cmd = ad_s[k] + kv * (vd_s[k] - math.sqrt(b))
            L, U = -np.inf, np.inf
            for ca, cb, c0 in rows:
                r = cb[k] * b + c0[k]
                if abs(ca[k]) < 1e-12:
                    continue
                if ca[k] > 0:
                    L = max(L, -r / ca[k])
                else:
                    U = min(U, -r / ca[k])
            if L > U + 1e-9:
                raise RuntimeError("synthetic: no single-support timing keeps the COP under "
                                   f"the stance foot (sigma={sig[k]:.3f})")
            if k < n // 50:
                # start from rest: follow the desired acceleration (taken half a step
                # ahead, it is 0 at σ = 0), within the bounds
                cmd = float(np.interp(sig[k] + h / 2, sig, ad_s))
            a = min(max(cmd, L), U)
            acc[k] = a
            beta[k + 1] = max(b + 2.0 * a * h, v_min**2 if k >= n // 50 else 0.0)
            if k < n // 50 and beta[k + 1] == 0.0:
                raise RuntimeError("synthetic: the single-support phase cannot start")
        acc[n] = acc[n - 1]
        vel = np.sqrt(beta)
        t = np.zeros(n + 1)
        t[1:] = np.cumsum(2.0 * h / (vel[:-1] + vel[1:]))
        self.T1 = float(t[-1])
        self._spline = CubicHermiteSpline(t, sig, vel)
        self.v_td = float(vel[-1])
        self.a_td = float(acc[-1])

    def _states(self, T_ds: float, t: np.ndarray):
        s_td = self.path.sigma_td
        single = t < self.T1
        s, v, a = (np.empty_like(t) for _ in range(3))
        ts = t[single]
        s[single] = self._spline(ts)
        v[single] = self._spline(ts, 1)
        a[single] = self._spline(ts, 2)
        qs, qv, qa = _quintic_eval(s_td, self.v_td, self.a_td, 1.0, T_ds, t[~single] - self.T1)
        s[~single], v[~single], a[~single] = qs, qv, qa
        return s, v, a, single

    def _frames(self, t: np.ndarray, single: np.ndarray) -> dict[str, np.ndarray]:
        n = len(t)
        mode = np.where(single, self.single_mode, _MODE_DOUBLE)
        blend = np.where(single, 0.0, _mj((t - self.T1) / _LOAD_BLEND_S))
        return {"mode": mode, "blend": blend, "w_step": np.zeros(n),
                "heel_share": np.full(n, self.rep.heel_share),
                "front_steps": np.full(n, self.rep.direction == "forward")}

    def _check_double(self, T_ds: float) -> list[str]:
        t = self.T1 + np.linspace(0.0, T_ds, 200)
        s, v, a, single = self._states(T_ds, t)
        if np.any(v < -1e-9) or np.any(s > 1.0 + 1e-9):
            return ["not monotonic"]
        w = self.table.at(s, v, a)
        return _feasibility(w, _split(self._frames(t, single), w), tol_m=0.0005,
                            friction=0.96 * _FRICTION)

    def _design_double(self) -> float:
        want = self.target_s - self.T1
        last: list[str] = []
        for T in sorted(np.arange(0.15, 3.0, 0.01), key=lambda x: (abs(x - want), x)):
            problems = self._check_double(float(T))
            if not problems:
                return float(T)
            last = problems
        raise RuntimeError(f"synthetic: no feasible double-support timing ({'; '.join(last)})")

    @property
    def duration_s(self) -> float:
        return self.T1 + self.T_ds

    def sample(self, fs: float) -> dict[str, np.ndarray]:
        """σ and the contact schedule at ``k / fs``, k = 0 … round(duration · fs)."""
        n = int(round(self.duration_s * fs))
        t = np.arange(n + 1) / fs
        T_ds = n / fs - self.T1
        s, _, _, single = self._states(T_ds, t)
        s[-1] = 1.0
        fr = self._frames(t, single)
        fr["sigma"] = s
        return fr


# --------------------------------------------------------------------------- assembly
_STRATEGIES = {
    # (knee progression power, front shank bump deg, trunk bump deg), gentlest first
    "backward": ((2.0, 20.0, 25.0), (1.5, 8.0, 25.0), (2.0, 8.0, 25.0), (1.0, 8.0, 25.0),
                 (2.0, 20.0, 12.0), (1.0, 8.0, 12.0), (1.5, 0.0, 35.0)),
    "forward": ((3.0, 0.0, -10.0), (3.0, 0.0, 0.0), (4.0, 0.0, -10.0), (4.0, 0.0, 0.0)),
}
"""How the joints share the path (see :class:`_Path`), tried in order per repetition:
the stance knee bends as 1 − (1 − σ)^p (backward: early, the hip drops over the front
foot) or σ^p (forward: late, the rear leg vaults over its forefoot), plus the shank and
trunk "bumps" A sin(πσ) of a hip hinge while stepping."""

_TOUCHDOWN_KNEE_DEG = (40.0, 45.0, 50.0, 35.0)
"""Knee flexion of the stepping leg at touchdown, deg, tried in order."""
_SINGLE_FRACTION = (0.75, 0.9, 0.6, 1.05)
"""Target single-support duration as a share of the descent time, tried in order."""


def _design_rep(body: _Body, model: LungeModel, rep: _Rep) -> tuple[_Path, _Descent, _Descent]:
    """Path and descent/ascent timings of one repetition (first feasible setting)."""
    last = ""
    for kp, sb, tb in _STRATEGIES[rep.direction]:
        for tk in _TOUCHDOWN_KNEE_DEG:
            r = replace(rep, touchdown_knee_deg=tk, knee_power=kp, shank_bump_deg=sb,
                        trunk_bump_deg=tb)
            try:
                path = _Path(body, model, r)
            except RuntimeError as exc:
                last = str(exc)
                continue
            table = _PathTable(path)
            for sf in _SINGLE_FRACTION:
                r2 = replace(r, single_fraction=sf)
                path.rep = r2
                try:
                    down = _Descent(path, r2, INTERNAL_RATE_HZ, r2.descent_s, table)
                    up = _Descent(path, r2, INTERNAL_RATE_HZ, r2.ascent_s, table)
                except RuntimeError as exc:
                    last = str(exc)
                    continue
                return path, down, up
    raise RuntimeError(f"synthetic: repetition {rep.bottom} cannot be made feasible ({last})")


def _phase(n: int, sigma: float, mode: int, rep: _Rep, w_step=None, blend=1.0) -> dict:
    return {"sigma": np.full(n, sigma), "mode": np.full(n, mode),
            "w_step": np.full(n, 0.5) if w_step is None else np.asarray(w_step, dtype=float),
            "blend": np.full(n, blend), "heel_share": np.full(n, rep.heel_share),
            "front_steps": np.full(n, rep.direction == "forward")}


def _rep_frames(path: _Path, down: _Descent, up: _Descent, rep: _Rep, lead_s: float,
                fs: float) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Per-sample σ and contact schedule of one repetition, and its event times (s from
    the first sample): standing ``lead_s``, weight shift, descent, hold, ascent, shift back."""
    phases = []
    n_lead = int(round(lead_s * fs))
    n_ws = int(round(_WEIGHT_SHIFT_S * fs))
    phases.append(_phase(n_lead, 0.0, _MODE_STAND, rep))
    phases.append(_phase(n_ws, 0.0, _MODE_STAND, rep,
                         w_step=0.5 * (1.0 - _mj(np.arange(n_ws) / n_ws))))
    d = down.sample(fs)
    phases.append({k: v[:-1] for k, v in d.items()})
    n_hold = int(round(rep.hold_s * fs))
    phases.append(_phase(n_hold, 1.0, _MODE_DOUBLE, rep))
    a = up.sample(fs)
    phases.append({k: v[::-1][:-1] for k, v in a.items()})
    phases.append(_phase(n_ws, 0.0, _MODE_STAND, rep,
                         w_step=0.5 * _mj(np.arange(n_ws) / n_ws)))
    out = {k: np.concatenate([ph[k] for ph in phases]) for k in phases[0]}
    t_desc = (n_lead + n_ws) / fs
    events = {
        "start": t_desc,                                   # descent (step) begins
        "touchdown": t_desc + down.T1,
        "bottom": t_desc + (len(d["sigma"]) - 1) / fs,     # bottom reached
        "bottom_end": t_desc + (len(d["sigma"]) - 1 + n_hold) / fs,
    }
    events["liftoff"] = events["bottom_end"] + up.T_ds
    events["end"] = events["bottom_end"] + (len(a["sigma"]) - 1) / fs
    return out, events


@dataclass
class SyntheticTrial:
    """A generated trial.

    Attributes
    ----------
    trial : Trial
        What is stored: noisy, rounded points (m) and forces at ``OUTPUT_RATE_HZ``.
    truth : pandas.DataFrame
        Noise-free values at the same samples (index ``time_s``): COM (m), total and
        per-foot GRF (N), COP (m), posture angles (deg), the net joint moments of both
        legs from the generator's own Newton-Euler sums (N·m, extensor/plantarflexor
        positive), ``mode`` (0 standing, 1/2 single support on the front/rear foot, 3
        double support) and ``front_leg`` ("right"/"left").
    reps : pandas.DataFrame
        One row per repetition: leg (front leg), rep (1-based within the leg), event
        times (s) and the bottom posture actually used.
    metadata : dict
        What the file header stores.
    """

    trial: Any
    truth: pd.DataFrame
    reps: pd.DataFrame
    metadata: dict = field(default_factory=dict)


def _jitter(variant: FormVariant, rng: np.random.Generator,
            model: LungeModel | None = None) -> _Rep:
    """One repetition's parameters: the variant's values plus Gaussian scatter (bottom
    angles: ``angle_sd_deg``, half of it for the shank and rear-foot angles; heel share
    ±0.03; phase durations ×(1 + ``tempo_cv`` N(0, 1))).  Bottom postures the model
    cannot build or balance are drawn again (up to 50 times)."""
    sd = variant.angle_sd_deg
    b = variant.posture_kwargs()
    for _ in range(50):
        bottom = {
            "front_knee_flexion_deg": b["front_knee_flexion_deg"] + sd * rng.standard_normal(),
            "front_shank_angle_deg": b["front_shank_angle_deg"]
            + 0.5 * sd * rng.standard_normal(),
            "trunk_lean_deg": b["trunk_lean_deg"] + sd * rng.standard_normal(),
            "rear_knee_flexion_deg": b["rear_knee_flexion_deg"] + sd * rng.standard_normal(),
            "rear_foot_angle_deg": b["rear_foot_angle_deg"] + 0.5 * sd * rng.standard_normal(),
        }
        heel = float(np.clip(variant.front_heel_share + 0.03 * rng.standard_normal(), 0.05, 0.95))
        if model is None:
            break
        row = model.evaluate(**bottom, front_heel_share=heel, mask_unbalanced=False).iloc[0]
        if bool(row["balanced"]) and float(row["rear_knee_height_m"]) > 0.03:
            break
    else:  # pragma: no cover - the catalogue's variants balance
        raise RuntimeError(f"synthetic: variant {variant.name!r} does not balance")
    cv = variant.tempo_cv

    def tempo(x: float) -> float:
        return max(0.0, x * (1.0 + cv * rng.standard_normal()))

    return _Rep(direction=variant.direction, bottom=bottom, heel_share=heel,
                descent_s=tempo(variant.descent_s), hold_s=tempo(variant.hold_s),
                ascent_s=tempo(variant.ascent_s), pause_s=tempo(variant.pause_s),
                trunk_bump_deg=0.0, shank_bump_deg=0.0,
                standing_lean_deg=variant.standing_trunk_lean_deg)


def _check_against_model(model: LungeModel, path: _Path, P: dict, angles: dict,
                         mask: np.ndarray) -> None:
    """Positions of the double-support samples must be LungeModel.evaluate's."""
    if not mask.any():
        return
    sel = {k: np.asarray(v)[mask] for k, v in angles.items()}
    df = model.evaluate(sel["front_knee_flexion_deg"], sel["front_shank_angle_deg"],
                        sel["trunk_lean_deg"], sel["rear_knee_flexion_deg"],
                        sel["rear_foot_angle_deg"], mask_unbalanced=False)
    worst = 0.0
    for name in POINT_NAMES:
        for j, ax in enumerate("xy"):
            mine = P[name][mask, j]
            ref = df[f"{name}_{ax}_m"].to_numpy() + (path.x_front_ankle if ax == "x" else 0.0)
            worst = max(worst, float(np.max(np.abs(mine - ref))))
    if worst > 1e-9:
        raise RuntimeError(f"synthetic: double-support positions differ from "
                           f"LungeModel.evaluate by {worst:.3g} m")


def _joint_moments(body: _Body, P: dict, w: dict, forces: dict, side: str,
                   dt: float) -> dict[str, np.ndarray]:
    """Net joint moments of one leg (N·m, extensor/plantarflexor positive) by direct
    sums: M_int = Σ_distal [I α + m (c - J) × a] − M_ext(J), with M_ext the moment of
    the GRF and the distal weights about the joint J."""
    com, ang = w["seg_com"], w["seg_angle"]
    grf = _xy(forces[f"{side}_h"], forces[f"{side}_v"])
    cop = _xy(np.nan_to_num(forces[f"{side}_cop"]), 0.0)
    out = {}
    distal: list[str] = []
    for joint, seg, sign in (("ankle", "foot", -1.0), ("knee", "shank", 1.0),
                             ("hip", "thigh", -1.0)):
        distal.append(f"{side}_{seg}")
        J = P[f"{side}_{joint}"] if joint != "hip" else P["hip"]
        m_ext = _cross(cop - J, grf)
        rate = np.zeros(len(J))
        for s in distal:
            m = body.mass[s]
            m_ext = m_ext + _cross(com[s] - J, _xy(0.0, -m * G))
            rate = rate + body.inertia[s] * _second_derivative(ang[s], dt) \
                + m * _cross(com[s] - J, _second_derivative(com[s], dt))
        out[joint] = sign * (rate - m_ext)
    return out


def generate_trial(subject_id: str, variant: str, *, seed: int | None = None,
                   reps_per_leg: tuple[int, int] | None = None,
                   rate_hz: float = OUTPUT_RATE_HZ) -> SyntheticTrial:
    """Generate one SYNTHETIC trial (both legs, one set each).

    Parameters
    ----------
    subject_id : str
        Key of :data:`SUBJECTS`.
    variant : str
        Key of :data:`VARIANTS`.
    seed : int, optional
        Random seed; default :func:`trial_seed` (what ``data/synthetic`` uses).
    reps_per_leg : (int, int), optional
        Repetitions on the right and the left leg; default drawn from 8-9 (a zero
        skips that leg).
    rate_hz : float
        Output rate, Hz; must divide 1000 Hz (100, 125, 200 ...).

    Returns
    -------
    SyntheticTrial
    """
    from .trial import Trial

    if subject_id not in SUBJECTS:
        raise InputRangeError("subject_id", subject_id, f"one of {sorted(SUBJECTS)}")
    if variant not in VARIANTS:
        raise InputRangeError("variant", variant, f"one of {sorted(VARIANTS)}")
    step = INTERNAL_RATE_HZ / rate_hz
    if abs(step - round(step)) > 1e-9 or not 50.0 <= rate_hz <= 1000.0:
        raise InputRangeError("rate_hz", rate_hz, "a rate that divides 1000 Hz, 50-1000 Hz")
    step = int(round(step))
    seed = trial_seed(subject_id, variant) if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    spec, v = SUBJECTS[subject_id], VARIANTS[variant]
    subject = spec.subject()
    body, model = _Body(subject), LungeModel(subject)
    if reps_per_leg is None:
        reps_per_leg = (int(rng.integers(8, 10)), int(rng.integers(8, 10)))
    fs = INTERNAL_RATE_HZ
    dt = 1.0 / fs

    # -- kinematics and schedule, rep by rep (front/rear terms) ---------------------------
    frames: list[dict[str, np.ndarray]] = []
    poses: list[dict[str, np.ndarray]] = []
    rep_rows = []
    t0 = 0.0
    legs = ("right",) * reps_per_leg[0] + ("left",) * reps_per_leg[1]
    for i, leg in enumerate(legs):
        rep = _jitter(v, rng, model)
        if i == 0:
            lead = _LEAD_IN_S
        elif leg != legs[i - 1]:
            lead = _SET_REST_S
        else:
            lead = rep.pause_s
        path, down, up = _design_rep(body, model, rep)
        fr, ev = _rep_frames(path, down, up, rep, lead, fs)
        fr["front_right"] = np.full(len(fr["sigma"]), leg == "right")
        P = path.pose(fr["sigma"])
        ang = P.pop("_angles")
        _check_against_model(model, path, P, ang, fr["mode"] == _MODE_DOUBLE)
        for k, val in ang.items():
            fr[k] = val
        frames.append(fr)
        poses.append(P)
        n_leg = sum(1 for x in legs[:i + 1] if x == leg)
        rep_rows.append({"leg": leg, "rep": n_leg,
                         **{f"t_{k}_s": t0 + val for k, val in ev.items()},
                         "descent_s": ev["bottom"] - ev["start"],
                         "ascent_s": ev["end"] - ev["bottom_end"],
                         "hold_s": ev["bottom_end"] - ev["bottom"],
                         "front_heel_share": rep.heel_share,
                         "touchdown_knee_deg": path.rep.touchdown_knee_deg,
                         **rep.bottom})
        t0 += len(fr["sigma"]) / fs
    tail = _phase(int(round(_LEAD_IN_S * fs)) + 1, 0.0, _MODE_STAND, rep)
    tail["front_right"] = np.zeros(len(tail["sigma"]), dtype=bool)
    P = path.pose(tail["sigma"])
    for k, val in P.pop("_angles").items():
        tail[k] = val
    frames.append(tail)
    poses.append(P)
    F = {k: np.concatenate([f[k] for f in frames]) for k in frames[0]}
    P = {k: np.concatenate([p[k] for p in poses]) for k in poses[0]}
    n = len(F["sigma"])
    time = np.arange(n) * dt

    # -- forces ----------------------------------------------------------------------------
    w = _whole_body(body, P, dt)
    for name in _FEET:
        w[name + "_y"] = P[name][:, 1]
    forces = _split(F, w)
    problems = _feasibility(w, forces, tol_m=0.005)
    if problems:
        raise RuntimeError(f"synthetic {subject_id}/{variant}: " + "; ".join(problems))
    moments = {side: _joint_moments(body, P, w, forces, side, dt) for side in ("front", "rear")}

    # -- front/rear -> right/left ------------------------------------------------------------
    fr_right = F["front_right"]

    def lr(front: np.ndarray, rear: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        shape = (-1,) + (1,) * (front.ndim - 1)
        m = fr_right.reshape(shape)
        return np.where(m, front, rear), np.where(m, rear, front)

    pts = {"SHOULDER": P["shoulder"], "HIP": P["hip"]}
    for name, key in (("KNEE", "knee"), ("ANKLE", "ankle"), ("HEEL", "heel"), ("TOE", "toe")):
        pts[f"R_{name}"], pts[f"L_{name}"] = lr(P[f"front_{key}"], P[f"rear_{key}"])
    grf = {}
    for comp in ("v", "h", "cop"):
        grf[f"right_{comp}"], grf[f"left_{comp}"] = lr(forces[f"front_{comp}"],
                                                       forces[f"rear_{comp}"])
    mom = {}
    for j in ("ankle", "knee", "hip"):
        mom[f"right_{j}"], mom[f"left_{j}"] = lr(moments["front"][j], moments["rear"][j])

    # -- sample, add noise, round ------------------------------------------------------------
    idx = np.arange(0, n, step)
    t_out = np.round(time[idx], 6)
    noise = np.random.default_rng(seed + 1)
    points = {}
    for name in POINTS:
        xy = pts[name][idx] + _MARKER_NOISE_M * noise.standard_normal((len(idx), 2))
        xyz = np.column_stack([xy, np.zeros(len(idx))])
        points[name] = np.round(xyz, 4) + 0.0
    analogs = {}
    units = {}
    for side in ("right", "left"):
        v_ = grf[f"{side}_v"][idx] + _FORCE_NOISE_N * noise.standard_normal(len(idx))
        h_ = grf[f"{side}_h"][idx] + _FORCE_NOISE_N * noise.standard_normal(len(idx))
        cop = grf[f"{side}_cop"][idx] + _COP_NOISE_M * noise.standard_normal(len(idx))
        cop = np.where(np.hypot(v_, h_) >= _COP_THRESHOLD_N, cop, np.nan)
        analogs[f"grf_{side}_x"] = np.round(h_, 1) + 0.0
        analogs[f"grf_{side}_y"] = np.round(v_, 1) + 0.0
        analogs[f"cop_{side}_x"] = np.round(cop, 4) + 0.0
        units.update({f"grf_{side}_x": "N", f"grf_{side}_y": "N", f"cop_{side}_x": "m"})
    reps = pd.DataFrame(rep_rows)
    events = []
    for _, r in reps.iterrows():
        tag = f"{r['leg']} rep {int(r['rep'])}"
        events += [(round(r["t_start_s"], 3), f"{tag} start"),
                   (round(r["t_bottom_s"], 3), f"{tag} bottom"),
                   (round(r["t_end_s"], 3), f"{tag} end")]
    meta = {
        "SYNTHETIC": "generated by lungelab.synthetic from the sagittal lunge model; "
                     "not a recording of a person",
        "synthetic": True,
        "generator": "lungelab.synthetic",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "subject_id": subject_id,
        "subject_mass_kg": spec.mass_kg,
        "subject_height_m": spec.height_m,
        "sex": spec.sex,
        "anthropometric_table": subject.table,
        "movement": f"{v.direction}_lunge",
        "direction": v.direction,
        "variant": variant,
        "variant_description": v.description,
        "reps_per_leg": {"right": reps_per_leg[0], "left": reps_per_leg[1]},
        "frame": "x forward (direction faced), y up, z to the subject's right (0: 2-D "
                 "sagittal data); origin on the floor under the standing ankles",
        "points": "joint centres (SHOULDER, HIP, *_KNEE, *_ANKLE) and foot landmarks on the "
                  "sole (*_HEEL, *_TOE tip); one HIP (the model is planar)",
        "forces": "grf_<side>_x/_y: ground reaction force on that foot (N, +x forward, +y up); "
                  "cop_<side>_x: its centre of pressure on the floor (m), blank below 20 N",
    }
    trial = Trial(t_out, points=points, analogs=analogs, units=units, events=events,
                  rate_hz=rate_hz, metadata=meta)
    truth = pd.DataFrame(index=pd.Index(t_out, name="time_s"))
    truth["com_x_m"], truth["com_y_m"] = w["xc"][idx], w["yc"][idx]
    truth["grf_total_x_n"], truth["grf_total_y_n"] = w["Fx"][idx], w["Fy"][idx]
    for side in ("right", "left"):
        truth[f"grf_{side}_x_n"] = grf[f"{side}_h"][idx]
        truth[f"grf_{side}_y_n"] = grf[f"{side}_v"][idx]
        truth[f"cop_{side}_x_m"] = grf[f"{side}_cop"][idx]
        for j in ("ankle", "knee", "hip"):
            truth[f"{side}_{j}_moment_nm"] = mom[f"{side}_{j}"][idx]
    for name, val in pts.items():
        truth[f"{name}_x_m"], truth[f"{name}_y_m"] = val[idx, 0], val[idx, 1]
    for k in ("front_knee_flexion_deg", "front_shank_angle_deg", "trunk_lean_deg",
              "rear_knee_flexion_deg", "rear_foot_angle_deg"):
        truth[k] = F[k][idx]
    truth["mode"] = F["mode"][idx]
    truth["front_leg"] = np.where(fr_right[idx], "right", "left")
    truth["sigma"] = F["sigma"][idx]
    truth.attrs["total_mass_kg"] = body.total_mass
    return SyntheticTrial(trial=trial, truth=truth, reps=reps, metadata=meta)


# --------------------------------------------------------------------------- files
def _fmt(values: np.ndarray, decimals: int) -> np.ndarray:
    """Fixed-point text with trailing zeros (and '.') removed; NaN -> '' (blank)."""
    out = np.char.mod(f"%.{decimals}f", np.where(np.isfinite(values), values, 0.0))
    out = np.char.rstrip(np.char.rstrip(out, "0"), ".")
    out = np.where(out == "-0", "0", out)
    return np.where(np.isfinite(values), out, "")


def trial_text(trial) -> str:
    """A trial as compact text in the lungelab CSV schema (:mod:`lungelab.io.csvfile`).

    The data are planar, so only x and y of each point are stored, as columns
    ``NAME_x [mm]``, ``NAME_y [mm]`` to 0.1 mm (the z coordinate, 0, is left out to keep
    the files small; the header's ``metadata.points_2d`` lists the points).  Forces to
    0.1 N, centres of pressure in mm to 0.1 mm (blank while a foot is unloaded).
    :func:`lungelab.datasets.load` rebuilds the points; :func:`lungelab.io.read` reads
    the same columns as channels with unit ``mm``.
    """
    from .io._common import to_json

    meta = dict(trial.metadata)
    meta["points_2d"] = list(trial.point_names)
    header = [("lungelab-csv", 1), ("rate_hz", trial.rate_hz),
              ("events", [[t, name] for t, name in trial.events]),
              ("metadata", meta), ("rows", trial.n_frames)]
    labels = ["time_s"]
    cols = [_fmt(trial.time, 3)]
    for name in trial.point_names:
        xyz = trial.points[name].to_numpy() * 1000.0
        for j, axis in enumerate("xy"):
            labels.append(f"{name}_{axis} [mm]")
            cols.append(_fmt(np.round(xyz[:, j], 1), 1))
    for name in trial.analog_names:
        unit = trial.units[name]
        values = trial.analogs[name].to_numpy()
        if unit == "m":
            unit, values = "mm", values * 1000.0
        labels.append(f"{name} [{unit}]" if unit else name)
        cols.append(_fmt(np.round(values, 1), 1))
    lines = [f"# {k}: {to_json(v)}" for k, v in header]
    lines.append(",".join(labels))
    body = np.column_stack(cols)
    lines.extend(",".join(row) for row in body.tolist())
    return "\n".join(lines) + "\n"


def write_trial(st: SyntheticTrial, path: str | Path) -> Path:
    """Write a generated trial to ``path`` (CSV, see :func:`trial_text`), atomically."""
    from .io._common import write_text

    return write_text(path, trial_text(st.trial))


def _manifest_rows(entries: Iterable[tuple[str, str, SyntheticTrial, Path]]) -> list[dict]:
    rows = []
    for sid, var, st, path in entries:
        spec, v = SUBJECTS[sid], VARIANTS[var]
        rows.append({
            "file": path.name, "subject_id": sid, "sex": spec.sex, "mass_kg": spec.mass_kg,
            "height_m": spec.height_m, "direction": v.direction, "variant": var,
            "reps_right": st.metadata["reps_per_leg"]["right"],
            "reps_left": st.metadata["reps_per_leg"]["left"],
            "rate_hz": st.trial.rate_hz, "n_frames": st.trial.n_frames,
            "duration_s": round(float(st.trial.time[-1]), 3), "seed": st.metadata["seed"],
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        })
    return rows


def write_dataset(out_dir: str | Path | None = None,
                  pairs: Sequence[tuple[str, str]] | None = None,
                  progress: Callable[[str], None] | None = None) -> list[Path]:
    """Regenerate the SYNTHETIC dataset.

    Parameters
    ----------
    out_dir : path, optional
        Target folder; default :func:`default_output_dir` (``data/synthetic``).
    pairs : sequence of (subject_id, variant), optional
        Subset to write; default :data:`DATASET` (all).  The manifest
        (``manifest.csv``) is only rewritten when all pairs are written.
    progress : callable, optional
        Called with each file name once written.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir) if out_dir is not None else default_output_dir()
    out.mkdir(parents=True, exist_ok=True)
    todo = list(DATASET if pairs is None else pairs)
    entries = []
    for sid, var in todo:
        st = generate_trial(sid, var)
        path = write_trial(st, out / f"{trial_name(sid, var)}.csv")
        entries.append((sid, var, st, path))
        if progress is not None:
            progress(path.name)
    written = [e[3] for e in entries]
    if pairs is None:
        from .io._common import write_text

        man = pd.DataFrame(_manifest_rows(entries))
        written.append(write_text(out / "manifest.csv", man.to_csv(index=False)))
    return written


def check_dataset(directory: str | Path | None = None,
                  pairs: Sequence[tuple[str, str]] | None = None) -> list[str]:
    """Compare stored files with a fresh regeneration (:func:`text_difference`).

    Returns
    -------
    list of str
        One message per file that differs or is missing (empty: all equal).
    """
    d = Path(directory) if directory is not None else default_output_dir()
    problems = []
    for sid, var in (DATASET if pairs is None else pairs):
        path = d / f"{trial_name(sid, var)}.csv"
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        fresh = trial_text(generate_trial(sid, var).trial)
        why = text_difference(path.read_text(encoding="utf-8"), fresh)
        if why:
            problems.append(f"{path}: differs from a fresh regeneration ({why})")
    return problems


def text_difference(stored: str, fresh: str, quanta: int = 1) -> str:
    """Why two trial texts (:func:`trial_text`) differ, or ``""`` if they agree.

    Header lines and column labels must be identical; data values may differ by at most
    ``quanta`` units of their last stored decimal.  A value computed with a relative
    difference of ~1e-11 on another machine (different SIMD paths and summation order)
    can round to the neighbouring 0.1 mm or 0.1 N when it lies near a half-way point, so
    byte equality would be machine-dependent; more than one quantum is a real change.
    """
    a, b = stored.splitlines(), fresh.splitlines()
    if len(a) != len(b):
        return f"{len(a)} lines stored, {len(b)} fresh"
    for i, (la, lb) in enumerate(zip(a, b, strict=True), start=1):
        if la == lb:
            continue
        if la.startswith("#") or lb.startswith("#") or not la[:1].isdigit():
            return f"line {i}: header differs"
        fa, fb = la.split(","), lb.split(",")
        if len(fa) != len(fb):
            return f"line {i}: {len(fa)} fields stored, {len(fb)} fresh"
        for j, (x, y) in enumerate(zip(fa, fb, strict=True), start=1):
            if x == y:
                continue
            if not x or not y:
                return f"line {i}, field {j}: {x!r} stored, {y!r} fresh"
            decimals = len(x.partition(".")[2])
            try:
                step = abs(float(x) - float(y))
            except ValueError:
                return f"line {i}, field {j}: {x!r} stored, {y!r} fresh"
            if not step <= (quanta + 0.01) * 10.0 ** -decimals:
                return f"line {i}, field {j}: {x} stored, {y} fresh"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lungelab.synthetic [--out DIR] [--check] [--only S01_backward_good ...]``."""
    parser = argparse.ArgumentParser(prog="python -m lungelab.synthetic",
                                     description="Regenerate (or check) the SYNTHETIC "
                                     "lunge dataset deterministically.")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: data/synthetic in the repository)")
    parser.add_argument("--check", action="store_true",
                        help="compare the stored files with a fresh regeneration")
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME",
                        help="only these trials (file stems, e.g. S01_backward_good)")
    args = parser.parse_args(argv)
    pairs = None
    if args.only:
        names = {trial_name(s, v): (s, v) for s, v in DATASET}
        unknown = [n for n in args.only if n not in names]
        if unknown:
            parser.error(f"unknown trial(s) {unknown}; known: {sorted(names)}")
        pairs = [names[n] for n in args.only]
    if args.check:
        problems = check_dataset(args.out, pairs)
        for p in problems:
            print(p, file=sys.stderr)
        print("OK: stored files equal a fresh regeneration" if not problems else
              f"{len(problems)} file(s) differ", file=sys.stderr)
        return 1 if problems else 0
    files = write_dataset(args.out, pairs, progress=lambda n: print(n, file=sys.stderr))
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files, {total / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
