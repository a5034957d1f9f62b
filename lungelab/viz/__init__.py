"""plotly figures of what :class:`lungelab.LungeModel` returns.

>>> import lungelab as ll
>>> from lungelab import viz
>>> result = ll.LungeModel().solve(ll.LungePosture())
>>> fig = viz.stick_figure(result, title="Default backward lunge")
>>> [t.name for t in fig.data][:3]
['floor', 'rear leg', 'rear foot']

Builders only arrange the model's numbers (no mechanics here) and share one tiny
layout template (:data:`TEMPLATE`), so figures stored in notebooks stay small.

* :func:`stick_figure` — side view with ground-reaction arrows (N → m) and the COM.
* :func:`moment_bars` — six net joint moments, extensor positive (N·m or N·m/kg).
* :func:`pfj_gauge` — patellofemoral stress (MPa) with its contact-area model.
* :func:`heatmap` — one output over a grid of two inputs.
* :func:`sweep_lines` — outputs against one swept input, optionally per group.
* :func:`compare_bars` — the same quantities across groups (e.g. assumptions).
* :func:`recording_figure` — signals of a recorded set over time, repetitions shaded.
* :func:`slider_explorer` — side view + moments + PFJ stress driven by a plotly slider.
"""

from ._data import as_row
from ._style import COLORS, JOINT_LABELS, TEMPLATE, label, unit_of
from .explorer import slider_explorer
from .figures import (
    DEFAULT_FORCE_SCALE,
    REFERENCE_FORCE_N,
    STICK_TRACE_NAMES,
    compare_bars,
    heatmap,
    moment_bars,
    moment_trace,
    pfj_gauge,
    pfj_trace,
    stick_figure,
    stick_ranges,
    stick_traces,
    sweep_lines,
)
from .recording import recording_figure

__all__ = [
    "stick_figure", "moment_bars", "pfj_gauge", "heatmap", "sweep_lines", "compare_bars",
    "slider_explorer", "stick_traces", "moment_trace", "pfj_trace", "stick_ranges",
    "as_row", "label", "unit_of", "TEMPLATE", "COLORS", "JOINT_LABELS",
    "DEFAULT_FORCE_SCALE", "REFERENCE_FORCE_N", "STICK_TRACE_NAMES", "recording_figure",
]
