"""The compiled chain equals the SymPy model, and the stored module is not stale."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import sympy as sp

from lungelab import LungeModel, Subject, compiled
from lungelab.body import ExternalLoad
from lungelab.loads import MODES
from lungelab.symbols import sym

POSTURES = [
    # theta_fk, phi_fs, lam, theta_rk, gamma_rf (deg), s_front, h_heel
    (90, 0, 10, 90, 50, 0.6, 0.6),
    (110, 25, 35, 120, 40, 0.75, 0.3),
    (60, -10, -5, 45, 20, 0.55, 0.9),
    (130, 40, 60, 140, 70, 0.8, 0.0),
]
MODELS = [
    LungeModel(Subject(), grf_convergence="com"),
    LungeModel(Subject(sex="female", height_m=1.62, mass_kg=58), ExternalLoad(20, "hands"),
               grf_convergence="vertical"),
    LungeModel(Subject(table="winter", mass_kg=90), ExternalLoad(40, "shoulders"),
               grf_convergence=1.1),
]


def _inputs(model, post):
    p = model.fixed_parameters()
    fk, fs, lam, rk, rf, s, h = post
    p.update(theta_fk=np.radians(fk), phi_fs=np.radians(fs), lam=np.radians(lam),
             theta_rk=np.radians(rk), gamma_rf=np.radians(rf), s_front=s, h_heel=h)
    return p


def test_stored_module_is_current():
    """CI fails here if someone edits symbols/posture/loads/compiled and forgets to run
    ``lungelab.compiled.write_generated()``."""
    mod = importlib.import_module("lungelab._generated.lunge_chain")
    assert mod.SOURCE_HASH == compiled.source_hash(), \
        "lungelab/_generated/lunge_chain.py is stale: run lungelab.compiled.write_generated()"
    assert tuple(mod.INPUT_NAMES) == compiled.INPUT_NAMES
    assert tuple(mod.OUTPUT_NAMES) == compiled.OUTPUT_NAMES


def test_source_hash_covers_the_model_files():
    assert set(compiled.SOURCE_FILES) >= {"symbols.py", "posture.py", "loads.py"}
    h = compiled.source_hash()
    assert len(h) == 64 and int(h, 16) >= 0
    assert compiled.source_hash() == h                      # deterministic


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("mi", range(len(MODELS)))
def test_symbolic_equals_compiled(mode, mi):
    """Every output: SymPy expression evaluated with 30-digit Floats vs the compiled
    NumPy code, to 1e-9 (relative, or absolute for values near zero)."""
    model = MODELS[mi]
    exprs = compiled.symbolic_outputs(mode)
    assert set(exprs) == set(compiled.OUTPUT_NAMES)
    f = compiled.chain_function(mode)
    for post in POSTURES:
        p = _inputs(model, post)
        numeric = dict(zip(compiled.OUTPUT_NAMES, f(**p), strict=True))
        subs = {sym(k): sp.Float(float(v), 30) for k, v in p.items()}
        checked = 0
        for name, expr in exprs.items():
            v = expr.xreplace(subs).evalf(25)
            if not v.is_real:           # e.g. an infeasible rear leg (sqrt of < 0)
                assert not np.isfinite(numeric[name]), name
                continue
            ref = float(v)
            assert float(numeric[name]) == pytest.approx(ref, rel=1e-9, abs=1e-9), \
                (mode, post, name)
            checked += 1
        assert checked >= len(exprs) - 2


@pytest.fixture(scope="module")
def regenerated():
    src = compiled.generate_source()
    return src, compiled._module_from_source(src)


def test_regenerated_source_matches_stored(regenerated):
    src, ns = regenerated
    mod = importlib.import_module("lungelab._generated.lunge_chain")
    assert ns["SOURCE_HASH"] == mod.SOURCE_HASH
    assert ns["OUTPUT_NAMES"] == mod.OUTPUT_NAMES
    rng = np.random.default_rng(0)
    n = 200
    for mode in MODES:
        p = _inputs(MODELS[0], POSTURES[0])
        p.update(theta_fk=np.radians(rng.uniform(0, 140, n)),
                 phi_fs=np.radians(rng.uniform(-30, 60, n)),
                 lam=np.radians(rng.uniform(-30, 90, n)),
                 theta_rk=np.radians(rng.uniform(0, 150, n)),
                 gamma_rf=np.radians(rng.uniform(0, 80, n)),
                 s_front=rng.uniform(0, 1, n), h_heel=rng.uniform(0, 1, n),
                 m=rng.uniform(40, 120, n), m_ext=rng.uniform(0, 50, n),
                 r_conv=1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            new = ns[f"evaluate_{mode}"](**p)
            old = getattr(mod, f"evaluate_{mode}")(**p)
        for name, a, b in zip(mod.OUTPUT_NAMES, new, old, strict=True):
            np.testing.assert_allclose(np.broadcast_to(a, (n,)), np.broadcast_to(b, (n,)),
                                       rtol=1e-12, atol=1e-12, equal_nan=True,
                                       err_msg=f"{mode}: {name}")


def test_generated_source_is_self_describing(regenerated):
    src, _ = regenerated
    assert "do not edit" in src
    assert f"SOURCE_HASH = {compiled.source_hash()!r}" in src
    for mode in MODES:
        assert f"def evaluate_{mode}(" in src


def test_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        compiled.chain_function("both")
