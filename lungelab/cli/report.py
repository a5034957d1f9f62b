"""``lungelab report``: the offline HTML presentation for coaches.

Prints the default lunge's load table (as ``lungelab pose`` does) and writes a
self-contained HTML page (plotly.js embedded once, no network) with the figures,
sliders and captions of :mod:`lungelab.presentation`.
"""

from __future__ import annotations

import argparse
import sys

from ..body import Subject
from ..model import LungeModel
from ._options import add_assumption_arguments, add_subject_arguments
from .pose import format_table

__all__ = ["add_parser", "run"]


def add_parser(sub) -> None:
    """Register the ``report`` sub-command."""
    p = sub.add_parser(
        "report", help="write the offline HTML presentation",
        description="Print the default lunge's loads and write a self-contained offline "
        "HTML presentation (plotly.js embedded, no network needed) with sliders for knee "
        "travel, trunk lean and depth.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--out", default="out/report", help="output folder (index.html)")
    add_subject_arguments(p)
    add_assumption_arguments(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Print the load table, write the report, print where it is."""
    from ..presentation import write_report

    model = LungeModel(Subject(mass_kg=args.mass, height_m=args.height, sex=args.sex),
                       grf_convergence=args.grf_convergence,
                       contact_area_model=args.contact_area)
    try:
        report = write_report(args.out, model)
    except OSError as exc:
        print(f"lungelab report: error: cannot write to {args.out}: {exc}", file=sys.stderr)
        return 2
    print(format_table(report.result))
    print()
    print(f"report: {report.path} ({len(report.figures)} figures, "
          f"{len(report.sliders)} with sliders; {report.seconds:.1f} s) — open it in a "
          "browser, no network needed")
    return 0
