"""The coach dashboard shows exactly the model's numbers and survives every control setting.

Controls are moved the way a browser moves them (setting a widget's ``.value``); the
figure's traces are then compared with an independent :meth:`LungeModel.solve` of the
same settings.  Update times are measured and reported, never asserted.
"""

from __future__ import annotations

import json
import math
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("anywidget")

from ipywidgets.widgets.widget import _remove_buffers  # noqa: E402
from plotly.serializers import _py_to_js  # noqa: E402

import lungelab as ll  # noqa: E402
from lungelab.dashboard import CONTROLS, CoachDashboard  # noqa: E402
from lungelab.loads import JOINTS  # noqa: E402
from lungelab.viz import STICK_TRACE_NAMES  # noqa: E402

MESSAGES = ("_py2js_update", "_py2js_restyle", "_py2js_relayout")


def model_result(v: dict) -> ll.LungeResult:
    """The model's answer for the dashboard's settings, computed independently."""
    model = ll.LungeModel(
        ll.Subject(mass_kg=v["mass_kg"], height_m=v["height_m"], sex=v["sex"]),
        ll.ExternalLoad(mass_kg=v["load_kg"], at=v["load_at"]),
        grf_convergence=v["grf_convergence"], contact_area_model=v["contact_area_model"])
    posture = ll.LungePosture(front_knee_flexion_deg=v["front_knee_flexion_deg"],
                              knee_past_toes_m=v["knee_past_toes_m"],
                              trunk_lean_deg=v["trunk_lean_deg"],
                              rear_knee_flexion_deg=v["rear_knee_flexion_deg"])
    return model.solve(posture, front_heel_share=v["front_heel_share"])


def trace(dash: CoachDashboard, name: str):
    (t,) = [t for t in dash.figure.data if t.name == name]
    return t


def xy(result: ll.LungeResult, *names: str) -> tuple[list[float], list[float]]:
    pts = [result.positions_m[n] for n in names]
    return [p[0] for p in pts], [p[1] for p in pts]


def assert_positions(dash: CoachDashboard, r: ll.LungeResult) -> None:
    for name, points in (
        ("front leg", ("hip", "front_knee", "front_ankle")),
        ("rear leg", ("hip", "rear_knee", "rear_ankle")),
        ("trunk", ("hip", "shoulder", "head_top")),
        ("front foot", ("front_ankle", "front_heel", "front_ball", "front_toe",
                        "front_ankle")),
        ("rear foot", ("rear_ankle", "rear_heel", "rear_ball", "rear_toe", "rear_ankle")),
        ("joint centres", ("front_ankle", "front_knee", "hip", "shoulder", "rear_knee",
                           "rear_ankle")),
        ("centre of mass", ("com",)),
    ):
        x, y = xy(r, *points)
        t = trace(dash, name)
        np.testing.assert_array_equal(np.asarray(t.x, float), x, err_msg=name)
        np.testing.assert_array_equal(np.asarray(t.y, float), y, err_msg=name)


def assert_figure_matches(dash: CoachDashboard, r: ll.LungeResult) -> None:
    """Positions, ground reactions, moments and PFJ stress are the model's numbers."""
    assert r.balanced
    assert_positions(dash, r)
    s = dash.force_scale
    for name, point, force in (("GRF front heel", "front_heel", r.grf_n["front_heel"]),
                               ("GRF front toes", "front_ball", r.grf_n["front_toes"]),
                               ("GRF rear foot", "rear_ball", r.grf_n["rear"])):
        t = trace(dash, name)
        x0 = r.positions_m[point][0]
        np.testing.assert_array_equal(np.asarray(t.x, float), [x0, x0], err_msg=name)
        np.testing.assert_array_equal(np.asarray(t.y, float), [0.0, force * s], err_msg=name)
        assert t.text[1] == f"{force:.0f} N"
    for name, force in (("horizontal GRF front", r.grf_horizontal_n["front"]),
                        ("horizontal GRF rear", r.grf_horizontal_n["rear"])):
        t = trace(dash, name)
        assert float(t.x[1]) - float(t.x[0]) == pytest.approx(force * s, rel=1e-12, abs=1e-15)
    bars = trace(dash, "joint moment")
    np.testing.assert_array_equal(np.asarray(bars.y, float), [r.moments_nm[j] for j in JOINTS])
    gauge = dash.figure.data[-1]
    assert gauge.type == "indicator"
    assert gauge.value == r.pfj_stress_mpa
    assert r.inputs["contact_area_model"] in gauge.title.text
    assert gauge.gauge.axis.range[1] >= r.pfj_stress_mpa
    assert "Balanced" in dash.status.value
    assert f"{r.pfj_stress_mpa:.1f} MPa" in dash.status.value
    assert dash.figure.layout.annotations[-1].text == ""


def assert_no_loads(dash: CoachDashboard) -> None:
    for name in ("GRF front heel", "GRF front toes", "GRF rear foot", "horizontal GRF front",
                 "horizontal GRF rear"):
        assert np.isnan(np.asarray(trace(dash, name).y, float)).all(), name
    assert np.isnan(np.asarray(trace(dash, "joint moment").y, float)).all()
    assert dash.figure.data[-1].value is None


@pytest.fixture(scope="module")
def dash() -> CoachDashboard:
    return CoachDashboard()


@pytest.fixture(autouse=True)
def _reset(dash):
    dash.update(**{name: c.default for name, c in CONTROLS.items()})
    yield


def test_opens_on_the_good_form_lunge(dash):
    assert dash.values == {name: c.default for name, c in CONTROLS.items()}
    r = model_result(dash.values)
    assert_figure_matches(dash, r)
    assert [t.name for t in dash.figure.data[:len(STICK_TRACE_NAMES)]] == \
        list(STICK_TRACE_NAMES)
    assert dash.result.to_dict() == r.to_dict()


MOVES = [
    ("trunk_lean_deg", 35.0), ("trunk_lean_deg", -5.0),
    ("knee_past_toes_m", -0.10), ("front_knee_flexion_deg", 75.0),
    ("rear_knee_flexion_deg", 100.0), ("front_heel_share", 0.8), ("front_heel_share", 0.3),
    ("load_kg", 20.0), ("load_at", "shoulders"), ("mass_kg", 95.0), ("height_m", 1.90),
    ("sex", "female"), ("grf_convergence", "vertical"), ("grf_convergence", 0.4),
    ("contact_area_model", "besier2005"),
]


@pytest.mark.parametrize(("name", "value"), MOVES, ids=[f"{n}={v}" for n, v in MOVES])
def test_moving_a_control_shows_the_models_numbers(dash, name, value):
    if name == "load_at":                  # where a load is held matters only with a load
        dash.controls["load_kg"].value = 20.0
    before = [np.asarray(t.y, float).copy() for t in dash.figure.data[:-1]]
    before_gauge = dash.figure.data[-1].value
    dash.controls[name].value = value
    r = model_result(dash.values)
    assert dash.values[name] == value
    assert_figure_matches(dash, r)
    after = [np.asarray(t.y, float) for t in dash.figure.data[:-1]]
    changed = any(not np.array_equal(a, b, equal_nan=True) for a, b in zip(before, after,
                                                                          strict=True))
    assert changed or dash.figure.data[-1].value != before_gauge


def test_moves_combine(dash):
    dash.controls["load_kg"].value = 30.0
    dash.controls["load_at"].value = "shoulders"
    dash.controls["trunk_lean_deg"].value = 25.0
    dash.controls["front_knee_flexion_deg"].value = 95.0
    dash.controls["grf_convergence"].value = 1.0
    assert_figure_matches(dash, model_result(dash.values))


def test_traces_are_updated_in_place_in_one_batch(dash):
    fig = dash.figure
    ids = [id(t) for t in fig.data]
    uids = [t.uid for t in fig.data]
    sent: list[tuple[str, dict]] = []
    handler = lambda ch: ch["new"] is not None and sent.append((ch["name"], ch["new"]))  # noqa: E731
    fig.observe(handler, names=list(MESSAGES))
    try:
        dash.controls["trunk_lean_deg"].value = 20.0
    finally:
        fig.unobserve(handler, names=list(MESSAGES))
    assert [id(t) for t in fig.data] == ids and [t.uid for t in fig.data] == uids
    assert [name for name, _ in sent] == ["_py2js_update"], "one batched message per move"


def test_unbalanced_setting_warns_with_the_direction_and_keeps_the_posture(dash):
    dash.controls["knee_past_toes_m"].value = 0.10     # knee far forward, heel share 0.6
    r = model_result(dash.values)
    assert not r.balanced and not dash.balanced
    assert dash.message == r.warnings[0]
    assert "cannot balance" in dash.status.value
    assert "shift it back" in dash.status.value
    assert_positions(dash, r)                            # the posture is still drawn
    assert_no_loads(dash)
    assert "cannot balance" in dash.figure.layout.annotations[-1].text
    dash.controls["front_heel_share"].value = 0.1        # follow the advice: onto the toes
    assert_figure_matches(dash, model_result(dash.values))


@pytest.mark.parametrize(("changes", "words"), [
    ({"front_knee_flexion_deg": 120.0}, "below the floor"),
    ({"front_knee_flexion_deg": 40.0}, "cannot reach the floor"),
    ({"knee_past_toes_m": 0.20}, "for this subject"),
], ids=["too deep", "too shallow", "knee beyond shank range"])
def test_setting_that_cannot_be_built_warns_and_does_not_crash(dash, changes, words):
    for name, value in changes.items():
        dash.controls[name].value = value
    with pytest.raises(ll.LungelabError) as err:
        model_result(dash.values)
    assert dash.result is None and dash.message == str(err.value)
    assert "cannot be built" in dash.status.value and words in dash.status.value
    assert "«" in dash.status.value or "Knee past toes" in dash.status.value
    for name in ("front leg", "rear leg", "trunk", "centre of mass"):
        assert np.isnan(np.asarray(trace(dash, name).x, float)).all()
    assert_no_loads(dash)
    assert "cannot be built" in dash.figure.layout.annotations[-1].text
    dash.update(**{name: CONTROLS[name].default for name in changes})   # and back
    assert_figure_matches(dash, model_result(dash.values))


def test_update_api(dash):
    n = len(dash.update_times_s)
    r = dash.update(trunk_lean_deg=30.0, mass_kg=60.0)
    assert len(dash.update_times_s) == n + 1, "one recompute per update() call"
    assert dash.controls["trunk_lean_deg"].value == 30.0
    assert r.to_dict() == model_result(dash.values).to_dict()
    assert_figure_matches(dash, r)
    with pytest.raises(TypeError, match="unknown dashboard control"):
        dash.update(trunk_angle=3)
    with pytest.raises(ValueError, match="outside the control's range"):
        dash.update(trunk_lean_deg=200.0)
    with pytest.raises(ValueError, match="not one of"):
        dash.update(grf_convergence="sideways")
    assert dash.controls["trunk_lean_deg"].value == 30.0


def test_solve_does_not_touch_the_figure(dash):
    y = np.asarray(trace(dash, "front leg").y, float).copy()
    result, message = dash.solve(trunk_lean_deg=40.0)
    assert message is None and result.inputs["trunk_lean_deg"] == 40.0
    np.testing.assert_array_equal(np.asarray(trace(dash, "front leg").y, float), y)
    assert dash.controls["trunk_lean_deg"].value == CONTROLS["trunk_lean_deg"].default


def test_starting_values_and_their_checks():
    d = CoachDashboard(mass_kg=62.0, height_m=1.68, sex="female", width=None)
    assert d.values["mass_kg"] == 62.0 and d.figure.layout.width is None
    assert_figure_matches(d, model_result(d.values))
    with pytest.raises(TypeError):
        CoachDashboard(weight=70)


def test_can_open_on_a_posture_that_cannot_be_built():
    d = CoachDashboard(front_knee_flexion_deg=120.0)
    assert d.result is None and "cannot be built" in d.status.value
    assert_no_loads(d)
    d.controls["front_knee_flexion_deg"].value = 90.0
    assert_figure_matches(d, model_result(d.values))


def test_a_rejected_update_changes_nothing(dash):
    before = dash.values
    with pytest.raises(ValueError):
        dash.update(trunk_lean_deg=30.0, mass_kg=500.0)
    assert dash.values == before
    assert_figure_matches(dash, model_result(before))


def _json_compliant(obj) -> None:
    state, _, _ = _remove_buffers(obj)
    json.dumps(state, allow_nan=False)     # the browser's JSON.parse rejects NaN


def test_what_reaches_the_browser_is_valid_json():
    d = CoachDashboard(knee_past_toes_m=0.10)            # opens not balanced: NaN loads
    _json_compliant(d.figure.get_state())
    sent: list[dict] = []
    d.figure.observe(lambda ch: ch["new"] is not None and sent.append(ch["new"]),
                     names=list(MESSAGES))
    d.update(front_knee_flexion_deg=120.0)                # cannot be built: NaN everywhere
    d.update(front_knee_flexion_deg=90.0, knee_past_toes_m=-0.2)
    assert len(sent) == 2
    for msg in sent:
        _json_compliant({"msg": _py_to_js(msg, None)})


def test_show_puts_the_figure_at_top_level(dash, monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(objs))
    dash.show()
    assert shown == [dash.panel, dash.status, dash.figure]

    def nested(box):
        return [w for c in getattr(box, "children", ()) for w in (c, *nested(c))]

    assert dash.figure not in nested(dash.panel), "a figure in a Box can render empty"


def test_update_time_is_measured(dash, capsys, record_property):
    times = []
    for i in range(40):
        dash.controls["trunk_lean_deg"].value = float(i)
        times.append(dash.last_update_s)
    for i in range(20):
        dash.controls["knee_past_toes_m"].value = round(-0.25 + 0.02 * i, 2)
        times.append(dash.last_update_s)
    assert len(times) == 60 and all(math.isfinite(t) and t > 0 for t in times)
    med, worst = statistics.median(times), max(times)
    record_property("dashboard_update_median_ms", round(1e3 * med, 2))
    record_property("dashboard_update_max_ms", round(1e3 * worst, 2))
    with capsys.disabled():
        print(f"\n[dashboard] recompute + figure update per slider move: median "
              f"{1e3 * med:.1f} ms, max {1e3 * worst:.1f} ms over {len(times)} moves")


# -- in a real browser, under Voilà ------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "08_coach_dashboard.ipynb"


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    """Serve notebook 08 with Voilà on a free loopback port; stop it afterwards."""
    pytest.importorskip("voila", reason="voila is not installed (see docs/dashboard.md)")
    pytest.importorskip("playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    tmp = tmp_path_factory.mktemp("voila")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "config"),
           "JUPYTER_DATA_DIR": str(tmp / "data"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(NOTEBOOK), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1"], env=env, cwd=tmp,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "api", timeout=2):
                    break
            except urllib.error.HTTPError:          # the server answers: it is up
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Voilà did not start", pytrace=False)
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_renders_and_follows_a_slider_under_voila(voila_url):
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(voila_url, timeout=120_000)
            page.wait_for_selector(".js-plotly-plot .indicatorlayer .trace", timeout=120_000)
            plot = page.locator(".js-plotly-plot")
            assert plot.count() == 1
            box = plot.first.bounding_box()
            assert box["width"] > 500 and box["height"] > 400, "figure rendered empty"
            assert plot.locator(".scatterlayer .trace").count() == len(STICK_TRACE_NAMES)
            assert plot.locator(".barlayer .point").count() == len(JOINTS)

            def bar_labels() -> list[str]:
                return [t.strip() for t in plot.locator(".barlayer .bartext").all_text_contents()]

            defaults = {name: c.default for name, c in CONTROLS.items()}
            r0 = model_result(defaults)
            assert bar_labels() == [f"{r0.moments_nm[j]:+.0f}" for j in JOINTS]
            slider = page.locator(".widget-slider", has_text="Trunk lean")
            slider.locator(".noUi-handle").click()
            for _ in range(20):                       # 10° -> 30°, one degree per key
                page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.widget-readout')]"
                ".some(e => e.textContent.trim() === '30')", timeout=30_000)
            r1 = model_result({**defaults, "trunk_lean_deg": 30.0})
            want = [f"{r1.moments_nm[j]:+.0f}" for j in JOINTS]
            deadline = time.monotonic() + 30
            while bar_labels() != want and time.monotonic() < deadline:
                time.sleep(0.2)
            assert bar_labels() == want
            status = page.locator(".widget-html-content", has_text="Balanced").first
            assert f"{r1.pfj_stress_mpa:.1f} MPa" in status.inner_text()
            assert not errors, errors
        finally:
            browser.close()
