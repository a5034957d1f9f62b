"""Tests of lungelab.processing.reps: repetition detection on synthetic and real signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _opencap import read_mot_frame, read_trc_frame

from lungelab.errors import DataFileError, InputRangeError
from lungelab.processing import REP_COLUMNS, detect_reps, front_leg

FS = 100.0
REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "opencap-subject4-squat-sts"


def _minjerk(n: int) -> np.ndarray:
    """Minimum-jerk profile from 0 to 1 over n samples (Flash & Hogan 1985)."""
    tau = np.arange(n) / n
    return 10 * tau**3 - 15 * tau**4 + 6 * tau**5


def _synthetic(rng: np.random.Generator, n_reps: int = 5, noise: float = 0.002,
               top: float = 0.95, depth_range=(0.15, 0.40)) -> tuple[np.ndarray, np.ndarray]:
    """Hip height with min-jerk lunges, random top/bottom pauses, varying depth, noise.

    Returns the signal and a truth table with one row per rep:
    t_start, t_bottom (middle of the bottom hold), t_end, depth, descent, hold, ascent (s).
    """
    parts: list[np.ndarray] = [np.full(int(rng.uniform(0.3, 2.0) * FS), top)]
    truth = []
    for _ in range(n_reps):
        depth = rng.uniform(*depth_range)
        nd = int(rng.uniform(0.8, 1.6) * FS)
        na = int(rng.uniform(0.8, 1.6) * FS)
        nh = int(rng.choice([0.0, rng.uniform(0.2, 1.5)]) * FS)
        i0 = sum(p.size for p in parts)
        parts += [top - depth * _minjerk(nd), np.full(nh, top - depth),
                  top - depth + depth * _minjerk(na)]
        i1 = sum(p.size for p in parts)
        truth.append([i0 / FS, (i0 + nd + nh / 2) / FS, i1 / FS, depth,
                      nd / FS, nh / FS, na / FS])
        # pause at the top: none/short, or long
        pause = rng.choice([rng.uniform(0.0, 0.3), rng.uniform(0.5, 3.0)])
        parts.append(np.full(int(pause * FS), top))
    parts.append(np.full(int(0.5 * FS), top))
    x = np.concatenate(parts)
    return x + rng.normal(0.0, noise, x.size), np.array(truth)


# ------------------------------------------------------------- synthetic


@pytest.mark.parametrize("seed", range(25))
def test_synthetic_lunges_exact_count_and_event_times(seed):
    rng = np.random.default_rng(seed)
    x, truth = _synthetic(rng, n_reps=int(rng.integers(3, 8)))
    reps = detect_reps(x, FS)
    assert list(reps.columns) == list(REP_COLUMNS)
    assert len(reps) == len(truth)
    assert reps["complete"].all()
    # start/end: a 5 %-of-peak-speed threshold fires ~6 % of the phase time late/early
    np.testing.assert_allclose(reps["t_start"], truth[:, 0], atol=0.2)
    np.testing.assert_allclose(reps["t_end"], truth[:, 2], atol=0.2)
    # bottom: anywhere within the bottom hold, to 0.15 s
    off = np.abs(reps["t_bottom"].to_numpy() - truth[:, 1]) - truth[:, 5] / 2
    assert np.all(off < 0.15)
    np.testing.assert_allclose(reps["depth"], truth[:, 3], rtol=0.05)
    np.testing.assert_allclose(reps["hold_s"], truth[:, 5], atol=0.4)
    np.testing.assert_allclose(reps["descent_s"], truth[:, 4], atol=0.35)
    np.testing.assert_allclose(reps["ascent_s"], truth[:, 6], atol=0.35)
    np.testing.assert_allclose(reps["duration_s"],
                               reps["descent_s"] + reps["hold_s"] + reps["ascent_s"])
    # the indices and times agree
    np.testing.assert_allclose(reps["t_bottom"], reps["i_bottom"] / FS)
    assert np.all(reps["i_start"] < reps["i_bottom"]) and np.all(reps["i_bottom"] < reps["i_end"])
    assert np.all(reps["t_end"].to_numpy()[:-1] <= reps["t_start"].to_numpy()[1:])


def test_noise_free_events_are_close_to_truth():
    rng = np.random.default_rng(100)
    x, truth = _synthetic(rng, n_reps=4, noise=0.0)
    reps = detect_reps(x, FS)
    assert len(reps) == 4
    # bias of the 5 % speed criterion for min-jerk: 6 % of the phase time
    np.testing.assert_allclose(reps["t_start"] - truth[:, 0], 0.06 * truth[:, 4], atol=0.04)
    np.testing.assert_allclose(truth[:, 2] - reps["t_end"], 0.06 * truth[:, 6], atol=0.04)


def test_knee_angle_signal_with_bottom_at_maximum():
    rng = np.random.default_rng(11)
    h, truth = _synthetic(rng, n_reps=6, noise=0.0)
    knee = np.radians(5) + (0.95 - h) / 0.40 * np.radians(95)  # flexion grows with depth
    knee += rng.normal(0, np.radians(1.0), knee.size)
    reps = detect_reps(knee, FS, bottom="max")
    assert len(reps) == 6
    np.testing.assert_allclose(reps["t_start"], truth[:, 0], atol=0.2)
    np.testing.assert_allclose(reps["value_bottom"],
                               np.radians(5) + truth[:, 3] / 0.40 * np.radians(95),
                               atol=np.radians(2))
    # the same signal with the wrong polarity finds tops instead: still 5 between reps
    assert len(detect_reps(knee, FS, bottom="min")) == 5


def test_pause_lengths_at_top_never_merge_or_split():
    t_rep = np.concatenate([0.95 - 0.3 * _minjerk(100), 0.65 + 0.3 * _minjerk(100)])
    for pause_s in (0.0, 0.05, 0.5, 6.0):
        gap = np.full(int(pause_s * FS), 0.95)
        x = np.concatenate([np.full(50, 0.95), t_rep, gap, t_rep, gap, t_rep, np.full(50, 0.95)])
        reps = detect_reps(x + np.random.default_rng(1).normal(0, 0.002, x.size), FS)
        assert len(reps) == 3, pause_s
        starts = 0.5 + np.arange(3) * (2.0 + gap.size / FS)
        np.testing.assert_allclose(reps["t_start"], starts, atol=0.15)


def test_wobbly_bottom_hold_is_one_rep():
    # 2 s at the bottom with a 3 cm (10 % of depth) sway does not split the rep
    hold_t = np.arange(200) / FS
    hold = 0.65 + 0.015 * (1 - np.cos(2 * np.pi * 1.0 * hold_t))
    x = np.concatenate([np.full(80, 0.95), 0.95 - 0.3 * _minjerk(120), hold,
                        0.65 + 0.3 * _minjerk(120), np.full(80, 0.95)])
    reps = detect_reps(x, FS)
    assert len(reps) == 1
    r = reps.iloc[0]
    assert 1.95 <= r["t_bottom"] <= 4.1  # deepest sample: one end of the hold here
    assert r["hold_s"] > 1.0


def test_shallow_and_deep_reps_mixed():
    x = np.concatenate([np.full(50, 0.95)] + [
        np.concatenate([0.95 - d * _minjerk(100), 0.95 - d + d * _minjerk(100),
                        np.full(40, 0.95)]) for d in (0.40, 0.12, 0.30, 0.15)])
    assert len(detect_reps(x, FS)) == 4
    # a dip below min_depth x range is ignored: 0.05 m of a 0.40 m range
    x2 = np.concatenate([x, 0.95 - 0.05 * _minjerk(60), 0.90 + 0.05 * _minjerk(60)])
    assert len(detect_reps(x2, FS)) == 4


def test_quick_bounce_shorter_than_min_duration_is_dropped():
    bounce = np.concatenate([0.95 - 0.3 * _minjerk(15), 0.65 + 0.3 * _minjerk(15)])
    rep = np.concatenate([0.95 - 0.3 * _minjerk(100), 0.65 + 0.3 * _minjerk(100)])
    x = np.concatenate([np.full(50, 0.95), rep, np.full(50, 0.95), bounce, np.full(50, 0.95)])
    assert len(detect_reps(x, FS, cutoff_hz=None)) == 1
    assert len(detect_reps(x, FS, cutoff_hz=None, min_duration_s=0.0)) == 2


def test_no_reps_in_still_or_noise_only_signals():
    rng = np.random.default_rng(2)
    assert len(detect_reps(np.full(500, 0.95), FS)) == 0
    noise = 0.95 + rng.normal(0, 0.002, 1000)
    assert len(detect_reps(noise, FS, min_amplitude=0.05)) == 0


def test_partial_reps_at_recording_edges():
    rep = np.concatenate([0.95 - 0.4 * _minjerk(100), np.full(100, 0.55),
                          0.55 + 0.4 * _minjerk(100), np.full(60, 0.95)])
    # starts seated (sit-to-stand), two full reps, ends seated
    x = np.concatenate([np.full(100, 0.55), 0.55 + 0.4 * _minjerk(100), np.full(60, 0.95),
                        rep, rep, 0.95 - 0.4 * _minjerk(100), np.full(100, 0.55)])
    full = detect_reps(x, FS)
    assert len(full) == 2 and full["complete"].all()
    allr = detect_reps(x, FS, include_partial=True)
    assert len(allr) == 4
    assert list(allr["complete"]) == [False, True, True, False]
    assert pd.isna(allr["i_start"].iloc[0]) and np.isnan(allr["t_start"].iloc[0])
    assert pd.isna(allr["i_end"].iloc[-1]) and np.isnan(allr["ascent_s"].iloc[-1])
    assert allr["ascent_s"].iloc[0] == pytest.approx(1.0, abs=0.2)
    assert allr["descent_s"].iloc[-1] == pytest.approx(1.0, abs=0.2)
    # a recording that begins mid-descent: the first rep has no start
    cut = x[100 + 100 + 60 + 50:]
    reps = detect_reps(cut, FS, include_partial=True)
    assert not reps["complete"].iloc[0] and np.isnan(reps["t_start"].iloc[0])
    assert reps["complete"].sum() == 1
    # ...and one that stops mid-ascent (second full rep rises from 8.2 s to 9.2 s)
    reps = detect_reps(x[:870], FS, include_partial=True)
    assert list(reps["complete"]) == [False, True, False]
    assert np.isnan(reps["t_end"].iloc[-1]) and reps["t_bottom"].iloc[-1] < 8.3
    assert len(detect_reps(x[:870], FS)) == 1


def test_time_from_series_index_and_time_argument():
    rng = np.random.default_rng(3)
    x, truth = _synthetic(rng, n_reps=3)
    t = 10.0 + np.arange(x.size) / FS
    a = detect_reps(pd.Series(x, index=pd.Index(t, name="time")))
    b = detect_reps(x, time=t)
    c = detect_reps(x, FS)
    assert len(a) == len(b) == len(c) == 3
    np.testing.assert_allclose(a["t_start"], c["t_start"] + 10.0)
    np.testing.assert_allclose(b["t_bottom"], c["t_bottom"] + 10.0)
    np.testing.assert_array_equal(a["i_bottom"], c["i_bottom"])


def test_detect_reps_rejects_bad_input():
    x = np.concatenate([np.full(50, 0.95), 0.95 - 0.3 * _minjerk(100),
                        0.65 + 0.3 * _minjerk(100)])
    with pytest.raises(InputRangeError, match="bottom"):
        detect_reps(x, FS, bottom="down")
    with pytest.raises(InputRangeError, match="min_depth"):
        detect_reps(x, FS, min_depth=1.5)
    with pytest.raises(InputRangeError, match="time"):
        detect_reps(x)
    t = np.cumsum(np.r_[0, np.random.default_rng(0).uniform(0.005, 0.02, x.size - 1)])
    with pytest.raises(InputRangeError, match="uniform"):
        detect_reps(x, time=t)
    assert len(detect_reps(x, time=t, cutoff_hz=None)) <= 1  # allowed without filtering
    y = pd.Series(x, name="pelvis_y")
    y.iloc[30] = np.nan
    with pytest.raises(DataFileError, match="pelvis_y"):
        detect_reps(y, FS)


def test_front_leg_labels_alternating_lunges():
    rep = np.concatenate([0.95 - 0.3 * _minjerk(100), 0.65 + 0.3 * _minjerk(100),
                          np.full(50, 0.95)])
    x = np.concatenate([np.full(50, 0.95), rep, rep, rep])
    reps = detect_reps(x, FS)
    assert len(reps) == 3
    n = x.size
    left = np.zeros(n)
    right = np.zeros(n)
    # backward lunges: rep 0 right foot steps back (left in front), rep 1 left steps back,
    # rep 2 feet together (squat)
    for k, (dl, dr) in enumerate([(0.0, -0.6), (-0.6, 0.0), (0.0, 0.0)]):
        sl = slice(50 + 250 * k + 30, 50 + 250 * k + 170)
        left[sl] += dl
        right[sl] += dr
    lab = front_leg(reps, left, right, min_separation=0.1)
    assert list(lab) == ["left", "right", "none"]
    # facing -x mirrors the labels
    assert list(front_leg(reps, -left, -right, facing=-1, min_separation=0.1)) == [
        "left", "right", "none"]
    with pytest.raises(InputRangeError, match="facing"):
        front_leg(reps, left, right, facing=2)


# --------------------------------------------------- real data (OpenCap subject 4)
# By eye (hip-joint-centre height and IK knee angle printed every 0.2 s):
# squats1: 5 bodyweight squats, deepest points near 1.4, 3.9, 6.7, 9.4 and 12.2 s,
#          standing before, between and after.
# STS1:    starts seated; stands up 5 times (about 1.2, 3.8, 6.4, 9.0, 11.8 s) and sits
#          down 5 times (about 2.2, 4.8, 7.4, 10.0, 13.0 s); ends seated.  So 4 complete
#          stand -> sit -> stand cycles, plus a leading stand-up and a trailing sit-down.


def _real(trial: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    trc_path, mot_path = REAL / f"{trial}.trc", REAL / f"{trial}_ik.mot"
    if not trc_path.exists() or not mot_path.exists():
        pytest.skip(f"real data not present: {REAL}")
    trc, mot = read_trc_frame(trc_path), read_mot_frame(mot_path)
    assert len(trc) == len(mot)
    np.testing.assert_allclose(np.diff(trc["Time"]), 0.01, atol=1e-6)  # 100 Hz
    return trc, mot


def _signals(trc: pd.DataFrame, mot: pd.DataFrame) -> dict[str, tuple[pd.Series, str]]:
    hip_y = (trc["R_HJC_Y"] + trc["L_HJC_Y"]) / 2  # m, OpenSim Y up
    return {
        "hip_centre_height": (pd.Series(hip_y.to_numpy(), index=trc["Time"]), "min"),
        "pelvis_ty": (pd.Series(mot["pelvis_ty"].to_numpy(), index=mot["time"]), "min"),
        "knee_angle_r": (pd.Series(mot["knee_angle_r"].to_numpy(), index=mot["time"]), "max"),
        "knee_angle_l": (pd.Series(mot["knee_angle_l"].to_numpy(), index=mot["time"]), "max"),
    }


def test_real_squats_five_reps():
    trc, mot = _real("squats1")
    bottoms = []
    for name, (sig, bottom) in _signals(trc, mot).items():
        reps = detect_reps(sig, bottom=bottom)
        assert len(reps) == 5, name
        assert reps["complete"].all()
        assert len(detect_reps(sig, bottom=bottom, include_partial=True)) == 5, name
        np.testing.assert_allclose(reps["t_bottom"], [1.4, 3.9, 6.7, 9.4, 12.2], atol=0.25)
        assert np.all((reps["duration_s"] > 1.5) & (reps["duration_s"] < 3.0)), name
        bottoms.append(reps["t_bottom"].to_numpy())
    # independent signals agree on the deepest instants
    assert np.ptp(np.array(bottoms), axis=0).max() < 0.1
    hip = detect_reps(_signals(trc, mot)["hip_centre_height"][0])
    assert np.all((hip["depth"] > 0.25) & (hip["depth"] < 0.45))  # m of hip drop
    knee = detect_reps(_signals(trc, mot)["knee_angle_r"][0], bottom="max")
    assert np.all(np.degrees(knee["value_bottom"]) > 85)  # about 90-99 deg at the bottom
    # feet side by side (right ankle 0.43 m to the right, z): no leg in front
    lab = front_leg(hip, trc["L_ankle_X"], trc["r_ankle_X"], min_separation=0.05)
    assert list(lab) == ["none"] * 5


def test_real_sit_to_stand_four_cycles_five_standups():
    trc, mot = _real("STS1")
    for name, (sig, bottom) in _signals(trc, mot).items():
        reps = detect_reps(sig, bottom=bottom)
        assert len(reps) == 4, name
        allr = detect_reps(sig, bottom=bottom, include_partial=True)
        assert len(allr) == 6, name
        assert list(allr["complete"]) == [False, True, True, True, True, False], name
        # 5 stand-ups (ascents) and 5 sit-downs (descents)
        assert allr["t_end"].notna().sum() == 5
        assert allr["t_start"].notna().sum() == 5
        np.testing.assert_allclose(allr["t_end"].iloc[:5], [1.4, 4.0, 6.6, 9.3, 12.0],
                                   atol=0.35)
        # seated pauses are long: each complete rep holds the bottom for > 0.5 s
        assert np.all(reps["hold_s"] > 0.5), name
