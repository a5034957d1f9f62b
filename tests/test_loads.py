"""Statics of the lunge: equilibrium, hand-worked free bodies, limits, directions of effect.

Everything physical is recomputed *in this file* from the positions the model reports and
from the anthropometric numbers of the reference sheet (de Leva 1996, Winter 2009,
Drillis & Contini), written out below as literals — never from the model's own segment
centres of mass.  Conventions checked (lungelab.loads): x forward, y up, origin on the
floor below the front ankle; internal net joint moments, ankle plantarflexor, knee
extensor and hip extensor positive.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lungelab import LungeModel, LungePosture, Subject
from lungelab.body import ExternalLoad
from lungelab.loads import JOINTS

G = 9.80665

# --- anthropometric literals (reference sheet §3), independent of lungelab/tables -------
# (mass fraction, COM position as a fraction of length from the named proximal end)
DE_LEVA = {
    "male": {"head": (0.0694, 0.5002), "trunk": (0.4346, 0.5138), "upper_arm": (0.0271, 0.5772),
             "forearm": (0.0162, 0.4574), "hand": (0.0061, 0.7900), "thigh": (0.1416, 0.4095),
             "shank": (0.0433, 0.4459), "foot": (0.0137, 0.4415)},
    "female": {"head": (0.0668, 0.4841), "trunk": (0.4257, 0.4964),
               "upper_arm": (0.0255, 0.5754), "forearm": (0.0138, 0.4559),
               "hand": (0.0056, 0.7474), "thigh": (0.1478, 0.3612),
               "shank": (0.0481, 0.4416), "foot": (0.0129, 0.4014)},
}
WINTER = {"hat": (0.678, 0.626), "thigh": (0.100, 0.433), "shank": (0.0465, 0.433),
          "foot": (0.0145, 0.50)}
# Drillis & Contini fractions of height (Winter 2009 Fig. 4.1)
UPPER_ARM, FOREARM, HAND = 0.186, 0.146, 0.108
THIGH, SHANK, FOOT, ANKLE_H = 0.245, 0.246, 0.152, 0.039
HIP_H, SHOULDER_H = 0.530, 0.818

POINTS = ("front_heel", "front_ball", "front_toe", "front_ankle", "front_knee", "hip",
          "shoulder", "head_top", "rear_knee", "rear_ankle", "rear_heel", "rear_ball",
          "rear_toe")


def pts(df):
    """{name: (x array, y array)} from an evaluate() frame."""
    return {p: (df[f"{p}_x_m"].to_numpy(), df[f"{p}_y_m"].to_numpy()) for p in POINTS}


def arm_drop(height, sex):
    """Drop of one arm's COM below the shoulder (de Leva fractions, Drillis lengths)."""
    t = DE_LEVA[sex]
    lu, lf, lh = UPPER_ARM * height, FOREARM * height, HAND * height
    mu, mf, mh = t["upper_arm"][0], t["forearm"][0], t["hand"][0]
    return (mu * t["upper_arm"][1] * lu + mf * (lu + t["forearm"][1] * lf)
            + mh * (lu + lf + t["hand"][1] * lh)) / (mu + mf + mh)


def segments(P, subject, mass, load_kg=0.0, load_at="hands"):
    """Segment masses (kg) and COMs (x, y) computed here from the joint positions.

    Returns ``(legs, upper)``: ``legs[side][seg] = (mass, x, y)`` for foot/shank/thigh,
    ``upper`` a list of ``(mass, x, y)`` for everything above the hips (incl. the load).
    """
    H, sex = subject.height_m, subject.sex
    tab = DE_LEVA[sex] if subject.table == "de_leva" else WINTER
    L_ft = P["front_toe"][0] - P["front_heel"][0]
    h_a = P["front_ankle"][1]
    legs = {}
    for side in ("front", "rear"):
        heel, ball = np.array(P[f"{side}_heel"]), np.array(P[f"{side}_ball"])
        u = (ball - heel) / np.hypot(*(ball - heel))       # heel -> ball unit vector
        n = np.array([-u[1], u[0]])                         # its upward normal
        foot = heel + tab["foot"][1] * L_ft * u + 0.5 * h_a * n
        knee, ankle, hip = (np.array(P[f"{side}_knee"]), np.array(P[f"{side}_ankle"]),
                            np.array(P["hip"]))
        shank = knee + tab["shank"][1] * (ankle - knee)
        thigh = hip + tab["thigh"][1] * (knee - hip)
        legs[side] = {"foot": (tab["foot"][0] * mass, *foot),
                      "shank": (tab["shank"][0] * mass, *shank),
                      "thigh": (tab["thigh"][0] * mass, *thigh)}
    hip, sh, top = np.array(P["hip"]), np.array(P["shoulder"]), np.array(P["head_top"])
    upper = []
    if subject.table == "de_leva":
        # de Leva's trunk COM is given from C7 (the top); head+neck from the vertex.
        trunk = sh + tab["trunk"][1] * (hip - sh)
        head = top + tab["head"][1] * (sh - top)
        m_arm = tab["upper_arm"][0] + tab["forearm"][0] + tab["hand"][0]
        arms = sh - np.array([[0.0], [arm_drop(H, sex)]])
        upper += [(tab["trunk"][0] * mass, *trunk), (tab["head"][0] * mass, *head),
                  (2 * m_arm * mass, *arms)]
    else:
        hat = hip + tab["hat"][1] * (sh - hip)
        upper.append((tab["hat"][0] * mass, *hat))
    drop = (UPPER_ARM + FOREARM + 0.5 * HAND) * H if load_at == "hands" else 0.0
    upper.append((load_kg * np.ones_like(sh[0]), sh[0], sh[1] - drop))
    return legs, upper


def all_weights(legs, upper):
    return [v for side in legs.values() for v in side.values()] + list(upper)


def system_com(legs, upper):
    ws = all_weights(legs, upper)
    M = sum(w[0] for w in ws)
    return sum(w[0] * w[1] for w in ws) / M, sum(w[0] * w[2] for w in ws) / M, M


def random_postures(rng, n):
    return dict(front_knee_flexion_deg=rng.uniform(0, 140, n),
                front_shank_angle_deg=rng.uniform(-30, 60, n),
                trunk_lean_deg=rng.uniform(-30, 90, n),
                rear_knee_flexion_deg=rng.uniform(0, 150, n),
                rear_foot_angle_deg=rng.uniform(0, 80, n))


def moments_from_scratch(df, legs):
    """The six joint moments recomputed from the reported GRFs and the test's COMs."""
    P = pts(df)
    Vh, Vb, Vr = (df[c].to_numpy() for c in ("grf_front_heel_n", "grf_front_toes_n",
                                             "grf_rear_n"))
    Hf, Hr = df["grf_front_horizontal_n"].to_numpy(), df["grf_rear_horizontal_n"].to_numpy()
    out = {}
    for side in ("front", "rear"):
        # (x, y, Fx, Fy) of every external force on the leg, distal first
        if side == "front":
            grf = [(P["front_heel"][0], 0.0, 0.0, Vh), (P["front_ball"][0], 0.0, 0.0, Vb),
                   (0.0, 0.0, Hf, 0.0)]   # a horizontal force on the floor: its x is moot
        else:
            grf = [(P["rear_ball"][0], 0.0, Hr, Vr)]
        forces = list(grf)
        for joint, seg, sign in (("ankle", "foot", 1), ("knee", "shank", -1),
                                 ("hip", "thigh", 1)):
            m, x, y = legs[side][seg]
            forces.append((x, y, 0.0, -m * G))
            jx, jy = P["hip"] if joint == "hip" else P[f"{side}_{joint}"]
            M = sum((fx_ - jx) * Fy - (fy_ - jy) * Fx for fx_, fy_, Fx, Fy in forces)
            out[f"{side}_{joint}"] = sign * M
    return out


# ---------------------------------------------------------------------------------------
# 1. Equilibrium over many random balanced postures
# ---------------------------------------------------------------------------------------
CASES = [
    # (subject, grf_convergence, mode, n random postures)
    (Subject(), "com", "front_heel_share", 3000),
    (Subject(sex="female", mass_kg=61.9, height_m=1.64), "vertical", "front_heel_share", 3000),
    (Subject(table="winter", height_m=1.9, mass_kg=95), 0.8, "front_heel_share", 3000),
    (Subject(), "com", "front_share", 12000),
    (Subject(sex="female"), 2.5, "front_share", 12000),
]


@pytest.fixture(scope="module", params=range(len(CASES)),
                ids=[f"{c[0].table}-{c[0].sex}-{c[1]}-{c[2]}" for c in CASES])
def random_case(request):
    subject, conv, mode, n = CASES[request.param]
    rng = np.random.default_rng(20240 + request.param)
    post = random_postures(rng, n)
    mass = rng.uniform(40, 140, n)
    load = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(0, 60, n))
    load_at = "hands" if request.param % 2 == 0 else "shoulders"
    model = LungeModel(subject, ExternalLoad(0.0, load_at), grf_convergence=conv)
    df = model.evaluate(**post, **{mode: rng.uniform(0, 1, n)}, mask_unbalanced=False,
                        overrides={"m": mass, "m_ext": load})
    keep = df["balanced"].to_numpy()
    df = df[keep].reset_index(drop=True)
    mass, load = mass[keep], load[keep]
    legs, upper = segments(pts(df), subject, mass, load, load_at)
    return dict(df=df, mass=mass, load=load, legs=legs, upper=upper, subject=subject,
                conv=conv)


def test_enough_random_balanced_postures(random_case):
    assert len(random_case["df"]) >= 500


def test_vertical_force_balance(random_case):
    df, legs, upper = random_case["df"], random_case["legs"], random_case["upper"]
    V = df["grf_front_heel_n"] + df["grf_front_toes_n"] + df["grf_rear_n"]
    # total weight = every segment (fractions of the tables) + the load
    W = G * sum(w[0] for w in all_weights(legs, upper))
    np.testing.assert_allclose(V, W, rtol=1e-9)
    # the segment fractions sum to 1 within the tables' rounding, so W ≈ (m + load) g
    np.testing.assert_allclose(V, (random_case["mass"] + random_case["load"]) * G, rtol=2e-4)


def test_horizontal_force_balance(random_case):
    df = random_case["df"]
    W = df["grf_rear_n"] + df["grf_front_heel_n"] + df["grf_front_toes_n"]
    Hsum = df["grf_front_horizontal_n"] + df["grf_rear_horizontal_n"]
    assert np.all(np.abs(Hsum) <= 1e-9 * W)


def test_moment_balance_about_origin(random_case):
    """Σ (x V) of the reactions − Σ (x m g) of every weight = 0 (horizontal GRFs act on
    the floor, y = 0, so they have no moment about the origin)."""
    df, legs, upper = random_case["df"], random_case["legs"], random_case["upper"]
    P = pts(df)
    M_grf = (P["front_heel"][0] * df["grf_front_heel_n"] + P["front_ball"][0]
             * df["grf_front_toes_n"] + P["rear_ball"][0] * df["grf_rear_n"])
    M_w = sum(w[0] * G * w[1] for w in all_weights(legs, upper))
    W = G * sum(w[0] for w in all_weights(legs, upper))
    assert np.all(np.abs(M_grf - M_w) <= 1e-9 * W * 1.0)        # scale: W × 1 m


def test_upper_body_balance(random_case):
    """Free body of everything above the hip joints (trunk, head, arms, load).

    The thighs act on the pelvis with forces through the hip centre H and with the
    reactions of the hip moments.  The model's hip-extensor moment is the moment the
    pelvis exerts on the thigh, clockwise-positive (extension swings the leg back):
    M_on_thigh = −M_ext (counter-clockwise positive), so the thigh acts on the pelvis
    with +M_ext.  Moments about H on the upper body:
        M_ext,front + M_ext,rear + Σ (x_i − x_H)(−W_i) = 0
        ⇒ M_ext,front + M_ext,rear = (x_upperCOM − x_H) · W_upper.
    """
    df, upper = random_case["df"], random_case["upper"]
    x_H = df["hip_x_m"].to_numpy()
    W_up = G * sum(w[0] for w in upper)
    x_up = sum(w[0] * w[1] for w in upper) / sum(w[0] for w in upper)
    lhs = df["front_hip_moment_nm"] + df["rear_hip_moment_nm"]
    W = df["grf_rear_n"] + df["grf_front_heel_n"] + df["grf_front_toes_n"]
    assert np.all(np.abs(lhs - (x_up - x_H) * W_up) <= 1e-9 * W)


def test_joint_moments_recomputed_from_free_bodies(random_case):
    df, legs = random_case["df"], random_case["legs"]
    W = (df["grf_rear_n"] + df["grf_front_heel_n"] + df["grf_front_toes_n"]).to_numpy()
    mine = moments_from_scratch(df, legs)
    for j in JOINTS:
        assert np.all(np.abs(df[f"{j}_moment_nm"] - mine[j]) <= 1e-9 * W), j


def test_grf_lines_meet_on_com_vertical(random_case):
    """Three-force theorem: both foot forces meet the total weight's line at one point."""
    df, legs, upper, conv = (random_case[k] for k in ("df", "legs", "upper", "conv"))
    xc, yc, _ = system_com(legs, upper)
    z = yc if conv == "com" else (math.inf if conv == "vertical" else conv)
    Vh, Vb = df["grf_front_heel_n"].to_numpy(), df["grf_front_toes_n"].to_numpy()
    Vf, Vr = Vh + Vb, df["grf_rear_n"].to_numpy()
    Hf, Hr = df["grf_front_horizontal_n"].to_numpy(), df["grf_rear_horizontal_n"].to_numpy()
    # V_f · x_cop, the moment of the front verticals about the origin
    Vf_cop = (Vh * df["front_heel_x_m"] + Vb * df["front_ball_x_m"]).to_numpy()
    W = Vf + Vr
    if conv == "vertical":
        assert np.all(np.abs(Hf) <= 1e-12 * W) and np.all(np.abs(Hr) <= 1e-12 * W)
        return
    # line through (cop, 0) along (Hf, Vf) passes through (xc, z): cross product = 0
    np.testing.assert_array_less(np.abs(xc * Vf - Vf_cop - z * Hf), 1e-9 * W)
    xr = df["rear_ball_x_m"].to_numpy()
    np.testing.assert_array_less(np.abs((xc - xr) * Vr - z * Hr), 1e-9 * W)


# ---------------------------------------------------------------------------------------
# 2. A free body worked by hand
# ---------------------------------------------------------------------------------------
def test_hand_worked_free_body():
    """Shank vertical, thigh horizontal, trunk upright, straight rear leg with its foot
    flat (rear foot angle 0), vertical GRFs, 70 % of the front foot's load on the heel.

    Male, 75 kg, 1.75 m; de Leva masses, Drillis lengths.  Points (x forward, y up):
      front ankle (0, h_a), knee (0, h_a + L_sh), hip (−L_th, h_a + L_sh);
      trunk, head, arms, all on the vertical x = −L_th;
      the straight rear leg runs from the hip to the rear ankle at height h_a, so its
      horizontal reach is dx = √((L_th + L_sh)² − L_sh²); rear ankle x = −L_th − dx,
      rear ball a further (b − a)L_ft forward, rear heel b·L_ft behind the ball.
    """
    H, m, h = 1.75, 75.0, 0.7
    t = DE_LEVA["male"]
    L_th, L_sh, L_ft, h_a = THIGH * H, SHANK * H, FOOT * H, ANKLE_H * H
    a, b = 0.25, 0.73
    W_ft, W_sh, W_th = (t[s][0] * m * G for s in ("foot", "shank", "thigh"))
    m_up = t["trunk"][0] + t["head"][0] + 2 * (t["upper_arm"][0] + t["forearm"][0]
                                                + t["hand"][0])
    W_up = m_up * m * G
    x_H = -L_th
    # front leg COMs (x)
    x_heel, x_ball = -a * L_ft, (b - a) * L_ft
    xf_foot, xf_shank, xf_thigh = x_heel + t["foot"][1] * L_ft, 0.0, x_H + t["thigh"][1] * L_th
    # rear leg: straight line hip -> ankle
    dx = math.sqrt((L_th + L_sh) ** 2 - L_sh**2)
    x_ra = x_H - dx
    x_rk = x_H + L_th / (L_th + L_sh) * (x_ra - x_H)
    x_rb = x_ra + (b - a) * L_ft
    xr_foot = x_ra - a * L_ft + t["foot"][1] * L_ft
    xr_shank = x_rk + t["shank"][1] * (x_ra - x_rk)
    xr_thigh = x_H + t["thigh"][1] * (x_rk - x_H)
    W = W_up + 2 * (W_ft + W_sh + W_th)
    x_c = (W_up * x_H + W_ft * (xf_foot + xr_foot) + W_sh * (xf_shank + xr_shank)
           + W_th * (xf_thigh + xr_thigh)) / W
    cop = h * x_heel + (1 - h) * x_ball
    # vertical equilibrium and moments about the rear ball:
    #   V_f + V_r = W ;  V_f (cop − x_rb) = W (x_c − x_rb)
    V_f = W * (x_c - x_rb) / (cop - x_rb)
    V_r = W - V_f
    V_heel, V_ball = h * V_f, (1 - h) * V_f
    # front ankle, plantarflexor +: GRF at cop in front of the ankle, foot weight
    M_fa = V_f * cop - W_ft * xf_foot
    # front knee, extensor +: knee straight above the ankle, shank COM on the same
    # vertical, so only the GRF and the foot weight have lever arms: M_fk = −M_fa
    M_fk = -(V_f * cop - W_ft * xf_foot)
    M_fh = V_f * (cop - x_H) - W_ft * (xf_foot - x_H) - W_sh * (0.0 - x_H) \
        - W_th * (xf_thigh - x_H)
    # rear ankle: ball (b − a)L_ft in front of the ankle, foot COM (c − a)L_ft in front
    M_ra = V_r * (b - a) * L_ft - W_ft * (t["foot"][1] - a) * L_ft
    M_rk = -(V_r * (x_rb - x_rk) - W_ft * (xr_foot - x_rk) - W_sh * (xr_shank - x_rk))
    M_rh = V_r * (x_rb - x_H) - W_ft * (xr_foot - x_H) - W_sh * (xr_shank - x_H) \
        - W_th * (xr_thigh - x_H)

    model = LungeModel(Subject(mass_kg=m, height_m=H), grf_convergence="vertical")
    r = model.solve(LungePosture(front_knee_flexion_deg=90, front_shank_angle_deg=0,
                                 trunk_lean_deg=0, rear_knee_flexion_deg=0,
                                 rear_foot_angle_deg=0), front_heel_share=h)
    assert r.balanced
    # geometry by hand
    assert r.positions_m["front_knee"] == pytest.approx([0.0, h_a + L_sh], abs=1e-12)
    assert r.positions_m["hip"] == pytest.approx([x_H, h_a + L_sh], abs=1e-12)
    assert r.positions_m["rear_ankle"] == pytest.approx([x_ra, h_a], abs=1e-12)
    assert r.positions_m["rear_ball"] == pytest.approx([x_rb, 0.0], abs=1e-12)
    assert r.rear_knee_height_m == pytest.approx(h_a + L_sh - L_th * L_sh / (L_th + L_sh),
                                                 abs=1e-12)
    assert r.step_length_m == pytest.approx(x_ball - x_rb, abs=1e-12)
    rel = 1e-9
    assert r.grf_n["front_heel"] == pytest.approx(V_heel, rel=rel)
    assert r.grf_n["front_toes"] == pytest.approx(V_ball, rel=rel)
    assert r.grf_n["rear"] == pytest.approx(V_r, rel=rel)
    assert r.front_share == pytest.approx(V_f / W, rel=rel)
    assert r.grf_horizontal_n["front"] == 0 and r.grf_horizontal_n["rear"] == 0
    expected = {"front_ankle": M_fa, "front_knee": M_fk, "front_hip": M_fh,
                "rear_ankle": M_ra, "rear_knee": M_rk, "rear_hip": M_rh}
    for j, v in expected.items():
        assert r.moments_nm[j] == pytest.approx(v, rel=1e-9, abs=1e-9), j
    # orders of magnitude a reader can check: ~58 % on the front foot of 735 N
    assert 0.4 < V_f / W < 0.8 and 700 < W < 760


# ---------------------------------------------------------------------------------------
# 3. Limiting cases
# ---------------------------------------------------------------------------------------
def _feasible_random(model, n=3000, seed=7, **shares):
    rng = np.random.default_rng(seed)
    df = model.evaluate(**random_postures(rng, n), **shares, mask_unbalanced=False)
    return df[df["feasible"]].reset_index(drop=True)


def _weights_only_moments(df, subject, side):
    """Moments of one leg when its foot carries no ground reaction: segment weights only."""
    legs, _ = segments(pts(df), subject, subject.mass_kg)
    P = pts(df)
    out, forces = {}, []
    for joint, seg, sign in (("ankle", "foot", 1), ("knee", "shank", -1), ("hip", "thigh", 1)):
        m, x, _ = legs[side][seg]
        forces.append((x, m * G))
        jx = P["hip"][0] if joint == "hip" else P[f"{side}_{joint}"][0]
        out[joint] = sign * sum(-(x - jx) * w for x, w in forces)
    return out


@pytest.mark.parametrize("conv", ["com", "vertical", 1.2])
def test_front_share_one_unloads_rear_foot(conv):
    subject = Subject()
    df = _feasible_random(LungeModel(subject, grf_convergence=conv), front_share=1.0)
    assert len(df) > 500
    W = df["grf_front_heel_n"] + df["grf_front_toes_n"]
    np.testing.assert_allclose(W, 75 * G * subject.total_mass_fraction(), rtol=1e-12)
    assert np.all(np.abs(df["grf_rear_n"]) <= 1e-9 * W)
    assert np.all(np.abs(df["grf_rear_horizontal_n"]) <= 1e-9 * W)
    assert np.all(np.abs(df["grf_front_horizontal_n"]) <= 1e-9 * W)   # ΣFx = 0
    mine = _weights_only_moments(df, subject, "rear")
    for j in ("ankle", "knee", "hip"):
        np.testing.assert_allclose(df[f"rear_{j}_moment_nm"], mine[j], rtol=1e-9, atol=1e-9)


def test_front_share_zero_puts_everything_on_the_rear_foot():
    """front_share = 0: the rear foot carries the whole weight, the front foot's vertical
    reactions sum to zero.  Unless the COM is exactly above the rear ball, they form a
    couple (heel pulling, ball pushing, or the reverse): V_h x_h + V_b x_b = W (x_c − x_r).
    """
    subject = Subject()
    df = _feasible_random(LungeModel(subject), front_share=0.0)
    W = 75 * G * subject.total_mass_fraction()
    np.testing.assert_allclose(df["grf_rear_n"], W, rtol=1e-12)
    Vh, Vb = df["grf_front_heel_n"], df["grf_front_toes_n"]
    assert np.all(np.abs(Vh + Vb) <= 1e-9 * W)
    legs, upper = segments(pts(df), subject, 75.0)
    xc, _, _ = system_com(legs, upper)
    couple = Vh * df["front_heel_x_m"] + Vb * df["front_ball_x_m"]
    np.testing.assert_allclose(couple, W * (xc - df["rear_ball_x_m"]), rtol=1e-9, atol=1e-9)
    # such a posture is balanced only if the COM sits on the rear ball
    assert not df["balanced"].any()


@pytest.mark.parametrize("conv", ["com", "vertical", 1.2])
def test_front_share_zero_front_moments_are_finite_limit(conv):
    """The front-leg moments at front_share = 0 must be the (finite) limit of
    front_share → 0: the front foot carries a pure couple and, under 'com' or a finite
    convergence height, H_f = κ (V_f x_c − V_h x_h − V_b x_b) stays finite.
    (Fails if the model forms H_f as V_f · (x_c − cop) with cop = ±∞ when V_f = 0.)"""
    model = LungeModel(grf_convergence=conv)
    args = dict(front_knee_flexion_deg=[90, 90], front_shank_angle_deg=[10, 10],
                mask_unbalanced=False)
    at0 = model.evaluate(front_share=[0.0, 0.0], **args)
    near = model.evaluate(front_share=[1e-9, 1e-9], **args)
    for j in ("front_ankle", "front_knee", "front_hip"):
        v0, v1 = at0[f"{j}_moment_nm"].iloc[0], near[f"{j}_moment_nm"].iloc[0]
        assert np.isfinite(v0), f"{j} moment at front_share=0 is {v0}"
        assert v0 == pytest.approx(v1, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("conv", ["com", "vertical", 0.9])
def test_heel_share_one_puts_front_cop_at_heel(conv):
    df = _feasible_random(LungeModel(grf_convergence=conv), front_heel_share=1.0)
    np.testing.assert_allclose(df["cop_front_x_m"], df["front_heel_x_m"], atol=1e-12)
    np.testing.assert_allclose(df["grf_front_toes_n"], 0.0, atol=1e-9)
    df0 = _feasible_random(LungeModel(grf_convergence=conv), front_heel_share=0.0)
    np.testing.assert_allclose(df0["cop_front_x_m"], df0["front_ball_x_m"], atol=1e-12)
    np.testing.assert_allclose(df0["grf_front_heel_n"], 0.0, atol=1e-9)


def test_vertical_is_the_limit_of_a_very_high_convergence_point():
    """'vertical' = z → ∞.  With z = 1e6 m (κ = 1e-6 /m through the raw override) the
    horizontal forces are O(W · Δx / z) ~ 1e-3 N and every moment differs from the
    vertical case by O(h H) ~ 1e-3 N·m."""
    subject = Subject()
    vert = LungeModel(subject, grf_convergence="vertical")
    rng = np.random.default_rng(11)
    post = random_postures(rng, 2000)
    share = rng.uniform(0, 1, 2000)
    a = vert.evaluate(**post, front_heel_share=share, mask_unbalanced=False)
    b = vert.evaluate(**post, front_heel_share=share, mask_unbalanced=False,
                      overrides={"k_conv": 1e-6})
    ok = a["balanced"].to_numpy()
    a, b = a[ok], b[ok]
    assert len(a) > 500
    assert np.all(a["grf_front_horizontal_n"] == 0) and np.all(a["grf_rear_horizontal_n"] == 0)
    assert np.all(np.abs(b["grf_front_horizontal_n"]) < 1e-2)
    assert np.any(np.abs(b["grf_front_horizontal_n"]) > 1e-6)      # really not vertical
    for j in JOINTS:
        np.testing.assert_allclose(b[f"{j}_moment_nm"], a[f"{j}_moment_nm"], atol=1e-2)
    for c in ("grf_front_heel_n", "grf_front_toes_n", "grf_rear_n"):
        np.testing.assert_allclose(b[c], a[c], rtol=1e-12)    # verticals don't depend on z
    # and a finite height in between lies between the two (same sign of H, larger)
    c = LungeModel(subject, grf_convergence=2.0).evaluate(
        **post, front_heel_share=share, mask_unbalanced=False)[ok]
    nz = np.abs(b["grf_front_horizontal_n"]) > 1e-9
    np.testing.assert_allclose(c["grf_front_horizontal_n"][nz],
                               b["grf_front_horizontal_n"][nz] * 1e6 / 2.0, rtol=1e-6)


@pytest.mark.parametrize("load_at", ["hands", "shoulders"])
def test_com_convergence_lines_pass_through_system_com(load_at):
    """'com': each foot's resultant line passes through the COM of body + load,
    computed here from the positions (the load makes it differ from the body COM)."""
    subject = Subject(mass_kg=70, height_m=1.7, sex="female")
    model = LungeModel(subject, ExternalLoad(30.0, load_at), grf_convergence="com")
    df = _feasible_random(model, n=3000, seed=3, front_heel_share=0.5)
    df = df[df["balanced"]].reset_index(drop=True)
    assert len(df) > 500
    legs, upper = segments(pts(df), subject, 70.0, 30.0, load_at)
    xc, yc, _ = system_com(legs, upper)
    xb_, yb_ = (sum(w[0] * w[i] for w in all_weights(legs, upper[:-1]))
                / sum(w[0] for w in all_weights(legs, upper[:-1])) for i in (1, 2))
    assert np.max(np.hypot(xc - xb_, yc - yb_)) > 0.01         # the load matters here
    cop = df["cop_front_x_m"].to_numpy()
    for V, H, x0 in ((df["grf_front_heel_n"] + df["grf_front_toes_n"],
                      df["grf_front_horizontal_n"], cop),
                     (df["grf_rear_n"], df["grf_rear_horizontal_n"], df["rear_ball_x_m"])):
        V, H, x0 = np.asarray(V), np.asarray(H), np.asarray(x0)
        # distance of the COM from the line through (x0, 0) along (H, V)
        dist = np.abs((xc - x0) * V - yc * H) / np.hypot(H, V)
        assert np.max(dist) < 1e-9


def test_reported_system_com_includes_the_load():
    """positions_m['com_system'] must be the COM of body + load (JSON contract), not the
    body COM.  A 40 kg load in the hands of a 75 kg subject leaning 30° moves it."""
    subject = Subject()
    model = LungeModel(subject, ExternalLoad(40.0, "hands"))
    r = model.solve(LungePosture(trunk_lean_deg=30))
    P = {k: (np.array([v[0]]), np.array([v[1]])) for k, v in r.positions_m.items()}
    legs, upper = segments(P, subject, 75.0, 40.0, "hands")
    xc, yc, _ = system_com(legs, upper)
    xb, yb, _ = system_com(legs, upper[:-1])
    assert r.positions_m["com"] == pytest.approx([xb[0], yb[0]], abs=1e-9)
    assert r.positions_m["com_system"] == pytest.approx([xc[0], yc[0]], abs=1e-9)


# ---------------------------------------------------------------------------------------
# 6. Directions of effect
# ---------------------------------------------------------------------------------------
LUNGE_GRID = np.array(np.meshgrid([70, 80, 90, 100, 110], [0, 10, 20], [0, 10, 20, 30],
                                  [80, 100, 120], [40, 55], [0.3, 0.6, 0.9])).reshape(6, -1)


def _pair(model, d_what, delta, seed=5, n=4000, grid=False):
    if grid:
        fk, sh, ln, rk, rf, h = LUNGE_GRID
        post = dict(front_knee_flexion_deg=fk, front_shank_angle_deg=sh, trunk_lean_deg=ln,
                    rear_knee_flexion_deg=rk, rear_foot_angle_deg=rf)
    else:
        rng = np.random.default_rng(seed)
        post = random_postures(rng, n)
        post["front_shank_angle_deg"] = np.clip(post["front_shank_angle_deg"], -30, 59)
        post["trunk_lean_deg"] = np.clip(post["trunk_lean_deg"], -30, 89)
        h = rng.uniform(0, 0.99, n)
    post2 = dict(post)
    shares2 = {"front_heel_share": h}
    if d_what == "front_heel_share":
        shares2 = {"front_heel_share": h + delta}
    else:
        post2[d_what] = post[d_what] + delta
    a = model.evaluate(**post, front_heel_share=h, mask_unbalanced=False)
    b = model.evaluate(**post2, **shares2, mask_unbalanced=False)
    # a lunge: both balanced and the rear foot behind the front heel in both
    ok = (a["balanced"] & b["balanced"] & (a["rear_ball_x_m"] < a["front_heel_x_m"])
          & (b["rear_ball_x_m"] < b["front_heel_x_m"])).to_numpy()
    return a[ok].reset_index(drop=True), b[ok].reset_index(drop=True)


def _Vf(df):
    return (df["grf_front_heel_n"] + df["grf_front_toes_n"]).to_numpy()


def test_heel_share_loads_front_foot_and_unloads_plantarflexors_vertical():
    """Vertical GRFs, fixed posture.  From the two equilibrium equations
        V_f = W (x_c − x_r) / (cop − x_r),   M_ankle = V_f · cop − W_foot · x_foot
    (ankle at x = 0).  Raising the heel share moves cop back toward the heel:
      * x_c > x_r (balanced) and cop − x_r shrinks ⇒ V_f rises;
      * V_f·cop = W (x_c − x_r) · cop/(cop − x_r), and d/dcop [cop/(cop − x_r)] =
        −x_r/(cop − x_r)² > 0 since the rear ball is behind the front ankle (x_r < 0),
        so V_f·cop falls with cop ⇒ the plantarflexor moment falls.
    """
    a, b = _pair(LungeModel(grf_convergence="vertical"), "front_heel_share", 0.01)
    assert len(a) > 500 and np.all(a["rear_ball_x_m"] < 0)
    assert np.all(_Vf(b) > _Vf(a))
    assert np.all(b["front_ankle_moment_nm"] < a["front_ankle_moment_nm"])


def test_heel_share_effect_under_com_convergence():
    """'com': the vertical reactions are the same as under 'vertical' (horizontal forces
    act at y = 0 and have no moment about floor points), so V_f still rises.  The ankle
    moment gains h_a·H_f with H_f = V_f (x_c − cop)/y_c:
        M_ankle + W_foot x_foot = V_f [cop (1 − η) + η x_c],   η = h_a / y_c,
    and d/dcop of [(1 − η) cop + η x_c] / (cop − x_r) = −[(1 − η) x_r + η x_c]/(…)².
    So the plantarflexor moment falls with a backward cop iff (1 − η) x_r + η x_c < 0:
    the line from the rear ball to the COM passes behind the ankle at ankle height."""
    a, b = _pair(LungeModel(grf_convergence="com"), "front_heel_share", 0.01)
    assert np.all(_Vf(b) > _Vf(a))
    eta = a["front_ankle_y_m"] / a["com_y_m"]    # no load: com_y is the system COM
    cond = ((1 - eta) * a["rear_ball_x_m"] + eta * a["com_x_m"] < -1e-3).to_numpy()
    assert cond.sum() > 500
    assert np.all((b["front_ankle_moment_nm"] < a["front_ankle_moment_nm"])[cond])


@pytest.mark.parametrize("conv", ["vertical", 1.0])
def test_trunk_lean_loads_front_foot_and_front_hip(conv):
    """Lean λ → λ + 1° at fixed heel share: the upper-body COMs move forward by
    c L (sin(λ+δ) − sin λ) > 0 (λ < 90°), legs unchanged, so x_c rises ⇒
    V_f = W (x_c − x_r)/(cop − x_r) rises (cop fixed by the heel share).
    Front hip extensor moment, convergence height z (κ = 1/z, 0 for 'vertical'):
        M_fh = V_f [(cop − x_H) + κ y_H (x_c − cop)] − (front-leg weights, unchanged)
    The bracket is the lever arm of the front GRF about the hip, and it grows with x_c;
    so when the front GRF passes in front of the hip (bracket > 0) M_fh rises.
    """
    model = LungeModel(grf_convergence=conv)
    a, b = _pair(model, "trunk_lean_deg", 1.0)
    assert np.all(_Vf(b) > _Vf(a))
    kappa = 0.0 if conv == "vertical" else 1.0 / conv
    arm = ((a["cop_front_x_m"] - a["hip_x_m"])
           + kappa * a["hip_y_m"] * (a["com_x_m"] - a["cop_front_x_m"])).to_numpy()
    front = arm > 0
    assert front.sum() > 500
    assert np.all((b["front_hip_moment_nm"] > a["front_hip_moment_nm"])[front])
    # on plausible lunges the GRF always passes in front of the hip
    a, b = _pair(model, "trunk_lean_deg", 5.0, grid=True)
    assert len(a) > 200
    assert np.all(b["front_hip_moment_nm"] > a["front_hip_moment_nm"])


def test_trunk_lean_under_com_convergence_is_not_monotone():
    """Documented exception.  Under 'com' the front GRF points at the COM, and leaning
    also *lowers* the COM (y_c = … + c L cos λ), which tilts the line.  On plausible
    lunges (grid) more lean still raises the front hip moment, but in the default
    posture the moment peaks near 70° of lean and falls after it."""
    model = LungeModel(grf_convergence="com")
    a, b = _pair(model, "trunk_lean_deg", 5.0, grid=True)
    assert len(a) > 200
    assert np.all(_Vf(b) > _Vf(a))
    assert np.all(b["front_hip_moment_nm"] > a["front_hip_moment_nm"])
    d = model.evaluate(90, 0, [0, 30, 60, 70, 90], 90, 50, front_heel_share=0.6)
    m = d["front_hip_moment_nm"].to_numpy()
    assert m[0] < m[1] < m[2] < m[3]
    assert m[4] < m[3]                        # 70° → 90°: the front hip moment drops


def test_knee_travel_vertical_implication():
    """Shank tilt φ → φ + 1° at fixed knee flexion, heel share and 'vertical' GRFs.
    Front knee extensor moment (knee at x_K, shank COM at (1 − c_sh) x_K):
        M_K = V_f (x_K − cop) − W_ft (x_K − x_foot) − W_sh c_sh x_K
    so, exactly,
        ΔM_K = ΔV_f (x_K1 − cop) + (V_f2 − W_ft − c_sh W_sh) Δx_K ,  Δx_K > 0.
    Sufficient for ΔM_K > 0: the knee in front of the cop and V_f not falling, or the
    knee behind the cop and V_f not rising (V_f ≫ foot + shank weight).  Whether V_f
    rises is *not* guaranteed: at fixed rear-knee angle the rear foot is dragged
    forward with the hip (see the next tests)."""
    a, b = _pair(LungeModel(grf_convergence="vertical"), "front_shank_angle_deg", 1.0)
    dV = _Vf(b) - _Vf(a)
    lever = (a["front_knee_x_m"] - a["cop_front_x_m"]).to_numpy()
    heavy = _Vf(b) > 0.05 * (_Vf(b) + b["grf_rear_n"].to_numpy())
    cond = heavy & (((lever >= 0) & (dV >= 0)) | ((lever <= 0) & (dV <= 0)))
    assert cond.sum() > 500
    assert np.all((b["front_knee_moment_nm"] > a["front_knee_moment_nm"])[cond])


@pytest.mark.parametrize("conv", ["vertical", 2.0])
def test_knee_travel_fry_tradeoff_on_plausible_lunges(conv):
    """On plausible lunges (grid: knee 70-110°, shank 0-20°, lean 0-30°, rear knee
    80-120°, heel share 0.3-0.9), 10° more shank tilt under 'vertical' (and with the foot
    forces meeting 2 m up; not under 'com', see below) raises the front
    knee-extensor moment and lowers the front hip-extensor moment — the Fry 2003
    direction (knees blocked at the toes: less knee, more hip).  Hip: the hip moves
    forward by (L_sh cos φ + L_th cos(φ − θ)) δφ > 0 toward the cop, shortening the
    front GRF's lever arm about it, which dominates the rise of V_f here."""
    a, b = _pair(LungeModel(grf_convergence=conv), "front_shank_angle_deg", 10.0, grid=True)
    assert len(a) > 200
    assert np.all(b["front_knee_moment_nm"] > a["front_knee_moment_nm"])
    assert np.all(b["front_hip_moment_nm"] < a["front_hip_moment_nm"])
    assert np.all(b["knee_past_toes_m"] > a["knee_past_toes_m"])
    # in the coaches' default posture, monotone over the whole sweep
    d = LungeModel(grf_convergence=conv).evaluate(90, np.arange(-10, 36, 5), 10, 90, 50,
                                                   front_heel_share=0.6)
    assert np.all(np.diff(d["front_knee_moment_nm"]) > 0)
    assert np.all(np.diff(d["front_hip_moment_nm"]) < 0)
    stress = d["pfj_stress_mpa"].to_numpy()
    assert np.all(np.diff(stress[stress > 0]) > 0)          # once M_K > 0


def test_knee_travel_does_not_always_load_the_knee():
    """Documented exceptions to 'knee past the toes loads the knee more'.

    (1) 'com' convergence.  Over the plausible-lunge grid, 10° more shank tilt raises
        the knee moment in only ~2/3 of the postures and lowers the hip moment in about
        half.  In the default posture (front knee 90°, lean 10°, rear knee 90°,
        heel share 0.6): the front GRF points at the COM; tilting the shank carries the
        COM forward with the knee, so the line's crossing at knee height moves forward
        almost as fast as the knee, and its backward horizontal part shrinks (−268 N at
        0°, −201 N at 10°): the knee moment first falls (0° → 10°), then rises.
    (2) 'vertical', a small front share: with the rear knee angle held, the rear foot
        is dragged forward with the hip (the step shortens), the rear foot takes load
        and V_f falls faster than the knee's lever arm grows.
    """
    d = LungeModel(grf_convergence="com").evaluate(90, [0, 10, 35], 10, 90, 50,
                                                    front_heel_share=0.6)
    m = d["front_knee_moment_nm"].to_numpy()
    assert m[1] < m[0] < m[2]
    a, b = _pair(LungeModel(grf_convergence="com"), "front_shank_angle_deg", 10.0, grid=True)
    up = np.mean(b["front_knee_moment_nm"] > a["front_knee_moment_nm"])
    assert 0.3 < up < 0.9
    v = LungeModel(grf_convergence="vertical").evaluate(
        95, [11, 12], -4, 123, 38.5, front_heel_share=0.95)
    assert v["balanced"].all()
    assert v["step_length_m"].iloc[1] < v["step_length_m"].iloc[0]
    assert v["front_share"].iloc[1] < v["front_share"].iloc[0]
    assert v["front_knee_moment_nm"].iloc[1] < v["front_knee_moment_nm"].iloc[0]


def test_knee_travel_at_fixed_foot_placement_vertical():
    """Holding the feet where they are (same step length: the rear knee angle adjusts,
    found by bisection — step length falls monotonically with rear-knee flexion, the
    hip-ankle distance √(L_th² + L_sh² + 2 L_th L_sh cos θ_rk) shrinking), shank tilt
    moves every body segment but the rear foot forward, so x_c rises, V_f rises and,
    with the knee in front of the cop, the knee moment rises (first term of ΔM_K > 0)."""
    model = LungeModel(grf_convergence="vertical")
    fk, sh, ln, rk, rf, h = LUNGE_GRID
    base = dict(front_knee_flexion_deg=fk, trunk_lean_deg=ln, rear_foot_angle_deg=rf)
    a = model.evaluate(**base, front_shank_angle_deg=sh, rear_knee_flexion_deg=rk,
                       front_heel_share=h, mask_unbalanced=False)
    target = a["step_length_m"].to_numpy()
    lo, hi = np.zeros_like(target), np.full_like(target, 150.0)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        s = model.evaluate(**base, front_shank_angle_deg=sh + 5, rear_knee_flexion_deg=mid,
                           front_heel_share=h, mask_unbalanced=False)["step_length_m"]
        s = np.nan_to_num(s.to_numpy(), nan=-np.inf)
        longer = s > target
        lo, hi = np.where(longer, mid, lo), np.where(longer, hi, mid)
    b = model.evaluate(**base, front_shank_angle_deg=sh + 5, rear_knee_flexion_deg=lo,
                       front_heel_share=h, mask_unbalanced=False)
    ok = (a["balanced"] & b["balanced"]).to_numpy() & \
        (np.abs(b["step_length_m"].to_numpy() - target) < 1e-6)
    assert ok.sum() > 100
    a, b = a[ok], b[ok]
    np.testing.assert_allclose(b["rear_ball_x_m"], a["rear_ball_x_m"], atol=1e-6)
    assert np.all(b["com_x_m"].to_numpy() > a["com_x_m"].to_numpy())
    assert np.all(_Vf(b) > _Vf(a))
    front = (a["front_knee_x_m"] > a["cop_front_x_m"]).to_numpy()
    assert front.sum() > 50
    assert np.all((b["front_knee_moment_nm"].to_numpy() > a["front_knee_moment_nm"].to_numpy())
                  [front])


def test_moments_scale_with_mass_and_height():
    """Fixed proportions: every force ∝ m g and every lever arm ∝ H, so moments ∝ m·H
    and the reported N·m/kg × mass = N·m."""
    kw = dict(front_knee_flexion_deg=[80, 95, 110], front_shank_angle_deg=[5, 15, 20],
              trunk_lean_deg=[5, 15, 30], front_heel_share=[0.4, 0.6, 0.8])
    ref = LungeModel(Subject(mass_kg=75, height_m=1.75)).evaluate(**kw)
    assert ref["balanced"].all()
    for m, H in ((50, 1.75), (120, 1.75), (75, 1.55), (100, 2.05)):
        d = LungeModel(Subject(mass_kg=m, height_m=H)).evaluate(**kw)
        for j in JOINTS:
            np.testing.assert_allclose(d[f"{j}_moment_nm"],
                                       ref[f"{j}_moment_nm"] * (m / 75) * (H / 1.75),
                                       rtol=1e-10)
            np.testing.assert_allclose(d[f"{j}_moment_nm_per_kg"] * m, d[f"{j}_moment_nm"],
                                       rtol=1e-12)
        for c in ("grf_front_heel_n", "grf_rear_n", "grf_front_horizontal_n"):
            np.testing.assert_allclose(d[c], ref[c] * m / 75, rtol=1e-10)
        np.testing.assert_allclose(d["front_share"], ref["front_share"], rtol=1e-12)
    r = LungeModel(Subject(mass_kg=82)).solve(LungePosture())
    for j in JOINTS:
        assert r.moments_nm_per_kg[j] * 82 == pytest.approx(r.moments_nm[j], rel=1e-12)


def test_load_adds_weight_at_the_right_place():
    """A load on the shoulders of an upright trunk sits straight above the hip
    (x_shoulder = x_hip + L_tr sin 0): by the upper-body balance it adds
    m_ext g (x_shoulder − x_hip) = 0 to the sum of the two hip moments, while the
    vertical reactions grow by exactly m_ext g."""
    posture = LungePosture(trunk_lean_deg=0)
    a = LungeModel(Subject()).solve(posture)
    b = LungeModel(Subject(), ExternalLoad(20.0, "shoulders")).solve(posture)
    assert sum(b.grf_n.values()) - sum(a.grf_n.values()) == pytest.approx(20 * G, rel=1e-12)
    sa = a.moments_nm["front_hip"] + a.moments_nm["rear_hip"]
    sb = b.moments_nm["front_hip"] + b.moments_nm["rear_hip"]
    assert sb == pytest.approx(sa, abs=1e-9)
