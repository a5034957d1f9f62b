"""A live coach dashboard: sliders for the lunge cues, figures that follow them.

>>> from lungelab.dashboard import CoachDashboard
>>> dash = CoachDashboard()
>>> result = dash.update(trunk_lean_deg=30)
>>> dash.figure.data[-1].type, dash.balanced
('indicator', True)

:class:`CoachDashboard` binds ipywidgets controls (knee travel past the toes, trunk lean,
depth, back-knee bend, heel share, external load and where it is held, body mass,
height and sex, and the two modelling assumptions) to **one** plotly
:class:`~plotly.graph_objects.FigureWidget`: the side view with the ground-reaction
arrows, the six net joint moments and the kneecap (patellofemoral, PFJ) stress gauge.

Every control change re-solves the posture with :meth:`lungelab.LungeModel.solve`
and writes the new numbers into the existing traces inside one
:meth:`~plotly.graph_objects.FigureWidget.batch_update` (nothing is rebuilt, so the
figure does not flicker and one message reaches the browser).  No mechanics lives
here: numbers come from the model, traces from :mod:`lungelab.viz`; the only
arithmetic is drawing (axis ranges, the gauge's scale).

Displaying the dashboard (:meth:`CoachDashboard.show`, or leaving it as the last
expression of a notebook cell) puts the controls, the status line and the figure one
after another at the top level of the output: a plotly figure nested in an ``HBox`` or
``Tab`` can render empty under Voilà with anywidget-based ``FigureWidget`` (plotly
issue 4998, Voilà issue 1533), so the figure is never put inside a container.

Requires the optional notebook packages ``ipywidgets`` and ``anywidget``.
"""

from __future__ import annotations

import html
import math
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .body import ExternalLoad, Subject
from .errors import LungelabError
from .loads import JOINTS
from .model import LungeModel, LungeResult
from .posture import LungePosture
from .viz import (
    DEFAULT_FORCE_SCALE,
    STICK_TRACE_NAMES,
    TEMPLATE,
    as_row,
    moment_trace,
    pfj_gauge,
    stick_ranges,
    stick_traces,
)

__all__ = ["CoachDashboard", "Control", "CONTROLS", "GRF_CONVERGENCE_OPTIONS",
           "CONTACT_AREA_OPTIONS"]


@dataclass(frozen=True)
class Control:
    """One dashboard control: its widget kind, label, range and coach's explanation.

    Parameters
    ----------
    name : str
        Keyword of :meth:`CoachDashboard.update` (model units in the name).
    label : str
        Text next to the widget.
    default : Any
        Starting value.
    kind : {"slider", "dropdown", "toggle"}
    low, high, step : float
        Slider range and step (sliders only).
    fmt : str
        Slider readout format, e.g. ``".2f"``.
    options : tuple
        ``(label, value)`` pairs (dropdowns and toggles only).
    group : str
        Column of the control panel it sits in.
    help : str
        One line for the tooltip.
    """

    name: str
    label: str
    default: Any
    kind: str = "slider"
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    fmt: str = ".0f"
    options: tuple = field(default_factory=tuple)
    group: str = "posture"
    help: str = ""


GRF_CONVERGENCE_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("feet push toward the body's centre of mass (default)", "com"),
    ("feet push straight down (no sideways push)", "vertical"),
    ("forces meet 2 m above the floor (gentle push apart)", 2.0),
    ("forces meet 1 m above the floor", 1.0),
    ("forces meet 0.4 m above the floor (feet push apart hard)", 0.4),
)
"""Choices of ``grf_convergence`` (see :class:`lungelab.LungeModel`), with coach labels."""

CONTACT_AREA_OPTIONS: tuple[tuple[str, str], ...] = (
    ("quartic fit (default; smaller areas, higher stress)", "quartic"),
    ("Besier 2005 upright MRI (larger areas, lower stress)", "besier2005"),
)
"""Choices of the PFJ ``contact_area_model`` (see :mod:`lungelab.knee`)."""

_CONTROL_LIST = (
    Control("knee_past_toes_m", "Knee past toes (m)", -0.20, low=-0.30, high=0.20, step=0.01,
            fmt="+.2f", help="front knee joint centre in front of the toe tip, m "
            "(negative: behind the toes; about -0.20 m puts a 1.75 m adult's knee right "
            "above the ankle)"),
    Control("trunk_lean_deg", "Trunk lean (°)", 10.0, low=-10.0, high=60.0, step=1.0,
            help="forward lean of the hip-to-shoulder line from vertical, degrees"),
    Control("front_knee_flexion_deg", "Depth: front knee (°)", 90.0, low=40.0, high=120.0,
            step=1.0, help="front knee bend, degrees (90 = thigh about level)"),
    Control("rear_knee_flexion_deg", "Back knee bend (°)", 90.0, low=40.0, high=130.0,
            step=1.0, help="back knee bend, degrees; the back foot stands on its ball"),
    Control("front_heel_share", "Front heel share", 0.6, low=0.0, high=1.0, step=0.05,
            fmt=".2f", help="share of the front foot's load on the heel (rest on the toes)"),
    Control("load_kg", "Load (kg)", 0.0, low=0.0, high=80.0, step=1.0, group="athlete",
            help="external load, kg (both dumbbells together)"),
    Control("load_at", "Load held in", "hands", kind="toggle", group="athlete",
            options=(("hands", "hands"), ("shoulders", "shoulders")),
            help="dumbbells hanging from straight arms, or a bar on the upper back"),
    Control("mass_kg", "Body mass (kg)", 75.0, low=40.0, high=150.0, step=1.0,
            group="athlete", help="body mass, kg"),
    Control("height_m", "Height (m)", 1.75, low=1.40, high=2.10, step=0.01, fmt=".2f",
            group="athlete", help="standing height, m (segment lengths scale with it)"),
    Control("sex", "Sex", "male", kind="toggle", group="athlete",
            options=(("male", "male"), ("female", "female")),
            help="selects the segment-mass table (de Leva 1996) and knee contact areas"),
    Control("grf_convergence", "Foot forces", "com", kind="dropdown",
            options=GRF_CONVERGENCE_OPTIONS, group="assumptions",
            help="where the two foot forces meet: a static model cannot know how hard "
            "the feet push apart, so you choose"),
    Control("contact_area_model", "Kneecap contact area", "quartic", kind="dropdown",
            options=CONTACT_AREA_OPTIONS, group="assumptions",
            help="how the kneecap's contact area grows with knee bend"),
)

CONTROLS: dict[str, Control] = {c.name: c for c in _CONTROL_LIST}
"""Every control by name: the keywords :meth:`CoachDashboard.update` accepts."""

_GROUP_TITLES = {"posture": "Posture (the coaching cues)", "athlete": "Athlete and load",
                 "assumptions": "Model assumptions"}

# parameter names in the model's messages -> what the coach sees on the controls
_MESSAGE_NAMES = {
    "front_knee_flexion_deg": "Depth: front knee",
    "rear_knee_flexion_deg": "Back knee bend",
    "rear_foot_angle_deg": "rear foot angle (fixed at 50°)",
    "knee_past_toes_m": "Knee past toes",
    "front_heel_share": "Front heel share",
    "trunk_lean_deg": "Trunk lean",
}

_N_STICK = len(STICK_TRACE_NAMES)
_GAUGE_TITLE = "Kneecap (patellofemoral) stress"
# axes used until a posture that can be drawn has been seen (m, m, N·m, MPa)
_FALLBACK_RANGES = {"x": (-1.2, 0.8), "y": (-0.15, 1.9), "m": (-50.0, 150.0),
                    "pfj": (0.0, 50.0)}
_MODEL_CACHE_SIZE = 16


def _nice_ceil(value: float, step: float) -> float:
    return step * math.ceil(value / step)


def _array(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _union(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    return (min(a[0], b[0]), max(a[1], b[1]))


class CoachDashboard:
    """Sliders for the lunge cues driving a live side view, joint moments and PFJ stress.

    Parameters
    ----------
    force_scale : float
        Arrow length per newton in the side view, m/N.
    height : int
        Figure height, px.
    width : int or None
        Figure width, px.  ``None`` lets plotly size it, which JupyterLab does only after
        the window is resized (the figure first shows 700 px wide), so the default is a
        fixed 960 px that fits a notebook on a laptop screen.
    **values
        Starting values of any control in :data:`CONTROLS` (e.g. ``mass_kg=60``).

    Attributes
    ----------
    figure : plotly.graph_objects.FigureWidget
        Side view (traces ``0..16``, :data:`lungelab.viz.STICK_TRACE_NAMES`), the
        joint-moment bars (trace 17) and the PFJ gauge (trace 18, an ``Indicator``).
    controls : dict of str to ipywidgets.Widget
        One widget per entry of :data:`CONTROLS`; setting ``.value`` updates the figure.
    status : ipywidgets.HTML
        What the posture means in words: who carries the weight, or a warning when the
        posture cannot balance or cannot be built (with the direction to change).
    result : LungeResult or None
        The model's answer for the current settings (``None`` if it cannot be built).
    message : str or None
        The model's message when the posture cannot balance or cannot be built.
    last_update_s : float
        Wall time of the last recompute + figure update, s.
    update_times_s : collections.deque of float
        The last 500 such times.

    Examples
    --------
    In a notebook cell::

        from lungelab.dashboard import CoachDashboard
        CoachDashboard()          # or: dash = CoachDashboard(); dash.show()
    """

    def __init__(self, *, force_scale: float = DEFAULT_FORCE_SCALE, height: int = 580,
                 width: int | None = 960, **values: Any) -> None:
        self.force_scale = float(force_scale)
        self._models: dict[tuple, LungeModel] = {}
        self._busy = False
        self.result: LungeResult | None = None
        self.message: str | None = None
        self.last_update_s = float("nan")
        self.update_times_s: deque[float] = deque(maxlen=500)
        self.controls: dict[str, widgets.Widget] = {c.name: self._make_widget(c)
                                                    for c in _CONTROL_LIST}
        self._check_and_set(values)
        self.status = widgets.HTML(layout=widgets.Layout(
            width="100%", max_width=f"{width}px" if width else None))
        self.panel = self._make_panel()
        self._base_ranges: dict[str, tuple[float, float]] = {}
        figure = self._make_figure(height, width)
        self._refresh(figure)              # draw the first posture before the widget exists
        self.figure = go.FigureWidget(figure)
        for w in self.controls.values():
            w.observe(self._on_change, names="value")

    # -- widgets ---------------------------------------------------------------------
    @staticmethod
    def _make_widget(c: Control) -> widgets.Widget:
        style = {"description_width": "150px"}
        if c.kind == "slider":
            return widgets.FloatSlider(
                value=c.default, min=c.low, max=c.high, step=c.step, description=c.label,
                readout_format=c.fmt, continuous_update=True, tooltip=c.help,
                style=style, layout=widgets.Layout(width="360px"))
        if c.kind == "toggle":   # labelled in the panel: a description would sit above
            return widgets.ToggleButtons(
                options=list(c.options), value=c.default, tooltip=c.help,
                style={"button_width": "92px"}, layout=widgets.Layout(width="auto"))
        return widgets.Dropdown(options=list(c.options), value=c.default, description=c.label,
                                tooltip=c.help, style=style,
                                layout=widgets.Layout(width="560px"))

    def _make_panel(self) -> widgets.Widget:
        groups = []
        for group, title in _GROUP_TITLES.items():
            items = [widgets.HTML(f"<b>{html.escape(title)}</b>")]
            items += [self._labelled(c) for c in _CONTROL_LIST if c.group == group]
            groups.append(widgets.VBox(items, layout=widgets.Layout(margin="0 24px 6px 0")))
        top = widgets.HBox(groups[:2], layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([top, groups[2]])

    def _labelled(self, c: Control) -> widgets.Widget:
        w = self.controls[c.name]
        if c.kind != "toggle":
            return w
        label = widgets.HTML(f"<div style='text-align:right;padding-right:8px'>"
                             f"{html.escape(c.label)}</div>",
                             layout=widgets.Layout(width="158px"))
        return widgets.HBox([label, w], layout=widgets.Layout(align_items="center"))

    def _check_and_set(self, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - set(CONTROLS))
        if unknown:
            raise TypeError(f"unknown dashboard control(s) {unknown}; "
                            f"expected some of {list(CONTROLS)}")
        checked = {}
        for name, value in values.items():       # check everything before changing anything
            c = CONTROLS[name]
            if c.kind == "slider":
                v = float(value)
                if not (c.low <= v <= c.high):
                    raise ValueError(f"{name}={value!r} is outside the control's range "
                                     f"[{c.low:g}, {c.high:g}]")
            else:
                allowed = [opt[1] for opt in c.options]
                if value not in allowed:
                    raise ValueError(f"{name}={value!r} is not one of {allowed}")
                v = value
            checked[name] = v
        for name, v in checked.items():
            self.controls[name].value = v

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    @property
    def balanced(self) -> bool:
        """True when the current posture can be built and balances."""
        return self.result is not None and self.result.balanced

    # -- figure ----------------------------------------------------------------------
    def _make_figure(self, height: int, width: int | None) -> go.Figure:
        fig = make_subplots(
            rows=2, cols=2, column_widths=[0.56, 0.44], row_heights=[0.56, 0.44],
            specs=[[{"rowspan": 2}, {}], [None, {"type": "domain"}]],
            horizontal_spacing=0.09, vertical_spacing=0.24,
            subplot_titles=("Side view · arrows: force of the floor on the feet",
                            "Net joint moments (N·m), + = extensor", ""))
        empty: dict = {}
        for t in stick_traces(empty, force_scale=self.force_scale, floor_x=(-1.0, 1.0),
                              reference_at=(0.5, 0.05), legend=False):
            fig.add_trace(t, row=1, col=1)
        fig.add_trace(moment_trace(empty), row=1, col=2)
        fig.add_trace(pfj_gauge(empty).data[0], row=2, col=2)
        fig.update_layout(
            template=TEMPLATE, height=height, width=width, showlegend=False,
            margin={"t": 50, "b": 40, "l": 60, "r": 55}, uirevision="lungelab-dashboard")
        fig.update_xaxes(title_text="x (m, forward)", constrain="domain", row=1, col=1)
        fig.update_yaxes(title_text="y (m)", scaleanchor="x", scaleratio=1,
                         constrain="domain", constraintoward="top", row=1, col=1)
        fig.update_xaxes(tickfont={"size": 11}, tickangle=0, row=1, col=2)
        fig.update_yaxes(title_text="N·m", zeroline=True, zerolinecolor="#444", row=1, col=2)
        fig.add_annotation(text="", x=0.02, y=0.98, xref="x domain", yref="y domain",
                           xanchor="left", yanchor="top", align="left", showarrow=False,
                           font={"size": 15, "color": "#b03a2e"},
                           bgcolor="rgba(255,255,255,0.85)", name="notice")
        return fig

    def _ranges(self, row: Mapping) -> dict[str, tuple[float, float]]:
        """Axis ranges (drawing only): the side view, the moment axis, the gauge top."""
        r: dict[str, tuple[float, float]] = {}
        if row:
            r["x"], r["y"] = stick_ranges(row, force_scale=self.force_scale)
        vals = [float(row.get(f"{j}_moment_nm", math.nan)) for j in JOINTS]
        vals = [v for v in vals if math.isfinite(v)]
        if vals:
            lo, hi = min(vals + [0.0]), max(vals + [0.0])
            span = (hi - lo) or 1.0
            r["m"] = (lo - 0.12 * span, hi + 0.22 * span)
        p = float(row.get("pfj_stress_mpa", math.nan))
        r["pfj"] = (0.0, _nice_ceil(max(50.0, 1.15 * p if math.isfinite(p) else 0.0), 10.0))
        return r

    # -- model -----------------------------------------------------------------------
    def _model(self, v: Mapping[str, Any]) -> LungeModel:
        key = (v["mass_kg"], v["height_m"], v["sex"], v["load_kg"], v["load_at"],
               v["grf_convergence"], v["contact_area_model"])
        model = self._models.get(key)
        if model is None:
            if len(self._models) >= _MODEL_CACHE_SIZE:
                self._models.pop(next(iter(self._models)))
            model = LungeModel(Subject(mass_kg=v["mass_kg"], height_m=v["height_m"],
                                       sex=v["sex"]),
                               ExternalLoad(mass_kg=v["load_kg"], at=v["load_at"]),
                               grf_convergence=v["grf_convergence"],
                               contact_area_model=v["contact_area_model"])
            self._models[key] = model
        return model

    def solve(self, **values: Any) -> tuple[LungeResult | None, str | None]:
        """Solve the current settings (changed by ``values``) without touching the figure.

        Parameters
        ----------
        **values
            Settings to use instead of the controls' values (the controls are not changed).

        Returns
        -------
        (LungeResult or None, str or None)
            The model's result (``None`` if the posture cannot be built) and its message
            when the posture cannot be built or cannot balance.
        """
        v = {**self.values, **values}
        try:
            posture = LungePosture(front_knee_flexion_deg=v["front_knee_flexion_deg"],
                                   knee_past_toes_m=v["knee_past_toes_m"],
                                   trunk_lean_deg=v["trunk_lean_deg"],
                                   rear_knee_flexion_deg=v["rear_knee_flexion_deg"])
            result = self._model(v).solve(posture, front_heel_share=v["front_heel_share"])
        except LungelabError as exc:
            return None, str(exc)
        return result, (None if result.balanced else result.warnings[0])

    # -- updates ---------------------------------------------------------------------
    def update(self, **values: Any) -> LungeResult | None:
        """Set controls, re-solve and update the figure in place (nothing is rendered).

        Parameters
        ----------
        **values
            New values for any of :data:`CONTROLS` (e.g. ``trunk_lean_deg=30``); slider
            values must lie within the slider's range.  With no values, just recompute.

        Returns
        -------
        LungeResult or None
            The model's result for the new settings (``None`` if it cannot be built).

        Raises
        ------
        TypeError
            For an unknown control name.
        ValueError
            For a value outside a slider's range or not among a dropdown's options.
        """
        self._busy = True
        try:
            self._check_and_set(values)
        finally:
            self._busy = False
        return self._refresh()

    def _on_change(self, change: dict) -> None:
        if not self._busy:
            self._refresh()

    def _refresh(self, figure: go.Figure | None = None) -> LungeResult | None:
        t0 = time.perf_counter()
        result, message = self.solve()
        self.result, self.message = result, message
        self._draw(self.figure if figure is None else figure, result, message)
        self.last_update_s = time.perf_counter() - t0
        self.update_times_s.append(self.last_update_s)
        return result

    def _draw(self, fig: go.Figure, result: LungeResult | None, message: str | None) -> None:
        row = as_row(result) if result is not None else {}
        ranges = self._ranges(row)
        for key, value in ranges.items():      # the first posture drawn fixes the resting axes
            self._base_ranges.setdefault(key, value)

        def axis(key: str) -> tuple[float, float]:
            base = self._base_ranges.get(key, _FALLBACK_RANGES[key])
            return _union(base, ranges.get(key, base))

        x, y, m, top = axis("x"), axis("y"), axis("m"), axis("pfj")[1]
        cam = self.controls["contact_area_model"].value
        stick = stick_traces(row, force_scale=self.force_scale, legend=False,
                             floor_x=(x[0] - 3.0, x[1] + 3.0), reference_at=(x[1] - 0.32, 0.05))
        bars = moment_trace(row)
        gauge = pfj_gauge(row, contact_area_model=cam, max_mpa=top,
                          title=_GAUGE_TITLE).data[0]
        if result is None:
            notice = "cannot be built<br><span style='font-size:0.8em'>see the message above</span>"
        elif not result.balanced:
            notice = "cannot balance<br><span style='font-size:0.8em'>no loads: see above</span>"
        else:
            notice = ""
        # coordinates go to the browser as float64 buffers: NaN (no number from the
        # model) stays NaN there, while NaN in a list is not valid JSON
        with fig.batch_update():
            for old, new in zip(fig.data[:_N_STICK], stick, strict=True):
                old.update(x=_array(new.x), y=_array(new.y), text=new.text,
                           hovertext=new.hovertext, marker=new.marker)
            fig.data[_N_STICK].update(y=_array(bars.y), text=bars.text)
            fig.data[_N_STICK + 1].update(value=gauge.value, gauge=gauge.gauge,
                                          title=gauge.title)
            fig.layout.xaxis.range = x
            fig.layout.yaxis.range = y
            fig.layout.yaxis2.range = m
            fig.layout.annotations[-1].text = notice
        self.status.value = self._status_html(result, message)

    # -- words -----------------------------------------------------------------------
    @staticmethod
    def _coach_words(text: str) -> str:
        for prefix in ("not balanced: ", "posture cannot be built: "):
            text = text.removeprefix(prefix)
        out = html.escape(text)
        for name, shown in _MESSAGE_NAMES.items():
            out = out.replace(name, f"«{shown}»")
        return out

    def _status_html(self, result: LungeResult | None, message: str | None) -> str:
        box = ("<div style='padding:6px 10px;border-radius:4px;line-height:1.45;"
               "border-left:6px solid {c};background:{b}'>{t}</div>")
        if result is None or not result.balanced:
            kind = "This posture cannot be built" if result is None else \
                "This posture cannot balance"
            text = f"<b>⚠ {kind}:</b> {self._coach_words(message or '')}"
            return box.format(c="#c0392b", b="#fdecea", t=text)
        r = result
        text = (f"<b>Balanced.</b> Front foot carries <b>{r.front_share:.0%}</b> of the "
                f"weight (heel {r.front_heel_share:.0%} of it, toes "
                f"{r.front_toes_share:.0%}); back foot <b>{r.rear_share:.0%}</b>. "
                f"Front knee {abs(r.knee_past_toes_m):.2f} m "
                f"{'in front of' if r.knee_past_toes_m > 0 else 'behind'} the toe tip; back knee "
                f"{100 * r.rear_knee_height_m:.0f} cm above the floor. "
                f"Kneecap stress <b>{r.pfj_stress_mpa:.1f} MPa</b>, front knee moment "
                f"<b>{r.moments_nm['front_knee']:+.0f} N·m</b>.")
        notes = list(r.warnings)
        if notes:
            text += "<br><i>Note: " + "; ".join(self._coach_words(n) for n in notes) + "</i>"
        return box.format(c="#2e8b57", b="#eef7f1", t=text)

    # -- display ---------------------------------------------------------------------
    def show(self) -> None:
        """Display the controls, the status line and the figure, each at top level."""
        from IPython.display import display

        display(self.panel)
        display(self.status)
        display(self.figure)

    def _ipython_display_(self) -> None:
        self.show()

    def __repr__(self) -> str:
        state = ("cannot be built" if self.result is None else
                 "balanced" if self.result.balanced else "not balanced")
        return f"CoachDashboard({state}, last update {1e3 * self.last_update_s:.1f} ms)"

