"""Run every lungelab benchmark, print one table, write ``out/bench/results.md``.

Usage (from the repository root; ``make bench`` runs the first line)::

    .venv/bin/python benchmarks/run_all.py                 # all but nbval, ~1.5 min
    .venv/bin/python benchmarks/run_all.py --with-nbval    # + the nbval suite
    .venv/bin/python benchmarks/run_all.py --only chain import
    .venv/bin/python benchmarks/run_all.py --no-write      # print only
    .venv/bin/python benchmarks/run_all.py --update        # also update benchmarks/results.md

Results go to ``out/bench/results.md`` (ignored by git), so running a benchmark never
dirties the checkout; ``--update`` (``make bench UPDATE=1``) also writes the committed
``benchmarks/results.md`` that the README's speed table quotes.

Every number in the table and in ``results.md`` is measured in this run on this
machine (described at the top); ratios compare two things timed side by side in the
same run.  A benchmark that crashes is reported as an error row; the others still run.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import bench_chain  # noqa: E402
import bench_dynamics  # noqa: E402
import bench_import  # noqa: E402
import bench_nbval  # noqa: E402
import bench_slider  # noqa: E402
from _common import Result, machine_info  # noqa: E402

BENCHMARKS = {
    "chain": bench_chain,
    "import": bench_import,
    "dynamics": bench_dynamics,
    "slider": bench_slider,
    "nbval": bench_nbval,
}
"""Name -> module with ``run(options) -> list[Result]`` and ``add_arguments(parser)``."""

COLUMNS = ("benchmark", "measured", "compared with", "ratio", "goal", "met")


def build_parser() -> argparse.ArgumentParser:
    """Command-line options of run_all and of every benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--with-nbval", action="store_true",
                    help="also time `pytest --nbval notebooks` (slow)")
    ap.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), default=None,
                    help="run only these benchmarks")
    ap.add_argument("--results", type=Path, default=HERE.parent / "out" / "bench" / "results.md",
                    help="Markdown file to write (default out/bench/results.md)")
    ap.add_argument("--update", action="store_true",
                    help="also write the committed benchmarks/results.md")
    ap.add_argument("--no-write", action="store_true", help="do not write the results file")
    for mod in BENCHMARKS.values():
        mod.add_arguments(ap)
    return ap


def _cells(r: Result) -> tuple[str, ...]:
    return (r.benchmark, r.measured, r.baseline, r.ratio, r.goal, r.verdict)


def format_table(rows: list[Result]) -> str:
    """Plain-text table for the terminal."""
    cells = [COLUMNS] + [_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = []
    for k, c in enumerate(cells):
        lines.append("  ".join(s.ljust(w) for s, w in zip(c, widths, strict=True)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_markdown(rows: list[Result], machine: dict[str, str], started: str,
                    elapsed: float, argv: list[str], load_end: str) -> str:
    """``results.md``: date, machine, the table and every row's notes."""
    out = ["# lungelab benchmark results", "",
           "Written by `benchmarks/run_all.py`; every number below was measured in the run "
           "described here (see `benchmarks/README.md` for what each benchmark does).", "",
           f"* date (UTC): {started}",
           "* command: `" + " ".join(["python benchmarks/run_all.py", *argv]) + "`",
           f"* total benchmark time: {elapsed:.0f} s"]
    out += [f"* {k}: {v}" for k, v in machine.items()]
    out += [f"* load average at end (1 min, 5 min): {load_end}", "",
            "The machine is shared (other processes may run during the benchmarks); each "
            "ratio is measured side by side, interleaved, so load affects both sides.", "",
            "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |")
    out += ["", "## Notes", ""]
    for r in rows:
        out.append(f"**{r.benchmark.strip()}**")
        out.append("")
        out += [f"* {n}" for n in r.notes]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"{one:.2f}, {five:.2f}"
    except OSError:  # pragma: no cover
        return "?"


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; return 0 (goals not met are reported, not errors)."""
    argv = sys.argv[1:] if argv is None else argv
    options = build_parser().parse_args(argv)
    names = options.only or [n for n in BENCHMARKS if n != "nbval" or options.with_nbval]
    if options.with_nbval and "nbval" not in names:
        names.append("nbval")
    machine = machine_info()
    started = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    print("lungelab benchmarks —", started, "UTC")
    for k, v in machine.items():
        print(f"  {k}: {v}")
    print(flush=True)
    t0 = time.perf_counter()
    rows: list[Result] = []
    for name in names:
        print(f"running {name} ...", flush=True)
        t1 = time.perf_counter()
        try:
            new = BENCHMARKS[name].run(options)
        except Exception as exc:  # a broken benchmark must not hide the others
            traceback.print_exc()
            new = [Result(f"{name}: ERROR", f"{type(exc).__name__}: {exc}"[:120],
                          notes=["the benchmark raised; see the traceback on stderr"])]
        rows += new
        print(f"  done in {time.perf_counter() - t1:.1f} s", flush=True)
    if "nbval" not in names:
        rows.append(Result("nbval suite", "not run", goal="< 2 min",
                           notes=["run `benchmarks/run_all.py --with-nbval` to time it"]))
    elapsed = time.perf_counter() - t0
    print()
    print(format_table(rows))
    print()
    for r in rows:
        print(f"- {r.benchmark.strip()}:")
        for n in r.notes:
            print(f"    {n}")
    if not options.no_write:
        targets = [options.results] + ([HERE / "results.md"] if options.update else [])
        options.results.parent.mkdir(parents=True, exist_ok=True)
        text = format_markdown(rows, machine, started, elapsed, argv, _load())
        for target in targets:
            target.write_text(text, encoding="utf-8")
            print(f"\nwrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
