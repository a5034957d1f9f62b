"""Figure builders: what the model returned, arranged as plotly figures.

Every builder takes what :class:`lungelab.LungeModel` returns — a
:class:`~lungelab.LungeResult`, a row or a whole DataFrame of
:meth:`~lungelab.LungeModel.evaluate` — and returns a :class:`plotly.graph_objects.Figure`.
No mechanics is computed here: positions, forces, moments and stresses are drawn as
the model gives them; the only arithmetic is drawing (arrow length = force × scale,
a circle for the head, axis ranges).

Conventions: x forward (the direction the subject faces), y up, metres; forces in N
(arrows drawn from the contact point, in the direction the floor pushes on the foot);
joint moments are net internal moments, extensor / plantarflexor positive.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..loads import JOINTS
from ._data import RowLike, as_row, finite
from ._style import COLORS, JOINT_LABELS, TEMPLATE, label, unit_of

__all__ = [
    "DEFAULT_FORCE_SCALE",
    "STICK_TRACE_NAMES",
    "stick_traces",
    "stick_figure",
    "moment_trace",
    "moment_bars",
    "pfj_trace",
    "pfj_gauge",
    "heatmap",
    "sweep_lines",
    "compare_bars",
    "stick_ranges",
]

DEFAULT_FORCE_SCALE = 8e-4
"""Arrow length per newton, m/N: 1000 N are drawn 0.8 m long."""

REFERENCE_FORCE_N = 500.0
"""Force of the scale arrow drawn next to the figure, N."""

STICK_TRACE_NAMES = (
    "floor", "rear leg", "rear foot", "front leg", "front foot", "trunk", "head",
    "joint centres", "centre of mass",
    "GRF front heel", "GRF front toes", "GRF rear foot",
    "horizontal GRF front", "horizontal GRF rear",
    "line of action front", "line of action rear",
    "force scale",
)
"""Names of the traces :func:`stick_traces` returns, always in this order."""

_AXIS_X = "x (m, forward)"
_AXIS_Y = "y (m)"
_NAN = float("nan")


def _point(row: Mapping, name: str) -> tuple[float, float]:
    return float(row.get(f"{name}_x_m", _NAN)), float(row.get(f"{name}_y_m", _NAN))


def _polyline(row: Mapping, names: Sequence[str]) -> tuple[list[float], list[float]]:
    pts = [_point(row, n) for n in names]
    return [p[0] for p in pts], [p[1] for p in pts]


def _signed(v: float) -> str:
    """``+12 N`` / ``-12 N`` / ``0 N`` (no "-0")."""
    if not finite(v):
        return ""
    return "0 N" if round(v) == 0 else f"{v:+.0f} N"


def _f(row: Mapping, key: str) -> float:
    v = row.get(key, _NAN)
    return float(v) if finite(v) else _NAN


def _arrow(name: str, x0: float, y0: float, dx: float, dy: float, color: str, text: str,
           hover: str, textposition: str, *, width: float = 3.5) -> go.Scatter:
    """A straight arrow from (x0, y0) by (dx, dy) with a head at its tip."""
    ok = all(finite(v) for v in (x0, y0, dx, dy))
    if ok:
        xs, ys = [x0, x0 + dx], [y0, y0 + dy]
    else:
        xs, ys = [_NAN, _NAN], [_NAN, _NAN]
    head = 14 if ok and math.hypot(dx, dy) > 1e-4 else 0
    return go.Scatter(
        x=xs, y=ys, name=name, mode="lines+markers+text",
        line={"color": color, "width": width},
        marker={"symbol": ["circle", "arrow"], "size": [0, head], "angleref": "previous",
                "color": color},
        text=["", text if ok else ""], textposition=textposition,
        textfont={"color": color, "size": 13},
        hovertext=[hover, hover], hoverinfo="text", showlegend=False,
    )


def stick_traces(row_or_result: RowLike, *, force_scale: float = DEFAULT_FORCE_SCALE,
                 show_lines_of_action: bool = True, reference_at: tuple[float, float] | None
                 = None, floor_x: tuple[float, float] | None = None,
                 legend: bool = True) -> list[go.Scatter]:
    """Traces of the stick figure, in the order of :data:`STICK_TRACE_NAMES`.

    Parameters
    ----------
    row_or_result : LungeResult, pandas.Series or mapping
        One posture as the model returned it.
    force_scale : float
        Arrow length per newton, m/N.
    show_lines_of_action : bool
        Draw each foot force's line of action (dotted) up to the height of the centre
        of mass; they cross where the GRF-convergence assumption makes them meet.
    reference_at : (float, float), optional
        Tail of the scale arrow (:data:`REFERENCE_FORCE_N` upward), m; default right of
        the front toes.
    floor_x : (float, float), optional
        Extent of the floor line, m; default the feet ± 0.25 m.
    legend : bool
        Show legend entries (forces, centre of mass, legs).

    Returns
    -------
    list of plotly.graph_objects.Scatter
        Always the same number of traces (NaN coordinates where the model gave no
        number, e.g. loads of a posture that cannot balance), so they can be used as
        animation frames.
    """
    row = as_row(row_or_result)
    s = float(force_scale)
    xs_all = [_point(row, n)[0] for n in ("rear_heel", "rear_toe", "front_heel", "front_toe")]
    xs_all = [x for x in xs_all if finite(x)]
    if floor_x is None:
        floor_x = ((min(xs_all) if xs_all else -1.0) - 0.25,
                   (max(xs_all) if xs_all else 0.3) + 0.25)
    fx0, fx1 = floor_x
    traces: list[go.Scatter] = [go.Scatter(
        x=[fx0, fx1, fx1, fx0, fx0], y=[0.0, 0.0, -0.03, -0.03, 0.0], name="floor",
        mode="lines", fill="toself", fillcolor="#e6e6e6",
        line={"color": COLORS["floor"], "width": 1.5}, hoverinfo="skip", showlegend=False)]

    def seg(name, names, color, width, leg=False):
        x, y = _polyline(row, names)
        return go.Scatter(x=x, y=y, name=name, mode="lines",
                          line={"color": color, "width": width}, hoverinfo="skip",
                          showlegend=legend and leg)

    traces.append(seg("rear leg", ("hip", "rear_knee", "rear_ankle"), COLORS["rear"], 7,
                      leg=True))
    traces.append(seg("rear foot", ("rear_ankle", "rear_heel", "rear_ball", "rear_toe",
                                    "rear_ankle"), COLORS["rear"], 4))
    traces.append(seg("front leg", ("hip", "front_knee", "front_ankle"), COLORS["front"], 7,
                      leg=True))
    traces.append(seg("front foot", ("front_ankle", "front_heel", "front_ball", "front_toe",
                                     "front_ankle"), COLORS["front"], 4))
    traces.append(seg("trunk", ("hip", "shoulder", "head_top"), COLORS["trunk"], 7))
    # head: a circle of diameter 0.65 x (shoulder -> head top) touching the head top
    (sx, sy), (hx, hy) = _point(row, "shoulder"), _point(row, "head_top")
    length = math.hypot(hx - sx, hy - sy) if finite(hx) and finite(sx) else _NAN
    if finite(length) and length > 0:
        r = 0.325 * length
        cx, cy = hx - r * (hx - sx) / length, hy - r * (hy - sy) / length
        t = np.linspace(0.0, 2.0 * math.pi, 25)
        head_x, head_y = (cx + r * np.cos(t)).tolist(), (cy + r * np.sin(t)).tolist()
    else:
        head_x, head_y = [_NAN], [_NAN]
    traces.append(go.Scatter(x=head_x, y=head_y, name="head", mode="lines", fill="toself",
                             fillcolor="white", line={"color": COLORS["trunk"], "width": 3},
                             hoverinfo="skip", showlegend=False))
    joint_names = ("front_ankle", "front_knee", "hip", "shoulder", "rear_knee", "rear_ankle")
    jx, jy = _polyline(row, joint_names)
    traces.append(go.Scatter(
        x=jx, y=jy, name="joint centres", mode="markers",
        marker={"size": 9, "color": "white", "line": {"color": "#222", "width": 2}},
        hovertext=[n.replace("_", " ") for n in joint_names], hoverinfo="text+x+y",
        showlegend=False))
    cx, cy = _point(row, "com")
    traces.append(go.Scatter(
        x=[cx], y=[cy], name="centre of mass", mode="markers",
        marker={"symbol": "circle-cross", "size": 16, "color": "white",
                "line": {"color": COLORS["com"], "width": 2}},
        hovertext=["centre of mass"], hoverinfo="text+x+y", showlegend=legend))

    vh, vt, vr = (_f(row, k) for k in ("grf_front_heel_n", "grf_front_toes_n", "grf_rear_n"))
    hf, hr = _f(row, "grf_front_horizontal_n"), _f(row, "grf_rear_horizontal_n")
    heel, ball, rear = (_point(row, n)[0] for n in ("front_heel", "front_ball", "rear_ball"))
    cop = _f(row, "cop_front_x_m")
    red, orange = COLORS["grf"], COLORS["grf_h"]

    def n(v):
        return f"{v:.0f} N" if finite(v) else ""

    traces.append(_arrow("GRF front heel", heel, 0.0, 0.0, vh * s, red, n(vh),
                         f"front heel, vertical: {n(vh)}", "top left"))
    traces.append(_arrow("GRF front toes", ball, 0.0, 0.0, vt * s, red, n(vt),
                         f"front toes (ball), vertical: {n(vt)}", "top right"))
    traces.append(_arrow("GRF rear foot", rear, 0.0, 0.0, vr * s, red, n(vr),
                         f"rear foot (ball), vertical: {n(vr)}", "top right"))
    traces.append(_arrow("horizontal GRF front", cop, 0.0, hf * s, 0.0, orange, _signed(hf),
                         f"front foot, horizontal (+ forward): {_signed(hf)}",
                         "bottom center"))
    traces.append(_arrow("horizontal GRF rear", rear, 0.0, hr * s, 0.0, orange, _signed(hr),
                         f"rear foot, horizontal (+ forward): {_signed(hr)}",
                         "bottom center"))
    # lines of action of each foot's resultant, drawn to the COM height
    com_y = cy if finite(cy) else _NAN
    for name, x0, hh, vv in (("line of action front", cop, hf, vh + vt),
                             ("line of action rear", rear, hr, vr)):
        ok = show_lines_of_action and all(finite(v) for v in (x0, hh, vv, com_y)) and vv > 0
        lx = [x0, x0 + hh / vv * com_y] if ok else [_NAN, _NAN]
        ly = [0.0, com_y] if ok else [_NAN, _NAN]
        traces.append(go.Scatter(
            x=lx, y=ly, name=name, mode="lines",
            line={"color": COLORS["line_of_action"], "width": 2, "dash": "dot"},
            hoverinfo="skip", showlegend=False))
    if reference_at is None:
        ft = _point(row, "front_toe")[0]
        reference_at = ((ft if finite(ft) else 0.2) + 0.15, 0.05)
    rx, ry = reference_at
    traces.append(_arrow("force scale", rx, ry, 0.0, REFERENCE_FORCE_N * s, "#555",
                         f"{REFERENCE_FORCE_N:.0f} N", f"scale: {REFERENCE_FORCE_N:.0f} N",
                         "middle right", width=2))
    for t, name in zip(traces, STICK_TRACE_NAMES, strict=True):
        t.uid = name.replace(" ", "-")
    return traces


def stick_ranges(rows: Sequence[Mapping] | Mapping, *, force_scale: float =
                 DEFAULT_FORCE_SCALE, pad: float = 0.12) -> tuple[tuple[float, float],
                                                                tuple[float, float]]:
    """Axis ranges (m) that hold every point and arrow of one or more postures.

    Parameters
    ----------
    rows : mapping or sequence of mappings
        Postures (dicts keyed like :meth:`LungeModel.evaluate` columns).
    force_scale : float
        Arrow length per newton, m/N.
    pad : float
        Margin, m.

    Returns
    -------
    ((x0, x1), (y0, y1))
    """
    if isinstance(rows, Mapping):
        rows = [rows]
    xs, ys = [], []
    for row in rows:
        for key, v in row.items():
            if not isinstance(key, str) or not finite(v):
                continue
            if key.endswith("_x_m") and key != "cop_front_x_m":
                xs.append(float(v))
            elif key.endswith("_y_m"):
                ys.append(float(v))
        for k in ("grf_front_heel_n", "grf_front_toes_n", "grf_rear_n"):
            if finite(row.get(k)):
                ys.append(float(row[k]) * force_scale)
        ft = row.get("front_toe_x_m")
        if finite(ft):
            xs.append(float(ft) + 0.15 + 0.25)   # scale arrow and its label
    if not xs:
        xs, ys = [-1.0, 0.5], [0.0, 1.8]
    ys.append(REFERENCE_FORCE_N * force_scale + 0.05)
    return ((min(xs) - pad, max(xs) + pad), (min(min(ys), 0.0) - 0.1, max(ys) + pad))


def _title(text: str | None, sub: str | None = None) -> dict:
    if text is None:
        return {}
    full = text if sub is None else f"{text}<br><sup>{sub}</sup>"
    return {"title": {"text": full, "x": 0.01, "xanchor": "left"}}


def stick_figure(row_or_result: RowLike, *, title: str | None = None,
                 force_scale: float = DEFAULT_FORCE_SCALE, show_lines_of_action: bool = True,
                 height: int = 520, width: int | None = None) -> go.Figure:
    """Side view of one lunge posture with its ground reactions.

    Both legs (front dark, rear light), trunk and head, feet, the floor, the centre of
    mass, vertical ground-reaction arrows at the front heel, front toes (ball) and rear
    foot (ball), the horizontal reactions at the front centre of pressure and the rear
    ball, and (dotted) the line of action of each foot's force.  Arrows start at the
    contact and point the way the floor pushes on the foot; their length is
    ``force × force_scale`` and their labels give newtons.  Equal aspect ratio.

    Parameters
    ----------
    row_or_result : LungeResult, pandas.Series, one-row DataFrame or mapping
        One posture as the model returned it (``LungeModel.solve`` or a row of
        ``LungeModel.evaluate``).
    title : str, optional
        Figure title.
    force_scale : float
        Arrow length per newton, m/N (default 0.0005: 1000 N ↔ 0.5 m).
    show_lines_of_action : bool
        Draw the dotted lines of action of the two foot forces.
    height, width : int
        Figure size, px.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    row = as_row(row_or_result)
    (x0, x1), (y0, y1) = stick_ranges(row, force_scale=force_scale)
    traces = stick_traces(row, force_scale=force_scale,
                          show_lines_of_action=show_lines_of_action,
                          floor_x=(x0 - 3.0, x1 + 3.0))
    fig = go.Figure(traces)
    balanced = bool(row.get("balanced", True)) and finite(row.get("grf_rear_n"))
    if balanced:
        note = (f"Arrows: force of the floor on each foot ({force_scale * 1000:.2g} m of arrow "
                f"per 1000 N). <span style='color:{COLORS['grf']}'>Vertical</span>: front "
                f"heel {_f(row, 'grf_front_heel_n'):.0f} N, front toes "
                f"{_f(row, 'grf_front_toes_n'):.0f} N, rear foot {_f(row, 'grf_rear_n'):.0f} N."
                f"<br><span style='color:{COLORS['grf_h']}'>Horizontal</span> (+ forward): "
                f"front {_signed(_f(row, 'grf_front_horizontal_n'))}, rear "
                f"{_signed(_f(row, 'grf_rear_horizontal_n'))}. Dotted: line of action of each "
                "foot's force.")
    else:
        note = "Not balanced: the model gives no loads for this posture."
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0.0, y=0.0, yshift=-50,
                       xanchor="left", yanchor="top", showarrow=False,
                       font={"size": 11, "color": "#444"}, align="left")
    fig.update_layout(
        template=TEMPLATE, height=height, width=width,
        xaxis={"title": {"text": _AXIS_X}, "range": [x0, x1]},
        yaxis={"title": {"text": _AXIS_Y}, "range": [y0, y1], "scaleanchor": "x",
               "scaleratio": 1},
        legend={"orientation": "h", "x": 1.0, "xanchor": "right", "y": 1.0,
                "yanchor": "bottom", "font": {"size": 11}},
        margin={"b": 100, "t": 70},
        **_title(title),
    )
    return fig


def _moment_values(row: Mapping, per_kg: bool) -> list[float]:
    suffix = "_moment_nm_per_kg" if per_kg else "_moment_nm"
    return [_f(row, j + suffix) for j in JOINTS]


def moment_trace(row_or_result: RowLike, *, per_kg: bool = False) -> go.Bar:
    """Bar trace of the six net joint moments (front leg dark, rear leg light).

    Parameters
    ----------
    row_or_result : LungeResult, pandas.Series or mapping
    per_kg : bool
        N·m/kg instead of N·m.
    """
    row = as_row(row_or_result)
    vals = _moment_values(row, per_kg)
    fmt = "{:+.2f}" if per_kg else "{:+.0f}"
    return go.Bar(
        x=[JOINT_LABELS[j] for j in JOINTS], y=vals, name="joint moment",
        marker={"color": [COLORS["front"]] * 3 + [COLORS["rear"]] * 3},
        text=[fmt.format(v) if finite(v) else "" for v in vals], textposition="outside",
        cliponaxis=False, hovertemplate="%{x}: %{y:.1f}<extra></extra>", showlegend=False,
        uid="joint-moment")


def moment_bars(row_or_result: RowLike, *, per_kg: bool = False, title: str | None = None,
                height: int = 380, width: int | None = None) -> go.Figure:
    """Bar chart of the six net joint moments, extensor / plantarflexor positive.

    Parameters
    ----------
    row_or_result : LungeResult, pandas.Series, one-row DataFrame or mapping
    per_kg : bool
        Moments per kg of body mass (N·m/kg) instead of N·m.
    title : str, optional
        Default: "Net joint moments".
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure
    """
    row = as_row(row_or_result)
    unit = "N·m/kg" if per_kg else "N·m"
    fig = go.Figure([moment_trace(row, per_kg=per_kg)])
    vals = [v for v in _moment_values(row, per_kg) if finite(v)]
    lo, hi = (min(vals + [0.0]), max(vals + [0.0])) if vals else (-1.0, 1.0)
    span = (hi - lo) or 1.0
    fig.update_layout(
        template=TEMPLATE, height=height, width=width, bargap=0.35,
        xaxis={"title": {"text": "joint"}},
        yaxis={"title": {"text": f"net joint moment ({unit})"},
               "zeroline": True, "zerolinecolor": "#444",
               "range": [lo - 0.15 * span, hi + 0.15 * span]},
        **_title(title or "Net joint moments",
                 "+ = extensor (ankle: plantarflexor); front leg dark, rear leg light"
                 if vals else "not balanced: no loads"),
    )
    return fig


def _model_name(row: Mapping, contact_area_model: str | None) -> str:
    name = contact_area_model or row.get("contact_area_model")
    return str(name) if name else "unspecified"


def pfj_trace(row_or_result: RowLike, *, contact_area_model: str | None = None) -> go.Bar:
    """Horizontal bar trace of the PFJ stress, MPa (for dashboards)."""
    row = as_row(row_or_result)
    v = _f(row, "pfj_stress_mpa")
    return go.Bar(
        x=[v], y=[f"PFJ ({_model_name(row, contact_area_model)})"], orientation="h",
        name="PFJ stress", marker={"color": COLORS["pfj"]},
        text=[f"{v:.1f} MPa" if finite(v) else "no value"], textposition="outside",
        cliponaxis=False, hovertemplate="%{x:.1f} MPa<extra></extra>", showlegend=False,
        uid="pfj-stress")


def pfj_gauge(row_or_result: RowLike, *, contact_area_model: str | None = None,
              max_mpa: float | None = None, title: str | None = None, height: int = 300,
              width: int | None = None) -> go.Figure:
    """Gauge of the patellofemoral (kneecap) joint stress, MPa, naming the area model.

    Parameters
    ----------
    row_or_result : LungeResult, pandas.Series, one-row DataFrame or mapping
    contact_area_model : str, optional
        Name of the PFJ contact-area model behind the number (taken from a
        ``LungeResult`` when not given; a DataFrame row does not carry it).
    max_mpa : float, optional
        Gauge maximum, MPa (default: 1.5 × the value, at least 20).
    title : str, optional
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure
        One ``Indicator`` trace; no value and a "not balanced" title if the model gave
        no stress.
    """
    row = as_row(row_or_result)
    v = _f(row, "pfj_stress_mpa")
    name = _model_name(row, contact_area_model)
    top = max_mpa if max_mpa is not None else max(20.0, 1.5 * v if finite(v) else 20.0)
    head = title or "Patellofemoral (kneecap) joint stress"
    sub = f"contact-area model: {name}" if finite(v) else "not balanced: no value"
    fig = go.Figure(go.Indicator(
        mode="gauge+number", value=v if finite(v) else None,
        number={"suffix": " MPa", "valueformat": ".1f"},
        gauge={"axis": {"range": [0, top], "ticksuffix": " MPa"},
               "bar": {"color": COLORS["pfj"]}},
        title={"text": f"{head}<br><span style='font-size:0.75em;color:#555'>{sub}</span>"},
    ))
    fig.update_layout(template=TEMPLATE, height=height, width=width,
                      margin={"t": 80, "b": 20, "l": 60, "r": 60})
    return fig


def _labels(labels: Mapping[str, str] | None, column: str) -> str:
    return (labels or {}).get(column) or label(column)


def heatmap(df, x: str, y: str, z: str, *, title: str | None = None,
            hover: Sequence[str] = (), labels: Mapping[str, str] | None = None,
            colorscale: str = "Viridis", zmin: float | None = None,
            zmax: float | None = None, contours: bool = True, height: int = 460,
            width: int | None = None) -> go.Figure:
    """Heat map of one model output over a grid of two inputs.

    Parameters
    ----------
    df : pandas.DataFrame
        Long format (e.g. from ``LungeModel.evaluate`` with broadcast inputs), one row
        per (x, y) pair.
    x, y, z : str
        Column names; NaN z (postures that cannot balance) are left blank.
    title : str, optional
    hover : sequence of str
        Further columns shown on hover.
    labels : mapping, optional
        Axis/colour-bar titles overriding :func:`lungelab.viz.label`.
    colorscale : str
    zmin, zmax : float, optional
    contours : bool
        Overlay labelled contour lines.
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure

    Raises
    ------
    ValueError
        If a column is missing or an (x, y) pair occurs twice.
    """
    cols = [x, y, z, *hover]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"heatmap: columns {missing} not in the DataFrame")
    if df.duplicated([x, y]).any():
        raise ValueError(f"heatmap: repeated ({x}, {y}) pairs; give one row per grid point")
    grid = df.pivot(index=y, columns=x, values=z)
    xs, ys = grid.columns.to_numpy(float), grid.index.to_numpy(float)
    zt, xt, yt = _labels(labels, z), _labels(labels, x), _labels(labels, y)
    template = f"{xt}: %{{x:.3g}}<br>{yt}: %{{y:.3g}}<br>{zt}: %{{z:.3g}}"
    custom = None
    if hover:
        custom = np.stack([df.pivot(index=y, columns=x, values=h).to_numpy(float)
                           for h in hover], axis=-1)
        for i, h in enumerate(hover):
            template += f"<br>{_labels(labels, h)}: %{{customdata[{i}]:.3g}}"
    zv = grid.to_numpy(float)
    fig = go.Figure(go.Heatmap(
        x=xs, y=ys, z=zv, colorscale=colorscale, zmin=zmin, zmax=zmax, customdata=custom,
        hovertemplate=template + "<extra></extra>", name=z, hoverongaps=False,
        colorbar={"title": {"text": zt, "side": "right"}}))
    if contours and np.isfinite(zv).sum() > 3:
        fig.add_trace(go.Contour(
            x=xs, y=ys, z=zv, showscale=False, hoverinfo="skip", name=f"{z} contours",
            contours={"coloring": "none", "showlabels": True,
                      "labelfont": {"size": 11, "color": "white"}},
            line={"color": "rgba(255,255,255,0.7)", "width": 1}))
    fig.update_layout(template=TEMPLATE, height=height, width=width,
                      xaxis={"title": {"text": xt}}, yaxis={"title": {"text": yt}},
                      **_title(title))
    return fig


def sweep_lines(df, x: str, ys: str | Sequence[str], *, group: str | None = None,
                title: str | None = None, y_title: str | None = None,
                labels: Mapping[str, str] | None = None, markers: bool = True,
                height: int = 420, width: int | None = None) -> go.Figure:
    """Lines of model outputs against one swept input.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per evaluated posture.
    x : str
        Column on the x axis.
    ys : str or sequence of str
        Column(s) drawn as lines.
    group : str, optional
        Column splitting the rows into separate lines (e.g. the GRF-convergence
        assumption); each y keeps its colour, each group gets its own dash.
    title : str, optional
    y_title : str, optional
        Default: the column label if one y, else ``"value (unit)"`` when all ys share a
        unit.
    labels : mapping, optional
        Overrides of :func:`lungelab.viz.label` for legend and axis titles.
    markers : bool
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure
    """
    ys = [ys] if isinstance(ys, str) else list(ys)
    missing = [c for c in [x, *ys, *([group] if group else [])] if c not in df.columns]
    if missing:
        raise ValueError(f"sweep_lines: columns {missing} not in the DataFrame")
    palette = TEMPLATE.layout.colorway
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    groups = [(None, df)] if group is None else list(df.groupby(group, sort=False))
    fig = go.Figure()
    for gi, (gval, part) in enumerate(groups):
        part = part.sort_values(x)
        for yi, col in enumerate(ys):
            name = _labels(labels, col) if len(ys) > 1 or group is None else None
            if group is not None:
                name = str(gval) if name is None else f"{name}, {gval}"
            ci = gi if len(ys) == 1 else yi
            fig.add_trace(go.Scatter(
                x=part[x].to_numpy(float), y=part[col].to_numpy(float), name=name,
                mode="lines+markers" if markers else "lines",
                line={"color": palette[ci % len(palette)], "dash": dashes[gi % len(dashes)],
                      "width": 2.5},
                marker={"size": 5}))
    if y_title is None:
        units = {unit_of(c) for c in ys}
        if len(ys) == 1:
            y_title = _labels(labels, ys[0])
        elif len(units) == 1:
            u = units.pop()
            y_title = f"value ({'fraction 0-1' if u == '1' else u})"
        else:
            y_title = "value (see legend for units)"
    legend_title = ((labels or {}).get(group) or group.replace("_", " ")) if group else ""
    fig.update_layout(template=TEMPLATE, height=height, width=width,
                      xaxis={"title": {"text": _labels(labels, x)}},
                      yaxis={"title": {"text": y_title}},
                      legend={"title": {"text": legend_title, "side": "top"},
                              "orientation": "h", "x": 0.0, "y": -0.2, "yanchor": "top"},
                      margin={"b": 60 + 22 * len(fig.data)},
                      showlegend=len(fig.data) > 1, **_title(title))
    return fig


def compare_bars(df, values: str | Sequence[str], *, group: str | None = None,
                 title: str | None = None, y_title: str | None = None,
                 labels: Mapping[str, str] | None = None, group_labels: Mapping | None = None,
                 text_format: str = ".0f", x_title: str | None = None,
                 legend_title: str | None = None, height: int = 420,
                 width: int | None = None) -> go.Figure:
    """Grouped bars: one bar per value column, one colour per group (row).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per group (e.g. ``LungeModel.convergence_sensitivity()``, one row per
        assumption).
    values : str or sequence of str
        Columns to compare (the x-axis categories).
    group : str, optional
        Column naming the groups; default the index.
    title, y_title : str, optional
        ``y_title`` defaults to ``"<quantity> (<unit>)"`` when all values share a unit.
    labels : mapping, optional
        Category names overriding :func:`lungelab.viz.label`.
    group_labels : mapping, optional
        Legend names for group values.
    text_format : str
        Format of the numbers printed on the bars.
    x_title, legend_title : str, optional
        Defaults: ``"joint"`` (moments) or ``"quantity"``; the group column's name.
    height, width : int

    Returns
    -------
    plotly.graph_objects.Figure
    """
    values = [values] if isinstance(values, str) else list(values)
    missing = [c for c in values if c not in df.columns]
    if missing:
        raise ValueError(f"compare_bars: columns {missing} not in the DataFrame")
    keys = df[group].tolist() if group is not None else list(df.index)

    def cat(c):
        if labels and c in labels:
            return labels[c]
        for j, text in JOINT_LABELS.items():
            if c.startswith(j + "_moment"):
                return text
        return label(c).rsplit(" (", 1)[0]

    cats = [cat(c) for c in values]
    fig = go.Figure()
    for key, (_, r) in zip(keys, df.iterrows(), strict=True):
        vals = [float(r[c]) if finite(r[c]) else _NAN for c in values]
        fig.add_trace(go.Bar(
            x=cats, y=vals, name=str((group_labels or {}).get(key, key)),
            text=[format(v, text_format) if finite(v) else "" for v in vals],
            textposition="outside", cliponaxis=False))
    if y_title is None:
        units = {unit_of(c) for c in values}
        u = units.pop() if len(units) == 1 else None
        u_text = "fraction 0-1" if u == "1" else u
        if len(values) == 1:
            y_title = _labels(labels, values[0]) if not labels else label(values[0])
        elif all("_moment" in c for c in values):
            y_title = f"net joint moment ({u_text}, + extensor)"
        else:
            y_title = f"value ({u_text})" if u else "value (see categories for units)"
    fig.update_layout(template=TEMPLATE, height=height, width=width, barmode="group",
                      xaxis={"title": {"text": x_title or (
                          "joint" if all("_moment" in c for c in values) else "quantity")}},
                      yaxis={"title": {"text": y_title}, "zeroline": True,
                             "zerolinecolor": "#444"},
                      legend={"title": {"text": legend_title if legend_title is not None
                                        else (group or df.index.name or "group")
                                        .replace("_", " ")}},
                      **_title(title))
    return fig
