"""Anthropometrics: tables as published, lengths, overrides and input validation."""

from __future__ import annotations

import math

import pytest

from lungelab.body import ExternalLoad, Subject, segment_table
from lungelab.errors import InputRangeError

# reference sheet §3 (de Leva 1996; Winter 2009 Table 4.1; Drillis & Contini)
DE_LEVA_MALE = {"head_neck": 0.0694, "trunk": 0.4346, "upper_arm": 0.0271, "forearm": 0.0162,
                "hand": 0.0061, "thigh": 0.1416, "shank": 0.0433, "foot": 0.0137}
DE_LEVA_FEMALE = {"head_neck": 0.0668, "trunk": 0.4257, "upper_arm": 0.0255,
                  "forearm": 0.0138, "hand": 0.0056, "thigh": 0.1478, "shank": 0.0481,
                  "foot": 0.0129}


@pytest.mark.parametrize(("sex", "tab"), [("male", DE_LEVA_MALE), ("female", DE_LEVA_FEMALE)])
def test_de_leva_fractions_sum_to_one(sex, tab):
    paired = ("upper_arm", "forearm", "hand", "thigh", "shank", "foot")
    total = sum(v * (2 if k in paired else 1) for k, v in tab.items())
    assert total == pytest.approx(1.0, abs=2e-4)
    s = Subject(sex=sex)
    assert s.total_mass_fraction() == pytest.approx(total, abs=1e-12)
    p = s.model_parameters()
    assert p["f_th"] == tab["thigh"] and p["f_sh"] == tab["shank"] and p["f_ft"] == tab["foot"]
    assert p["f_tr"] == tab["trunk"] and p["f_hd"] == tab["head_neck"]
    assert p["f_arm"] == pytest.approx(2 * (tab["upper_arm"] + tab["forearm"] + tab["hand"]))


def test_winter_fractions_sum_to_one():
    s = Subject(table="winter")
    p = s.model_parameters()
    assert (p["f_tr"], p["f_th"], p["f_sh"], p["f_ft"]) == (0.678, 0.100, 0.0465, 0.0145)
    assert p["c_tr"] == 0.626 and p["f_hd"] == 0 and p["f_arm"] == 0
    assert s.total_mass_fraction() == pytest.approx(1.0, abs=1e-12)


def test_com_fractions_are_converted_to_the_models_origins():
    """de Leva gives the trunk COM from C7 and the head COM from the vertex; the model
    measures both from the shoulder/hip side, so they are complemented."""
    p = Subject().model_parameters()
    assert p["c_tr"] == pytest.approx(1 - 0.5138)
    assert p["c_hd"] == pytest.approx(1 - 0.5002)
    assert p["c_th"] == 0.4095 and p["c_sh"] == 0.4459 and p["c_ft"] == 0.4415
    pf = Subject(sex="female").model_parameters()
    assert pf["c_th"] == 0.3612 and pf["c_tr"] == pytest.approx(1 - 0.4964)


def test_arm_com_drop_by_hand():
    """Male 1.80 m: upper arm 0.186H, forearm 0.146H, hand 0.108H; COM of each at
    0.5772, 0.4574, 0.7900 of its length; mass-weighted drop below the shoulder."""
    H = 1.80
    lu, lf, lh = 0.186 * H, 0.146 * H, 0.108 * H
    drop = (0.0271 * 0.5772 * lu + 0.0162 * (lu + 0.4574 * lf)
            + 0.0061 * (lu + lf + 0.79 * lh)) / (0.0271 + 0.0162 + 0.0061)
    assert Subject(height_m=H).model_parameters()["d_arm"] == pytest.approx(drop, rel=1e-12)
    assert Subject(height_m=H).arm_length == pytest.approx(lu + lf + lh / 2, rel=1e-12)


def test_lengths_from_height():
    s = Subject(height_m=1.80)
    assert s.thigh_length == pytest.approx(0.245 * 1.8)
    assert s.shank_length == pytest.approx(0.246 * 1.8)
    assert s.foot_length == pytest.approx(0.152 * 1.8)
    assert s.ankle_height == pytest.approx(0.039 * 1.8)
    assert s.trunk_length == pytest.approx((0.818 - 0.530) * 1.8)
    assert s.head_length == pytest.approx((1 - 0.818) * 1.8)
    # Drillis lengths vs de Leva's mean subject (1.741 m): thigh 422, shank 434 mm
    m = Subject(height_m=1.741)
    assert m.thigh_length == pytest.approx(0.4222, rel=0.02)
    assert m.shank_length == pytest.approx(0.4340, rel=0.02)


def test_measured_lengths_override():
    s = Subject(height_m=1.80, thigh_length_m=0.5, shank_length_m=0.41, foot_length_m=0.27,
                ankle_height_m=0.09, trunk_length_m=0.6)
    p = s.model_parameters()
    assert (p["L_th"], p["L_sh"], p["L_ft"], p["h_ank"], p["L_tr"]) == \
        (0.5, 0.41, 0.27, 0.09, 0.6)
    assert p["L_hd"] == pytest.approx((1 - 0.818) * 1.8)     # not measurable: from height
    t = segment_table(s)
    assert t["thigh"]["length_m"] == 0.5 and t["foot"]["length_m"] == 0.27


def test_segment_table_inertia():
    s = Subject(mass_kg=80, height_m=1.8)
    t = segment_table(s)
    L = 0.245 * 1.8
    assert t["thigh"]["mass_kg"] == pytest.approx(0.1416 * 80)
    assert t["thigh"]["inertia_kgm2"] == pytest.approx(0.1416 * 80 * (0.329 * L) ** 2)


def test_with_revalidates_and_keeps_other_fields():
    s = Subject(mass_kg=70, sex="female")
    s2 = s.with_(mass_kg=90)
    assert s2.mass_kg == 90 and s2.sex == "female"
    assert s2.model_parameters()["m"] == 90
    with pytest.raises(InputRangeError, match="mass_kg"):
        s.with_(mass_kg=-1)


@pytest.mark.parametrize(("kw", "name"), [
    ({"mass_kg": -5}, "mass_kg"), ({"mass_kg": 0}, "mass_kg"), ({"mass_kg": 301}, "mass_kg"),
    ({"mass_kg": math.nan}, "mass_kg"), ({"mass_kg": "75"}, "mass_kg"),
    ({"mass_kg": True}, "mass_kg"), ({"height_m": 0.5}, "height_m"),
    ({"height_m": math.inf}, "height_m"), ({"sex": "m"}, "sex"), ({"table": "dempster"}, "table"),
    ({"thigh_length_m": 1.2}, "thigh_length_m"), ({"shank_length_m": 0.1}, "shank_length_m"),
    ({"foot_length_m": math.nan}, "foot_length_m"), ({"ankle_height_m": 0.5}, "ankle_height_m"),
    ({"trunk_length_m": -0.4}, "trunk_length_m"), ({"ankle_fraction": 0.5}, "ankle_fraction"),
    ({"ball_fraction": 0.95}, "ball_fraction"),
])
def test_invalid_subject(kw, name):
    with pytest.raises(InputRangeError) as e:
        Subject(**kw)
    assert e.value.name == name
    msg = str(e.value)
    assert msg.startswith(name) and "expected" in msg


@pytest.mark.parametrize(("kw", "name"), [
    ({"mass_kg": -1}, "load mass_kg"), ({"mass_kg": math.nan}, "load mass_kg"),
    ({"mass_kg": 500}, "load mass_kg"), ({"at": "head"}, "load at"),
])
def test_invalid_load(kw, name):
    with pytest.raises(InputRangeError) as e:
        ExternalLoad(**kw)
    assert e.value.name == name and name in str(e.value)


def test_numpy_scalars_accepted():
    np = pytest.importorskip("numpy")
    s = Subject(mass_kg=np.float64(72.5), height_m=np.float32(1.7))
    assert isinstance(s.mass_kg, float) and s.mass_kg == 72.5
