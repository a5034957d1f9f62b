"""Patellofemoral chain: the reference sheet's numbers (biomech-models.md §1)."""

from __future__ import annotations

import numpy as np
import pytest

from lungelab import LungeModel, LungePosture, Subject, knee
from lungelab.errors import InputRangeError


def test_worked_example_105_nm_at_90_deg():
    """M = 105 N·m at 90° → MA 24.2 mm → F_quad ≈ 4339 N → k 0.981 → F_pfj ≈ 4257 N →
    σ ≈ 21.8 MPa with the quartic area (195 mm²), ≈ 8.2 MPa with 520 mm².
    (The sheet rounds MA to 24.2 mm; the cubic gives 24.22 mm, hence 4335 vs 4339 N.)"""
    c = knee.pfj_chain(105.0, 90.0)
    assert c["moment_arm_m"] * 1e3 == pytest.approx(24.2, abs=0.05)
    assert c["quad_force_n"] == pytest.approx(4339, rel=2e-3)
    assert c["quad_force_n"] == pytest.approx(105.0 / c["moment_arm_m"], rel=1e-12)
    assert c["force_ratio"] == pytest.approx(0.981, abs=5e-4)
    assert c["pfj_force_n"] == pytest.approx(4257, rel=2e-3)
    assert c["pfj_force_n"] == pytest.approx(c["force_ratio"] * c["quad_force_n"], rel=1e-12)
    assert c["contact_area_mm2"] == pytest.approx(195, abs=0.5)
    assert c["pfj_stress_mpa"] == pytest.approx(21.8, abs=0.05)
    assert c["pfj_force_n"] / 520.0 == pytest.approx(8.2, abs=0.05)


@pytest.mark.parametrize(("deg", "ma_mm", "k", "area"), [
    (0, 46.0, 0.462, 81), (30, 44.9, 0.743, 213), (60, 33.3, 0.947, 235),
    (90, 24.2, 0.981, 195)])
def test_listed_values(deg, ma_mm, k, area):
    assert knee.quad_moment_arm_m(deg) * 1e3 == pytest.approx(ma_mm, abs=0.05)
    assert knee.pfj_force_ratio(deg) == pytest.approx(k, abs=5e-4)
    assert knee.contact_area_mm2(deg) == pytest.approx(area, abs=0.5)


def test_quartic_area_is_the_stable_variant():
    """The variant with +0.0033 θ³ 'explodes': at 90° it would give > 1000 mm²."""
    wrong = 2.0e-5 * 90**4 + 0.0033 * 90**3 + 0.1099 * 90**2 + 3.5273 * 90 + 81.058
    assert wrong > 1000
    assert knee.contact_area_mm2(90) < 250


def test_besier_areas():
    """Besier 2005, upright MRI: men 210/414/520 mm² at 0/30/60°, women 269/396 at 30/60°,
    unloaded; weight bearing adds 24 %; linear between, held at the ends."""
    f = knee.contact_area_mm2
    for deg, a in ((0, 210), (30, 414), (60, 520)):
        assert f(deg, "besier2005", "male", weight_bearing=False) == pytest.approx(a)
        assert f(deg, "besier2005", "male", weight_bearing=True) == pytest.approx(1.24 * a)
    for deg, a in ((30, 269), (60, 396)):
        assert f(deg, "besier2005", "female", weight_bearing=False) == pytest.approx(a)
    assert f(45, "besier2005", "male", False) == pytest.approx((414 + 520) / 2)
    assert f(90, "besier2005", "male", False) == pytest.approx(520)     # held
    assert f(10, "besier2005", "female", False) == pytest.approx(269)   # held
    # Besier's areas are 1.5-2.2× the quartic fit at 30-60°
    for deg in (30, 45, 60):
        ratio = f(deg, "besier2005", "male", False) / f(deg)
        assert 1.5 <= ratio <= 2.3
    w = knee.validity_warnings(90, "besier2005", "male")
    assert len(w) == 1 and "held at the end value" in w[0]
    assert knee.validity_warnings(45, "besier2005", "male") == []
    assert knee.validity_warnings(10, "besier2005", "female")


def test_bad_area_options():
    with pytest.raises(InputRangeError, match="contact_area_model"):
        knee.contact_area_mm2(30, "cubic")
    with pytest.raises(InputRangeError, match="sex"):
        knee.contact_area_mm2(30, "besier2005", "other")
    with pytest.raises(InputRangeError, match="contact_area_model"):
        LungeModel(contact_area_model="cubic")


def test_negative_moment_gives_no_quadriceps_force():
    c = knee.pfj_chain(np.array([-50.0, 0.0, 50.0]), 60.0)
    assert c["quad_force_n"][0] == 0 and c["pfj_force_n"][0] == 0
    assert c["pfj_stress_mpa"][0] == 0
    assert c["quad_force_n"][1] == 0
    assert c["quad_force_n"][2] > 0


def test_stress_rises_with_moment_linearly():
    m = np.array([10.0, 20.0, 40.0])
    c = knee.pfj_chain(m, 75.0)
    np.testing.assert_allclose(c["pfj_stress_mpa"] / m, c["pfj_stress_mpa"][0] / 10.0,
                               rtol=1e-12)


def test_validity_warnings():
    assert knee.validity_warnings(90) == []
    assert knee.validity_warnings(100) == []
    w = knee.validity_warnings(101)
    assert len(w) == 1 and "extrapolated" in w[0] and "101" in w[0]
    assert knee.validity_warnings(130)


def test_model_attaches_warnings_and_chain():
    r = LungeModel().solve(LungePosture(front_knee_flexion_deg=110, front_shank_angle_deg=25,
                                        trunk_lean_deg=25, rear_knee_flexion_deg=110))
    assert r.balanced
    assert any("extrapolated" in w for w in r.warnings)
    c = knee.pfj_chain(r.moments_nm["front_knee"], 110.0)
    assert r.quad_force_n == pytest.approx(float(c["quad_force_n"]), rel=1e-12)
    assert r.pfj_stress_mpa == pytest.approx(float(c["pfj_stress_mpa"]), rel=1e-12)
    assert not LungeModel().solve(LungePosture()).warnings


def test_model_uses_the_chosen_area_model():
    post = LungePosture(front_knee_flexion_deg=60, front_shank_angle_deg=15,
                        trunk_lean_deg=15, rear_knee_flexion_deg=60)
    q = LungeModel(Subject()).solve(post)
    b = LungeModel(Subject(), contact_area_model="besier2005").solve(post)
    bu = LungeModel(Subject(), contact_area_model="besier2005",
                    weight_bearing_area=False).solve(post)
    assert b.pfj_force_n == pytest.approx(q.pfj_force_n, rel=1e-12)
    assert q.pfj_stress_mpa / b.pfj_stress_mpa == pytest.approx(520 * 1.24 / 235.0, rel=5e-3)
    assert bu.pfj_stress_mpa == pytest.approx(b.pfj_stress_mpa * 1.24, rel=1e-12)


def test_symbolic_chain_matches_numeric():
    import sympy as sp

    c = knee.symbolic_chain()
    for deg, M in ((0, 40.0), (37.5, 80.0), (90, 105.0), (120, -10.0)):
        subs = {c["theta"]: deg, c["M"]: M}
        num = knee.pfj_chain(M, deg)
        assert float(c["moment_arm"].subs(subs)) == pytest.approx(float(num["moment_arm_m"]),
                                                                  rel=1e-12)
        assert float(c["ratio"].subs(subs)) == pytest.approx(float(num["force_ratio"]),
                                                             rel=1e-12)
        assert float(c["area_quartic"].subs(subs)) == pytest.approx(
            float(num["contact_area_mm2"]), rel=1e-12)
        for k_sym, k_num in (("quad_force", "quad_force_n"), ("pfj_force", "pfj_force_n"),
                             ("pfj_stress", "pfj_stress_mpa")):
            v = sp.N(c[k_sym].subs(subs))
            assert float(v) == pytest.approx(float(num[k_num]), rel=1e-12, abs=1e-12)
