r"""Loads: quasi-static equilibrium of the lunge, ground reactions and joint moments.

Assumptions (all explicit, all parameters)
------------------------------------------
* **Quasi-static**: accelerations are neglected; at the bottom of a controlled lunge
  they are small compared with gravity (for moving data use
  :mod:`lungelab.dynamics`).
* **Contacts**: three point contacts — front heel, front ball, rear ball — all on the
  floor (y = 0).  Vertical equilibrium and moment equilibrium give two equations for
  three vertical reactions, so one more number is needed: the user fixes either the
  front foot's share of the total vertical load, :math:`s_f`, or the heel's share of
  the front foot's vertical load, :math:`h`; the model solves for the other.
  The front centre of pressure follows: :math:`x_{cop} = h\,x_{heel} + (1-h)\,x_{ball}`.
* **Horizontal indeterminacy**: with two feet on the floor the horizontal reactions
  obey only :math:`H_f + H_r = 0`; the feet may push apart or together.  In static
  equilibrium the two foot forces and the weight meet at one point on the COM's
  vertical (three-force theorem).  Its height :math:`z` is a parameter, written as
  :math:`1/z = \kappa + \rho / y_{com}`:

  - ``"com"`` (default, :math:`\rho = 1, \kappa = 0`): each foot's reaction points at
    the centre of mass, i.e. each foot pushes toward the COM.  Rationale: this is the
    only choice under which each foot's force alone, acting on a body pinned at its
    COM, produces no moment — the same "GRF points at the COM" pattern measured in
    standing and walking (e.g. Gruben & Boehm 2012, *J Biomech* 45:1661); it is a
    modelling choice, not a measurement for lunges.
  - ``"vertical"`` (:math:`\rho = 0, \kappa = 0`): no horizontal forces, the
    limit :math:`z \to \infty`.
  - a height in metres (:math:`\rho = 0, \kappa = 1/z`).

  :math:`H_f = V_f\,(x_{com} - x_{cop})\,/z`, :math:`H_r = V_r\,(x_{com} - x_{rear})\,/z`
  (positive forward).  The choice changes knee and hip moments a lot; the notebooks
  show it.
* **Joint moments**: net internal moments from the equilibrium of everything distal
  to each joint (ground reactions and segment weights), extensor/plantarflexor
  positive: ankle plantarflexor :math:`= \sum (\mathbf r_i - \mathbf r_A)\times\mathbf F_i`,
  knee extensor :math:`= -\sum (\mathbf r_i - \mathbf r_K)\times\mathbf F_i`, hip
  extensor :math:`= \sum (\mathbf r_i - \mathbf r_H)\times\mathbf F_i` (z components,
  counter-clockwise positive, subject facing +x).
"""

from __future__ import annotations

from functools import cache

__all__ = ["loads", "MODES", "JOINTS"]

MODES = ("front_share", "heel_share")
"""Which extra number closes the vertical equilibrium."""

JOINTS = ("front_ankle", "front_knee", "front_hip", "rear_ankle", "rear_knee", "rear_hip")


def _cross(r, F):
    return r[0] * F[1] - r[1] * F[0]


@cache
def loads(mode: str) -> dict:
    """Symbolic ground reactions and joint moments.

    Parameters
    ----------
    mode : {"front_share", "heel_share"}
        ``"front_share"``: :math:`s_f` given, heel share solved;
        ``"heel_share"``: :math:`h` given, front share solved.

    Returns
    -------
    dict
        ``"reactions"`` (N): ``V_front_heel, V_front_ball, V_rear, H_front, H_rear``;
        ``"shares"``: ``front_share, front_heel_share``; ``"cop_front_x"`` (m);
        ``"weight"`` (N); ``"moments"`` (N·m, extensor positive) for
        :data:`JOINTS`; ``"equations"``: the equilibrium equations solved and ``"contact_solution"``
        the vertical reactions in terms of :math:`W, x_{heel}, x_{ball}, x_{rear}, x_{com}`.
    """
    if mode not in MODES:
        raise ValueError(f"mode={mode!r}: expected one of {MODES}")
    import sympy as sp

    from .posture import geometry
    from .symbols import sym

    geo = geometry()
    P, masses = geo["points"], geo["masses"]
    g = sym("g")
    W = g * geo["system_mass"]
    x_c, y_c = P["com_system"]
    x_h, x_b, x_r = P["front_heel"][0], P["front_ball"][0], P["rear_ball"][0]

    # Solve the contact problem on placeholder symbols (readable, fast), then
    # substitute the geometry.
    Vh, Vb, Vr = sp.symbols("V_h V_b V_r", real=True)
    Wp, xh, xb, xr, xc = sp.symbols("W x_heel x_ball x_rear x_com", real=True)
    eq_force = sp.Eq(Vh + Vb + Vr, Wp)
    eq_moment = sp.Eq(Vh * xh + Vb * xb + Vr * xr, Wp * xc)
    if mode == "front_share":
        extra = sp.Eq(Vh + Vb, sym("s_front") * Wp)
    else:
        extra = sp.Eq(Vh, sym("h_heel") * (Vh + Vb))
    sol = sp.solve([eq_force, eq_moment, extra], [Vh, Vb, Vr], dict=True)[0]
    sol = {k: sp.factor(v) for k, v in sol.items()}
    contact_solution = {k: sp.Eq(k, v) for k, v in sol.items()}
    subs = {Wp: W, xh: x_h, xb: x_b, xr: x_r, xc: x_c}
    V_h, V_b, V_r = (sol[v].xreplace(subs) for v in (Vh, Vb, Vr))
    V_f = V_h + V_b
    if mode == "front_share":
        front_share = sym("s_front")
        heel_share = (sol[Vh] / (sol[Vh] + sol[Vb])).factor().xreplace(subs)
    else:
        front_share = ((sol[Vh] + sol[Vb]) / Wp).factor().xreplace(subs)
        heel_share = sym("h_heel")
    cop_f = heel_share * x_h + (1 - heel_share) * x_b
    kappa = sym("k_conv") + sym("r_conv") / y_c
    # V_f (x_c - x_cop) written without the COP, so it stays finite when V_f -> 0
    H_f = (V_f * x_c - V_h * x_h - V_b * x_b) * kappa
    H_r = V_r * (x_c - x_r) * kappa

    def weight(seg):
        return (sp.Integer(0), -g * masses[seg])

    # the horizontal forces act on the floor (y = 0): only their y enters the moments
    front_forces = [((x_h, 0), (0, V_h)), ((x_b, 0), (0, V_b)), ((x_h, 0), (H_f, 0))]
    rear_forces = [((x_r, 0), (0, V_r)), ((x_r, 0), (H_r, 0))]
    moments = {}
    for side, grf in (("front", front_forces), ("rear", rear_forces)):
        dist = list(grf)
        for joint, seg, sign in (("ankle", "foot", 1), ("knee", "shank", -1),
                                 ("hip", "thigh", 1)):
            dist.append((P[f"com_{side}_{seg}"], weight(f"{side}_{seg}")))
            J = P[f"{side}_{joint}"] if joint != "hip" else P["hip"]
            ext = sum(_cross((p[0] - J[0], p[1] - J[1]), F) for p, F in dist)
            moments[f"{side}_{joint}"] = sign * ext
    return {
        "reactions": {"V_front_heel": V_h, "V_front_ball": V_b, "V_rear": V_r,
                      "H_front": H_f, "H_rear": H_r},
        "shares": {"front_share": front_share, "front_heel_share": heel_share},
        "cop_front_x": cop_f,
        "weight": W,
        "moments": moments,
        "equations": [eq_force, eq_moment, extra],
        "contact_solution": contact_solution,
    }
