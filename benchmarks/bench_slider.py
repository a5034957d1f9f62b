"""Benchmark: one slider update of the coach dashboard (recompute + figure update, no rendering).

What is timed depends on what exists in the package when the benchmark runs:

1. :class:`lungelab.dashboard.CoachDashboard` exists: after building it once, each
   update moves one slider to a new value and times

   * ``dash.update(name=value)`` — the public call (validation, re-solve, in-place
     update of the ``FigureWidget`` traces in one ``batch_update``), and
   * ``dash.controls[name].value = value`` — the path a real slider drag takes
     (ipywidgets observer → the same refresh);

   sliders cycle through trunk lean, knee travel, depth, rear knee and heel share
   (continuous sweeps, all balanced postures, like a user dragging).  No browser
   renders anything: rendering is the front end's business.
2. otherwise, if :func:`lungelab.viz.stick_figure` exists: ``solve()`` + building the
   stick figure;
3. otherwise ``solve()`` alone, saying what is not measured.

The solve() time alone is reported in the notes in every case, so the share of the
figure update is visible.

Run alone: ``.venv/bin/python benchmarks/bench_slider.py [--updates N]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time

import numpy as np

try:
    from _common import Result, fmt_seconds
except ImportError:  # pragma: no cover - imported as benchmarks.bench_slider
    from benchmarks._common import Result, fmt_seconds

GOAL_S = 0.030
SWEEPS = {  # control name -> values swept (within the dashboard's slider ranges)
    "trunk_lean_deg": np.linspace(5.0, 35.0, 7),
    "knee_past_toes_m": np.linspace(-0.10, 0.05, 7),
    "front_knee_flexion_deg": np.linspace(70.0, 100.0, 7),
    "rear_knee_flexion_deg": np.linspace(80.0, 100.0, 7),
    "front_heel_share": np.linspace(0.3, 0.8, 7),
}


def _schedule(n: int, names) -> list[tuple[str, float]]:
    """``n`` (control, value) pairs: each sweep forward then back, control after control."""
    steps: list[tuple[str, float]] = []
    while len(steps) < n:
        for name in names:
            vals = list(SWEEPS[name]) + list(SWEEPS[name][::-1][1:-1])
            steps += [(name, float(v)) for v in vals]
    return steps[:n]


def _stats(times: list[float]) -> tuple[float, float, float]:
    return statistics.median(times), float(np.percentile(times, 95)), max(times)


def _solve_times(n: int) -> list[float]:
    from lungelab import LungeModel, LungePosture

    model = LungeModel()
    model.solve()
    out = []
    for i in range(n):
        post = LungePosture(trunk_lean_deg=5.0 + 30.0 * (i % 7) / 6)
        t0 = time.perf_counter()
        model.solve(post)
        out.append(time.perf_counter() - t0)
    return out


def run(options: argparse.Namespace) -> list[Result]:
    """Run the slider benchmark and return its table rows."""
    n = int(options.updates)
    t_solve = _stats(_solve_times(n))
    solve_note = (f"LungeModel.solve() alone: median {fmt_seconds(t_solve[0])}, p95 "
                  f"{fmt_seconds(t_solve[1])}")
    if importlib.util.find_spec("lungelab.dashboard") is not None:
        return _dashboard_rows(n, solve_note)
    if importlib.util.find_spec("lungelab.viz") is not None:  # pragma: no cover - fallback
        return _stick_rows(n, solve_note)
    return [Result("slider update: solve() only (no viz, no dashboard)",  # pragma: no cover
                   fmt_seconds(t_solve[0]), "", "", f"< {GOAL_S * 1e3:g} ms", None,
                   [solve_note, "lungelab.viz and lungelab.dashboard do not exist: figure "
                    "update NOT measured"])]


def _dashboard_rows(n: int, solve_note: str) -> list[Result]:
    from lungelab.dashboard import CONTROLS, CoachDashboard

    names = [k for k in SWEEPS if k in CONTROLS]
    t0 = time.perf_counter()
    dash = CoachDashboard()
    t_build = time.perf_counter() - t0
    steps = _schedule(n, names)
    for name, value in steps[:5]:  # warm-up
        dash.update(**{name: value})
    t_update, t_widget, unbalanced = [], [], 0
    for name, value in steps:
        t0 = time.perf_counter()
        dash.update(**{name: value})
        t_update.append(time.perf_counter() - t0)
        unbalanced += not dash.balanced
    for name, value in steps:
        # nudge the value so the widget always changes (ipywidgets skips equal values)
        value = value + (1e-3 if dash.controls[name].value == value else 0.0)
        t0 = time.perf_counter()
        dash.controls[name].value = value
        t_widget.append(time.perf_counter() - t0)
    rows = []
    for label, times in (("slider update: CoachDashboard.update()", t_update),
                         ("slider update: widget .value = (observer path)", t_widget)):
        med, p95, worst = _stats(times)
        rows.append(Result(
            label, f"median {fmt_seconds(med)}", f"p95 {fmt_seconds(p95)}, max "
            f"{fmt_seconds(worst)}", "", f"< {GOAL_S * 1e3:g} ms (median)", med < GOAL_S,
            [f"{len(times)} updates sweeping {', '.join(names)}; recompute (LungeModel.solve) "
             "+ in-place FigureWidget update (side view, moment bars, PFJ gauge, status), no "
             f"rendering; dashboard built once in {fmt_seconds(t_build)} (not timed); "
             f"{unbalanced} of the updates were not balanced",
             f"p95 {'<' if p95 < GOAL_S else '>='} {GOAL_S * 1e3:g} ms", solve_note]))
    return rows


def _stick_rows(n: int, solve_note: str) -> list[Result]:  # pragma: no cover - fallback
    from lungelab import LungeModel, LungePosture
    from lungelab.viz import stick_figure

    model = LungeModel()
    times = []
    for i in range(n):
        post = LungePosture(trunk_lean_deg=5.0 + 30.0 * (i % 7) / 6)
        t0 = time.perf_counter()
        stick_figure(model.solve(post))
        times.append(time.perf_counter() - t0)
    med, p95, worst = _stats(times)
    return [Result("slider update: solve() + viz.stick_figure build", f"median {fmt_seconds(med)}",
                   f"p95 {fmt_seconds(p95)}, max {fmt_seconds(worst)}", "",
                   f"< {GOAL_S * 1e3:g} ms (median)", med < GOAL_S,
                   [solve_note, "no dashboard module: in-place FigureWidget update NOT measured"])]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark."""
    parser.add_argument("--updates", type=int, default=60, help="slider updates timed")


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    for row in run(ap.parse_args()):
        print(row)
