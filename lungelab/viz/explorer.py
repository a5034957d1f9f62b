"""Slider dashboards: a side view, the joint moments and the PFJ stress that move together.

Interactivity uses plotly's own sliders and precomputed frames, so the figure works in
a static HTML file with no Python and no network: each slider step jumps to a frame
holding one posture that :meth:`lungelab.LungeModel.evaluate` already solved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..loads import JOINTS
from ._data import as_row, finite
from ._style import TEMPLATE, label
from .figures import (
    DEFAULT_FORCE_SCALE,
    moment_trace,
    pfj_trace,
    stick_ranges,
    stick_traces,
)

__all__ = ["slider_explorer", "FRAME_KEYS"]

FRAME_KEYS = ("type", "x", "y", "text", "hovertext", "marker")
"""Trace attributes stored in each animation frame (the rest stays as first drawn)."""


def _frame_data(trace) -> dict:
    d = trace.to_plotly_json()
    return {k: d[k] for k in FRAME_KEYS if k in d}


def _summary(row: Mapping, slider: str, step_text: str) -> str:
    parts = [f"{label(slider).rsplit(' (', 1)[0]}: <b>{step_text}</b>"]
    if slider != "knee_past_toes_m" and finite(row.get("knee_past_toes_m")):
        k = float(row["knee_past_toes_m"])
        parts.append(f"knee {abs(k):.2f} m {'past' if k > 0 else 'behind'} the toes")
    if slider != "trunk_lean_deg" and finite(row.get("trunk_lean_deg")):
        parts.append(f"trunk {float(row['trunk_lean_deg']):.0f}°")
    if slider != "front_knee_flexion_deg" and finite(row.get("front_knee_flexion_deg")):
        parts.append(f"front knee {float(row['front_knee_flexion_deg']):.0f}°")
    head = " · ".join(parts)
    if finite(row.get("front_share")):
        second = (f"front foot carries {float(row['front_share']):.0%} of the weight "
                  f"(heel {float(row['front_heel_share']):.0%} of it)")
    else:
        second = "<b>cannot balance</b> with these inputs: no loads"
    return f"{head}<br>{second}"


def slider_explorer(df, slider: str, *, slider_label: str | None = None,
                    step_format: str = "{:g}", active: int | None = None,
                    notes: Sequence[str] | None = None, contact_area_model: str | None = None,
                    per_kg: bool = False, force_scale: float = DEFAULT_FORCE_SCALE,
                    title: str | None = None, height: int = 620,
                    width: int | None = None) -> go.Figure:
    """A dashboard with one slider through precomputed postures.

    Left: the side view (:func:`stick_traces`); right: the six joint moments and the
    PFJ stress.  Every slider step shows one row of ``df``; axis ranges are fixed over
    all rows so that what moves is the body, not the axes.

    Parameters
    ----------
    df : pandas.DataFrame
        Rows of :meth:`lungelab.LungeModel.evaluate`, in slider order.
    slider : str
        Column whose value labels the slider steps (e.g. ``"knee_past_toes_m"``).
    slider_label : str, optional
        Text before the current value; default :func:`lungelab.viz.label` of ``slider``.
    step_format : str
        Format of the step labels, e.g. ``"{:+.2f}"``.
    active : int, optional
        Index of the row shown first (default: the middle one).
    notes : sequence of str, optional
        One extra line of text per row shown in the side view (e.g. why a posture
        cannot balance).
    contact_area_model : str, optional
        Name of the PFJ contact-area model behind the stresses (shown with them).
    per_kg : bool
        Moments in N·m/kg instead of N·m.
    force_scale : float
        Arrow length per newton, m/N.
    title : str, optional
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure
        With ``frames`` (one per row, named ``"0"``, ``"1"``, ...) and one slider.
    """
    if slider not in df.columns:
        raise ValueError(f"slider_explorer: column {slider!r} not in the DataFrame")
    if len(df) < 2:
        raise ValueError("slider_explorer: need at least two rows")
    rows = [as_row(r) for _, r in df.iterrows()]
    if notes is not None and len(notes) != len(rows):
        raise ValueError("slider_explorer: one note per row")
    active = len(rows) // 2 if active is None else int(active)
    (x0, x1), (y0, y1) = stick_ranges(rows, force_scale=force_scale)
    floor = (x0 - 3.0, x1 + 3.0)
    ref = (x1 - 0.32, 0.05)
    unit = "N·m/kg" if per_kg else "N·m"
    suffix = "_moment_nm_per_kg" if per_kg else "_moment_nm"
    mvals = [float(r[j + suffix]) for r in rows for j in JOINTS if finite(r.get(j + suffix))]
    mlo, mhi = min(mvals + [0.0]), max(mvals + [0.0])
    mspan = (mhi - mlo) or 1.0
    pvals = [float(r["pfj_stress_mpa"]) for r in rows if finite(r.get("pfj_stress_mpa"))]
    pmax = max(pvals + [1.0]) * 1.35

    def traces_for(i: int) -> list:
        row = rows[i]
        st = stick_traces(row, force_scale=force_scale, reference_at=ref, floor_x=floor,
                          legend=False)
        text = _summary(row, slider, step_format.format(row[slider]))
        if notes is not None and notes[i]:
            text += f"<br><i>{notes[i]}</i>"
        info = go.Scatter(x=[x0 + 0.03], y=[y1 - 0.03], mode="text", text=[text],
                          textposition="bottom right", textfont={"size": 12},
                          hoverinfo="skip", showlegend=False, name="summary", uid="summary")
        return [*st, info, moment_trace(row, per_kg=per_kg),
                pfj_trace(row, contact_area_model=contact_area_model)]

    fig = make_subplots(
        rows=2, cols=2, column_widths=[0.58, 0.42], row_heights=[0.68, 0.32],
        specs=[[{"rowspan": 2}, {}], [None, {}]], horizontal_spacing=0.1,
        vertical_spacing=0.2,
        subplot_titles=("side view (arrows: force of the floor on the feet)",
                        f"net joint moments ({unit}), + = extensor",
                        "kneecap (patellofemoral) stress"))
    first = traces_for(active)
    n_stick = len(first) - 2
    for t in first[:n_stick]:
        fig.add_trace(t, row=1, col=1)
    fig.add_trace(first[n_stick], row=1, col=2)
    fig.add_trace(first[n_stick + 1], row=2, col=2)
    indices = list(range(len(first)))
    frames = []
    for i in range(len(rows)):
        data = first if i == active else traces_for(i)
        frames.append(go.Frame(name=str(i), data=[_frame_data(t) for t in data],
                               traces=indices))
    fig.frames = frames
    steps = [{"method": "animate", "label": step_format.format(r[slider]),
              "args": [[str(i)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                  "transition": {"duration": 0}}]}
             for i, r in enumerate(rows)]
    fig.update_layout(
        template=TEMPLATE, height=height, width=width, showlegend=False,
        sliders=[{"active": active, "steps": steps, "x": 0.0, "len": 1.0, "y": -0.04,
                  "yanchor": "top", "pad": {"t": 30, "b": 10},
                  "currentvalue": {"prefix": (slider_label or label(slider)) + ": ",
                                   "font": {"size": 14}}}],
        margin={"t": 70 if title else 40, "b": 110},
        **({"title": {"text": title, "x": 0.01, "xanchor": "left"}} if title else {}),
    )
    fig.update_xaxes(title_text="x (m, forward)", range=[x0, x1], row=1, col=1)
    fig.update_yaxes(title_text="y (m)", range=[y0, y1], scaleanchor="x", scaleratio=1,
                     row=1, col=1)
    fig.update_xaxes(title_text="joint", tickangle=0, tickfont={"size": 11}, row=1, col=2)
    fig.update_yaxes(title_text=f"moment ({unit})",
                     range=[mlo - 0.15 * mspan, mhi + 0.2 * mspan], zeroline=True,
                     zerolinecolor="#444", row=1, col=2)
    fig.update_xaxes(title_text="stress (MPa)", range=[0, pmax], row=2, col=2)
    fig.update_yaxes(showticklabels=True, tickfont={"size": 11}, row=2, col=2)
    return fig
