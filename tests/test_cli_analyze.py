"""Tests of ``lungelab analyze``: outputs, per-file errors, exit statuses, progress bar."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lungelab.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "data" / "synthetic" / "S02_backward_good.csv"
FAST = ROOT / "data" / "synthetic" / "S02_backward_fast.csv"
SQUAT = ROOT / "data" / "real" / "opencap-subject4-squat-sts" / "squats1.trc"


@pytest.fixture()
def bad_file(tmp_path):
    p = tmp_path / "broken.csv"
    p.write_text("not,a,motion,file\n1,2,3,4\n", encoding="utf-8")
    return p


def test_table_output_for_one_good_file(capsys):
    assert main(["analyze", str(GOOD)]) == 0
    out, err = capsys.readouterr()
    assert "S02_backward_good.csv" in out and "backward_lunge" in out
    assert "Session summary" in out and "2-3 sets of 8-12" in out
    assert "weight in the front heel" in out
    assert err == ""                                   # no progress bar for one file


def test_bad_file_is_reported_and_the_others_analysed(capsys, bad_file):
    missing = bad_file.parent / "missing.trc"
    status = main(["analyze", str(GOOD), str(bad_file), str(missing), str(FAST)])
    out, err = capsys.readouterr()
    assert status == 1
    assert f"lungelab analyze: error: {bad_file}" in err
    assert f"lungelab analyze: error: {missing}: file not found" in err
    assert "S02_backward_good.csv" in out and "S02_backward_fast.csv" in out
    assert "2 file(s) could not be analysed" in out
    assert "[" in err and "4/4" in err                 # progress bar on stderr


def test_json_output(capsys, bad_file):
    assert main(["analyze", str(GOOD), str(bad_file), "--format", "json"]) == 1
    out, _ = capsys.readouterr()
    doc = json.loads(out)
    assert len(doc["files"]) == 1 and len(doc["errors"]) == 1
    f = doc["files"][0]
    assert f["summary"]["movement"] == "backward_lunge"
    assert len(f["reps"]) == 16 and f["reps"][0]["leg"] == "right"
    assert f["reps"][0]["knee_not_past_toes_pass"] is True
    assert doc["session"]["legs"]["left"]["sets"] == 1


def test_csv_to_file_with_subject_options(tmp_path, capsys):
    out = tmp_path / "report.csv"
    assert main(["analyze", str(SQUAT), "--mass", "60", "--height", "1.7", "--format", "csv",
                 "--out", str(out)]) == 0
    _, err = capsys.readouterr()
    assert "report written to" in err
    df = pd.read_csv(out)
    assert len(df) == 10 and set(df["movement"]) == {"squat"}
    assert df["peak_knee_extensor_moment_nm_per_kg"].notna().all()
    assert df["knee_not_past_toes_pass"].isna().all()          # rule does not apply


def test_usage_errors_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(GOOD), "--mass", "5"])
    assert exc.value.code == 2
    assert "--mass" in capsys.readouterr().err
    assert main(["analyze", str(GOOD), "--out", str(tmp_path / "no" / "dir.txt")]) == 2
    assert "no/dir.txt" in capsys.readouterr().err


def test_console_script_end_to_end(bad_file):
    res = subprocess.run([sys.executable, "-m", "lungelab.cli", "analyze", str(bad_file)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert "broken.csv" in res.stderr
