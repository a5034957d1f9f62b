"""A hand-written NumPy implementation of the lunge chain, for benchmarking only.

This is written from the formulas in the docstrings and comments of
``lungelab/posture.py``, ``lungelab/loads.py`` and ``lungelab/knee.py`` — deliberately
*not* from the generated code — the way a careful person would write it by hand:
plain NumPy, intermediate values computed once, no SymPy, no CSE tool.  It serves
two purposes:

* the speed yardstick the compiled chain is compared with ("within 3× of
  hand-written NumPy");
* an independent check of the compiled chain: :mod:`bench_chain` compares every
  output of both implementations before it reports a ratio.

It returns the same names as :data:`lungelab.compiled.OUTPUT_NAMES` (plus the PFJ
chain), for both closure modes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["lunge_chain", "pfj_chain"]


def _cross(rx, ry, fx, fy):
    """z component of (rx, ry) × (fx, fy)."""
    return rx * fy - ry * fx


def lunge_chain(p: dict, mode: str = "heel_share") -> dict[str, np.ndarray]:
    """Geometry, ground reactions and joint moments of the lunge, by hand.

    Parameters
    ----------
    p : dict
        Every model symbol by name (SI units, radians), scalars or broadcastable
        arrays: the keys of :data:`lungelab.compiled.INPUT_NAMES`.
    mode : {"heel_share", "front_share"}
        Which extra number closes the vertical equilibrium (``h_heel`` or
        ``s_front``).

    Returns
    -------
    dict
        Output name -> array (the names of :data:`lungelab.compiled.OUTPUT_NAMES`).
    """
    m, g = p["m"], p["g"]
    L_th, L_sh, L_ft, h_a = p["L_th"], p["L_sh"], p["L_ft"], p["h_ank"]
    a, b, L_tr, L_hd = p["a_ank"], p["b_ball"], p["L_tr"], p["L_hd"]
    th_f, phi, lam, th_r, gam = p["theta_fk"], p["phi_fs"], p["lam"], p["theta_rk"], p["gamma_rf"]

    zero = 0.0 * th_f  # broadcasts scalars to the posture arrays' shape
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    psi_f = phi - th_f
    sin_lam, cos_lam = np.sin(lam), np.cos(lam)
    sin_gam, cos_gam = np.sin(gam), np.cos(gam)

    # front leg, foot flat, origin under the ankle
    heel_x, ball_x, toe_x = -a * L_ft, (b - a) * L_ft, (1 - a) * L_ft
    knee_x, knee_y = L_sh * sin_phi, h_a + L_sh * cos_phi
    hip_x, hip_y = knee_x + L_th * np.sin(psi_f), knee_y + L_th * np.cos(psi_f)
    sh_x, sh_y = hip_x + L_tr * sin_lam, hip_y + L_tr * cos_lam
    top_x, top_y = sh_x + L_hd * sin_lam, sh_y + L_hd * cos_lam

    # rear leg: foot on its ball, chain closed by the law of cosines
    rel_ax = (a - b) * L_ft * cos_gam + h_a * sin_gam
    rel_ay = (b - a) * L_ft * sin_gam + h_a * cos_gam
    dy = hip_y - rel_ay
    d2 = L_th**2 + L_sh**2 + 2 * L_th * L_sh * np.cos(th_r)
    reach = d2 - dy**2
    dx = np.sqrt(reach)
    d = np.sqrt(d2)
    ra_x, ra_y = hip_x - dx, rel_ay
    rb_x = ra_x - rel_ax
    rh_x, rh_y = rb_x - b * L_ft * cos_gam, b * L_ft * sin_gam
    rt_x = rb_x + (1 - b) * L_ft
    beta = np.arctan2(dx, dy)
    alpha = np.arccos((L_th**2 + d2 - L_sh**2) / (2 * L_th * d))
    rk_x, rk_y = hip_x + L_th * np.sin(alpha - beta), hip_y - L_th * np.cos(alpha - beta)
    psi_r = beta - alpha

    # segment centres of mass and masses
    c_sh, c_th, c_ft = p["c_sh"], p["c_th"], p["c_ft"]
    com = {
        "front_foot": (heel_x + c_ft * L_ft, h_a / 2),
        "rear_foot": (rh_x + c_ft * L_ft * cos_gam + h_a / 2 * sin_gam,
                      rh_y - c_ft * L_ft * sin_gam + h_a / 2 * cos_gam),
        "front_shank": (knee_x + c_sh * (0.0 - knee_x), knee_y + c_sh * (h_a - knee_y)),
        "rear_shank": (rk_x + c_sh * (ra_x - rk_x), rk_y + c_sh * (ra_y - rk_y)),
        "front_thigh": (hip_x + c_th * (knee_x - hip_x), hip_y + c_th * (knee_y - hip_y)),
        "rear_thigh": (hip_x + c_th * (rk_x - hip_x), hip_y + c_th * (rk_y - hip_y)),
        "trunk": (hip_x + p["c_tr"] * (sh_x - hip_x), hip_y + p["c_tr"] * (sh_y - hip_y)),
        "head": (sh_x + p["c_hd"] * L_hd * sin_lam, sh_y + p["c_hd"] * L_hd * cos_lam),
        "arms": (sh_x, sh_y - p["d_arm"]),
    }
    frac = {"front_foot": p["f_ft"], "rear_foot": p["f_ft"], "front_shank": p["f_sh"],
            "rear_shank": p["f_sh"], "front_thigh": p["f_th"], "rear_thigh": p["f_th"],
            "trunk": p["f_tr"], "head": p["f_hd"], "arms": p["f_arm"]}
    f_body = sum(frac.values())
    com_x = sum(frac[k] * com[k][0] for k in frac) / f_body
    com_y = sum(frac[k] * com[k][1] for k in frac) / f_body
    m_body, m_ext = m * f_body, p["m_ext"]
    m_sys = m_body + m_ext
    load_x, load_y = sh_x, sh_y - p["d_load"]
    xc = (m_body * com_x + m_ext * load_x) / m_sys
    yc = (m_body * com_y + m_ext * load_y) / m_sys
    W = g * m_sys

    # vertical reactions: force and moment balance + the closing share
    if mode == "heel_share":
        h = p["h_heel"]
        cop = h * heel_x + (1 - h) * ball_x
        V_f = W * (xc - rb_x) / (cop - rb_x)
        V_r = W - V_f
        front_share = V_f / W
    elif mode == "front_share":
        s = p["s_front"]
        V_f, V_r = s * W, (1 - s) * W
        cop = (W * xc - V_r * rb_x) / V_f
        h = (cop - ball_x) / (heel_x - ball_x)
        front_share = s + zero
    else:
        raise ValueError(mode)
    V_h, V_b = h * V_f, (1 - h) * V_f
    kappa = p["k_conv"] + p["r_conv"] / yc
    H_f = V_f * (xc - cop) * kappa
    H_r = V_r * (xc - rb_x) * kappa

    # joint moments from everything distal (extensor / plantarflexor positive)
    def grf_moment(jx, jy, side):
        if side == "front":
            return (_cross(heel_x - jx, -jy, 0.0, V_h) + _cross(ball_x - jx, -jy, 0.0, V_b)
                    + _cross(cop - jx, -jy, H_f, 0.0))
        return _cross(rb_x - jx, -jy, H_r, V_r)

    def weight_moment(jx, seg):
        # weight (0, -g m f) at the COM: cross = (x - jx) * (-g m f)
        return (com[seg][0] - jx) * (-g * m * frac[seg])

    moments = {}
    for side, (ax, ay), (kx, ky) in (("front", (0.0, h_a), (knee_x, knee_y)),
                                     ("rear", (ra_x, ra_y), (rk_x, rk_y))):
        moments[f"{side}_ankle"] = grf_moment(ax, ay, side) + weight_moment(ax, f"{side}_foot")
        moments[f"{side}_knee"] = -(grf_moment(kx, ky, side) + weight_moment(kx, f"{side}_foot")
                                    + weight_moment(kx, f"{side}_shank"))
        moments[f"{side}_hip"] = (grf_moment(hip_x, hip_y, side)
                                  + weight_moment(hip_x, f"{side}_foot")
                                  + weight_moment(hip_x, f"{side}_shank")
                                  + weight_moment(hip_x, f"{side}_thigh"))

    points = {
        "front_heel": (heel_x, 0.0), "front_ball": (ball_x, 0.0), "front_toe": (toe_x, 0.0),
        "front_ankle": (0.0, h_a), "front_knee": (knee_x, knee_y), "hip": (hip_x, hip_y),
        "shoulder": (sh_x, sh_y), "head_top": (top_x, top_y), "rear_knee": (rk_x, rk_y),
        "rear_ankle": (ra_x, ra_y), "rear_heel": (rh_x, rh_y), "rear_ball": (rb_x, 0.0),
        "rear_toe": (rt_x, 0.0), "com": (com_x, com_y), "com_system": (xc, yc),
    }
    out: dict[str, np.ndarray] = {}
    for name, (x, y) in points.items():
        out[f"x_{name}"] = x + zero
        out[f"y_{name}"] = y + zero
    out.update({
        "angle_front_ankle": phi + zero, "angle_front_knee": th_f + zero,
        "angle_front_hip": lam - psi_f, "angle_rear_ankle": psi_r + th_r - gam,
        "angle_rear_knee": th_r + zero, "angle_rear_hip": lam - psi_r,
        "knee_past_toes": knee_x - toe_x, "rear_knee_height": rk_y,
        "step_length": ball_x - rb_x, "rear_leg_reach": reach,
        "V_front_heel": V_h, "V_front_ball": V_b, "V_rear": V_r, "H_front": H_f,
        "H_rear": H_r, "front_share": front_share, "front_heel_share": h + zero,
        "cop_front_x": cop, "weight": W + zero,
    })
    for j, v in moments.items():
        out[f"M_{j}"] = v
    return out


def pfj_chain(knee_moment_nm, knee_flexion_deg) -> dict[str, np.ndarray]:
    """Quadriceps force (N), PFJ force (N) and stress (MPa), quartic contact area."""
    t = knee_flexion_deg
    t2 = t * t
    t3 = t2 * t
    r = 8.0e-8 * t3 - 1.3e-5 * t2 + 2.8e-4 * t + 0.046
    k = (0.462 + 0.00147 * t - 3.84e-5 * t2) / (1.0 - 0.0162 * t + 1.55e-4 * t2 - 6.98e-7 * t3)
    area = 2.0e-5 * t2 * t2 - 0.0033 * t3 + 0.1099 * t2 + 3.5273 * t + 81.058
    fq = np.maximum(knee_moment_nm, 0.0) / r
    fp = k * fq
    return {"quad_force_n": fq, "pfj_force_n": fp, "pfj_stress_mpa": fp / area}
