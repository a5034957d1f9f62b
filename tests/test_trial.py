"""Tests of lungelab.trial.Trial."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lungelab.errors import DataFileError, InputRangeError, MissingChannelError
from lungelab.trial import AXES, Trial


def make_trial(n: int = 11, rate: float = 100.0) -> Trial:
    t = np.arange(n) / rate
    knee = np.column_stack([t, 2 * t, np.full(n, 0.5)])
    hip = np.column_stack([np.ones(n), t**2, np.zeros(n)])
    return Trial(t, points={"RKNE": knee, "RHIP": hip},
                 analogs={"Fz": 700 + t, "Mx": -t},
                 units={"Fz": "N", "Mx": "N.m"},
                 events=[(0.05, "toe off"), (0.01, "heel strike")],
                 metadata={"subject_mass_kg": 70.0})


# ----------------------------------------------------------------- creation
def test_layout_and_units():
    trial = make_trial()
    assert trial.n_frames == 11
    assert trial.rate_hz == pytest.approx(100.0)
    assert trial.analog_rate_hz == trial.rate_hz
    assert trial.point_names == ["RKNE", "RHIP"]
    assert trial.analog_names == ["Fz", "Mx"]
    assert list(trial.points.columns.names) == ["name", "axis"]
    assert list(trial.points["RKNE"].columns) == list(AXES)
    assert trial.points.index.name == "time_s"
    assert trial.units == {"RKNE": "m", "RHIP": "m", "Fz": "N", "Mx": "N.m"}
    assert trial.events == [(0.01, "heel strike"), (0.05, "toe off")]
    assert trial.forces is trial.analogs
    assert trial.same_time_base
    np.testing.assert_array_equal(trial.point("RKNE")[:, 1], 2 * trial.time)
    np.testing.assert_array_equal(trial.analog("Fz"), 700 + trial.time)


def test_flat_and_multiindex_frames_are_equivalent():
    trial = make_trial()
    flat = pd.DataFrame({f"{n}_{a}": trial.points[(n, a)].to_numpy()
                         for n in ("RHIP", "RKNE") for a in ("z", "x", "y")})
    other = Trial(trial.time, points=flat)
    assert other.point_names == ["RHIP", "RKNE"]
    np.testing.assert_array_equal(other.point("RKNE"), trial.point("RKNE"))
    multi = Trial(points=trial.points)  # time taken from the index
    np.testing.assert_array_equal(multi.time, trial.time)
    pd.testing.assert_frame_equal(multi.points, trial.points)


def test_inputs_are_copied():
    t = np.arange(5) / 10.0
    knee = np.zeros((5, 3))
    trial = Trial(t, points={"K": knee}, metadata={"a": [1]})
    knee[:] = 9.0
    t[:] = 0.0
    assert trial.point("K").max() == 0.0
    assert trial.time[1] == 0.1
    with pytest.raises(ValueError):
        trial.time[0] = 3.0  # read-only view
    dup = trial.copy()
    dup.points.iloc[0, 0] = 5.0
    dup.metadata["a"].append(2)
    assert trial.points.iloc[0, 0] == 0.0
    assert trial.metadata == {"a": [1]}


@pytest.mark.parametrize("kwargs, match", [
    ({"points": {"K": np.zeros((4, 3))}}, "points"),
    ({"analogs": {"F": np.zeros(3)}}, "analogs"),
    ({"points": {"K": np.zeros((5, 3))}, "units": {"K": "mm"}}, "metres"),
    ({"analogs": {"F": np.zeros(5)}, "units": {"G": "N"}}, "units"),
    ({"points": {"K": np.zeros((5, 3))}, "analogs": {"K": np.zeros(5)}}, "point names"),
    ({"events": [(np.nan, "x")]}, "events"),
    ({"events": [("soon", "x")]}, "events"),
    ({"rate_hz": -1.0}, "rate_hz"),
    ({"points": pd.DataFrame({"K_x": np.zeros(5), "K_y": np.zeros(5)})}, "axis"),
    ({"points": pd.DataFrame({"Kx": np.zeros(5)})}, "NAME_x"),
])
def test_invalid_construction(kwargs, match):
    with pytest.raises(InputRangeError, match=match):
        Trial(np.arange(5) / 10.0, **kwargs)


def test_time_must_be_1d():
    with pytest.raises(InputRangeError, match="time"):
        Trial(np.zeros((2, 2)))
    with pytest.raises(InputRangeError, match="time"):
        Trial()


def test_missing_channels():
    trial = make_trial()
    with pytest.raises(MissingChannelError, match="LKNE"):
        trial.point("LKNE")
    with pytest.raises(MissingChannelError, match="Fy"):
        trial.analog("Fy")


def test_separate_analog_time_base():
    t = np.arange(3) / 100.0
    ta = np.arange(30) / 1000.0
    trial = Trial(t, points={"K": np.zeros((3, 3))}, analogs={"Fz": np.arange(30.0)},
                  analog_time=ta, units={"Fz": "N"})
    assert not trial.same_time_base
    assert trial.analog_rate_hz == pytest.approx(1000.0)
    wide = trial.to_wide()
    assert len(wide) == 30  # union of the time bases
    assert wide["K_x"].notna().sum() == 3
    part = trial.slice_time(0.0, 0.015)
    assert part.n_frames == 2 and len(part.analog_time) == 16
    assert "@ 1000 Hz" in repr(trial)


# --------------------------------------------------------------- transforms
def test_slice_time_is_inclusive_and_filters_events():
    trial = make_trial()
    part = trial.slice_time(0.02, 0.05)
    np.testing.assert_allclose(part.time, [0.02, 0.03, 0.04, 0.05])
    assert part.events == [(0.05, "toe off")]
    assert part.units == trial.units
    assert trial.n_frames == 11
    with pytest.raises(InputRangeError):
        trial.slice_time(0.5, 0.1)


def test_wide_round_trip():
    trial = make_trial()
    wide = trial.to_wide()
    assert list(wide.columns[:3]) == ["RKNE_x", "RKNE_y", "RKNE_z"]
    back = Trial.from_wide(wide, units={"Fz": "N", "Mx": "N.m"})
    assert back.point_names == trial.point_names
    pd.testing.assert_frame_equal(back.points, trial.points)
    pd.testing.assert_frame_equal(back.analogs, trial.analogs)


def test_long_form():
    trial = make_trial()
    long = trial.to_long()
    assert list(long.columns) == ["time", "channel", "component", "value", "unit"]
    assert len(long) == 11 * (6 + 2)
    knee_z = long[(long.channel == "RKNE") & (long.component == "z")]
    assert knee_z["value"].eq(0.5).all() and knee_z["unit"].eq("m").all()
    fz = long[long.channel == "Fz"]
    assert fz["component"].eq("").all() and fz["unit"].eq("N").all()
    np.testing.assert_array_equal(fz["time"], trial.time)


# ---------------------------------------------------------------- fill gaps
def gappy(values: np.ndarray, gap: slice) -> Trial:
    t = np.arange(len(values)) / 100.0
    x = values.copy()
    x[gap] = np.nan
    return Trial(t, points={"K": np.column_stack([x, x, x])}, analogs={"F": x},
                 metadata={"source": "gappy.c3d"})


@pytest.mark.parametrize("method, degree", [("linear", 1), ("cubic", 3)])
def test_fill_gaps_is_exact_for_polynomials(method, degree):
    t = np.arange(40) / 100.0
    truth = 1.0 + t + 3 * t**degree
    trial = gappy(truth, slice(10, 15))
    filled = trial.fill_gaps(0.06, method=method)
    np.testing.assert_allclose(filled.point("K")[:, 0], truth, rtol=1e-12)
    np.testing.assert_allclose(filled.analog("F"), truth, rtol=1e-12)
    assert np.isnan(trial.analog("F")[12])  # original untouched


def test_fill_gaps_refuses_long_gaps():
    trial = gappy(np.linspace(0, 1, 40), slice(10, 20))
    with pytest.raises(DataFileError) as info:
        trial.fill_gaps(0.05)
    message = str(info.value)
    assert "gappy.c3d" in message and "'K_x'" in message
    assert "from 0.1 s to 0.19 s" in message and "10 missing samples" in message
    assert trial.fill_gaps(0.11).check() is not None


def test_fill_gaps_edges():
    trial = gappy(np.linspace(0, 1, 20), slice(0, 3))
    kept = trial.fill_gaps(1.0)
    assert np.isnan(kept.analog("F")[:3]).all()
    with pytest.raises(DataFileError, match="start of the trial"):
        trial.fill_gaps(1.0, edges="raise")


@pytest.mark.parametrize("kwargs", [{"max_gap_s": -1}, {"max_gap_s": np.nan},
                                    {"max_gap_s": 0.1, "method": "spline"},
                                    {"max_gap_s": 0.1, "edges": "fill"}])
def test_fill_gaps_arguments(kwargs):
    with pytest.raises(InputRangeError):
        make_trial().fill_gaps(**kwargs)


# -------------------------------------------------------------------- check
def test_check_passes_and_chains():
    trial = make_trial()
    assert trial.check() is trial


@pytest.mark.parametrize("time, match", [
    ([0.0, 0.1, 0.1, 0.3], "duplicated frame"),
    ([0.0, 0.2, 0.1, 0.3], "not monotonic"),
    ([0.0, np.nan, 0.2, 0.3], "not finite"),
])
def test_check_time(time, match):
    trial = Trial(time, analogs={"F": np.zeros(4)}, metadata={"source": "x.mot"})
    with pytest.raises(DataFileError, match=match) as info:
        trial.check()
    assert str(info.value).startswith("x.mot")


def test_check_nan_and_inf():
    trial = gappy(np.linspace(0, 1, 20), slice(5, 7))
    with pytest.raises(DataFileError, match=r"'K_x' has a NaN gap from 0.05 s to 0.06 s"):
        trial.check()
    assert trial.check(allow_nan=True) is trial
    bad = Trial(np.arange(3.0), analogs={"F": [0.0, np.inf, 1.0]})
    with pytest.raises(DataFileError, match="infinite"):
        bad.check(allow_nan=True)
