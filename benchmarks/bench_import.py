"""Benchmark: cold ``import lungelab`` + the first posture vs a bare ``import sympy``.

Each measurement is a fresh interpreter (``subprocess``), timed from the parent as
wall-clock time of the whole process (interpreter start-up included, the same for
both), and also from inside the child (``time.perf_counter`` around the import and
the first :meth:`lungelab.LungeModel.solve`), which excludes interpreter start-up.
The two commands alternate so that load from other processes hits both alike; the
median of ``--import-repeat`` runs (>= 5) is reported.

Byte-code caches: by default both commands run with a private
``PYTHONPYCACHEPREFIX`` (a temporary directory) that a warm-up run of each fills
first — what a user has after the first import.  A second row repeats the
measurement with ``PYTHONDONTWRITEBYTECODE=1`` and no prefix, i.e. lungelab
compiled from source on every start (editable install, no ``__pycache__``) while
SymPy uses the ``.pyc`` files pip wrote at installation.

Run alone: ``.venv/bin/python benchmarks/bench_import.py [--import-repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from _common import Result, fmt_ratio, fmt_seconds
except ImportError:  # pragma: no cover - imported as benchmarks.bench_import
    from benchmarks._common import Result, fmt_ratio, fmt_seconds

ROOT = Path(__file__).resolve().parents[1]
GOAL = 1.5

LUNGELAB = (
    "import time; t0 = time.perf_counter()\n"
    "import lungelab\n"
    "t1 = time.perf_counter()\n"
    "r = lungelab.LungeModel().solve()\n"
    "t2 = time.perf_counter()\n"
    "assert r.balanced\n"
    "import json, sys; print(json.dumps({'inside': t2 - t0, 'import': t1 - t0, "
    "'solve': t2 - t1, 'loaded': [m for m in ('sympy', 'pandas', 'numpy.testing', "
    "'numpy.f2py', 'scipy') if m in sys.modules]}))\n"
)
SYMPY = (
    "import time; t0 = time.perf_counter()\n"
    "import sympy\n"
    "import json; print(json.dumps({'inside': time.perf_counter() - t0}))\n"
)


def _once(code: str, env: dict[str, str]) -> tuple[float, dict]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def _measure(env: dict[str, str], repeat: int) -> dict[str, list]:
    for code in (LUNGELAB, SYMPY):  # warm-up: fills the byte-code cache if allowed
        _once(code, env)
    res: dict[str, list] = {"ll_wall": [], "ll_in": [], "ll_import": [], "ll_solve": [],
                            "sp_wall": [], "sp_in": [], "info": []}
    for _ in range(repeat):
        w, d = _once(LUNGELAB, env)
        res["ll_wall"].append(w)
        res["ll_in"].append(d["inside"])
        res["ll_import"].append(d["import"])
        res["ll_solve"].append(d["solve"])
        res["info"].append(d)
        w, d = _once(SYMPY, env)
        res["sp_wall"].append(w)
        res["sp_in"].append(d["inside"])
    return res


def _row(label: str, res: dict, repeat: int, extra: list[str]) -> Result:
    ll_w, sp_w = statistics.median(res["ll_wall"]), statistics.median(res["sp_wall"])
    ll_i, sp_i = statistics.median(res["ll_in"]), statistics.median(res["sp_in"])
    ratio = ll_w / sp_w
    info = res["info"][-1]
    return Result(
        label, f"lungelab {fmt_seconds(ll_w)}", f"import sympy {fmt_seconds(sp_w)}",
        fmt_ratio(ratio), f"<= {GOAL}x", ratio <= GOAL,
        [f"median of {repeat} fresh processes each, alternating, after 1 warm-up each; "
         "wall-clock of the whole process incl. interpreter start-up",
         f"inside the process (start-up excluded): lungelab import+solve "
         f"{fmt_seconds(ll_i)} vs import sympy {fmt_seconds(sp_i)} -> "
         f"{fmt_ratio(ll_i / sp_i)}",
         f"of which import lungelab {fmt_seconds(statistics.median(res['ll_import']))}, "
         f"first solve() {fmt_seconds(statistics.median(res['ll_solve']))}; modules "
         f"loaded by then: {', '.join(info['loaded']) or 'none of the heavy ones'}",
         *extra])


def run(options: argparse.Namespace) -> list[Result]:
    """Run the cold-start benchmark and return its table rows."""
    repeat = max(5, int(options.import_repeat))
    rows = []
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    with tempfile.TemporaryDirectory(prefix="lungelab-pycache-") as prefix:
        env = dict(base, PYTHONPYCACHEPREFIX=prefix)
        rows.append(_row("cold import lungelab + first solve() vs import sympy",
                         _measure(env, repeat), repeat,
                         ["byte-code cache on (private PYTHONPYCACHEPREFIX, filled by the "
                          "warm-up) - the usual case after the first run"]))
    env = dict(base, PYTHONDONTWRITEBYTECODE="1")
    rows.append(_row("  same, no byte-code cache for lungelab", _measure(env, repeat), repeat,
                     ["PYTHONDONTWRITEBYTECODE=1: lungelab (editable, no __pycache__) is "
                      "compiled from source each start, SymPy uses pip's .pyc files"]))
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark."""
    parser.add_argument("--import-repeat", type=int, default=7,
                        help="fresh processes per command (>= 5)")


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    for row in run(ap.parse_args()):
        print(row)
