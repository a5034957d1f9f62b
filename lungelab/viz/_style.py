"""Shared look of every lungelab figure: one tiny template, colours and axis labels.

The template is deliberately minimal (a few layout keys, no per-trace defaults) so a
figure stored in a notebook output stays small and does not change when plotly's own
templates change.
"""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["TEMPLATE", "COLORS", "JOINT_LABELS", "label", "unit_of"]

_AXIS = {
    "showline": True,
    "linecolor": "#444",
    "ticks": "outside",
    "gridcolor": "#ececec",
    "zeroline": False,
    "automargin": True,
    "title": {"standoff": 8},
}

TEMPLATE = go.layout.Template(layout={
    "font": {"family": "Helvetica, Arial, sans-serif", "size": 13, "color": "#222"},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "colorway": ["#1f4e79", "#d9822b", "#2e8b57", "#c0392b", "#7b4fa0", "#7f7f7f",
                 "#17becf", "#bcbd22"],
    "xaxis": _AXIS,
    "yaxis": _AXIS,
    "hovermode": "closest",
    "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
    "legend": {"bgcolor": "rgba(255,255,255,0.8)"},
})
"""The one layout template every lungelab figure uses (about 0.6 kB of JSON)."""

COLORS = {
    "front": "#1f4e79",      # front leg, dark blue
    "rear": "#6fa0d0",       # rear leg, light blue
    "trunk": "#333333",
    "floor": "#9a9a9a",
    "grf": "#c0392b",        # vertical ground reactions, red
    "grf_h": "#d9822b",      # horizontal ground reactions, orange
    "line_of_action": "#b0b0b0",
    "com": "#000000",
    "pfj": "#7b4fa0",
}
"""Colours by meaning (front/rear leg, forces, centre of mass, PFJ)."""

JOINT_LABELS = {
    "front_ankle": "front ankle",
    "front_knee": "front knee",
    "front_hip": "front hip",
    "rear_ankle": "rear ankle",
    "rear_knee": "rear knee",
    "rear_hip": "rear hip",
}
"""Plain-language joint names, in the model's joint order."""

_UNITS = (
    ("_nm_per_kg", "N·m/kg"),
    ("_mpa", "MPa"),
    ("_nm", "N·m"),
    ("_deg", "deg"),
    ("_kg", "kg"),
    ("_n", "N"),
    ("_m", "m"),
)

_NAMES = {
    "front_knee_flexion_deg": "front knee flexion",
    "rear_knee_flexion_deg": "rear knee flexion",
    "front_shank_angle_deg": "front shank tilt",
    "trunk_lean_deg": "trunk lean (+ forward)",
    "rear_foot_angle_deg": "rear foot angle",
    "knee_past_toes_m": "knee travel past the toes (+ in front)",
    "rear_knee_height_m": "rear knee height",
    "step_length_m": "step length",
    "front_share": "front foot's share of the load",
    "rear_share": "rear foot's share of the load",
    "front_heel_share": "heel's share of the front-foot load",
    "front_toes_share": "toes' share of the front-foot load",
    "grf_front_heel_n": "vertical GRF front heel",
    "grf_front_toes_n": "vertical GRF front toes",
    "grf_rear_n": "vertical GRF rear foot",
    "grf_front_horizontal_n": "horizontal GRF front (+ forward)",
    "grf_rear_horizontal_n": "horizontal GRF rear (+ forward)",
    "quad_force_n": "quadriceps force",
    "pfj_force_n": "patellofemoral force",
    "pfj_stress_mpa": "patellofemoral (kneecap) stress",
    "convergence_height_m": "GRF convergence height",
    "balance_margin_m": "balance margin",
}


def unit_of(column: str) -> str:
    """Unit of a model column from its name suffix (``"1"`` for shares and fractions).

    Parameters
    ----------
    column : str
        A column name of :meth:`lungelab.LungeModel.evaluate`, e.g. ``"pfj_stress_mpa"``.

    Returns
    -------
    str
        ``"N·m/kg"``, ``"MPa"``, ``"N·m"``, ``"deg"``, ``"kg"``, ``"N"``, ``"m"`` or
        ``"1"`` (dimensionless).
    """
    for suffix, unit in _UNITS:
        if column.endswith(suffix):
            return unit
    return "1"


def label(column: str) -> str:
    """Axis title with units for a model column, e.g. ``"front knee flexion (deg)"``.

    Joint-moment columns read ``"front knee moment (N·m, + extensor)"``; unknown
    columns fall back to the name with underscores as spaces plus the unit.
    """
    unit = unit_of(column)
    unit_text = "fraction 0-1" if unit == "1" else unit
    for joint, text in JOINT_LABELS.items():
        if column.startswith(joint + "_moment"):
            extensor = "plantarflexor" if "ankle" in joint else "extensor"
            return f"{text} moment ({unit_text}, + {extensor})"
    name = _NAMES.get(column)
    if name is None:
        name = column
        for suffix, _ in _UNITS:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        name = name.replace("_", " ")
    return f"{name} ({unit_text})"
