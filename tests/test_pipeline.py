"""Tests of lungelab.pipeline on every data file: repetition counts, movement labels,
real recordings (OpenCap squats and sit-to-stand, OpenSim and BMC gait), the forward vs
backward lunge comparison and error handling."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lungelab import datasets, pipeline, synthetic
from lungelab.errors import DataFileError, InputRangeError
from lungelab.plausibility import PlausibilityWarning
from lungelab.trial import Trial

ROOT = Path(__file__).resolve().parents[1]
SYN = ROOT / "data" / "synthetic"
REAL = ROOT / "data" / "real"


@pytest.fixture(scope="module")
def synthetic_reports():
    man = pd.read_csv(SYN / "manifest.csv")
    return {Path(f).stem: (row, pipeline.analyze_file(SYN / f))
            for f, row in zip(man["file"], man.to_dict("records"), strict=True)}


def _real(name):
    spec = datasets.REAL_DATASETS[name]
    path = REAL / spec["folder"] / spec["markers"]
    if not path.exists():
        pytest.skip(f"real data not present: {path}")
    return pipeline.analyze_file(path)


# ---------------------------------------------------------------- synthetic files
def test_rep_counts_and_movement_on_every_synthetic_file(synthetic_reports):
    assert len(synthetic_reports) == len(synthetic.DATASET)
    for name, (row, (reps, summary)) in synthetic_reports.items():
        counts = reps["leg"].value_counts()
        assert counts.get("right", 0) == row["reps_right"], name
        assert counts.get("left", 0) == row["reps_left"], name
        assert summary["partial_reps"] == 0, name
        assert (reps["movement"] == f"{row['direction']}_lunge").all(), name
        assert summary["subject"]["mass_source"] == "file metadata"
        # repetitions are in the order they were made: right set, then left set
        assert list(reps["leg"]) == ["right"] * row["reps_right"] + ["left"] * row["reps_left"]


def test_event_times_match_the_generators(synthetic_reports):
    """Bottoms within 0.15 s of the generator's (the hip may still sink during the
    hold); the 5 %-speed onset lags the true start by at most 0.3 s."""
    for name in ("S01_backward_good", "S02_forward_good", "S03_backward_fast"):
        row, (reps, _) = synthetic_reports[name]
        trial = datasets.load_trial(name)
        ev = {n: t for t, n in trial.events}
        for r in reps.itertuples():
            tag = f"{r.leg} rep {r.rep}"
            assert ev[f"{tag} bottom"] - 0.05 <= r.t_bottom_s <= ev[f"{tag} bottom"] + 0.6
            assert 0.0 <= r.t_start_s - ev[f"{tag} start"] <= 0.6


def test_report_columns_units_and_values(synthetic_reports):
    _, (reps, summary) = synthetic_reports["S01_backward_good"]
    assert list(reps.columns[:len(pipeline.REPORT_COLUMNS)]) == list(pipeline.REPORT_COLUMNS)
    assert reps["knee_flexion_deg"].between(84, 96).all()
    assert reps["rear_knee_flexion_deg"].between(84, 96).all()
    assert reps["knee_past_toes_m"].between(-0.24, -0.16).all()     # knee over the ankle
    assert reps["rear_knee_height_m"].between(0.04, 0.12).all()
    assert reps["heel_share"].between(0.55, 0.75).all()              # 0.65 +- scatter
    assert reps["peak_knee_extensor_moment_nm_per_kg"].between(1.5, 3.5).all()
    assert (reps["peak_pfj_stress_mpa"] > 10).all()
    assert summary["force_plates"] and summary["depth_signal"] == "hip joint centres"


def test_forward_vs_backward_lunge(synthetic_reports):
    """What the data produce, per subject: peak front-knee moment and PFJ stress of the
    forward lunge (front foot steps forward and brakes) are higher than those of the
    backward lunge; at the bottom hold the two are the same posture and the same
    quasi-static loads.

    Why the direction is asserted: it follows from the construction, not from chance.
    Both trials share the bottom posture, so the difference is dynamic.  In the
    backward lunge the rear foot lands and removes the body's *backward* momentum: the
    total horizontal force is forward, which lowers the front knee's extensor moment
    (``-y_knee F_x``); the front leg's peak is a single-leg squat before touchdown.  In
    the forward lunge the front foot lands and removes the *forward* momentum: its
    backward (braking) force and a vertical peak above body weight both raise the
    knee-extensor moment.  The size of the gap (about 3x) is the generator's: its
    stepping foot can only land once the centre of mass is well past the rear toes, so
    the synthetic forward lunge arrives fast (~1.5 m/s) -- a ballistic lunge, gentler in
    real life.  See data/README.md.
    """
    rows = []
    for s in synthetic.SUBJECTS:
        b = synthetic_reports[f"{s}_backward_good"][1][0]
        f = synthetic_reports[f"{s}_forward_good"][1][0]
        rows.append({"subject": s,
                     "knee_bw": b["peak_knee_extensor_moment_nm_per_kg"].median(),
                     "knee_fw": f["peak_knee_extensor_moment_nm_per_kg"].median(),
                     "pfj_bw": b["peak_pfj_stress_mpa"].median(),
                     "pfj_fw": f["peak_pfj_stress_mpa"].median(),
                     "hip_bw": b["peak_hip_extensor_moment_nm_per_kg"].median(),
                     "hip_fw": f["peak_hip_extensor_moment_nm_per_kg"].median()})
    table = pd.DataFrame(rows).set_index("subject")
    print("\n" + table.round(2).to_string())
    assert (table["knee_fw"] > table["knee_bw"]).all()
    assert (table["pfj_fw"] > table["pfj_bw"]).all()
    # same bottom posture: the knee angle and the shares at the bottom agree
    for s in synthetic.SUBJECTS:
        b = synthetic_reports[f"{s}_backward_good"][1][0]
        f = synthetic_reports[f"{s}_forward_good"][1][0]
        assert abs(b["knee_flexion_deg"].median() - f["knee_flexion_deg"].median()) < 3.0
        assert abs(b["knee_past_toes_m"].median() - f["knee_past_toes_m"].median()) < 0.02


# ---------------------------------------------------------------- real recordings
def test_real_squats_five_reps_per_leg_bilateral():
    reps, summary = _real("opencap-squats1")
    assert summary["movement"] == "squat"
    assert summary["reps_per_leg"] == {"left": 5, "right": 5}
    np.testing.assert_allclose(reps.groupby("rep")["t_bottom_s"].first(),
                               [1.4, 3.9, 6.7, 9.4, 12.2], atol=0.3)
    assert summary["subject"]["mass_kg"] == pytest.approx(60.0, abs=2.0)   # ~590 N
    # lunge-only rules do not apply, and the report says why
    for rule in ("knee_not_past_toes", "rear_knee_90", "back_knee_hovering",
                 "weight_in_front_heel", "upright_trunk"):
        assert "front leg" in summary["not_applicable"][rule]
        assert reps[f"{rule}_pass"].isna().all()
    assert reps["rear_knee_flexion_deg"].isna().all()
    # ... but depth, tempo and per-leg moments are reported
    assert reps["knee_flexion_deg"].between(80, 110).all()
    assert reps["descent_s"].between(0.5, 2.0).all()
    assert reps["controlled_descent_pass"].notna().all()
    assert reps["peak_knee_extensor_moment_nm"].between(20, 150).all()
    assert reps["leg_share"].between(0.3, 0.7).all()
    pair = reps.groupby("rep")["leg_share"].sum()
    np.testing.assert_allclose(pair, 1.0, atol=0.02)


def test_real_sit_to_stand_is_recognised():
    reps, summary = _real("opencap-sts1")
    assert summary["movement"] == "sit_to_stand"
    assert summary["reps_per_leg"] == {"left": 4, "right": 4}
    assert summary["partial_reps"] == 2
    assert any("cut by the start or end" in m for m in summary["messages"])


@pytest.mark.parametrize("name", ["opensim-gait", "bmc-gait-c3d"])
def test_gait_trials_report_no_reps_clearly(name):
    reps, summary = _real(name)
    assert reps.empty and list(reps.columns[:3]) == ["source", "leg", "rep"]
    assert summary["movement"] == "none"
    assert summary["messages"][0].startswith("no repetitions found")
    assert "walking" in summary["messages"][0]


# ---------------------------------------------------------------- inputs and errors
def test_subject_arguments_and_trial_input():
    trial = datasets.load_trial("S02_backward_shallow")
    # S02 weighs 58 kg on the plates: a given 70 kg is used, with a plausibility warning
    with pytest.warns(PlausibilityWarning, match="-17% from the subject mass 70 kg"):
        reps, summary = pipeline.analyze_trial(trial, mass_kg=70.0, height_m=1.70,
                                               sex="female")
    assert summary["subject"]["mass_source"] == "given"
    assert summary["subject"]["mass_kg"] == 70.0
    assert reps["peak_knee_extensor_moment_nm_per_kg"].notna().all()


def test_markers_only_trial_gives_kinematics_without_moments():
    trial = datasets.load_trial("S01_backward_good")
    bare = Trial(trial.time, points=trial.points, metadata={"source": "bare"})
    reps, summary = pipeline.analyze_trial(bare)
    assert len(reps) == 17 and not summary["force_plates"]
    assert reps["peak_knee_extensor_moment_nm"].isna().all()
    assert reps["weight_in_front_heel_pass"].isna().all()
    assert summary["not_applicable"]["weight_in_front_heel"] == "needs force plates"
    assert reps["knee_flexion_deg"].notna().all()


def test_unusable_inputs_raise_clear_errors(tmp_path):
    t = np.arange(200) / 100.0
    no_legs = Trial(t, points={"FOO": np.zeros((200, 3))})
    with pytest.raises(InputRangeError, match="hip"):
        pipeline.analyze_trial(no_legs)
    with pytest.raises(DataFileError, match="nothing.trc"):
        pipeline.analyze_file(tmp_path / "nothing.trc")
    landmarks = pipeline.find_landmarks(datasets.load_trial("S01_backward_fast"))
    assert landmarks.names["right_knee"] == "R_KNEE" and landmarks.shoulder is not None
