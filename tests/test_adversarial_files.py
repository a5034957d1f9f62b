"""Adversarial files and outputs for the readers, the pipeline and ``lungelab analyze``.

Every case is generated here (small files in ``tmp_path``; the multi-GB files are
sparse, nothing is written at that size) and sorted into one of five families, whose
counts are printed in the pytest terminal summary:

* **resource bombs** -- FIFOs, ``/dev/zero``, symbolic-link loops, dangling links,
  directories, sparse multi-GB files, lines longer than the reader's bound, headers
  claiming 10^12 frames or 65535 points/columns, C3D headers and parameter blocks
  with absurd counts.  Bounded time (< 5 s each) and memory (traced peak < 64 MB),
  a :class:`~lungelab.errors.DataFileError` naming the file (and field).
* **c3d values** -- syntactically valid C3D files with impossible parameter values:
  negative frame count, analog rate 0 / NaN / negative, point rate NaN / 1e9, NaN
  scales, a wrong processor byte, NaN or absurd plate origin and corners, more plates
  used than described.  Refused naming the field, or the plate skipped with a
  :class:`~lungelab.plausibility.PlausibilityWarning`.
* **plausibility** -- readable recordings that are physically wrong: mm read as m
  and the reverse, standing still, 1-2 frames, force and marker time bases that do
  not overlap, rates contradicting the time stamps, plates never loaded or never
  under a foot, mass contradicting the plates, swapped force axes, absurd mass and
  height, a unit in a CSV header.  Refused, or warned with ``PlausibilityWarning``
  (shown on the CLI's stderr and in its report); the forces are then not used.
* **outputs** -- ``--out`` onto a directory, an unwritable folder, a missing parent,
  an input (by name, symbolic link, hard link or a TRC file's ``_grf.mot``); the
  same input twice (also as a copy); a writer failing half-way, a run killed by
  SIGTERM / SIGKILL while writing; the report writer with a planted symbolic link.
  The old file survives intact, no partial file appears, the message says so.
* **escapes** -- every bad file above through ``lungelab analyze`` in a subprocess:
  exit status 1 or 2, one line per bad file, no traceback, no RuntimeWarning; and
  through the library: only :class:`~lungelab.errors.LungelabError`.
* **api types** -- strings, lists, booleans, NaN/inf, None and numpy scalars where
  :class:`~lungelab.trial.Trial` and :func:`lungelab.pipeline.analyze_trial` expect
  numbers, arrays or mappings: InputRangeError naming the parameter.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import lungelab.io as lio
from lungelab import datasets, pipeline
from lungelab.cli import main
from lungelab.errors import DataFileError, InputRangeError, LungelabError
from lungelab.io import _common
from lungelab.plausibility import PlausibilityWarning
from lungelab.trial import Trial

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _c3d_patch as cp  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "data" / "synthetic" / "S01_backward_good.csv"
GAIT_C3D = ROOT / "data" / "real" / "bmc-winter-isb" / "Gait.c3d"
SQUAT = ROOT / "data" / "real" / "opencap-subject4-squat-sts" / "squats1.trc"

#: cases per family and outcome, printed in the terminal summary
COUNTS: Counter[tuple[str, str]] = Counter()
#: every bad file generated (for the escapes family), with its family
BAD_FILES: list[tuple[str, Path]] = []


class _Report:
    """Pytest plugin: prints the adversarial case counts."""

    def pytest_terminal_summary(self, terminalreporter):  # pragma: no cover - reporting
        if not COUNTS:
            return
        terminalreporter.section("lungelab adversarial files and outputs")
        for key in sorted({k for k, _ in COUNTS}):
            parts = ", ".join(f"{outcome} {COUNTS[(key, outcome)]}"
                              for outcome in sorted({o for k, o in COUNTS if k == key}))
            terminalreporter.write_line(f"{key:>15}: {parts}")
        terminalreporter.write_line(f"{'total':>15}: {sum(COUNTS.values())} cases")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    manager = request.config.pluginmanager
    if not any(isinstance(p, _Report) for p in manager.get_plugins()):
        manager.register(_Report(), "lungelab-adversarial-report")
    yield


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("adversarial")


def _refused(family: str, func, path: Path, *, field: str | None = None,
             match: str | None = None) -> DataFileError:
    """``func(path)`` must raise DataFileError naming ``path`` (and ``field``), in
    bounded time and memory."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            with pytest.raises(DataFileError) as info:
                func(path)
    finally:
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    exc = info.value
    assert str(path) in str(exc), str(exc)
    if field is not None:
        assert exc.field == field, str(exc)
    if match is not None:
        assert match in str(exc), str(exc)
    assert elapsed < 5.0, (path, elapsed)
    assert peak < 64 * 2**20, (path, peak)
    COUNTS[(family, "refused")] += 1
    return exc


# ================================================================ resource bombs
EXTS = (".c3d", ".trc", ".mot", ".sto", ".csv", ".txt")


def _special_files(d: Path) -> list[tuple[str, Path, str]]:
    """(kind, path, expected message part) for every extension."""
    out = []
    for ext in EXTS:
        fifo = d / f"fifo{ext}"
        os.mkfifo(fifo)
        out.append(("fifo", fifo, "named pipe"))
        zero = d / f"zero{ext}"
        zero.symlink_to("/dev/zero")
        out.append(("/dev/zero", zero, "character device"))
        a, b = d / f"loop_a{ext}", d / f"loop_b{ext}"
        a.symlink_to(b)
        b.symlink_to(a)
        out.append(("symlink loop", a, "symbolic link loop"))
        dangling = d / f"dangling{ext}"
        dangling.symlink_to(d / f"nowhere{ext}")
        out.append(("dangling link", dangling, "not found"))
        folder = d / f"folder{ext}"
        folder.mkdir()
        out.append(("directory", folder, "directory"))
        sparse = d / f"sparse{ext}"
        with open(sparse, "wb") as fh:          # 5 GB apparent size, no blocks written
            fh.truncate(5 * 2**30)
        out.append(("5 GB sparse file", sparse, "limit"))
    return out


def test_special_and_huge_files_are_refused_without_reading(work):
    d = work / "special"
    d.mkdir()
    cases = _special_files(d)
    for _kind, path, expect in cases:
        for reader in (lio.read, datasets.read_any):
            _refused("resource bombs", reader, path, match=expect)
        BAD_FILES.append(("resource bombs", path))
    assert len(cases) == 6 * len(EXTS)


def test_long_line_and_size_bounds(work, monkeypatch):
    """A line beyond MAX_LINE_BYTES and a file beyond MAX_FILE_BYTES, generated at the
    bound (the limits are lowered so that nothing big is written; the same code path
    guards the real 4 MiB / 256 MiB bounds)."""
    d = work / "bounds"
    d.mkdir()
    monkeypatch.setattr(_common, "MAX_LINE_BYTES", 4096)
    monkeypatch.setattr(_common, "MAX_FILE_BYTES", 64 * 1024)
    for ext in (".trc", ".mot", ".sto", ".csv", ".txt"):
        long_line = d / f"long_line{ext}"
        long_line.write_bytes(b"time\n" + b"1" * 4097 + b"\n")
        exc = _refused("resource bombs", lio.read, long_line, match="MAX_LINE_BYTES")
        assert exc.line == 2
        ok_line = d / f"ok_line{ext}"                 # exactly at the bound: not this error
        ok_line.write_bytes(b"time\n" + b"1" * 4096 + b"\n")
        with pytest.raises(DataFileError) as info:
            lio.read(ok_line)
        assert "MAX_LINE_BYTES" not in str(info.value)
        big = d / f"big{ext}"
        big.write_bytes(b"#" * (64 * 1024 + 1))
        _refused("resource bombs", lio.read, big, field="size")
    big = d / "big.c3d"
    big.write_bytes(b"\x02\x50" + b"\x00" * (64 * 1024))
    _refused("resource bombs", lio.read, big, field="size")


def _trc(n_frames_header: str, n_markers_header: str = "1", rows: int = 3) -> str:
    head = ("PathFileType\t4\t(X/Y/Z)\tx.trc\n"
            "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\t"
            "OrigDataStartFrame\tOrigNumFrames\n"
            f"100\t100\t{n_frames_header}\t{n_markers_header}\tm\t100\t1\t{rows}\n"
            "Frame#\tTime\tM1\n\t\tX1\tY1\tZ1\n")
    body = "".join(f"{i + 1}\t{i / 100}\t0.1\t0.2\t0.3\n" for i in range(rows))
    return head + body


def _mot(rows_header: str, cols_header: str = "2", rows: int = 3) -> str:
    head = (f"x\nversion=1\nnRows={rows_header}\nnColumns={cols_header}\ninDegrees=yes\n"
            "endheader\ntime\tknee_angle_r\n")
    return head + "".join(f"{i / 100}\t{i}\n" for i in range(rows))


def test_headers_claiming_absurd_counts(work):
    d = work / "counts"
    d.mkdir()
    texts = {
        "trc_1e12_frames.trc": (_trc("1000000000000"), "NumFrames"),
        "trc_65535_markers.trc": (_trc("3", "65535"), "NumMarkers"),
        "trc_negative_frames.trc": (_trc("-5"), "NumFrames"),
        "mot_1e12_rows.mot": (_mot("1000000000000"), "nRows"),
        "mot_65535_columns.mot": (_mot("3", "65535"), "nColumns"),
        "sto_1e12_rows.sto": (_mot("1000000000000"), "nRows"),
        "csv_1e12_rows.csv": ("# rows: 1000000000000\ntime_s,a\n0,1\n0.01,2\n", "rows"),
        "csv_negative_rows.csv": ("# rows: -3\ntime_s,a\n0,1\n0.01,2\n", "rows"),
    }
    for name, (text, field) in texts.items():
        path = d / name
        path.write_text(text, encoding="utf-8")
        exc = _refused("resource bombs", lio.read, path)
        assert field in str(exc), str(exc)
        BAD_FILES.append(("resource bombs", path))


def test_c3d_headers_and_parameter_blocks_with_absurd_counts(work):
    d = work / "c3d_counts"
    d.mkdir()
    raw = GAIT_C3D.read_bytes()
    info = cp.params(raw)
    cases = {
        "points_65535": cp.patch_header_u16(raw, 2, 65535),
        "analogs_65535": cp.patch_header_u16(raw, 3, 65535),
        "frames_param_32767": cp.patch_param(raw, "POINT", "FRAMES", [32767]),
        "last_frame_65535": cp.patch_header_u16(raw, 5, 65535),
        "analog_used_32767": cp.patch_param(raw, "ANALOG", "USED", [32767]),
    }
    # a parameter whose dimensions claim 255 x 255 x ... values
    _, dims, at = info["params"][("POINT", "LABELS")]
    dims_at = at - len(dims)
    bomb = bytearray(raw)
    bomb[dims_at:at] = bytes([255] * len(dims))
    cases["labels_dims_255"] = bytes(bomb)
    for name, data in cases.items():
        path = d / f"{name}.c3d"
        path.write_bytes(data)
        _refused("resource bombs", lio.read, path)
        BAD_FILES.append(("resource bombs", path))
    # the parameter-section length byte claims 255 blocks: the chain of records and its
    # end marker decide, so the count is harmless and the file reads as before
    many = bytearray(raw)
    many[(raw[0] - 1) * 512 + 2] = 255
    path = d / "param_blocks_255.c3d"
    path.write_bytes(bytes(many))
    t0 = time.perf_counter()
    assert lio.read(path).n_frames == 487 and time.perf_counter() - t0 < 5.0
    COUNTS[("resource bombs", "harmless, read")] += 1


# ==================================================================== c3d values
NAN = float("nan")


def c3d_value_cases(raw: bytes) -> dict[str, tuple[bytes, str | None]]:
    """name -> (file bytes, expected refused field or None for a skipped plate)."""
    return {
        "negative_frame_count": (cp.patch_param(raw, "POINT", "FRAMES", [-5]), "POINT:FRAMES"),
        "last_before_first": (cp.patch_header_u16(raw, 5, 0), "header"),
        "analog_rate_0": (cp.patch_param(raw, "ANALOG", "RATE", [0.0]), "ANALOG:RATE"),
        "analog_rate_nan": (cp.patch_param(raw, "ANALOG", "RATE", [NAN]), "ANALOG:RATE"),
        "analog_rate_negative": (cp.patch_param(raw, "ANALOG", "RATE", [-1000.0]),
                                 "ANALOG:RATE"),
        "analog_rate_mismatch": (cp.patch_param(raw, "ANALOG", "RATE", [600.0]), "ANALOG:RATE"),
        "point_rate_nan": (cp.patch_param(raw, "POINT", "RATE", [NAN]), "POINT:RATE"),
        "point_rate_0": (cp.patch_param(raw, "POINT", "RATE", [0.0]), "POINT:RATE"),
        "point_rate_1e9": (cp.patch_param(raw, "POINT", "RATE", [1e9]), "POINT:RATE"),
        "point_scale_nan": (cp.patch_param(raw, "POINT", "SCALE", [NAN]), "POINT:SCALE"),
        "point_scale_0": (cp.patch_param(raw, "POINT", "SCALE", [0.0]), "POINT:SCALE"),
        "gen_scale_nan": (cp.patch_param(raw, "ANALOG", "GEN_SCALE", [NAN]),
                          "ANALOG:GEN_SCALE"),
        "gen_scale_0": (cp.patch_param(raw, "ANALOG", "GEN_SCALE", [0.0]), "ANALOG:GEN_SCALE"),
        "analog_scale_nan": (cp.patch_param(raw, "ANALOG", "SCALE", [1.0, NAN]),
                             "ANALOG:SCALE"),
        "processor_intel_on_dec": (cp.set_processor(raw, 84), "POINT:RATE"),
        "processor_mips_on_dec": (cp.set_processor(raw, 86), "parameters"),
        "processor_byte_99": (cp.set_processor(raw, 99), "parameters"),
        "plate_origin_nan": (cp.patch_param(raw, "FORCE_PLATFORM", "ORIGIN", [NAN] * 3), None),
        "plate_origin_1e9": (cp.patch_param(raw, "FORCE_PLATFORM", "ORIGIN", [1e9] * 3), None),
        "plate_corners_nan": (cp.patch_param(raw, "FORCE_PLATFORM", "CORNERS", [NAN] * 3),
                              None),
        "plate_corners_1e9": (cp.patch_param(raw, "FORCE_PLATFORM", "CORNERS", [1e9] * 12),
                              None),
        "plates_used_99": (cp.patch_param(raw, "FORCE_PLATFORM", "USED", [99]), None),
    }


def test_c3d_parameter_values(work):
    d = work / "c3d_values"
    d.mkdir()
    raw = GAIT_C3D.read_bytes()
    assert cp.params(raw)["processor_code"] == 85      # the seed is a DEC file
    for name, (data, field) in c3d_value_cases(raw).items():
        path = d / f"{name}.c3d"
        path.write_bytes(data)
        if field is not None:
            _refused("c3d values", lio.read, path, field=field)
            BAD_FILES.append(("c3d values", path))
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            trial = lio.read(path)
        plaus = [w for w in caught if issubclass(w.category, PlausibilityWarning)]
        assert len(plaus) == 1, [str(w.message) for w in caught]
        assert str(path) in str(plaus[0].message)
        assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
        fx = [n for n in trial.analog_names if n.startswith("FP") and n.endswith("_Fx")]
        assert len(fx) == (2 if name == "plates_used_99" else 1), (name, fx)
        if name != "plates_used_99":
            assert "FP1_Fx" not in trial.analog_names          # the bad plate is skipped
        COUNTS[("c3d values", "plate skipped, warned")] += 1
    # the seed itself is still read without a warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lio.read(GAIT_C3D).n_frames == 487


def test_dec_processor_hint(work):
    path = work / "intel_byte.c3d"
    path.write_bytes(cp.set_processor(GAIT_C3D.read_bytes(), 84))
    with pytest.raises(DataFileError, match="processor byte 84"):
        lio.read(path)


# ================================================================== plausibility
@pytest.fixture(scope="module")
def base() -> Trial:
    """The first repetition of a synthetic backward lunge (4 s, 100 Hz, two plates)."""
    return datasets.read_any(GOOD).slice_time(0.0, 4.0)


def mutate(tr: Trial, *, pscale: float = 1.0, swap: bool = False, tshift: float = 0.0,
           fscale: float = 1.0, still: bool = False, nframes: int | None = None,
           meta: dict | None = None, drop: tuple[str, ...] = (), rate: float | None = None,
           zero_forces: bool = False, funit: str | None = None,
           cop_shift: float = 0.0) -> Trial:
    pts = {n: tr.points[n].to_numpy() * pscale for n in tr.point_names}
    if still:
        pts = {n: np.repeat(v[:1], len(v), axis=0) for n, v in pts.items()}
    an = {n: tr.analogs[n].to_numpy().copy() for n in tr.analog_names}
    for s in ("right", "left"):
        if swap:
            an[f"grf_{s}_x"], an[f"grf_{s}_y"] = an[f"grf_{s}_y"], an[f"grf_{s}_x"]
        an[f"grf_{s}_x"] = an[f"grf_{s}_x"] * fscale
        an[f"grf_{s}_y"] = an[f"grf_{s}_y"] * fscale
        an[f"cop_{s}_x"] = an[f"cop_{s}_x"] + cop_shift
        if zero_forces:
            an[f"grf_{s}_x"][:] = 0.0
            an[f"grf_{s}_y"][:] = 0.0
    units = {n: u for n, u in tr.units.items() if n in an}
    if funit is not None:
        units.update({n: funit for n in an if n.startswith("grf_")})
    md = {k: v for k, v in tr.metadata.items() if k not in drop and k.lower() != "synthetic"}
    md.update(meta or {})
    t = tr.time
    kwargs = {}
    if tshift:
        kwargs = {"analog_time": t + tshift, "analog_rate_hz": tr.rate_hz}
    if nframes is not None:
        t = t[:nframes]
        pts = {n: v[:nframes] for n, v in pts.items()}
        an = {n: v[:nframes] for n, v in an.items()}
    return Trial(t, points=pts, analogs=an, units=units, rate_hz=rate or tr.rate_hz,
                 metadata=md, **kwargs)


NO_SUBJECT = ("subject_mass_kg", "subject_height_m")

#: name -> (mutation, expected: ("refuse", field, text) or ("warn", text, forces_used))
PLAUSIBILITY = {
    "mm_read_as_m": ({"pscale": 1000.0}, ("refuse", "points", "millimetres read as metres")),
    "m_read_as_mm": ({"pscale": 1e-3}, ("refuse", "points", "metres read as millimetres")),
    "cm_read_as_m": ({"pscale": 100.0}, ("refuse", "points", "centimetres read as metres")),
    "mm_read_as_m_no_metadata": ({"pscale": 1000.0, "drop": NO_SUBJECT},
                                 ("refuse", "points", "1800 m tall")),
    "scale_x4": ({"pscale": 4.0}, ("refuse", "points", "tall person")),
    "mass_5000": ({"meta": {"subject_mass_kg": 5000.0}},
                  ("refuse", "metadata.subject_mass_kg", "20-300 kg")),
    "mass_82000_grams": ({"meta": {"subject_mass_kg": 82000.0}},
                         ("refuse", "metadata.subject_mass_kg", "grams")),
    "mass_0.13": ({"meta": {"subject_mass_kg": 0.13}},
                  ("refuse", "metadata.subject_mass_kg", "20-300 kg")),
    "mass_nan": ({"meta": {"subject_mass_kg": NAN}},
                 ("refuse", "metadata.subject_mass_kg", "nan")),
    "height_1751": ({"meta": {"subject_height_m": 1751.0}},
                    ("refuse", "metadata.subject_height_m", "millimetres read as metres")),
    "height_0": ({"meta": {"subject_height_m": 0.0}},
                 ("refuse", "metadata.subject_height_m", "1-2.3 m")),
    "standing_still": ({"still": True}, ("warn", "stood still", True)),
    "forces_do_not_overlap": ({"tshift": 100.0}, ("warn", "does not overlap", False)),
    "forces_half_overlap": ({"tshift": 2.0}, ("warn", "cover only 50%", True)),
    "swapped_grf_axis": ({"swap": True}, ("warn", "wrong vertical axis", False)),
    "swapped_grf_axis_no_mass": ({"swap": True, "drop": NO_SUBJECT},
                                 ("warn", "kg subject", False)),
    "forces_doubled": ({"fscale": 2.0}, ("warn", "forces ignored", False)),
    "forces_plus_25_percent": ({"fscale": 1.25}, ("warn", "from the subject mass", True)),
    "mass_contradicts_plates": ({"meta": {"subject_mass_kg": 120.0}},
                                ("warn", "from the subject mass 120 kg", True)),
    "plates_never_loaded": ({"zero_forces": True}, ("warn", "never carry a foot", False)),
    "force_unit_volts": ({"funit": "V"}, ("warn", "not one force unit", False)),
    "rate_header_wrong": ({"rate": 120.0}, ("warn", "the time stamps", True)),
}


def _forces_used(summary: dict) -> bool:
    return not any("force plates not used" in m or "no force plates" in m
                   for m in summary["messages"])


@pytest.mark.parametrize("name", sorted(PLAUSIBILITY))
def test_plausibility(base, name):
    kwargs, expected = PLAUSIBILITY[name]
    trial = mutate(base, **kwargs)
    trial.metadata["source"] = f"case_{name}.csv"
    if expected[0] == "refuse":
        with pytest.raises(DataFileError) as info:
            pipeline.analyze_trial(trial)
        assert info.value.field == expected[1], str(info.value)
        assert expected[2] in str(info.value) and f"case_{name}.csv" in str(info.value)
        COUNTS[("plausibility", "refused")] += 1
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, summary = pipeline.analyze_trial(trial)
    texts = [str(w.message) for w in caught if issubclass(w.category, PlausibilityWarning)]
    assert any(expected[1] in t for t in texts), texts
    assert all(f"case_{name}.csv" in t for t in texts)
    assert any(expected[1] in t for t in summary["warnings"]), summary["warnings"]
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], \
        [str(w.message) for w in caught]
    assert _forces_used(summary) is expected[2], summary["messages"]
    COUNTS[("plausibility", "warned")] += 1


def test_forces_off_the_feet_are_ignored(base):
    """Plates recorded in the lab frame whose COP is never near a foot (C3D-style
    plates, not assigned by name)."""
    t = base.time
    n = len(t)
    an = {"FP1_Fx": np.zeros(n), "FP1_Fy": np.full(n, 800.0), "FP1_Fz": np.zeros(n),
          "FP1_COPx": np.full(n, 5.0), "FP1_COPy": np.zeros(n), "FP1_COPz": np.zeros(n)}
    units = {k: ("N" if "_F" in k else "m") for k in an}
    trial = Trial(t, points={p: base.points[p].to_numpy() for p in base.point_names},
                  analogs=an, units=units, rate_hz=base.rate_hz,
                  metadata={"source": "plate_far_away.c3d", "subject_mass_kg": 82.0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, summary = pipeline.analyze_trial(trial)
    texts = [str(w.message) for w in caught if issubclass(w.category, PlausibilityWarning)]
    assert any("never within 0.25 m of a foot" in x for x in texts), texts
    assert not _forces_used(summary)
    COUNTS[("plausibility", "warned")] += 1


@pytest.mark.parametrize("frames", [1, 2, 9])
def test_too_few_frames(base, frames):
    trial = mutate(base, nframes=frames)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(InputRangeError, match="at least 10 marker frames"):
            pipeline.analyze_trial(trial)
    COUNTS[("plausibility", "refused")] += 1


def test_real_and_synthetic_recordings_raise_no_plausibility_warning():
    """The checks do not cry wolf on the package's own data (OpenCap squats, the
    synthetic lunges)."""
    for path in (GOOD, SQUAT):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _, summary = pipeline.analyze_file(path)
        assert not [w for w in caught if issubclass(w.category, PlausibilityWarning)], \
            [str(w.message) for w in caught]
        assert summary["warnings"] == []
        assert abs(summary["mass_from_plates_kg"] / summary["subject"]["mass_kg"] - 1) < 0.05


def _synthetic_text(relabel: dict[str, str]) -> str:
    """The head of a synthetic lunge CSV (4 s) with column labels replaced."""
    lines = GOOD.read_text(encoding="utf-8").splitlines()
    head = [i for i, line in enumerate(lines) if not line.startswith("#")][0]
    header = [line for line in lines[:head] if not line.startswith("# rows")]
    cols = lines[head]
    for old, new in relabel.items():
        assert old in cols, old
        cols = cols.replace(old, new)
    return "\n".join(header + [cols] + lines[head + 1:head + 401]) + "\n"


def test_units_in_csv_headers_are_honoured(work, base):
    d = work / "csv_units"
    d.mkdir()
    labels = GOOD.read_text(encoding="utf-8").split("\n")[
        [i for i, x in enumerate(GOOD.read_text(encoding="utf-8").split("\n"))
         if not x.startswith("#")][0]].split(",")
    point_labels = {lab: lab.replace("[mm]", "[m]") for lab in labels if "[mm]" in lab
                    and lab.split(" ")[0].rsplit("_", 1)[0].upper() == lab.split(" ")[0]
                    .rsplit("_", 1)[0] and not lab.startswith("cop")}
    # points declared in m but holding mm numbers: the unit is honoured -> 1000x too big
    path = d / "points_labelled_m.csv"
    path.write_text(_synthetic_text(point_labels), encoding="utf-8")
    trial = datasets.read_any(path)
    ref = datasets.read_any(GOOD)
    assert np.allclose(trial.points["R_KNEE"].to_numpy()[:5],
                       1000 * ref.points["R_KNEE"].to_numpy()[:5])
    _refused("plausibility", pipeline.analyze_file, path, field="points",
             match="millimetres read as metres")
    BAD_FILES.append(("plausibility", path))
    # a time column in ms
    path = d / "time_ms.csv"
    path.write_text(_synthetic_text({"time_s,": "time_s [ms],"}), encoding="utf-8")
    _refused("plausibility", datasets.read_any, path, match="seconds")
    BAD_FILES.append(("plausibility", path))
    # points in an unknown unit
    path = d / "points_in_inches.csv"
    path.write_text(_synthetic_text({k: k.replace("[mm]", "[in]")
                                     for k in list(point_labels)[:2]}), encoding="utf-8")
    _refused("plausibility", datasets.read_any, path, match="length unit")
    BAD_FILES.append(("plausibility", path))
    # forces in kN are scaled
    trial = mutate(base, funit="kN", fscale=1e-3)
    trial.metadata["source"] = "kN.csv"
    from lungelab import pipeline as pl
    forces = pl._foot_forces(trial, trial.time, pl.find_landmarks(trial))
    assert forces is not None
    ref_forces = pl._foot_forces(base, base.time, pl.find_landmarks(base))
    np.testing.assert_allclose(forces["right"]["F"], ref_forces["right"]["F"], rtol=1e-9,
                               atol=1e-6)
    COUNTS[("plausibility", "unit honoured")] += 2


def test_plausibility_files_through_the_cli(work, base, capsys):
    """Written as lungelab CSV files, the warned cases print a warning line naming the
    file and the report repeats it."""
    d = work / "plaus_files"
    d.mkdir()
    for name in ("swapped_grf_axis", "forces_do_not_overlap", "mm_read_as_m", "mass_5000"):
        kwargs, expected = PLAUSIBILITY[name]
        path = d / f"{name}.csv"
        lio.write_csv(mutate(base, **kwargs), path)
        out = d / f"{name}.report.txt"
        status = main(["analyze", str(path), "--out", str(out)])
        err = capsys.readouterr().err
        if expected[0] == "refuse":
            assert status == 1, err
            assert f"lungelab analyze: error: {path}" in err and expected[2] in err
            BAD_FILES.append(("plausibility", path))
        else:
            assert status == 0, err
            line = [x for x in err.splitlines() if "warning" in x]
            assert line and line[0].startswith(f"lungelab analyze: warning: {path}: "
                                               "PlausibilityWarning:"), err
            assert expected[1] in line[0]
            assert "WARNING PlausibilityWarning" in out.read_text(encoding="utf-8")
        COUNTS[("plausibility", "cli")] += 1


def test_one_plate_under_both_feet_weighs_the_subject(base):
    """Both feet on one lab-frame plate (C3D-style FP1_* channels): the quiet-standing
    frames still give the subject's mass, and no warning is raised."""
    an = {n: base.analogs[n].to_numpy() for n in base.analog_names}
    fx = an["grf_right_x"] + an["grf_left_x"]
    fy = an["grf_right_y"] + an["grf_left_y"]
    with np.errstate(invalid="ignore", divide="ignore"):
        cop = np.where(fy > 20, (np.nan_to_num(an["cop_right_x"]) * an["grf_right_y"]
                                 + np.nan_to_num(an["cop_left_x"]) * an["grf_left_y"]) / fy,
                       np.nan)
    n = base.n_frames
    plate = {"FP1_Fx": fx, "FP1_Fy": fy, "FP1_Fz": np.zeros(n), "FP1_COPx": cop,
             "FP1_COPy": np.zeros(n), "FP1_COPz": np.zeros(n)}
    units = {k: ("N" if "_F" in k else "m") for k in plate}
    md = {k: v for k, v in base.metadata.items() if k != "subject_mass_kg"}
    trial = Trial(base.time, points={p: base.points[p].to_numpy() for p in base.point_names},
                  analogs=plate, units=units, rate_hz=base.rate_hz, metadata=md)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, summary = pipeline.analyze_trial(trial)
    assert not [str(w.message) for w in caught
                if issubclass(w.category, (PlausibilityWarning, RuntimeWarning))]
    assert summary["subject"]["mass_source"].startswith("median vertical force")
    assert abs(summary["subject"]["mass_kg"] - 82.0) < 82.0 * 0.02
    COUNTS[("plausibility", "no false alarm")] += 1


# ======================================================================= outputs
def test_out_onto_an_input_is_refused(work, capsys):
    d = work / "out_input"
    d.mkdir()
    rec = d / "rec.csv"
    rec.write_bytes(GOOD.read_bytes())
    link = d / "link.txt"
    link.symlink_to(rec)
    hard = d / "hard.txt"
    os.link(rec, hard)
    trc = d / "walk.trc"
    trc.write_bytes(SQUAT.read_bytes())
    grf = d / "walk_grf.mot"
    grf.write_bytes(SQUAT.with_name("squats1_grf.mot").read_bytes())
    before = {p: p.read_bytes() for p in (rec, trc, grf)}
    for files, out in (([rec], rec), ([rec], link), ([rec], hard), ([trc], grf),
                       ([GOOD, rec], d / "." / "rec.csv")):
        status = main(["analyze", *map(str, files), "--out", str(out)])
        err = capsys.readouterr().err
        assert status == 2, err
        assert "refusing to write the output onto the input file" in err
        assert len(err.strip().splitlines()) == 1
        COUNTS[("outputs", "refused")] += 1
    assert {p: p.read_bytes() for p in before} == before


def test_out_onto_directory_unwritable_or_missing_parent(work, capsys):
    d = work / "out_bad"
    d.mkdir()
    existing = d / "folder"
    existing.mkdir()
    locked = d / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        cases = [(existing, "the path is a directory"),
                 (d / "missing" / "report.txt", "directory does not exist")]
        if os.geteuid() != 0:          # root writes anywhere
            cases.append((locked / "report.txt", "cannot write"))
        for out, expect in cases:
            status = main(["analyze", str(GOOD), "--out", str(out)])
            err = capsys.readouterr().err
            assert status == 2 and expect in err, err
            assert "Traceback" not in err
            COUNTS[("outputs", "refused")] += 1
        assert os.listdir(locked) == [] and os.listdir(existing) == []
        assert not (d / "missing").exists()
    finally:
        os.chmod(locked, 0o700)


def test_same_input_twice_is_analysed_once(work, capsys):
    d = work / "twice"
    d.mkdir()
    copy = d / "copy.csv"
    copy.write_bytes(GOOD.read_bytes())
    link = d / "link.csv"
    link.symlink_to(GOOD)
    for files, what in (([GOOD, GOOD], "the same file as"), ([GOOD, link], "the same file as"),
                        ([GOOD, copy], "an identical copy of")):
        out = d / "report.json"
        status = main(["analyze", *map(str, files), "--format", "json", "--out", str(out)])
        err = capsys.readouterr().err
        assert status == 1, err
        assert what in err and "given twice; analysed once" in err
        import json
        payload = json.loads(out.read_text(encoding="utf-8"))
        assert len(payload["files"]) == 1
        assert payload["session"]["legs"]["right"]["sets"] == 1
        COUNTS[("outputs", "duplicate refused")] += 1


def test_writer_failing_half_way_keeps_the_old_file(work, capsys, monkeypatch):
    import lungelab.safefile as sf

    d = work / "half"
    d.mkdir()
    out = d / "report.txt"
    out.write_text("OLD REPORT\n", encoding="utf-8")
    real_open = open

    class Half:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, text):
            self.fh.write(text[: len(text) // 2])
            self.fh.flush()
            raise OSError(28, "No space left on device")

    def fake_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        return Half(fh) if "w" in mode else fh

    monkeypatch.setattr(sf, "open", fake_open, raising=False)
    status = main(["analyze", str(GOOD), "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 2
    assert "No space left on device" in err and "the old file, if any, is unchanged" in err
    assert out.read_text(encoding="utf-8") == "OLD REPORT\n"
    assert os.listdir(d) == ["report.txt"]                 # no partial or temporary file
    COUNTS[("outputs", "old file kept")] += 1


_KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import lungelab.safefile as sf
    real_open = open
    class Killer:
        def __init__(self, fh): self.fh = fh
        def __enter__(self): return self
        def __exit__(self, *exc): self.fh.close()
        def write(self, text):
            self.fh.write(text[: len(text) // 2]); self.fh.flush()
            os.kill(os.getpid(), getattr(signal, sys.argv[1]))
            import time; time.sleep(30)
    def fake_open(path, mode="r", *a, **k):
        fh = real_open(path, mode, *a, **k)
        return Killer(fh) if "w" in mode else fh
    sf.open = fake_open
    from lungelab.cli import main
    sys.exit(main(sys.argv[2:]))
""")


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGKILL"])
def test_run_killed_while_writing(work, sig):
    d = work / f"killed_{sig}"
    d.mkdir()
    out = d / "report.txt"
    out.write_text("OLD REPORT\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-c", _KILL_SCRIPT, sig, "analyze", str(GOOD),
                          "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert out.read_text(encoding="utf-8") == "OLD REPORT\n"
    assert "Traceback" not in res.stderr
    if sig == "SIGTERM":
        assert res.returncode == 130, res.stderr
        assert "interrupted by SIGTERM" in res.stderr and "was not changed" in res.stderr
        assert os.listdir(d) == ["report.txt"]             # temporary file removed
    else:
        assert res.returncode == -signal.SIGKILL
        # SIGKILL cannot be caught: at most the hidden temporary file remains
        assert sorted(os.listdir(d))[-1] == "report.txt"
        assert all(n.startswith(".report.txt.") and n.endswith(".tmp")
                   for n in os.listdir(d) if n != "report.txt")
    COUNTS[("outputs", "old file kept")] += 1


def test_report_writer_never_follows_a_planted_symlink(work, monkeypatch):
    from lungelab import presentation

    d = work / "report"
    d.mkdir()
    outside = work / "outside.html"
    outside.write_text("NOT YOURS\n", encoding="utf-8")
    # the old fixed temporary name, and a link planted as the target itself
    (d / "index.html.tmp").symlink_to(outside)
    monkeypatch.setattr(presentation, "build_sections", lambda *a, **k: ([], None))
    monkeypatch.setattr(presentation, "render_html", lambda *a, **k: ("<html>new</html>", {},
                                                                      {}))
    report = presentation.write_report(d)
    assert report.path.read_text(encoding="utf-8") == "<html>new</html>"
    assert outside.read_text(encoding="utf-8") == "NOT YOURS\n"
    assert sorted(os.listdir(d)) == ["index.html", "index.html.tmp"]
    # a symlink planted as index.html is replaced by the page, not written through
    (d / "index.html").unlink()
    (d / "index.html").symlink_to(outside)
    presentation.write_report(d)
    assert not (d / "index.html").is_symlink()
    assert outside.read_text(encoding="utf-8") == "NOT YOURS\n"
    # unwritable / impossible folder: DataFileError, not OSError
    blocker = work / "blocker"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataFileError, match="cannot create the output folder"):
        presentation.write_report(blocker / "sub")
    COUNTS[("outputs", "symlink not followed")] += 3


# ============================================== API types on the file side (Trial, pipeline)
_T30 = np.arange(30) / 100.0
API_CASES = {
    "Trial(time='abc')": lambda: Trial("abc"),
    "Trial(time=None)": lambda: Trial(None),
    "analyze_trial(time with inf)": lambda: pipeline.analyze_trial(
        Trial(np.r_[_T30[:-1], math.inf])),
    "analyze_trial(time with nan)": lambda: pipeline.analyze_trial(
        Trial(np.r_[_T30[:5], NAN, _T30[6:]])),
    "analyze_trial(time decreasing)": lambda: pipeline.analyze_trial(Trial(_T30[::-1])),
    "Trial(points str values)": lambda: Trial([0, 1], points={"a": "x"}),
    "Trial(points wrong shape)": lambda: Trial([0, 1], points={"a": [[1, 2]]}),
    "Trial(points list)": lambda: Trial([0, 1], points=[1, 2]),
    "Trial(rate_hz str)": lambda: Trial([0, 1], rate_hz="fast"),
    "Trial(rate_hz=nan)": lambda: Trial([0, 1], rate_hz=NAN),
    "Trial(metadata int)": lambda: Trial([0, 1], metadata=5),
    "Trial(events int)": lambda: Trial([0, 1], events=5),
    "Trial(events str)": lambda: Trial([0, 1], events="x"),
    "Trial(events nan time)": lambda: Trial([0, 1], events=[(NAN, "x")]),
    "Trial(analogs non-numeric)": lambda: Trial([0, 1], analogs={"a": [1, "b"]}),
    "Trial(units int)": lambda: Trial([0, 1], units=5),
    "Trial(units value int)": lambda: Trial([0, 1], analogs={"a": [1, 2]}, units={"a": 5}),
    "Trial(time 2-D)": lambda: Trial([[0, 1]]),
    "analyze_trial(str)": lambda: pipeline.analyze_trial("x"),
    "analyze_trial(mass_kg='80')": lambda: pipeline.analyze_trial(Trial(_T30), mass_kg="80"),
    "analyze_trial(mass_kg=True)": lambda: pipeline.analyze_trial(Trial(_T30), mass_kg=True),
    "analyze_trial(mass_kg=5000)": lambda: pipeline.analyze_trial(Trial(_T30), mass_kg=5000),
    "analyze_trial(height_m=np.float64(1e9))": lambda: pipeline.analyze_trial(
        Trial(_T30), height_m=np.float64(1e9)),
    "analyze_trial(sex='x')": lambda: pipeline.analyze_trial(Trial(_T30), sex="x"),
    "analyze_trial(cutoff_hz='6')": lambda: pipeline.analyze_trial(Trial(_T30), cutoff_hz="6"),
    "analyze_trial(rules=5)": lambda: pipeline.analyze_trial(Trial(_T30), rules=5),
    "analyze_trial(subject='x')": lambda: pipeline.analyze_trial(Trial(_T30), subject="x"),
    "analyze_trial(no markers)": lambda: pipeline.analyze_trial(Trial(_T30)),
    "analyze_trial(NaN hip)": lambda: pipeline.analyze_trial(Trial(_T30, points={
        "HIP": np.full((30, 3), NAN), "R_TOE": np.zeros((30, 3)), "L_TOE": np.zeros((30, 3))})),
    "analyze_trial(hip at 1e300 m)": lambda: pipeline.analyze_trial(Trial(_T30, points={
        "HIP": np.full((30, 3), 1e300), "R_TOE": np.zeros((30, 3)),
        "L_TOE": np.zeros((30, 3))})),
}


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_types_on_the_file_side(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(LungelabError) as info:
            API_CASES[name]()
    assert isinstance(info.value, (InputRangeError, DataFileError))
    COUNTS[("api types", "LungelabError")] += 1


# ========================================================= generated pipeline damage
DAMAGE = ("nan_block", "all_nan", "copy_of_other", "spike", "noise", "frozen", "force_nan_tail",
          "force_spike", "force_sign", "cop_far", "huge_value", "zero_thigh")


def _damaged(base: Trial, seed: int) -> tuple[list[str], Trial]:
    """1-3 random kinds of damage (seeded) to the markers and forces of ``base``."""
    rng = np.random.default_rng(seed)
    names = base.point_names
    pts = {n: base.points[n].to_numpy().copy() for n in names}
    an = {n: base.analogs[n].to_numpy().copy() for n in base.analog_names}
    n_frames = base.n_frames
    kinds = []
    for _ in range(int(rng.integers(1, 4))):
        kind = str(rng.choice(DAMAGE))
        kinds.append(kind)
        p, a = str(rng.choice(names)), str(rng.choice(list(an)))
        i = int(rng.integers(0, n_frames - 1))
        if kind == "nan_block":
            pts[p][i:i + int(rng.integers(1, 200))] = np.nan
        elif kind == "all_nan":
            pts[p][:] = np.nan
        elif kind == "copy_of_other":
            pts[p] = pts[str(rng.choice(names))].copy()
        elif kind == "spike":
            pts[p][i] += rng.normal(0.0, 5.0, 3)
        elif kind == "noise":
            pts[p] += rng.normal(0.0, 0.05, pts[p].shape)
        elif kind == "frozen":
            pts[p][:] = pts[p][0]
        elif kind == "force_nan_tail":
            an[a][i:] = np.nan
        elif kind == "force_spike":
            an[a][i] = 1e7
        elif kind == "force_sign":
            an[a] = -an[a]
        elif kind == "cop_far":
            an[a] = an[a] + 3.0
        elif kind == "huge_value":
            an[a][i] = 1e300
        else:
            pts["R_KNEE"] = pts["HIP"].copy()
    units = {k: v for k, v in base.units.items() if k in an}
    return kinds, Trial(base.time, points=pts, analogs=an, units=units, rate_hz=base.rate_hz,
                        metadata=dict(base.metadata))


def test_generated_damage_never_escapes(base):
    """80 seeded damaged recordings: a report or a LungelabError, never another
    exception or a RuntimeWarning."""
    for seed in range(80):
        kinds, trial = _damaged(base, seed)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                pipeline.analyze_trial(trial)
                outcome = "report"
            except LungelabError:
                outcome = "LungelabError"
        noisy = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        assert not noisy, (seed, kinds, noisy)
        COUNTS[("damage", outcome)] += 1


def test_out_onto_special_files_and_links(work, capsys):
    d = work / "out_special"
    d.mkdir()
    fifo = d / "report.fifo"
    os.mkfifo(fifo)
    status = main(["analyze", str(GOOD), "--out", str(fifo)])
    err = capsys.readouterr().err
    assert status == 2 and "named pipe" in err, err
    elsewhere = d / "elsewhere.txt"
    elsewhere.write_text("KEEP\n", encoding="utf-8")
    link = d / "report_link.txt"
    link.symlink_to(elsewhere)
    loop_a, loop_b = d / "loop_a.txt", d / "loop_b.txt"
    loop_a.symlink_to(loop_b)
    loop_b.symlink_to(loop_a)
    for out in (link, loop_a):
        assert main(["analyze", str(GOOD), "--out", str(out)]) == 0, capsys.readouterr().err
        capsys.readouterr()
        assert not out.is_symlink() and "Session summary" in out.read_text(encoding="utf-8")
    assert elsewhere.read_text(encoding="utf-8") == "KEEP\n"   # never written through
    COUNTS[("outputs", "refused")] += 1
    COUNTS[("outputs", "symlink not followed")] += 2


def _synthetic_header_cases() -> dict[str, bytes]:
    """Damaged headers of a SYNTHETIC lunge CSV (read with pandas by read_synthetic)."""
    import json

    lines = GOOD.read_text(encoding="utf-8").splitlines()
    head = [i for i, line in enumerate(lines) if not line.startswith("#")][0]
    meta_i = [i for i, line in enumerate(lines) if line.startswith("# metadata:")][0]
    meta = json.loads(lines[meta_i].split(":", 1)[1])
    body = [x for x in lines[:head + 50] if not x.startswith("# rows")]

    def with_line(prefix: str, text: str) -> bytes:
        return "\n".join(text if x.startswith(prefix) else x for x in body).encode()

    return {
        "points_2d_int": with_line("# metadata:", "# metadata: " + json.dumps(
            {**meta, "points_2d": 5})),
        "points_2d_missing": with_line("# metadata:", "# metadata: " + json.dumps(
            {**meta, "points_2d": ["NOPE"]})),
        "json_nesting_bomb": with_line("# events:", "# events: " + "[" * 100_000
                                       + "]" * 100_000),
        "rate_string": with_line("# rate_hz:", '# rate_hz: "fast"'),
        "events_malformed": with_line("# events:", '# events: [[1, 2, 3], "x"]'),
        "non_numeric_rows": "\n".join(lines[:head + 1] + ["a,b,c"] * 5).encode(),
        "binary_after_header": "\n".join(lines[:head]).encode() + b"\n\xff\xfe\x00garbage",
        "rows_disagree": "\n".join(lines[:head + 50]).encode(),
        "latin1_header": "\n".join(body).replace("SYNTHETIC", "SYNTH\xe9TIC").encode("latin-1"),
    }


def test_synthetic_csv_headers(work):
    d = work / "synthetic_headers"
    d.mkdir()
    for name, data in _synthetic_header_cases().items():
        path = d / f"{name}.csv"
        path.write_bytes(data)
        family = "resource bombs" if name == "json_nesting_bomb" else "plausibility"
        _refused(family, datasets.read_any, path)
        BAD_FILES.append((family, path))


# ======================================================================= escapes
def test_zz_every_bad_file_through_the_cli_subprocess(work):
    """All bad files of this module in one ``lungelab analyze`` run: exit 1, one error
    line per file, no traceback, no RuntimeWarning, no other noise on stderr."""
    files = [p for _, p in BAD_FILES]
    if len(files) < 20:
        pytest.skip("run the whole module to collect the bad files")
    env = dict(os.environ, PYTHONWARNINGS="default")
    res = subprocess.run([sys.executable, "-m", "lungelab.cli", "analyze", *map(str, files),
                          "--format", "json"], capture_output=True, text=True, timeout=600,
                         env=env)
    assert res.returncode == 1, res.stderr[-2000:]
    lines = [x for x in res.stderr.replace("\r", "\n").splitlines()
             if x.strip() and not x.startswith("[")]        # progress bar
    assert "Traceback" not in res.stderr and "RuntimeWarning" not in res.stderr
    errors = [x for x in lines if x.startswith("lungelab analyze: error: ")]
    assert len(errors) == len(files), "\n".join(lines)
    assert all(x.startswith(("lungelab analyze: error: ", "lungelab analyze: warning: "))
               for x in lines), "\n".join(lines)
    assert "internal error" not in res.stderr
    for family, path in BAD_FILES:
        mine = [x for x in errors if x.startswith(f"lungelab analyze: error: {path}:")
                or x.startswith(f"lungelab analyze: error: {path},")]
        assert len(mine) == 1, (path, errors)
        COUNTS[("escapes (cli)", f"{family}: 1 line")] += 1


def test_zz_library_raises_only_lungelab_errors(work):
    """The same files through the library: only LungelabError subclasses."""
    for _family, path in BAD_FILES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PlausibilityWarning)
            warnings.simplefilter("error", RuntimeWarning)
            try:
                pipeline.analyze_file(path)
            except LungelabError:
                COUNTS[("escapes (lib)", "LungelabError")] += 1
                continue
        pytest.fail(f"{path} was analysed")


def test_math_helpers_never_escape():
    from lungelab.plausibility import check_length_scale, check_subject_value

    for value in (NAN, math.inf, -1.0, 0.0, 1e308, True, "82", None):
        with pytest.raises(DataFileError):
            check_subject_value("f.csv", "mass", value, (20.0, 300.0), "kg")
    assert check_length_scale("f.csv", None, None) is None
    assert check_length_scale("f.csv", NAN, NAN) is None
    for leg in (1e308, 1e-308):
        with pytest.raises(DataFileError):
            check_length_scale("f.csv", leg, None)
    COUNTS[("escapes (lib)", "helpers")] += 11
