"""The offline report in a real browser: Debian chromium, headless, no network.

Generates the report into a temporary folder, opens it from ``file://`` with
Playwright driving ``/usr/bin/chromium`` (Playwright never downloads a browser here),
blocks every non-file request (and fails if one was attempted), and checks that every
plotly figure rendered with the expected number of traces, that the console stayed
free of errors, and that dragging a slider — a real mouse click on the slider rail —
and ``Plotly.animate`` change the figure's data to the precomputed frame.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from lungelab import cli
from lungelab.presentation import write_report
from lungelab.viz import STICK_TRACE_NAMES

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL = ("file:", "data:", "blob:", "about:")
TRUNK = STICK_TRACE_NAMES.index("trunk")   # moves in every slider figure


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Debian chromium is needed for the offline-report browser test but {CHROMIUM} "
            "does not exist. Install it with `sudo apt-get install -y chromium` (or run "
            "`make test`, which installs it via .ci/install-chromium).", pytrace=False)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return write_report(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser):
    """A page that records console errors and blocks (and records) any network request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    page.errors = []
    page.network = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            r.continue_()
        else:
            page.network.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("request", lambda req: None if req.url.startswith(LOCAL)
            else page.network.append(req.url))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def test_cli_prints_load_table_and_writes_self_contained_page(tmp_path, capsys):
    rc = cli.main(["report", "--out", str(tmp_path / "r")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "PFJ stress" in out and "vertical GRF (N): front heel" in out
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    # plotly.js embedded exactly once, nothing loaded from elsewhere
    assert page.count("<script") == 2
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=['\"]?https?:", page)
    assert page.count("plotly.js v") <= 2          # the bundle's own header/banner
    assert page.count("Plotly.newPlot(") == 1


def test_report_renders_offline_and_sliders_move(report, page):
    t0 = time.perf_counter()
    page.goto(report.path.resolve().as_uri())
    ids = list(report.figures)
    assert len(ids) >= 8 and len(report.sliders) == 3
    page.wait_for_function(
        "ids => ids.every(id => { const gd = document.getElementById(id); "
        "return gd && gd._fullLayout && gd.querySelector('.main-svg'); })", arg=ids,
        timeout=20_000)

    # every figure: drawn, sized, with the expected number of traces
    state = page.evaluate(
        """ids => ids.map(id => { const gd = document.getElementById(id);
               const r = gd.getBoundingClientRect();
               return {id, n: gd.data.length, full: gd._fullData.length,
                       svgs: gd.querySelectorAll('.main-svg').length,
                       w: r.width, h: r.height,
                       drawn: gd.querySelectorAll('.trace, .hm, .contour').length}; })""", ids)
    for s in state:
        assert s["n"] == s["full"] == report.figures[s["id"]], s
        assert s["svgs"] >= 1 and s["w"] > 300 and s["h"] > 200, s
        assert s["drawn"] >= 1, s

    # sliders: a real click on the rail moves to another precomputed frame
    for fid in report.sliders:
        gd = f"document.getElementById('{fid}')"
        page.locator(f"#{fid}").scroll_into_view_if_needed()
        before = page.evaluate(f"""() => ({{active: {gd}.layout.sliders[0].active,
            n: {gd}.layout.sliders[0].steps.length,
            x: Array.from({gd}.data[{TRUNK}].x),
            path: {gd}.querySelectorAll('.scatterlayer .trace')[{TRUNK}]
                      .querySelector('path.js-line').getAttribute('d'),
            moments: Array.from({gd}.data[{len(STICK_TRACE_NAMES) + 1}].y),
            label: {gd}.querySelector('.slider-group > text.slider-label').textContent}})""")
        rail = page.locator(f"#{fid} .slider-rail-touch-rect")
        box = rail.bounding_box()
        assert box is not None, f"{fid}: no slider rail"
        target_frac = 0.15 if before["active"] > before["n"] / 2 else 0.85
        page.mouse.click(box["x"] + target_frac * box["width"], box["y"] + box["height"] / 2)
        # the click sets the slider's active step, then the animation applies its frame
        page.wait_for_function(
            f"""a => {{ const gd = {gd}; const s = gd.layout.sliders[0];
                if (s.active === a) return false;
                const f = gd._transitionData._frameHash[s.steps[s.active].args[0][0]];
                return f.data[{TRUNK}].x.every((v, i) => gd.data[{TRUNK}].x[i] === v)
                    && !gd._transitionData._animationRaf; }}""",
            arg=before["active"], timeout=5_000)
        page.wait_for_timeout(50)
        after = page.evaluate(f"""() => {{ const gd = {gd};
            const name = gd.layout.sliders[0].steps[gd.layout.sliders[0].active].args[0][0];
            const frame = gd._transitionData._frameHash[name];
            return {{active: gd.layout.sliders[0].active, name,
                x: Array.from(gd.data[{TRUNK}].x),
                frameX: Array.from(frame.data[{TRUNK}].x),
                path: gd.querySelectorAll('.scatterlayer .trace')[{TRUNK}]
                          .querySelector('path.js-line').getAttribute('d'),
                moments: Array.from(gd.data[{len(STICK_TRACE_NAMES) + 1}].y),
                label: gd.querySelector('.slider-group > text.slider-label').textContent,
                step: gd.layout.sliders[0].steps[gd.layout.sliders[0].active].label}}; }}""")
        assert after["active"] != before["active"]
        assert after["x"] == after["frameX"], f"{fid}: data is not the slider's frame"
        assert after["x"] != before["x"], f"{fid}: the figure's data did not change"
        assert after["path"] != before["path"], f"{fid}: the drawn figure did not change"
        assert after["moments"] != before["moments"]
        # the "current value" text above the rail shows the new step
        assert after["label"] != before["label"] and after["label"].endswith(after["step"])

    # Plotly.animate to a named frame does the same from script
    fid = report.sliders[0]
    changed = page.evaluate(f"""async () => {{
        const gd = document.getElementById('{fid}');
        const x0 = Array.from(gd.data[{TRUNK}].x);
        await Plotly.animate(gd, ['3'], {{mode: 'immediate', frame: {{duration: 0,
                             redraw: true}}, transition: {{duration: 0}}}});
        const x1 = Array.from(gd.data[{TRUNK}].x);
        const f = Array.from(gd._transitionData._frameHash['3'].data[{TRUNK}].x);
        return {{x0, x1, f}}; }}""")
    assert changed["x1"] == changed["f"]

    assert page.errors == [], f"console errors: {page.errors}"
    assert page.network == [], f"network requests attempted: {page.network}"
    assert time.perf_counter() - t0 < 60
