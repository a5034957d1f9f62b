"""Tests of lungelab.form: the rules themselves, the session summary, and pass/fail of
the rules on the SYNTHETIC form variants (each variant breaks the tip it was built to
break; good form passes every tip)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lungelab import form, pipeline
from lungelab.errors import InputRangeError

SYN = Path(__file__).resolve().parents[1] / "data" / "synthetic"
SUBJECTS = ("S01", "S02", "S03")


@pytest.fixture(scope="module")
def reports():
    out = {}
    for s in SUBJECTS:
        for v in ("backward_good", "backward_knee_past_toes", "backward_trunk_lean",
                  "backward_shallow", "backward_front_toes", "backward_fast",
                  "forward_good"):
            out[(s, v)] = pipeline.analyze_file(SYN / f"{s}_{v}.csv")
    return out


# ---------------------------------------------------------------------- rules as data
def test_rules_are_documented_data():
    table = form.rules_table()
    assert list(table.index) == [r.name for r in form.DEFAULT_RULES]
    for r in form.DEFAULT_RULES:
        assert r.rationale and r.source and r.tip
        assert r.measure in pipeline.REPORT_COLUMNS
    assert table.loc["knee_not_past_toes", "range"] == "<= 0 m"
    assert table.loc["front_knee_90", "range"] == "75-105 deg"


def test_rule_check_bounds_inclusive_and_missing_values():
    rule = form.FormRule("x", "tip", "v", "deg", lower=75.0, upper=105.0)
    res = rule.check([74.9, 75.0, 90.0, 105.0, 105.1, np.nan])
    assert list(res.astype(object).where(res.notna(), None)) == [False, True, True, True,
                                                                  False, None]
    with pytest.raises(InputRangeError, match="bound"):
        form.FormRule("y", "tip", "v", "deg")
    with pytest.raises(InputRangeError, match="lower <= upper"):
        form.FormRule("y", "tip", "v", "deg", lower=2.0, upper=1.0)


def test_apply_rules_marks_non_applicable_rules_as_missing():
    reps = pd.DataFrame({
        "movement": ["backward_lunge", "squat"], "leg": ["right", "left"],
        "trunk_lean_deg": [30.0, 30.0], "knee_past_toes_m": [0.05, 0.05],
        "knee_flexion_deg": [90.0, 90.0], "rear_knee_flexion_deg": [90.0, np.nan],
        "rear_knee_height_m": [0.08, np.nan], "heel_share": [np.nan, 0.6],
        "descent_s": [1.2, 0.5], "ascent_s": [1.0, 1.0]})
    out = form.apply_rules(reps)
    lunge, squat = out.iloc[0], out.iloc[1]
    assert lunge["upright_trunk_pass"] is np.False_ or lunge["upright_trunk_pass"] is False
    assert not lunge["knee_not_past_toes_pass"]
    assert pd.isna(lunge["weight_in_front_heel_pass"])          # no force plates
    assert pd.isna(squat["upright_trunk_pass"]) and pd.isna(squat["knee_not_past_toes_pass"])
    assert not squat["controlled_descent_pass"]                 # tempo applies to squats too
    assert lunge["rules_failed"] == "upright_trunk, knee_not_past_toes"
    assert lunge["rules_passed_fraction"] == pytest.approx(5 / 7)
    # thresholds are adjustable
    lenient = tuple(replace(r, upper=35.0) if r.name == "upright_trunk" else r
                    for r in form.DEFAULT_RULES)
    assert form.apply_rules(reps, lenient).iloc[0]["upright_trunk_pass"]


def test_sets_and_prescription():
    def reps(leg, n, t0, source="a"):
        return [{"leg": leg, "source": source, "movement": "backward_lunge",
                 "t_start_s": t0 + 3 * i, "t_end_s": t0 + 3 * i + 2} for i in range(n)]

    df = pd.DataFrame(reps("right", 10, 0) + reps("right", 9, 100) + reps("left", 10, 200)
                      + reps("left", 10, 0, "b"))
    sets = form.count_sets(df, gap_s=20.0)
    assert list(sets.groupby("leg")["reps"].apply(list)["right"]) == [10, 9]
    s = form.session_summary(form.apply_rules(df))
    assert s["legs"]["right"]["sets"] == 2 and s["legs"]["right"]["meets_prescription"]
    assert s["legs"]["left"]["reps_per_set"] == [10, 10]
    short = form.session_summary(form.apply_rules(pd.DataFrame(reps("left", 5, 0))))
    assert not short["legs"]["left"]["meets_prescription"]
    assert "5 reps, outside 8-12" in short["legs"]["left"]["verdict"]
    assert "more set" in short["legs"]["left"]["verdict"]
    empty = form.session_summary(form.apply_rules(pd.DataFrame(
        columns=list(pipeline.REPORT_COLUMNS))))
    assert empty["messages"] == ["no repetitions found"]


# ---------------------------------------------------------------------- variants
def _pass_rate(reps: pd.DataFrame, rule: str) -> float:
    col = reps[f"{rule}_pass"].astype("float")
    return float(col.mean())


@pytest.mark.parametrize("subject", SUBJECTS)
def test_good_form_passes_every_rule(reports, subject):
    for variant in ("backward_good", "forward_good"):
        reps, summary = reports[(subject, variant)]
        for r in form.DEFAULT_RULES:
            assert _pass_rate(reps, r.name) == 1.0, (variant, r.name)
        assert (reps["rules_failed"] == "").all()
        assert summary["session"]["rules"]["upright_trunk"]["pass_rate"] == 1.0


@pytest.mark.parametrize("subject", SUBJECTS)
def test_each_variant_breaks_its_tip(reports, subject):
    def rate(variant, rule):
        return _pass_rate(reports[(subject, variant)][0], rule)

    # the knee travels ~5 cm past the toes: every rep fails the knee rule
    assert rate("backward_knee_past_toes", "knee_not_past_toes") == 0.0
    assert (reports[(subject, "backward_knee_past_toes")][0]["knee_past_toes_m"] > 0.02).all()
    # 40 deg lean fails "upright" and nothing about the knee
    assert rate("backward_trunk_lean", "upright_trunk") == 0.0
    assert rate("backward_trunk_lean", "knee_not_past_toes") == 1.0
    # shallow: neither knee near 90, back knee far from the floor
    for rule in ("front_knee_90", "rear_knee_90", "back_knee_hovering"):
        assert rate("backward_shallow", rule) == 0.0
    # weight on the front toes: heel share ~0.2 fails the heel rule, knees fine
    assert rate("backward_front_toes", "weight_in_front_heel") == 0.0
    assert rate("backward_front_toes", "front_knee_90") == 1.0
    # uncontrolled tempo: most reps drop in under 0.8 s
    assert rate("backward_fast", "controlled_descent") <= 0.2
    assert rate("backward_good", "controlled_descent") == 1.0


def test_session_summary_against_prescription(reports):
    reps, summary = reports[("S01", "backward_good")]
    legs = summary["session"]["legs"]
    assert set(legs) == {"left", "right"}
    for info in legs.values():
        assert info["sets"] == 1 and 8 <= info["reps_per_set"][0] <= 12
        assert not info["meets_prescription"] and "more set" in info["verdict"]
    # three files of the same subject and leg make more sets
    both = pd.concat([reports[("S01", v)][0] for v in ("backward_good", "backward_fast",
                                                        "backward_front_toes")])
    s = form.session_summary(both)
    assert s["legs"]["right"]["sets"] == 3 and s["legs"]["right"]["meets_prescription"]
    table = form.summary_table(s)
    assert table.loc["weight_in_front_heel", "checked"] == len(both)
