"""Form report: the coaching tips of a good backward lunge as adjustable rules.

Each tip is a :class:`FormRule`: a column of the per-repetition table
(:func:`lungelab.pipeline.analyze_trial`), an allowed range, the movements it applies
to, and its rationale and source.  The thresholds are data -- edit a copy of
:data:`DEFAULT_RULES` (``dataclasses.replace(rule, upper=25.0)``) or pass your own
tuple.  :func:`apply_rules` adds one pass/fail column per rule; :func:`session_summary`
compares a session with the usual prescription of 2-3 sets of 8-12 repetitions per leg.

Per-repetition columns the rules read (working leg = the front leg of a lunge, each leg
of a bilateral movement):

================================  ======  ============================================
column                            unit    meaning (at the bottom of the repetition)
================================  ======  ============================================
``trunk_lean_deg``                deg     hip→shoulder line from vertical, + forward
``knee_past_toes_m``              m       working knee joint centre in front of its toe
                                          tip (negative: behind)
``knee_flexion_deg``              deg     working knee flexion
``rear_knee_flexion_deg``         deg     rear knee flexion (lunges)
``rear_knee_height_m``            m       rear knee joint centre above the floor
``heel_share``                    1       share of the working foot's vertical load on
                                          its heel, from its centre of pressure
``descent_s``, ``ascent_s``       s       lowering / rising time (movement onset at 5 %
                                          of peak speed, :func:`lungelab.processing.
                                          detect_reps`)
================================  ======  ============================================

Thresholds marked *planning value* are not taken from a study; they encode the
coaching cue and should be tuned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputRangeError

__all__ = [
    "LUNGES",
    "MOVEMENTS",
    "FormRule",
    "DEFAULT_RULES",
    "Prescription",
    "rules_table",
    "apply_rules",
    "count_sets",
    "session_summary",
    "summary_table",
]

LUNGES = ("backward_lunge", "forward_lunge", "split_squat")
"""Movements with a front and a rear leg."""

MOVEMENTS = LUNGES + ("squat", "sit_to_stand", "unknown")
"""Movement labels used by the pipeline."""


@dataclass(frozen=True)
class FormRule:
    """One coaching tip as a checkable rule.

    Parameters
    ----------
    name : str
        Identifier; the pass/fail column is ``<name>_pass``.
    tip : str
        The tip in words.
    measure : str
        Column of the repetition table the rule reads.
    unit : str
        Unit of ``measure``.
    lower, upper : float, optional
        Allowed range (inclusive); ``None`` for no bound.
    applies_to : tuple of str
        Movements the rule applies to (see :data:`MOVEMENTS`).
    needs : str
        What the measure needs ("" or "force plates"); shown when it is missing.
    rationale, source : str
        Why and where from (thresholds that are *planning values* say so).
    """

    name: str
    tip: str
    measure: str
    unit: str
    lower: float | None = None
    upper: float | None = None
    applies_to: tuple[str, ...] = LUNGES
    needs: str = ""
    rationale: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if self.lower is None and self.upper is None:
            raise InputRangeError(f"rule {self.name!r} lower/upper", None,
                                  "at least one bound")
        if self.lower is not None and self.upper is not None and self.lower > self.upper:
            raise InputRangeError(f"rule {self.name!r} lower/upper", (self.lower, self.upper),
                                  "lower <= upper")

    @property
    def range_text(self) -> str:
        """The allowed range in words, e.g. ``"75-105 deg"`` or ``"<= 20 deg"``."""
        u = f" {self.unit}" if self.unit not in ("", "1") else ""
        if self.lower is not None and self.upper is not None:
            return f"{self.lower:g}-{self.upper:g}{u}"
        if self.lower is not None:
            return f">= {self.lower:g}{u}"
        return f"<= {self.upper:g}{u}"

    def check(self, values: Any) -> pd.Series:
        """Pass (True) / fail (False) / unknown (<NA>, missing value) per value."""
        v = pd.to_numeric(pd.Series(values), errors="coerce").astype(float)
        ok = pd.Series(True, index=v.index)
        if self.lower is not None:
            ok &= v >= self.lower
        if self.upper is not None:
            ok &= v <= self.upper
        out = ok.astype("boolean")
        out[v.isna()] = pd.NA
        return out


DEFAULT_RULES: tuple[FormRule, ...] = (
    FormRule(
        "upright_trunk", "keep the trunk upright", "trunk_lean_deg", "deg", upper=20.0,
        rationale="An upright torso is the standard cue; forward lean moves demand from the "
                  "knee to the hip extensors and raises gluteal and hamstring activity. "
                  "20 deg is a planning value.",
        source="Farrokhi et al. 2008, JOSPT 38(7):403-409 (lean raises hip-extensor "
               "activity; via review)"),
    FormRule(
        "knee_not_past_toes", "front knee over the ankle, not past the toes",
        "knee_past_toes_m", "m", upper=0.0,
        rationale="Letting the front knee travel past the toes raises the knee-extensor "
                  "moment, quadriceps force and patellofemoral/patellar-tendon load; the "
                  "knee joint centre should stay behind the toe tip.",
        source="Zellmer et al. 2019, J Sport Health Sci 8(3):235-241; Escamilla et al. "
               "2008, JOSPT 38(11):681-690 (short step -> more PFJ stress)"),
    FormRule(
        "front_knee_90", "front knee near 90 degrees at the bottom", "knee_flexion_deg",
        "deg", lower=75.0, upper=105.0,
        rationale="Both knees about 90 deg at the bottom is the usual depth cue; +-15 deg "
                  "is a planning value.", source="coaching cue (planning value)"),
    FormRule(
        "rear_knee_90", "back knee near 90 degrees at the bottom", "rear_knee_flexion_deg",
        "deg", lower=75.0, upper=105.0,
        rationale="As for the front knee.", source="coaching cue (planning value)"),
    FormRule(
        "back_knee_hovering", "back knee hovering just above the floor",
        "rear_knee_height_m", "m", lower=0.04, upper=0.16,
        rationale="The knee's half thickness is about 4-5 cm, so a joint centre below 4 cm "
                  "means the knee rests on the floor; above 16 cm the lunge stops short. "
                  "Planning values.", source="coaching cue (planning values)"),
    FormRule(
        "weight_in_front_heel", "weight in the front heel", "heel_share", "1", lower=0.5,
        needs="force plates",
        rationale="At least half of the front foot's vertical load on the heel (its centre "
                  "of pressure behind the middle of heel and ball); quiet standing puts about "
                  "60 % on the heel.",
        source="Cavanagh et al. 1987, Foot Ankle 7(5):262-276 [unverified]; threshold is a "
               "planning value"),
    FormRule(
        "controlled_descent", "controlled tempo: take at least 0.8 s to lower",
        "descent_s", "s", lower=0.8, applies_to=MOVEMENTS,
        rationale="A controlled eccentric phase (tempo prescriptions of 2 s down are common); "
                  "the measured time excludes the 5 %-speed onset and arrival (about 12 % "
                  "of the phase).  Planning value.", source="tempo prescriptions (planning)"),
    FormRule(
        "controlled_ascent", "controlled tempo: take at least 0.7 s to rise", "ascent_s",
        "s", lower=0.7, applies_to=MOVEMENTS,
        rationale="No bouncing out of the bottom.  Planning value.",
        source="tempo prescriptions (planning)"),
)
"""The default rules (tips of a good backward lunge); thresholds are adjustable."""


@dataclass(frozen=True)
class Prescription:
    """The usual prescription: ``sets`` sets of ``reps`` repetitions per leg.

    Default 2-3 sets of 8-12 repetitions (ACSM position stand on progression models in
    resistance training, Med Sci Sports Exerc 2009;41(3):687-708: 8-12 repetitions for
    novice/intermediate training).  Reps on one leg separated by more than
    ``set_gap_s`` seconds (or in different files) count as separate sets.
    """

    sets: tuple[int, int] = (2, 3)
    reps: tuple[int, int] = (8, 12)
    set_gap_s: float = 20.0


def rules_table(rules: tuple[FormRule, ...] = DEFAULT_RULES) -> pd.DataFrame:
    """The rules as a table (one row per rule, index ``name``)."""
    rows = []
    for r in rules:
        d = asdict(r)
        d["applies_to"] = ", ".join(r.applies_to)
        d["range"] = r.range_text
        rows.append(d)
    return pd.DataFrame(rows).set_index("name")


def _applies(rule: FormRule, movement: pd.Series) -> pd.Series:
    return movement.isin(rule.applies_to)


def apply_rules(reps: pd.DataFrame, rules: tuple[FormRule, ...] = DEFAULT_RULES
                ) -> pd.DataFrame:
    """Add pass/fail columns to a repetition table.

    Parameters
    ----------
    reps : pandas.DataFrame
        Needs ``movement`` and the rules' measure columns (missing columns count as
        missing values).
    rules : tuple of FormRule

    Returns
    -------
    pandas.DataFrame
        A copy with ``<rule>_pass`` (nullable boolean: <NA> when the rule does not apply
        to the movement or the value is missing), ``rules_failed`` (comma-separated
        names) and ``rules_passed_fraction`` (of the rules that could be checked).
    """
    out = reps.copy()
    movement = out["movement"] if "movement" in out else pd.Series("unknown", index=out.index)
    names = []
    for rule in rules:
        values = out[rule.measure] if rule.measure in out else pd.Series(np.nan, index=out.index)
        res = rule.check(values.to_numpy())
        res.index = out.index
        res[~_applies(rule, movement)] = pd.NA
        out[f"{rule.name}_pass"] = res
        names.append(rule.name)
    passed = out[[f"{n}_pass" for n in names]]
    failed = passed.eq(False).fillna(False).to_numpy(dtype=bool)
    out["rules_failed"] = [", ".join(n for n, f in zip(names, row, strict=True) if f)
                           for row in failed]
    checked = passed.notna().sum(axis=1)
    out["rules_passed_fraction"] = (passed.fillna(False).astype(int).sum(axis=1)
                                    / checked.where(checked > 0)).astype(float)
    return out


def count_sets(reps: pd.DataFrame, gap_s: float = 20.0) -> pd.DataFrame:
    """Group repetitions into sets.

    A set is a run of consecutive repetitions on the same leg in the same file
    (``source`` column, if any) with less than ``gap_s`` between one repetition's end
    and the next one's start.

    Returns
    -------
    pandas.DataFrame
        One row per set: ``leg``, ``source``, ``set`` (1-based per leg), ``reps``,
        ``t_start_s``, ``t_end_s``.
    """
    if reps.empty:
        return pd.DataFrame(columns=["leg", "source", "set", "reps", "t_start_s", "t_end_s"])
    df = reps.copy()
    if "source" not in df:
        df["source"] = ""
    df = df.sort_values(["source", "t_start_s"], kind="stable")
    rows: list[dict[str, Any]] = []
    count: dict[str, int] = {}
    for (src, leg), grp in df.groupby(["source", "leg"], sort=False):
        grp = grp.sort_values("t_start_s")
        start = grp["t_start_s"].to_numpy()
        end = grp["t_end_s"].to_numpy()
        new = np.ones(len(grp), dtype=bool)
        new[1:] = (start[1:] - end[:-1]) > gap_s
        block = np.cumsum(new)
        for b in np.unique(block):
            sel = block == b
            count[leg] = count.get(leg, 0) + 1
            rows.append({"leg": leg, "source": src, "set": count[leg], "reps": int(sel.sum()),
                         "t_start_s": float(start[sel][0]), "t_end_s": float(end[sel][-1])})
    return pd.DataFrame(rows)


def session_summary(reps: pd.DataFrame, rules: tuple[FormRule, ...] = DEFAULT_RULES,
                    prescription: Prescription | None = None) -> dict[str, Any]:
    """Summarise a session against the rules and the prescription.

    Parameters
    ----------
    reps : pandas.DataFrame
        Repetition table after :func:`apply_rules` (from one or several files).
    rules : tuple of FormRule
    prescription : Prescription, optional
        Default 2-3 sets of 8-12 repetitions per leg.

    Returns
    -------
    dict
        ``movements`` (counts), ``legs`` (per leg: sets, reps per set, total, verdict),
        ``rules`` (per rule: tip, range, reps checked, passed, pass rate, or why it does
        not apply), ``prescription`` (text) and ``messages`` (list of str).
    """
    pres = prescription or Prescription()
    out: dict[str, Any] = {"prescription": f"{pres.sets[0]}-{pres.sets[1]} sets of "
                                           f"{pres.reps[0]}-{pres.reps[1]} repetitions per leg"}
    messages: list[str] = []
    if reps.empty:
        out.update(movements={}, legs={}, rules={}, messages=["no repetitions found"])
        return out
    out["movements"] = {str(k): int(v) for k, v in reps["movement"].value_counts().items()}
    # bilateral movements put two rows (left, right) per repetition: count each rep once
    sets = count_sets(reps, pres.set_gap_s)
    legs: dict[str, Any] = {}
    for leg, grp in sets.groupby("leg"):
        per_set = [int(x) for x in grp["reps"]]
        n_sets = len(per_set)
        ok_sets = pres.sets[0] <= n_sets <= pres.sets[1]
        ok_reps = [pres.reps[0] <= r <= pres.reps[1] for r in per_set]
        verdict = []
        if n_sets < pres.sets[0]:
            verdict.append(f"{pres.sets[0] - n_sets}-{pres.sets[1] - n_sets} more set(s) to "
                           "reach the prescription")
        elif n_sets > pres.sets[1]:
            verdict.append(f"{n_sets - pres.sets[1]} set(s) more than prescribed")
        for i, (r, ok) in enumerate(zip(per_set, ok_reps, strict=True), start=1):
            if not ok:
                verdict.append(f"set {i}: {r} reps, outside {pres.reps[0]}-{pres.reps[1]}")
        legs[str(leg)] = {"sets": n_sets, "reps_per_set": per_set,
                          "total_reps": int(sum(per_set)),
                          "meets_prescription": bool(ok_sets and all(ok_reps)),
                          "verdict": "; ".join(verdict) or "meets the prescription"}
    out["legs"] = legs
    rule_out: dict[str, Any] = {}
    movement = reps["movement"]
    for rule in rules:
        col = f"{rule.name}_pass"
        entry: dict[str, Any] = {"tip": rule.tip, "range": rule.range_text,
                                 "measure": rule.measure}
        applies = _applies(rule, movement)
        if not applies.any():
            moves = ", ".join(sorted(set(movement)))
            entry.update(applies=False, reason=f"does not apply to {moves} (only to "
                         f"{', '.join(rule.applies_to)})")
        else:
            res = reps.loc[applies, col] if col in reps else pd.Series(dtype="boolean")
            checked = int(res.notna().sum())
            if checked == 0:
                why = f"needs {rule.needs}" if rule.needs else f"no values of {rule.measure}"
                entry.update(applies=True, checked=0, reason=why)
            else:
                passed = int((res == True).sum())  # noqa: E712 - nullable boolean
                entry.update(applies=True, checked=checked, passed=passed,
                             pass_rate=passed / checked,
                             median_value=float(np.nanmedian(
                                 pd.to_numeric(reps.loc[applies, rule.measure],
                                               errors="coerce"))))
                if passed < checked:
                    messages.append(f"{rule.tip}: {checked - passed} of {checked} reps outside "
                                    f"{rule.range_text}")
        rule_out[rule.name] = entry
    out["rules"] = rule_out
    for leg, info in legs.items():
        messages.append(f"{leg} leg: {info['sets']} set(s), reps {info['reps_per_set']} -- "
                        f"{info['verdict']}")
    out["messages"] = messages
    return out


def summary_table(summary: dict[str, Any]) -> pd.DataFrame:
    """The rule part of :func:`session_summary` as a table (one row per rule)."""
    rows = []
    for name, e in summary.get("rules", {}).items():
        rows.append({"rule": name, "tip": e["tip"], "range": e["range"],
                     "applies": e.get("applies"), "checked": e.get("checked", 0),
                     "passed": e.get("passed", np.nan),
                     "pass_rate": e.get("pass_rate", np.nan),
                     "median_value": e.get("median_value", np.nan),
                     "note": e.get("reason", "")})
    return pd.DataFrame(rows).set_index("rule") if rows else pd.DataFrame()
