"""``lungelab analyze FILE...``: per-repetition form report and session summary.

Reads each file with :func:`lungelab.datasets.read_any` (SYNTHETIC lunge CSVs, C3D, TRC
with its ``<stem>_grf.mot``, MOT/STO, lungelab CSV), runs
:func:`lungelab.pipeline.analyze_trial` and prints (or writes with ``--out``) the
repetition table and the session summary of all files together.  A file that cannot be
read or analysed gets one line ``lungelab analyze: error: FILE: problem`` on stderr and
the others go on; the exit status is then 1 (0 if every file was analysed, 2 for a
command-line mistake).  With more than one file a progress bar is drawn on stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LungelabError
from ._options import bounded_float

__all__ = ["add_parser", "run", "TABLE_COLUMNS"]

TABLE_COLUMNS = (
    ("file", "file"), ("leg", "leg"), ("rep", "rep"), ("movement", "movement"),
    ("knee_flexion_deg", "knee°"), ("rear_knee_flexion_deg", "rear knee°"),
    ("knee_past_toes_m", "knee-toes m"), ("trunk_lean_deg", "trunk°"),
    ("rear_knee_height_m", "rear knee h m"), ("descent_s", "down s"), ("ascent_s", "up s"),
    ("heel_share", "heel"), ("leg_share", "leg share"),
    ("peak_knee_extensor_moment_nm", "knee N·m"), ("peak_pfj_stress_mpa", "PFJ MPa"),
    ("peak_hip_extensor_moment_nm", "hip N·m"), ("rules_failed", "failed rules"),
)
"""Columns of the text table (full names are in the CSV and JSON outputs)."""


def add_parser(sub) -> None:
    """Register the ``analyze`` sub-command."""
    p = sub.add_parser(
        "analyze", help="form report of motion files (reps, rules, session summary)",
        description="Detect repetitions in motion files and report, per repetition and leg, "
        "depth, rear knee, knee travel past the toes, trunk lean, tempo, foot-load shares, "
        "peak knee/hip extensor moments and patellofemoral stress, with pass/fail of the "
        "form rules and a session summary against 2-3 sets of 8-12 reps per leg.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="motion files: SYNTHETIC CSV, C3D, TRC (+ <stem>_grf.mot), MOT/STO")
    p.add_argument("--mass", type=bounded_float("--mass", 20, 300, "kg"), default=None,
                   help="body mass, kg [default: the file's metadata or the standing force]")
    p.add_argument("--height", type=bounded_float("--height", 1.0, 2.3, "m"), default=None,
                   help="standing height, m [default: the file's metadata or the markers]")
    p.add_argument("--sex", choices=("male", "female"), default=None,
                   help="anthropometric table [default: the file's metadata or male]")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="output format")
    p.add_argument("--out", default=None, metavar="PATH",
                   help="write the report to PATH instead of standard output")
    p.set_defaults(run=run)


class _Progress:
    """A one-line text progress bar on stderr (only for several files)."""

    def __init__(self, total: int, stream=None, width: int = 30) -> None:
        self.total, self.width = total, width
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = total > 1

    def update(self, done: int, label: str) -> None:
        if not self.enabled:
            return
        filled = int(round(self.width * done / self.total))
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done == self.total else ""
        self.stream.write(f"\r[{bar}] {done}/{self.total} {label[-40:]:<40}{end}")
        self.stream.flush()


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if not math.isfinite(float(x)) else float(x)
    if x is pd.NA:
        return None
    return x


def _records(reps: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in reps.astype(object).where(reps.notna(), None).to_dict("records"):
        out.append(_jsonable(rec))
    return out


def _table_text(reps: pd.DataFrame, summaries: list[dict[str, Any]],
                session: dict[str, Any], errors: list[str]) -> str:
    from ..form import summary_table

    buf = io.StringIO()
    if not reps.empty:
        df = reps.copy()
        df["file"] = [Path(s).name for s in df["source"]]
        cols = [c for c, _ in TABLE_COLUMNS]
        view = df[cols].rename(columns=dict(TABLE_COLUMNS))
        with pd.option_context("display.width", 250, "display.max_columns", 40,
                               "display.max_rows", 10000, "display.float_format",
                               lambda v: f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"):
            buf.write(view.to_string(index=False, na_rep="-"))
        buf.write("\n\n")
    for s in summaries:
        subj = s.get("subject", {})
        buf.write(f"{s['source']}: {s.get('movement', 'none')}, "
                  f"{s.get('repetitions', 0)} repetition(s) {s.get('reps_per_leg', {})}; "
                  f"subject {subj.get('mass_kg', float('nan')):.1f} kg "
                  f"({subj.get('mass_source', '?')}), {subj.get('height_m', float('nan')):.2f} m "
                  f"({subj.get('height_source', '?')})\n")
        for m in s.get("messages", []):
            buf.write(f"  - {m}\n")
        for rule, why in s.get("not_applicable", {}).items():
            buf.write(f"  - rule {rule} not applied: {why}\n")
    buf.write("\nSession summary (prescription: "
              f"{session.get('prescription', '')})\n")
    for leg, info in session.get("legs", {}).items():
        buf.write(f"  {leg} leg: {info['sets']} set(s), reps {info['reps_per_set']} -- "
                  f"{info['verdict']}\n")
    tab = summary_table(session)
    if not tab.empty:
        with pd.option_context("display.width", 250, "display.max_colwidth", 60):
            buf.write(tab[["tip", "range", "checked", "passed", "pass_rate", "note"]]
                      .to_string(na_rep="-", float_format=lambda v: f"{v:.2f}"))
        buf.write("\n")
    if errors:
        buf.write(f"\n{len(errors)} file(s) could not be analysed (see the errors above)\n")
    return buf.getvalue()


def run(args) -> int:
    """Analyse every file; print or write the report; 1 if any file failed."""
    from ..datasets import read_any
    from ..form import apply_rules, session_summary
    from ..pipeline import REPORT_COLUMNS, analyze_trial

    files = list(args.files)
    progress = _Progress(len(files))
    tables: list[pd.DataFrame] = []
    summaries: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, path in enumerate(files, start=1):
        try:
            trial = read_any(Path(path))
            reps, summary = analyze_trial(trial, mass_kg=args.mass, height_m=args.height,
                                          sex=args.sex)
        except (LungelabError, OSError, ValueError) as exc:
            msg = str(exc)
            if path not in msg:
                msg = f"{path}: {msg}"
            if progress.enabled:
                sys.stderr.write("\n")
            print(f"lungelab analyze: error: {msg}", file=sys.stderr)
            errors.append(msg)
            progress.update(i, Path(path).name)
            continue
        reps["source"] = str(path)
        summary["source"] = str(path)
        tables.append(reps)
        summaries.append(summary)
        progress.update(i, Path(path).name)
    cols = list(REPORT_COLUMNS)
    all_reps = pd.concat(tables, ignore_index=True) if tables else \
        apply_rules(pd.DataFrame(columns=cols))
    session = session_summary(all_reps)
    if args.format == "json":
        payload = {"files": [{"file": s["source"], "summary": _jsonable(s),
                              "reps": _records(t)} for s, t in zip(summaries, tables,
                                                                   strict=True)],
                   "session": _jsonable(session), "errors": errors}
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    elif args.format == "csv":
        text = all_reps.to_csv(index=False, float_format="%.6g")
    else:
        text = _table_text(all_reps, summaries, session, errors)
    if args.out:
        from ..io._common import write_text

        try:
            write_text(args.out, text)
        except LungelabError as exc:
            print(f"lungelab analyze: error: {exc}", file=sys.stderr)
            return 2
        print(f"report written to {args.out} ({len(summaries)} file(s) analysed, "
              f"{len(errors)} failed)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if errors else 0
