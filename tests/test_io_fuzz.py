"""Property-based fuzzing of the lungelab.io readers and writers (hypothesis).

Two families of cases:

* **mutated files**: valid files (written by lungelab and taken from
  ``data/real``) damaged by truncation at random offsets, garbage bytes, header
  lines replaced by random text, numeric fields replaced by huge values /
  NaN / inf / junk, deleted, duplicated or swapped lines, other encodings
  (latin-1, UTF-16 with and without BOM), empty files.  Every reader must either
  return a :class:`Trial` or raise :class:`DataFileError` (or its subclass
  :class:`MissingChannelError`) whose message contains the file name; any other
  exception fails the test.
* **generated trials**: random trials written with every writer and read back
  must be equal (bit-exact for CSV, MOT and TRC in metres; float32 for C3D), or
  the writer must refuse them with :class:`InputRangeError`.

All runs are deterministic (``derandomize=True``, no example database).  The
number of cases tried per reader is printed in the pytest terminal summary.
"""

from __future__ import annotations

import math
import os
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lungelab.io as lio
from lungelab.errors import DataFileError, InputRangeError, LungelabError
from lungelab.trial import Trial

REAL = Path(__file__).resolve().parents[1] / "data" / "real"

#: cases tried per reader / writer and outcome, filled by the tests below
COUNTS: Counter[tuple[str, str]] = Counter()
REFUSALS: dict[str, list[str]] = {".csv": [], ".mot": [], ".trc": [], ".c3d": []}

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=400,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class _Report:
    """Pytest plugin registered at import: prints the fuzz case counts."""

    def pytest_terminal_summary(self, terminalreporter):  # pragma: no cover - reporting
        if not COUNTS:
            return
        total = sum(COUNTS.values())
        terminalreporter.section("lungelab.io fuzzing")
        for key in sorted({k for k, _ in COUNTS}):
            parts = ", ".join(f"{outcome} {COUNTS[(key, outcome)]}"
                              for outcome in sorted({o for k, o in COUNTS if k == key}))
            terminalreporter.write_line(f"{key:>14}: {parts}")
        terminalreporter.write_line(f"{'total':>14}: {total} fuzz cases")


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    plugin = _Report()
    manager = request.config.pluginmanager
    if not any(isinstance(p, _Report) for p in manager.get_plugins()):
        manager.register(plugin, "lungelab-fuzz-report")
    yield


# ---------------------------------------------------------------- seeds
def _seed_trial() -> Trial:
    t = np.arange(12) / 100.0
    rng = np.random.default_rng(1)
    knee = rng.normal(size=(12, 3))
    knee[4] = np.nan
    return Trial(t, points={"RKNE": knee, "L.ASIS": rng.normal(size=(12, 3))},
                 analogs={"Fz": 700 + rng.normal(size=12), "knee_angle_r": rng.normal(size=12)},
                 units={"Fz": "N", "knee_angle_r": "deg"}, events=[(0.03, "Left Foot Strike")],
                 metadata={"subject_mass_kg": 70.0})


def _seeds() -> dict[str, list[bytes]]:
    """Valid documents per extension: lungelab-written and real (cut to a few rows)."""
    trial = _seed_trial()
    out: dict[str, list[bytes]] = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ext in (".csv", ".mot", ".trc", ".c3d"):
            path = Path(tmp) / f"seed{ext}"
            lio.write(trial, path)
            out[ext] = [path.read_bytes()]
    out[".sto"] = [out[".mot"][0]]

    def head(path: Path, n: int, key: bytes = b"") -> bytes:
        """First ``n`` lines; the row count after ``key`` is fixed to match."""
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[:n]
        if key:
            label = next(i for i, line in enumerate(lines) if line.lower().startswith("time"))
            for i, line in enumerate(lines[:label]):
                if line.encode().startswith(key):
                    lines[i] = f"{key.decode()}{n - label - 1}\n"
        return "".join(lines).encode("utf-8")

    gait = REAL / "opensim-gait-subject01"
    trc = head(gait / "subject01_walk1.trc", 14).split(b"\n")
    trc[2] = b"\t".join(f.replace(b" ", b"").replace(b"151", b"8") for f in trc[2].split(b"\t"))
    out[".trc"].append(b"\n".join(trc))
    out[".mot"].append(head(gait / "subject01_walk1_grf.mot", 20, b"nRows="))
    out[".mot"].append(head(REAL / "opencap-subject4-squat-sts" / "squats1_ik.mot", 25,
                            b"nRows="))
    out[".sto"].append(head(gait / "gait10dof18musc_subject01_walk_ID.sto", 20, b"nRows="))
    out[".txt"] = [head(REAL / "bmc-winter-isb" / "WinterTableA1.txt", 15),
                   head(REAL / "bmc-winter-isb" / "wn35b.txt", 15)]
    out[".c3d"].append((REAL / "bmc-winter-isb" / "Gait.c3d").read_bytes())
    return out


SEEDS = _seeds()


def test_seeds_are_valid():
    with tempfile.TemporaryDirectory() as tmp:
        for ext, docs in SEEDS.items():
            for i, doc in enumerate(docs):
                path = Path(tmp) / f"seed{i}{ext}"
                path.write_bytes(doc)
                assert lio.read(path).n_frames > 0


# ------------------------------------------------------------- mutations
SPECIALS = ["nan", "NaN", "-nan", "inf", "-Infinity", "1e999", "-1e400", "1e308", "-1.7e308",
            "4.9e-324", "", " ", "abc", "0x1F", "1_000", "1,5", "1.2.3", "--1", "١٢", "1e",
            "+", ".", "9" * 400, "-1.#IND", "1.#INF", "null", "\t", '"', "é"]
ENCODINGS = ["utf-8", "utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16",
             "utf-16-le", "utf-16-be", "cp1252"]


@st.composite
def mutated(draw, ext: str) -> bytes:
    """A seed document of type ``ext`` damaged by 1-3 text and byte mutations."""
    doc = draw(st.sampled_from(SEEDS[ext]))
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from([b"", b" ", b"\n", b"\r\n\r\n", b"\x00", b"\xff\xfe"]))
    text = doc.decode("utf-8")
    for _ in range(draw(st.integers(0, 3))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["header", "token", "token", "delete", "dup", "swap",
                                     "insert", "non_ascii"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "header":
            i = draw(st.integers(0, min(9, len(lines) - 1)))
            lines[i] = draw(st.text(max_size=40))
        elif kind == "token":
            sep = "," if ext == ".csv" else ("\t" if "\t" in lines[i] else " ")
            fields = lines[i].split(sep)
            j = draw(st.integers(0, len(fields) - 1))
            fields[j] = draw(st.sampled_from(SPECIALS))
            lines[i] = sep.join(fields)
        elif kind == "delete":
            del lines[i]
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "swap":
            k = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif kind == "insert":
            lines.insert(i, draw(st.text(max_size=60)))
        else:
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.sampled_from(["é", "µ", "ß", "€"])) + lines[i][pos:]
        text = "\n".join(lines)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    return draw(byte_damage(data))


@st.composite
def byte_damage(draw, data: bytes, protect: int = 0) -> bytes:
    """Truncate, overwrite, insert or flip bytes (after ``protect`` bytes)."""
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["truncate", "overwrite", "insert", "flip"]))
        if not data:
            break
        pos = draw(st.integers(min(protect, len(data) - 1), len(data) - 1))
        if kind == "truncate":
            data = data[:pos]
        elif kind == "overwrite":
            junk = draw(st.binary(min_size=1, max_size=24))
            data = data[:pos] + junk + data[pos + len(junk):]
        elif kind == "insert":
            data = data[:pos] + draw(st.binary(min_size=1, max_size=24)) + data[pos:]
        else:
            data = data[:pos] + bytes([data[pos] ^ (1 << draw(st.integers(0, 7)))]) + data[pos + 1:]
    return data


def _read_must_be_clean(ext: str, data: bytes, label: str) -> None:
    """Read ``data`` as a file of type ``ext``; only lungelab errors naming the file."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{ext}"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                trial = lio.read(path)
            except DataFileError as exc:
                assert str(path) in str(exc), str(exc)
                assert exc.path == str(path)
                COUNTS[(label, "DataFileError")] += 1
                return
            except LungelabError as exc:  # pragma: no cover - a bug
                pytest.fail(f"{type(exc).__name__} instead of DataFileError: {exc}")
        assert isinstance(trial, Trial)
        assert np.all(np.isfinite(trial.time))
        assert np.all(np.diff(trial.time) > 0)
        COUNTS[(label, "read")] += 1


@pytest.mark.parametrize("ext", [".trc", ".mot", ".sto", ".csv", ".txt"])
@FUZZ
@given(data=st.data())
def test_mutated_text_files(ext, data):
    _read_must_be_clean(ext, data.draw(mutated(ext)), f"read {ext}")


@st.composite
def mutated_c3d(draw) -> bytes:
    doc = draw(st.sampled_from(SEEDS[".c3d"]))
    region = draw(st.sampled_from(["header", "parameters", "anywhere", "truncate"]))
    data = bytearray(doc)
    param_end = (data[0] - 1) * 512 + 512 * max(1, data[(data[0] - 1) * 512 + 2])
    if region == "truncate":
        return bytes(data[:draw(st.integers(0, len(data) - 1))])
    lo, hi = {"header": (0, 512), "parameters": (512, min(param_end, len(data))),
              "anywhere": (0, len(data))}[region]
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(lo, hi - 1))
        if draw(st.booleans()):
            data[pos] ^= 1 << draw(st.integers(0, 7))
        else:
            junk = draw(st.binary(min_size=1, max_size=16))
            data[pos:pos + len(junk)] = junk
    return bytes(data[:len(doc)])


@settings(FUZZ, max_examples=300)
@given(data=mutated_c3d())
def test_mutated_c3d_files(data):
    _read_must_be_clean(".c3d", data, "read .c3d")


# ------------------------------------------------------- generated trials
NAME = st.text(alphabet=st.sampled_from(list("abcXYZ019 _.-,;:[]()é\"'#=")), min_size=1,
               max_size=8)
MODERATE = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(math.nan))
EXTREME = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(math.nan),
                  st.floats(allow_nan=False, allow_infinity=False),
                  st.sampled_from([0.0, -0.0, 5e-324, 1e-300, 1.7976931348623157e308]))


@st.composite
def trials(draw) -> Trial:
    n = draw(st.integers(1, 8))
    rate = draw(st.sampled_from([50.0, 60.0, 100.0, 120.0, 1000.0]))
    start = draw(st.integers(0, 100))
    time = (start + np.arange(n)) / rate
    names = draw(st.lists(NAME, max_size=3, unique=True))
    analog_names = draw(st.lists(NAME, max_size=3, unique=True).filter(
        lambda a: not set(a) & set(names)))
    value = EXTREME if draw(st.booleans()) else MODERATE
    points = {nm: np.array(draw(st.lists(value, min_size=3 * n, max_size=3 * n))).reshape(n, 3)
              for nm in names}
    analogs = {nm: np.array(draw(st.lists(value, min_size=n, max_size=n)))
               for nm in analog_names}
    units = {nm: draw(st.sampled_from(["", "N", "N.m", "deg", "V", "a b", "é"]))
             for nm in analog_names}
    events = [(draw(st.floats(-10, 10)), draw(NAME)) for _ in range(draw(st.integers(0, 2)))]
    metadata = draw(st.dictionaries(st.sampled_from(["subject_mass_kg", "note", "id", "name"]),
                                    st.one_of(st.floats(1, 200), NAME, st.integers(0, 99))))
    return Trial(time, points=points or None, analogs=analogs or None, units=units,
                 events=events, rate_hz=rate, metadata=metadata)


def _equal_or_nan(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize("ext", [".csv", ".mot", ".trc", ".c3d"])
@settings(FUZZ, max_examples=150)
@given(trial=trials())
def test_generated_round_trip(ext, trial):
    label = f"write {ext}"
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(tmp) / f"gen{ext}"
        try:
            lio.write(trial, path)
        except InputRangeError as exc:
            COUNTS[(label, "refused")] += 1
            REFUSALS[ext].append(str(exc))
            assert not path.exists() and os.listdir(tmp) == [], str(exc)
            return
        back = lio.read(path)
    COUNTS[(label, "round trip")] += 1
    if ext == ".trc":
        assert back.point_names == trial.point_names
        np.testing.assert_array_equal(back.points.to_numpy(), trial.points.to_numpy())
        np.testing.assert_array_equal(back.time, trial.time)
        return
    assert back.point_names == trial.point_names
    assert back.analog_names == trial.analog_names
    assert back.units == trial.units
    if ext == ".c3d":
        np.testing.assert_allclose(back.time, trial.time, rtol=1e-12)
        pts = trial.points.to_numpy().reshape(trial.n_frames, -1, 3).copy()
        pts[np.isnan(pts).any(axis=2)] = np.nan  # C3D: a sample is valid or missing as a whole
        for x, y in ((pts.reshape(trial.n_frames, -1), back.points.to_numpy()),
                     (trial.analogs.to_numpy(), back.analogs.to_numpy())):
            expected = x.astype(np.float32).astype(float)
            np.testing.assert_allclose(y, expected, rtol=1e-6, atol=1e-9 * np.nanmax(
                np.abs(expected), initial=1.0))
        assert [n for _, n in back.events] == [n for _, n in trial.events]
        return
    np.testing.assert_array_equal(back.time, trial.time)
    np.testing.assert_array_equal(back.points.to_numpy(), trial.points.to_numpy())
    np.testing.assert_array_equal(back.analogs.to_numpy(), trial.analogs.to_numpy())
    assert back.events == trial.events
    assert back.metadata | {"source": "", "format": ""} == trial.metadata | {"source": "",
                                                                              "format": ""}
    assert _equal_or_nan(back.rate_hz, trial.rate_hz)


def test_zz_fuzz_case_count():
    """Runs last in this module: enough cases were tried (see the terminal summary)."""
    reads = sum(v for (k, _), v in COUNTS.items() if k.startswith("read"))
    writes = sum(v for (k, _), v in COUNTS.items() if k.startswith("write"))
    if reads == 0 and writes == 0:
        pytest.skip("fuzz tests were not run in this session")
    assert reads >= 500 and writes >= 100, COUNTS

