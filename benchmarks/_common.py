"""Shared helpers of the benchmarks: timing, the machine description, result rows.

Every benchmark module exposes ``run(options) -> list[Result]``; :mod:`run_all`
collects the rows, prints the table and writes ``benchmarks/results.md``.  Numbers
are only ever measured in the current run, never copied from elsewhere.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Result", "machine_info", "median_time", "interleaved_times", "fmt_seconds",
           "fmt_ratio"]


@dataclass
class Result:
    """One row of the benchmark table.

    Attributes
    ----------
    benchmark : str
        What was measured.
    measured : str
        The measured time of the thing under test (formatted).
    baseline : str
        What it is compared with and that time (formatted), or ``""``.
    ratio : str
        The ratio, measured side by side in this run (formatted), or ``""``.
    goal : str
        The goal from the issue, e.g. ``"<= 3x"``.
    met : bool or None
        Whether the goal is met; ``None`` when not applicable or not measured.
    notes : list of str
        How it was measured, caveats, what is not measured yet.
    """

    benchmark: str
    measured: str
    baseline: str = ""
    ratio: str = ""
    goal: str = ""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """``"yes"``, ``"NO"`` or ``"n/a"``."""
        return "n/a" if self.met is None else ("yes" if self.met else "NO")


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, str]:
    """CPU, cores, load, OS and library versions of the machine running the benchmarks."""
    import numpy
    import pandas
    import sympy

    info = {
        "cpu": _cpu_model(),
        "cores (os.cpu_count)": str(os.cpu_count()),
        "usable cores (sched_getaffinity)": (str(len(os.sched_getaffinity(0)))
                                             if hasattr(os, "sched_getaffinity") else "?"),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": sys.version.split()[0] + f" ({platform.python_implementation()})",
        "numpy": numpy.__version__,
        "sympy": sympy.__version__,
        "pandas": pandas.__version__,
    }
    try:
        import plotly

        info["plotly"] = plotly.__version__
    except ImportError:  # pragma: no cover - plotly is a dependency
        info["plotly"] = "not installed"
    try:
        one, five, _ = os.getloadavg()
        info["load average at start (1 min, 5 min)"] = f"{one:.2f}, {five:.2f}"
    except OSError:  # pragma: no cover
        pass
    return info


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall-clock time of ``fn()`` over ``repeat`` calls after ``warmup`` calls, s."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def interleaved_times(fns: dict[str, Callable[[], object]], repeat: int = 5,
                      warmup: int = 1) -> dict[str, list[float]]:
    """Time several callables alternately (A B A B ...) so load drifts hit all alike.

    Returns
    -------
    dict
        Name -> list of ``repeat`` wall-clock times, s.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def fmt_seconds(t: float) -> str:
    """Human-readable duration (µs, ms, s, min, h, days)."""
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1.0:
        return f"{t * 1e3:.1f} ms"
    if t < 120:
        return f"{t:.2f} s"
    if t < 7200:
        return f"{t / 60:.1f} min"
    if t < 2 * 86400:
        return f"{t / 3600:.1f} h"
    return f"{t / 86400:.1f} days"


def fmt_ratio(r: float) -> str:
    """A ratio as ``"1.23×"`` or, when large, ``"4.5e+06×"``."""
    return f"{r:.3g}×" if r < 1e4 else f"{r:.2e}×"
