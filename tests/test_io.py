"""Tests of lungelab.io: real data files, round trips, malformed files, atomic writes."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

import lungelab.io as lio
from lungelab.errors import DataFileError, InputRangeError, MissingChannelError
from lungelab.io import DataLossWarning
from lungelab.trial import Trial

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
WINTER = REAL / "bmc-winter-isb"
OPENCAP = REAL / "opencap-subject4-squat-sts"
GAIT = REAL / "opensim-gait-subject01"
REAL_FILES = sorted(p for p in REAL.glob("*/*") if p.suffix != ".md")


def same_trial(a: Trial, b: Trial, *, rtol: float = 0.0, atol: float = 0.0,
               time_atol: float = 0.0, metadata: bool = True) -> None:
    """Assert two trials hold the same data (exactly by default)."""
    assert a.point_names == b.point_names
    assert a.analog_names == b.analog_names
    assert a.units == b.units
    np.testing.assert_allclose(b.time, a.time, rtol=0, atol=time_atol)
    np.testing.assert_allclose(b.analog_time, a.analog_time, rtol=0, atol=time_atol)
    for x, y in ((a.points.to_numpy(), b.points.to_numpy()),
                 (a.analogs.to_numpy(), b.analogs.to_numpy())):
        if rtol == 0 and atol == 0:
            np.testing.assert_array_equal(y, x)
        else:
            np.testing.assert_allclose(y, x, rtol=rtol, atol=atol)
    if metadata:
        strip = ("source", "format")
        assert ({k: v for k, v in a.metadata.items() if k not in strip}
                == {k: v for k, v in b.metadata.items() if k not in strip})


@pytest.fixture(scope="module")
def real():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return {p.name: lio.read(p) for p in REAL_FILES}


# ------------------------------------------------------------------ real data
def test_every_real_file_is_present_and_read(real):
    assert len(REAL_FILES) == 15
    for folder in ("bmc-winter-isb", "opencap-subject4-squat-sts", "opensim-gait-subject01"):
        assert (REAL / folder / "SOURCE.md").is_file()
    for name, trial in real.items():
        assert trial.n_frames > 0, name
        assert trial.metadata["source"].endswith(name)
        trial.check(allow_nan=True)


# name: (frames, rate, points, analogs)
SHAPES = {
    "Gait.c3d": (487, 100.0, 33, 28 + 18),
    "WinterTableA1.txt": (106, 105 / 1.501, 8, 0),
    "wn35b.txt": (106, 105 / 1.5015, 8, 0),
    "squats1.trc": (1346, 100.0, 51, 0),
    "STS1.trc": (1399, 100.0, 51, 0),
    "squats1_grf.mot": (1346, 100.0, 0, 27),
    "STS1_grf.mot": (1399, 100.0, 0, 27),
    "squats1_ik.mot": (1346, 100.0, 0, 33),
    "STS1_ik.mot": (1399, 100.0, 0, 33),
    "subject01_walk1.trc": (151, 60.0, 41, 0),
    "subject01_walk1_grf.mot": (1501, 600.0, 0, 18),
    "gait10dof18musc_subject01_walk_IK.mot": (151, 60.0, 0, 10),
    "gait10dof18musc_subject01_walk_ID.sto": (151, 60.0, 0, 10),
    "gait2354_subject01_walk1_ik.mot": (73, 60.0, 0, 23),
    "gait2354_inverse_dynamics.sto": (73, 60.0, 0, 23),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_real_file_shapes(real, name):
    frames, rate, n_points, n_analogs = SHAPES[name]
    trial = real[name]
    assert trial.n_frames == frames
    assert trial.rate_hz == pytest.approx(rate, rel=1e-3)
    assert len(trial.point_names) == n_points
    assert len(trial.analog_names) == n_analogs
    assert all(trial.units[p] == "m" for p in trial.point_names)


def test_gait_c3d(real):
    trial = real["Gait.c3d"]
    assert trial.analog_rate_hz == 1000.0 and len(trial.analog_time) == 4870
    assert not trial.same_time_base
    assert trial.time[0] == 0.0 and trial.time[-1] == pytest.approx(4.86)
    # duplicated labels made unique, mm -> m
    assert trial.point_names[22] == "RKNE_2"
    assert trial.metadata["point_descriptions"]["RKNE_2"] == "R.Knee.Medial"
    assert 0.85 < np.nanmedian(trial.point("RASI")[:, 2]) < 0.95  # pelvis height in m
    assert trial.units["F1X"] == "N" and trial.units["M1X"] == "Nmm"
    assert trial.units["LREC"] == "V"
    assert trial.units["FP1_Fz"] == "N" and trial.units["FP1_COPx"] == "m"
    assert trial.units["FP2_Tz"] == "N.m"
    assert trial.metadata["manufacturer"] == "Motion Analysis Corp."
    assert [p["type"] for p in trial.metadata["force_platforms"]] == [4, 4]
    # vertical GRF on the subject is positive (Z up), peaks about 1.1-1.2 body weight
    assert np.nanmax(trial.analog("FP1_Fz")) == pytest.approx(798.657, abs=0.01)
    assert np.nanmax(trial.analog("FP2_Fz")) == pytest.approx(855.402, abs=0.01)
    for k, plate in enumerate(trial.metadata["force_platforms"], start=1):
        corners = np.asarray(plate["corners_m"])
        stance = trial.analog(f"FP{k}_Fz") > 100.0
        assert stance.sum() > 400
        for axis, col in (("x", 0), ("y", 1)):
            cop = trial.analog(f"FP{k}_COP{axis}")[stance]
            assert np.all(cop > corners[:, col].min() - 0.05)
            assert np.all(cop < corners[:, col].max() + 0.05)
        unloaded = trial.analog(f"FP{k}_Fz") < 5.0
        assert np.isnan(trial.analog(f"FP{k}_COPx")[unloaded]).all()


def test_gait_c3d_force_plates_agree_with_ezc3d(real):
    ezc3d = pytest.importorskip("ezc3d")
    ref = ezc3d.c3d(str(WINTER / "Gait.c3d"), extract_forceplat_data=True)
    trial = real["Gait.c3d"]
    for k, plate in enumerate(ref["data"]["platform"], start=1):
        force = np.vstack([trial.analog(f"FP{k}_F{a}") for a in "xyz"])
        np.testing.assert_allclose(force, plate["force"], atol=1e-9)
        cop = np.vstack([trial.analog(f"FP{k}_COP{a}") for a in "xyz"])
        ok = ~np.isnan(cop[0])
        np.testing.assert_allclose(cop[:, ok], plate["center_of_pressure"][:, ok] / 1000,
                                   atol=1e-9)


def test_winter_tables(real):
    a1, b = real["WinterTableA1.txt"], real["wn35b.txt"]
    assert a1.point_names[:2] == ["RIB CAGE", "RIGHT HIP"]
    assert b.point_names == ["Shoulder", "Hip", "Tib.Epic.", "Knee", "Ankle", "Heel", "Ball",
                             "Toes"]
    np.testing.assert_allclose(a1.point("RIB CAGE")[0], [0.4698, 1.0441, 0.0])
    np.testing.assert_allclose(b.point("Shoulder")[0], [0.4712906, 1.047275, 0.0])
    assert a1.time[-1] == 1.501 and b.time[-1] == 1.5015
    assert a1.metadata["planar"] and b.metadata["file_units"] == "cm"
    # both tables describe the same stride in metres (wn35b's "cm" line is wrong)
    np.testing.assert_allclose(b.point("Hip")[0, :2], a1.point("RIGHT HIP")[0, :2], atol=0.01)
    assert np.all(b.points.xs("z", level="axis", axis=1).to_numpy() == 0.0)
    cm = lio.read_winter(WINTER / "wn35b.txt", length_unit="cm")
    np.testing.assert_allclose(cm.point("Hip"), b.point("Hip") / 100)


def test_trc_files(real):
    squats = real["squats1.trc"]
    np.testing.assert_array_equal(squats.point("C7")[0], [-0.278799, 1.46173, -0.61037])
    assert squats.metadata["file_units"] == "m" and squats.metadata["first_frame"] == 1
    walk = real["subject01_walk1.trc"]
    np.testing.assert_allclose(walk.point("R.ASIS")[0], [0.61724762, 1.05527502, 0.17078198],
                               rtol=1e-12)
    assert walk.metadata["file_units"] == "mm"
    assert walk.time[1] == 0.017


def test_opencap_grf_and_ik(real):
    grf = real["squats1_grf.mot"]
    assert grf.units["ground_force_1_vy"] == "N"
    assert grf.units["ground_force_1_px"] == "m"
    assert grf.units["ground_force_1_mx"] == "N.m"
    vertical = grf.analog("ground_force_1_vy") + grf.analog("ground_force_2_vy")
    assert vertical.mean() == pytest.approx(590, abs=5)  # body weight, SOURCE.md
    assert grf.analog("ground_force_1_vy").max() == pytest.approx(418.4, abs=0.1)
    assert grf.analog("ground_force_2_vy").max() == pytest.approx(388.6, abs=0.1)
    assert not np.any(grf.analogs.filter(like="ground_force_3_").to_numpy())
    ik = real["squats1_ik.mot"]
    assert ik.units["knee_angle_r"] == "rad" and ik.units["pelvis_tx"] == "m"
    assert ik.metadata["in_degrees"] is False and ik.metadata["name"] == "Coordinates"
    knee = np.degrees(ik.analog("knee_angle_r"))
    assert knee.min() == pytest.approx(4.3, abs=0.5) and knee.max() == pytest.approx(99, abs=1)


def test_opensim_gait(real):
    grf = real["subject01_walk1_grf.mot"]
    assert grf.units["1_ground_force_vy"] == "N"
    assert grf.units["ground_torque_x"] == "N.m" and grf.units["ground_force_pz"] == "m"
    assert grf.time[-1] == 2.5
    assert grf.analog("ground_force_vy")[0] == 745.4661142
    ik = real["gait10dof18musc_subject01_walk_IK.mot"]
    assert ik.units["knee_angle_r"] == "deg" and ik.units["pelvis_ty"] == "m"
    assert ik.analog("knee_angle_r")[0] == -5.12860733
    ik3d = real["gait2354_subject01_walk1_ik.mot"]
    assert ik3d.time[0] == 0.4 and ik3d.time[-1] == pytest.approx(1.6)
    assert ik3d.analog("knee_angle_r")[0] == -55.24623342  # SOURCE.md: -55 deg at 0.4 s
    ident = real["gait10dof18musc_subject01_walk_ID.sto"]
    assert ident.units["hip_flexion_r_moment"] == "N.m"
    assert ident.units["pelvis_tx_force"] == "N"
    assert ident.analog("ankle_angle_r_moment")[0] == -122.88720153
    assert real["gait2354_inverse_dynamics.sto"].units["knee_angle_r_moment"] == "N.m"


# ---------------------------------------------------------------- round trips
@pytest.mark.parametrize("name", [p.name for p in REAL_FILES])
def test_real_csv_round_trip_is_exact(real, tmp_path, name):
    trial = real[name]
    back = lio.read(lio.write(trial, tmp_path / "copy.csv"))
    same_trial(trial, back)
    assert back.events == trial.events
    assert back.rate_hz == trial.rate_hz and back.analog_rate_hz == trial.analog_rate_hz


@pytest.mark.parametrize("name", [p.name for p in REAL_FILES])
def test_real_mot_round_trip_is_exact(real, tmp_path, name):
    trial = real[name]
    path = tmp_path / "copy.mot"
    if trial.same_time_base:
        same_trial(trial, lio.read(lio.write(trial, path)))
    else:  # C3D: 100 Hz points and 1000 Hz analogs cannot share one table
        with pytest.warns(DataLossWarning, match="trc"):
            lio.write(trial, path)
        back = lio.read(path)
        assert back.point_names == []
        np.testing.assert_array_equal(back.analogs.to_numpy(), trial.analogs.to_numpy())
        np.testing.assert_array_equal(back.time, trial.analog_time)


@pytest.mark.parametrize("name", [p.name for p in REAL_FILES if p.suffix in (".trc", ".txt",
                                                                             ".c3d")])
@pytest.mark.parametrize("units", ["m", "mm"])
def test_real_trc_round_trip(real, tmp_path, name, units):
    trial = real[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)
        back = lio.read(lio.write(trial, tmp_path / "copy.trc", units=units))
    assert back.point_names == trial.point_names
    np.testing.assert_array_equal(back.time, trial.time)
    if units == "m":
        np.testing.assert_array_equal(back.points.to_numpy(), trial.points.to_numpy())
    else:
        np.testing.assert_allclose(back.points.to_numpy(), trial.points.to_numpy(),
                                   rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", [p.name for p in REAL_FILES])
def test_real_c3d_round_trip_float32(real, tmp_path, name):
    trial = real[name]
    back = lio.read(lio.write(trial, tmp_path / "copy.c3d"))
    scale = np.nanmax(np.abs(trial.analogs.to_numpy()), initial=1.0)
    assert back.point_names == trial.point_names
    assert back.analog_names == trial.analog_names
    assert back.units == trial.units
    assert back.rate_hz == pytest.approx(trial.rate_hz)
    # C3D has a uniform clock: files whose times were rounded to 1 ms move slightly
    np.testing.assert_allclose(back.time, trial.time, atol=0.1 / trial.rate_hz)
    np.testing.assert_allclose(back.points.to_numpy(), trial.points.to_numpy(), atol=1e-6)
    np.testing.assert_allclose(back.analogs.to_numpy(), trial.analogs.to_numpy(),
                               rtol=1e-6, atol=1e-6 * scale)


def synthetic(separate: bool = True) -> Trial:
    rate, arate = 100.0, (1000.0 if separate else 100.0)
    t = 0.5 + np.arange(20) / rate
    ta = 0.5 + np.arange(20 * int(arate / rate)) / arate
    rng = np.random.default_rng(0)
    knee = rng.normal(size=(20, 3))
    knee[3:5] = np.nan
    return Trial(
        t, points={"Genou_é": knee, "R KNE": rng.normal(size=(20, 3)) * 1e-3},
        analogs={"Fz": rng.normal(size=len(ta)) * 700, "EMG [raw]": np.full(len(ta), 1e-300),
                 "angle": np.linspace(-3.0, 3.0, len(ta))},
        analog_time=ta if separate else None,
        units={"Fz": "N", "angle": "deg"},
        events=[(0.52, "Left Foot Strike"), (0.61, "Right Foot Off"), (0.6, "note, with comma")],
        rate_hz=rate, analog_rate_hz=arate,
        metadata={"subject_mass_kg": 61.5, "subject_height_m": 1.68, "trial": {"id": 3}},
    )


@pytest.mark.parametrize("separate", [True, False])
def test_synthetic_csv_round_trip(tmp_path, separate):
    trial = synthetic(separate)
    back = lio.read(lio.write(trial, tmp_path / "s.csv"))
    same_trial(trial, back)
    assert back.events == trial.events and back.same_time_base == trial.same_time_base
    assert back.rate_hz == trial.rate_hz and back.analog_rate_hz == trial.analog_rate_hz


@pytest.mark.parametrize("ext", [".mot", ".sto"])
def test_synthetic_mot_round_trip(tmp_path, ext):
    trial = synthetic(separate=False)
    back = lio.read(lio.write(trial, tmp_path / f"s{ext}"))
    same_trial(trial, back)
    assert back.events == trial.events and back.rate_hz == trial.rate_hz
    text = (tmp_path / f"s{ext}").read_text(encoding="utf-8")
    assert "inDegrees=yes" in text and "\nendheader\n" in text


def test_synthetic_c3d_round_trip(tmp_path):
    trial = synthetic(separate=True)
    back = lio.read(lio.write(trial, tmp_path / "s.c3d"))
    assert back.point_names == trial.point_names and back.analog_names == trial.analog_names
    assert back.units == trial.units
    np.testing.assert_allclose(back.time, trial.time, atol=1e-12)
    np.testing.assert_allclose(back.analog_time, trial.analog_time, atol=1e-12)
    np.testing.assert_allclose(back.points.to_numpy(), trial.points.to_numpy(), atol=1e-6)
    assert np.isnan(back.point("Genou_é")[3:5]).all()
    np.testing.assert_allclose(back.analogs.to_numpy(), trial.analogs.to_numpy(), rtol=1e-6,
                               atol=1e-30)  # float32: 1e-300 underflows to 0
    assert [n for _, n in back.events] == [n for _, n in trial.events]
    np.testing.assert_allclose([t for t, _ in back.events], [t for t, _ in trial.events],
                               atol=1e-6)
    assert back.metadata["subject_mass_kg"] == pytest.approx(61.5)
    assert back.metadata["subject_height_m"] == pytest.approx(1.68)


def test_trc_drops_analogs_with_warning(tmp_path):
    with pytest.warns(DataLossWarning, match="analog channels and events"):
        lio.write(synthetic(), tmp_path / "s.trc")


def test_utf16_and_crlf_files_are_read(tmp_path):
    text = "time\tknee_angle_r\n0\t1\n0.01\t2\n"
    header = "Coordinates\r\nversion=1\r\nnRows=2\r\nnColumns=2\r\ninDegrees=yes\r\nendheader\r\n"
    path = tmp_path / "u16.mot"
    path.write_bytes((header + text.replace("\n", "\r\n")).encode("utf-16"))
    trial = lio.read(path)
    np.testing.assert_array_equal(trial.analog("knee_angle_r"), [1.0, 2.0])
    assert trial.units["knee_angle_r"] == "deg"


def test_old_mot_layouts(tmp_path):
    simm = tmp_path / "simm.mot"
    simm.write_text("name walk\ndatacolumns 3\ndatarows 2\nrange 0 0.01\nendheader\n"
                    "time ground_force_vy r_knee\n0 700 1.5\n0.01 -1.#IND 1.6\n")
    trial = lio.read(simm)
    assert trial.units == {"ground_force_vy": "N", "r_knee": ""}
    assert np.isnan(trial.analog("ground_force_vy")[1])
    sto = tmp_path / "old.sto"
    sto.write_text("Results\nnRows=2\nnColumns=2\nendheader\ntime\tknee_angle_r_moment\n"
                   "0.0\t1.0\n0.1\t2.0\n")
    assert lio.read(sto).units == {"knee_angle_r_moment": "N.m"}


# ------------------------------------------------------- writers: refusals
def test_writer_refusals(tmp_path):
    t = np.array([0.0, 0.01, 0.03])
    uneven = Trial(t, points={"K": np.zeros((3, 3))})
    with pytest.raises(InputRangeError, match="uniform"):
        lio.write(uneven, tmp_path / "u.c3d")
    odd = Trial(np.arange(4) / 100, points={"K": np.zeros((4, 3))},
                analogs={"F": np.zeros(6)}, analog_time=np.arange(6) / 150)
    with pytest.raises(InputRangeError, match="integer multiple"):
        lio.write(odd, tmp_path / "o.c3d")
    with pytest.raises(InputRangeError, match="tab"):
        lio.write(Trial(np.arange(2.0), points={"A\tB": np.zeros((2, 3))}), tmp_path / "x.trc")
    with pytest.raises(InputRangeError, match="time"):
        lio.write(Trial(np.arange(2.0), analogs={"time": [1, 2]}), tmp_path / "x.mot")
    with pytest.raises(InputRangeError, match="samples"):
        lio.write(Trial(np.array([])), tmp_path / "x.csv")
    with pytest.raises(InputRangeError, match="Trial"):
        lio.write("not a trial", tmp_path / "x.csv")
    assert sorted(os.listdir(tmp_path)) == []


@pytest.mark.parametrize("name", ["x.xyz", "noext", "x.txt"])
def test_unknown_extension(tmp_path, name):
    with pytest.raises(DataFileError, match="unknown file extension") as info:
        lio.write(synthetic(), tmp_path / name)
    assert name in str(info.value)
    if name != "x.txt":
        with pytest.raises(DataFileError, match=name):
            lio.read(tmp_path / name)


def test_missing_file_and_directory(tmp_path):
    for ext in (".c3d", ".trc", ".mot", ".csv", ".txt"):
        with pytest.raises(DataFileError, match="file not found"):
            lio.read(tmp_path / f"none{ext}")
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(DataFileError, match="directory"):
        lio.read(tmp_path / "d.csv")
    with pytest.raises(DataFileError, match="directory does not exist"):
        lio.write(synthetic(), tmp_path / "nowhere" / "x.csv")


# ------------------------------------------------------------ atomic writes
@pytest.mark.parametrize("ext", [".csv", ".mot", ".trc", ".c3d"])
def test_failed_write_keeps_old_file(tmp_path, monkeypatch, ext):
    target = tmp_path / f"keep{ext}"
    target.write_bytes(b"old content")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    trial = synthetic(separate=ext in (".csv", ".c3d"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataLossWarning)
        with pytest.raises(DataFileError, match="No space left") as info:
            lio.write(trial, target)
    assert str(target) in str(info.value)
    assert target.read_bytes() == b"old content"
    assert sorted(os.listdir(tmp_path)) == [target.name]


def test_ezc3d_failure_is_wrapped(tmp_path, monkeypatch):
    ezc3d = pytest.importorskip("ezc3d")

    def broken(self, path, **kwargs):
        Path(path).write_bytes(b"half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ezc3d.c3d, "write", broken)
    with pytest.raises(DataFileError, match="disk on fire"):
        lio.write(synthetic(), tmp_path / "x.c3d")
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------- malformed files
TRC = (
    "PathFileType\t4\t(X/Y/Z)\tsmall.trc\n"
    "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\t"
    "OrigNumFrames\n"
    "100\t100\t3\t2\tmm\t100\t1\t3\n"
    "Frame#\tTime\tRKNE\t\t\tLKNE\t\t\n"
    "\t\tX1\tY1\tZ1\tX2\tY2\tZ2\n"
    "\n"
    "1\t0.00\t1\t2\t3\t4\t5\t6\n"
    "2\t0.01\t1\t2\t3\t4\t5\t6\n"
    "3\t0.02\t1\t2\t3\t\t\t\n"
)
MOT = ("Coordinates\nversion=1\nnRows=3\nnColumns=3\ninDegrees=yes\nendheader\n"
       "time\tknee_angle_r\tpelvis_tx\n0.0\t1.0\t0.5\n0.01\t2.0\t0.5\n0.02\t3.0\t0.5\n")
CSV = ('# lungelab-csv: 1\n# rate_hz: 100.0\n# points: ["K"]\n# rows: 3\n'
       "time_s,K_x [m],K_y [m],K_z [m],Fz [N]\n"
       "0.0,1,2,3,700\n0.01,1,2,3,701\n0.02,1,2,3,nan\n")
WIN = ("'FRAME' 'TIME' 'HIP' 'KNEE'\n'N' 'S' 'X' 'Y' 'X' 'Y'\n"
       "1 0 1.0 2.0 3.0 4.0\n2 0.014 1.1 2.1 3.1 4.1\n")


def _cut_last_line(text: str) -> str:
    return text[:text.rstrip("\n").rfind("\n") + 1]


# (file name, content, error type, message fragment, line)
BAD = [
    # --- TRC
    ("a.trc", "", DataFileError, "file is empty", None),
    ("a.trc", " \n\t\n", DataFileError, "file is empty", None),
    ("a.trc", TRC[:150], DataFileError, "truncated TRC header", None),
    ("a.trc", _cut_last_line(TRC), DataFileError, "NumFrames=3 but the file has 2", None),
    ("a.trc", TRC[:-6], DataFileError, "expected 8 tab-separated fields", 9),
    ("a.trc", TRC.replace("PathFileType", "Hello"), DataFileError, "PathFileType", 1),
    ("a.trc", TRC.replace("\tUnits", "\tUnitz"), DataFileError, "'Units'", 2),
    ("a.trc", TRC.replace("\tmm\t", "\tfurlong\t"), DataFileError, "unknown length unit", 3),
    ("a.trc", TRC.replace("100\t100\t3", "fast\t100\t3"), DataFileError, "'fast'", 3),
    ("a.trc", TRC.replace("\t3\t2\tmm", "\t3\t3\tmm"), DataFileError, "NumMarkers=3", 4),
    ("a.trc", TRC.replace("Frame#", "Image"), MissingChannelError, "'Frame#' and 'Time'", 4),
    ("a.trc", TRC.replace("2\t0.01\t1\t2", "2\t0.01\tabc\t2"), DataFileError,
     "expected a number, found 'abc'", 8),
    ("a.trc", TRC.replace("2\t0.01", "2\tnan"), DataFileError, "NaN is not allowed", 8),
    ("a.trc", TRC.replace("2\t0.01\t1", "2\t0.01\tinf"), DataFileError, "non-finite", 8),
    ("a.trc", TRC.replace("2\t0.01\t1", "2\t0.01\t1e999"), DataFileError, "overflows", 8),
    ("a.trc", TRC.replace("2\t0.01", "2\t0.03"), DataFileError, "not increasing", 9),
    ("a.trc", TRC.replace("3\t0.02", "3\t0.01"), DataFileError, "duplicated frame", 9),
    ("a.trc", TRC.replace("2\t0.01", "1\t0.01"), DataFileError, "frame numbers", 8),
    ("a.trc", TRC.replace("RKNE", "Genou_\xe9").encode("latin-1"), DataFileError,
     "not valid UTF-8", 4),
    ("a.trc", bytes(range(256)) * 4, DataFileError, "not valid UTF-8", None),
    ("a.trc", TRC.replace("\n\n", "\n\x00\n"), DataFileError, "NUL", 6),
    # --- MOT / STO
    ("a.mot", "", DataFileError, "file is empty", None),
    ("a.mot", MOT.replace("endheader\n", ""), DataFileError, "no 'endheader'", None),
    ("a.mot", MOT[:MOT.index("time")], DataFileError, "no column labels", None),
    ("a.mot", _cut_last_line(MOT), DataFileError, "nRows=3 but the file has 2", None),
    ("a.mot", MOT[:-5], DataFileError, "expected 3 fields", 10),
    ("a.mot", MOT.replace("nColumns=3", "nColumns=4"), DataFileError, "4 columns", 7),
    ("a.mot", MOT.replace("nRows=3", "nRows=three"), DataFileError, "'three'", 3),
    ("a.mot", MOT.replace("yes", "maybe"), DataFileError, "inDegrees", 5),
    ("a.mot", MOT.replace("time\t", "frame\t"), MissingChannelError, "'time'", 7),
    ("a.mot", MOT.replace("pelvis_tx", "knee_angle_r"), DataFileError, "duplicated column", 7),
    ("a.mot", MOT.replace("0.01\t2.0", "0.01\tx2.0"), DataFileError, "'x2.0'", 9),
    ("a.sto", MOT.replace("0.01\t2.0", "nan\t2.0"), DataFileError, "NaN is not allowed", 9),
    ("a.sto", MOT.replace("0.01\t2.0", "0.0\t2.0"), DataFileError, "duplicated frame", 9),
    ("a.sto", MOT.replace("0.01\t2.0", "-0.01\t2.0"), DataFileError, "not increasing", 9),
    ("a.mot", MOT.replace("inDegrees=yes", "lungelab={bad json"), DataFileError,
     "invalid JSON", 5),
    ("a.mot", MOT.replace("inDegrees=yes", 'lungelab={"points": ["K"]}'),
     MissingChannelError, "'K_x'", 7),
    ("a.mot", MOT.replace("inDegrees=yes", 'lungelab={"events": [[1, 2]]}'), DataFileError,
     "bad event", 5),
    ("a.mot", MOT.encode("utf-16-le"), DataFileError, "NUL", None),
    # --- CSV
    ("a.csv", "", DataFileError, "file is empty", None),
    ("a.csv", CSV.replace("time_s,", "t,"), MissingChannelError, "'time_s'", 5),
    ("a.csv", CSV.replace(",K_z [m]", ",Kz [m]"), MissingChannelError, "'K_z'", 5),
    ("a.csv", CSV.replace("# rows: 3", "# rows: [3"), DataFileError, "invalid JSON", 4),
    ("a.csv", CSV.replace("# rows: 3", "# rows 3"), DataFileError, "'# key: value'", 4),
    ("a.csv", _cut_last_line(CSV), DataFileError, "rows=3 but the file has 2", None),
    ("a.csv", CSV.replace("0.01,1,2,3,701", "0.01,1,2,3"), DataFileError,
     "expected 5 comma-separated fields, found 4", 7),
    ("a.csv", CSV.replace("701", "seven"), DataFileError, "'seven'", 7),
    ("a.csv", CSV.replace("701", "-inf"), DataFileError, "non-finite", 7),
    ("a.csv", CSV.replace("0.01,", "0.0,"), DataFileError, "duplicated frame", 7),
    ("a.csv", CSV.replace("lungelab-csv: 1", "lungelab-csv: 2"), DataFileError,
     "schema version", 1),
    ("a.csv", CSV.replace("K_z [m]", "K_z [N]"), DataFileError, "length unit", 5),
    ("a.csv", CSV.replace("100.0", "-5"), DataFileError, "positive", 2),
    ("a.csv", CSV.replace("# rows: 3\n", "# rows: 3\n# analog_rate_hz: 1000\n")
     .replace("0.01,1,2,3,701", "0.01,1,,3,701"), DataFileError, "stream", 8),
    ("a.csv", CSV.replace("Fz [N]", "K_x [N]"), DataFileError, "duplicated column", 5),
    # --- Winter tables
    ("a.txt", "hello world\n1 2 3\n", DataFileError, "unrecognised layout", 1),
    ("a.txt", WIN.replace("'Y' 'X' 'Y'", "'Y'"), DataFileError, "axis line", 2),
    ("a.txt", WIN.replace("3.1 4.1", "3.1"), DataFileError, "expected 6", 4),
    ("a.txt", WIN.replace("3.1", "3,1"), DataFileError, "'3,1'", 4),
    ("a.txt", WIN.replace("0.014", "0"), DataFileError, "duplicated frame", 4),
    ("a.txt", "'FRAME' 'TIME' 'HIP\n", DataFileError, "unreadable header", 1),
    # --- C3D
    ("a.c3d", b"", DataFileError, "file is empty", None),
    ("a.c3d", b"\x02P" + b"\x00" * 100, DataFileError, "truncated", None),
    ("a.c3d", TRC.encode() * 10, DataFileError, "not a C3D file", None),
    ("a.c3d", bytes(range(256)) * 8, DataFileError, "not a C3D file", None),
]


@pytest.mark.parametrize("name, content, error, fragment, line", BAD,
                         ids=[f"{b[0]}-{i}-{b[3][:20]}" for i, b in enumerate(BAD)])
def test_bad_file(tmp_path, name, content, error, fragment, line):
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(error) as info:
        lio.read(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert fragment in message, message
    if line is not None:
        assert info.value.line == line, message


@pytest.mark.parametrize("name, content", [("a.trc", TRC), ("a.mot", MOT), ("a.csv", CSV),
                                           ("a.txt", WIN)])
def test_templates_are_valid(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    trial = lio.read(path)
    assert trial.n_frames in (2, 3)
    if name == "a.trc":
        np.testing.assert_array_equal(trial.point("RKNE")[0], [0.001, 0.002, 0.003])
        assert np.isnan(trial.point("LKNE")[2]).all()
    if name == "a.csv":
        assert trial.point_names == ["K"] and np.isnan(trial.analog("Fz")[2])


def _c3d_bytes() -> bytes:
    return (WINTER / "Gait.c3d").read_bytes()


@pytest.mark.parametrize("mutate, fragment", [
    (lambda b: b[:len(b) // 2], "truncated"),
    (lambda b: b[:3000], "truncated or corrupted parameter section"),
    (lambda b: b[:515] + b"\x63" + b[516:], "processor type"),
    (lambda b: b[:600] + bytes(3000) + b[3600:], "parameter"),
    (lambda b: b"\x01" + b[1:], "parameter-section pointer"),
])
def test_bad_c3d(tmp_path, mutate, fragment):
    path = tmp_path / "broken.c3d"
    path.write_bytes(mutate(_c3d_bytes()))
    with pytest.raises(DataFileError, match=fragment) as info:
        lio.read(path)
    assert str(path) in str(info.value)


def test_invalid_reader_arguments():
    with pytest.raises(InputRangeError):
        lio.read(WINTER / "Gait.c3d", cop_threshold_n=-1)
    with pytest.raises(InputRangeError):
        lio.read(WINTER / "wn35b.txt", length_unit="inch")


# C3D parameter records, to build damaged files that used to crash ezc3d
def _c3d_records(raw: bytes) -> list[dict]:
    import struct

    start = (raw[0] - 1) * 512
    records, pos = [], start + 4
    while raw[pos] != 0:
        nchar, ident = struct.unpack_from("bb", raw, pos)
        name_end = pos + 2 + abs(nchar)
        offset = struct.unpack_from("<H", raw, name_end)[0]
        rec = {"nchar": nchar, "id": ident, "name": raw[pos + 2:name_end]}
        cur = name_end + 2
        if ident > 0:
            ptype, ndims = struct.unpack_from("bb", raw, cur)
            dims = list(raw[cur + 2:cur + 2 + ndims])
            size = abs(ptype) * int(np.prod(dims)) if dims else abs(ptype)
            cur += 2 + ndims
            rec.update(type=ptype, dims=dims, data=raw[cur:cur + size])
            cur += size
        rec["desc"] = raw[cur + 1:cur + 1 + raw[cur]]
        records.append(rec)
        if offset == 0:
            break
        pos = name_end + offset
    return records


def _c3d_rebuild(raw: bytes, records: list[dict]) -> bytes:
    import struct

    start = (raw[0] - 1) * 512
    section = bytearray()
    for rec in records:
        body = bytearray()
        if rec["id"] > 0:
            body += struct.pack("bb", rec["type"], len(rec["dims"])) + bytes(rec["dims"])
            body += rec["data"]
        body += bytes([len(rec["desc"])]) + rec["desc"]
        offset = 2 + len(body)  # the last record points at the 0 end marker
        section += struct.pack("bb", rec["nchar"], rec["id"]) + rec["name"]
        section += struct.pack("<H", offset) + body
    end = start + 512 * raw[start + 2]
    assert start + 4 + len(section) <= end
    return raw[:start + 4] + bytes(section) + bytes(end - start - 4 - len(section)) + raw[end:]


@pytest.mark.parametrize("group, param, change, fragment", [
    ("POINT", b"FRAMES", {"dims": [0], "data": b""}, "parameter has no value"),
    ("POINT", b"RATE", {"dims": [3, 0], "data": b""}, "parameter has no value"),
    ("ANALOG", b"USED", {"dims": [0], "data": b""}, "parameter has no value"),
    ("POINT", b"UNITS", {"dims": [], "data": b"m"}, "text without dimensions"),
    ("ANALOG", b"SCALE", {"dims": [1]}, "expected at least 3"),
    ("ANALOG", b"LABELS", {"type": 2, "dims": [1], "data": b"\x01\x00"}, "ANALOG:LABELS"),
    ("ROTATION", b"RATIO", {"data": b"\x00\x80"}, "out of range"),  # bad_alloc after ~40 s
])
def test_c3d_parameters_that_crash_ezc3d_are_refused(tmp_path, group, param, change, fragment):
    source = tmp_path / "ok.c3d"
    lio.write(synthetic(), source)
    raw = source.read_bytes()
    records = _c3d_records(raw)
    groups = {-r["id"]: r["name"].decode() for r in records if r["id"] < 0}
    assert _c3d_rebuild(raw, records) == raw
    target = next(r for r in records if r["id"] > 0 and groups[r["id"]] == group
                  and r["name"] == param)
    if "data" not in change:
        change = {**change, "data": target["data"][:abs(target["type"])]}
    target.update(change)
    path = tmp_path / "damaged.c3d"
    path.write_bytes(_c3d_rebuild(raw, records))
    with pytest.raises(DataFileError, match=fragment) as info:
        lio.read(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("title", ["endheader", "datarows 5", "nRows=2", "", "Coordinates"])
def test_mot_title_cannot_break_the_header(tmp_path, title):
    trial = Trial(np.arange(3) / 10, analogs={"x": [1.0, 2.0, 3.0]}, metadata={"name": title})
    back = lio.read(lio.write(trial, tmp_path / "t.mot"))
    assert back.metadata["name"] == title
    np.testing.assert_array_equal(back.analog("x"), [1.0, 2.0, 3.0])
