"""Figures of notebooks 02-06: rebuilt here with the same package calls as the notebook
sources, checked for units and for carrying the studies' numbers, and compared with the
figures stored in the executed notebooks (whose plot cells nbval does not compare)."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from _tolerances import stored_close

import lungelab as ll
from lungelab import studies, viz
from lungelab import viz_studies as vs

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"
MINE = ("02_heel_or_toes", "03_knee_past_toes", "04_chest_up", "05_depth_and_evenness",
        "06_load_and_programme")

UNIT_RE = re.compile(
    r"\((?:[^()]*?)(?:\bm\b|deg|\bN\b|N·m|N·m/kg|MPa|kg|fraction 0-1|0-1|\bs\b|kN·m·s)[^()]*\)")


@pytest.fixture(scope="module")
def model():
    return ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))


# -- the notebooks' figures, built exactly as in notebooks/src ------------------------------
def figures_02(model):
    fixed = studies.heel_share_sweep(model)
    strategies = studies.heel_share_strategies(model, options=("com", "vertical"))
    return [
        vs.panel_lines(
            fixed, "front_heel_share",
            ["front_ankle_moment_nm", "front_knee_moment_nm", "front_hip_moment_nm"],
            color="grf_convergence", legend_title="where the foot forces meet",
            labels={"front_heel_share": "heel share of front-foot load (0-1)"},
            title="Posture fixed: moving the front foot's pressure from toes to heel",
            subtitle="front knee 90° over the ankle, trunk 10°, back knee 90°; one line per "
                     "assumption"),
        vs.panel_lines(
            strategies, "heel", ["front_knee_moment_nm", "front_hip_moment_nm",
                                 "pfj_stress_mpa"],
            color="strategy", dash="grf_convergence",
            labels={"heel": "heel share of front-foot load (0-1)"},
            legend_title="strategy, assumption",
            title="Three ways to put the weight in the heel",
            subtitle="solid: each foot pushes toward the centre of mass (default); dashed: "
                     "vertical foot forces"),
        viz.stick_figure(
            studies.pick(strategies, strategy="knee travel adapts", heel=0.8,
                         grf_convergence="COM (default)"),
            title="Heel-heavy front foot (80 % on the heel), knee brought back to keep the "
                  "balance"),
        viz.heatmap(studies.heel_knee_grid(model), "front_heel_share", "knee_past_toes_m",
                    "front_knee_moment_nm", hover=["front_share", "pfj_stress_mpa"],
                    title="Front-knee moment, each foot pushing toward the centre of mass "
                          "(default)"),
        viz.heatmap(studies.heel_knee_grid(model.with_(grf_convergence="vertical")),
                    "front_heel_share", "knee_past_toes_m", "front_knee_moment_nm",
                    hover=["front_share", "pfj_stress_mpa"],
                    title="Front-knee moment with vertical foot forces"),
    ]


def figures_03(model):
    travel = studies.knee_travel_sweep(model)
    crossover = studies.knee_travel_crossover(model)
    com = studies.pick(travel, knee_past_toes_m=-0.2, grf_convergence="COM (default)")
    return [
        vs.panel_lines(
            travel, "knee_past_toes_m",
            ["front_knee_moment_nm", "front_hip_moment_nm", "pfj_stress_mpa"],
            color="grf_convergence", legend_title="where the foot forces meet",
            labels={"knee_past_toes_m": "knee past the toe tip (m, − = behind)"},
            title="Front knee travel at 90° knee bend: knee, hip and kneecap",
            subtitle="−0.20 m = knee over the ankle; trunk 10°, back knee 90°, 60 % of the "
                     "front foot's load on the heel"),
        viz.stick_figure(com, title="Knee over the ankle (knee 0.20 m behind the toe tip)"),
        viz.stick_figure(studies.pick(travel, knee_past_toes_m=0.0,
                                      grf_convergence="COM (default)"),
                         title="Knee at the toes: shorter step, hip forward and higher"),
        vs.lines_with_marks(
            crossover, "convergence_height_m", "front_knee_moment_nm", group="knee position",
            marks=[(crossover.attrs["crossover_height_m"], "crossover"),
                   (com["com_system_y_m"], "centre of mass (knee over the ankle)")],
            log_x=True, title="Front-knee moment vs where the foot forces meet",
            labels={"knee position": "knee"}),
    ]


def figures_04(model):
    lean = studies.trunk_lean_sweep(model)
    balance = studies.balance_map(model, heel_share=0.6)
    return [
        vs.panel_lines(
            lean, "trunk_lean_deg",
            ["front_share", "front_hip_moment_nm", "front_knee_moment_nm"],
            color="grf_convergence", legend_title="where the foot forces meet",
            title="Trunk lean: weight split, front hip and front knee",
            subtitle="front knee 90° over the ankle, back knee 90°; the weight split (left) is "
                     "the same under every assumption, so its five lines overlap"),
        viz.stick_figure(studies.pick(lean, trunk_lean_deg=40.0,
                                      grf_convergence="COM (default)"),
                         title="Trunk leaning 40° forward"),
        vs.region_map(balance, "knee_past_toes_m", "trunk_lean_deg", z="front_share",
                      region_names=studies.BALANCE_REGIONS,
                      labels={"knee_past_toes_m": "knee travel past the toes (m, + in front)"},
                      title="Trunk lean × knee travel: who can balance?",
                      subtitle="front knee 90°, back knee 90°; colour = front foot's share of "
                               "the weight, with 60 % of the front foot's load on the heel"),
    ]


def figures_05(model):
    depth = studies.depth_sweep(model)
    return [
        vs.panel_lines(
            studies.depth_sweep(model, options=("com",)), "front_knee_flexion_deg",
            ["rear_knee_flexion_deg", "rear_knee_height_m"],
            title="Feet planted: the back knee follows the front knee down",
            subtitle="step 1.02 m; geometry only (the same under every assumption)",
            height=380,
            hlines={"rear_knee_height_m": (studies.KNEE_CLEARANCE_M, "knee touches the floor")}),
        vs.panel_lines(
            depth, "front_knee_flexion_deg",
            ["front_knee_moment_nm", "rear_knee_moment_nm", "front_hip_moment_nm"],
            color="grf_convergence", legend_title="where the foot forces meet",
            title="Feet planted: the knees' and hip's work vs depth",
            subtitle="front knee 55-100°, back knee solved to keep the step"),
        vs.region_map(studies.hover_map(model), "front_knee_flexion_deg",
                      "rear_knee_flexion_deg", z="rear_knee_height_m",
                      region_names=studies.HOVER_REGIONS,
                      title="Back knee height over front × back knee angle",
                      subtitle="trunk 10°, front shin vertical, back foot on its ball at 50°"),
        vs.lines_with_marks(
            studies.pfj_depth(model), "front_knee_flexion_deg", "pfj_stress_mpa", group="curve",
            shade=[(90, 100, "caution"), (100, 140, "extrapolated")],
            labels={"curve": "contact area, assumption"},
            title="Kneecap (PFJ) stress vs depth, two contact-area models × two assumptions"),
    ]


def figures_06(model):
    assumptions = ("vertical", 1.0, "com")
    loads = studies.load_comparison(model, fractions=(0.0, 0.1, 0.2, 0.3),
                                    placements=("hands", "shoulders"), options=assumptions)
    rep = studies.rep_profile(model, top_front_knee_deg=60.0, bottom_front_knee_deg=90.0,
                              tempo_s=(2.0, 1.0, 2.0), options=assumptions)
    programme = studies.programme_demand(model, programmes=((2, 8), (3, 8), (2, 12), (3, 12)),
                                         load_fractions=(0.0, 0.2), placement="hands",
                                         options=assumptions)
    return [
        vs.panel_lines(
            loads, "load_fraction",
            ["front_knee_moment_nm", "front_hip_moment_nm", "rear_knee_moment_nm"],
            color="grf_convergence", dash="placement", legend_title="assumption, load placement",
            title="Added load at a fixed posture: front knee, front hip, back knee",
            subtitle="solid: dumbbells in the hands; dashed: barbell on the shoulders (the "
                     "lines coincide except under the COM assumption)"),
        vs.panel_lines(
            rep, "time_s",
            ["front_knee_moment_nm", "front_hip_moment_nm", "rear_knee_moment_nm",
             "rear_hip_moment_nm"],
            color="grf_convergence", legend_title="where the foot forces meet",
            title="One body-weight repetition (tempo 2-1-2), split-stance part",
            subtitle="front knee 60° → 90° → 60°, feet planted"),
        vs.programme_bars(programme, "knee_impulse_knms",
                          y_title="knee-extensor impulse per leg (kN·m·s)",
                          title="Knee-extensor work per leg over a programme (front + back "
                                "role)"),
    ]


BUILDERS = {"02_heel_or_toes": figures_02, "03_knee_past_toes": figures_03,
            "04_chest_up": figures_04, "05_depth_and_evenness": figures_05,
            "06_load_and_programme": figures_06}


@pytest.fixture(scope="module")
def built(model):
    return {name: build(model) for name, build in BUILDERS.items()}


# -- helpers --------------------------------------------------------------------------------
def decode(obj):
    """Plotly JSON with base64 typed arrays → plain Python lists (for comparisons)."""
    if isinstance(obj, dict):
        if "bdata" in obj and "dtype" in obj:
            arr = np.frombuffer(base64.b64decode(obj["bdata"]), dtype=obj["dtype"])
            if "shape" in obj:
                shape = obj["shape"]
                shape = [int(s) for s in shape.split(",")] if isinstance(shape, str) else shape
                arr = arr.reshape(shape)
            return arr.astype(float).tolist()
        return {k: decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    return obj


def as_json(fig: go.Figure) -> dict:
    return decode(json.loads(fig.to_json()))


def stored_figures(name: str) -> list[dict]:
    nb = json.loads((NB_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    out = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            fig = o.get("data", {}).get("application/vnd.plotly.v1+json")
            if fig is not None:
                out.append(decode(fig))
    return out


def axis_titles(fig: dict) -> dict[str, str]:
    lay = fig["layout"]
    return {k: v["title"]["text"] for k, v in lay.items()
            if re.fullmatch(r"[xy]axis\d*", k) and v.get("title", {}).get("text")}


def numeric(v):
    """Values as a float array (None → NaN); categorical values stay as they are."""
    if v is None:
        return np.array([])
    vals = [np.nan if x is None else x for x in np.ravel(np.asarray(v, dtype=object))]
    try:
        return np.asarray(vals, dtype=float)
    except (TypeError, ValueError):
        return np.asarray(vals, dtype=object)


def trace(fig: go.Figure, name: str):
    hits = [t for t in fig.data if t.name == name]
    assert len(hits) == 1, f"one trace named {name!r} expected, got {len(hits)}"
    return hits[0]


# -- every notebook -----------------------------------------------------------------------
@pytest.mark.parametrize("name", MINE)
def test_plot_cells_are_marked_and_table_cells_are_not(name):
    nb = json.loads((NB_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        plots = any("application/vnd.plotly.v1+json" in o.get("data", {})
                    for o in cell.get("outputs", []))
        assert plots == src.startswith("# NBVAL_IGNORE_OUTPUT"), src[:80]


@pytest.mark.parametrize("name", MINE)
def test_stored_figures_are_the_package_figures(name, built):
    stored = stored_figures(name)
    fresh = [as_json(f) for f in built[name]]
    assert len(stored) == len(fresh), f"{name}: {len(stored)} stored plots, {len(fresh)} built"
    for s, f in zip(stored, fresh, strict=True):
        assert [t.get("name") for t in s["data"]] == [t.get("name") for t in f["data"]]
        assert axis_titles(s) == axis_titles(f)
        assert s["layout"].get("title") == f["layout"].get("title")
        for ts, tf in zip(s["data"], f["data"], strict=True):
            for key in ("x", "y", "z"):
                if key in tf and tf[key] is not None and not isinstance(tf[key], str):
                    a, b = numeric(ts.get(key)), numeric(tf[key])
                    if a.dtype.kind == "f" and b.dtype.kind == "f":
                        assert stored_close(a, b), \
                            f"{name}: trace {tf.get('name')!r} {key} differs"
                    else:
                        assert a.tolist() == b.tolist()
        # the stored figure carries the package's small template, not plotly's
        assert s["layout"]["template"] == json.loads(json.dumps(viz.TEMPLATE.to_plotly_json()))


@pytest.mark.parametrize("name", MINE)
def test_every_axis_has_a_unit_and_figures_are_small(name, built):
    for fig in built[name]:
        titles = axis_titles(as_json(fig))
        assert titles, "figure without axis titles"
        for t in titles.values():
            categorical = t.startswith("programme (sets × reps")
            assert categorical or UNIT_RE.search(t), f"{name}: axis title without a unit: {t!r}"
        for tr in fig.data:
            if isinstance(tr, go.Heatmap) and tr.colorbar.title.text:
                assert UNIT_RE.search(tr.colorbar.title.text)
        assert len(fig.to_json()) < 60_000


# -- what each figure shows -----------------------------------------------------------------
def test_02_panels_carry_the_sweep(model, built):
    fig = built["02_heel_or_toes"][0]
    fixed = studies.heel_share_sweep(model)
    com = fixed[fixed["grf_convergence"] == "COM (default)"].sort_values("front_heel_share")
    knee = [t for t in fig.data if t.name == "COM (default)" and t.yaxis == "y2"][0]
    assert np.allclose(knee.y, com["front_knee_moment_nm"])
    assert np.allclose(knee.x, com["front_heel_share"])
    assert {t.name for t in fig.data} == {studies.convergence_label(o)
                                          for o in studies.CONVERGENCE_OPTIONS}
    strat = built["02_heel_or_toes"][1]
    assert {t.name for t in strat.data} == {f"{s}, {a}" for s in (
        "fixed posture", "trunk adapts", "knee travel adapts") for a in ("COM (default)",
                                                                         "vertical")}
    heat = trace(built["02_heel_or_toes"][3], "front_knee_moment_nm")
    assert np.asarray(heat.z).shape == (25, 25) and np.isnan(np.asarray(heat.z, float)).any()


def test_03_crossover_mark_and_lines(model, built):
    fig = built["03_knee_past_toes"][3]
    assert fig.layout.xaxis.type == "log"
    c = studies.knee_travel_crossover(model)
    xs = [s.x0 for s in fig.layout.shapes if s.type == "line"]
    assert any(abs(x - c.attrs["crossover_height_m"]) < 1e-12 for x in xs)
    free = trace(fig, "free")
    assert np.allclose(free.y, c[c["knee position"] == "free"]["front_knee_moment_nm"])
    assert any("crossover" in a.text for a in fig.layout.annotations)


def test_04_region_map_marks_the_unbalanced_region(model, built):
    fig = built["04_chest_up"][2]
    b = studies.balance_map(model)
    heat = trace(fig, "front_share")
    z = np.asarray(heat.z, float)
    share = b.pivot(index="trunk_lean_deg", columns="knee_past_toes_m", values="front_share")
    code = b.pivot(index="trunk_lean_deg", columns="knee_past_toes_m", values="region_code")
    assert np.allclose(z, np.where(code == 0, share, np.nan), equal_nan=True)
    names = {t.name for t in fig.data}
    assert {"balanced only with more weight on the toes", "cannot balance"} <= names
    unbal = [t for t in fig.data if isinstance(t, go.Heatmap) and t.name == "cannot balance"][0]
    assert np.array_equal(np.isfinite(np.asarray(unbal.z, float)), (code == 2).to_numpy())


def test_05_hover_map_and_pfj_validity_bands(model, built):
    hover_fig = built["05_depth_and_evenness"][2]
    h = studies.hover_map(model)
    heat = trace(hover_fig, "rear_knee_height_m")
    code = h.pivot(index="rear_knee_flexion_deg", columns="front_knee_flexion_deg",
                   values="region_code").to_numpy()
    assert np.isfinite(np.asarray(heat.z, float)).sum() == (code == 0).sum()
    assert {"back knee touches the floor", "back foot cannot reach the floor"} <= {
        t.name for t in hover_fig.data}
    pfj_fig = built["05_depth_and_evenness"][3]
    assert {t.name for t in pfj_fig.data} == {
        "quartic, COM (default)", "quartic, z = 1 m", "besier2005, COM (default)",
        "besier2005, z = 1 m"}
    rects = [(s.x0, s.x1) for s in pfj_fig.layout.shapes if s.type == "rect"]
    assert (90, 100) in rects and (100, 140) in rects
    geo = built["05_depth_and_evenness"][0]
    assert any(abs(s.y0 - studies.KNEE_CLEARANCE_M) < 1e-12 for s in geo.layout.shapes)


def test_06_programme_bars_and_rep_lines(model, built):
    bars = built["06_load_and_programme"][2]
    programme = studies.programme_demand(model, programmes=((2, 8), (3, 8), (2, 12), (3, 12)),
                                         load_fractions=(0.0, 0.2), placement="hands",
                                         options=("vertical", 1.0, "com"))
    table = studies.programme_table(programme)
    for tr in bars.data:
        assert list(tr.x) == ["2×8", "3×8", "2×12", "3×12"]
        want = table[tr.name].droplevel("reps_per_leg").reindex(list(tr.x)).to_numpy()
        assert np.allclose(tr.y, want)
    assert bars.layout.yaxis.title.text == "knee-extensor impulse per leg (kN·m·s)"
    rep = built["06_load_and_programme"][1]
    assert rep.layout.xaxis.title.text == "time (s)"
    loads = built["06_load_and_programme"][0]
    hands = [t for t in loads.data if t.name == "vertical, hands" and t.yaxis == "y2"][0]
    bar = [t for t in loads.data if t.name == "vertical, shoulders" and t.yaxis == "y2"][0]
    assert np.allclose(hands.y, bar.y)
