"""Benchmark: the full posture chain (geometry → loads → moments → PFJ stress) on 10^6 postures.

Compared side by side, in the same process and the same run:

* **compiled** — :func:`lungelab.compiled.chain_function` (the stored SymPy → CSE →
  NumPy code) followed by :func:`lungelab.knee.pfj_chain`, i.e. every number the
  model produces, as arrays;
* **LungeModel.evaluate** — the same plus input validation, balance masking and a
  10^6-row :class:`pandas.DataFrame` (what a user calls);
* **hand-written NumPy** — :mod:`handwritten`, written independently from the
  formulas for this benchmark; before any ratio is reported, all 55 chain outputs
  and the PFJ stress of both implementations are compared (NaN patterns identical,
  relative difference <= 1e-9), otherwise the rows are marked invalid;
* **naive SymPy** — ``expr.subs(values).evalf()`` on every symbolic output (and the
  symbolic PFJ chain), one posture at a time.  It takes seconds per posture, so only
  a sample is timed and the time for 10^6 postures is a *linear extrapolation*; the
  sample's values are checked against the compiled chain.  A faster SymPy path
  (``xreplace`` with Floats, then ``evalf``) is reported too, for information.

Run alone: ``.venv/bin/python benchmarks/bench_chain.py [--postures N] [--naive-sample K]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

try:  # run as part of the benchmarks directory (run_all.py puts it on sys.path)
    import handwritten
    from _common import Result, fmt_ratio, fmt_seconds, interleaved_times
except ImportError:  # pragma: no cover - imported as benchmarks.bench_chain
    from benchmarks import handwritten
    from benchmarks._common import (
        Result,
        fmt_ratio,
        fmt_seconds,
        interleaved_times,
    )

MODE = "heel_share"
HEEL_SHARE = 0.6
RANGES_DEG = {  # a realistic spread of lunge postures (some infeasible or unbalanced)
    "front_knee_flexion_deg": (60.0, 110.0),
    "front_shank_angle_deg": (-5.0, 30.0),
    "trunk_lean_deg": (0.0, 40.0),
    "rear_knee_flexion_deg": (60.0, 110.0),
    "rear_foot_angle_deg": (30.0, 70.0),
}
RTOL = 1e-9


def _postures(n: int, seed: int = 20240601) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {k: rng.uniform(lo, hi, n) for k, (lo, hi) in RANGES_DEG.items()}


def _parameters(model, post: dict[str, np.ndarray]) -> dict:
    p = model.fixed_parameters()
    p.update(theta_fk=np.radians(post["front_knee_flexion_deg"]),
             phi_fs=np.radians(post["front_shank_angle_deg"]),
             lam=np.radians(post["trunk_lean_deg"]),
             theta_rk=np.radians(post["rear_knee_flexion_deg"]),
             gamma_rf=np.radians(post["rear_foot_angle_deg"]),
             s_front=0.5, h_heel=HEEL_SHARE)
    return p


def _max_rel_diff(a, b) -> tuple[float, bool]:
    """Largest |a-b| / (1+|b|) where both are finite, and whether NaN patterns agree."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = np.broadcast_arrays(a, b)
    same_nan = bool(np.array_equal(np.isnan(a), np.isnan(b)))
    ok = np.isfinite(a) & np.isfinite(b)
    if not ok.any():
        return 0.0, same_nan
    return float(np.max(np.abs(a[ok] - b[ok]) / (1.0 + np.abs(b[ok])))), same_nan


def run(options: argparse.Namespace) -> list[Result]:
    """Run the chain benchmark and return its table rows."""
    import lungelab as ll
    from lungelab import knee
    from lungelab.compiled import INPUT_NAMES, OUTPUT_NAMES, chain_function

    n = int(options.postures)
    repeat = int(options.repeat)
    model = ll.LungeModel()
    post = _postures(n)
    p = _parameters(model, post)
    kwargs = {k: p[k] for k in INPUT_NAMES}
    f = chain_function(MODE)
    i_m, i_a = OUTPUT_NAMES.index("M_front_knee"), OUTPUT_NAMES.index("angle_front_knee")

    def compiled_chain():
        with np.errstate(invalid="ignore", divide="ignore"):
            return f(**kwargs)

    def compiled_full():
        with np.errstate(invalid="ignore", divide="ignore"):
            out = f(**kwargs)
            return out, knee.pfj_chain(out[i_m], np.degrees(out[i_a]))

    def hand_chain():
        with np.errstate(invalid="ignore", divide="ignore"):
            return handwritten.lunge_chain(p, MODE)

    def hand_full():
        with np.errstate(invalid="ignore", divide="ignore"):
            out = handwritten.lunge_chain(p, MODE)
            return out, handwritten.pfj_chain(out["M_front_knee"],
                                              np.degrees(out["angle_front_knee"]))

    def evaluate():
        return model.evaluate(**post, front_heel_share=HEEL_SHARE)

    # -- agreement first: a ratio between programs that disagree means nothing ----------
    (c_out, c_pfj), (h_out, h_pfj) = compiled_full(), hand_full()
    worst, same_nan = 0.0, True
    for name, value in zip(OUTPUT_NAMES, c_out, strict=True):
        d, s = _max_rel_diff(value, h_out[name])
        worst, same_nan = max(worst, d), same_nan and s
    for key in ("quad_force_n", "pfj_force_n", "pfj_stress_mpa"):
        d, s = _max_rel_diff(c_pfj[key], h_pfj[key])
        worst, same_nan = max(worst, d), same_nan and s
    df = evaluate()
    bal = df["balanced"].to_numpy()
    d_eval, _ = _max_rel_diff(df["pfj_stress_mpa"].to_numpy()[bal], h_pfj["pfj_stress_mpa"][bal])
    d_eval2, _ = _max_rel_diff(df["front_knee_moment_nm"].to_numpy()[bal],
                               h_out["M_front_knee"][bal])
    worst_eval = max(d_eval, d_eval2)
    agree = same_nan and worst <= RTOL and worst_eval <= RTOL
    n_feasible = int(df["feasible"].sum())
    n_bal = int(bal.sum())
    n_rows, n_cols = df.shape
    del df, c_out, c_pfj, h_out, h_pfj
    agree_note = (f"agreement compiled vs hand-written over all {len(OUTPUT_NAMES)} outputs + "
                  f"PFJ, {n} postures: max rel. diff {worst:.1e}, NaN patterns "
                  f"{'identical' if same_nan else 'DIFFER'}; evaluate() PFJ stress and knee "
                  f"moment on the {n_bal} balanced rows: {worst_eval:.1e}")
    validity = "" if agree else " (INVALID: implementations disagree)"

    # -- compiled vs hand-written, interleaved ----------------------------------------
    t = interleaved_times({"cc": compiled_chain, "hc": hand_chain, "cf": compiled_full,
                           "hf": hand_full}, repeat=repeat, warmup=1)
    med = {k: statistics.median(v) for k, v in t.items()}
    t_eval = interleaved_times({"ev": evaluate, "hf": hand_full},
                               repeat=max(3, repeat - 2), warmup=0)
    med_ev = statistics.median(t_eval["ev"])
    med_hf2 = statistics.median(t_eval["hf"])

    rows = []
    common = [f"{n} postures (uniform random within {RANGES_DEG}), mode {MODE!r}, "
              f"front_heel_share={HEEL_SHARE}; {n_feasible} feasible, {n_bal} balanced",
              agree_note,
              f"median of {repeat} interleaved runs after 1 warm-up"]
    r = med["cc"] / med["hc"]
    rows.append(Result(
        f"chain_function alone (55 outputs), 10^{round(np.log10(n))} postures",
        fmt_seconds(med["cc"]), f"hand-written NumPy {fmt_seconds(med['hc'])}",
        fmt_ratio(r) + validity, "<= 3x hand-written", agree and r <= 3.0, list(common)))
    r = med["cf"] / med["hf"]
    rows.append(Result(
        "chain_function + knee.pfj_chain (full chain, arrays)",
        fmt_seconds(med["cf"]), f"hand-written NumPy {fmt_seconds(med['hf'])}",
        fmt_ratio(r) + validity, "<= 3x hand-written", agree and r <= 3.0,
        ["geometry -> loads -> moments -> PFJ stress, no validation, no DataFrame"]))
    r = med_ev / med_hf2
    rows.append(Result(
        "LungeModel.evaluate (validation + masking + DataFrame)",
        fmt_seconds(med_ev), f"hand-written NumPy {fmt_seconds(med_hf2)}",
        fmt_ratio(r) + validity, "<= 3x hand-written", agree and r <= 3.0,
        [f"median of {max(3, repeat - 2)} interleaved runs; returns a {n_rows} x {n_cols} "
         "DataFrame (one row per posture, columns with units)"]))
    rows += _naive_rows(model, int(options.naive_sample), med["cf"], n)
    return rows


def _naive_rows(model, sample: int, t_compiled: float, n: int) -> list[Result]:
    """Time SymPy subs/evalf on a sample of postures and extrapolate to ``n``."""
    import sympy as sp

    from lungelab import knee
    from lungelab.compiled import INPUT_NAMES, OUTPUT_NAMES, chain_function, symbolic_outputs
    from lungelab.symbols import sym

    t0 = time.perf_counter()
    exprs = symbolic_outputs(MODE)
    kc = knee.symbolic_chain()
    t_build = time.perf_counter() - t0
    pfj_exprs = {k: kc[k] for k in ("quad_force", "pfj_force", "pfj_stress")}
    post = _postures(max(sample, 20), seed=7)
    p = _parameters(model, post)
    f = chain_function(MODE)

    def values(i):
        return {k: (float(v[i]) if np.ndim(v) else float(v)) for k, v in p.items()
                if k in INPUT_NAMES}

    def by_subs(i):
        sub = {sym(k): v for k, v in values(i).items()}
        out = {k: e.subs(sub).evalf() for k, e in exprs.items()}
        knee_sub = {kc["theta"]: sp.deg(out["angle_front_knee"]), kc["M"]: out["M_front_knee"]}
        out.update({k: e.subs(knee_sub).evalf() for k, e in pfj_exprs.items()})
        return out

    def by_xreplace(i):
        sub = {sym(k): sp.Float(v) for k, v in values(i).items()}
        out = {k: e.xreplace(sub).evalf() for k, e in exprs.items()}
        knee_sub = {kc["theta"]: sp.Float(np.degrees(float(out["angle_front_knee"]))),
                    kc["M"]: out["M_front_knee"]}
        out.update({k: e.xreplace(knee_sub).evalf() for k, e in pfj_exprs.items()})
        return out

    def check(i, out) -> float:
        with np.errstate(invalid="ignore", divide="ignore"):
            ref = dict(zip(OUTPUT_NAMES, f(**values(i)), strict=True))
        worst = 0.0
        for k in ("M_front_knee", "V_rear", "x_rear_knee", "H_front"):
            v = complex(out[k])
            if abs(v.imag) > 1e-9 or not np.isfinite(float(ref[k])):
                continue  # infeasible posture: SymPy gives complex/nan, NumPy nan
            worst = max(worst, abs(v.real - float(ref[k])) / (1 + abs(float(ref[k]))))
        return worst

    rows = []
    for label, fn, k, note in (
        ("naive SymPy expr.subs(values).evalf()", by_subs, sample,
         "required baseline of the issue"),
        ("SymPy xreplace(Floats).evalf() (faster SymPy)", by_xreplace, max(sample, 20),
         "information only: a less naive SymPy path"),
    ):
        times, worst = [], 0.0
        for i in range(k):
            t0 = time.perf_counter()
            out = fn(i)
            times.append(time.perf_counter() - t0)
            worst = max(worst, check(i, out))
        per = statistics.median(times)
        total = per * n
        ratio = total / t_compiled
        rows.append(Result(
            f"compiled full chain vs {label}", f"compiled {fmt_seconds(t_compiled)}",
            f"{fmt_seconds(per)}/posture -> ~{fmt_seconds(total)} for {n:.0e} "
            "(extrapolated)",
            fmt_ratio(ratio), ">= 1e4x" if by_subs is fn else "(info)",
            (ratio >= 1e4) if by_subs is fn else None,
            [f"{note}; timed {k} postures one by one (median {fmt_seconds(per)}, min "
             f"{fmt_seconds(min(times))}, max {fmt_seconds(max(times))}); the time for "
             f"{n} postures is extrapolated linearly, NOT measured",
             f"building the symbolic expressions once (not in the per-posture time): "
             f"{fmt_seconds(t_build)} (cached if already built in this process)",
             f"sample values vs compiled: max rel. diff {worst:.1e}"]))
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark."""
    parser.add_argument("--postures", type=int, default=10**6,
                        help="number of postures for the vectorised paths")
    parser.add_argument("--naive-sample", type=int, default=6,
                        help="postures timed with SymPy subs/evalf (~4 s each)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per path")


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    for row in run(ap.parse_args()):
        print(row)
