"""The one place that owns the SymPy symbols of the lunge model.

Every symbol carries a unit and a description; :data:`SYMBOLS` maps the plain name
(used for keyword arguments of the compiled functions and for
:meth:`lungelab.body.Subject.model_parameters`) to a :class:`SymbolInfo`.

Angles are radians inside the model; degrees appear only at the user-facing edge
(:class:`lungelab.posture.LungePosture`, the CLI and tables).

This module imports SymPy lazily, so ``import lungelab`` stays fast; call
:func:`sym` (or :func:`symbols`) when you want the symbolic objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

__all__ = ["SymbolInfo", "SYMBOLS", "BODY", "POSTURE", "LOAD", "ASSUMPTION", "sym", "symbols",
           "latex_names"]


@dataclass(frozen=True)
class SymbolInfo:
    """Name, LaTeX form, unit and meaning of one model symbol."""

    name: str
    latex: str
    unit: str
    description: str


def _s(name: str, latex: str, unit: str, description: str) -> SymbolInfo:
    return SymbolInfo(name, latex, unit, description)


BODY = (
    _s("m", "m", "kg", "body mass"),
    _s("g", "g", "m/s^2", "gravitational acceleration"),
    _s("L_th", r"L_{th}", "m", "thigh length, hip to knee joint centre"),
    _s("L_sh", r"L_{sh}", "m", "shank length, knee to ankle joint centre"),
    _s("L_ft", r"L_{ft}", "m", "foot length, heel to toe tip"),
    _s("h_ank", r"h_{a}", "m", "ankle joint centre height above the sole"),
    _s("a_ank", r"a", "1", "ankle position in front of the heel, fraction of foot length"),
    _s("b_ball", r"b", "1", "ball position in front of the heel, fraction of foot length"),
    _s("L_tr", r"L_{tr}", "m", "trunk length, hip to shoulder joint centre"),
    _s("L_hd", r"L_{hd}", "m", "head+neck length, shoulder level to vertex"),
    _s("f_ft", r"f_{ft}", "1", "foot mass fraction (one foot)"),
    _s("c_ft", r"c_{ft}", "1", "foot COM from the heel, fraction of foot length"),
    _s("f_sh", r"f_{sh}", "1", "shank mass fraction (one shank)"),
    _s("c_sh", r"c_{sh}", "1", "shank COM from the knee, fraction of shank length"),
    _s("f_th", r"f_{th}", "1", "thigh mass fraction (one thigh)"),
    _s("c_th", r"c_{th}", "1", "thigh COM from the hip, fraction of thigh length"),
    _s("f_tr", r"f_{tr}", "1", "trunk mass fraction (HAT for the Winter table)"),
    _s("c_tr", r"c_{tr}", "1", "trunk COM from the hip, fraction of trunk length"),
    _s("f_hd", r"f_{hd}", "1", "head+neck mass fraction"),
    _s("c_hd", r"c_{hd}", "1", "head COM above shoulder level, fraction of head length"),
    _s("f_arm", r"f_{arm}", "1", "mass fraction of both arms (hanging vertically)"),
    _s("d_arm", r"d_{arm}", "m", "drop of the arms' COM below the shoulder"),
)

POSTURE = (
    _s("theta_fk", r"\theta_{fk}", "rad", "front knee flexion"),
    _s("phi_fs", r"\varphi_{fs}", "rad", "front shank forward tilt from vertical"),
    _s("lam", r"\lambda", "rad", "trunk forward lean from vertical"),
    _s("theta_rk", r"\theta_{rk}", "rad", "rear knee flexion"),
    _s("gamma_rf", r"\gamma_{rf}", "rad", "rear foot (heel-ball line) angle to the floor"),
)

LOAD = (
    _s("m_ext", r"m_{ext}", "kg", "external load mass"),
    _s("d_load", r"d_{load}", "m", "drop of the load's COM below the shoulder"),
)

ASSUMPTION = (
    _s("s_front", r"s_f", "1", "front foot share of the total vertical load"),
    _s("h_heel", r"h", "1", "front heel share of the front foot's vertical load"),
    _s("k_conv", r"\kappa", "1/m", "inverse height of the GRF convergence point (fixed part)"),
    _s("r_conv", r"\rho", "1", "1 if the GRF lines converge at the COM height, else 0"),
)

SYMBOLS: dict[str, SymbolInfo] = {s.name: s for s in BODY + POSTURE + LOAD + ASSUMPTION}


@cache
def sym(name: str):
    """Return the SymPy symbol called ``name`` (real; positive where physical)."""
    import sympy as sp

    info = SYMBOLS[name]
    positive = info.unit not in ("rad",) and name not in ("k_conv", "r_conv", "m_ext",
                                                            "d_load", "f_hd", "f_arm",
                                                            "d_arm", "s_front", "h_heel")
    return sp.Symbol(info.name, real=True, positive=positive or None)


def latex_names() -> dict:
    """Mapping symbol -> LaTeX name, for ``sympy.latex(expr, symbol_names=...)``."""
    return {sym(n): info.latex for n, info in SYMBOLS.items()}


def symbols(*names: str):
    """Return several symbols at once, in order."""
    return tuple(sym(n) for n in names)
