"""Every public entry point of the core rejects bad input with lungelab's own error.

Wrong types, out-of-range numbers, NaN, ±inf, ``None`` and strings given to
:class:`~lungelab.Subject`, :class:`~lungelab.ExternalLoad`,
:class:`~lungelab.LungePosture`, :class:`~lungelab.LungeModel` (constructor,
``solve``, ``evaluate``, ``with_``, ``convergence_sensitivity``), the functions of
:mod:`lungelab.knee` and :func:`lungelab.model.grf_convergence_parameters` must raise
:class:`~lungelab.InputRangeError` whose message names the parameter and its valid
range — never a NumPy/SymPy/Python traceback (``ValueError: could not convert``,
``AttributeError``, ``KeyError``...) and never a silent NaN.  ``lungelab pose`` must exit
with status 2 and one line on stderr naming the option and its range.

A case that fails here is a *leak*: the test names the function and the input; the
fix belongs in the function (validate at the edge, raise ``InputRangeError``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from lungelab import (
    ExternalLoad,
    InputRangeError,
    LungeModel,
    LungePosture,
    Subject,
)
from lungelab import knee as knee_mod
from lungelab.cli import main
from lungelab.model import grf_convergence_parameters
from lungelab.posture import ANGLE_RANGES_DEG

NAN, INF = float("nan"), float("inf")


def rng(lo, hi) -> str:
    """How a valid range appears in lungelab's messages."""
    return f"[{float(lo)}, {float(hi)}]"


def expect_range_error(call, param: str, valid: str | None = None) -> InputRangeError:
    """``call()`` must raise InputRangeError naming ``param`` (and ``valid``, if given)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")      # a NumPy warning is a leak too
            call()
    except InputRangeError as exc:
        msg = str(exc)
        assert param in msg, f"message does not name {param!r}: {msg}"
        if valid is not None:
            assert valid in msg, f"message does not give the valid range {valid!r}: {msg}"
        assert "expected" in msg
        return exc
    except Exception as exc:  # noqa: BLE001 - the point is to catch the leak
        pytest.fail(f"leaks {type(exc).__name__}: {exc}", pytrace=False)
    pytest.fail("accepted the invalid input without raising InputRangeError", pytrace=False)


BAD_NUMBERS = {  # label -> value: never a valid number
    "nan": NAN, "inf": INF, "-inf": -INF, "str": "75", "text": "abc", "bool": True,
    "list": [1.0], "complex": 1 + 1j,
}

# ---------------------------------------------------------------------------------------
# Subject and ExternalLoad
# ---------------------------------------------------------------------------------------
SUBJECT_NUMBERS = {
    "mass_kg": (20.0, 300.0), "height_m": (1.0, 2.3), "thigh_length_m": (0.2, 0.7),
    "shank_length_m": (0.2, 0.7), "foot_length_m": (0.15, 0.4),
    "ankle_height_m": (0.03, 0.15), "trunk_length_m": (0.3, 0.8),
    "ankle_fraction": (0.1, 0.4), "ball_fraction": (0.6, 0.9),
}
OPTIONAL = {"thigh_length_m", "shank_length_m", "foot_length_m", "ankle_height_m",
            "trunk_length_m"}


def _number_cases(ranges, optional=frozenset()):
    for name, (lo, hi) in ranges.items():
        values = dict(BAD_NUMBERS, below=lo - 0.01 * (hi - lo) - 1e-6,
                      above=hi + 0.01 * (hi - lo) + 1e-6)
        if name not in optional:
            values["None"] = None
        for label, v in values.items():
            yield pytest.param(name, v, lo, hi, id=f"{name}={label}")


@pytest.mark.parametrize(("name", "value", "lo", "hi"), list(_number_cases(SUBJECT_NUMBERS,
                                                                           OPTIONAL)))
def test_subject_numbers(name, value, lo, hi):
    expect_range_error(lambda: Subject(**{name: value}), name, rng(lo, hi))


@pytest.mark.parametrize("value", ["Male", "x", None, 1, ["male"]])
def test_subject_sex(value):
    expect_range_error(lambda: Subject(sex=value), "sex", "'male' or 'female'")


@pytest.mark.parametrize("value", ["dempster", None, 0])
def test_subject_table(value):
    expect_range_error(lambda: Subject(table=value), "table", "de_leva")


def test_subject_with_revalidates():
    expect_range_error(lambda: Subject().with_(mass_kg="heavy"), "mass_kg", rng(20, 300))


@pytest.mark.parametrize(("label", "value"), [*BAD_NUMBERS.items(), ("None", None),
                                              ("negative", -1.0), ("above", 301.0)])
def test_external_load_mass(label, value):
    expect_range_error(lambda: ExternalLoad(mass_kg=value), "mass_kg", rng(0, 300))


@pytest.mark.parametrize("value", ["feet", None, 1, ""])
def test_external_load_at(value):
    expect_range_error(lambda: ExternalLoad(at=value), "at", "'hands' or 'shoulders'")


# ---------------------------------------------------------------------------------------
# LungePosture
# ---------------------------------------------------------------------------------------
POSTURE_NUMBERS = dict(ANGLE_RANGES_DEG, knee_past_toes_m=(-0.6, 0.6))


@pytest.mark.parametrize(("name", "value", "lo", "hi"), list(_number_cases(
    POSTURE_NUMBERS, optional={"front_shank_angle_deg", "knee_past_toes_m"})))
def test_posture_numbers(name, value, lo, hi):
    expect_range_error(lambda: LungePosture(**{name: value}), name, rng(lo, hi))


def test_posture_rejects_both_shank_descriptions():
    expect_range_error(lambda: LungePosture(front_shank_angle_deg=5.0, knee_past_toes_m=0.0),
                       "knee_past_toes_m")


@pytest.mark.parametrize("subject", ["75 kg", None, 75.0], ids=["str", "None", "float"])
@pytest.mark.parametrize("method", ["shank_angle_deg", "model_parameters"])
def test_posture_methods_reject_a_non_subject(method, subject):
    posture = LungePosture(knee_past_toes_m=0.0)
    expect_range_error(lambda: getattr(posture, method)(subject), "subject", "Subject")


# ---------------------------------------------------------------------------------------
# LungeModel: constructor, with_, solve
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["75", 75.0, {"mass_kg": 75}], ids=["str", "float", "dict"])
def test_model_rejects_a_non_subject(value):
    expect_range_error(lambda: LungeModel(subject=value).solve(), "subject", "Subject")


@pytest.mark.parametrize("value", [10.0, "10 kg"], ids=["float", "str"])
def test_model_rejects_a_non_load(value):
    expect_range_error(lambda: LungeModel(load=value).solve(), "load", "ExternalLoad")


@pytest.mark.parametrize("value", ["hips", "", None, NAN, INF, -1.0, 0.01, 25.0, True, [1.0]],
                         ids=["text", "empty", "None", "nan", "inf", "neg", "low", "high",
                              "bool", "list"])
def test_model_grf_convergence(value):
    expect_range_error(lambda: LungeModel(grf_convergence=value), "grf_convergence", "0.05")
    expect_range_error(lambda: grf_convergence_parameters(value), "grf_convergence", "0.05")
    expect_range_error(lambda: LungeModel().with_(grf_convergence=value), "grf_convergence",
                       "0.05")


@pytest.mark.parametrize("value", ["cubic", None, 1])
def test_model_contact_area_model(value):
    expect_range_error(lambda: LungeModel(contact_area_model=value), "contact_area_model",
                       "quartic")


@pytest.mark.parametrize("value", ["no", None, 2], ids=["str", "None", "int"])
def test_model_weight_bearing_area_must_be_a_bool(value):
    expect_range_error(lambda: LungeModel(weight_bearing_area=value), "weight_bearing_area",
                       "True or False")


SHARE_BAD = [*BAD_NUMBERS.items(), ("below", -0.01), ("above", 1.01)]


@pytest.mark.parametrize("share", ["front_share", "front_heel_share"])
@pytest.mark.parametrize(("label", "value"), SHARE_BAD)
def test_solve_shares(share, label, value):
    expect_range_error(lambda: LungeModel().solve(**{share: value}), share, rng(0, 1))


def test_solve_rejects_both_shares():
    expect_range_error(lambda: LungeModel().solve(front_share=0.5, front_heel_share=0.5),
                       "front_share")


@pytest.mark.parametrize("posture", ["deep", 90.0, {"front_knee_flexion_deg": 90.0}],
                         ids=["str", "float", "dict"])
def test_solve_rejects_a_non_posture(posture):
    expect_range_error(lambda: LungeModel().solve(posture), "posture", "LungePosture")


@pytest.mark.parametrize("posture", ["deep", {"front_knee_flexion_deg": 90.0}],
                         ids=["str", "dict"])
def test_convergence_sensitivity_rejects_a_non_posture(posture):
    expect_range_error(lambda: LungeModel().convergence_sensitivity(posture), "posture",
                       "LungePosture")


def test_convergence_sensitivity_rejects_a_bad_option():
    expect_range_error(lambda: LungeModel().convergence_sensitivity(options=("com", "hips")),
                       "grf_convergence")


# ---------------------------------------------------------------------------------------
# LungeModel.evaluate
# ---------------------------------------------------------------------------------------
EVAL_ANGLES = {k: v for k, v in ANGLE_RANGES_DEG.items()}
ARRAY_BAD = {
    "nan": NAN, "inf": INF, "text": "abc", "None": None, "nan_inside": [90.0, NAN],
    "text_inside": [90.0, "x"], "ragged": [[90.0], [80.0, 70.0]], "complex": [90 + 1j],
    "complex_array": np.array([90 + 1j]), "bool": True,
}


def _array_cases():
    for name, (lo, hi) in EVAL_ANGLES.items():
        values = dict(ARRAY_BAD, below=[lo - 1.0], above=[hi + 1.0])
        for label, v in values.items():
            yield pytest.param(name, v, lo, hi, id=f"{name}={label}")


@pytest.mark.parametrize(("name", "value", "lo", "hi"), list(_array_cases()))
def test_evaluate_angles(name, value, lo, hi):
    expect_range_error(lambda: LungeModel().evaluate(**{name: value}), name, rng(lo, hi))


NOT_GIVEN_OK = {k: v for k, v in ARRAY_BAD.items() if k != "None"}  # None = not given


@pytest.mark.parametrize("share", ["front_share", "front_heel_share"])
@pytest.mark.parametrize(("label", "value"), [*NOT_GIVEN_OK.items(), ("below", [-0.1]),
                                              ("above", [1.1])])
def test_evaluate_shares(share, label, value):
    expect_range_error(lambda: LungeModel().evaluate(**{share: value}), share, rng(0, 1))


@pytest.mark.parametrize(("label", "value"), [*NOT_GIVEN_OK.items(), ("above", [0.7])])
def test_evaluate_knee_past_toes(label, value):
    expect_range_error(lambda: LungeModel().evaluate(knee_past_toes_m=value), "knee_past_toes_m")


def test_evaluate_shapes_that_do_not_broadcast():
    expect_range_error(lambda: LungeModel().evaluate(front_knee_flexion_deg=np.full(3, 90.0),
                                                     trunk_lean_deg=np.full(4, 10.0)),
                       "trunk_lean_deg", "broadcast")


@pytest.mark.parametrize(("label", "overrides"), [
    ("unknown symbol", {"mass": 70.0}),
    ("text value", {"m": "heavy"}),
    ("nan value", {"m": NAN}),
    ("inf value", {"L_th": INF}),
    ("not a mapping", "m"),
])
def test_evaluate_overrides(label, overrides):
    expect_range_error(lambda: LungeModel().evaluate(overrides=overrides), "overrides")


# ---------------------------------------------------------------------------------------
# lungelab.knee
# ---------------------------------------------------------------------------------------
KNEE_ARRAY_FUNCS = ("quad_moment_arm_m", "pfj_force_ratio", "contact_area_mm2")


@pytest.mark.parametrize("func", KNEE_ARRAY_FUNCS)
@pytest.mark.parametrize(("label", "value"), [("text", "abc"), ("None", None),
                                              ("text_inside", [30.0, "x"]),
                                              ("ragged", [[30.0], [1.0, 2.0]])])
def test_knee_functions_reject_non_numbers(func, label, value):
    expect_range_error(lambda: getattr(knee_mod, func)(value), "knee_flexion_deg")


@pytest.mark.parametrize(("label", "kwargs", "param"), [
    ("model", {"model": "cubic"}, "contact_area_model"),
    ("model None", {"model": None}, "contact_area_model"),
    ("sex", {"model": "besier2005", "sex": "x"}, "sex"),
    ("sex list", {"model": "besier2005", "sex": ["male"]}, "sex"),
])
def test_knee_contact_area_options(label, kwargs, param):
    expect_range_error(lambda: knee_mod.contact_area_mm2(45.0, **kwargs), param)


@pytest.mark.parametrize(("label", "args", "param"), [
    ("moment text", ("100 Nm", 60.0), "knee_extensor_moment_nm"),
    ("moment None", (None, 60.0), "knee_extensor_moment_nm"),
    ("angle text", (100.0, "sixty"), "knee_flexion_deg"),
    ("angle None", (100.0, None), "knee_flexion_deg"),
    ("shapes", ([100.0, 120.0], [60.0, 70.0, 80.0]), "knee_flexion_deg"),
])
def test_knee_pfj_chain(label, args, param):
    expect_range_error(lambda: knee_mod.pfj_chain(*args), param)


@pytest.mark.parametrize(("label", "args", "param"), [
    ("text", ("x",), "knee_flexion_deg"),
    ("None", (None,), "knee_flexion_deg"),
    ("nan", (NAN,), "knee_flexion_deg"),
    ("inf", (INF,), "knee_flexion_deg"),
    ("list", ([60.0, 70.0],), "knee_flexion_deg"),
    ("model", (60.0, "cubic"), "contact_area_model"),
    ("sex", (60.0, "besier2005", "x"), "sex"),
])
def test_knee_validity_warnings(label, args, param):
    expect_range_error(lambda: knee_mod.validity_warnings(*args), param)


def test_knee_functions_accept_valid_input():
    """The rejections above must not come from rejecting everything."""
    out = knee_mod.pfj_chain(np.array([100.0, -5.0]), np.array([60.0, 90.0]))
    assert np.all(np.isfinite(out["pfj_stress_mpa"]))
    assert knee_mod.validity_warnings(60.0) == []
    assert math.isfinite(float(knee_mod.contact_area_mm2(45.0, "besier2005", "female")))


# ---------------------------------------------------------------------------------------
# lungelab pose
# ---------------------------------------------------------------------------------------
NUMERIC_OPTIONS = {
    "--mass": (20, 300), "--height": (1.0, 2.3),
    "--front-knee": ANGLE_RANGES_DEG["front_knee_flexion_deg"],
    "--shank-angle": ANGLE_RANGES_DEG["front_shank_angle_deg"],
    "--knee-past-toes": (-0.6, 0.6),
    "--trunk-lean": ANGLE_RANGES_DEG["trunk_lean_deg"],
    "--rear-knee": ANGLE_RANGES_DEG["rear_knee_flexion_deg"],
    "--rear-foot-angle": ANGLE_RANGES_DEG["rear_foot_angle_deg"],
    "--front-share": (0, 1), "--front-heel-share": (0, 1), "--load": (0, 300),
    "--grf-convergence": (0.05, 20),
}
CHOICE_OPTIONS = {"--sex": "x", "--load-at": "feet", "--contact-area": "cubic",
                  "--format": "xml"}


def run_pose(capsys, *argv):
    try:
        code = main(["pose", *argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _cli_cases():
    for opt, (lo, hi) in NUMERIC_OPTIONS.items():
        span = float(hi) - float(lo)
        for label, text in (("text", "abc"), ("empty", ""), ("nan", "nan"), ("inf", "inf"),
                            ("-inf", "-inf"), ("huge", "1e400"), ("below", f"{lo - span}"),
                            ("above", f"{hi + span}"), ("hex", "0x10")):
            yield pytest.param(opt, text, id=f"{opt}={label}")
    for opt, text in CHOICE_OPTIONS.items():
        yield pytest.param(opt, text, id=f"{opt}={text}")


@pytest.mark.parametrize(("option", "text"), list(_cli_cases()))
def test_cli_pose_rejects(capsys, option, text):
    code, out, err = run_pose(capsys, f"{option}={text}")
    assert code == 2, (code, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert option in err, err
    assert "[" in err or "choose from" in err or "expected" in err, err


@pytest.mark.parametrize("argv", [
    ("--knee-past-toes", "0.55"),                     # out of this subject's reach
    ("--front-knee", "140", "--rear-knee", "0", "--rear-foot-angle", "0"),
    ("--front-share", "0.5", "--front-heel-share", "0.5"),
    ("--shank-angle", "5", "--knee-past-toes", "0"),
    ("--mass",),
])
def test_cli_pose_other_errors_are_one_line_exit_2(capsys, argv):
    code, out, err = run_pose(capsys, *argv)
    if code == 0:        # a legal (if odd) posture: fine, as long as it printed something
        assert out
        return
    assert code == 2, (code, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_every_pose_option_is_covered():
    """A new ``lungelab pose`` option must be added to the tables above."""
    import argparse

    from lungelab.cli import build_parser

    sub = next(a for a in build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    pose = sub.choices["pose"]
    options = {s for a in pose._actions for s in a.option_strings
               if s.startswith("--") and s != "--help"}
    assert options == set(NUMERIC_OPTIONS) | set(CHOICE_OPTIONS)
