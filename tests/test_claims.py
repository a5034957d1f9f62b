"""lungelab.claims (notebook 07): the claim checks return the model's and the studies' own
numbers, the verdict rules do what they say, the synthetic comparison is what the trials
hold, and the notebook's stored figures are the package figures with units on every axis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from _tolerances import same_close, stored_close

import lungelab as ll
from lungelab import claims, knee, studies, synthetic, viz
from lungelab import viz_studies as vs

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "07_seed_claims.ipynb"
UNIT_RE = re.compile(r"\((?:[^()]*?)(?:\bm\b|deg|\bN\b|N·m|MPa|\bs\b)[^()]*\)")
DEFAULT = claims.DEFAULT_LABEL


@pytest.fixture(scope="module")
def model():
    return ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))


@pytest.fixture(scope="module")
def trials():
    return claims.synthetic_trials("S01", reps=3)


@pytest.fixture(scope="module")
def curves(trials):
    return claims.front_leg_curves(trials)


def close(a, b, tol=None):
    """Same-run comparison: relative to the quantity's scale unless ``tol`` (absolute,
    in the quantity's unit) is given; see tests/_tolerances.py."""
    if tol is None:
        return same_close(a, b)
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=0, atol=tol,
                       equal_nan=True)


# -- helpers --------------------------------------------------------------------------------
def test_sign_verdict_rules():
    assert claims.sign_verdict([-3, -1, -0.5], -1) == "supported"
    assert claims.sign_verdict([3, 1, 0.5], -1) == "contradicted"
    assert claims.sign_verdict([3, -1], -1) == "depends on assumption"
    assert claims.sign_verdict([2, np.nan], +1) == "supported"
    assert claims.sign_verdict([0.0, 1.0], +1) == "depends on assumption"  # no change ≠ agree
    assert claims.sign_verdict([], +1) == "depends on assumption"
    with pytest.raises(ValueError):
        claims.sign_verdict([1.0], 0)


def test_full_text_shows_long_cells_in_full():
    text = "x" * 120
    ft = claims.full_text(pd.DataFrame({"a": [text]}))
    assert text in repr(ft) and text in ft._repr_html_()
    assert text not in repr(pd.DataFrame({"a": [text]}))  # pandas alone would cut it


def test_claims_and_verdict_vocabulary():
    assert len(claims.CLAIMS) == 9
    assert [k for k, (kind, _) in claims.CLAIMS.items() if kind == "form tip"] == [
        "knee_over_ankle", "chest_up", "knees_90", "back_knee_hover", "front_heel"]
    assert claims.VERDICTS == ("supported", "depends on assumption",
                               "not a mechanics question", "contradicted")
    lo, hi = claims.HIP_EXTENSION_RANGE_DEG
    assert 0 < lo < hi <= 30


# -- form tips: the studies' numbers ------------------------------------------------------------
def test_knee_over_ankle_is_notebook_03s_comparison(model):
    t = claims.knee_over_ankle(model)
    e = studies.knee_travel_effect(model)
    assert list(t.index) == [studies.convergence_label(o) for o in studies.CONVERGENCE_OPTIONS]
    assert close(t["knee_change_nm"], e["knee_restricted_nm"] - e["knee_free_nm"])
    assert close(t["pfj_change_mpa"], e["pfj_restricted_mpa"] - e["pfj_free_mpa"])
    # the direct model evaluation agrees
    kpt = studies.knee_over_ankle_m(model.subject)
    for opt in studies.CONVERGENCE_OPTIONS:
        df = model.with_(grf_convergence=opt).evaluate(knee_past_toes_m=np.array([kpt, 0.0]))
        lab = studies.convergence_label(opt)
        assert close(t.loc[lab, "knee_over_ankle_nm"], df["front_knee_moment_nm"][0])
        assert close(t.loc[lab, "knee_at_toes_nm"], df["front_knee_moment_nm"][1])
    # the low convergence point reverses the effect (notebook 03's crossover at ~0.48 m)
    assert t.loc["z = 0.4 m", "knee_change_nm"] > 0 > t.loc[DEFAULT, "knee_change_nm"]


def test_chest_up_geometry_and_work_shift(model):
    c = claims.chest_up(model)
    df = model.evaluate(trunk_lean_deg=np.array([0.0, 30.0]))
    assert close(c["margin_upright_m"], df["balance_margin_m"][0])
    assert close(c["margin_lean_m"], df["balance_margin_m"][1])
    assert (c["margin_change_m"] > 0).all()
    lim = studies.balance_limits(model, trunk_lean_deg=np.array([0.0, 30.0]), heel_shares=(0.6,))
    assert close(c["max_knee_travel_upright_m"], lim.iloc[0, 0])
    assert (c["max_knee_travel_upright_m"] > c["max_knee_travel_lean_m"]).all()
    # upright: more knee, less hip, under every assumption (notebook 04)
    assert (c["knee_change_nm"] > 0).all() and (c["hip_change_nm"] < 0).all()
    e = studies.trunk_lean_effect(model, 0.0, 30.0)
    assert close(c.loc[DEFAULT, "hip_lean_nm"], e.loc[(DEFAULT, "front_hip_moment_nm"), "lean"])


def test_depth_and_hover_is_notebook_05s_posture(model):
    h = claims.depth_and_hover(model)
    r = model.evaluate(front_knee_flexion_deg=90.0, rear_knee_flexion_deg=90.0).iloc[0]
    assert close(h["rear_knee_height_m"], r["rear_knee_height_m"])
    assert h["rear_knee_height_m"].iloc[0] > studies.KNEE_CLEARANCE_M
    touch = float(h["touch_front_knee_deg"].iloc[0])
    assert 90.0 < touch < 100.0
    at = model.evaluate(front_knee_flexion_deg=touch, rear_knee_flexion_deg=90.0)
    assert close(at["rear_knee_height_m"], studies.KNEE_CLEARANCE_M, 1e-6)
    assert (h["rear_knee_moment_nm"] > 0).all()
    for opt in studies.CONVERGENCE_OPTIONS:
        m = model.with_(grf_convergence=opt).evaluate()
        assert close(h.loc[studies.convergence_label(opt), "rear_knee_moment_nm"],
                     m["rear_knee_moment_nm"])


def test_front_heel_is_notebook_02s_table(model):
    f = claims.front_heel(model)
    t = studies.heel_share_table(model, (0.2, 0.8))
    assert close(f["knee_change_nm"], t[("front_knee_moment_nm", "change")])
    fixed = f.loc["fixed posture"]
    assert (fixed["knee_change_nm"] > 0).all() and (fixed["pfj_change_mpa"] > 0).all()
    assert (f["ankle_change_nm"] < 0).all()
    m = model.with_(grf_convergence="vertical").evaluate(front_heel_share=np.array([0.2, 0.8]))
    assert close(fixed.loc["vertical", "knee_heel_nm"], m["front_knee_moment_nm"][1])


def test_form_tips_verdicts(model):
    t = claims.form_tips(model)
    assert list(t.index) == ["knee_over_ankle", "chest_up", "knees_90", "back_knee_hover",
                             "front_heel"]
    assert t["verdict"].to_dict() == {
        "knee_over_ankle": "depends on assumption", "chest_up": "supported",
        "knees_90": "supported", "back_knee_hover": "supported", "front_heel": "contradicted"}
    assert set(t["verdict"]) <= set(claims.VERDICTS)
    koa = claims.knee_over_ankle(model)
    row = t.loc["knee_over_ankle"]
    assert close(row["default"], koa.loc[DEFAULT, "knee_change_nm"])
    assert close(row["lowest"], koa["knee_change_nm"].min())
    assert row["agree"] == "4 of 5"
    # precomputed tables give the same result
    same = claims.form_tips(model, tables={"knee_over_ankle": koa})
    pd.testing.assert_frame_equal(same, t)


# -- forward vs backward (synthetic) ------------------------------------------------------------
def test_synthetic_trials_are_the_requested_ones(trials):
    assert set(trials) == {"backward", "forward"}
    assert trials["backward"].metadata["direction"] == "backward"
    assert trials["forward"].metadata["direction"] == "forward"
    for st in trials.values():
        assert st.metadata["synthetic"] is True
        assert list(st.reps["leg"]) == ["right"] * 3


def test_front_leg_curves_carry_the_truth(trials, curves):
    st = trials["backward"]
    r = st.reps.iloc[1]
    d = st.truth.loc[r["t_start_s"]:r["t_end_s"]]
    c = curves[(curves["direction"] == "backward") & (curves["rep"] == 2)]
    assert len(c) == len(d)
    assert close(c["front_knee_moment_nm"], d["right_knee_moment_nm"])
    assert close(c["rear_hip_moment_nm"], d["left_hip_moment_nm"])
    assert close(c["time_from_bottom_s"], d.index - r["t_bottom_s"], 1e-6)
    # knee flexion from the joint centres = the generator's own angle where it stores it
    if "front_knee_flexion_deg" in d:
        assert close(c["front_knee_flexion_deg"], d["front_knee_flexion_deg"], 1e-6)
    chain = knee.pfj_chain(d["right_knee_moment_nm"].to_numpy(),
                           c["front_knee_flexion_deg"].to_numpy())
    assert close(c["pfj_stress_mpa"], chain["pfj_stress_mpa"])
    assert set(c["phase"]) <= set(claims.PHASES.values())
    single = c["phase"].str.startswith("single")
    assert c["stance_back_edge_x_m"].notna().equals(single)
    assert (c["stance_back_edge_x_m"][single] < c["stance_front_edge_x_m"][single]).all()


def test_bottom_hold_is_the_quasi_static_model(trials, curves):
    """Holding the bottom, the synthetic truth is the model's own posture (no motion)."""
    peaks = claims.rep_peaks(curves)
    for direction, st in trials.items():
        m = ll.LungeModel(synthetic.SUBJECTS["S01"].subject())
        for _, r in st.reps.iterrows():
            bottom = {k: r[k] for k in ("front_knee_flexion_deg", "front_shank_angle_deg",
                                        "trunk_lean_deg", "rear_knee_flexion_deg",
                                        "rear_foot_angle_deg")}
            ev = m.evaluate(**bottom, front_heel_share=r["front_heel_share"]).iloc[0]
            p = peaks.loc[(direction, int(r["rep"]))]
            assert abs(p["hold_knee_nm"] - ev["front_knee_moment_nm"]) < 0.5
            assert abs(p["hold_hip_nm"] - ev["front_hip_moment_nm"]) < 0.5
            assert abs(p["hold_pfj_mpa"] - ev["pfj_stress_mpa"]) < 0.2


def test_rep_peaks_and_means(curves):
    peaks = claims.rep_peaks(curves)
    assert len(peaks) == 6
    for (direction, rep), p in peaks.iterrows():
        g = curves[(curves["direction"] == direction) & (curves["rep"] == rep)]
        assert close(p["peak_knee_nm"], g["front_knee_moment_nm"].max())
        assert close(p["peak_pfj_mpa"], g["pfj_stress_mpa"].max())
        assert p["peak_knee_nm"] >= p["hold_knee_nm"]
    fvb = claims.forward_vs_backward(peaks)
    assert list(fvb.index) == ["backward", "forward", "forward / backward"]
    assert close(fvb.loc["backward", "peak_knee_nm"],
                 peaks.loc["backward", "peak_knee_nm"].mean())
    assert close(fvb.loc["forward / backward", "peak_knee_nm"],
                 fvb.loc["forward", "peak_knee_nm"] / fvb.loc["backward", "peak_knee_nm"])
    # same bottom posture: the quasi-static holds agree within the posture scatter
    assert abs(fvb.loc["forward / backward", "hold_knee_nm"] - 1.0) < 0.1


def test_force_check_detects_inconsistent_forces(trials):
    checks = claims.force_check(trials)
    assert bool(checks.loc["backward", "consistent"])
    assert checks.loc["backward", "max_residual_x_n"] < 1e-6
    # the check itself: break one trial's horizontal forces and it must fail
    st = trials["backward"]
    broken = type(st)(trial=st.trial, truth=st.truth.copy(), reps=st.reps, metadata=st.metadata)
    broken.truth["grf_right_x_n"] = 0.0
    bad = claims.force_check({"broken": broken})
    assert not bool(bad.loc["broken", "consistent"]) and bad.loc["broken", "samples_off"] > 0
    text = claims.describe_force_check(bad)
    assert "NOT usable" in text


# -- the other benefits ---------------------------------------------------------------------------
def test_hip_extensor_demand(model):
    h = claims.hip_extensor_demand(model)
    for lean in (10.0, 30.0):
        for opt in studies.CONVERGENCE_OPTIONS:
            ev = model.with_(grf_convergence=opt).evaluate(trunk_lean_deg=lean).iloc[0]
            row = h.loc[(lean, studies.convergence_label(opt))]
            assert close(row["front_hip_moment_nm"], ev["front_hip_moment_nm"])
            assert close(row["front_hip_moment_nm_per_kg"], ev["front_hip_moment_nm"] / 75.0)
    more = (h.xs(30.0, level=0)["front_hip_moment_nm"]
            - h.xs(10.0, level=0)["front_hip_moment_nm"])
    assert (more > 0).all()  # the verdict text: a forward lean raises it under every assumption
    share = h["hip_share"].dropna()
    assert ((share > 0) & (share < 1)).all()


def test_hip_flexor_stretch(model):
    s = claims.hip_flexor_stretch(model)
    assert len(s) == 11 * 3
    ev = model.evaluate(trunk_lean_deg=10.0, rear_knee_flexion_deg=90.0).iloc[0]
    row = s[(s["trunk_lean_deg"] == 10.0) & (s["rear_knee_flexion_deg"] == 90.0)].iloc[0]
    assert close(row["rear_hip_extension_deg"], -ev["rear_hip_flexion_deg"])
    # good-form bottom: back hip about neutral (slightly flexed), not stretched
    assert -5.0 < row["rear_hip_extension_deg"] < 0.0 and row["stretch_code"] == 0
    # a 10° more upright trunk extends the back hip by exactly 10° (rigid trunk)
    up = s[(s["trunk_lean_deg"] == 0.0) & (s["rear_knee_flexion_deg"] == 90.0)].iloc[0]
    assert close(up["rear_hip_extension_deg"] - row["rear_hip_extension_deg"], 10.0, 1e-9)
    lo, hi = claims.HIP_EXTENSION_RANGE_DEG
    ext = s["rear_hip_extension_deg"]
    assert (s["stretch_code"] == np.select([ext < 0, ext < lo, ext <= hi], [0, 1, 2], 3)).all()
    assert (s["stretch"] == np.array(claims.STRETCH_CLASSES, dtype=object)[s["stretch_code"]]
            ).all()
    wide = claims.stretch_table(s)
    assert list(wide.columns) == ["back knee 70°", "back knee 90°", "back knee 110°"]
    assert close(wide.loc[10.0, "back knee 90°"], row["rear_hip_extension_deg"])


def test_balance_margins(model):
    b = claims.balance_margins(model)
    default = b.loc["lunge, both knees 90° (default)"]
    ev = model.evaluate().iloc[0]
    assert close(default["balance_margin_m"], ev["balance_margin_m"])
    assert close(default["balance_margin_m"],
                 min(default["com_to_rear_ball_m"], default["com_to_front_ball_m"]))
    assert close(default["base_length_m"], default["step_length_m"])  # ball to ball
    stand = b.loc["standing, feet together (best case)"]
    s = model.subject
    assert close(stand["balance_margin_m"], 0.5 * s.ball_fraction * s.foot_length)
    lunges = b[b["stance"] == "bottom of a lunge"]
    assert (lunges["balance_margin_m"] > stand["balance_margin_m"]).all()
    # a shorter step shrinks the static margin
    assert (b.loc["short step: knee at the toes", "balance_margin_m"]
            < default["balance_margin_m"])


def test_single_support_balance(curves):
    sb = claims.single_support_balance(curves)
    assert set(sb.index) == {"backward", "forward"}
    assert (sb["single_support_s"] > 0).all()
    assert (sb["outside_s"] <= sb["single_support_s"]).all()
    g = curves[curves["direction"] == "backward"]
    m = np.minimum(g["com_x_m"] - g["stance_back_edge_x_m"],
                   g["stance_front_edge_x_m"] - g["com_x_m"])
    assert close(sb.loc["backward", "min_margin_m"], m.min())


def test_verdict_table(model, trials, curves):
    tips = claims.form_tips(model)
    fvb = claims.forward_vs_backward(claims.rep_peaks(curves))
    checks = claims.force_check(trials)
    hip = claims.hip_extensor_demand(model)
    stretch = claims.hip_flexor_stretch(model)
    balance = claims.balance_margins(model)
    single = claims.single_support_balance(curves)
    v = claims.verdict_table(tips, fvb, checks, hip, stretch, balance, single)
    assert list(v.index) == [text for _, text in claims.CLAIMS.values()]
    assert list(v.columns) == ["kind", "what the model says", "number (with assumption)",
                               "verdict"]
    assert set(v["verdict"]) <= set(claims.VERDICTS)
    verdict = dict(zip([k for k in claims.CLAIMS], v["verdict"], strict=True))
    assert verdict == {
        "knee_over_ankle": "depends on assumption", "chest_up": "supported",
        "knees_90": "supported", "back_knee_hover": "supported", "front_heel": "contradicted",
        "knee_friendly": "depends on assumption", "glutes_hamstrings": "depends on assumption",
        "hip_flexor_stretch": "contradicted", "balance": "not a mechanics question"}
    numbers = v["number (with assumption)"]
    kf = numbers.iloc[5]
    assert "SYNTHETIC" in kf
    assert f"{fvb.loc['backward', 'peak_knee_nm']:.0f}" in kf
    assert ("NOT USABLE" in kf) == (not bool(checks["consistent"].all()))
    assert f"{balance.iloc[0]['balance_margin_m']:.2f} m" in numbers.iloc[8]
    # the rule follows the numbers: a model with an extended back hip would be "supported"
    upright = stretch.copy()
    upright["rear_hip_extension_deg"] = 15.0
    v2 = claims.verdict_table(tips, fvb, checks, hip, upright, balance, single)
    assert v2["verdict"].iloc[7] == "supported"


def test_literature_rows():
    lit = claims.literature()
    assert list(lit.index) == ["Comfort et al. 2015", "Roos et al. 2012"]
    assert "157 vs 124" in lit.loc["Roos et al. 2012", "finding"]


# -- notebook 07's figures -----------------------------------------------------------------------
def figures_07(model, curves):
    stretch = claims.hip_flexor_stretch(model)
    balance = claims.balance_margins(model)
    return [
        vs.panel_lines(
            claims.rep_curves(curves, rep=1), "time_from_bottom_s",
            ["front_knee_moment_nm", "pfj_stress_mpa", "front_hip_moment_nm"],
            color="direction", labels=claims.LABELS, legend_title="SYNTHETIC trial (subject S01)",
            title="Backward vs forward lunge, front leg, one repetition (SYNTHETIC)",
            subtitle="generated from this model; flat part = holding the bottom posture, where "
                     "both lunges are the same quasi-static posture"),
        vs.panel_lines(
            stretch, "trunk_lean_deg", ["rear_hip_extension_deg"], color="back knee",
            labels=claims.LABELS, legend_title="back knee (front knee 90°)",
            title="Back hip extension at the bottom of the lunge",
            subtitle="+ = back thigh behind the trunk line; shaded: typical end of the passive "
                     "hip-extension range, 10-20° (planning value)",
            height=440).add_hrect(
            y0=claims.HIP_EXTENSION_RANGE_DEG[0], y1=claims.HIP_EXTENSION_RANGE_DEG[1],
            fillcolor="#2e8b57", opacity=0.15, line_width=0,
            annotation_text="typical end range", annotation_position="top left"),
        viz.compare_bars(
            balance, ["base_length_m", "balance_margin_m"], labels=claims.LABELS,
            y_title="distance, front to back (m)", x_title="quantity (m)",
            legend_title="posture", text_format=".2f",
            title="Base of support and static balance margin, front to back", height=460),
    ]


@pytest.fixture(scope="module")
def built(model, curves):
    return figures_07(model, curves)


def _decode(obj):
    import base64

    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
            return arr.astype(float).tolist()
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


def _stored_figures() -> list[dict]:
    nb = json.loads(NB.read_text(encoding="utf-8"))
    return [_decode(o["data"]["application/vnd.plotly.v1+json"]) for c in nb["cells"]
            for o in c.get("outputs", []) if "application/vnd.plotly.v1+json" in o.get("data", {})]


def _axis_titles(fig: dict) -> dict[str, str]:
    return {k: v["title"]["text"] for k, v in fig["layout"].items()
            if re.fullmatch(r"[xy]axis\d*", k) and v.get("title", {}).get("text")}


def test_plot_cells_are_marked_and_table_cells_are_not():
    nb = json.loads(NB.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        plots = any("application/vnd.plotly.v1+json" in o.get("data", {})
                    for o in cell.get("outputs", []))
        assert plots == src.startswith("# NBVAL_IGNORE_OUTPUT"), src[:80]


def test_stored_figures_are_the_package_figures(built):
    stored = _stored_figures()
    fresh = [_decode(json.loads(f.to_json())) for f in built]
    assert len(stored) == len(fresh) == 3
    for s, f in zip(stored, fresh, strict=True):
        assert [t.get("name") for t in s["data"]] == [t.get("name") for t in f["data"]]
        assert _axis_titles(s) == _axis_titles(f)
        assert s["layout"].get("title") == f["layout"].get("title")
        for ts, tf in zip(s["data"], f["data"], strict=True):
            for key in ("x", "y"):
                a, b = ts.get(key), tf.get(key)
                if b is None:
                    continue
                try:
                    assert stored_close(np.asarray(a, float), np.asarray(b, float))
                except (TypeError, ValueError):
                    assert list(a) == list(b)


def test_every_axis_has_a_unit_and_figures_are_small(built):
    for fig in built:
        titles = _axis_titles(json.loads(fig.to_json()))
        assert titles
        for t in titles.values():
            assert UNIT_RE.search(t), f"axis title without a unit: {t!r}"
        assert len(fig.to_json()) < 80_000
    assert NB.stat().st_size < 400_000


def test_figures_show_what_the_text_says(built, curves, model):
    fb = built[0]
    names = {t.name for t in fb.data}
    assert names == {"backward", "forward"}
    knee_bw = [t for t in fb.data if t.name == "backward" and t.yaxis == "y"][0]
    rep1 = claims.rep_curves(curves, rep=1)
    want = rep1[rep1["direction"] == "backward"].sort_values("time_from_bottom_s")
    assert close(knee_bw.y, want["front_knee_moment_nm"])
    stretch_fig = built[1]
    rect = [s for s in stretch_fig.layout.shapes if s.type == "rect"][0]
    assert (rect.y0, rect.y1) == claims.HIP_EXTENSION_RANGE_DEG
    bars = built[2]
    assert all(isinstance(t, go.Bar) for t in bars.data)
    b = claims.balance_margins(model)
    assert [t.name for t in bars.data] == list(b.index)
    assert close([t.y[1] for t in bars.data], b["balance_margin_m"])


def test_notebook_imports_only_lungelab_and_ends_with_an_answer():
    nb = json.loads(NB.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in "".join(cell["source"]).splitlines():
            s = line.strip()
            if s.startswith(("import ", "from ")):
                assert s.split()[1].split(".")[0] in ("lungelab", "IPython"), s
    first, last = nb["cells"][0], nb["cells"][-1]
    assert "".join(first["source"]).startswith("# 07")
    assert "What this says" in "".join(last["source"])
