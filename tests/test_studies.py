"""lungelab.studies: the sweeps behind notebooks 02-06 return the model's own numbers,
hit their targets, and keep the physics the notebooks' conclusions rest on."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _tolerances import SAME_RUN_REL, same_close

import lungelab as ll
from lungelab import knee, studies
from lungelab.body import G
from lungelab.loads import JOINTS


@pytest.fixture(scope="module")
def model():
    return ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))


def close(a, b, tol=None):
    """Same-run comparison: relative to the quantity's scale unless ``tol`` (absolute,
    in the quantity's unit) is given; see tests/_tolerances.py."""
    if tol is None:
        return same_close(a, b)
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.allclose(a, b, rtol=0, atol=tol, equal_nan=True)


# -- generic helpers ---------------------------------------------------------------------
def test_convergence_labels():
    assert studies.convergence_label("vertical") == "vertical"
    assert studies.convergence_label("com") == "COM (default)"
    assert studies.convergence_label(1.0) == "z = 1 m"
    assert studies.convergence_label(0.4) == "z = 0.4 m"
    labels = [studies.convergence_label(o) for o in studies.CONVERGENCE_OPTIONS]
    assert len(set(labels)) == len(labels)


def test_sweep_rows_are_the_models_rows(model):
    h = np.array([0.1, 0.5, 0.9])
    df = studies.sweep(model, front_heel_share=h)
    assert len(df) == len(h) * len(studies.CONVERGENCE_OPTIONS)
    assert list(df.columns[:2]) == ["grf_convergence", "convergence_height_m"]
    for opt in studies.CONVERGENCE_OPTIONS:
        part = df[df["grf_convergence"] == studies.convergence_label(opt)]
        ref = model.with_(grf_convergence=opt).evaluate(front_heel_share=h)
        for col in ("front_knee_moment_nm", "front_share", "pfj_stress_mpa", "rear_hip_moment_nm"):
            assert close(part[col], ref[col])
        z = part["convergence_height_m"].to_numpy()
        if opt == "com":
            assert close(z, ref["com_system_y_m"])
        elif opt == "vertical":
            assert np.isinf(z).all()
        else:
            assert close(z, opt)


def test_grid_keeps_exact_inputs_and_model_values(model):
    x = np.linspace(0, 1, 4)
    y = np.linspace(-0.2, 0.0, 3)
    df = studies.grid(model, "front_heel_share", x, "knee_past_toes_m", y)
    assert len(df) == 12
    assert set(df["front_heel_share"]) == set(x) and set(df["knee_past_toes_m"]) == set(y)
    row = df[(df["front_heel_share"] == x[2]) & (df["knee_past_toes_m"] == y[1])].iloc[0]
    ref = model.evaluate(front_heel_share=x[2], knee_past_toes_m=y[1]).iloc[0]
    assert math.isclose(row["front_knee_moment_nm"], ref["front_knee_moment_nm"],
                        rel_tol=SAME_RUN_REL)


def test_solve_input_hits_the_target_and_flags_misses(model):
    target = np.array([0.0, 0.3, 0.8, 1.0, 5.0])
    df = studies.solve_input(model, "front_heel_share", target, "trunk_lean_deg", (-30, 90),
                             front_share=0.58)
    assert df["solved"].tolist() == [True, True, True, True, False]
    ok = df["solved"].to_numpy()
    assert close(df["front_heel_share"][ok], target[ok], 1e-8)
    assert close(df["front_share"][ok], 0.58, 1e-12)
    miss = df[~ok].iloc[0]
    assert np.isnan(miss["trunk_lean_deg"]) and np.isnan(miss["front_knee_moment_nm"])
    assert not miss["balanced"] and not miss["feasible"]
    # the solution is the model's posture: evaluating it again gives the same row
    again = model.evaluate(trunk_lean_deg=df["trunk_lean_deg"][1], front_share=0.58)
    assert math.isclose(again["front_knee_moment_nm"][0], df["front_knee_moment_nm"][1],
                        rel_tol=SAME_RUN_REL)


def test_solve_input_steps_over_postures_that_cannot_be_built(model):
    # rear knee that keeps a 1.0 m step at front 60°: the upper bound (150°) cannot reach
    # the floor (NaN), the scan must still find the crossing
    df = studies.solve_input(model, "step_length_m", 1.0, "rear_knee_flexion_deg", (0, 150),
                             front_knee_flexion_deg=60.0)
    assert bool(df["solved"][0])
    assert math.isclose(df["step_length_m"][0], 1.0, abs_tol=1e-9)


def test_pick_table_and_clean_zeros(model):
    df = studies.heel_share_sweep(model, [0.2, 0.8])
    row = studies.pick(df, front_heel_share_requested=0.8, grf_convergence="vertical")
    assert math.isclose(row["front_heel_share"], 0.8)
    with pytest.raises(KeyError):
        studies.pick(df, front_heel_share_requested=0.8)
    t = studies.table(pd.DataFrame({"a": [1, 2], "b": [-1e-12, 0.5]}), "a", ["b"])
    assert str(t["b"].round(3).iloc[0]) == "0.0"


def test_knee_over_ankle_is_a_vertical_shank(model):
    kpt = studies.knee_over_ankle_m(model.subject)
    assert kpt < 0
    df = model.evaluate(knee_past_toes_m=kpt)
    assert abs(df["front_shank_angle_deg"][0]) < 1e-9


def test_literature_topics():
    for topic in ("knee_travel", "trunk_lean", "load", "depth"):
        assert len(studies.literature(topic)) >= 1
        assert studies.literature_markdown(topic).startswith("* **")
    assert "Fry" in studies.literature_markdown("knee_travel")
    with pytest.raises(ValueError):
        studies.literature("nothing")


# -- 02 heel or toes ------------------------------------------------------------------------
def test_heel_share_fixed_posture_loads_the_knee_under_every_assumption(model):
    df = studies.heel_share_sweep(model)
    for _, g in df.groupby("grf_convergence"):
        assert np.all(np.diff(g["front_knee_moment_nm"]) > 0)
        assert np.all(np.diff(g["front_ankle_moment_nm"]) < 0)
        assert np.all(np.diff(g["front_share"]) > 0)
    # the posture is the same in every row
    assert np.ptp(df["hip_x_m"]) < 1e-12 and np.ptp(df["com_system_x_m"]) < 1e-12


@pytest.mark.parametrize("adapt", ["trunk_lean_deg", "front_shank_angle_deg"])
def test_heel_share_adapted_keeps_the_weight_split(model, adapt):
    h = np.round(np.linspace(0, 1, 11), 4)
    df = studies.heel_share_adapted(model, h, adapt=adapt, options=("com",))
    default_share = model.evaluate(front_heel_share=0.6)["front_share"][0]
    ok = df["solved"].to_numpy()
    assert ok[:9].all()
    assert close(df["front_share"][ok & df["balanced"].to_numpy()], default_share, 1e-9)
    assert close(df["front_heel_share"][df["balanced"]], h[df["balanced"].to_numpy()], 1e-8)
    # more heel needs the centre of mass further back: less lean / knee further back
    v = df[adapt].to_numpy()[ok]
    assert np.all(np.diff(v) < 0)
    if adapt == "front_shank_angle_deg":
        # beyond ~0.83 the back knee would go through the floor: no loads
        assert not df["feasible"].iloc[-1]
        assert np.isnan(df["front_knee_moment_nm"].iloc[-1])


def test_heel_share_table_changes_are_differences(model):
    t = studies.heel_share_table(model, (0.2, 0.8))
    assert t.index.names == ["strategy", "grf_convergence"]
    assert len(t) == 3 * len(studies.CONVERGENCE_OPTIONS)
    k = t["front_knee_moment_nm"]
    assert close(k["change"], k["heel 0.8"] - k["heel 0.2"])
    # the headline numbers of notebook 02
    fixed = k.loc[("fixed posture", "COM (default)")]
    assert fixed["heel 0.2"] == pytest.approx(113.7, abs=0.1)
    assert fixed["heel 0.8"] == pytest.approx(138.0, abs=0.1)
    assert (t.loc["fixed posture", ("front_knee_moment_nm", "change")] > 0).all()
    assert (t.loc["trunk adapts", ("front_knee_moment_nm", "change")] > 0).all()
    knee_back = t.loc["knee travel adapts", ("front_knee_moment_nm", "change")]
    assert knee_back["vertical"] < 0 < knee_back["COM (default)"]


def test_heel_share_postures_do_not_depend_on_assumption(model):
    p = studies.heel_share_postures(model)
    assert p.loc[("fixed posture", 0.2), "front_share"] < p.loc[("fixed posture", 0.8),
                                                               "front_share"]
    assert p.loc[("trunk adapts", 0.8), "trunk_lean_deg"] < 10 < p.loc[("trunk adapts", 0.2),
                                                                       "trunk_lean_deg"]
    assert not (np.signbit(p.to_numpy()) & (np.abs(p.to_numpy()) < 1e-9)).any()


def test_heel_knee_grid(model):
    g = studies.heel_knee_grid(model, n=25)
    assert len(g) == 625
    assert g.groupby("knee_past_toes_m").size().eq(25).all()
    unbalanced = ~g["balanced"]
    assert unbalanced.any() and g.loc[unbalanced, "front_knee_moment_nm"].isna().all()
    # cannot balance = heel-heavy with the knee far forward
    assert g.loc[unbalanced, "knee_past_toes_m"].min() > 0


# -- 03 knee past toes ---------------------------------------------------------------------
def test_knee_travel_table_and_effect(model):
    t = studies.knee_travel_table(model)
    assert len(t) == 3 * len(studies.CONVERGENCE_OPTIONS)
    com = t.loc["COM (default)"]
    assert com.loc["knee at the toes", "front_knee_moment_nm"] > \
        com.loc["knee over the ankle", "front_knee_moment_nm"]
    e = studies.knee_travel_effect(model)
    assert close(e["knee_change_pct"],
                 100 * (e["knee_restricted_nm"] - e["knee_free_nm"]) / e["knee_free_nm"].abs())
    # restricting the knee lowers the knee moment for every height above the crossover
    assert (e.loc[["vertical", "z = 2 m", "z = 1 m", "COM (default)"], "knee_change_pct"]
            < 0).all()
    assert e.loc["z = 0.4 m", "knee_change_pct"] > 0
    assert (e.loc[["vertical", "z = 2 m", "z = 1 m"], "hip_ratio"] > 1.5).all()


def test_knee_travel_same_balance_holds_the_split(model):
    k = np.array([studies.knee_over_ankle_m(model.subject), 0.0])
    df = studies.knee_travel_same_balance(model, k, options=("vertical",))
    assert close(df["front_heel_share"], 0.6, 1e-8)
    assert np.ptp(df["front_share"]) < 1e-9
    # holding the knee back needs more forward trunk lean (Fry's direction)
    assert df["trunk_lean_deg"][0] > df["trunk_lean_deg"][1] + 20
    e = studies.knee_travel_effect(model, hold_balance=True)
    assert e.loc["vertical", "hip_ratio"] > studies.knee_travel_effect(model).loc[
        "vertical", "hip_ratio"]


def test_knee_travel_crossover_is_where_the_moments_meet(model):
    c = studies.knee_travel_crossover(model)
    z = c.attrs["crossover_height_m"]
    assert 0.4 < z < 0.6
    ov = {"k_conv": np.array([1 / z]), "r_conv": np.array([0.0])}
    m_r = model.evaluate(knee_past_toes_m=studies.knee_over_ankle_m(model.subject), overrides=ov)
    m_f = model.evaluate(knee_past_toes_m=0.0, overrides=ov)
    assert math.isclose(m_r["front_knee_moment_nm"][0], m_f["front_knee_moment_nm"][0],
                        abs_tol=1e-6)
    piv = c.pivot(index="convergence_height_m", columns="knee position",
                  values="front_knee_moment_nm")
    diff = piv["free"] - piv["restricted"]
    assert (diff[diff.index > z] > 0).all() and (diff[diff.index < z] < 0).all()


# -- 04 chest up ---------------------------------------------------------------------------
def test_trunk_lean_moves_work_to_the_hip_under_every_assumption(model):
    e = studies.trunk_lean_effect(model, 0.0, 30.0)
    hip = e.xs("front_hip_moment_nm", level="quantity")
    knee_ = e.xs("front_knee_moment_nm", level="quantity")
    share = e.xs("front_share", level="quantity")
    assert (hip["change"] > 30).all()
    assert (knee_["change"] < 0).all()
    assert (share["change"] > 0.1).all()
    assert close(e["change"], e["lean"] - e["upright"])


def test_balance_map_regions_are_consistent(model):
    b = studies.balance_map(model)
    assert len(b) == 625
    assert ((b["region_code"] == 0) == b["balanced"]).all()
    assert ((b["region_code"] == 3) == ~b["feasible"]).all()
    one = b[b["region_code"] == 1]
    two = b[b["region_code"] == 2]
    assert len(one) and len(two)
    # region 1 balances once all the front load is on the toes; region 2 never does
    k, t = one["knee_past_toes_m"].to_numpy(), one["trunk_lean_deg"].to_numpy()
    toes = model.evaluate(knee_past_toes_m=k, trunk_lean_deg=t, front_heel_share=0.0)
    assert toes["balanced"].all()
    k, t = two["knee_past_toes_m"].to_numpy(), two["trunk_lean_deg"].to_numpy()
    toes = model.evaluate(knee_past_toes_m=k, trunk_lean_deg=t, front_heel_share=0.0)
    assert not toes["balanced"].any()
    assert set(b["region"]) <= set(studies.BALANCE_REGIONS)


def test_balance_limits_unload_the_back_foot(model):
    lim = studies.balance_limits(model)
    a = lim["max_knee_past_toes_m_heel_0.6"].to_numpy()
    b = lim["max_knee_past_toes_m_heel_0"].to_numpy()
    assert np.all(b > a) and np.all(np.diff(a) < 0) and np.all(np.diff(b) < 0)
    t = lim.index.to_numpy()
    raw = model.evaluate(knee_past_toes_m=a, trunk_lean_deg=t, front_heel_share=0.6,
                         mask_unbalanced=False)
    assert close(raw["grf_rear_n"], 0.0, 1e-6)


# -- 05 depth and evenness ---------------------------------------------------------------
def test_depth_sweep_keeps_the_feet_planted(model):
    d = studies.depth_sweep(model, options=("com",))
    step = model.evaluate()["step_length_m"][0]
    assert close(d["step_length_m"], step, 1e-8)
    assert np.all(np.diff(d["rear_knee_flexion_deg"]) > 0)
    assert np.all(np.diff(d["rear_knee_height_m"]) < 0)
    at90 = studies.pick(d, front_knee_flexion_deg=90.0)
    assert at90["rear_knee_flexion_deg"] == pytest.approx(90.0, abs=1e-6)


def test_evenness_table(model):
    t = studies.evenness_table(model)
    assert t.index.names == ["front knee (deg)", "rear knee (deg)", "grf_convergence"]
    assert t.loc[(90.0, 70.0, "vertical"), "step_length_m"] > t.loc[(90.0, 90.0, "vertical"),
                                                                     "step_length_m"]
    geo = t["rear_knee_height_m"].groupby(level=[0, 1]).agg(np.ptp)
    assert (geo < 1e-12).all()


def test_hover_map_and_touch_depth(model):
    h = studies.hover_map(model)
    height = h["rear_knee_height_m"]
    code = h["region_code"]
    assert ((code == 3) == ~np.isfinite(height)).all()
    assert (height[code == 0] > studies.KNEE_CLEARANCE_M).all()
    assert ((height[code == 1] > 0) & (height[code == 1] <= studies.KNEE_CLEARANCE_M)).all()
    assert (height[code == 2] <= 0).all()
    td = studies.touch_depth(model)
    r = td.index.to_numpy()
    f = td["front_knee_flexion_deg"].to_numpy()
    assert np.isfinite(f).all()
    again = model.evaluate(front_knee_flexion_deg=f, rear_knee_flexion_deg=r)
    assert close(again["rear_knee_height_m"], studies.KNEE_CLEARANCE_M, 1e-8)
    assert td.loc[90.0, "front_knee_flexion_deg"] == pytest.approx(94.0, abs=0.1)


def test_pfj_depth_models_differ_only_by_the_area(model):
    p = studies.pfj_depth(model, options=("com",))
    q = p[p["contact_area_model"] == "quartic"].reset_index(drop=True)
    b = p[p["contact_area_model"] == "besier2005"].reset_index(drop=True)
    assert close(q["front_knee_moment_nm"], b["front_knee_moment_nm"])
    ok = q["pfj_stress_mpa"].to_numpy() > 0
    t = q["front_knee_flexion_deg"].to_numpy()[ok]
    area_ratio = knee.contact_area_mm2(t, "besier2005") / knee.contact_area_mm2(t, "quartic")
    assert close(q["pfj_stress_mpa"][ok] / b["pfj_stress_mpa"][ok], area_ratio, 1e-9)
    assert set(p["validity"]) == {"fitted (0-90°)", "caution (90-100°)", "extrapolated (>100°)"}
    spread = studies.pfj_model_spread(p, angles=(30, 60, 90))
    assert ((spread["ratio"] > 2.0) & (spread["ratio"] < 3.5)).all()


def test_pfj_chain_table_exposes_the_fits(model):
    t = studies.pfj_chain_table()
    assert close(t["moment_arm_mm"], 1000 * knee.quad_moment_arm_m(t.index.to_numpy()))
    assert t.loc[90.0, "validity"] == "fitted" and t.loc[130.0, "validity"] == "extrapolated"
    # the force-ratio fit turns negative in deep flexion: the notebook says so
    assert t.loc[130.0, "force_ratio"] < 0
    assert t.loc[120.0, "area_mm2_quartic"] > 2 * t.loc[90.0, "area_mm2_quartic"]


# -- 06 load and programme ------------------------------------------------------------
def test_load_comparison_statics(model):
    loads = studies.load_comparison(model, options=("vertical", 1.0, "com"))
    assert len(loads) == 2 * 4 * 3
    total = loads["grf_front_heel_n"] + loads["grf_front_toes_n"] + loads["grf_rear_n"]
    assert close(total, (75.0 + loads["load_kg"]) * G, 1e-6)
    bw = loads[loads["load_fraction"] == 0.0]
    ref = model.evaluate()
    assert close(bw[bw["grf_convergence"] == "COM (default)"]["front_knee_moment_nm"],
                 ref["front_knee_moment_nm"][0])
    # dumbbells below the shoulder and a bar at the shoulder: same line of action, same
    # statics unless the convergence point follows the centre of mass
    for lab in ("vertical", "z = 1 m"):
        h = loads[(loads["placement"] == "hands") & (loads["grf_convergence"] == lab)]
        s = loads[(loads["placement"] == "shoulders") & (loads["grf_convergence"] == lab)]
        for j in JOINTS:
            assert close(h[f"{j}_moment_nm"], s[f"{j}_moment_nm"], 1e-9)
    h = loads[(loads["placement"] == "hands") & (loads["grf_convergence"] == "COM (default)")]
    s = loads[(loads["placement"] == "shoulders") & (loads["grf_convergence"] == "COM (default)")]
    assert h["front_knee_moment_nm"].iloc[-1] > s["front_knee_moment_nm"].iloc[-1]


def test_load_effect(model):
    loads = studies.load_comparison(model, options=("vertical", "com"))
    e = studies.load_effect(loads, columns=("front_knee_moment_nm", "front_hip_moment_nm"))
    assert close(e["change"], e["loaded"] - e["body_weight"])
    # the vertical front-knee moment is ~0: no percentage
    assert np.isnan(e.loc[("hands", "vertical", "front_knee_moment_nm"), "change_pct"])
    pct = e.loc[("hands", "vertical", "front_hip_moment_nm"), "change_pct"]
    assert pct == pytest.approx(39.0, abs=0.1)


def test_rep_profile_is_planted_symmetric_and_ends_at_the_default_bottom(model):
    rep = studies.rep_profile(model, options=("com",))
    step = model.evaluate()["step_length_m"][0]
    assert close(rep["step_length_m"], step, 1e-8)
    t = rep["time_s"].to_numpy()
    assert t[0] == 0 and t[-1] == pytest.approx(5.0)
    m = rep["front_knee_moment_nm"].to_numpy()
    assert close(m, m[::-1], 1e-7)
    bottom = rep[rep["phase"] == "pause"]
    assert close(bottom["front_knee_moment_nm"], model.evaluate()["front_knee_moment_nm"][0],
                 1e-6)
    assert set(rep["phase"]) == {"lowering", "pause", "rising"}
    with pytest.raises(ValueError):
        studies.rep_profile(model, top_front_knee_deg=30.0, options=("com",))


def test_rep_demand_integrates_the_extensor_part(model):
    rep = studies.rep_profile(model, options=("vertical", "com"))
    d = studies.rep_demand(rep)
    g = rep[rep["grf_convergence"] == "COM (default)"]
    t = g["time_s"].to_numpy()
    m = np.maximum(g["front_knee_moment_nm"].to_numpy(), 0)
    by_hand = float(np.sum(0.5 * (m[1:] + m[:-1]) * np.diff(t)))
    assert d.loc["COM (default)", "front_knee_impulse_nms"] == pytest.approx(by_hand)
    # the 1 s pause alone contributes the bottom moment × 1 s
    assert d.loc["COM (default)", "front_knee_impulse_nms"] > 1.0 * m.max()
    # vertical forces: the front knee moment is flexor throughout, no extensor impulse
    assert d.loc["vertical", "front_knee_impulse_nms"] == 0.0
    assert d.loc["vertical", "front_knee_peak_nm"] == 0.0


def test_programme_demand_scales_with_reps(model):
    p = studies.programme_demand(model, programmes=((2, 8), (3, 12)), load_fractions=(0.0, 0.2),
                                 options=("com",))
    assert len(p) == 4
    a = p[(p["programme"] == "2×8") & (p["load_fraction"] == 0.0)].iloc[0]
    b = p[(p["programme"] == "3×12") & (p["load_fraction"] == 0.0)].iloc[0]
    assert b["knee_impulse_knms"] / a["knee_impulse_knms"] == pytest.approx(36 / 16)
    loaded = p[(p["programme"] == "2×8") & (p["load_fraction"] == 0.2)].iloc[0]
    assert loaded["knee_impulse_knms"] > a["knee_impulse_knms"]
    assert a["condition"] == "0 % BM, COM (default)"
    wide = studies.programme_table(p)
    assert wide.shape == (2, 2)
    assert wide.loc[("3×12", 36), "0 % BM, COM (default)"] == pytest.approx(b["knee_impulse_knms"])
