"""The offline coach report: one self-contained HTML page with the key figures.

>>> from lungelab.presentation import write_report
>>> report = write_report("out/report")          # doctest: +SKIP
>>> report.path                                  # doctest: +SKIP
PosixPath('out/report/index.html')

Every number comes from :class:`lungelab.LungeModel` (vectorised
:meth:`~lungelab.LungeModel.evaluate` for the sliders and the heat map); the figures
come from :mod:`lungelab.viz`.  plotly.js is embedded once in the page, so it opens
without a network connection and without Python; the sliders are plotly sliders over
precomputed frames.

Sections: the default lunge (side view with ground reactions, joint moments, kneecap
stress, load table); three slider dashboards (knee travel past the toes, trunk lean,
depth); a heel-share × knee-travel heat map of the kneecap stress; and how much the
answers depend on the horizontal-force (GRF-convergence) assumption.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import __version__, knee, viz
from .errors import DataFileError
from .loads import JOINTS
from .model import LungeModel, LungeResult
from .posture import LungePosture
from .safefile import write_text

__all__ = ["Report", "Section", "build_sections", "render_html", "write_report",
           "KNEE_TRAVEL_M", "TRUNK_LEAN_DEG", "DEPTH_DEG", "HEEL_SHARES"]

KNEE_TRAVEL_M = np.round(np.arange(-0.20, 0.1001, 0.02), 3)
"""Slider values of the knee travel past the toes, m."""
TRUNK_LEAN_DEG = np.arange(-10.0, 60.1, 5.0)
"""Slider values of the trunk lean, degrees."""
DEPTH_DEG = np.arange(30.0, 100.1, 5.0)
"""Slider values of the knee flexion (both knees together), degrees."""
HEEL_SHARES = np.round(np.linspace(0.0, 1.0, 21), 3)
"""Heel shares of the heat map."""

_CONVERGENCE_LABELS = {
    "vertical": "vertical: no horizontal force",
    "2.0": "forces meet 2 m above the floor",
    "1.0": "forces meet 1 m above the floor",
    "com": "forces meet at the centre of mass (default)",
    "0.4": "forces meet 0.4 m above the floor",
}


@dataclass
class Section:
    """One part of the page: a heading, plain-language text and figures.

    Attributes
    ----------
    id : str
        HTML anchor.
    title : str
    caption : str
        What the figure shows and what it means, for a coach (HTML allowed).
    assumptions : str
        The assumptions behind the numbers (HTML allowed).
    figures : dict
        ``{div_id: plotly Figure}`` in display order.
    extra_html : str
        Anything else (e.g. a table), trusted HTML.
    extra_at : int
        Position of ``extra_html`` among the figures (default: after them).
    wide : bool
        Figures one per row (True) or in a two-column grid (3:2).
    span : tuple of str
        In a grid, ids of figures that take the whole width.
    """

    id: str
    title: str
    caption: str
    assumptions: str
    figures: dict = field(default_factory=dict)
    extra_html: str = ""
    extra_at: int | None = None
    wide: bool = True
    span: tuple[str, ...] = ()


@dataclass
class Report:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    path : pathlib.Path
        The HTML file.
    figures : dict
        ``{div_id: number of traces}`` of every figure on the page.
    sliders : list of str
        Div ids of the figures with a slider (and animation frames).
    result : LungeResult
        The default lunge.
    seconds : float
        Time to build and write the page.
    """

    path: Path
    figures: dict[str, int]
    sliders: list[str]
    result: LungeResult
    seconds: float


def _fmt(v: float, spec: str = ".0f") -> str:
    return format(float(v), spec) if np.isfinite(v) else "—"


def _balance_notes(raw: pd.DataFrame, heel_share: float) -> list[str]:
    """Why a posture cannot balance, read off the unmasked model output."""
    notes = []
    for _, r in raw.iterrows():
        if r["balanced"]:
            notes.append("")
        elif not r["feasible"]:
            notes.append("this posture cannot be built (rear leg cannot reach the floor)")
        elif r["front_share"] > 1:
            notes.append(f"with {heel_share:.0%} of the front-foot load on the heel the centre "
                         "of mass is ahead of the front foot's pressure point: the weight "
                         "must shift to the toes")
        else:
            notes.append("the centre of mass is behind the rear foot")
    return notes


def _load_table_html(result: LungeResult) -> str:
    tab = result.load_table()
    rows = []
    for q, r in tab.iterrows():
        v, unit = r["value"], r["unit"]
        if unit == "1":
            text = _fmt(100 * v, ".0f") + " %"
        elif unit == "m":
            text = _fmt(v, "+.3f") + " m"
        elif unit == "MPa":
            text = _fmt(v, ".1f") + " MPa"
        else:
            text = _fmt(v, ".0f") + f" {unit}"
        rows.append(f"<tr><td>{html.escape(str(q))}</td><td class='num'>{text}</td></tr>")
    jt = result.joint_table()
    jrows = "".join(
        f"<tr><td>{viz.JOINT_LABELS[j]}</td><td class='num'>{_fmt(jt.loc[j, 'angle_deg'], '.0f')}°"
        f"</td><td class='num'>{_fmt(jt.loc[j, 'moment_nm'], '+.0f')}</td>"
        f"<td class='num'>{_fmt(jt.loc[j, 'moment_nm_per_kg'], '+.2f')}</td></tr>"
        for j in JOINTS)
    return (
        "<div class='tables'><table><caption>Loads of the default lunge</caption>"
        + "".join(rows) + "</table>"
        "<table><caption>Joints (moments: + = extensor / plantarflexor)</caption>"
        "<tr><th>joint</th><th>angle</th><th>N·m</th><th>N·m/kg</th></tr>"
        + jrows + "</table></div>")


def build_sections(model: LungeModel | None = None, posture: LungePosture | None = None,
                   front_heel_share: float = 0.6) -> tuple[list[Section], LungeResult]:
    """All sections of the report, with their figures and captions.

    Parameters
    ----------
    model : LungeModel, optional
        Subject, load and assumptions (default: 75 kg, 1.75 m man, GRF convergence at
        the COM, quartic PFJ contact area).
    posture : LungePosture, optional
        The reference lunge (default: the coaches' good-form lunge).
    front_heel_share : float
        Heel's share of the front-foot load used everywhere except the heat map.

    Returns
    -------
    (list of Section, LungeResult)
    """
    model = model if model is not None else LungeModel()
    posture = posture if posture is not None else LungePosture()
    subj = model.subject
    area = model.contact_area_model
    h = front_heel_share
    result = model.solve(posture, front_heel_share=h)
    base = {"front_knee_flexion_deg": posture.front_knee_flexion_deg,
            "front_shank_angle_deg": posture.shank_angle_deg(subj),
            "trunk_lean_deg": posture.trunk_lean_deg,
            "rear_knee_flexion_deg": posture.rear_knee_flexion_deg,
            "rear_foot_angle_deg": posture.rear_foot_angle_deg}
    who = (f"{subj.mass_kg:g} kg, {subj.height_m:g} m {subj.sex}"
           + (f", holding {model.load.mass_kg:g} kg" if model.load.mass_kg else ""))
    conv = model.grf_convergence
    conv_text = {"com": "each foot pushes toward the centre of mass",
                 "vertical": "no horizontal foot forces"}.get(
        conv, f"the two foot forces meet {conv} m above the floor")
    common = (f"Static model of a {who}; the heel carries {h:.0%} of the front foot's load; "
              f"horizontal forces: {conv_text} (<a href='#convergence'>see how much this "
              f"matters</a>); kneecap contact area: {area} model.")
    sections: list[Section] = []

    # 1. the default lunge --------------------------------------------------------
    r = result
    pfj = r.pfj_stress_mpa
    sections.append(Section(
        id="default", title="1 · The lunge coaches teach, in numbers",
        caption=(
            "Bottom of a backward lunge: front knee at "
            f"{posture.front_knee_flexion_deg:.0f}° straight above the ankle, trunk "
            f"{posture.trunk_lean_deg:.0f}° forward, back knee at "
            f"{posture.rear_knee_flexion_deg:.0f}° hovering "
            f"{100 * r.rear_knee_height_m:.0f} cm above the floor (joint centre). "
            f"The front foot carries {r.front_share:.0%} of the weight and the back foot "
            f"{r.rear_share:.0%}: the back leg is far from idle. Red arrows: how hard the "
            "floor pushes up on the front heel, the front toes and the back foot; orange: "
            "how hard it pushes forward or backward. The front knee extensors (quadriceps) "
            f"work hardest ({r.moments_nm['front_knee']:.0f} N·m, "
            f"{r.moments_nm_per_kg['front_knee']:.2f} N·m per kg), which presses the kneecap "
            f"onto the thigh bone at about {_fmt(pfj, '.0f')} MPa."
            if r.balanced else "This posture cannot balance; no loads."),
        assumptions=common + " Quasi-static: the bottom of a slow, controlled lunge "
        "(no accelerations).",
        figures={
            "fig-default-stick": viz.stick_figure(r, title="Side view: where the load goes",
                                                  height=540),
            "fig-default-moments": viz.moment_bars(r, title="How hard each joint works"),
            "fig-default-pfj": viz.pfj_gauge(r),
        },
        extra_html=_load_table_html(r), extra_at=2, wide=False))

    # 2-4. slider dashboards ---------------------------------------------------------
    def explorer(values, column, **kw):
        args = dict(base)
        if column == "knee_past_toes_m":
            args.pop("front_shank_angle_deg")
            args["knee_past_toes_m"] = values
        elif column == "depth":
            args["front_knee_flexion_deg"] = values
            args["rear_knee_flexion_deg"] = values
        else:
            args[column] = values
        df = model.evaluate(**args, front_heel_share=h)
        raw = model.evaluate(**args, front_heel_share=h, mask_unbalanced=False)
        return df, _balance_notes(raw, h)

    df_k, notes_k = explorer(KNEE_TRAVEL_M, "knee_past_toes_m")
    ok = df_k[df_k["balanced"]]
    k0, k1 = ok.iloc[0], ok.iloc[-1]
    first_bad = df_k.loc[~df_k["balanced"], "knee_past_toes_m"]
    bad_text = (f" From {first_bad.min():+.2f} m on the figure cannot balance with "
                f"{h:.0%} of the front-foot load on the heel: the weight has to move to the "
                "toes (see the heat map below)." if len(first_bad) else "")
    sections.append(Section(
        id="knee-travel", title="2 · Drag the knee past the toes",
        caption=(
            "Drag the slider: the front knee moves forward over the foot while the knee "
            "stays bent at "
            f"{posture.front_knee_flexion_deg:.0f}° (the step gets shorter). From "
            f"{k0['knee_past_toes_m']:+.2f} m (knee above the ankle, behind the toes) to "
            f"{k1['knee_past_toes_m']:+.2f} m (past the toes) the front-knee moment goes "
            f"from {k0['front_knee_moment_nm']:.0f} to {k1['front_knee_moment_nm']:.0f} N·m "
            f"and the kneecap stress from {k0['pfj_stress_mpa']:.0f} to "
            f"{k1['pfj_stress_mpa']:.0f} MPa; the front foot's share of the weight rises "
            f"from {k0['front_share']:.0%} to {k1['front_share']:.0%}. The change is "
            "gradual: nothing special happens at the toe line itself."
            + bad_text),
        assumptions=common + " Negative knee travel = knee behind the toe tip.",
        figures={"fig-explore-knee": viz.slider_explorer(
            df_k, "knee_past_toes_m", slider_label="knee travel past the toes (m)",
            step_format="{:+.2f}", active=0, notes=notes_k, contact_area_model=area,
            title="Knee travel past the toes")}))

    df_t, notes_t = explorer(TRUNK_LEAN_DEG, "trunk_lean_deg")
    t0, t1 = df_t.iloc[0], df_t.iloc[-1]
    sections.append(Section(
        id="trunk-lean", title="3 · Chest up or lean forward?",
        caption=(
            "Drag the slider from leaning back "
            f"({t0['trunk_lean_deg']:.0f}°) to a strong forward lean "
            f"({t1['trunk_lean_deg']:.0f}°); the legs stay where they are. Leaning forward "
            "moves work from the knee to the hip: the front-hip extensor moment goes from "
            f"{t0['front_hip_moment_nm']:.0f} to {t1['front_hip_moment_nm']:.0f} N·m while "
            f"the front knee goes from {t0['front_knee_moment_nm']:.0f} to "
            f"{t1['front_knee_moment_nm']:.0f} N·m (kneecap stress "
            f"{t0['pfj_stress_mpa']:.0f} → {t1['pfj_stress_mpa']:.0f} MPa). "
            "'Chest up' mainly spares the hip and lower back, not the knee."),
        assumptions=common + " Arms hang from the shoulders; no load held.",
        figures={"fig-explore-trunk": viz.slider_explorer(
            df_t, "trunk_lean_deg", slider_label="trunk lean (deg, + forward)",
            step_format="{:.0f}", active=int(np.argmin(np.abs(TRUNK_LEAN_DEG
                                                              - posture.trunk_lean_deg))),
            notes=notes_t, contact_area_model=area, title="Trunk lean")}))

    df_d, notes_d = explorer(DEPTH_DEG, "depth")
    hi = knee.VALID_RANGE_DEG[1]
    notes_d = [(n + "; " if n else "") + (f"kneecap numbers extrapolated beyond {hi:.0f}°"
                                         if d > hi else "")
               for n, d in zip(notes_d, DEPTH_DEG, strict=True)]
    notes_d = [n.strip("; ") for n in notes_d]
    d0 = df_d.iloc[0]
    d90 = df_d.iloc[int(np.argmin(np.abs(DEPTH_DEG - 90.0)))]
    dmax = df_d.loc[df_d["pfj_stress_mpa"].idxmax()]
    sections.append(Section(
        id="depth", title="4 · How deep?",
        caption=(
            "Drag the slider to bend both knees together (front and back knee at the "
            "same angle). From "
            f"{d0['front_knee_flexion_deg']:.0f}° to {d90['front_knee_flexion_deg']:.0f}° "
            f"the front-knee moment grows from {d0['front_knee_moment_nm']:.0f} to "
            f"{d90['front_knee_moment_nm']:.0f} N·m and the kneecap stress from "
            f"{d0['pfj_stress_mpa']:.0f} to {d90['pfj_stress_mpa']:.0f} MPa (highest: "
            f"{dmax['pfj_stress_mpa']:.0f} MPa at {dmax['front_knee_flexion_deg']:.0f}°). "
            "Depth is the biggest single lever on knee load in this model. Past about 90° "
            "the kneecap's contact area grows, so the stress stops rising — but the "
            f"kneecap formulas were fitted only up to {hi:.0f}°, so treat numbers past "
            "that as rough."),
        assumptions=common + " Front shank vertical (knee over the ankle) throughout; "
        "back foot on its ball at "
        f"{posture.rear_foot_angle_deg:.0f}° to the floor.",
        figures={"fig-explore-depth": viz.slider_explorer(
            df_d, "front_knee_flexion_deg", slider_label="knee flexion, both knees (deg)",
            step_format="{:.0f}", active=int(np.argmin(np.abs(
                DEPTH_DEG - posture.front_knee_flexion_deg))),
            notes=notes_d, contact_area_model=area, title="Depth")}))

    # 5. heel share x knee travel heat map ----------------------------------------------
    args = {k: v for k, v in base.items() if k != "front_shank_angle_deg"}
    grid = model.evaluate(**args, knee_past_toes_m=KNEE_TRAVEL_M[:, None],
                          front_heel_share=HEEL_SHARES[None, :])
    # the grid's inputs (load columns such as front_heel_share are NaN where unbalanced)
    grid["front_heel_share"] = np.tile(HEEL_SHARES, len(KNEE_TRAVEL_M))
    grid["knee_past_toes_m"] = np.repeat(KNEE_TRAVEL_M, len(HEEL_SHARES))
    at = grid[np.isclose(grid["knee_past_toes_m"], KNEE_TRAVEL_M[0])]
    toes, heel = at.iloc[0], at.iloc[-1]
    sections.append(Section(
        id="heel-heatmap", title="5 · 'Weight in the heel protects the knee' — does it?",
        caption=(
            "Each cell is one lunge: across, how far the knee travels past the toes; up, "
            "how much of the front foot's load sits on the heel (0 = all on the toes, 1 = all "
            "on the heel). Colour: kneecap stress (hover for the knee moment). Blank cells "
            "cannot balance. With the knee over the ankle, moving the load from the toes to "
            f"the heel changes the kneecap stress from {toes['pfj_stress_mpa']:.0f} to "
            f"{heel['pfj_stress_mpa']:.0f} MPa"
            + (" — the opposite of the cue: " if heel["pfj_stress_mpa"]
               > toes["pfj_stress_mpa"] else ": ")
            + "with the posture fixed, shifting pressure to the heel pulls load off the back "
            "foot onto the front leg. What 'weight in the heel' really changes is the "
            "posture it encourages (less knee travel, which the heat map rewards along the "
            "other axis)."),
        assumptions=common.replace(f"the heel carries {h:.0%} of the front foot's load; ",
                                   "") + " Same posture as section 1 apart from the knee "
        "travel.",
        figures={"fig-heatmap": viz.heatmap(
            grid, "knee_past_toes_m", "front_heel_share", "pfj_stress_mpa",
            hover=("front_knee_moment_nm", "front_share"),
            title=f"Kneecap stress (MPa, {area} contact area)",
            labels={"pfj_stress_mpa": "kneecap stress (MPa)"})}))

    # 6. the GRF-convergence assumption --------------------------------------------------
    sens = model.convergence_sensitivity(posture, front_heel_share=h)
    fk = sens["front_knee_moment_nm"]
    opts = ("vertical", 1.0, "com")
    sweep = pd.concat([
        model.with_(grf_convergence=o).evaluate(**args, knee_past_toes_m=KNEE_TRAVEL_M,
                                                front_heel_share=h)
        .assign(grf_convergence=_CONVERGENCE_LABELS[str(o)])
        for o in opts], ignore_index=True)
    trend = []
    for o in opts:
        s = sweep[sweep["grf_convergence"] == _CONVERGENCE_LABELS[str(o)]].dropna(
            subset=["pfj_stress_mpa"])
        trend.append(s["pfj_stress_mpa"].iloc[-1] >= s["pfj_stress_mpa"].iloc[0])
    trend_text = ("Under every assumption the kneecap stress ends higher with the knee "
                  "past the toes than with the knee over the ankle, so that trend is "
                  "robust; the absolute numbers are not."
                  if all(trend) else "The direction of the knee-travel trend itself depends "
                  "on this assumption: read it as unknown.")
    vert = model.with_(grf_convergence="vertical").solve(posture, front_heel_share=h)
    sections.append(Section(
        id="convergence", title="6 · How sure are we? The assumption that matters most",
        caption=(
            "The same posture and the same up-and-down forces; only the direction in "
            "which the feet push along the floor changes. A static model cannot know it "
            "(two feet on the floor can push apart or together without moving): a force "
            "plate under each foot would. The front-knee moment of the default lunge ranges "
            f"from {fk.min():.0f} to {fk.max():.0f} N·m and the kneecap stress from "
            f"{sens['pfj_stress_mpa'].min():.0f} to {sens['pfj_stress_mpa'].max():.0f} MPa "
            "across reasonable choices; with purely vertical forces the hip, not the knee, "
            "does the work. " + trend_text),
        assumptions=common + " Dotted lines in the side views: where each foot's force "
        "points; in the default they meet at the centre of mass.",
        figures={
            "fig-convergence-moments": viz.compare_bars(
                sens, [f"{j}_moment_nm" for j in JOINTS], group_labels=_CONVERGENCE_LABELS,
                legend_title="horizontal-force assumption",
                title="Joint moments of the default lunge under five assumptions"),
            "fig-convergence-vertical": viz.stick_figure(
                vert, title="The default lunge if the floor pushed only straight up",
                height=480),
            "fig-convergence-sweep": viz.sweep_lines(
                sweep, "knee_past_toes_m", "pfj_stress_mpa", group="grf_convergence",
                title="Kneecap stress vs knee travel", height=480,
                labels={"grf_convergence": "horizontal-force assumption",
                        "pfj_stress_mpa": "kneecap stress (MPa)"}),
        }, wide=False, span=("fig-convergence-moments",)))
    return sections, result


_CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa;
line-height:1.45}
header,section,footer{max-width:1200px;margin:0 auto;padding:12px 24px}
header{padding-top:24px}
h1{font-size:1.8em;margin:0 0 8px}
h2{font-size:1.35em;margin:28px 0 6px;border-top:1px solid #ddd;padding-top:18px}
p.caption{font-size:1.05em;max-width:980px}
p.assume{font-size:.9em;color:#555;background:#f0f0f0;border-left:4px solid #bbb;
padding:6px 10px;max-width:980px}
.fig{background:white;border:1px solid #e3e3e3;border-radius:4px;margin:10px 0;
min-width:0}
.grid{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:0 14px;
align-items:start}
.grid .span{grid-column:1/-1}
@media (max-width:900px){.grid{grid-template-columns:minmax(0,1fr)}}
.tables{display:flex;flex-wrap:wrap;gap:24px;margin:8px 0;align-items:flex-start}
table{border-collapse:collapse;background:white;font-size:.92em}
caption{text-align:left;font-weight:bold;padding:4px 0}
td,th{border-bottom:1px solid #e5e5e5;padding:3px 10px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
nav a{margin-right:14px}
footer{color:#777;font-size:.85em;padding-bottom:40px}
"""


def render_html(sections: list[Section], *, title: str = "lungelab — the backward lunge",
                intro: str = "") -> tuple[str, dict[str, int], list[str]]:
    """The whole page as one HTML string (plotly.js embedded once, no network).

    The figures are drawn by one script at the end of the page, after the layout is
    complete, so each plot gets the width of its final box.

    Returns
    -------
    (str, dict, list)
        The HTML, ``{div_id: number of traces}``, and the ids of slider figures.
    """
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    config = {"displaylogo": False, "responsive": True,
              "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
    counts: dict[str, int] = {}
    sliders: list[str] = []
    specs: list[str] = []
    body = []
    nav = " ".join(f"<a href='#{s.id}'>{html.escape(s.title.split(' · ', 1)[-1])}</a>"
                   for s in sections)
    for s in sections:
        parts = [f"<section id='{s.id}'><h2>{html.escape(s.title)}</h2>",
                 f"<p class='caption'>{s.caption}</p>",
                 f"<p class='assume'><b>Assumptions.</b> {s.assumptions}</p>"]
        cells = []
        for fid, fig in s.figures.items():
            counts[fid] = len(fig.data)
            if fig.layout.sliders:
                sliders.append(fid)
            height = fig.layout.height or 450
            cls = "fig span" if fid in s.span else "fig"
            cells.append(f"<div class='{cls}'><div id='{fid}' class='plotly-graph-div' "
                         f"style='height:{height}px;width:100%'></div></div>")
            specs.append(f'"{fid}":{pio.to_json(fig, validate=False)}')
        if s.extra_html:
            at = len(cells) if s.extra_at is None else s.extra_at
            cells.insert(at, f"<div class='extra'>{s.extra_html}</div>")
        parts.append(f"<div class='{'wide' if s.wide else 'grid'}'>" + "".join(cells)
                     + "</div></section>")
        body.append("".join(parts))
    script = (
        "<script type='text/javascript'>(function(){var CONFIG=" + pio.json.to_json_plotly(
            config) + ";var FIGS={" + ",".join(specs) + "};"
        "var ids=Object.keys(FIGS);ids.forEach(function(id){var f=FIGS[id];"
        "var c=Object.assign({},CONFIG);Plotly.newPlot(id,{data:f.data,layout:f.layout,"
        "frames:f.frames||[],config:c});});"
        "window.LUNGELAB_FIGURES=ids;})();</script>")
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
        f"<header><h1>{html.escape(title)}</h1>{intro}<nav>{nav}</nav></header>"
        + "".join(body)
        + f"<footer>Generated by lungelab {__version__}. All numbers come from a static "
        "sagittal-plane model; every assumption is named next to its figure. Works offline: "
        "no network needed.</footer>" + script + "</body></html>")
    return page, counts, sliders


def write_report(out_dir: str | Path = "out/report", model: LungeModel | None = None,
                 posture: LungePosture | None = None, *, front_heel_share: float = 0.6,
                 filename: str = "index.html") -> Report:
    """Build the report and write it to ``out_dir/filename``.

    Parameters
    ----------
    out_dir : str or Path
        Output folder (created if needed).
    model, posture, front_heel_share
        See :func:`build_sections`.
    filename : str

    Returns
    -------
    Report

    Raises
    ------
    DataFileError
        The folder cannot be created or the page cannot be written (an existing
        page is then left unchanged).
    """
    t0 = time.perf_counter()
    sections, result = build_sections(model, posture, front_heel_share)
    intro = (
        "<p class='caption'>What happens in the body at the bottom of a backward lunge, "
        "and what do the usual cues — knee behind the toes, chest up, 90/90, weight in the "
        "heel — change? Each section shows one question with figures you can hover over "
        "and sliders you can drag. Arrows are the forces of the floor on the feet; bars "
        "are how hard each joint's muscles must work (net joint moments, + = "
        "straightening); the kneecap stress is the pressure between kneecap and thigh "
        "bone (MPa). The numbers come from a model, not a measurement: each figure says "
        "what was assumed.</p>")
    page, counts, sliders = render_html(sections, intro=intro)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFileError(out, f"cannot create the output folder: "
                            f"{exc.strerror or exc}") from exc
    path = out / filename
    # unique temporary file in the folder, renamed over index.html when complete:
    # a symbolic link planted under any name is never followed (lungelab.safefile)
    write_text(path, page)
    return Report(path=path, figures=counts, sliders=sliders, result=result,
                  seconds=time.perf_counter() - t0)
