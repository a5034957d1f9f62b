"""Figures of a recorded set: signals over time with the repetitions found.

Builders only arrange what :func:`lungelab.pipeline.analyze_trial` returns (the per-rep
table and, with ``return_series=True``, the time series); no mechanics here.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ._style import TEMPLATE, label

__all__ = ["recording_figure"]

_COLORS = {"right": "#1f4e79", "left": "#c0392b", None: "#333333"}


def _side(column: str) -> str | None:
    for s in ("right", "left"):
        if column.startswith(s + "_"):
            return s
    return None


def recording_figure(series, reps=None, panels: Sequence[Sequence[str]] = (("hip_height_m",),),
                     *, titles: Sequence[str] | None = None, title: str | None = None,
                     height_per_panel: int = 210, width: int | None = None,
                     max_points: int = 1200) -> go.Figure:
    """Stacked time plots sharing the time axis, repetitions shaded.

    Parameters
    ----------
    series : pandas.DataFrame
        Index ``time_s`` (s); columns with units in their names, e.g. ``hip_height_m``,
        ``right_knee_moment_nm`` (legs coloured: right dark blue, left red).
    reps : pandas.DataFrame, optional
        The per-rep table (``t_start_s``/``t_bottom_s``/``t_end_s``, ``leg``); each rep
        is shaded from start to end and its bottom marked with a dotted line.
    panels : sequence of sequences of str
        Columns drawn in each panel (one panel per inner sequence).
    titles : sequence of str, optional
        Y-axis titles, default from the column names (with units).
    max_points : int
        Draw at most about this many samples per trace (every k-th sample), so stored
        figures stay small; the repetition bands use the exact times.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    panels = [list(p) for p in panels]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.04)
    step = max(1, -(-len(series) // max_points))
    t = series.index.to_numpy()[::step]
    for i, cols in enumerate(panels, start=1):
        for c in cols:
            side = _side(c)
            fig.add_trace(go.Scattergl(x=t, y=series[c].to_numpy()[::step], mode="lines", name=c,
                                       line={"color": _COLORS[side], "width": 1.5},
                                       showlegend=False), row=i, col=1)
        ytitle = titles[i - 1] if titles else label(cols[0].replace("right_", "")
                                                     .replace("left_", ""))
        fig.update_yaxes(title_text=ytitle, row=i, col=1)
    if reps is not None and len(reps):
        seen = set()
        for _, r in reps.iterrows():
            key = (round(float(r["t_start_s"]), 3), round(float(r["t_end_s"]), 3))
            if key in seen:
                continue
            seen.add(key)
            fig.add_vrect(x0=r["t_start_s"], x1=r["t_end_s"], fillcolor="#999999", opacity=0.12,
                          line_width=0)
            fig.add_vline(x=r["t_bottom_s"], line={"dash": "dot", "width": 1,
                                                 "color": "#555555"})
    fig.update_xaxes(title_text="time (s)", row=len(panels), col=1)
    fig.update_layout(template=TEMPLATE, height=height_per_panel * len(panels) + 80,
                      width=width, title={"text": title} if title else None,
                      margin={"l": 70, "r": 20, "t": 50 if title else 20, "b": 50})
    fig.add_annotation(text="right leg: dark blue · left leg: red · grey bands: repetitions "
                       "found · dotted: bottom", xref="paper", yref="paper", x=0, y=1.0,
                       yanchor="bottom", showarrow=False, font={"size": 11})
    return fig
