"""Tests of lungelab.dynamics: 2-D Newton-Euler inverse dynamics.

Physics that can fail: a hand-worked static free-body diagram, analytic pendulums,
Newton's laws segment by segment with analytic accelerations, mirror symmetry, and
a validation against OpenSim's inverse dynamics of a real walking trial
(data/real/opensim-gait-subject01; see docs/validation_inverse_dynamics.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _tolerances import SAME_RUN_REL

from lungelab.body import G, Subject, segment_table
from lungelab.dynamics import (
    functional_joint_centre,
    harrington_hip_centre,
    inverse_dynamics,
    static_joint_moments,
)
from lungelab.errors import InputRangeError
from lungelab.io import read

DATA = Path(__file__).resolve().parents[1] / "data" / "real" / "opensim-gait-subject01"

# Explicit segment parameters (kg, fraction, kg·m²) with round numbers for hand work.
SEGS = {
    "foot": {"mass_kg": 1.0, "com_fraction": 0.4, "inertia_kgm2": 0.01},
    "shank": {"mass_kg": 3.5, "com_fraction": 0.5, "inertia_kgm2": 0.05},
    "thigh": {"mass_kg": 10.0, "com_fraction": 0.4, "inertia_kgm2": 0.15},
}


def _frozen(n: int, point: tuple[float, float]) -> np.ndarray:
    return np.tile(np.asarray(point, dtype=float), (n, 1))


# ---------------------------------------------------------------------------
# 1. static limit: frozen posture, vertical GRF, hand-worked free-body diagrams
# ---------------------------------------------------------------------------
# Posture (m): heel (-0.05, 0), toe (0.20, 0), ankle (0, 0.10), knee (0.20, 0.50),
# hip (0, 0.90): a squat-like posture with the knee in front of the foot.
# GRF 700 N straight up at COP x = 0.10 m, free moment 0.
# COMs: foot  = heel + 0.4 (toe - heel) = (0.05, 0.00)
#       shank = knee + 0.5 (ankle - knee) = (0.10, 0.30)
#       thigh = hip + 0.4 (knee - hip)   = (0.08, 0.66)
# External moment about a joint J of the loads distal to it (CCW +):
#   (COP_x - J_x) * 700  -  sum m_s g (C_s,x - J_x)
# Ankle (0, 0.1):  0.10*700 - 1.0 g*0.05                     = 70 - 0.05 g
# Knee (0.2, 0.5): -0.10*700 - g*(1.0*-0.15 + 3.5*-0.10)     = -70 + 0.50 g
# Hip (0, 0.9):    0.10*700 - g*(1.0*0.05 + 3.5*0.10 + 10*0.08) = 70 - 1.20 g
# Internal moments (extensor / plantarflexor positive): ankle = +M_ext (a GRF in
# front of the ankle needs plantarflexors), knee = -M_ext (GRF behind the knee needs
# extensors), hip = +M_ext (GRF in front of the hip needs extensors).
HAND_ANKLE = 70.0 - 0.05 * G
HAND_KNEE = 70.0 - 0.50 * G
HAND_HIP = 70.0 - 1.20 * G
ATOL = SAME_RUN_REL * 1000.0
"""Same-run tolerance (N, N·m): 1e-9 of the hand-worked cases' 1000 N / N·m scale."""
POSTURE = {"hip": (0.0, 0.90), "knee": (0.20, 0.50), "ankle": (0.0, 0.10),
           "heel": (-0.05, 0.0), "toe": (0.20, 0.0)}


def _static_inputs(n: int = 40, mirror: bool = False) -> dict:
    s = -1.0 if mirror else 1.0
    pts = {k: _frozen(n, (s * v[0], v[1])) for k, v in POSTURE.items()}
    return dict(time=np.arange(n) / 100.0, **pts, grf=_frozen(n, (0.0, 700.0)),
                cop=_frozen(n, (s * 0.10, 0.0)))


@pytest.mark.parametrize("cutoff_hz", [None, 6.0])
def test_static_limit_matches_hand_worked_free_body(cutoff_hz):
    df = inverse_dynamics(**_static_inputs(), segments=SEGS, cutoff_hz=cutoff_hz)
    np.testing.assert_allclose(df["ankle_moment_nm"], HAND_ANKLE, atol=ATOL)
    np.testing.assert_allclose(df["knee_moment_nm"], HAND_KNEE, atol=ATOL)
    np.testing.assert_allclose(df["hip_moment_nm"], HAND_HIP, atol=ATOL)
    # joint forces: the proximal segment holds up the GRF minus the distal weights
    np.testing.assert_allclose(df["ankle_force_y_n"], -(700.0 - 1.0 * G), atol=ATOL)
    np.testing.assert_allclose(df["knee_force_y_n"], -(700.0 - 4.5 * G), atol=ATOL)
    np.testing.assert_allclose(df["hip_force_y_n"], -(700.0 - 14.5 * G), atol=ATOL)
    np.testing.assert_allclose(df[["ankle_force_x_n", "knee_force_x_n", "hip_force_x_n"]], 0.0,
                               atol=ATOL)
    assert (df["ankle_moment_nm"] > 0).all() and (df["knee_moment_nm"] > 0).all()


def test_static_joint_moments_is_the_same_free_body():
    p = {k: np.asarray(v) for k, v in POSTURE.items()}
    out = static_joint_moments(**p, grf=(0.0, 700.0), cop=(0.10, 0.0), segments=SEGS)
    assert out.shape == (1, 3)
    np.testing.assert_allclose(out.iloc[0].to_numpy(), [HAND_ANKLE, HAND_KNEE, HAND_HIP],
                               atol=1e-12)


def test_static_limit_facing_minus_x_is_mirrored():
    df = inverse_dynamics(**_static_inputs(mirror=True), segments=SEGS)
    np.testing.assert_allclose(df["ankle_moment_nm"], HAND_ANKLE, atol=ATOL)
    np.testing.assert_allclose(df["knee_moment_nm"], HAND_KNEE, atol=ATOL)
    np.testing.assert_allclose(df["hip_moment_nm"], HAND_HIP, atol=ATOL)
    # explicit facing gives the same; the wrong explicit facing does not
    same = inverse_dynamics(**_static_inputs(mirror=True), segments=SEGS, facing="-x")
    np.testing.assert_allclose(same["knee_moment_nm"], HAND_KNEE, atol=ATOL)
    wrong = inverse_dynamics(**_static_inputs(mirror=True), segments=SEGS, facing="+x")
    assert not np.allclose(wrong["knee_moment_nm"], HAND_KNEE)


def test_static_free_moment_and_horizontal_grf():
    # A horizontal GRF component of +50 N (forward) acting at the floor and a free
    # moment of +2 N·m (CCW) add, about each joint J, -(0 - J_y)*... : (COP - J) x F:
    # (x_c - x_J)*Fy - (y_c - y_J)*Fx = ... - (0 - y_J)*50 = + 50 y_J, plus 2.
    inp = _static_inputs()
    inp["grf"] = _frozen(40, (50.0, 700.0))
    df = inverse_dynamics(**inp, segments=SEGS, free_moment=np.full(40, 2.0))
    np.testing.assert_allclose(df["ankle_moment_nm"], HAND_ANKLE + 50 * 0.10 + 2.0, atol=ATOL)
    np.testing.assert_allclose(df["knee_moment_nm"], HAND_KNEE - (50 * 0.50 + 2.0), atol=ATOL)
    np.testing.assert_allclose(df["hip_moment_nm"], HAND_HIP + 50 * 0.90 + 2.0, atol=ATOL)
    np.testing.assert_allclose(df["ankle_force_x_n"], -50.0, atol=ATOL)


def test_subject_segments_and_normalisation():
    subj = Subject(mass_kg=80.0, height_m=1.80)
    df = inverse_dynamics(**_static_inputs(), segments=subj)
    ref = static_joint_moments(**{k: v[0] for k, v in _static_inputs().items() if k != "time"},
                               segments=segment_table(subj))
    np.testing.assert_allclose(df["knee_moment_nm"].iloc[5], ref["knee_moment_nm"].iloc[0])
    np.testing.assert_allclose(df["knee_moment_nm_per_kg"], df["knee_moment_nm"] / 80.0)
    assert df.index.name == "time_s"
    no_mass = inverse_dynamics(**_static_inputs(), segments=SEGS)
    assert "knee_moment_nm_per_kg" not in no_mass


# ---------------------------------------------------------------------------
# 2. pendulums with prescribed motion (no ground contact)
# ---------------------------------------------------------------------------
AMP, FREQ = 0.6, 1.3  # rad, Hz


def _theta(t):
    w = 2 * np.pi * FREQ
    return AMP * np.sin(w * t), AMP * w * np.cos(w * t), -AMP * w**2 * np.sin(w * t)


def _rigid_leg(t, lengths=(0.45, 0.43), hip=(0.1, 0.9)):
    """Straight leg hanging from a fixed hip, swinging by theta (CCW from vertical)."""
    th, _, _ = _theta(t)
    e = np.column_stack([np.sin(th), -np.cos(th)])  # unit vector hip -> foot
    h = np.tile(hip, (t.size, 1))
    k = h + lengths[0] * e
    a = k + lengths[1] * e
    heel, toe = a + 0.02 * e, a + 0.22 * e  # foot in line with the leg (locked)
    return h, k, a, heel, toe


def test_single_segment_pendulum_hip_moment_is_analytic():
    t = np.arange(0, 2.0, 0.001)
    m, c, length, inertia = 8.0, 0.42, 0.45, 0.12
    segs = {"thigh": {"mass_kg": m, "com_fraction": c, "inertia_kgm2": inertia},
            "shank": {"mass_kg": 0.0, "com_fraction": 0.5, "inertia_kgm2": 0.0},
            "foot": {"mass_kg": 0.0, "com_fraction": 0.5, "inertia_kgm2": 0.0}}
    h, k, a, heel, toe = _rigid_leg(t, (length, 0.43))
    df = inverse_dynamics(t, h, k, a, heel, toe, segments=segs, facing="+x")
    th, _, thdd = _theta(t)
    d = c * length
    # pelvis-on-thigh Mz = I_hip th'' + m g d sin(th); hip extensor = -Mz
    expected = -((inertia + m * d**2) * thdd + m * G * d * np.sin(th))
    inner = slice(1, -1)
    np.testing.assert_allclose(df["hip_moment_nm"].to_numpy()[inner], expected[inner],
                               atol=2e-4 * np.abs(expected).max())
    np.testing.assert_allclose(df[["ankle_moment_nm", "knee_moment_nm"]], 0.0, atol=ATOL)
    assert not df["in_contact"].any()


def test_locked_leg_compound_pendulum_hip_and_knee():
    t = np.arange(0, 2.0, 0.001)
    lt, ls = 0.45, 0.43
    h, k, a, heel, toe = _rigid_leg(t, (lt, ls))
    th, _, thdd = _theta(t)
    # distance of each COM from the hip (rho) and from the knee (s), along the leg
    rho = {"thigh": SEGS["thigh"]["com_fraction"] * lt,
           "shank": lt + SEGS["shank"]["com_fraction"] * ls,
           "foot": lt + ls + 0.02 + SEGS["foot"]["com_fraction"] * 0.20}
    m = {s: SEGS[s]["mass_kg"] for s in SEGS}
    inertia = {s: SEGS[s]["inertia_kgm2"] for s in SEGS}
    i_hip = sum(inertia[s] + m[s] * rho[s] ** 2 for s in SEGS)
    mgd = G * sum(m[s] * rho[s] for s in SEGS)
    hip_expected = -(i_hip * thdd + mgd * np.sin(th))
    # about the knee (moving): sum over shank+foot of I a + m s rho a + m g s sin(th);
    # the centripetal terms are parallel to the leg and drop out.
    dist = ("shank", "foot")
    knee_mz = sum((inertia[s] + m[s] * (rho[s] - lt) * rho[s]) * thdd
                  + m[s] * G * (rho[s] - lt) * np.sin(th) for s in dist)
    df = inverse_dynamics(t, h, k, a, heel, toe, segments=SEGS, facing="+x")
    inner = slice(1, -1)
    np.testing.assert_allclose(df["hip_moment_nm"].to_numpy()[inner], hip_expected[inner],
                               atol=2e-4 * np.abs(hip_expected).max())
    np.testing.assert_allclose(df["knee_moment_nm"].to_numpy()[inner], knee_mz[inner],
                               atol=2e-4 * np.abs(knee_mz).max())


def test_swing_frames_ignore_sub_threshold_grf_and_nan_cop():
    t = np.arange(0, 1.0, 0.002)
    h, k, a, heel, toe = _rigid_leg(t)
    rng = np.random.default_rng(1)
    noise = rng.normal(0.0, 3.0, (t.size, 2))  # plate noise, |F| < 20 N
    cop = np.full((t.size, 2), np.nan)
    free = inverse_dynamics(t, h, k, a, heel, toe, segments=SEGS, facing="+x")
    noisy = inverse_dynamics(t, h, k, a, heel, toe, noise, cop, segments=SEGS, facing="+x")
    pd.testing.assert_frame_equal(free, noisy)


# ---------------------------------------------------------------------------
# 3. Newton's laws, segment by segment, with analytic accelerations
# ---------------------------------------------------------------------------
def _smooth(t, rng, mean, amp, n_terms=3):
    """Sum of random sinusoids (value, first and second derivative)."""
    f = rng.uniform(0.3, 2.0, n_terms)
    ph = rng.uniform(0, 2 * np.pi, n_terms)
    a = rng.uniform(0.3, 1.0, n_terms) * amp / n_terms
    w = 2 * np.pi * f[:, None]
    arg = w * t + ph[:, None]
    return (mean + (a[:, None] * np.sin(arg)).sum(0), (a[:, None] * w * np.cos(arg)).sum(0),
            -(a[:, None] * w**2 * np.sin(arg)).sum(0))


def test_newton_euler_laws_hold_per_segment_on_random_frames():
    rng = np.random.default_rng(20240607)
    t = np.arange(0, 2.0, 0.0005)
    lt, ls, lf = 0.44, 0.42, 0.26
    hx, hx1, hx2 = _smooth(t, rng, 0.0, 0.3)
    hy, hy1, hy2 = _smooth(t, rng, 0.9, 0.1)
    # segment angles of the vectors knee->hip, ankle->knee, heel->toe (CCW from +x)
    phi = {"thigh": _smooth(t, rng, 1.9, 0.5), "shank": _smooth(t, rng, 1.3, 0.5),
           "foot": _smooth(t, rng, 0.0, 0.3)}

    def vec(name, length, d):
        p, p1, p2 = phi[name]
        e = np.column_stack([np.cos(p), np.sin(p)])
        n = np.column_stack([-np.sin(p), np.cos(p)])
        return [length * e, length * p1[:, None] * n,
                length * (p2[:, None] * n - p1[:, None] ** 2 * e)][d]

    hip = [np.column_stack(v) for v in ((hx, hy), (hx1, hy1), (hx2, hy2))]
    knee = [hip[d] - vec("thigh", lt, d) for d in range(3)]
    ankle = [knee[d] - vec("shank", ls, d) for d in range(3)]
    heel = [ankle[d] + np.array([-0.06, -0.07]) * (d == 0) - 0.25 * vec("foot", lf, d)
            for d in range(3)]
    toe = [heel[d] + vec("foot", lf, d) for d in range(3)]
    grf = np.column_stack([_smooth(t, rng, 30.0, 80.0)[0], _smooth(t, rng, 600.0, 300.0)[0]])
    cop = np.column_stack([heel[0][:, 0] + 0.12, np.zeros(t.size)])
    tz = _smooth(t, rng, 0.0, 3.0)[0]
    df = inverse_dynamics(t, hip[0], knee[0], ankle[0], heel[0], toe[0], grf, cop,
                          free_moment=tz, segments=SEGS, facing="+x")

    c = {s: SEGS[s]["com_fraction"] for s in SEGS}
    com = {"foot": [heel[d] + c["foot"] * (toe[d] - heel[d]) for d in range(3)],
           "shank": [knee[d] + c["shank"] * (ankle[d] - knee[d]) for d in range(3)],
           "thigh": [hip[d] + c["thigh"] * (knee[d] - hip[d]) for d in range(3)]}
    g = np.array([0.0, -G])
    cross = lambda a, b: a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]  # noqa: E731
    frames = rng.choice(np.arange(10, t.size - 10), 25, replace=False)
    # Mz exerted by the proximal segment at each joint, from the reported moments
    mz = {"ankle": -df["ankle_moment_nm"].to_numpy(), "knee": df["knee_moment_nm"].to_numpy(),
          "hip": -df["hip_moment_nm"].to_numpy()}
    force = {j: df[[f"{j}_force_x_n", f"{j}_force_y_n"]].to_numpy() for j in mz}
    joint_pos = {"ankle": ankle[0], "knee": knee[0], "hip": hip[0]}
    chain = [("foot", "ankle", None), ("shank", "knee", "ankle"), ("thigh", "hip", "knee")]
    for seg, prox, dist in chain:
        m, inertia = SEGS[seg]["mass_kg"], SEGS[seg]["inertia_kgm2"]
        r = com[seg][0]
        if dist is None:  # the ground acts on the foot
            f_d, m_d, p_d = grf, tz, cop
        else:  # third law: minus what this segment exerts on the one below
            f_d, m_d, p_d = -force[dist], -mz[dist], joint_pos[dist]
        f_p, m_p, p_p = force[prox], mz[prox], joint_pos[prox]
        sum_f = f_p + f_d + m * g
        sum_m = m_p + m_d + cross(p_p - r, f_p) + cross(p_d - r, f_d)
        alpha = phi[seg][2]
        np.testing.assert_allclose(sum_f[frames], m * com[seg][2][frames], atol=0.05,
                                   err_msg=f"sum of forces on the {seg}")
        np.testing.assert_allclose(sum_m[frames], inertia * alpha[frames], atol=0.01,
                                   err_msg=f"sum of moments on the {seg}")
    # the same motion mirrored (facing -x) gives the same moments
    mir = lambda p: p * np.array([-1.0, 1.0])  # noqa: E731
    df_m = inverse_dynamics(t, mir(hip[0]), mir(knee[0]), mir(ankle[0]), mir(heel[0]),
                            mir(toe[0]), mir(grf), mir(cop), free_moment=-tz, segments=SEGS)
    for col in ("ankle_moment_nm", "knee_moment_nm", "hip_moment_nm", "knee_force_x_n"):
        np.testing.assert_allclose(df_m[col], df[col], atol=1e-8)


# ---------------------------------------------------------------------------
# 4. input validation
# ---------------------------------------------------------------------------
def _good(n=30):
    inp = _static_inputs(n)
    return inp


@pytest.mark.parametrize("arg,value,match", [
    ("time", np.r_[0.0, 0.02, 0.01, np.arange(3, 30) / 100], "time"),
    ("time", np.r_[np.nan, np.arange(1, 30) / 100], "time"),
    ("knee", np.zeros((29, 2)), "knee"),
    ("hip", np.zeros((30, 3)), "sagittal"),
    ("ankle", np.full((30, 2), np.nan), "ankle"),
    ("grf", np.zeros((30,)), "grf"),
    ("cop", np.zeros((30, 3)), "cop"),
])
def test_bad_inputs_raise_naming_the_argument(arg, value, match):
    inp = _good()
    inp[arg] = value
    with pytest.raises(InputRangeError, match=match):
        inverse_dynamics(**inp, segments=SEGS)


def test_nan_cop_under_load_and_bad_options_raise():
    inp = _good()
    inp["cop"] = inp["cop"].copy()
    inp["cop"][4] = np.nan
    with pytest.raises(InputRangeError, match="cop.*sample 4"):
        inverse_dynamics(**inp, segments=SEGS)
    with pytest.raises(InputRangeError, match="facing"):
        inverse_dynamics(**_good(), segments=SEGS, facing="left")
    with pytest.raises(InputRangeError, match="thigh"):
        inverse_dynamics(**_good(), segments={"foot": SEGS["foot"], "shank": SEGS["shank"]})
    bad = {**SEGS, "shank": {**SEGS["shank"], "com_fraction": 1.5}}
    with pytest.raises(InputRangeError, match="com_fraction"):
        inverse_dynamics(**_good(), segments=bad)
    with pytest.raises(InputRangeError, match="free_moment"):
        inverse_dynamics(**_good(), segments=SEGS, free_moment=np.zeros(5))
    with pytest.raises(InputRangeError, match="cutoff_hz"):
        inverse_dynamics(**_good(), segments=SEGS, cutoff_hz=80.0)
    uneven = _good()
    uneven["time"] = np.cumsum(np.r_[0.0, np.full(29, 0.01)] * (1 + 0.1 * (np.arange(30) % 2)))
    with pytest.raises(InputRangeError, match="uniform"):
        inverse_dynamics(**uneven, segments=SEGS, cutoff_hz=6.0)
    with pytest.raises(InputRangeError, match="length_m"):
        inverse_dynamics(**_good(), segments=SEGS, foot_distal="ball")


def test_foot_distal_ball_places_com_by_foot_length():
    segs = {**SEGS, "foot": {**SEGS["foot"], "length_m": 0.25}}
    inp = _good()
    inp["toe"] = _frozen(30, (0.15, 0.0))  # ball 0.20 m in front of the heel
    df = inverse_dynamics(**inp, segments=segs, foot_distal="ball")
    # COM 0.4 * 0.25 = 0.10 m in front of the heel -> x = 0.05: same as the toe case
    np.testing.assert_allclose(df["ankle_moment_nm"], HAND_ANKLE, atol=ATOL)


# ---------------------------------------------------------------------------
# 5. joint-centre helpers
# ---------------------------------------------------------------------------
def test_harrington_hip_centre_in_an_aligned_pelvis():
    # pelvis facing +x, y up, z right; PW = 0.24 m, PD = 0.15 m
    n = 3
    rasis = np.tile([0.0, 1.0, 0.12], (n, 1))
    lasis = np.tile([0.0, 1.0, -0.12], (n, 1))
    sacrum = np.tile([-0.15, 1.0, 0.0], (n, 1))
    hjc = harrington_hip_centre(rasis, lasis, sacrum, "right")
    expected = [(-0.24 * 150 - 9.9) / 1000, 1.0 + (-0.30 * 240 - 10.9) / 1000,
                (0.33 * 240 + 7.3) / 1000]
    np.testing.assert_allclose(hjc, np.tile(expected, (n, 1)), atol=1e-12)
    left = harrington_hip_centre(rasis, lasis, sacrum, "left")
    np.testing.assert_allclose(left[:, 2], -expected[2])


def test_functional_joint_centre_recovers_a_ball_joint():
    rng = np.random.default_rng(3)
    n = 200
    centre = np.array([0.3, 0.5, 0.1])
    from scipy.spatial.transform import Rotation

    local_p = rng.normal(0, 0.08, (4, 3)) + [0, 0.2, 0]
    local_d = rng.normal(0, 0.08, (4, 3)) + [0, -0.2, 0]
    rp = Rotation.from_rotvec(rng.normal(0, 0.2, (n, 3)))
    rd = Rotation.from_rotvec(rng.normal(0, 0.6, (n, 3)))
    shift = np.cumsum(rng.normal(0, 0.01, (n, 3)), axis=0)
    prox = np.stack([rp.apply(p) for p in local_p], axis=1) + centre + shift[:, None]
    dist = np.stack([rd.apply(p) for p in local_d], axis=1) + centre + shift[:, None]
    est = functional_joint_centre(prox, dist)
    np.testing.assert_allclose(est, centre + shift, atol=ATOL)


# ---------------------------------------------------------------------------
# 6. real data: OpenSim example walking trial vs OpenSim inverse dynamics
# ---------------------------------------------------------------------------
def _read_opensim_trial():
    """Markers (time, {name: (N, 3) m}), GRF (DataFrame with ``time``) and the ID reference.

    The TRC time column is rounded to 1 ms, so the marker times are rebuilt as
    frame / DataRate (uniform, as the filter needs).
    """
    markers = read(DATA / "subject01_walk1.trc")
    t = np.arange(markers.n_frames) / markers.rate_hz
    mk = {name: markers.point(name) for name in markers.point_names}
    plates = read(DATA / "subject01_walk1_grf.mot")
    grf = plates.analogs.reset_index(drop=True)
    grf.insert(0, "time", plates.analog_time)
    ref = read(DATA / "gait10dof18musc_subject01_walk_ID.sto").analogs.reset_index(drop=True)
    return (t, mk), grf, ref


def opensim_walk_inverse_dynamics(cutoff_hz: float = 6.0, filter_grf: bool = True,
                                  ankle_fraction: float = 0.25):
    """Right-leg ID of the OpenSim subject01 walk; returns (result, reference, info).

    Joint centres (documented in docs/validation_inverse_dynamics.md):
    hip = Harrington et al. (2007) regression from R/L ASIS and V.Sacral; knee =
    SCoRE functional centre (Ehrig et al. 2006) of the thigh and shank marker
    clusters (this marker set has no knee or malleolus markers); ankle = on the
    heel-toe-tip marker line, ``ankle_fraction`` of its length in front of the heel
    (lungelab's Subject.ankle_fraction default, 0.25).  3-D points are projected on
    the sagittal plane of the walking direction (the mean horizontal direction from
    the sacral marker to the ASIS mid-point) and the vertical.
    """
    (t, mk), grf, ref = _read_opensim_trial()
    cluster = lambda *names: np.stack([mk[nm] for nm in names], axis=1)  # noqa: E731
    thigh = cluster("R.Thigh.Upper", "R.Thigh.Front", "R.Thigh.Rear")
    shank = cluster("R.Shank.Upper", "R.Shank.Front", "R.Shank.Rear")
    hip3 = harrington_hip_centre(mk["R.ASIS"], mk["L.ASIS"], mk["V.Sacral"], "right")
    knee3 = functional_joint_centre(thigh, shank)
    # sagittal plane: walking direction (horizontal) and vertical (y up in OpenSim)
    fwd = (0.5 * (mk["R.ASIS"] + mk["L.ASIS"]) - mk["V.Sacral"]).mean(axis=0)
    fwd[1] = 0.0
    fwd /= np.linalg.norm(fwd)
    proj = lambda p: np.column_stack([p @ fwd, p[:, 1]])  # noqa: E731
    hip, knee = proj(hip3), proj(knee3)
    heel, toe = proj(mk["R.Heel"]), proj(mk["R.Toe.Tip"])
    ankle = heel + ankle_fraction * (toe - heel)
    # right foot: the plate whose COP lies on the right (+z) side; forces at the
    # marker times (linear interpolation of the 600 Hz record)
    prefix = "" if grf["ground_force_pz"].mean() > grf["1_ground_force_pz"].mean() else "1_"
    tg = grf["time"].to_numpy()
    col = lambda c: np.interp(t, tg, grf[prefix + c].to_numpy())  # noqa: E731
    f3 = np.column_stack([col("ground_force_vx"), col("ground_force_vy"),
                          col("ground_force_vz")])
    c3 = np.column_stack([col("ground_force_px"), col("ground_force_py"),
                          col("ground_force_pz")])
    force, cop = proj(f3), proj(c3)
    free = col("ground_torque_z")
    # body mass: mean total vertical GRF over one full gait cycle (right heel strike to
    # the next) / g; the vertical momentum is nearly the same at both ends.
    fy = grf[prefix + "ground_force_vy"].to_numpy()
    strikes = np.flatnonzero((fy[1:] >= 20.0) & (fy[:-1] < 20.0)) + 1
    total = fy + grf[("1_" if prefix == "" else "") + "ground_force_vy"].to_numpy()
    mass = float(total[strikes[0]:strikes[1]].mean() / G)
    length = lambda a, b: float(np.linalg.norm(a - b, axis=1).mean())  # noqa: E731
    subject = Subject(mass_kg=mass, height_m=float(mk["Top.Head"][:, 1].mean()), sex="male",
                      thigh_length_m=length(hip, knee), shank_length_m=length(knee, ankle),
                      foot_length_m=length(heel, toe))
    result = inverse_dynamics(t, hip, knee, ankle, heel, toe, force, cop, free_moment=free,
                              segments=subject, cutoff_hz=cutoff_hz, filter_grf=filter_grf)
    # OpenSim -> lungelab signs: hip flexion moment +  -> hip extensor = -hip_flexion_r;
    # knee_angle is negative in flexion, so its positive moment extends the knee;
    # ankle_angle + = dorsiflexion -> plantarflexor = -ankle_angle_r.
    reference = pd.DataFrame({
        "hip": -ref["hip_flexion_r_moment"].to_numpy(),
        "knee": ref["knee_angle_r_moment"].to_numpy(),
        "ankle": -ref["ankle_angle_r_moment"].to_numpy()}, index=t)
    offs = np.flatnonzero((fy[1:] < 20.0) & (fy[:-1] >= 20.0)) + 1
    off = offs[offs > strikes[0]][0]
    info = {"mass_kg": mass, "stance_s": (tg[strikes[0]], tg[off]), "subject": subject,
            # right-leg swing phases (GRF < 20 N), a frame inside each end
            "swings_s": [(tg[a] + 0.01, tg[b] - 0.01) for a, b in
                         zip(offs, strikes[strikes > offs[0]], strict=False)]}
    return result, reference, info


def compare(result: pd.DataFrame, reference: pd.DataFrame, window: tuple[float, float]):
    """RMS error (N·m), RMS as % of the reference range, and Pearson r per joint."""
    t = result.index.to_numpy()
    sel = (t >= window[0]) & (t <= window[1])
    out = {}
    for joint in ("hip", "knee", "ankle"):
        a = result[f"{joint}_moment_nm"].to_numpy()[sel]
        b = reference[joint].to_numpy()[sel]
        rms = float(np.sqrt(np.mean((a - b) ** 2)))
        out[joint] = {"rms_nm": rms, "rms_pct_range": 100 * rms / float(np.ptp(b)),
                      "r": float(np.corrcoef(a, b)[0, 1]),
                      "peak_ours": float(a[np.argmax(np.abs(a))]),
                      "peak_ref": float(b[np.argmax(np.abs(b))])}
    return out


@pytest.fixture(scope="module")
def opensim_walk():
    if not DATA.is_dir():
        pytest.fail(f"real data missing: {DATA}")
    return opensim_walk_inverse_dynamics()


def test_opensim_walk_mass_and_stance(opensim_walk):
    _, _, info = opensim_walk
    # 72.9 kg; the scaled gait2354 model of opensim-models implies about 72.6 kg
    assert 70.0 < info["mass_kg"] < 76.0
    t0, t1 = info["stance_s"]
    assert t0 == pytest.approx(0.617, abs=0.01) and t1 == pytest.approx(1.408, abs=0.01)


def test_opensim_walk_stance_moments_match_reference(opensim_walk):
    result, reference, info = opensim_walk
    stats = compare(result, reference, info["stance_s"])
    # achieved (6 Hz, GRF filtered alike): hip 15.5 N·m / 15.2 % of range / r 0.966,
    # knee 14.8 N·m / 15.2 % / r 0.986, ankle 1.8 N·m / 1.3 % / r 1.000.  Most of the
    # hip and knee difference is the joint-centre definition (see the docs).
    assert stats["ankle"]["r"] > 0.995
    assert stats["ankle"]["rms_nm"] < 4.0 and stats["ankle"]["rms_pct_range"] < 3.0
    assert stats["knee"]["r"] > 0.97
    assert stats["knee"]["rms_nm"] < 18.0 and stats["knee"]["rms_pct_range"] < 18.0
    assert stats["hip"]["r"] > 0.95
    assert stats["hip"]["rms_nm"] < 18.0 and stats["hip"]["rms_pct_range"] < 18.0
    # the peak plantarflexor moment in push-off: about 130 N·m in both
    assert stats["ankle"]["peak_ours"] == pytest.approx(stats["ankle"]["peak_ref"], rel=0.05)


def test_opensim_walk_swing_moments_match_reference(opensim_walk):
    # GRF = 0: the moments come from gravity and inertia alone
    result, reference, info = opensim_walk
    assert len(info["swings_s"]) == 2
    for window in info["swings_s"]:
        stats = compare(result, reference, window)
        # achieved: knee 1.5-1.6 N·m, r 0.98-0.99; hip 4.9-5.2 N·m, r 0.65-0.71;
        # ankle 0.5 N·m
        assert stats["knee"]["r"] > 0.97 and stats["knee"]["rms_nm"] < 2.5
        assert stats["hip"]["rms_nm"] < 7.0 and stats["hip"]["r"] > 0.5
        assert stats["ankle"]["rms_nm"] < 1.0
        assert not result.loc[window[0]:window[1], "in_contact"].any()


# ---------------------------------------------------------------------------
# 7. real data: Winter's Appendix A stride, swing phase only (no GRF in the file)
# ---------------------------------------------------------------------------
WINTER = Path(__file__).resolve().parents[1] / "data" / "real" / "bmc-winter-isb" / "wn35b.txt"


def test_winter_swing_phase_moment_pattern():
    """Swing-phase moments of Winter's smoothed stride follow the textbook pattern.

    wn35b.txt: smoothed sagittal markers (values in m despite the "cm" unit line),
    69.9 Hz.  Right heel strikes at frames 28 and 98, toe off at frame 69 (1-based;
    Winter 2009, Appendix A).  Without GRF only the swing phase can be computed.  With
    the Winter segment table the moments in N·m/kg do not depend on the body mass.
    Expected (Winter 2009, ch. 5): early swing hip flexor and knee extensor moments
    (the swing is started and the knee flexion checked), terminal swing hip extensor
    and knee flexor moments (the hamstrings decelerate the leg), a near-zero ankle
    moment, and about 60° peak knee flexion.
    """
    if not WINTER.is_file():
        pytest.fail(f"real data missing: {WINTER}")
    trial = read(WINTER)  # lungelab.io.read_winter: metres, z = 0
    t = trial.time
    # markers: shoulder, hip, tibial epicondyle (the knee marker of Table A.1),
    # "Knee" (the fibula head of Table A.1), ankle, heel, ball, toes
    pt = lambda name: trial.point(name)[:, :2]  # noqa: E731
    hip, knee, ankle, heel, toe = (pt(nm) for nm in ("Hip", "Tib.Epic.", "Ankle", "Heel", "Toes"))
    length = lambda a, b: float(np.linalg.norm(a - b, axis=1).mean())  # noqa: E731
    subject = Subject(mass_kg=56.7, height_m=1.56, sex="female", table="winter",
                      thigh_length_m=length(hip, knee), shank_length_m=length(knee, ankle),
                      foot_length_m=length(heel, toe))
    r = inverse_dynamics(t, hip, knee, ankle, heel, toe, segments=subject)  # data smoothed
    # swings: rows 1-26 (the first row is an edge frame) and rows 69-96
    for rows in (np.arange(1, 27), np.arange(69, 97)):
        sw = r.iloc[rows]
        early, late = sw.iloc[: len(rows) // 3], sw.iloc[-len(rows) // 3:]
        # achieved: ankle max |M| 0.055 N·m/kg; early knee +0.18/+0.15, hip -0.36/-0.29;
        # late knee -0.31/-0.33, hip +0.40/+0.42; peak knee flexion 60.2/59.6 deg
        assert sw["ankle_moment_nm_per_kg"].abs().max() < 0.06
        assert early["knee_moment_nm_per_kg"].max() > 0.1
        assert early["hip_moment_nm_per_kg"].min() < -0.2
        assert late["knee_moment_nm_per_kg"].min() < -0.25
        assert late["hip_moment_nm_per_kg"].max() > 0.3
        assert 55.0 < np.degrees(sw["knee_flexion_rad"].max()) < 65.0


def test_joint_centre_helpers_reject_degenerate_markers():
    pts = np.zeros((5, 3))
    with pytest.raises(InputRangeError, match="distinct"):
        harrington_hip_centre(pts, pts, pts)
    line = np.stack([pts, pts + [1.0, 0, 0], pts + [2.0, 0, 0]], axis=1)
    good = np.stack([pts, pts + [1.0, 0, 0], pts + [0, 1.0, 0]], axis=1)
    with pytest.raises(InputRangeError, match="proximal_markers"):
        functional_joint_centre(line, good)
    with pytest.raises(InputRangeError, match="distal_markers"):
        functional_joint_centre(good, good[:, :2])
