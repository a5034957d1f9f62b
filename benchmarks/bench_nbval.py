"""Benchmark: the whole nbval suite, ``pytest --nbval notebooks``, timed in a subprocess.

Slow (it executes every stored notebook), so :mod:`run_all` runs it only with
``--with-nbval``.  The command is the Makefile's ``nbval`` target: Jupyter's runtime
directories inside ``.jupyter_tmp``, the repository's sanitiser config, no cache
provider.  The wall-clock time of the whole subprocess is reported together with
pytest's exit status and summary line (a failing suite is reported as such, its
time is still measured).

Run alone: ``.venv/bin/python benchmarks/bench_nbval.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

try:
    from _common import Result, fmt_seconds
except ImportError:  # pragma: no cover - imported as benchmarks.bench_nbval
    from benchmarks._common import Result, fmt_seconds

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 120.0


def run(options: argparse.Namespace) -> list[Result]:
    """Run ``pytest --nbval notebooks`` once and return its table row."""
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    jup = ROOT / ".jupyter_tmp"
    env = dict(os.environ,
               JUPYTER_CONFIG_DIR=str(jup / "config"), JUPYTER_DATA_DIR=str(jup / "data"),
               JUPYTER_RUNTIME_DIR=str(jup / "runtime"), IPYTHONDIR=str(jup / "ipython"))
    cmd = [sys.executable, "-m", "pytest", "notebooks", "--nbval", "--nbval-sanitize-with",
           "tests/nbval_sanitize.cfg", "-p", "no:cacheprovider", "-q", "-rf"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.strip().splitlines() if ln.strip()]
    summary = lines[-1] if lines else proc.stderr.strip()[-200:]
    status = {0: "passed", 1: "SOME FAILED", 5: "no notebooks collected"}.get(
        proc.returncode, f"exit status {proc.returncode}")
    ok = proc.returncode == 0
    failed = [ln.split(" - ")[0].removeprefix("FAILED ") for ln in lines
              if ln.startswith("FAILED ")]
    label = f"nbval suite ({len(notebooks)} notebooks)" + ("" if ok else f" [{status}]")
    return [Result(label, fmt_seconds(wall), "", "", f"< {GOAL_S / 60:g} min",
                   (wall < GOAL_S) if proc.returncode in (0, 1) else None,
                   [f"`{' '.join(cmd[1:])}` in a subprocess (Makefile env), one run, "
                    f"wall-clock; pytest: {status} — {summary}",
                    "notebooks: " + (", ".join(p.name for p in notebooks) or "none")]
                   + ([] if ok else [
                       "the suite did not pass; the time is that of the whole run (nbval goes "
                       "on with the next cells after a failing one)",
                       *(f"failed: {f}" for f in failed)]))]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark (none)."""


if __name__ == "__main__":  # pragma: no cover
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    for row in run(ap.parse_args()):
        print(row)
