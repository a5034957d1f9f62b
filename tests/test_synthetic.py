"""Tests of lungelab.synthetic (the SYNTHETIC lunge generator) and lungelab.datasets.

Physics that can fail: the ground reactions sum to M (g + a_com); the static hold equals
LungeModel's reactions and moments; inverse dynamics on the stored (noisy, rounded) data
recovers the generator's own joint moments; centres of pressure stay under the feet; a
forward lunge brakes with its front foot.  Plus: the stored files equal a fresh
regeneration (a sample), the data dictionary, and the loader's forms.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lungelab import LungeModel, datasets, io, synthetic
from lungelab.body import G
from lungelab.dynamics import inverse_dynamics
from lungelab.errors import DataFileError, InputRangeError

ROOT = Path(__file__).resolve().parents[1]
SYN = ROOT / "data" / "synthetic"


@pytest.fixture(scope="module")
def backward():
    return synthetic.generate_trial("S02", "good", reps_per_leg=(2, 1))


@pytest.fixture(scope="module")
def forward():
    return synthetic.generate_trial("S02", "forward", reps_per_leg=(2, 1))


# ------------------------------------------------------------------ catalogue, files
def test_catalogue_covers_the_brief():
    subs = list(synthetic.SUBJECTS.values())
    assert len(subs) >= 3
    assert {s.sex for s in subs} == {"male", "female"}
    assert len({s.mass_kg for s in subs}) == len(subs)
    assert len({s.height_m for s in subs}) == len(subs)
    backward_variants = {n for n, v in synthetic.VARIANTS.items() if v.direction == "backward"}
    assert {"good", "knee_past_toes", "trunk_lean", "shallow", "front_toes",
            "fast"} <= backward_variants
    assert any(v.direction == "forward" for v in synthetic.VARIANTS.values())
    assert len(synthetic.DATASET) == len(subs) * len(synthetic.VARIANTS)


def test_stored_files_listed_hashed_and_small():
    man = pd.read_csv(SYN / "manifest.csv")
    assert len(man) == len(synthetic.DATASET)
    for r in man.itertuples():
        path = SYN / r.file
        assert hashlib.sha256(path.read_bytes()).hexdigest() == r.sha256, r.file
        assert 8 <= r.reps_right <= 12 and 8 <= r.reps_left <= 12
        assert 100 <= r.rate_hz <= 200
    total = sum(p.stat().st_size for p in (ROOT / "data").rglob("*") if p.is_file())
    assert total < 26e6, f"data/ holds {total / 1e6:.1f} MB"


@pytest.mark.parametrize("name", ["S01_backward_fast", "S03_forward_good"])
def test_stored_file_equals_fresh_regeneration(name):
    assert datasets.check([name]) == []


def test_every_stored_file_is_labelled_synthetic():
    for path in sorted(SYN.glob("S0*.csv")):
        head = path.read_text(encoding="utf-8")[:3000]
        assert '"SYNTHETIC"' in head and '"synthetic":true' in head, path.name


def test_trial_seed_is_stable_and_distinct():
    seeds = {synthetic.trial_seed(s, v) for s, v in synthetic.DATASET}
    assert len(seeds) == len(synthetic.DATASET)
    assert synthetic.trial_seed("S01", "good") == synthetic.trial_seed("S01", "good")


def test_bad_arguments_are_refused():
    with pytest.raises(InputRangeError, match="subject_id"):
        synthetic.generate_trial("S99", "good")
    with pytest.raises(InputRangeError, match="variant"):
        synthetic.generate_trial("S01", "sideways")
    with pytest.raises(InputRangeError, match="rate_hz"):
        synthetic.generate_trial("S01", "good", rate_hz=333)


# ------------------------------------------------------------------ physics
@pytest.mark.parametrize("variant", ["good", "forward"])
def test_ground_reactions_sum_to_m_g_plus_a(variant):
    """At the generator's 1 kHz: foot forces sum to the total, and the total equals
    M (g + a_com) with a_com from (numpy.gradient) differences of the COM trajectory."""
    st = synthetic.generate_trial("S01", variant, reps_per_leg=(1, 1), rate_hz=1000.0)
    tr = st.truth
    M = tr.attrs["total_mass_kg"]
    # the two feet carry the whole reaction
    np.testing.assert_allclose(tr["grf_right_y_n"] + tr["grf_left_y_n"], tr["grf_total_y_n"],
                               atol=1e-6)
    np.testing.assert_allclose(tr["grf_right_x_n"] + tr["grf_left_x_n"], tr["grf_total_x_n"],
                               atol=1e-6)
    # total = M (g + a_com), a_com by central differences of the stored-rate COM
    t = tr.index.to_numpy()
    ax = np.gradient(np.gradient(tr["com_x_m"].to_numpy(), t), t)
    ay = np.gradient(np.gradient(tr["com_y_m"].to_numpy(), t), t)
    err_y = tr["grf_total_y_n"].to_numpy() - M * (G + ay)
    err_x = tr["grf_total_x_n"].to_numpy() - M * ax
    bw = M * G
    assert np.sqrt(np.mean(err_y[3:-3] ** 2)) < 0.002 * bw
    assert np.sqrt(np.mean(err_x[3:-3] ** 2)) < 0.002 * bw
    assert np.abs(err_y[3:-3]).max() < 0.02 * bw
    # the stored (noisy, rounded) force channels are the same forces + 1 N noise
    stored = st.trial.analogs
    diff = stored["grf_right_y"] + stored["grf_left_y"] - tr["grf_total_y_n"].to_numpy()
    assert abs(diff.mean()) < 0.3 and diff.std() < 2.0


@pytest.mark.parametrize("which", ["backward", "forward"])
def test_static_hold_equals_lunge_model(which, backward, forward):
    st = backward if which == "backward" else forward
    model = LungeModel(synthetic.SUBJECTS["S02"].subject())
    tr = st.truth
    for r in st.reps.itertuples():
        i = int(np.searchsorted(tr.index, (r.t_bottom_s + r.t_bottom_end_s) / 2))
        ref = model.evaluate(r.front_knee_flexion_deg, r.front_shank_angle_deg,
                             r.trunk_lean_deg, r.rear_knee_flexion_deg, r.rear_foot_angle_deg,
                             front_heel_share=r.front_heel_share).iloc[0]
        f, b = r.leg, ("left" if r.leg == "right" else "right")
        row = tr.iloc[i]
        shift = row[f"{f[0].upper()}_ANKLE_x_m"]          # model origin under the front ankle
        assert row["mode"] == 3
        np.testing.assert_allclose(
            [row[f"grf_{f}_y_n"], row[f"grf_{b}_y_n"], row[f"grf_{f}_x_n"],
             row[f"grf_{b}_x_n"], row[f"cop_{f}_x_m"] - shift,
             row[f"{f}_knee_moment_nm"], row[f"{f}_hip_moment_nm"],
             row[f"{f}_ankle_moment_nm"], row[f"{b}_knee_moment_nm"],
             row[f"{b}_hip_moment_nm"], row[f"{b}_ankle_moment_nm"],
             row["HIP_x_m"] - shift, row["HIP_y_m"]],
            [ref.grf_front_heel_n + ref.grf_front_toes_n, ref.grf_rear_n,
             ref.grf_front_horizontal_n, ref.grf_rear_horizontal_n, ref.cop_front_x_m,
             ref.front_knee_moment_nm, ref.front_hip_moment_nm, ref.front_ankle_moment_nm,
             ref.rear_knee_moment_nm, ref.rear_hip_moment_nm, ref.rear_ankle_moment_nm,
             ref.hip_x_m, ref.hip_y_m], atol=1e-6)


def test_centres_of_pressure_stay_under_the_feet():
    tr = datasets.load_trial("S03_backward_good")
    for side, S in (("right", "R"), ("left", "L")):
        cop = tr.analogs[f"cop_{side}_x"].to_numpy()
        v = tr.analogs[f"grf_{side}_y"].to_numpy()
        heel = tr.points[(f"{S}_HEEL", "x")].to_numpy()
        toe = tr.points[(f"{S}_TOE", "x")].to_numpy()
        loaded = v > 50
        assert loaded.mean() > 0.3
        # 1 cm for marker/COP noise and the raised heel of the rear foot (ball contact)
        assert np.all(cop[loaded] >= heel[loaded] - 0.01)
        assert np.all(cop[loaded] <= toe[loaded] + 0.01)
        assert np.all(v > -5.0)                         # never pulls (1 N noise)


def _front_loads(st, phase):
    tr, out = st.truth, []
    for r in st.reps.itertuples():
        f = r.leg
        if phase == "descent":
            sel = (tr.index >= r.t_touchdown_s) & (tr.index <= r.t_bottom_s)
        else:
            sel = (tr.index >= r.t_start_s) & (tr.index <= r.t_end_s)
        d = tr[sel]
        dt = np.diff(d.index.to_numpy()).mean()
        out.append({"impulse_x": float(d[f"grf_{f}_x_n"].sum() * dt),
                    "peak_y": float(d[f"grf_{f}_y_n"].max()),
                    "total_x_impulse": float(d["grf_total_x_n"].sum() * dt)})
    return pd.DataFrame(out)


def test_forward_lunge_front_foot_brakes_the_body(forward, backward):
    M = forward.truth.attrs["total_mass_kg"]
    fw = _front_loads(forward, "descent")
    # stepping forward: after touchdown the body's forward momentum is removed ...
    assert np.all(fw["total_x_impulse"] < -10.0)        # N·s, backward (braking)
    # ... mostly by the front foot, which also peaks above body weight
    assert np.all(fw["impulse_x"] < -10.0)
    assert np.all(fw["peak_y"] > M * G)
    # stepping back the body's backward momentum is removed instead: net forward impulse
    bw = _front_loads(backward, "descent")
    assert np.all(bw["total_x_impulse"] > 5.0)


def test_inverse_dynamics_recovers_the_generators_moments(backward):
    """Stored data (0.5 mm marker noise, 1 N force noise, 0.1 mm / 0.1 N rounding, 100 Hz)
    through lungelab.dynamics at 6 Hz: RMS error under 4 % of each joint's peak moment
    over the whole trial (errors concentrate in the 0.1 s loading transients that the
    6 Hz filter smooths), and within 3 N·m of the truth during the static hold."""
    tr, truth = backward.trial, backward.truth
    subj = synthetic.SUBJECTS["S02"].subject()
    t = tr.time
    for side, S in (("right", "R"), ("left", "L")):
        p = {k: tr.points[f"{S}_{k}"].to_numpy()[:, :2] for k in ("KNEE", "ANKLE", "HEEL", "TOE")}
        grf = np.column_stack([tr.analogs[f"grf_{side}_x"], tr.analogs[f"grf_{side}_y"]])
        m = inverse_dynamics(t, tr.points["HIP"].to_numpy()[:, :2], p["KNEE"], p["ANKLE"],
                             p["HEEL"], p["TOE"], grf, tr.analogs[f"cop_{side}_x"].to_numpy(),
                             segments=subj, cutoff_hz=6.0, facing="+x")
        for joint in ("ankle", "knee", "hip"):
            ref = truth[f"{side}_{joint}_moment_nm"].to_numpy()
            err = m[f"{joint}_moment_nm"].to_numpy() - ref
            assert np.sqrt(np.mean(err**2)) < 0.04 * np.abs(ref).max(), (side, joint)
        for r in backward.reps.itertuples():
            i = int(np.searchsorted(t, (r.t_bottom_s + r.t_bottom_end_s) / 2))
            for joint in ("ankle", "knee", "hip"):
                assert abs(m[f"{joint}_moment_nm"].iloc[i]
                           - truth[f"{side}_{joint}_moment_nm"].iloc[i]) < 3.0


def test_double_support_positions_are_the_models(backward):
    """At every double-support sample the points equal LungeModel.evaluate's (the
    generator raises otherwise); spot-check the stored truth at the holds."""
    model = LungeModel(synthetic.SUBJECTS["S02"].subject())
    tr = backward.truth
    sel = (tr["mode"] == 3).to_numpy()
    d = tr[sel]
    ref = model.evaluate(d["front_knee_flexion_deg"].to_numpy(),
                         d["front_shank_angle_deg"].to_numpy(), d["trunk_lean_deg"].to_numpy(),
                         d["rear_knee_flexion_deg"].to_numpy(),
                         d["rear_foot_angle_deg"].to_numpy(), mask_unbalanced=False)
    np.testing.assert_allclose(d["HIP_y_m"].to_numpy(), ref["hip_y_m"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(d["SHOULDER_x_m"].to_numpy(), ref["shoulder_x_m"].to_numpy(),
                               atol=1e-9)
    front_knee = np.where(d["front_leg"] == "right", d["R_KNEE_y_m"], d["L_KNEE_y_m"])
    np.testing.assert_allclose(front_knee, ref["front_knee_y_m"].to_numpy(), atol=1e-9)


# ------------------------------------------------------------------ datasets
def test_list_datasets_and_forms():
    table = datasets.list_datasets()
    assert (table["kind"] == "synthetic").sum() == len(synthetic.DATASET)
    assert {"opencap-squats1", "opencap-sts1", "opensim-gait"} <= set(table.index)
    assert table.loc["S01_backward_good", "sex"] == "male"
    trial = datasets.load("S01_backward_good")
    assert set(synthetic.POINTS) <= set(trial.point_names)
    assert trial.units["grf_right_y"] == "N" and trial.units["cop_right_x"] == "m"
    assert np.all(trial.points[("HIP", "z")] == 0.0)
    assert trial.metadata["synthetic"] is True and trial.metadata["subject_mass_kg"] == 82.0
    wide = datasets.load("S01_backward_good", form="wide")
    assert wide.attrs["units"]["HIP_y"] == "m" and wide.attrs["units"]["grf_left_x"] == "N"
    assert wide.index.name == "time_s"
    long = datasets.load("S01_backward_good", form="long")
    assert set(long.columns) == {"time", "channel", "component", "value", "unit"}
    assert set(long.loc[long.channel == "grf_left_y", "unit"]) == {"N"}
    real = datasets.load("opencap-squats1")
    assert "ground_force_1_vy" in real.analog_names and "R_HJC" in real.point_names


def test_synthetic_reader_agrees_with_lungelab_io():
    path = SYN / "S02_backward_shallow.csv"
    fast = datasets.read_synthetic(path)
    generic = datasets.read_any(path)
    via_io = io.read(path)                 # planar points arrive as NAME_x/_y channels (mm)
    assert via_io.units["HIP_x"] == "mm" and not via_io.point_names
    np.testing.assert_allclose(generic.points.to_numpy(), fast.points.to_numpy(), atol=1e-12)
    np.testing.assert_allclose(fast.analogs["grf_left_y"], via_io.analogs["grf_left_y"])
    np.testing.assert_allclose(fast.analogs["cop_left_x"], via_io.analogs["cop_left_x"] / 1000)
    assert fast.events == via_io.events


def test_loader_errors_name_the_file(tmp_path):
    with pytest.raises(InputRangeError, match="name"):
        datasets.load("no_such_dataset")
    bad = tmp_path / "trunc.csv"
    text = (SYN / "S02_backward_fast.csv").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join(text[:200]) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="trunc.csv.*rows"):
        datasets.read_synthetic(bad)


def test_regeneration_check_allows_one_last_digit_and_nothing_more():
    # machine-dependent rounding may move a stored 0.1 mm value by one unit, never more
    head = "# rate_hz: 100\ntime_s,hip_x [mm],grf_right_y [N]\n"
    same = head + "0.010,12.3,700.1\n"
    assert synthetic.text_difference(same, same) == ""
    assert synthetic.text_difference(same, head + "0.010,12.4,700.0\n") == ""
    assert "field 2" in synthetic.text_difference(same, head + "0.010,12.5,700.1\n")
    assert "field 3" in synthetic.text_difference(same, head + "0.010,12.3,\n")
    assert "header" in synthetic.text_difference(same, same.replace("100", "120"))
    assert "lines" in synthetic.text_difference(same, same + "0.020,12.3,700.1\n")
