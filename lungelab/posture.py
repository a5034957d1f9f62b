r"""Posture: the sagittal geometry of a lunge, symbolic and at the user's edge.

Frame and conventions
---------------------
x points forward (the direction the subject faces), y up, origin on the floor
directly below the front ankle joint centre.  Angles are radians inside the model.

* Front leg, foot flat: heel :math:`(-aL_{ft}, 0)`, ball :math:`((b-a)L_{ft}, 0)`,
  toe tip :math:`((1-a)L_{ft}, 0)`, ankle :math:`(0, h_a)`.
* Front shank tilted forward by :math:`\varphi_{fs}` from vertical; front knee flexed
  by :math:`\theta_{fk}`, so the thigh's (knee→hip) tilt from vertical is
  :math:`\varphi_{fs}-\theta_{fk}` (negative: the hip sits behind the knee).
* Trunk (hip→shoulder) leans forward by :math:`\lambda`; head+neck continue the
  trunk line; both arms hang vertically from the shoulder.
* Rear leg: the foot stands on its ball with the heel raised, its heel-ball line at
  :math:`\gamma_{rf}` to the floor and the toes flat; rear knee flexed by
  :math:`\theta_{rk}`.  The chain closes because the hip→rear-ankle distance is fixed
  by :math:`\theta_{rk}` (law of cosines) and the rear ankle height by
  :math:`\gamma_{rf}`; the rear knee lies on the front side of the hip→ankle line.

The five posture angles :math:`(\theta_{fk}, \varphi_{fs}, \lambda, \theta_{rk},
\gamma_{rf})` are the minimal set that fixes every point.  Derived joint angles:
ankle dorsiflexion (shank tilt minus the foot's neutral tilt; positive = dorsiflexion),
knee flexion (positive), hip flexion (trunk tilt minus thigh tilt; negative =
extension).  The knee travel past the toes is the front knee centre's x minus the
front toe tip's x (negative = behind the toes).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from functools import cache

from .body import Subject, _check_number
from .errors import InputRangeError

__all__ = ["LungePosture", "geometry", "POINT_NAMES", "ANGLE_RANGES_DEG"]

POINT_NAMES = (
    "front_heel", "front_ball", "front_toe", "front_ankle", "front_knee", "hip",
    "shoulder", "head_top", "rear_knee", "rear_ankle", "rear_heel", "rear_ball", "rear_toe",
)
"""Landmarks whose (x, y) the model reports, m."""

ANGLE_RANGES_DEG = {
    "front_knee_flexion_deg": (0.0, 140.0),
    "front_shank_angle_deg": (-30.0, 60.0),
    "trunk_lean_deg": (-30.0, 90.0),
    "rear_knee_flexion_deg": (0.0, 150.0),
    "rear_foot_angle_deg": (0.0, 80.0),
}
"""Accepted ranges of the user-facing posture angles, degrees.  Knee flexion up to
140° covers the active range of motion (Roaas & Andersson 1982 report ~140° mean
active knee flexion); the other limits bound what the sagittal model can represent."""


@cache
def geometry() -> dict:
    """Symbolic geometry of the lunge posture.

    Returns
    -------
    dict
        ``"points"``: ``{name: (x, y)}`` SymPy expressions (m) for every name in
        :data:`POINT_NAMES` plus the segment centres of mass (``com_*``) and the
        load; ``"angles"``: joint angles (rad); ``"masses"``: ``{segment: mass}``
        (kg) aligned with the ``com_*`` points; ``"derived"``: knee travel past the
        toes, rear knee height, step length (m).
    """
    import sympy as sp

    from .symbols import sym

    S = sym
    L_th, L_sh, L_ft, h_a, a, b = (S("L_th"), S("L_sh"), S("L_ft"), S("h_ank"),
                                    S("a_ank"), S("b_ball"))
    L_tr, L_hd = S("L_tr"), S("L_hd")
    th_f, phi, lam, th_r, gam = (S("theta_fk"), S("phi_fs"), S("lam"), S("theta_rk"),
                                 S("gamma_rf"))
    m = S("m")

    P = {}
    # front foot flat, ankle centre above the origin
    P["front_heel"] = (-a * L_ft, sp.Integer(0))
    P["front_ball"] = ((b - a) * L_ft, sp.Integer(0))
    P["front_toe"] = ((1 - a) * L_ft, sp.Integer(0))
    P["front_ankle"] = (sp.Integer(0), h_a)
    P["front_knee"] = (L_sh * sp.sin(phi), h_a + L_sh * sp.cos(phi))
    psi_f = phi - th_f  # front thigh tilt (knee -> hip) from vertical
    P["hip"] = (P["front_knee"][0] + L_th * sp.sin(psi_f),
                P["front_knee"][1] + L_th * sp.cos(psi_f))
    P["shoulder"] = (P["hip"][0] + L_tr * sp.sin(lam), P["hip"][1] + L_tr * sp.cos(lam))
    P["head_top"] = (P["shoulder"][0] + L_hd * sp.sin(lam),
                     P["shoulder"][1] + L_hd * sp.cos(lam))

    # rear foot on its ball: ankle relative to the ball
    rel_ax = (a - b) * L_ft * sp.cos(gam) + h_a * sp.sin(gam)
    rel_ay = (b - a) * L_ft * sp.sin(gam) + h_a * sp.cos(gam)
    dy = P["hip"][1] - rel_ay                      # hip above rear ankle
    d2 = L_th**2 + L_sh**2 + 2 * L_th * L_sh * sp.cos(th_r)   # |hip - rear ankle|^2
    dx = sp.sqrt(d2 - dy**2)                       # rear ankle behind the hip
    d = sp.sqrt(d2)
    P["rear_ankle"] = (P["hip"][0] - dx, rel_ay)
    P["rear_ball"] = (P["rear_ankle"][0] - rel_ax, sp.Integer(0))
    P["rear_heel"] = (P["rear_ball"][0] - b * L_ft * sp.cos(gam), b * L_ft * sp.sin(gam))
    P["rear_toe"] = (P["rear_ball"][0] + (1 - b) * L_ft, sp.Integer(0))
    beta = sp.atan2(dx, dy)                        # hip->ankle line, backward from down
    alpha = sp.acos((L_th**2 + d2 - L_sh**2) / (2 * L_th * d))
    P["rear_knee"] = (P["hip"][0] + L_th * sp.sin(alpha - beta),
                      P["hip"][1] - L_th * sp.cos(alpha - beta))
    psi_r = beta - alpha                           # rear thigh tilt (knee -> hip)

    # segment centres of mass
    def along(p, q, c):
        return (p[0] + c * (q[0] - p[0]), p[1] + c * (q[1] - p[1]))

    c_ft, c_sh, c_th, c_tr, c_hd = S("c_ft"), S("c_sh"), S("c_th"), S("c_tr"), S("c_hd")
    # foot COM: along the heel->toe line, lifted by half the ankle height
    # (a modelling simplification; the rear foot's toes are a small part of its mass).
    P["com_front_foot"] = (P["front_heel"][0] + c_ft * L_ft, h_a / 2)
    P["com_rear_foot"] = (P["rear_heel"][0] + c_ft * L_ft * sp.cos(gam) + h_a / 2 * sp.sin(gam),
                          P["rear_heel"][1] - c_ft * L_ft * sp.sin(gam)
                          + h_a / 2 * sp.cos(gam))
    P["com_front_shank"] = along(P["front_knee"], P["front_ankle"], c_sh)
    P["com_rear_shank"] = along(P["rear_knee"], P["rear_ankle"], c_sh)
    P["com_front_thigh"] = along(P["hip"], P["front_knee"], c_th)
    P["com_rear_thigh"] = along(P["hip"], P["rear_knee"], c_th)
    P["com_trunk"] = along(P["hip"], P["shoulder"], c_tr)
    P["com_head"] = (P["shoulder"][0] + c_hd * L_hd * sp.sin(lam),
                     P["shoulder"][1] + c_hd * L_hd * sp.cos(lam))
    P["com_arms"] = (P["shoulder"][0], P["shoulder"][1] - S("d_arm"))
    P["load"] = (P["shoulder"][0], P["shoulder"][1] - S("d_load"))

    masses = {
        "front_foot": S("f_ft") * m, "rear_foot": S("f_ft") * m,
        "front_shank": S("f_sh") * m, "rear_shank": S("f_sh") * m,
        "front_thigh": S("f_th") * m, "rear_thigh": S("f_th") * m,
        "trunk": S("f_tr") * m, "head": S("f_hd") * m, "arms": S("f_arm") * m,
    }
    m_body = sum(masses.values())
    P["com"] = tuple(sum(masses[k] * P["com_" + k][i] for k in masses) / m_body
                     for i in (0, 1))
    m_sys = m_body + S("m_ext")
    P["com_system"] = tuple((m_body * P["com"][i] + S("m_ext") * P["load"][i]) / m_sys
                            for i in (0, 1))

    phi_r = psi_r + th_r                           # rear shank tilt (ankle -> knee)
    angles = {
        "front_ankle": phi,                        # dorsiflexion; foot flat
        "front_knee": th_f,
        "front_hip": lam - psi_f,                  # flexion positive
        "rear_ankle": phi_r - gam,                 # dorsiflexion
        "rear_knee": th_r,
        "rear_hip": lam - psi_r,
    }
    derived = {
        "knee_past_toes": P["front_knee"][0] - P["front_toe"][0],
        "rear_knee_height": P["rear_knee"][1],
        "step_length": P["front_ball"][0] - P["rear_ball"][0],
        "rear_leg_reach": d2 - dy**2,              # < 0: the rear foot cannot reach
        "rear_thigh_tilt": psi_r,
        "rear_shank_tilt": phi_r,
        "front_thigh_tilt": psi_f,
    }
    return {"points": P, "angles": angles, "masses": masses, "derived": derived,
            "body_mass": m_body, "system_mass": m_sys}


@dataclass(frozen=True)
class LungePosture:
    """A lunge posture at the user-facing edge (degrees and metres).

    Defaults describe the good-form bodyweight backward lunge coaches teach: front
    knee at 90° with the knee over the ankle (shank vertical), trunk nearly upright
    (10° forward lean), back knee at 90° and hovering, rear foot on its ball.

    Parameters
    ----------
    front_knee_flexion_deg : float
        Front knee flexion, degrees, in [0, 140].
    front_shank_angle_deg : float, optional
        Forward tilt of the front shank from vertical, degrees, in [-30, 60];
        0 puts the knee directly above the ankle.  Give this or ``knee_past_toes_m``.
    knee_past_toes_m : float, optional
        Horizontal distance of the front knee joint centre in front of the front toe
        tip, m (negative = behind the toes).  Converted to a shank angle with the
        subject's foot and shank lengths.
    trunk_lean_deg : float
        Forward lean of the hip→shoulder line from vertical, degrees, in [-30, 90].
    rear_knee_flexion_deg : float
        Rear knee flexion, degrees, in [0, 150].
    rear_foot_angle_deg : float
        Angle of the rear foot's heel→ball line to the floor, degrees, in [0, 80]
        (the heel is raised; about 40-60° when standing on the ball).  Default 50°,
        a planning value: it closes the chain and moves the rear knee height by a
        few centimetres; expose it, don't trust it.
    """

    front_knee_flexion_deg: float = 90.0
    front_shank_angle_deg: float | None = None
    knee_past_toes_m: float | None = None
    trunk_lean_deg: float = 10.0
    rear_knee_flexion_deg: float = 90.0
    rear_foot_angle_deg: float = 50.0

    def __post_init__(self) -> None:
        if self.front_shank_angle_deg is not None and self.knee_past_toes_m is not None:
            raise InputRangeError("front_shank_angle_deg/knee_past_toes_m",
                                  (self.front_shank_angle_deg, self.knee_past_toes_m),
                                  "only one of the two", "they describe the same thing")
        for name, (lo, hi) in ANGLE_RANGES_DEG.items():
            v = getattr(self, name)
            if name == "front_shank_angle_deg" and v is None:
                continue
            object.__setattr__(self, name, _check_number(name, v, lo, hi, "deg"))
        if self.knee_past_toes_m is not None:
            object.__setattr__(self, "knee_past_toes_m", _check_number(
                "knee_past_toes_m", self.knee_past_toes_m, -0.6, 0.6, "m"))

    def shank_angle_deg(self, subject: Subject) -> float:
        """Front shank tilt, degrees, resolving ``knee_past_toes_m`` if given."""
        if not isinstance(subject, Subject):
            raise InputRangeError("subject", subject, "a lungelab.Subject")
        if self.knee_past_toes_m is None:
            return 0.0 if self.front_shank_angle_deg is None else self.front_shank_angle_deg
        toe = (1.0 - subject.ankle_fraction) * subject.foot_length
        s = (self.knee_past_toes_m + toe) / subject.shank_length
        lo, hi = ANGLE_RANGES_DEG["front_shank_angle_deg"]
        lo_m = subject.shank_length * math.sin(math.radians(lo)) - toe
        hi_m = subject.shank_length * math.sin(math.radians(hi)) - toe
        if not (math.sin(math.radians(lo)) <= s <= math.sin(math.radians(hi))):
            raise InputRangeError("knee_past_toes_m", self.knee_past_toes_m,
                                  f"a distance in [{lo_m:.3f}, {hi_m:.3f}] m for this subject",
                                  f"shank tilt must stay within [{lo}, {hi}] deg")
        return math.degrees(math.asin(s))

    def model_parameters(self, subject: Subject) -> dict[str, float]:
        """Posture symbols in radians, keyed by symbol name."""
        return {
            "theta_fk": math.radians(self.front_knee_flexion_deg),
            "phi_fs": math.radians(self.shank_angle_deg(subject)),
            "lam": math.radians(self.trunk_lean_deg),
            "theta_rk": math.radians(self.rear_knee_flexion_deg),
            "gamma_rf": math.radians(self.rear_foot_angle_deg),
        }

    def as_dict(self) -> dict:
        """The inputs as given (degrees, metres)."""
        return asdict(self)
