"""Posture: geometry recomputed from the reported positions, validation and feasibility.

Frame (lungelab.posture): x forward, y up, origin on the floor below the front ankle.
Every geometric fact below is checked from the reported joint positions, with the
subject's lengths taken from Drillis & Contini height fractions written out here.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lungelab import LungeModel, LungePosture, Subject
from lungelab.errors import InfeasiblePostureError, InputRangeError

H = 1.75
L_TH, L_SH, L_FT, H_A = 0.245 * H, 0.246 * H, 0.152 * H, 0.039 * H
L_TR, L_HD = (0.818 - 0.530) * H, (1 - 0.818) * H
A, B = 0.25, 0.73


def xy(df, name):
    return np.stack([df[f"{name}_x_m"].to_numpy(), df[f"{name}_y_m"].to_numpy()])


def tilt(frm, to):
    """Forward tilt from vertical (rad) of the vector frm -> to."""
    d = to - frm
    return np.arctan2(d[0], d[1])


@pytest.fixture(scope="module")
def feasible():
    rng = np.random.default_rng(42)
    n = 4000
    inp = dict(front_knee_flexion_deg=rng.uniform(0, 140, n),
               front_shank_angle_deg=rng.uniform(-30, 60, n),
               trunk_lean_deg=rng.uniform(-30, 90, n),
               rear_knee_flexion_deg=rng.uniform(0, 150, n),
               rear_foot_angle_deg=rng.uniform(0, 80, n))
    df = LungeModel(Subject(height_m=H)).evaluate(**inp, front_heel_share=0.5)
    ok = df["feasible"].to_numpy()
    assert ok.sum() > 1000
    return df[ok].reset_index(drop=True), {k: v[ok] for k, v in inp.items()}


def test_front_foot_and_origin(feasible):
    df, _ = feasible
    for name, (x, y) in {"front_heel": (-A * L_FT, 0), "front_ball": ((B - A) * L_FT, 0),
                         "front_toe": ((1 - A) * L_FT, 0), "front_ankle": (0, H_A)}.items():
        np.testing.assert_allclose(xy(df, name).T, np.broadcast_to([x, y], (len(df), 2)),
                                   atol=1e-12, err_msg=name)


def test_segment_lengths_are_preserved(feasible):
    df, _ = feasible
    for p, q, L in (("front_ankle", "front_knee", L_SH), ("front_knee", "hip", L_TH),
                    ("rear_ankle", "rear_knee", L_SH), ("rear_knee", "hip", L_TH),
                    ("hip", "shoulder", L_TR), ("shoulder", "head_top", L_HD),
                    ("rear_heel", "rear_ball", B * L_FT), ("rear_ball", "rear_toe",
                                                           (1 - B) * L_FT)):
        np.testing.assert_allclose(np.hypot(*(xy(df, q) - xy(df, p))), L, rtol=1e-12,
                                   err_msg=f"{p}-{q}")


def test_input_angles_recovered_from_positions(feasible):
    df, inp = feasible
    knee, ankle, hip = xy(df, "front_knee"), xy(df, "front_ankle"), xy(df, "hip")
    phi = tilt(ankle, knee)
    np.testing.assert_allclose(phi, np.radians(inp["front_shank_angle_deg"]), atol=1e-12)
    # front knee flexion: 180° minus the angle between knee->hip and knee->ankle
    u, v = hip - knee, ankle - knee
    inner = np.arccos(np.clip((u * v).sum(0) / (L_TH * L_SH), -1, 1))
    np.testing.assert_allclose(np.degrees(np.pi - inner), inp["front_knee_flexion_deg"],
                               atol=1e-6)
    # thigh tilt (knee -> hip) = φ − θ (the hip behind the knee when flexed)
    np.testing.assert_allclose(tilt(knee, hip), phi - np.radians(inp["front_knee_flexion_deg"]),
                               atol=1e-12)
    lean = tilt(hip, xy(df, "shoulder"))
    np.testing.assert_allclose(lean, np.radians(inp["trunk_lean_deg"]), atol=1e-12)
    np.testing.assert_allclose(tilt(xy(df, "shoulder"), xy(df, "head_top")), lean, atol=1e-12)
    # rear knee flexion from the rear thigh and shank
    rk, ra = xy(df, "rear_knee"), xy(df, "rear_ankle")
    u, v = hip - rk, ra - rk
    inner = np.arccos(np.clip((u * v).sum(0) / (L_TH * L_SH), -1, 1))
    np.testing.assert_allclose(np.degrees(np.pi - inner), inp["rear_knee_flexion_deg"],
                               atol=1e-5)
    # the rear knee bends forward: it lies in front of the hip -> rear ankle line
    d = ra - hip
    side = d[0] * (rk - hip)[1] - d[1] * (rk - hip)[0]
    bent = inp["rear_knee_flexion_deg"] > 1
    assert np.all(side[bent] > 0)
    # rear foot: heel -> ball line at γ to the floor, heel raised, toes flat
    heel, ball, toe = xy(df, "rear_heel"), xy(df, "rear_ball"), xy(df, "rear_toe")
    gam = np.arctan2(heel[1] - ball[1], ball[0] - heel[0])
    np.testing.assert_allclose(np.degrees(gam), inp["rear_foot_angle_deg"], atol=1e-9)
    np.testing.assert_allclose(ball[1], 0, atol=1e-12)
    np.testing.assert_allclose(toe[1], 0, atol=1e-12)
    # rear ankle sits a·L_ft along the foot from the heel and h_a above the sole
    uu = (ball - heel) / (B * L_FT)
    nn = np.stack([-uu[1], uu[0]])
    np.testing.assert_allclose(heel + A * L_FT * uu + H_A * nn, ra, atol=1e-12)


def test_joint_angle_definitions(feasible):
    """front hip flexion = lean − thigh tilt; front ankle dorsiflexion = shank tilt (foot
    flat); rear ankle dorsiflexion = rear shank tilt − rear foot angle; rear hip flexion
    = lean − rear thigh tilt — all from positions."""
    df, inp = feasible
    hip, sh = xy(df, "hip"), xy(df, "shoulder")
    lean = tilt(hip, sh)
    fk, fa = xy(df, "front_knee"), xy(df, "front_ankle")
    rk, ra = xy(df, "rear_knee"), xy(df, "rear_ankle")
    heel, ball = xy(df, "rear_heel"), xy(df, "rear_ball")
    gam = np.arctan2(heel[1] - ball[1], ball[0] - heel[0])
    expect = {
        "front_ankle_dorsiflexion_deg": tilt(fa, fk),
        "front_knee_flexion_deg": tilt(fa, fk) - tilt(fk, hip),
        "front_hip_flexion_deg": lean - tilt(fk, hip),
        "rear_ankle_dorsiflexion_deg": tilt(ra, rk) - gam,
        "rear_knee_flexion_deg": tilt(ra, rk) - tilt(rk, hip),
        "rear_hip_flexion_deg": lean - tilt(rk, hip),
    }
    for col, v in expect.items():
        np.testing.assert_allclose(df[col], np.degrees(v), atol=1e-6, err_msg=col)
    # default posture in words: thigh horizontal, trunk 10° ⇒ hip flexion 100°
    r = LungeModel().solve(LungePosture())
    assert r.joint_angles_deg["front_hip"] == pytest.approx(100.0, abs=1e-9)
    assert r.joint_angles_deg["front_ankle"] == pytest.approx(0.0, abs=1e-9)


def test_derived_distances(feasible):
    df, inp = feasible
    phi = np.radians(inp["front_shank_angle_deg"])
    np.testing.assert_allclose(df["knee_past_toes_m"], L_SH * np.sin(phi) - (1 - A) * L_FT,
                               atol=1e-12)
    np.testing.assert_allclose(df["knee_past_toes_m"],
                               df["front_knee_x_m"] - df["front_toe_x_m"], atol=1e-12)
    np.testing.assert_allclose(df["rear_knee_height_m"], df["rear_knee_y_m"], atol=1e-12)
    np.testing.assert_allclose(df["step_length_m"],
                               df["front_ball_x_m"] - df["rear_ball_x_m"], atol=1e-12)
    assert np.all(df["rear_knee_height_m"] > 0)     # feasible ⇒ rear knee above the floor


def test_default_posture_positions():
    """Coaches' lunge: shank vertical, thigh horizontal ⇒ knee (0, h_a + L_sh),
    hip (−L_th, h_a + L_sh); knee 0.1995 m behind the toe tip (0.75 L_ft)."""
    r = LungeModel(Subject(height_m=H)).solve(LungePosture())
    assert r.positions_m["front_knee"] == pytest.approx([0, H_A + L_SH], abs=1e-12)
    assert r.positions_m["hip"] == pytest.approx([-L_TH, H_A + L_SH], abs=1e-12)
    assert r.knee_past_toes_m == pytest.approx(-(1 - A) * L_FT, abs=1e-12)
    assert r.inputs["front_shank_angle_deg_resolved"] == 0.0


@pytest.mark.parametrize("kpt", [-0.25, -0.1, 0.0, 0.05, 0.15])
def test_knee_past_toes_round_trip(kpt):
    subject = Subject(height_m=1.82, foot_length_m=0.28, shank_length_m=0.47)
    post = LungePosture(knee_past_toes_m=kpt)
    phi = post.shank_angle_deg(subject)
    assert 0.47 * math.sin(math.radians(phi)) - 0.75 * 0.28 == pytest.approx(kpt, abs=1e-12)
    r = LungeModel(subject).solve(post)
    assert r.knee_past_toes_m == pytest.approx(kpt, abs=1e-12)
    d = LungeModel(subject).evaluate(knee_past_toes_m=kpt)
    assert d["front_shank_angle_deg"].iloc[0] == pytest.approx(phi, abs=1e-9)


def test_measured_lengths_drive_the_geometry():
    subject = Subject(thigh_length_m=0.5, shank_length_m=0.45, foot_length_m=0.3,
                      ankle_height_m=0.08, trunk_length_m=0.55)
    r = LungeModel(subject).solve(LungePosture(front_shank_angle_deg=10))
    P = {k: np.array(v) for k, v in r.positions_m.items()}
    assert np.hypot(*(P["hip"] - P["front_knee"])) == pytest.approx(0.5)
    assert np.hypot(*(P["front_knee"] - P["front_ankle"])) == pytest.approx(0.45)
    assert np.hypot(*(P["rear_knee"] - P["rear_ankle"])) == pytest.approx(0.45)
    assert np.hypot(*(P["shoulder"] - P["hip"])) == pytest.approx(0.55)
    assert P["front_toe"][0] - P["front_heel"][0] == pytest.approx(0.3)
    assert P["front_ankle"][1] == pytest.approx(0.08)


# --- validation -------------------------------------------------------------------------
BAD = [
    ("front_knee_flexion_deg", -1), ("front_knee_flexion_deg", 170),
    ("front_shank_angle_deg", -31), ("front_shank_angle_deg", 61),
    ("trunk_lean_deg", -31), ("trunk_lean_deg", 91), ("trunk_lean_deg", float("nan")),
    ("rear_knee_flexion_deg", 151), ("rear_knee_flexion_deg", float("inf")),
    ("rear_foot_angle_deg", -0.1), ("rear_foot_angle_deg", 81),
    ("front_knee_flexion_deg", float("nan")), ("front_knee_flexion_deg", "90"),
    ("front_knee_flexion_deg", None), ("trunk_lean_deg", True),
    ("knee_past_toes_m", 0.7), ("knee_past_toes_m", float("nan")),
]


@pytest.mark.parametrize(("name", "value"), BAD)
def test_posture_rejects_out_of_range(name, value):
    with pytest.raises(InputRangeError) as e:
        LungePosture(**{name: value})
    assert e.value.name == name
    assert name in str(e.value)
    assert "expected" in str(e.value)


def test_posture_rejects_both_shank_and_knee_past_toes():
    with pytest.raises(InputRangeError) as e:
        LungePosture(front_shank_angle_deg=10, knee_past_toes_m=0.0)
    msg = str(e.value)
    assert "front_shank_angle_deg" in msg and "knee_past_toes_m" in msg


def test_knee_past_toes_beyond_the_subjects_reach():
    """0.5 m past the toes needs sin φ = (0.5 + 0.1995)/0.4305 > 1 for this subject."""
    post = LungePosture(knee_past_toes_m=0.5)
    with pytest.raises(InputRangeError, match=r"knee_past_toes_m.*\[-?\d\.\d+, \d\.\d+\] m"):
        post.shank_angle_deg(Subject())
    with pytest.raises(InputRangeError, match="knee_past_toes_m"):
        LungeModel().solve(post)
    with pytest.raises(InputRangeError, match="knee_past_toes_m"):
        LungeModel().evaluate(knee_past_toes_m=[0.0, 0.5])


@pytest.mark.parametrize(("kw", "name"), [
    ({"front_knee_flexion_deg": [90, 141]}, "front_knee_flexion_deg"),
    ({"trunk_lean_deg": [10, np.nan]}, "trunk_lean_deg"),
    ({"front_shank_angle_deg": [0, -40]}, "front_shank_angle_deg"),
    ({"front_heel_share": [0.5, 1.2]}, "front_heel_share"),
    ({"front_share": -0.1}, "front_share"),
    ({"front_share": 0.5, "front_heel_share": 0.5}, "front_share/front_heel_share"),
])
def test_evaluate_rejects_bad_arrays(kw, name):
    with pytest.raises(InputRangeError) as e:
        LungeModel().evaluate(**kw)
    assert name in str(e.value)


@pytest.mark.parametrize(("kw", "name"), [
    ({"front_share": 1.5}, "front_share"), ({"front_heel_share": -0.2}, "front_heel_share"),
    ({"front_share": float("nan")}, "front_share"),
    ({"front_share": 0.5, "front_heel_share": 0.5}, "front_share/front_heel_share"),
])
def test_solve_rejects_bad_shares(kw, name):
    with pytest.raises(InputRangeError, match=re.escape(name)):
        LungeModel().solve(LungePosture(), **kw)


# --- feasibility ------------------------------------------------------------------------
def test_rear_foot_cannot_reach_the_floor():
    """Front leg straight (hip at h_a + L_sh + L_th ≈ 0.93 m) and rear knee at 150°: the
    hip-to-rear-ankle distance √(L_th² + L_sh² + 2 L_th L_sh cos 150°) ≈ 0.22 m is far
    shorter than the hip height."""
    with pytest.raises(InfeasiblePostureError, match="rear foot cannot reach"):
        LungeModel().solve(LungePosture(front_knee_flexion_deg=0, front_shank_angle_deg=0,
                                        rear_knee_flexion_deg=150))


def test_rear_knee_below_the_floor():
    with pytest.raises(InfeasiblePostureError, match=r"\d\.\d+ m below the floor"):
        LungeModel().solve(LungePosture(front_knee_flexion_deg=130, front_shank_angle_deg=-30,
                                        rear_knee_flexion_deg=90, rear_foot_angle_deg=80))


def test_infeasible_rows_are_flagged_in_evaluate():
    d = LungeModel().evaluate(front_knee_flexion_deg=[0, 90], front_shank_angle_deg=0,
                              rear_knee_flexion_deg=[150, 90])
    assert d["feasible"].tolist() == [False, True]
    assert d["balanced"].tolist() == [False, True]
    assert np.isnan(d["front_knee_moment_nm"].iloc[0])


def test_rear_foot_must_stay_behind_the_front_foot():
    """Knee 60°, shank 60° forward, trunk 90°: the hip ends up 0.27 m in front of the front
    ankle and the 'rear' ball lands 0.19 m in front of it (step length −0.07 m).  A
    backward lunge whose rear foot is in front of the front foot is not a lunge: every
    front/rear label and the balance advice lose their meaning, so the model should
    refuse it as infeasible rather than return front_share = −2.07."""
    post = LungePosture(front_knee_flexion_deg=60, front_shank_angle_deg=60,
                        trunk_lean_deg=90)
    d = LungeModel().evaluate(60, 60, 90, 90, 50)
    assert d["step_length_m"].iloc[0] < 0          # the geometry, as computed
    with pytest.raises(InfeasiblePostureError):
        LungeModel().solve(post)


# --- balance ----------------------------------------------------------------------------
def _unbalanced(result):
    assert result.balanced is False
    for k in ("moments_nm", "moments_nm_per_kg", "grf_n", "grf_horizontal_n", "front_share",
              "front_heel_share", "quad_force_n", "pfj_force_n", "pfj_stress_mpa"):
        assert getattr(result, k) is None, k
    d = result.to_dict()
    assert d["rear_share"] is None and d["front_toes_share"] is None
    assert result.warnings and result.warnings[0].startswith("not balanced")
    return result.warnings[0]


def test_com_in_front_of_the_front_foot():
    """Deep lean with the knee far forward and the COP on the heel: COM ahead of the COP."""
    r = LungeModel().solve(LungePosture(front_knee_flexion_deg=100, front_shank_angle_deg=40,
                                        trunk_lean_deg=80), front_heel_share=1.0)
    msg = _unbalanced(r)
    assert "in front of the front foot" in msg and "shift it back" in msg
    row = r.extras["row"]
    assert row["com_x_m"] > row["front_heel_x_m"]
    assert float(re.search(r"is (-?\d+\.\d+) m", msg).group(1)) > 0


def test_front_share_too_high_or_too_low():
    """Default posture, COM about 0.36 m behind the front ankle: with 99 % on the front
    foot its COP would have to lie behind the heel; with 10 % far in front of the ball."""
    msg = _unbalanced(LungeModel().solve(LungePosture(), front_share=0.99))
    assert "behind the heel" in msg and "lower front_share" in msg and "forward" in msg
    msg = _unbalanced(LungeModel().solve(LungePosture(), front_share=0.1))
    assert "in front of the ball" in msg and "raise front_share" in msg and "back" in msg
    for m in (msg,):
        assert float(re.search(r"lie (-?\d+\.\d+) m", m).group(1)) > 0


def test_com_behind_the_rear_foot():
    """Front leg straight and tilted back 30°, trunk leaned back 30°, short rear step:
    the COM (x ≈ −0.48 m) falls behind the rear ball (x ≈ −0.30 m)."""
    r = LungeModel().solve(LungePosture(front_knee_flexion_deg=0, front_shank_angle_deg=-30,
                                        trunk_lean_deg=-30, rear_knee_flexion_deg=60,
                                        rear_foot_angle_deg=0))
    msg = _unbalanced(r)
    assert "behind the rear foot" in msg and "shift it forward" in msg
    row = r.extras["row"]
    assert row["com_x_m"] < row["rear_ball_x_m"] < row["front_heel_x_m"]
    assert float(re.search(r"is (-?\d+\.\d+) m", msg).group(1)) == pytest.approx(
        row["rear_ball_x_m"] - row["com_x_m"], abs=1e-3)


def _message_check(ordered_only):
    """Over random unbalanced postures (heel-share mode) the advice must match the
    geometry: 'X m in front of the front foot's COP' with X > 0 and the COM really in
    front of it, or 'X m behind the rear foot' with X > 0 and the COM really behind it."""
    rng = np.random.default_rng(3)
    n = 4000
    inp = dict(front_knee_flexion_deg=rng.uniform(0, 140, n),
               front_shank_angle_deg=rng.uniform(-30, 60, n),
               trunk_lean_deg=rng.uniform(-30, 90, n),
               rear_knee_flexion_deg=rng.uniform(0, 150, n),
               rear_foot_angle_deg=rng.uniform(0, 80, n))
    h = rng.uniform(0, 1, n)
    d = LungeModel().evaluate(**inp, front_heel_share=h)
    sel = (d["feasible"] & ~d["balanced"]).to_numpy()
    if ordered_only:
        sel = sel & (d["rear_ball_x_m"] < d["front_heel_x_m"]).to_numpy()
    idx = np.flatnonzero(sel)[:160]
    assert len(idx) > 100
    wrong, kinds = [], set()
    for i in idx:
        post = LungePosture(**{k: float(v[i]) for k, v in inp.items()})
        r = LungeModel().solve(post, front_heel_share=float(h[i]))
        msg = _unbalanced(r)
        dist = float(re.search(r"is (-?\d+\.\d+) m", msg).group(1))
        row = r.extras["row"]
        if "in front of the front" in msg:
            kinds.add("front")
            good = dist >= 0 and row["com_x_m"] > row["cop_front_x_m"]
        else:
            kinds.add("rear")
            good = dist >= 0 and row["com_x_m"] < row["rear_ball_x_m"]
        if not good:
            wrong.append((i, msg))
    return wrong, kinds


def test_balance_messages_point_the_right_way_for_ordered_feet():
    wrong, kinds = _message_check(ordered_only=True)
    assert kinds == {"front", "rear"} or kinds == {"front"}
    assert not wrong, f"{len(wrong)} misleading balance messages, e.g. {wrong[0]}"


def test_balance_messages_point_the_right_way_everywhere():
    """Fails while feasible postures may put the 'rear' ball in front of the front heel:
    there front_share < 0 although the COM is *in front of* the rear foot, and the
    message reads 'the centre of mass is -0.133 m behind the rear foot; shift it
    forward' — the wrong way."""
    wrong, kinds = _message_check(ordered_only=False)
    assert not wrong, f"{len(wrong)} misleading balance messages, e.g. {wrong[0]}"
