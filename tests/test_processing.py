"""Tests of lungelab.processing: filter, derivatives, sagittal angles.

Each test checks a physical or mathematical property that a wrong implementation
would violate (gain and phase of the filter, exact derivatives of polynomials,
joint angles of hand-built postures, agreement with OpenSim IK on real data).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _opencap import read_mot_frame, read_trc_frame
from scipy import signal as sg

from lungelab.errors import DataFileError, InputRangeError
from lungelab.processing import (
    acceleration,
    ankle_dorsiflexion,
    cutoff_correction,
    derivative,
    detect_facing,
    double_pass_response,
    hip_flexion,
    knee_flexion,
    lowpass,
    residual_analysis,
    sagittal_angles,
    segment_angle,
    trunk_lean,
    velocity,
)

FS = 100.0
REAL = Path(__file__).resolve().parents[1] / "data" / "real" / "opencap-subject4-squat-sts"


def _amp_phase(y: np.ndarray, t: np.ndarray, f: float) -> tuple[float, float]:
    """Amplitude and phase (rad, + = lead) of the f-Hz component of y relative to sin."""
    s = 2 * np.mean(y * np.sin(2 * np.pi * f * t))
    c = 2 * np.mean(y * np.cos(2 * np.pi * f * t))
    return float(np.hypot(s, c)), float(np.arctan2(c, s))


# ---------------------------------------------------------------- filters


def test_cutoff_correction_is_winters_0802():
    assert cutoff_correction(2, 2) == pytest.approx(0.802, abs=5e-4)
    # one pass: no correction
    assert cutoff_correction(2, 1) == pytest.approx(1.0)


@pytest.mark.parametrize("f", [0.5, 1.0, 1.5])
def test_sine_below_cutoff_passes_without_loss_or_lag(f):
    t = np.arange(0, 20, 1 / FS)  # whole number of periods
    x = 0.1 * np.sin(2 * np.pi * f * t)
    y = lowpass(x, FS, 6.0)
    amp, ph = _amp_phase(y, t, f)
    assert abs(amp / 0.1 - 1) < 0.01
    assert abs(ph) < 1e-4  # zero phase (1e-4 rad = 11 us at 1.5 Hz)
    # zero lag: the cross-correlation of input and output peaks at lag 0
    lags = np.arange(-20, 21)
    xc = [np.dot(x[200:-200], np.roll(y, -k)[200:-200]) for k in lags]
    assert lags[int(np.argmax(xc))] == 0


@pytest.mark.parametrize("fc", [3.0, 6.0, 10.0])
def test_minus_3db_at_requested_cutoff(fc):
    t = np.arange(0, 20, 1 / FS)
    y = lowpass(np.sin(2 * np.pi * fc * t), FS, fc)
    amp, ph = _amp_phase(y[300:-300], t[300:-300], fc)
    assert amp == pytest.approx(1 / np.sqrt(2), abs=0.005)
    assert abs(ph) < 1e-3
    assert double_pass_response(fc, FS, fc)[0] == pytest.approx(1 / np.sqrt(2), rel=1e-9)


def test_uncorrected_double_pass_would_be_minus_6db():
    """Without Winter's correction the double pass halves the amplitude at fc."""
    b, a = sg.butter(2, 6.0, fs=FS)
    t = np.arange(0, 20, 1 / FS)
    y = sg.filtfilt(b, a, np.sin(2 * np.pi * 6.0 * t))
    amp, _ = _amp_phase(y[300:-300], t[300:-300], 6.0)
    assert amp == pytest.approx(0.5, abs=0.01)
    y2 = lowpass(np.sin(2 * np.pi * 6.0 * t), FS, 6.0)
    assert _amp_phase(y2[300:-300], t[300:-300], 6.0)[0] > 0.70


def test_attenuation_above_cutoff_is_4th_order():
    t = np.arange(0, 20, 1 / FS)
    for f in (12.0, 24.0):
        y = lowpass(np.sin(2 * np.pi * f * t), FS, 6.0)
        amp, _ = _amp_phase(y[300:-300], t[300:-300], f)
        assert amp == pytest.approx(double_pass_response(f, FS, 6.0)[0], abs=2e-3)
    # 4th-order roll-off: one octave above fc the amplitude is about 1/(1+C^-4*16)
    # (analogue estimate 0.115 at 12 Hz for fc = 6 Hz)
    assert double_pass_response(12.0, FS, 6.0)[0] == pytest.approx(0.115, abs=0.01)


def test_linear_trend_has_no_edge_transient():
    t = np.arange(0, 3, 1 / FS)
    x = 0.9 - 0.25 * t
    assert np.max(np.abs(lowpass(x, FS) - x)) < 1e-4


def test_noise_reduced_and_signal_kept():
    rng = np.random.default_rng(3)
    t = np.arange(0, 10, 1 / FS)
    clean = 0.2 * np.sin(2 * np.pi * 0.4 * t) + 0.02 * np.sin(2 * np.pi * 2 * t)
    noisy = clean + rng.normal(0, 0.003, t.size)
    y = lowpass(noisy, FS, 6.0)
    rms = np.sqrt(np.mean((y - clean)[50:-50] ** 2))
    assert rms < 0.003 * 0.5  # at least halved (6 of 50 Hz bandwidth kept)


def test_lowpass_keeps_pandas_kind_and_index():
    t = np.arange(0, 2, 1 / FS)
    idx = pd.Index(t + 5.0, name="time")
    df = pd.DataFrame({"hip_y": np.sin(t), "knee_y": np.cos(t)}, index=idx)
    out = lowpass(df, FS)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(idx) and list(out.columns) == ["hip_y", "knee_y"]
    s = lowpass(df["hip_y"], FS)
    assert isinstance(s, pd.Series) and s.name == "hip_y" and s.index.equals(idx)
    np.testing.assert_allclose(s.to_numpy(), out["hip_y"].to_numpy())
    arr = lowpass(df.to_numpy(), FS)
    assert isinstance(arr, np.ndarray) and arr.shape == df.shape
    np.testing.assert_allclose(arr, out.to_numpy())


def test_lowpass_rejects_bad_input():
    x = np.zeros(100)
    with pytest.raises(InputRangeError, match="cutoff_hz"):
        lowpass(x, 100.0, 50.0)  # = Nyquist
    with pytest.raises(InputRangeError, match="cutoff_hz"):
        lowpass(x, 100.0, 0.0)
    with pytest.raises(InputRangeError, match="rate_hz"):
        lowpass(x, -100.0)
    with pytest.raises(InputRangeError, match="len"):
        lowpass(np.zeros(5), 100.0)
    with pytest.raises(InputRangeError, match="order"):
        lowpass(x, 100.0, order=0)
    df = pd.DataFrame({"ok": np.zeros(100), "R_knee_y": np.zeros(100)})
    df.loc[40, "R_knee_y"] = np.nan
    with pytest.raises(DataFileError, match="R_knee_y") as exc:
        lowpass(df, 100.0)
    assert exc.value.field == "R_knee_y"
    assert "row 40" in str(exc.value)


def test_residual_analysis_finds_noise_level_and_sensible_cutoff():
    rng = np.random.default_rng(0)
    t = np.arange(0, 20, 1 / FS)
    sigma = 0.002
    clean = 0.15 * np.sin(2 * np.pi * 0.5 * t) + 0.03 * np.sin(2 * np.pi * 1.7 * t + 1)
    res = residual_analysis(clean + rng.normal(0, sigma, t.size), FS, full_output=True)
    # the intercept of the noise line estimates the noise RMS (Winter 2009)
    assert res.noise_intercept == pytest.approx(sigma, rel=0.15)
    assert res.noise_slope < 0
    # suggested cutoff lies above the signal content and well below the noise band
    assert 1.7 < res.cutoff_hz < 8.0
    assert residual_analysis(clean + rng.normal(0, sigma, t.size), FS) == pytest.approx(
        res.cutoff_hz, abs=1.5)
    # residuals decrease with cutoff
    assert np.all(np.diff(res.residuals) < 0)


def test_residual_analysis_dataframe_and_errors():
    rng = np.random.default_rng(1)
    t = np.arange(0, 10, 1 / FS)
    df = pd.DataFrame({"a": np.sin(2 * np.pi * t) + rng.normal(0, 0.01, t.size),
                       "b": np.cos(2 * np.pi * 0.5 * t) + rng.normal(0, 0.01, t.size)})
    out = residual_analysis(df, FS)
    assert list(out.index) == ["a", "b"] and np.all(out > 0.5)
    with pytest.raises(InputRangeError, match="cutoffs"):
        residual_analysis(df["a"], FS, cutoffs=[1, 2, 60, 3])


# ------------------------------------------------------------ derivatives


def test_derivatives_exact_for_quadratic_on_nonuniform_time():
    rng = np.random.default_rng(2)
    t = np.cumsum(rng.uniform(0.005, 0.02, 200))
    x = 2.0 + 3.0 * t - 4.0 * t**2
    np.testing.assert_allclose(velocity(x, t), 3.0 - 8.0 * t, atol=1e-9)
    np.testing.assert_allclose(acceleration(x, t), -8.0, atol=1e-7)


def test_second_derivative_of_cubic():
    t = np.arange(0, 2, 0.01)
    x = t**3
    a = acceleration(x, rate_hz=100.0)
    # symmetric 3-point stencil is exact for cubics inside (uniform grid)
    np.testing.assert_allclose(a[1:-1], 6 * t[1:-1], atol=1e-8)
    # ends take the neighbour's value: error one step of the third derivative
    assert a[0] == pytest.approx(6 * t[1]) and a[-1] == pytest.approx(6 * t[-2])
    # non-uniform: error bounded by |h+ - h-| * x''' / 3
    rng = np.random.default_rng(5)
    tn = np.cumsum(rng.uniform(0.008, 0.012, 200))
    an = acceleration(tn**3, tn)
    h = np.diff(tn)
    bound = np.abs(h[1:] - h[:-1]) * 6 / 3 + 1e-7
    assert np.all(np.abs(an[1:-1] - 6 * tn[1:-1]) <= bound)


def test_derivatives_of_sine():
    f = 1.0
    t = np.arange(0, 5, 1 / FS)
    x = np.sin(2 * np.pi * f * t)
    w = 2 * np.pi * f
    v = velocity(x, rate_hz=FS)
    a = acceleration(x, rate_hz=FS)
    # central differences: relative error about (w h)^2 / 6 and / 12
    np.testing.assert_allclose(v[1:-1], w * np.cos(w * t[1:-1]), atol=w * 0.001)
    np.testing.assert_allclose(a[1:-1], -(w**2) * x[1:-1], atol=w**2 * 0.001)


def test_derivative_of_filtered_noisy_position():
    rng = np.random.default_rng(4)
    t = np.arange(0, 10, 1 / FS)
    w = 2 * np.pi * 0.5
    x = 0.2 * np.sin(w * t) + rng.normal(0, 0.001, t.size)
    v = velocity(lowpass(x, FS, 6.0), rate_hz=FS)
    err = v[50:-50] - 0.2 * w * np.cos(w * t[50:-50])
    assert np.sqrt(np.mean(err**2)) < 0.02 * 0.2 * w  # < 2 % of peak speed
    # without filtering the noise dominates the derivative
    raw = velocity(x, rate_hz=FS)[50:-50] - 0.2 * w * np.cos(w * t[50:-50])
    assert np.sqrt(np.mean(raw**2)) > 3 * np.sqrt(np.mean(err**2))


def test_derivative_pandas_and_time_sources():
    t = np.linspace(0, 1, 51)
    df = pd.DataFrame({"p": t**2, "q": 3 * t}, index=pd.Index(t, name="time"))
    v = velocity(df)  # float index used as time in s
    assert isinstance(v, pd.DataFrame) and v.index.equals(df.index)
    np.testing.assert_allclose(v["p"], 2 * t, atol=1e-12)
    np.testing.assert_allclose(v["q"], 3.0, atol=1e-12)
    s = derivative(df["p"], rate_hz=50.0, n=2)
    assert isinstance(s, pd.Series) and s.name == "p"
    np.testing.assert_allclose(s, 2.0, atol=1e-9)
    with pytest.raises(InputRangeError, match="time"):
        velocity(np.arange(5.0))  # no time base
    with pytest.raises(InputRangeError, match="increasing"):
        velocity(np.arange(5.0), [0, 1, 1, 2, 3])
    with pytest.raises(InputRangeError, match="len"):
        velocity(np.arange(5.0), [0, 1, 2])
    with pytest.raises(InputRangeError, match="n="):
        derivative(np.arange(5.0), rate_hz=1.0, n=3)


# ----------------------------------------------------------------- angles


def _chain(theta_shank, theta_thigh, theta_trunk, ankle=(0.3, 0.08), facing=1,
           shank=0.43, thigh=0.42, trunk=0.5):
    """Joint positions built upward from the ankle with given segment angles (rad)."""
    def up(p, length, th):
        return (p[0] + facing * length * np.sin(th), p[1] + length * np.cos(th))
    knee = up(ankle, shank, theta_shank)
    hip = up(knee, thigh, theta_thigh)
    shoulder = up(hip, trunk, theta_trunk)
    return (np.array(shoulder), np.array(hip), np.array(knee), np.array(ankle))


def test_standing_is_all_zero():
    shoulder, hip, knee, ankle = (0, 1.4), (0, 0.9), (0, 0.5), (0, 0.08)
    assert knee_flexion(hip, knee, ankle) == pytest.approx(0.0)
    assert hip_flexion(shoulder, hip, knee) == pytest.approx(0.0)
    assert trunk_lean(hip, shoulder) == pytest.approx(0.0)
    heel, toe = (-0.05, 0.02), (0.18, 0.02)
    assert ankle_dorsiflexion(knee, ankle, heel, toe) == pytest.approx(0.0)


def test_sitting_posture_is_90_90():
    shoulder, hip, knee, ankle = (0, 1.0), (0, 0.5), (0.4, 0.5), (0.4, 0.0)
    assert knee_flexion(hip, knee, ankle) == pytest.approx(np.pi / 2)
    assert hip_flexion(shoulder, hip, knee) == pytest.approx(np.pi / 2)
    assert segment_angle(knee, hip) == pytest.approx(-np.pi / 2)  # hip behind knee
    # mirrored subject facing -x gives the same angles
    m = [(-x, y) for x, y in (shoulder, hip, knee, ankle)]
    assert knee_flexion(m[1], m[2], m[3], facing=-1) == pytest.approx(np.pi / 2)
    assert hip_flexion(m[0], m[1], m[2], facing=-1) == pytest.approx(np.pi / 2)
    # ...and the wrong facing flips the sign
    assert knee_flexion(m[1], m[2], m[3], facing=1) == pytest.approx(-np.pi / 2)


def test_signs_of_extension_lean_and_plantarflexion():
    # knee hyperextended 10 deg: knee behind the hip-ankle line
    a = np.radians(5)
    hip, knee, ankle = (0, 0.9), (-0.4 * np.sin(a), 0.5), (0, 0.1)
    assert knee_flexion(hip, knee, ankle) < 0
    # rear leg of a lunge: knee behind the hip -> hip extension (negative)
    assert hip_flexion((0, 1.4), (0, 0.9), (-0.25, 0.55)) < 0
    # trunk leaning forward
    assert trunk_lean((0, 0.9), (0.2, 1.35)) == pytest.approx(np.arctan2(0.2, 0.45))
    # shank vertical, toes down (heel raised): plantarflexion
    df = ankle_dorsiflexion((0, 0.5), (0, 0.1), (-0.05, 0.1), (0.15, 0.0))
    assert df == pytest.approx(-np.arctan2(0.1, 0.2))
    # shank tilted 20 deg forward over a flat foot: +20 deg dorsiflexion
    k = (0.4 * np.sin(np.radians(20)), 0.1 + 0.4 * np.cos(np.radians(20)))
    assert ankle_dorsiflexion(k, (0, 0.1), (-0.05, 0.02), (0.18, 0.02)) == pytest.approx(
        np.radians(20))


@pytest.mark.parametrize("facing", [1, -1])
def test_angles_recovered_from_constructed_lunge_postures(facing):
    rng = np.random.default_rng(7)
    n = 50
    th_s = rng.uniform(-0.3, 0.9, n)   # shank forward tilt
    th_t = rng.uniform(-1.6, 0.3, n)   # thigh (hip behind knee when negative)
    th_r = rng.uniform(-0.2, 0.8, n)   # trunk lean
    shoulder, hip, knee, ankle = _chain(th_s, th_t, th_r, ankle=(np.full(n, 0.3),
                                        np.full(n, 0.08)), facing=facing)
    P = {k: np.column_stack(v) for k, v in
         dict(shoulder=shoulder, hip=hip, knee=knee, ankle=ankle).items()}
    np.testing.assert_allclose(knee_flexion(P["hip"], P["knee"], P["ankle"], facing),
                               th_s - th_t, atol=1e-12)
    np.testing.assert_allclose(hip_flexion(P["shoulder"], P["hip"], P["knee"], facing),
                               th_r - th_t, atol=1e-12)
    np.testing.assert_allclose(trunk_lean(P["hip"], P["shoulder"], facing), th_r, atol=1e-12)
    heel = np.column_stack([0.3 - facing * 0.06 * np.ones(n), np.full(n, 0.03)])
    toe = np.column_stack([0.3 + facing * 0.17 * np.ones(n), np.full(n, 0.03)])
    assert detect_facing(heel, toe) == facing
    np.testing.assert_allclose(ankle_dorsiflexion(P["knee"], P["ankle"], heel, toe),
                               th_s, atol=1e-12)  # flat foot: dorsiflexion = shank tilt


def test_angle_input_kinds():
    idx = pd.RangeIndex(10, 13, name="frame")
    hip = pd.DataFrame({"hip_x": [0.0, 0, 0], "hip_y": [0.5, 0.5, 0.5]}, index=idx)
    knee = pd.DataFrame({"X": [0.4, 0.4, 0.4], "Y": [0.5, 0.5, 0.5]}, index=idx)
    ankle = (pd.Series([0.4, 0.4, 0.4], index=idx), pd.Series([0.0, 0, 0], index=idx))
    out = knee_flexion(hip, knee, ankle)
    assert isinstance(out, pd.Series) and out.index.equals(idx) and out.name == "knee_flexion"
    np.testing.assert_allclose(out, np.pi / 2)
    # swapped column order is recognised by name
    knee_yx = knee[["Y", "X"]]
    np.testing.assert_allclose(knee_flexion(hip, knee_yx, ankle), np.pi / 2)
    arr = knee_flexion(np.zeros((3, 2)) + [0, 0.5], np.zeros((3, 2)) + [0.4, 0.5],
                       np.zeros((3, 2)) + [0.4, 0])
    assert isinstance(arr, np.ndarray) and arr.shape == (3,)
    assert isinstance(knee_flexion((0, 0.5), (0.4, 0.5), (0.4, 0)), float)
    with pytest.raises(InputRangeError, match="shape"):
        knee_flexion(np.zeros(3), (0.4, 0.5), (0.4, 0))
    with pytest.raises(InputRangeError, match="facing"):
        knee_flexion((0, 0.5), (0.4, 0.5), (0.4, 0), facing=0)
    with pytest.raises(InputRangeError, match="frames"):
        knee_flexion(np.zeros((3, 2)), np.zeros((4, 2)), np.zeros((3, 2)))
    with pytest.raises(InputRangeError, match="heel"):
        detect_facing((0.1, 0.0), (0.1, 0.2))


def test_sagittal_angles_table():
    shoulder, hip, knee, ankle = _chain(np.array([0.3]), np.array([-1.0]), np.array([0.4]))
    pts = {"shoulder": np.column_stack(shoulder), "hip": np.column_stack(hip),
           "knee": np.column_stack(knee), "ankle": np.column_stack(ankle),
           "heel": np.array([[0.36, 0.03]]), "toe": np.array([[0.13, 0.03]])}
    # heel->toe points to -x: facing detected as -1, so the +x-built chain reads mirrored
    tab = sagittal_angles(pts, facing=1)
    assert list(tab.columns) == ["trunk_lean", "thigh_angle", "shank_angle", "hip_flexion",
                                 "knee_flexion", "ankle_dorsiflexion"]
    assert tab["knee_flexion"].iloc[0] == pytest.approx(1.3)
    assert tab["hip_flexion"].iloc[0] == pytest.approx(1.4)
    assert tab["thigh_angle"].iloc[0] == pytest.approx(-1.0)
    auto = sagittal_angles(pts)
    assert auto["knee_flexion"].iloc[0] == pytest.approx(-1.3)
    with pytest.raises(InputRangeError, match="keys"):
        sagittal_angles({"elbow": (0, 0)})


# --------------------------------------------------- real data (OpenCap subject 4)


def _sagittal(trc: pd.DataFrame, marker: str, fwd: np.ndarray) -> np.ndarray:
    p = trc[[f"{marker}_X", f"{marker}_Y", f"{marker}_Z"]].to_numpy()
    return np.column_stack([p @ fwd, p[:, 1]])


@pytest.mark.parametrize("trial", ["squats1", "STS1"])
def test_real_knee_flexion_matches_opensim_ik(trial):
    """2-D knee flexion from hip-centre, lateral knee and ankle markers vs 3-D IK."""
    trc_path, mot_path = REAL / f"{trial}.trc", REAL / f"{trial}_ik.mot"
    if not trc_path.exists() or not mot_path.exists():
        pytest.skip(f"real data not present: {REAL}")
    trc, mot = read_trc_frame(trc_path), read_mot_frame(mot_path)
    assert len(trc) == len(mot)
    # sagittal axis: horizontal pelvis direction PSIS -> ASIS (OpenSim frame: Y up)
    asis = (trc[["r.ASIS_X", "r.ASIS_Y", "r.ASIS_Z"]].to_numpy()
            + trc[["L.ASIS_X", "L.ASIS_Y", "L.ASIS_Z"]].to_numpy()) / 2
    psis = (trc[["r.PSIS_X", "r.PSIS_Y", "r.PSIS_Z"]].to_numpy()
            + trc[["L.PSIS_X", "L.PSIS_Y", "L.PSIS_Z"]].to_numpy()) / 2
    fwd = np.median(asis - psis, axis=0)
    fwd[1] = 0.0
    fwd /= np.linalg.norm(fwd)
    hip, knee, ankle = (_sagittal(trc, m, fwd) for m in ("R_HJC", "r_knee", "r_ankle"))
    heel, toe = _sagittal(trc, "r_calc", fwd), _sagittal(trc, "r_toe", fwd)
    assert detect_facing(heel, toe) == 1
    kf = knee_flexion(hip, knee, ankle)
    ik = mot["knee_angle_r"].to_numpy()  # radians, flexion positive
    assert np.ptp(ik) > np.radians(80)
    assert np.max(np.abs(kf - ik)) < np.radians(4.0)
    df = ankle_dorsiflexion(knee, ankle, heel, toe)
    assert np.corrcoef(df, mot["ankle_angle_r"])[0, 1] > 0.9
    assert np.max(np.abs(df - mot["ankle_angle_r"])) < np.radians(12.0)
