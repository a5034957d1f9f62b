"""lungelab.viz: figures carry exactly the model's numbers, titled with units."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import plotly.graph_objects as go
import pytest

import lungelab as ll
from lungelab import viz
from lungelab.loads import JOINTS
from lungelab.posture import POINT_NAMES

UNIT_RE = re.compile(r"\((?:[^()]*\b)?(m|deg|N|N·m|N·m/kg|MPa|kg|fraction 0-1)\b[^()]*\)")


@pytest.fixture(scope="module")
def model():
    return ll.LungeModel(ll.Subject(mass_kg=75, height_m=1.75, sex="male"))


@pytest.fixture(scope="module")
def result(model):
    return model.solve(ll.LungePosture(), front_heel_share=0.6)


@pytest.fixture(scope="module")
def sweep(model):
    return model.evaluate(knee_past_toes_m=np.round(np.arange(-0.2, 0.101, 0.02), 3))


def trace(fig: go.Figure, name: str):
    hits = [t for t in fig.data if t.name == name]
    assert len(hits) == 1, f"expected one trace named {name!r}, got {len(hits)}"
    return hits[0]


def axis_titles(fig: go.Figure) -> dict[str, str]:
    lay = fig.layout
    out = {}
    for key in lay:
        if re.fullmatch(r"[xy]axis\d*", key) and lay[key].title.text is not None:
            out[key] = lay[key].title.text
    return out


def assert_units(title: str) -> None:
    assert UNIT_RE.search(title) or title in ("joint", "quantity"), \
        f"axis title without a unit: {title!r}"


# -- stick figure ---------------------------------------------------------------------
def test_stick_figure_traces_axes_and_aspect(result):
    fig = viz.stick_figure(result, title="Default")
    assert tuple(t.name for t in fig.data) == viz.STICK_TRACE_NAMES
    assert fig.layout.xaxis.title.text == "x (m, forward)"
    assert fig.layout.yaxis.title.text == "y (m)"
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.title.text == "Default"
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    assert y0 < 0 < result.positions_m["head_top"][1] < y1
    assert x0 < result.positions_m["rear_heel"][0] and result.positions_m["front_toe"][0] < x1
    # the floor is at y = 0 under both feet
    floor = trace(fig, "floor")
    assert max(floor.y) == 0.0 and min(floor.x) < x0 and max(floor.x) > x1


@pytest.mark.parametrize("source", ["result", "row", "series", "dict"])
def test_stick_coordinates_equal_model_positions(model, result, source):
    df = model.evaluate()
    obj = {"result": result, "row": df, "series": df.iloc[0],
           "dict": df.iloc[0].to_dict()}[source]
    fig = viz.stick_figure(obj)
    pos = {n: tuple(result.positions_m[n]) for n in POINT_NAMES + ("com",)}
    expected = {
        "front leg": ("hip", "front_knee", "front_ankle"),
        "rear leg": ("hip", "rear_knee", "rear_ankle"),
        "front foot": ("front_ankle", "front_heel", "front_ball", "front_toe", "front_ankle"),
        "rear foot": ("rear_ankle", "rear_heel", "rear_ball", "rear_toe", "rear_ankle"),
        "trunk": ("hip", "shoulder", "head_top"),
        "joint centres": ("front_ankle", "front_knee", "hip", "shoulder", "rear_knee",
                          "rear_ankle"),
        "centre of mass": ("com",),
    }
    for name, points in expected.items():
        t = trace(fig, name)
        np.testing.assert_allclose(t.x, [pos[p][0] for p in points], rtol=0, atol=1e-12)
        np.testing.assert_allclose(t.y, [pos[p][1] for p in points], rtol=0, atol=1e-12)
    # the head circle passes through the head top
    head = trace(fig, "head")
    d = np.hypot(np.array(head.x) - pos["head_top"][0], np.array(head.y) - pos["head_top"][1])
    assert d.min() < 0.01


@pytest.mark.parametrize("scale", [viz.DEFAULT_FORCE_SCALE, 1e-3])
def test_arrow_lengths_and_directions_are_the_model_forces(result, scale):
    fig = viz.stick_figure(result, force_scale=scale)
    grf, hor, pos = result.grf_n, result.grf_horizontal_n, result.positions_m
    cop = result.extras["cop_front_x_m"]
    vertical = {"GRF front heel": (grf["front_heel"], pos["front_heel"][0]),
                "GRF front toes": (grf["front_toes"], pos["front_ball"][0]),
                "GRF rear foot": (grf["rear"], pos["rear_ball"][0])}
    for name, (force, x) in vertical.items():
        t = trace(fig, name)
        assert t.x[0] == pytest.approx(x) and t.x[1] == pytest.approx(x)
        assert t.y[0] == 0.0                                # tail on the floor
        assert t.y[1] - t.y[0] == pytest.approx(force * scale, rel=1e-12)
        assert t.y[1] > 0                                   # pointing up
        assert t.text[1] == f"{force:.0f} N"
        assert t.marker.symbol[1] == "arrow" and t.marker.angleref == "previous"
    horizontal = {"horizontal GRF front": (hor["front"], cop),
                  "horizontal GRF rear": (hor["rear"], pos["rear_ball"][0])}
    for name, (force, x) in horizontal.items():
        t = trace(fig, name)
        assert t.x[0] == pytest.approx(x) and t.y == (0.0, 0.0)
        assert t.x[1] - t.x[0] == pytest.approx(force * scale, rel=1e-12)
        assert t.text[1] == f"{force:+.0f} N"
    # default lunge, COM convergence: the feet are pushed toward each other
    assert hor["front"] < 0 < hor["rear"]
    assert trace(fig, "horizontal GRF front").x[1] < cop
    # lines of action end at the COM height and, for "com" convergence, at the COM
    com = pos["com"]
    for name in ("line of action front", "line of action rear"):
        t = trace(fig, name)
        assert t.y[1] == pytest.approx(com[1])
        assert t.x[1] == pytest.approx(com[0], abs=1e-9)
    # the scale arrow is REFERENCE_FORCE_N long and the annotation gives newtons
    ref = trace(fig, "force scale")
    assert ref.y[1] - ref.y[0] == pytest.approx(viz.REFERENCE_FORCE_N * scale)
    note = fig.layout.annotations[0].text
    for v in (grf["front_heel"], grf["front_toes"], grf["rear"]):
        assert f"{v:.0f} N" in note


def test_vertical_convergence_has_no_horizontal_arrows(model):
    res = model.with_(grf_convergence="vertical").solve()
    fig = viz.stick_figure(res)
    for name in ("horizontal GRF front", "horizontal GRF rear"):
        t = trace(fig, name)
        assert t.x[1] - t.x[0] == pytest.approx(0.0, abs=1e-9)
        assert t.marker.size[1] == 0 and t.text[1] == "0 N"
    t = trace(fig, "line of action front")
    assert t.x[0] == pytest.approx(t.x[1])                   # straight up


def test_unbalanced_posture_draws_body_without_loads(model):
    res = model.solve(ll.LungePosture(knee_past_toes_m=0.1), front_heel_share=0.6)
    assert not res.balanced
    fig = viz.stick_figure(res)
    assert tuple(t.name for t in fig.data) == viz.STICK_TRACE_NAMES
    assert all(math.isnan(v) for v in trace(fig, "GRF front heel").y)
    assert trace(fig, "front leg").x[1] == pytest.approx(res.positions_m["front_knee"][0])
    assert "Not balanced" in fig.layout.annotations[0].text
    assert all(math.isnan(v) for v in viz.moment_bars(res).data[0].y)
    assert viz.pfj_gauge(res).data[0].value is None


def test_stick_figure_rejects_many_rows(sweep):
    with pytest.raises(TypeError, match="one posture"):
        viz.stick_figure(sweep)


# -- moments and PFJ ------------------------------------------------------------------
@pytest.mark.parametrize("per_kg", [False, True])
def test_moment_bars(result, per_kg):
    fig = viz.moment_bars(result, per_kg=per_kg)
    (bar,) = fig.data
    assert bar.type == "bar"
    assert list(bar.x) == [viz.JOINT_LABELS[j] for j in JOINTS]
    src = result.moments_nm_per_kg if per_kg else result.moments_nm
    np.testing.assert_allclose(bar.y, [src[j] for j in JOINTS], rtol=1e-12)
    unit = "N·m/kg" if per_kg else "N·m"
    assert fig.layout.yaxis.title.text == f"net joint moment ({unit})"
    assert "extensor" in fig.layout.title.text
    # the front knee extensor moment of the default lunge is positive and the biggest
    assert max(bar.y) == bar.y[1] > 0


def test_pfj_gauge_names_the_model(result, model):
    fig = viz.pfj_gauge(result)
    (ind,) = fig.data
    assert ind.type == "indicator" and ind.value == pytest.approx(result.pfj_stress_mpa)
    assert ind.number.suffix == " MPa"
    assert "contact-area model: quartic" in ind.title.text
    row = model.evaluate().iloc[0]
    assert "unspecified" in viz.pfj_gauge(row).data[0].title.text
    assert "besier2005" in viz.pfj_gauge(row, contact_area_model="besier2005").data[0].title.text


# -- heat map, sweeps, comparisons ---------------------------------------------------------
def test_heatmap_grid_equals_model(model):
    kt = np.round(np.arange(-0.2, 0.051, 0.05), 3)
    hs = np.round(np.linspace(0, 1, 5), 3)
    df = model.evaluate(knee_past_toes_m=kt[:, None], front_heel_share=hs[None, :])
    df["front_heel_share"] = np.tile(hs, len(kt))
    df["knee_past_toes_m"] = np.repeat(kt, len(hs))
    fig = viz.heatmap(df, "knee_past_toes_m", "front_heel_share", "pfj_stress_mpa",
                      hover=("front_knee_moment_nm",))
    hm = fig.data[0]
    assert hm.type == "heatmap" and fig.data[1].type == "contour"
    np.testing.assert_allclose(hm.x, kt)
    np.testing.assert_allclose(hm.y, hs)
    z = np.array(hm.z, dtype=float)
    np.testing.assert_allclose(z, df["pfj_stress_mpa"].to_numpy().reshape(len(kt), len(hs)).T)
    np.testing.assert_allclose(np.array(hm.customdata)[..., 0],
                               df["front_knee_moment_nm"].to_numpy().reshape(len(kt),
                                                                             len(hs)).T)
    assert fig.layout.xaxis.title.text == "knee travel past the toes (+ in front) (m)"
    assert fig.layout.yaxis.title.text == "heel's share of the front-foot load (fraction 0-1)"
    assert hm.colorbar.title.text == "patellofemoral (kneecap) stress (MPa)"
    with pytest.raises(ValueError, match="repeated"):
        viz.heatmap(df.iloc[[0, 0]], "knee_past_toes_m", "front_heel_share", "pfj_stress_mpa")
    with pytest.raises(ValueError, match="not in the DataFrame"):
        viz.heatmap(df, "knee_past_toes_m", "front_heel_share", "nope")


def test_sweep_lines_single_multi_and_groups(model, sweep):
    fig = viz.sweep_lines(sweep, "knee_past_toes_m", "pfj_stress_mpa")
    assert len(fig.data) == 1
    np.testing.assert_allclose(fig.data[0].y, sweep["pfj_stress_mpa"], equal_nan=True)
    assert fig.layout.yaxis.title.text == "patellofemoral (kneecap) stress (MPa)"
    cols = ["front_knee_moment_nm", "front_hip_moment_nm"]
    fig = viz.sweep_lines(sweep, "knee_past_toes_m", cols)
    assert [t.name for t in fig.data] == [viz.label(c) for c in cols]
    assert fig.layout.yaxis.title.text == "value (N·m)"
    import pandas as pd

    both = pd.concat([model.with_(grf_convergence=c).evaluate(knee_past_toes_m=[-0.2, 0.0])
                      .assign(assumption=c) for c in ("com", "vertical")], ignore_index=True)
    fig = viz.sweep_lines(both, "knee_past_toes_m", "front_knee_moment_nm", group="assumption")
    assert [t.name for t in fig.data] == ["com", "vertical"]
    assert fig.data[0].line.color != fig.data[1].line.color
    np.testing.assert_allclose(fig.data[1].y, both.loc[both.assumption == "vertical",
                                                       "front_knee_moment_nm"])


def test_compare_bars_convergence_sensitivity(model):
    sens = model.convergence_sensitivity()
    cols = [f"{j}_moment_nm" for j in JOINTS]
    fig = viz.compare_bars(sens, cols, title="assumptions")
    assert [t.name for t in fig.data] == list(sens.index)
    for t, (_, row) in zip(fig.data, sens.iterrows(), strict=True):
        assert list(t.x) == [viz.JOINT_LABELS[j] for j in JOINTS]
        np.testing.assert_allclose(t.y, row[cols].to_numpy(float))
    assert fig.layout.yaxis.title.text == "net joint moment (N·m, + extensor)"
    assert fig.layout.barmode == "group"
    fig = viz.compare_bars(sens, "pfj_stress_mpa", group_labels={"com": "at the COM"})
    assert "at the COM" in [t.name for t in fig.data]
    assert fig.layout.yaxis.title.text == "patellofemoral (kneecap) stress (MPa)"


# -- slider dashboard -----------------------------------------------------------------------
def test_slider_explorer_frames_are_model_rows(sweep):
    fig = viz.slider_explorer(sweep, "knee_past_toes_m", step_format="{:+.2f}", active=0,
                              contact_area_model="quartic")
    n = len(viz.STICK_TRACE_NAMES) + 3                    # + summary, moments, PFJ
    assert len(fig.data) == n
    assert len(fig.frames) == len(sweep)
    (slider,) = fig.layout.sliders
    assert len(slider.steps) == len(sweep) and slider.active == 0
    assert [s.args[0][0] for s in slider.steps] == [f.name for f in fig.frames]
    assert slider.steps[0].label == "-0.20" and slider.steps[0].method == "animate"
    leg = viz.STICK_TRACE_NAMES.index("front leg")
    for frame, (_, row) in zip(fig.frames, sweep.iterrows(), strict=True):
        assert list(frame.traces) == list(range(n))
        fl = frame.data[leg]
        np.testing.assert_allclose(fl.x, [row["hip_x_m"], row["front_knee_x_m"],
                                          row["front_ankle_x_m"]])
        np.testing.assert_allclose(frame.data[n - 2].y, [row[f"{j}_moment_nm"] for j in JOINTS],
                                   equal_nan=True)
        np.testing.assert_allclose(frame.data[n - 1].x, [row["pfj_stress_mpa"]],
                                   equal_nan=True)
    # the first drawn state is the active frame
    np.testing.assert_allclose(fig.data[leg].x, fig.frames[0].data[leg].x)
    # axes fixed over frames and titled with units; equal aspect in the side view
    assert fig.layout.xaxis.range is not None and fig.layout.yaxis.scaleanchor == "x"
    for title in axis_titles(fig).values():
        assert_units(title)
    # frames carry only what changes (small JSON)
    assert set(fig.frames[1].data[leg].to_plotly_json()) <= set(viz.explorer.FRAME_KEYS)


# -- every figure: units and a small template -----------------------------------------------
def test_all_figures_have_unit_titles_and_small_json(model, result, sweep):
    figs = [viz.stick_figure(result), viz.moment_bars(result),
            viz.moment_bars(result, per_kg=True),
            viz.sweep_lines(sweep, "trunk_lean_deg", "front_hip_moment_nm"),
            viz.compare_bars(model.convergence_sensitivity(), "pfj_stress_mpa")]
    for fig in figs:
        titles = axis_titles(fig)
        assert titles, "figure without axis titles"
        for t in titles.values():
            assert_units(t)
        assert fig.layout.template.to_plotly_json() == viz.TEMPLATE.to_plotly_json()
    assert len(json.dumps(viz.TEMPLATE.to_plotly_json())) < 1500
    assert len(viz.stick_figure(result).to_json()) < 15_000
    assert len(viz.moment_bars(result).to_json()) < 4_000


@pytest.mark.parametrize("column, expected", [
    ("front_knee_moment_nm", "front knee moment (N·m, + extensor)"),
    ("rear_ankle_moment_nm_per_kg", "rear ankle moment (N·m/kg, + plantarflexor)"),
    ("pfj_stress_mpa", "patellofemoral (kneecap) stress (MPa)"),
    ("front_share", "front foot's share of the load (fraction 0-1)"),
    ("trunk_lean_deg", "trunk lean (+ forward) (deg)"),
    ("grf_rear_n", "vertical GRF rear foot (N)"),
    ("something_new_m", "something new (m)"),
])
def test_labels(column, expected):
    assert viz.label(column) == expected
