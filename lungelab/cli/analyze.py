"""``lungelab analyze FILE...``: per-repetition form report and session summary.

Reads each file with :func:`lungelab.datasets.read_any` (SYNTHETIC lunge CSVs, C3D, TRC
with its ``<stem>_grf.mot``, MOT/STO, lungelab CSV), runs
:func:`lungelab.pipeline.analyze_trial` and prints (or writes with ``--out``) the
repetition table and the session summary of all files together.  A file that cannot be
read or analysed gets one line ``lungelab analyze: error: FILE: problem`` on stderr and
the others go on; the exit status is then 1 (0 if every file was analysed, 2 for a
command-line mistake).  With more than one file a progress bar is drawn on stderr.

Safety: a file given twice (same path, a link, or an identical copy) is analysed once
and reported as an error; ``--out`` naming an input file (or a TRC file's
``<stem>_grf.mot``) is refused before anything runs (exit 2); the report is written
atomically (:mod:`lungelab.safefile`), so an existing report survives a failed or
interrupted run intact.  Plausibility warnings
(:class:`~lungelab.plausibility.PlausibilityWarning`) are printed as
``lungelab analyze: warning: FILE: ...`` and repeated in the report.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import LungelabError
from ..safefile import check_output_path, refuse_output_onto_inputs, same_file
from ._options import bounded_float

__all__ = ["add_parser", "run", "TABLE_COLUMNS", "analyze_one", "companion_files",
           "unique_inputs"]

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
        for w in s.get("warnings", []):
            buf.write(f"  ! WARNING {w}\n")
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


def companion_files(path: str | Path) -> list[Path]:
    """Files :func:`lungelab.datasets.read_any` may read besides ``path`` (a TRC file's
    ``<stem>_grf.mot`` / ``.sto``)."""
    p = Path(path)
    if p.suffix.lower() != ".trc":
        return []
    return [p.with_name(f"{p.stem}_grf.mot"), p.with_name(f"{p.stem}_grf.sto")]


def unique_inputs(files: list[str]) -> tuple[list[str], list[str]]:
    """The files to analyse, each once, and one error message per repeated file.

    A file given twice (the same path, a link to it, or a copy with identical bytes)
    is analysed once: counting it twice would double a set in the session summary.
    """
    from ..io._common import file_digest

    keep: list[str] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    regular: list[str] = []
    for path in files:
        try:
            digest = file_digest(path)
        except (LungelabError, OSError):
            keep.append(path)                  # the reader will report the problem
            continue
        dup = next((k for k in regular if same_file(k, path)), None) or seen.get(digest)
        if dup is not None:
            what = "the same file as" if same_file(dup, path) else "an identical copy of"
            errors.append(f"{path}: {what} {dup}, given twice; analysed once (a "
                          "recording counted twice would count its set twice)")
            continue
        keep.append(path)
        regular.append(path)
        seen[digest] = path
    return keep, errors


def analyze_one(path: str, mass_kg: float | None = None, height_m: float | None = None,
                sex: str | None = None) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """Read and analyse one file: ``(reps, summary, warnings)``.

    Warnings raised while reading and analysing (e.g.
    :class:`~lungelab.plausibility.PlausibilityWarning`) are returned as text and
    stored in ``summary["warnings"]``; numerical RuntimeWarnings of NumPy are not
    printed but counted in ``summary["messages"]``.  Raises
    :class:`~lungelab.errors.LungelabError` for a file that cannot be analysed.
    """
    from ..datasets import read_any
    from ..pipeline import analyze_trial

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trial = read_any(Path(path))
        reps, summary = analyze_trial(trial, mass_kg=mass_kg, height_m=height_m, sex=sex)
    texts: list[str] = []
    numeric: list[str] = []
    for w in caught:
        msg = str(w.message)
        if issubclass(w.category, RuntimeWarning):
            numeric.append(msg)
        elif issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning,
                                     FutureWarning)):
            continue                           # for developers, not about the file
        else:
            for prefix in (f"{path}: ", f"{trial.metadata.get('source', path)}: "):
                if msg.startswith(prefix):     # the file is named once, by the caller
                    msg = msg[len(prefix):]
            label = w.category.__name__
            text = f"{label}: {msg}"
            if text not in texts:
                texts.append(text)
    if numeric:
        summary.setdefault("messages", []).append(
            f"{len(numeric)} numerical warning(s) during the analysis (e.g. {numeric[0]!r}); "
            "the values concerned are reported as missing")
    summary["warnings"] = texts
    return reps, summary, texts


def _error_line(path: str, exc: BaseException) -> str:
    msg = str(exc)
    if not isinstance(exc, LungelabError | OSError):
        msg = (f"internal error {type(exc).__name__}: {msg} -- the file could not be "
               "analysed; please report it")
    if path not in msg:
        msg = f"{path}: {msg}"
    return msg


def run(args) -> int:
    """Analyse every file; print or write the report; 1 if any file failed."""
    from ..form import apply_rules, session_summary
    from ..pipeline import REPORT_COLUMNS

    if args.out:                                      # DataFileError: exit 2, nothing run
        inputs = [q for f in args.files for q in [Path(f), *companion_files(f)]]
        refuse_output_onto_inputs(args.out, inputs)
        check_output_path(args.out)
    files, errors = unique_inputs(list(args.files))
    for msg in errors:
        print(f"lungelab analyze: error: {msg}", file=sys.stderr)
    progress = _Progress(len(files))
    tables: list[pd.DataFrame] = []
    summaries: list[dict[str, Any]] = []
    for i, path in enumerate(files, start=1):
        try:
            reps, summary, notes = analyze_one(path, args.mass, args.height, args.sex)
        except Exception as exc:  # noqa: BLE001 - one line per bad file, the others go on
            msg = _error_line(path, exc)
            if progress.enabled:
                sys.stderr.write("\n")
            print(f"lungelab analyze: error: {msg}", file=sys.stderr)
            errors.append(msg)
            progress.update(i, Path(path).name)
            continue
        for note in notes:
            if progress.enabled:
                sys.stderr.write("\n")
            print(f"lungelab analyze: warning: {path}: {note}", file=sys.stderr)
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
        except KeyboardInterrupt:
            print(f"lungelab analyze: interrupted while writing {args.out}; the file was "
                  "not changed", file=sys.stderr)
            raise
        print(f"report written to {args.out} ({len(summaries)} file(s) analysed, "
              f"{len(errors)} failed)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if errors else 0
