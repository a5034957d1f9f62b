"""Equations of the lunge model, ready to display (LaTeX in notebooks).

Thin views of the symbolic model in :mod:`lungelab.posture`, :mod:`lungelab.loads`
and :mod:`lungelab.knee`: they build :class:`sympy.Eq` objects and a symbol table;
nothing here is used by the numeric path.

>>> from lungelab.equations import pfj_equations
>>> len(pfj_equations())
4
"""

from __future__ import annotations

__all__ = ["symbol_table", "geometry_equations", "contact_equations",
           "horizontal_equations", "moment_definitions", "pfj_equations", "to_latex",
           "expression_size"]


def symbol_table():
    """Every model symbol with its LaTeX form, unit and meaning (DataFrame)."""
    import pandas as pd

    from .symbols import SYMBOLS

    return pd.DataFrame(
        [{"symbol": f"${s.latex}$", "name": s.name, "unit": s.unit,
          "meaning": s.description} for s in SYMBOLS.values()]).set_index("name")


def to_latex(expr) -> str:
    """LaTeX of a model expression with the symbols' display names."""
    import sympy as sp

    from .symbols import latex_names

    return sp.latex(expr, symbol_names=latex_names())


def geometry_equations() -> list:
    """Joint-centre positions of the front leg, hip, shoulder and the rear-leg closure."""
    import sympy as sp

    from .posture import geometry

    P = geometry()["points"]
    out = []
    for name in ("front_knee", "hip", "shoulder"):
        for i, axis in enumerate("xy"):
            label = name.replace("_", r"\ ")
            out.append(sp.Eq(sp.Symbol(axis + "_{" + label + "}"), P[name][i]))
    out.append(sp.Eq(sp.Symbol(r"y_{rear\ ankle}"), P["rear_ankle"][1]))
    d2 = geometry()["derived"]["rear_leg_reach"]
    out.append(sp.Eq(sp.Symbol(r"(x_{hip}-x_{rear\ ankle})^2"), d2))
    return out


def contact_equations(mode: str = "heel_share") -> list:
    """Equilibrium equations and their solution for the three vertical reactions.

    In terms of the total weight :math:`W`, the contact x positions and the system
    COM x (placeholders: the geometry enters through them).
    """
    from .loads import loads

    ld = loads(mode)
    return list(ld["equations"]) + list(ld["contact_solution"].values())


def horizontal_equations() -> list:
    """The three-force assumption for the horizontal reactions."""
    import sympy as sp

    Hf, Hr, Vf, Vr, z = sp.symbols("H_f H_r V_f V_r z", real=True)
    xc, xcop, xr = sp.symbols("x_com x_cop x_rear", real=True)
    return [sp.Eq(Hf, Vf * (xc - xcop) / z), sp.Eq(Hr, Vr * (xc - xr) / z),
            sp.Eq(Hf + Hr, 0)]


def moment_definitions() -> list:
    """Net joint moment definitions (sum over forces distal to the joint)."""
    import sympy as sp

    A, K, H = (sp.Symbol(n) for n in ("M_{ankle,pf}", "M_{knee,ext}", "M_{hip,ext}"))
    term = sp.Symbol(r"\sum_{i\,\in\,distal} \left[(\mathbf{r}_i-\mathbf{r}_J)\times"
                     r"\mathbf{F}_i\right]_z")
    return [sp.Eq(A, term), sp.Eq(K, -term), sp.Eq(H, term)]


def pfj_equations() -> list:
    """Quadriceps moment arm, force ratio, contact area and stress (θ in degrees)."""
    import sympy as sp

    from .knee import symbolic_chain

    c = symbolic_chain()
    return [sp.Eq(sp.Symbol(r"r_{quad}(\theta)"), c["moment_arm"]),
            sp.Eq(sp.Symbol(r"k(\theta)"), c["ratio"]),
            sp.Eq(sp.Symbol(r"A_{pfj}(\theta)"), c["area_quartic"]),
            sp.Eq(sp.Symbol(r"\sigma_{pfj}"), sp.Symbol(r"k(\theta)") * sp.Max(
                c["M"], 0) / (sp.Symbol(r"r_{quad}(\theta)") * sp.Symbol(r"A_{pfj}(\theta)")))]


def expression_size(mode: str = "heel_share") -> dict[str, int]:
    """Operation counts of the full symbolic outputs vs the CSE-compiled code."""
    import sympy as sp

    from .compiled import symbolic_outputs

    exprs = symbolic_outputs(mode)
    full = sum(sp.count_ops(e) for e in exprs.values())
    repl, reduced = sp.cse(list(exprs.values()), optimizations="basic")
    after = sum(sp.count_ops(e) for _, e in repl) + sum(sp.count_ops(e) for e in reduced)
    return {"outputs": len(exprs), "operations_full": int(full),
            "operations_after_cse": int(after), "shared_subexpressions": len(repl)}
