"""Figures for the study notebooks (02-06) that :mod:`lungelab.viz` does not provide.

Builders only arrange DataFrames from :mod:`lungelab.studies` (no mechanics here) and use
the one small layout template of :mod:`lungelab.viz` (:data:`lungelab.viz.TEMPLATE`), so
figures stored in notebooks stay small.

* :func:`panel_lines` — several outputs side by side against one input, one line per
  group (e.g. GRF-convergence assumption), shared legend.
* :func:`region_map` — a grid of postures coloured by region (balanced / cannot
  balance / cannot be built ...), optionally with a numeric value inside the first region.
* :func:`lines_with_marks` — :func:`lungelab.viz.sweep_lines` plus shaded x ranges and
  vertical marker lines (validity ranges, a crossover).
* :func:`programme_bars` — grouped bars of one quantity per programme and condition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .viz import TEMPLATE, label, sweep_lines

__all__ = ["panel_lines", "region_map", "lines_with_marks", "programme_bars", "axis_label",
           "REGION_COLORS"]

_EXTRA_LABELS = {
    "time_s": "time (s)",
    "load_fraction": "external load (fraction of body mass, 0-1)",
    "convergence_height_m": "height where the two foot forces meet (m)",
    "front_heel_share_requested": "heel's share of the front-foot load (fraction 0-1)",
}

REGION_COLORS = ("rgba(0,0,0,0)", "#f2c14e", "#9e9e9e", "#4d4d4d")
"""Fill colours of region codes 0-3 in :func:`region_map` (code 0 transparent when a
numeric value is drawn there)."""

_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


def axis_label(column: str, labels: Mapping[str, str] | None = None) -> str:
    """Axis title with units: ``labels`` override, then study columns, then
    :func:`lungelab.viz.label`."""
    if labels and column in labels:
        return labels[column]
    return _EXTRA_LABELS.get(column) or label(column)


def _title(text: str | None, sub: str | None = None) -> dict:
    if text is None:
        return {}
    full = text if sub is None else f"{text}<br><sup>{sub}</sup>"
    return {"title": {"text": full, "x": 0.01, "xanchor": "left"}}


def panel_lines(df, x: str, ys: Sequence[str], *, color: str | None = None,
                dash: str | None = None, title: str | None = None, subtitle: str | None = None,
                labels: Mapping[str, str] | None = None, legend_title: str | None = None,
                shared_y: bool = False, hlines: Mapping[str, tuple[float, str]] | None = None,
                height: int = 420, width: int | None = None) -> go.Figure:
    """One panel per output column, lines against ``x``; groups share colours across panels.

    Parameters
    ----------
    df : pandas.DataFrame
        Long format, one row per evaluated posture (and group).
    x : str
        Column on every x axis.
    ys : sequence of str
        One panel per column, left to right; each panel's y axis is titled with units.
    color : str, optional
        Column whose values get one colour each (e.g. ``"grf_convergence"``).
    dash : str, optional
        Column whose values get one dash style each (e.g. ``"placement"``).
    title, subtitle : str, optional
    labels : mapping, optional
        Axis-title overrides (see :func:`axis_label`).
    legend_title : str, optional
    shared_y : bool
        Share one y range across panels.
    hlines : mapping, optional
        ``{column: (y, text)}``: a dashed horizontal reference line in that column's panel.
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure
        Traces named ``"<color value>"`` / ``"<color value>, <dash value>"``; each
        group appears once in the legend.
    """
    ys = list(ys)
    missing = [c for c in [x, *ys, *(c for c in (color, dash) if c)] if c not in df.columns]
    if missing:
        raise ValueError(f"panel_lines: columns {missing} not in the DataFrame")
    fig = make_subplots(rows=1, cols=len(ys), shared_yaxes=shared_y,
                        horizontal_spacing=0.08 if len(ys) > 1 else 0.02)
    palette = TEMPLATE.layout.colorway
    keys = [c for c in (color, dash) if c]
    groups = [((), df)] if not keys else list(df.groupby(keys, sort=False))
    color_vals = list(dict.fromkeys(df[color])) if color else [None]
    dash_vals = list(dict.fromkeys(df[dash])) if dash else [None]
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        cval = key[0] if color else None
        dval = key[-1] if dash else None
        name = ", ".join(str(k) for k in key) if keys else None
        part = part.sort_values(x)
        for i, col in enumerate(ys):
            fig.add_trace(go.Scatter(
                x=part[x].to_numpy(float), y=part[col].to_numpy(float), mode="lines",
                name=name if name is not None else axis_label(col, labels),
                legendgroup=name, showlegend=(i == 0 and name is not None),
                line={"color": palette[color_vals.index(cval) % len(palette)],
                      "dash": _DASHES[dash_vals.index(dval) % len(_DASHES)], "width": 2.2},
                hovertemplate=f"{name or col}<br>%{{x:.3g}}, %{{y:.3g}}<extra></extra>"),
                row=1, col=i + 1)
            fig.update_xaxes(title_text=axis_label(x, labels), row=1, col=i + 1)
            fig.update_yaxes(title_text=axis_label(col, labels), row=1, col=i + 1)
    for col, (yv, text) in (hlines or {}).items():
        i = ys.index(col) + 1
        fig.add_hline(y=yv, line_dash="dash", line_color="#444", row=1, col=i,
                      annotation_text=text, annotation_position="bottom left",
                      annotation_font_size=11)
    n_items = len(groups) if keys else 0
    per_row = 3 if n_items > 5 else max(n_items, 1)
    fig.update_xaxes(title_font_size=12)
    fig.update_yaxes(title_font_size=12)
    fig.update_layout(template=TEMPLATE, height=height + 22 * (n_items // (per_row + 1)),
                      width=width,
                      legend={"title": {"text": legend_title or "", "side": "top"},
                              "orientation": "h", "x": 0.0, "y": -0.2, "yanchor": "top",
                              "entrywidth": 1.0 / per_row - 0.01, "entrywidthmode": "fraction",
                              "font": {"size": 12}},
                      margin={"b": 90 + 22 * ((n_items + per_row - 1) // per_row),
                              "t": 90 if subtitle else 60},
                      showlegend=bool(keys), **_title(title, subtitle))
    return fig


def region_map(df, x: str, y: str, *, region: str = "region_code",
               region_names: Sequence[str], z: str | None = None,
               colorscale: str = "Viridis", title: str | None = None,
               subtitle: str | None = None, labels: Mapping[str, str] | None = None,
               height: int = 480, width: int | None = None) -> go.Figure:
    """A grid of postures coloured by region; optionally a value inside region 0.

    Parameters
    ----------
    df : pandas.DataFrame
        Long format, one row per (x, y) grid point, with an integer region column.
    x, y : str
        Grid columns.
    region : str
        Integer region code column (0, 1, 2, ...).
    region_names : sequence of str
        Name of each code (legend).
    z : str, optional
        Numeric column drawn as a heat map where region == 0 (with a colour bar);
        without it region 0 is drawn in light green.
    colorscale, title, subtitle, labels, height, width

    Returns
    -------
    plotly.graph_objects.Figure
        A ``Heatmap`` named ``z`` (if given), one ``Heatmap`` per other region present
        (named by the region) and one legend marker per region.
    """
    missing = [c for c in [x, y, region, *([z] if z else [])] if c not in df.columns]
    if missing:
        raise ValueError(f"region_map: columns {missing} not in the DataFrame")
    codes = df.pivot(index=y, columns=x, values=region)
    xs, ys = codes.columns.to_numpy(float), codes.index.to_numpy(float)
    cv = codes.to_numpy(float)
    fig = go.Figure()
    xt, yt = axis_label(x, labels), axis_label(y, labels)
    colors = list(REGION_COLORS)
    if z is not None:
        zv = df.pivot(index=y, columns=x, values=z).to_numpy(float)
        zv = np.where(cv == 0, zv, np.nan)
        zt = axis_label(z, labels)
        fig.add_trace(go.Heatmap(
            x=xs, y=ys, z=zv, name=z, colorscale=colorscale, hoverongaps=False,
            colorbar={"title": {"text": zt, "side": "right"}, "len": 0.75, "y": 0.62},
            hovertemplate=f"{xt}: %{{x:.3g}}<br>{yt}: %{{y:.3g}}<br>{zt}: %{{z:.3g}}"
                          "<extra></extra>"))
    else:
        colors[0] = "#bfe3c0"
    present = [int(c) for c in np.unique(cv[np.isfinite(cv)])]
    for code in present:
        if code == 0 and z is not None:
            continue
        mask = np.where(cv == code, 1.0, np.nan)
        col = colors[code % len(colors)]
        fig.add_trace(go.Heatmap(
            x=xs, y=ys, z=mask, name=region_names[code], showscale=False, hoverongaps=False,
            colorscale=[[0, col], [1, col]], zmin=0, zmax=1,
            hovertemplate=f"{xt}: %{{x:.3g}}<br>{yt}: %{{y:.3g}}<br>{region_names[code]}"
                          "<extra></extra>"))
    for code in present:
        col = "#3b8c4a" if code == 0 and z is not None else colors[code % len(colors)]
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=region_names[code],
            marker={"symbol": "square", "size": 13, "color": col,
                    "line": {"color": "#444", "width": 1}}, showlegend=True,
            hoverinfo="skip"))
    fig.update_layout(template=TEMPLATE, height=height, width=width,
                      xaxis={"title": {"text": xt}}, yaxis={"title": {"text": yt}},
                      legend={"orientation": "h", "x": 0.0, "y": -0.18, "yanchor": "top"},
                      margin={"b": 120}, **_title(title, subtitle))
    return fig


def lines_with_marks(df, x: str, ys: str | Sequence[str], *, group: str | None = None,
                     shade: Sequence[tuple[float, float, str]] = (),
                     marks: Sequence[tuple[float, str]] = (), log_x: bool = False,
                     title: str | None = None, labels: Mapping[str, str] | None = None,
                     y_title: str | None = None, height: int = 440,
                     width: int | None = None) -> go.Figure:
    """:func:`lungelab.viz.sweep_lines` with shaded x ranges and vertical marker lines.

    Parameters
    ----------
    df, x, ys, group, title, labels, y_title, height, width
        As :func:`lungelab.viz.sweep_lines` (``labels`` also names the axes).
    shade : sequence of (x0, x1, text)
        Grey bands, e.g. where a fit is extrapolated.
    marks : sequence of (x, text)
        Dashed vertical lines with a label.
    log_x : bool
        Logarithmic x axis.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    lab = dict(_EXTRA_LABELS)
    lab.update(labels or {})
    fig = sweep_lines(df, x, ys, group=group, title=title, labels=lab, y_title=y_title,
                      markers=False, height=height, width=width)
    for i, (x0, x1, text) in enumerate(shade):
        fig.add_vrect(x0=x0, x1=x1, fillcolor="#7f7f7f", opacity=0.12 + 0.08 * i,
                      line_width=0, annotation_text=text, annotation_position="top left",
                      annotation_font_size=11)
    for i, (xv, text) in enumerate(marks):
        xv = float(xv)
        fig.add_vline(x=xv, line_dash="dash", line_color="#444")
        # annotations on a log axis are placed in log10 units (shapes are not)
        fig.add_annotation(x=np.log10(xv) if log_x else xv, y=1.0 - 0.07 * i, yref="paper",
                           text=f"{text}: {xv:.3g}", showarrow=False, xanchor="left",
                           xshift=4, font={"size": 11, "color": "#444"},
                           bgcolor="rgba(255,255,255,0.8)")
    if log_x:
        xs = df[x].to_numpy(float)
        lo, hi = np.nanmin(xs[xs > 0]), np.nanmax(xs)
        nice = [v * 10.0 ** e for e in range(-3, 4) for v in (1, 1.5, 2, 3, 5)]
        fig.update_xaxes(type="log", tickvals=[v for v in nice if lo * 0.999 <= v <= hi * 1.001])
    return fig


def programme_bars(df, value: str, *, x: str = "programme", color: str = "condition",
                   y_title: str, x_title: str = "programme (sets × reps, per leg)",
                   title: str | None = None, text_format: str = ".1f", height: int = 420,
                   width: int | None = None) -> go.Figure:
    """Grouped bars: ``value`` per ``x`` category, one colour per ``color`` group.

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Bar`` trace per group, named by the group.
    """
    missing = [c for c in (value, x, color) if c not in df.columns]
    if missing:
        raise ValueError(f"programme_bars: columns {missing} not in the DataFrame")
    fig = go.Figure()
    cats = list(dict.fromkeys(df[x]))
    for key, part in df.groupby(color, sort=False):
        part = part.set_index(x).reindex(cats)
        vals = part[value].to_numpy(float)
        fig.add_trace(go.Bar(x=cats, y=vals, name=str(key),
                             text=[format(v, text_format) for v in vals],
                             textposition="outside", cliponaxis=False))
    fig.update_layout(template=TEMPLATE, height=height, width=width, barmode="group",
                      xaxis={"title": {"text": x_title}},
                      yaxis={"title": {"text": y_title}, "zeroline": True,
                             "zerolinecolor": "#444"},
                      legend={"title": {"text": color.replace("_", " ")}},
                      **_title(title))
    return fig
