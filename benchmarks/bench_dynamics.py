"""Benchmark: inverse dynamics and the rep report on a 10-minute, 200 Hz recording.

The recording (120 000 frames) is synthetic, built here: a subject doing backward
lunges every 4 s for 10 minutes.  The front leg's foot stays flat; the knee bends
from 5° to 90° and back along a smooth (minimum-jerk-like) profile while the shank
tilts forward; joint centres follow from the segment lengths of the default
:class:`lungelab.Subject`; markers carry 1 mm Gaussian noise; the front-foot ground
reaction force is 55-75 % of body weight (more at the bottom) with 10 N of noise,
its centre of pressure moving between heel and ball.

Measured (median of ``--dyn-repeat`` runs after a warm-up):

* :func:`lungelab.dynamics.inverse_dynamics` with a 6 Hz zero-lag low-pass on the
  markers and the GRF (the usual lunge setting);
* repetition detection, :func:`lungelab.processing.reps.detect_reps` on the hip
  height (part of any rep report);
* the per-rep report of :mod:`lungelab.pipeline` / :mod:`lungelab.form` when those
  modules exist; otherwise the row says it is not measured yet.

Run alone: ``.venv/bin/python benchmarks/bench_dynamics.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

try:
    from _common import Result, fmt_seconds
except ImportError:  # pragma: no cover - imported as benchmarks.bench_dynamics
    from benchmarks._common import Result, fmt_seconds

RATE_HZ = 200.0
DURATION_S = 600.0
PERIOD_S = 4.0
GOAL_S = 1.0


def synthetic_recording(rate_hz: float = RATE_HZ, duration_s: float = DURATION_S,
                        seed: int = 1) -> dict[str, np.ndarray]:
    """A synthetic 2-D lunge recording of the front leg.

    Parameters
    ----------
    rate_hz, duration_s : float
        Sampling rate (Hz) and length (s).
    seed : int
        Seed of the marker and force noise.

    Returns
    -------
    dict
        ``time`` (N,), ``hip``, ``knee``, ``ankle``, ``heel``, ``toe``, ``grf``
        (N, 2) arrays, ``cop`` (N,), ``knee_flexion_deg`` (N,), ``mass_kg``.
    """
    from lungelab import Subject

    subject = Subject()
    rng = np.random.default_rng(seed)
    n = int(round(duration_s * rate_hz))
    t = np.arange(n) / rate_hz
    # depth profile 0..1..0 in each 4 s period: 0.5 s rest, 3 s move, 0.5 s rest
    phase = np.clip(((t % PERIOD_S) - 0.5) / 3.0, 0.0, 1.0)
    depth = 0.5 - 0.5 * np.cos(2 * np.pi * phase)
    knee_flex = np.radians(5.0 + 85.0 * depth)
    shank_tilt = np.radians(2.0 + 18.0 * depth)
    L_sh, L_th, L_ft = subject.shank_length, subject.thigh_length, subject.foot_length
    h_a, a = subject.ankle_height, subject.ankle_fraction

    ankle = np.column_stack([np.zeros(n), np.full(n, h_a)])
    heel = np.column_stack([np.full(n, -a * L_ft), np.zeros(n)])
    toe = np.column_stack([np.full(n, (1 - a) * L_ft), np.zeros(n)])
    knee = ankle + L_sh * np.column_stack([np.sin(shank_tilt), np.cos(shank_tilt)])
    thigh = shank_tilt - knee_flex
    hip = knee + L_th * np.column_stack([np.sin(thigh), np.cos(thigh)])
    markers = {name: p + rng.normal(0.0, 0.001, p.shape)
               for name, p in (("hip", hip), ("knee", knee), ("ankle", ankle),
                               ("heel", heel), ("toe", toe))}
    weight = subject.mass_kg * 9.80665
    grf = np.column_stack([weight * 0.05 * np.sin(2 * np.pi * phase),
                           weight * (0.55 + 0.20 * depth)]) + rng.normal(0.0, 10.0, (n, 2))
    cop = heel[:, 0] + (0.35 + 0.25 * depth) * L_ft
    return {"time": t, **markers, "grf": grf, "cop": cop,
            "knee_flexion_deg": np.degrees(knee_flex), "mass_kg": subject.mass_kg,
            "subject": subject}


def _report_callable(rec: dict):
    """The full per-rep report on a 10-min, 200 Hz recording, or why there is none.

    The recording is the stored SYNTHETIC trial ``S01_backward_good`` (both legs, two
    force plates, 100 Hz) repeated end to end to 10 minutes and resampled to 200 Hz by
    linear interpolation (120 000 frames); :func:`lungelab.pipeline.analyze_trial` then
    does everything a user gets: landmarks, filtering, repetition detection, inverse
    dynamics of both legs, PFJ stress, the form rules and the session summary.
    """
    import pandas as pd

    from lungelab import datasets, pipeline
    from lungelab.trial import Trial

    try:
        trial = datasets.load("S01_backward_good")
    except Exception as exc:  # noqa: BLE001 - report why the row is missing
        return None, f"sample trial not available ({exc}): rep report NOT measured"
    wide = trial.to_wide()
    t_src = wide.index.to_numpy()
    n_target = int(round(DURATION_S * RATE_HZ))
    copies = int(np.ceil(DURATION_S / (t_src[-1] + 1.0 / trial.rate_hz)))
    values = np.tile(wide.to_numpy(), (copies, 1))
    t_tiled = np.arange(len(values)) / trial.rate_hz
    t_new = np.arange(n_target) / RATE_HZ
    df = pd.DataFrame({c: np.interp(t_new, t_tiled, values[:, i])
                       for i, c in enumerate(wide.columns)},
                      index=pd.Index(t_new, name="time_s"))
    long_trial = Trial.from_wide(df, points=trial.point_names, units=trial.units,
                                 rate_hz=RATE_HZ, metadata=dict(trial.metadata))

    def report():
        return pipeline.analyze_trial(long_trial)

    return report, ""


def run(options: argparse.Namespace) -> list[Result]:
    """Run the inverse-dynamics / rep-report benchmark and return its table rows."""
    from lungelab.dynamics import inverse_dynamics
    from lungelab.processing.reps import detect_reps

    repeat = int(options.dyn_repeat)
    t0 = time.perf_counter()
    rec = synthetic_recording()
    t_build = time.perf_counter() - t0
    n = rec["time"].size

    def dynamics():
        return inverse_dynamics(rec["time"], rec["hip"], rec["knee"], rec["ankle"], rec["heel"],
                                rec["toe"], rec["grf"], rec["cop"], segments=rec["subject"],
                                cutoff_hz=6.0)

    def reps():
        return detect_reps(rec["hip"][:, 1], rate_hz=RATE_HZ, bottom="min")

    out = dynamics()
    n_reps = len(reps())
    expected_reps = int(DURATION_S // PERIOD_S)
    knee_peak = float(out["knee_moment_nm"].max())

    times = {"dyn": [], "reps": []}
    for fn in (dynamics, reps):  # warm-up
        fn()
    for _ in range(repeat):
        for key, fn in (("dyn", dynamics), ("reps", reps)):
            t0 = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - t0)
    t_dyn = statistics.median(times["dyn"])
    t_reps = statistics.median(times["reps"])
    report, why = _report_callable(rec)
    notes = [f"synthetic 10-min recording, {n} frames at {RATE_HZ:g} Hz, {expected_reps} lunges "
             f"(built in {fmt_seconds(t_build)}, not timed); median of {repeat} runs after 1 "
             "warm-up",
             f"inverse_dynamics(cutoff_hz=6, GRF filtered too): {fmt_seconds(t_dyn)} "
             f"(max {fmt_seconds(max(times['dyn']))}); peak knee extensor moment "
             f"{knee_peak:.0f} N·m",
             f"detect_reps(hip height): {fmt_seconds(t_reps)}, found {n_reps} reps "
             f"(expected {expected_reps})"]
    total = t_dyn + t_reps
    label = "inverse dynamics + rep detection, 120 000 frames"
    if report is None:
        notes.append(why)
        label += " (rep report not measured)"
    else:
        report()  # warm-up
        t_rep = statistics.median([_timed(report) for _ in range(repeat)])
        n_found = len(report()[0])
        notes.append(f"full rep report (lungelab.pipeline.analyze_trial: landmarks, filters, "
                     f"reps, inverse dynamics of both legs, PFJ, rules, summary) on S01_backward"
                     f"_good tiled to 10 min and resampled to 200 Hz: {fmt_seconds(t_rep)}, "
                     f"{n_found} rep rows")
        total = t_rep
        label = "full rep report (pipeline incl. inverse dynamics), 120 000 frames"
    return [Result(label, fmt_seconds(total), "", "", f"< {GOAL_S:g} s", total < GOAL_S,
                   notes)]


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark."""
    parser.add_argument("--dyn-repeat", type=int, default=5, help="timed runs")


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    for row in run(ap.parse_args()):
        print(row)
