"""``lungelab pose``: the JSON contract, its numbers, and one-line errors with status 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from lungelab.cli import main

JOINTS = {"front_ankle", "front_knee", "front_hip", "rear_ankle", "rear_knee", "rear_hip"}
TOP = {"inputs", "balanced", "warnings", "front_share", "rear_share", "front_heel_share",
       "front_toes_share", "knee_past_toes_m", "rear_knee_height_m", "step_length_m",
       "joint_angles_deg", "moments_nm", "moments_nm_per_kg", "grf_n", "grf_horizontal_n",
       "positions_m", "quad_force_n", "pfj_force_n", "pfj_stress_mpa"}
POINTS = {"front_heel", "front_ball", "front_toe", "front_ankle", "front_knee", "hip",
          "shoulder", "head_top", "rear_knee", "rear_ankle", "rear_heel", "rear_ball",
          "rear_toe", "com", "com_system"}


def run(capsys, *argv):
    """Run the CLI in-process → (status, stdout, stderr)."""
    try:
        code = main(["pose", *argv])
    except SystemExit as e:          # argparse errors exit through SystemExit
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def pose_json(capsys, *argv):
    code, out, err = run(capsys, "--format", "json", *argv)
    assert code == 0, err
    return json.loads(out)


def check_contract(d):
    assert set(d) == TOP
    for k in ("joint_angles_deg", "moments_nm", "moments_nm_per_kg"):
        assert set(d[k]) == JOINTS, k
    assert set(d["grf_n"]) == {"front_heel", "front_toes", "rear"}
    assert set(d["grf_horizontal_n"]) == {"front", "rear"}
    assert set(d["positions_m"]) == POINTS
    assert all(len(v) == 2 for v in d["positions_m"].values())
    assert isinstance(d["warnings"], list) and isinstance(d["balanced"], bool)


def test_default_json_contract_and_numbers(capsys):
    d = pose_json(capsys)
    check_contract(d)
    assert d["balanced"] is True and d["warnings"] == []
    assert d["rear_share"] == pytest.approx(1 - d["front_share"], abs=1e-12)
    assert d["front_heel_share"] == 0.6
    assert d["front_toes_share"] == pytest.approx(0.4, abs=1e-12)
    W = sum(d["grf_n"].values())
    assert W == pytest.approx(75 * 9.80665 * 1.0, rel=2e-4)
    assert d["grf_n"]["front_heel"] / (d["grf_n"]["front_heel"] + d["grf_n"]["front_toes"]) \
        == pytest.approx(0.6, abs=1e-12)
    assert d["grf_horizontal_n"]["front"] == pytest.approx(-d["grf_horizontal_n"]["rear"],
                                                           abs=1e-9)
    for j in JOINTS:
        assert d["moments_nm_per_kg"][j] * 75 == pytest.approx(d["moments_nm"][j], rel=1e-12)
    assert d["joint_angles_deg"]["front_knee"] == pytest.approx(90)
    assert d["knee_past_toes_m"] == pytest.approx(-0.75 * 0.152 * 1.75, abs=1e-12)
    assert d["step_length_m"] == pytest.approx(d["positions_m"]["front_ball"][0]
                                               - d["positions_m"]["rear_ball"][0], abs=1e-12)
    assert d["quad_force_n"] > 0 and d["pfj_force_n"] > 0 and d["pfj_stress_mpa"] > 0
    assert d["inputs"]["mass_kg"] == 75 and d["inputs"]["grf_convergence"] == "com"


def test_subprocess_module_entry_point():
    p = subprocess.run([sys.executable, "-m", "lungelab.cli", "pose", "--format", "json"],
                       capture_output=True, text=True, timeout=60, check=False)
    assert p.returncode == 0, p.stderr
    check_contract(json.loads(p.stdout))


def test_options_reach_the_model(capsys):
    d = pose_json(capsys, "--mass", "60", "--height", "1.6", "--sex", "female",
                  "--front-knee", "100", "--shank-angle", "20", "--trunk-lean", "25",
                  "--rear-knee", "100", "--rear-foot-angle", "45", "--front-share", "0.7",
                  "--load", "10", "--load-at", "shoulders", "--grf-convergence", "vertical",
                  "--contact-area", "besier2005")
    check_contract(d)
    assert d["balanced"] is True
    assert d["front_share"] == pytest.approx(0.7, abs=1e-12)
    assert sum(d["grf_n"].values()) == pytest.approx(70 * 9.80665, rel=2e-4)
    assert d["grf_horizontal_n"] == {"front": 0.0, "rear": 0.0}
    assert d["joint_angles_deg"]["front_ankle"] == pytest.approx(20)
    assert d["inputs"]["contact_area_model"] == "besier2005"
    assert d["inputs"]["load_at"] == "shoulders"
    for j in JOINTS:
        assert d["moments_nm_per_kg"][j] * 60 == pytest.approx(d["moments_nm"][j], rel=1e-12)


def test_knee_past_toes_option(capsys):
    d = pose_json(capsys, "--knee-past-toes", "0.05")
    assert d["knee_past_toes_m"] == pytest.approx(0.05, abs=1e-12)
    assert d["inputs"]["front_shank_angle_deg_resolved"] > 0


def test_unbalanced_posture_reports_nulls(capsys):
    d = pose_json(capsys, "--front-share", "0.99")
    assert set(d) == TOP
    assert d["balanced"] is False
    for k in ("moments_nm", "moments_nm_per_kg", "grf_n", "grf_horizontal_n", "front_share",
              "rear_share", "quad_force_n", "pfj_force_n", "pfj_stress_mpa"):
        assert d[k] is None, k
    assert d["warnings"][0].startswith("not balanced")
    assert "front_share" in d["warnings"][0]


def test_com_system_includes_the_load(capsys):
    """A 40 kg load held in the hands (grip ≈ 0.32 m above the floor) lowers the COM of
    body + load about 0.1 m below the body's own COM (≈ 0.6 m)."""
    d = pose_json(capsys, "--load", "40")
    com, sys_com = d["positions_m"]["com"], d["positions_m"]["com_system"]
    grip_y = d["positions_m"]["shoulder"][1] - (0.186 + 0.146 + 0.054) * 1.75
    assert sys_com[1] == pytest.approx((75 * com[1] + 40 * grip_y) / 115, abs=2e-3)
    assert sys_com[1] < com[1] - 0.09


def test_grf_convergence_height_and_table_output(capsys):
    d = pose_json(capsys, "--grf-convergence", "1.5")
    assert d["inputs"]["grf_convergence"] == 1.5
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert "balanced" in out and "front_knee" in out and "PFJ stress" in out


@pytest.mark.parametrize(("argv", "option"), [
    (["--front-knee", "170"], "--front-knee"),
    (["--mass", "-5"], "--mass"),
    (["--mass=-5"], "--mass"),
    (["--front-share", "1.5"], "--front-share"),
    (["--front-heel-share", "-0.1"], "--front-heel-share"),
    (["--trunk-lean", "nan"], "--trunk-lean"),
    (["--front-knee", "NaN"], "--front-knee"),
    (["--height", "inf"], "--height"),
    (["--rear-knee", "ninety"], "--rear-knee"),
    (["--shank-angle", "75"], "--shank-angle"),
    (["--grf-convergence", "0.01"], "--grf-convergence"),
])
def test_invalid_value_one_line_with_range(capsys, argv, option):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert option in lines[0]
    assert re.search(r"\[[-\d.]+, [-\d.]+\]", lines[0]), lines[0]


@pytest.mark.parametrize("argv", [
    ["--front-share", "0.6", "--front-heel-share", "0.5"],
    ["--shank-angle", "10", "--knee-past-toes", "0.0"],
])
def test_mutually_exclusive_options(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert argv[0] in lines[0] and argv[2] in lines[0]


def test_knee_past_toes_out_of_reach(capsys):
    """Within the option's ±0.6 m but beyond this subject's shank (needs sin φ > 1)."""
    code, out, err = run(capsys, "--knee-past-toes", "0.5")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert re.search(r"knee[-_]past[-_]toes", lines[0])
    assert re.search(r"\[[-\d.]+, [-\d.]+\]", lines[0])


@pytest.mark.parametrize(("argv", "words"), [
    (["--front-knee", "0", "--shank-angle", "0", "--rear-knee", "150"], "rear foot cannot reach"),
    (["--front-knee", "130", "--shank-angle", "-30", "--rear-foot-angle", "80"],
     "below the floor"),
])
def test_infeasible_posture_exits_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("lungelab pose: error:") and words in lines[0]
