"""Property-based tests of the lunge model (hypothesis, deterministic).

Over random postures, bodies (mass, height, sex, anthropometric table), held loads and
modelling assumptions:

1. **Equilibrium**, recomputed here from the positions and forces the model reports and
   the segment weights (mass fractions and COM fractions of
   :meth:`lungelab.Subject.model_parameters`): whole-body force and moment balance, the
   free body of each leg below every joint (ankle, knee, hip), the body and system
   centres of mass, and the GRF-convergence assumption (both foot forces point at the
   same point on the COM's vertical).
2. **Balance flags**: ``balanced`` ⇒ every vertical reaction >= 0 and both shares in
   [0, 1]; a negative vertical reaction ⇒ ``balanced`` is false; unbalanced rows are
   masked.
3. **Continuity**: away from the balance and closure boundaries, a 0.001° change of the
   posture changes forces and moments by a bounded amount, shrinking with the step.
4. **Units**: N·m/kg × kg = N·m; scaling the masses scales forces and moments and
   leaves per-kg moments and shares alone; scaling the height scales positions and
   moments and leaves forces alone (dimensional homogeneity).
5. **Symbolic vs compiled** on a few drawn examples (numbers substituted into
   :func:`lungelab.compiled.symbolic_outputs`).
6. **solve() vs evaluate()** agree field by field, including infeasible postures.
7. **JSON**: :meth:`LungeResult.to_dict` survives a strict JSON round trip unchanged.

Every test uses ``derandomize=True`` (same examples on every run) and no example
database; the whole file runs in well under 30 s.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lungelab import (
    ExternalLoad,
    InfeasiblePostureError,
    InputRangeError,
    LungeModel,
    LungePosture,
    Subject,
)
from lungelab.loads import JOINTS

PROPS = settings(derandomize=True, database=None, deadline=None, max_examples=60,
                 suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------------------
subjects = st.builds(
    Subject,
    mass_kg=st.floats(40.0, 150.0),
    height_m=st.floats(1.45, 2.05),
    sex=st.sampled_from(("male", "female")),
    table=st.sampled_from(("de_leva", "winter")),
)
loads = st.builds(ExternalLoad, mass_kg=st.one_of(st.just(0.0), st.floats(0.0, 60.0)),
                  at=st.sampled_from(("hands", "shoulders")))
convergences = st.one_of(st.sampled_from(("com", "vertical")), st.floats(0.3, 5.0))
models = st.builds(LungeModel, subject=subjects, load=loads, grf_convergence=convergences,
                   contact_area_model=st.sampled_from(("quartic", "besier2005")))

# posture angles, degrees: wide enough to reach infeasible and unbalanced postures
ANGLES = {
    "front_knee_flexion_deg": (40.0, 120.0),
    "front_shank_angle_deg": (-10.0, 40.0),
    "trunk_lean_deg": (-10.0, 60.0),
    "rear_knee_flexion_deg": (40.0, 130.0),
    "rear_foot_angle_deg": (20.0, 70.0),
}
postures = st.fixed_dictionaries({k: st.floats(lo, hi) for k, (lo, hi) in ANGLES.items()})
share_kind = st.sampled_from(("front_share", "front_heel_share"))
SAFE = {  # typical lunges: the chain closes and (mostly) balances
    "front_knee_flexion_deg": (60.0, 100.0),
    "front_shank_angle_deg": (-5.0, 25.0),
    "trunk_lean_deg": (0.0, 40.0),
    "rear_knee_flexion_deg": (70.0, 110.0),
    "rear_foot_angle_deg": (30.0, 60.0),
}
typical_postures = st.fixed_dictionaries({k: st.floats(lo, hi) for k, (lo, hi) in SAFE.items()})
# shares: the exact ends, and the inside kept >= 1e-6 (1/share overflows near 1e-308)
unit = st.one_of(st.sampled_from((0.0, 1.0)), st.floats(1e-6, 1.0))


@st.composite
def batches(draw, size=(1, 8)):
    """A model, a share kind and a batch of postures with their shares (arrays)."""
    model = draw(models)
    kind = draw(share_kind)
    rows = draw(st.lists(postures, min_size=size[0], max_size=size[1]))
    shares = draw(st.lists(unit, min_size=len(rows), max_size=len(rows)))
    cols = {k: np.array([r[k] for r in rows]) for k in ANGLES}
    return model, kind, cols, np.array(shares)


def raw_frame(model, kind, cols, shares):
    """evaluate() without masking: the raw solution on every row."""
    return model.evaluate(**cols, **{kind: shares}, mask_unbalanced=False)


def col(df, name):
    return df[name].to_numpy(dtype=float)


def point(df, name):
    return np.stack([col(df, f"{name}_x_m"), col(df, f"{name}_y_m")])


def cross(r, f):
    """z component of r × f for stacked (2, n) vectors."""
    return r[0] * f[1] - r[1] * f[0]


def segment_coms(df, subject, load):
    """Segment centres of mass (2, n) and masses (kg), from reported positions only."""
    p = subject.model_parameters()
    m = subject.mass_kg
    heel, toe, ankle = point(df, "front_heel"), point(df, "front_toe"), point(df, "front_ankle")
    knee, hip = point(df, "front_knee"), point(df, "hip")
    shoulder, top = point(df, "shoulder"), point(df, "head_top")
    r_heel, r_ball = point(df, "rear_heel"), point(df, "rear_ball")
    r_knee, r_ankle = point(df, "rear_knee"), point(df, "rear_ankle")
    foot_len = toe[0] - heel[0]
    ankle_h = ankle[1]
    # rear foot: along its heel->ball line, lifted by half the ankle height
    u = (r_ball - r_heel) / np.hypot(*(r_ball - r_heel))
    n = np.stack([-u[1], u[0]])
    down = np.stack([np.zeros_like(foot_len), np.ones_like(foot_len)])
    coms = {
        "front_foot": np.stack([heel[0] + p["c_ft"] * foot_len, ankle_h / 2]),
        "rear_foot": r_heel + p["c_ft"] * foot_len * u + ankle_h / 2 * n,
        "front_shank": knee + p["c_sh"] * (ankle - knee),
        "rear_shank": r_knee + p["c_sh"] * (r_ankle - r_knee),
        "front_thigh": hip + p["c_th"] * (knee - hip),
        "rear_thigh": hip + p["c_th"] * (r_knee - hip),
        "trunk": hip + p["c_tr"] * (shoulder - hip),
        "head": shoulder + p["c_hd"] * (top - shoulder),
        "arms": shoulder - p["d_arm"] * down,
    }
    masses = {"front_foot": p["f_ft"], "rear_foot": p["f_ft"], "front_shank": p["f_sh"],
              "rear_shank": p["f_sh"], "front_thigh": p["f_th"], "rear_thigh": p["f_th"],
              "trunk": p["f_tr"], "head": p["f_hd"], "arms": p["f_arm"]}
    masses = {k: v * m for k, v in masses.items()}
    d_load = subject.arm_length if load.at == "hands" else 0.0
    load_pos = shoulder - d_load * down
    return coms, masses, load_pos, p["g"]


# ---------------------------------------------------------------------------------------
# 1. equilibrium
# ---------------------------------------------------------------------------------------
@settings(PROPS, max_examples=80)
@given(batches())
def test_equilibrium_recomputed_from_reported_positions_and_forces(batch):
    model, kind, cols, shares = batch
    df = raw_frame(model, kind, cols, shares)
    df = df[df["feasible"].to_numpy()]
    event(f"feasible rows checked: {min(len(df), 3)}{'+' if len(df) >= 3 else ''}")
    if df.empty:
        return
    subject, load = model.subject, model.load
    coms, masses, load_pos, g = segment_coms(df, subject, load)
    m_body = sum(masses.values())
    W = g * (m_body + load.mass_kg)
    Vh, Vb, Vr = col(df, "grf_front_heel_n"), col(df, "grf_front_toes_n"), col(df, "grf_rear_n")
    Hf, Hr = col(df, "grf_front_horizontal_n"), col(df, "grf_rear_horizontal_n")
    xh, xb, xr = col(df, "front_heel_x_m"), col(df, "front_ball_x_m"), col(df, "rear_ball_x_m")
    scale_f = W
    scale_m = W * (subject.height_m)

    # centres of mass: body from the segments, system with the load
    com = sum(masses[k] * coms[k] for k in coms) / m_body
    np.testing.assert_allclose(com, point(df, "com"), rtol=0, atol=1e-9)
    com_sys = (m_body * com + load.mass_kg * load_pos) / (m_body + load.mass_kg)
    np.testing.assert_allclose(com_sys, point(df, "com_system"), rtol=0, atol=1e-9)

    # whole body: forces and moment about the origin (horizontal forces act at y = 0)
    np.testing.assert_allclose(Vh + Vb + Vr, W, rtol=1e-9)
    np.testing.assert_allclose(Hf + Hr, 0.0, atol=1e-9 * scale_f)
    gravity_moment = sum(-g * masses[k] * coms[k][0] for k in coms) - g * load.mass_kg * load_pos[0]
    np.testing.assert_allclose(Vh * xh + Vb * xb + Vr * xr + gravity_moment, 0.0,
                               atol=1e-9 * scale_m)

    # each leg below each joint: ankle plantarflexor, knee extensor, hip extensor positive
    zero = np.zeros_like(Vh)
    floor = {"front": [(np.stack([xh, zero]), np.stack([zero, Vh])),
                       (np.stack([xb, zero]), np.stack([zero, Vb])),
                       (np.stack([xh, zero]), np.stack([Hf, zero]))],
             "rear": [(np.stack([xr, zero]), np.stack([Hr, Vr]))]}
    for side in ("front", "rear"):
        joints = {"ankle": point(df, f"{side}_ankle"), "knee": point(df, f"{side}_knee"),
                  "hip": point(df, "hip")}
        distal = list(floor[side])
        for joint, seg, sign in (("ankle", "foot", 1), ("knee", "shank", -1),
                                 ("hip", "thigh", 1)):
            name = f"{side}_{seg}"
            distal.append((coms[name], np.stack([zero, -g * masses[name] + zero])))
            J = joints[joint]
            expected = sign * sum(cross(r - J, F) for r, F in distal)
            np.testing.assert_allclose(col(df, f"{side}_{joint}_moment_nm"), expected,
                                       rtol=0, atol=1e-9 * scale_m,
                                       err_msg=f"{side}_{joint}")

    # shares and the front centre of pressure
    Vf = Vh + Vb
    np.testing.assert_allclose(col(df, "front_share") * W, Vf, atol=1e-9 * scale_f)
    np.testing.assert_allclose(col(df, "rear_share") * W, Vr, atol=1e-9 * scale_f)
    h = col(df, "front_heel_share")
    ok = np.abs(Vf) > 1e-6 * W
    np.testing.assert_allclose(h[ok] * Vf[ok], Vh[ok], atol=1e-9 * scale_f)
    cop = col(df, "cop_front_x_m")
    np.testing.assert_allclose(cop[ok] * Vf[ok], (Vh * xh + Vb * xb)[ok], atol=1e-9 * scale_m)

    # the GRF-convergence assumption: each foot force points at one height z on the
    # COM's vertical: H z = V (x_com - x_foot)
    xc, yc = col(df, "com_system_x_m"), col(df, "com_system_y_m")
    conv = model.grf_convergence
    if conv == "vertical":
        np.testing.assert_allclose(Hf, 0.0, atol=1e-9 * scale_f)
        np.testing.assert_allclose(Hr, 0.0, atol=1e-9 * scale_f)
    else:
        z = yc if conv == "com" else float(conv)
        np.testing.assert_allclose(Hf * z, Vf * xc - Vh * xh - Vb * xb, atol=1e-9 * scale_m)
        np.testing.assert_allclose(Hr * z, Vr * (xc - xr), atol=1e-9 * scale_m)


# ---------------------------------------------------------------------------------------
# 2. balance flags
# ---------------------------------------------------------------------------------------
@settings(PROPS, max_examples=80)
@given(batches())
def test_balanced_means_nonnegative_reactions_and_shares_in_unit_interval(batch):
    model, kind, cols, shares = batch
    df = raw_frame(model, kind, cols, shares)
    bal = df["balanced"].to_numpy(dtype=bool)
    feas = df["feasible"].to_numpy(dtype=bool)
    V = np.stack([col(df, "grf_front_heel_n"), col(df, "grf_front_toes_n"), col(df, "grf_rear_n")])
    W = V.sum(axis=0)
    assert not np.any(bal & ~feas), "a posture that cannot be built is flagged balanced"
    # any clearly negative vertical reaction => not balanced
    negative = np.any(V < -1e-6 * np.abs(W), axis=0)
    assert not np.any(bal & negative), "balanced although a vertical reaction is negative"
    # balanced => shares in [0, 1] and all reactions >= 0 (to rounding)
    tol = 1e-9
    for name in ("front_share", "rear_share", "front_heel_share", "front_toes_share"):
        s = col(df, name)[bal]
        assert np.all((s >= -tol) & (s <= 1 + tol)), (name, s)
    assert np.all(V[:, bal] >= -tol * W[bal])
    # masking: unbalanced rows carry no loads, balanced rows are untouched
    masked = model.evaluate(**cols, **{kind: shares})
    for name in ("front_share", "grf_rear_n", "front_knee_moment_nm", "pfj_stress_mpa"):
        m = col(masked, name)
        assert np.all(np.isnan(m[~bal])), name
        np.testing.assert_array_equal(m[bal], col(df, name)[bal])
    # and solve() agrees on the flag, with loads None exactly when not balanced
    first = {k: float(v[0]) for k, v in cols.items()}
    try:
        res = model.solve(LungePosture(**first), **{kind: float(shares[0])})
    except InfeasiblePostureError:
        assert not feas[0]
        return
    assert res.balanced == bool(bal[0])
    assert (res.grf_n is None) == (not res.balanced)
    assert (res.moments_nm is None) == (not res.balanced)
    if res.balanced:
        assert 0 <= res.front_share <= 1 and 0 <= res.front_heel_share <= 1
    else:
        assert res.warnings and res.warnings[0].startswith("not balanced")


# ---------------------------------------------------------------------------------------
# 3. continuity
# ---------------------------------------------------------------------------------------
OUTPUTS = ("grf_front_heel_n", "grf_front_toes_n", "grf_rear_n", "grf_front_horizontal_n",
           "grf_rear_horizontal_n") + tuple(f"{j}_moment_nm" for j in JOINTS)


def _margin_ok(df, W):
    """Rows safely away from the balance boundary and from the chain's closure limit."""
    V = np.stack([col(df, "grf_front_heel_n"), col(df, "grf_front_toes_n"),
                  col(df, "grf_rear_n")])
    rear_reach = col(df, "hip_x_m") - col(df, "rear_ankle_x_m")  # 0 when the rear leg is taut
    return (df["balanced"].to_numpy(dtype=bool) & (V.min(axis=0) > 0.02 * W)
            & (rear_reach > 0.05) & (col(df, "rear_knee_height_m") > 0.02))


@settings(PROPS, max_examples=80)
@given(batches(size=(6, 10)), st.lists(st.sampled_from((-1.0, 1.0)), min_size=6, max_size=6))
def test_small_input_change_gives_small_output_change(batch, signs):
    model, kind, cols, shares = batch
    step_deg = 1e-3
    base = raw_frame(model, kind, cols, shares)
    W = col(base, "grf_front_heel_n") + col(base, "grf_front_toes_n") + col(base, "grf_rear_n")
    L = model.subject.height_m

    def moved(factor):
        c = {k: np.clip(v + s * factor * step_deg, *ANGLES[k])
             for (k, v), s in zip(cols.items(), signs, strict=False)}
        sh = np.clip(shares + signs[5] * factor * 1e-5, 0.0, 1.0)
        return raw_frame(model, kind, c, sh)

    big, small = moved(1.0), moved(0.1)
    ok = _margin_ok(base, W) & _margin_ok(big, W) & _margin_ok(small, W)
    event(f"rows away from the boundaries: {'some' if ok.any() else 'none'}")
    if not ok.any():
        return
    dx = math.radians(step_deg)
    for name in OUTPUTS + ("pfj_stress_mpa", "front_share", "rear_knee_x_m"):
        b, d_big, d_small = col(base, name), col(big, name), col(small, name)
        delta_big = np.abs(d_big - b)[ok]
        delta_small = np.abs(d_small - b)[ok]
        scale = {"pfj_stress_mpa": 1.0 + np.abs(b[ok]), "front_share": 1.0,
                 "rear_knee_x_m": L}.get(name, W[ok] * (L if name.endswith("_nm") else 1.0))
        # Lipschitz bound: 500 × the natural scale per radian of each of the five angles
        # (the steepest slopes measured over 50 000 postures stay below 100)
        assert np.all(delta_big <= 500 * scale * 5 * dx), (name, delta_big.max())
        # shrinking the step 10× shrinks the change ~10× (no jump hiding in the step)
        assert np.all(delta_small <= 0.2 * delta_big + 1e-9 * scale), name


# ---------------------------------------------------------------------------------------
# 4. units
# ---------------------------------------------------------------------------------------
def _solve(model, post, kind, share):
    try:
        return model.solve(LungePosture(**post), **{kind: share})
    except InfeasiblePostureError:
        return None


def _like(model, *, mass_kg=None, height_m=None, load=None, grf_convergence=None):
    """A fresh model like ``model`` with some numbers changed (built from scratch)."""
    s = model.subject
    subject = Subject(mass_kg=s.mass_kg if mass_kg is None else mass_kg,
                      height_m=s.height_m if height_m is None else height_m,
                      sex=s.sex, table=s.table)
    return LungeModel(subject, model.load if load is None else load,
                      grf_convergence=(model.grf_convergence if grf_convergence is None
                                       else grf_convergence),
                      contact_area_model=model.contact_area_model)


@settings(PROPS, max_examples=40)
@given(models, typical_postures, st.just("front_heel_share"), st.floats(0.2, 0.8),
       st.floats(0.7, 1.4),
       st.floats(0.85, 1.15))
def test_units_per_kg_and_dimensional_homogeneity(model, post, kind, share, k_mass, k_len):
    res = _solve(model, post, kind, share)
    event("balanced" if res is not None and res.balanced else "skipped: not balanced")
    if res is None or not res.balanced:
        return
    subj, load = model.subject, model.load
    # N·m/kg × kg = N·m, in the result and in the JSON contract
    d = res.to_dict()
    for j in JOINTS:
        assert d["moments_nm_per_kg"][j] * d["inputs"]["mass_kg"] == pytest.approx(
            d["moments_nm"][j], rel=1e-12, abs=1e-12)
    # masses × k: forces and moments × k; shares, per-kg moments and positions unchanged
    if 40 <= subj.mass_kg * k_mass <= 150 and load.mass_kg * k_mass <= 300:
        heavy = _like(model, mass_kg=subj.mass_kg * k_mass,
                      load=ExternalLoad(load.mass_kg * k_mass, load.at))
        r2 = heavy.solve(LungePosture(**post), **{kind: share})
        assert r2.balanced
        for key in res.grf_n:
            assert r2.grf_n[key] == pytest.approx(k_mass * res.grf_n[key], rel=1e-9, abs=1e-7)
        for j in JOINTS:
            assert r2.moments_nm[j] == pytest.approx(k_mass * res.moments_nm[j], rel=1e-9,
                                                     abs=1e-7)
            assert r2.moments_nm_per_kg[j] == pytest.approx(res.moments_nm_per_kg[j],
                                                            rel=1e-9, abs=1e-9)
        assert r2.front_share == pytest.approx(res.front_share, rel=1e-9, abs=1e-12)
        assert r2.quad_force_n == pytest.approx(k_mass * res.quad_force_n, rel=1e-9, abs=1e-7)
        np.testing.assert_allclose(r2.positions_m["com"], res.positions_m["com"], atol=1e-12)
    # height × k (all lengths from height fractions): positions and moments × k,
    # forces and angles unchanged; a convergence height in metres scales too
    conv = model.grf_convergence
    conv2 = conv if isinstance(conv, str) else conv * k_len
    if 1.0 <= subj.height_m * k_len <= 2.3 and (isinstance(conv, str) or 0.05 <= conv2 <= 20):
        tall = _like(model, height_m=subj.height_m * k_len, grf_convergence=conv2)
        try:
            r3 = tall.solve(LungePosture(**post), **{kind: share})
        except InfeasiblePostureError:  # pragma: no cover - geometry is similar
            pytest.fail("scaling the body made a feasible posture infeasible")
        for name, xy in res.positions_m.items():
            np.testing.assert_allclose(r3.positions_m[name], np.multiply(k_len, xy),
                                       rtol=1e-9, atol=1e-12, err_msg=name)
        for key in res.grf_n:
            assert r3.grf_n[key] == pytest.approx(res.grf_n[key], rel=1e-9, abs=1e-7)
        for j in JOINTS:
            assert r3.moments_nm[j] == pytest.approx(k_len * res.moments_nm[j], rel=1e-9,
                                                     abs=1e-7)
            assert r3.joint_angles_deg[j] == pytest.approx(res.joint_angles_deg[j], abs=1e-9)


# ---------------------------------------------------------------------------------------
# 5. symbolic vs compiled
# ---------------------------------------------------------------------------------------
SUBS_SUBSET = ("V_rear", "x_rear_knee", "front_heel_share", "front_share", "x_com_system",
               "y_rear_heel")


@pytest.mark.parametrize("mode", ["front_share", "heel_share"])
@settings(PROPS, max_examples=3)
@given(models, typical_postures, st.floats(0.1, 0.9))
def test_symbolic_and_compiled_agree(mode, model, post, share):
    import sympy as sp

    from lungelab.compiled import INPUT_NAMES, OUTPUT_NAMES, chain_function, symbolic_outputs
    from lungelab.symbols import sym

    p = model.fixed_parameters()
    p.update(theta_fk=math.radians(post["front_knee_flexion_deg"]),
             phi_fs=math.radians(post["front_shank_angle_deg"]),
             lam=math.radians(post["trunk_lean_deg"]),
             theta_rk=math.radians(post["rear_knee_flexion_deg"]),
             gamma_rf=math.radians(post["rear_foot_angle_deg"]),
             s_front=share, h_heel=share)
    with np.errstate(all="ignore"):
        compiled = dict(zip(OUTPUT_NAMES, chain_function(mode)(**{k: p[k] for k in INPUT_NAMES}),
                            strict=True))
    exprs = symbolic_outputs(mode)
    event("chain closes" if np.isfinite(float(compiled["x_rear_knee"])) else "open chain")
    if not np.isfinite(float(compiled["x_rear_knee"])):
        return  # the chain does not close here: no real symbolic value to compare
    floats = {sym(k): sp.Float(p[k], 30) for k in INPUT_NAMES}
    plain = {sym(k): p[k] for k in INPUT_NAMES}
    for name in OUTPUT_NAMES:
        value = complex(exprs[name].xreplace(floats).evalf(30))
        assert abs(value.imag) < 1e-12, name
        assert value.real == pytest.approx(float(compiled[name]), rel=1e-9, abs=1e-9), name
    for name in SUBS_SUBSET:  # the plain subs() path, on the cheaper expressions
        value = float(exprs[name].subs(plain).evalf())
        assert value == pytest.approx(float(compiled[name]), rel=1e-9, abs=1e-9), name


# ---------------------------------------------------------------------------------------
# 6. solve() vs evaluate()
# ---------------------------------------------------------------------------------------
@settings(PROPS, max_examples=60)
@given(models, postures, share_kind, unit,
       st.one_of(st.none(), st.floats(-0.3, 0.15)))
def test_solve_agrees_with_evaluate(model, post, kind, share, knee_past_toes):
    if knee_past_toes is not None:
        post = {**post, "front_shank_angle_deg": None, "knee_past_toes_m": knee_past_toes}
    posture = LungePosture(**post)
    kw = {k: v for k, v in post.items() if v is not None}
    try:
        row = model.evaluate(**kw, **{kind: share}, mask_unbalanced=False).iloc[0]
    except InputRangeError as exc:  # knee travel beyond this subject's shank tilt range
        assert knee_past_toes is not None and "knee_past_toes_m" in str(exc)
        with pytest.raises(InputRangeError, match="knee_past_toes_m"):
            model.solve(posture, **{kind: share})
        return
    try:
        res = model.solve(posture, **{kind: share})
    except InfeasiblePostureError:
        assert not row["feasible"]
        return
    assert row["feasible"]
    assert res.balanced == bool(row["balanced"])
    event(f"balanced={res.balanced}")
    for name, xy in res.positions_m.items():
        assert xy == pytest.approx([row[f"{name}_x_m"], row[f"{name}_y_m"]], rel=1e-12,
                                   abs=1e-12), name
    assert res.knee_past_toes_m == pytest.approx(row["knee_past_toes_m"], abs=1e-12)
    assert res.rear_knee_height_m == pytest.approx(row["rear_knee_height_m"], abs=1e-12)
    assert res.step_length_m == pytest.approx(row["step_length_m"], abs=1e-12)
    if knee_past_toes is not None:
        assert res.knee_past_toes_m == pytest.approx(knee_past_toes, abs=1e-9)
    if not res.balanced:
        return
    assert res.front_share == pytest.approx(row["front_share"], rel=1e-12, abs=1e-12)
    assert res.front_heel_share == pytest.approx(row["front_heel_share"], rel=1e-12,
                                                 abs=1e-12)
    for j in JOINTS:
        assert res.moments_nm[j] == pytest.approx(row[f"{j}_moment_nm"], rel=1e-12, abs=1e-9)
    assert res.grf_n == pytest.approx({"front_heel": row["grf_front_heel_n"],
                                       "front_toes": row["grf_front_toes_n"],
                                       "rear": row["grf_rear_n"]}, rel=1e-12, abs=1e-9)
    assert res.pfj_stress_mpa == pytest.approx(row["pfj_stress_mpa"], rel=1e-12, abs=1e-12)


# ---------------------------------------------------------------------------------------
# 7. JSON round trip
# ---------------------------------------------------------------------------------------
@settings(PROPS, max_examples=60)
@given(models, postures, share_kind, unit)
def test_to_dict_survives_a_strict_json_round_trip(model, post, kind, share):
    res = _solve(model, post, kind, share)
    event("infeasible" if res is None else f"balanced={res.balanced}")
    if res is None:
        return
    d = res.to_dict()
    text = json.dumps(d, allow_nan=False)   # strict JSON: no NaN / Infinity tokens
    assert json.loads(text) == d
    assert json.loads(res.to_json()) == d


# ---------------------------------------------------------------------------------------
# 8. derived subjects
# ---------------------------------------------------------------------------------------
@settings(PROPS, max_examples=30)
@given(subjects, st.floats(40.0, 150.0), st.floats(1.45, 2.05))
def test_subject_with_gives_the_parameters_of_the_new_subject(subject, mass, height):
    """``Subject.with_`` must not reuse the parameters cached by the original subject."""
    subject.model_parameters()              # fills the original's cache
    derived = subject.with_(mass_kg=mass, height_m=height)
    fresh = Subject(mass_kg=mass, height_m=height, sex=subject.sex, table=subject.table)
    assert derived.model_parameters() == fresh.model_parameters()
    post = LungePosture()
    assert LungeModel(derived).solve(post).to_dict() == LungeModel(fresh).solve(post).to_dict()
