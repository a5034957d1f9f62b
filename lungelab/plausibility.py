"""Physical plausibility checks of a recording, used by :mod:`lungelab.pipeline`.

A file can be syntactically perfect and still be nonsense for a lunge analysis:
millimetres read as metres (a 1,751 m subject, knee moments of 10^5 N·m), a swapped
force axis (a 0.13 kg subject), force plates recorded at another time than the
markers, plates that no foot ever steps on, a subject mass the plates contradict.
The checks below either **refuse** the file
(:class:`~lungelab.errors.DataFileError` naming the file and the field) or **warn**
with :class:`PlausibilityWarning`, which the ``lungelab analyze`` command prints and
repeats in its report.  The analysis never silently reports such numbers.

Bounds and their rationale
--------------------------
======================================  =============  =================================
quantity                                bound          source / rationale
======================================  =============  =================================
body mass (given or file metadata)      20-300 kg      range of :class:`lungelab.body.
                                                       Subject` (de Leva 1996 tables
                                                       scaled to adults and teenagers)
body height (given or metadata)         1.0-2.3 m      range of ``Subject``
height implied by the leg markers       0.8-2.8 m      (thigh + shank) / 0.491 (Drillis
                                                       & Contini, Winter 2009 Fig. 4.1:
                                                       thigh 0.245 H, shank 0.246 H);
                                                       2.72 m is the tallest person on
                                                       record.  Outside: wrong length
                                                       unit (factor 10, 100 or 1000
                                                       named in the message)
mass from the standing vertical force   within 15 %    quiet standing: mean vertical
vs the given mass                       of the given   force = body weight to ~1-2 %
                                                       (plate accuracy, sway); 15 %
                                                       leaves room for the small
                                                       movements of "standing" frames
mass from the plates vs given,          0.4-1.5 x      standing with one foot off the
forces ignored                                         plates gives ~0.5 (the other
                                                       foot's force is still valid);
                                                       nothing but a wrong unit, axis,
                                                       a doubled plate or another
                                                       person adds 50 %
force time base covering the markers    >= 90 %        forces outside their time base
                                                       are not extrapolated; below 90 %
                                                       a warning, no overlap: ignored
declared vs time-stamp rate             1 %            the time column is the truth;
                                                       a header rate off by more is a
                                                       header error
marker rate                             12-10000 Hz    the 6 Hz low-pass of the
                                                       pipeline needs > 12 Hz; no
                                                       motion-capture system records
                                                       above 10 kHz
centre of pressure to the foot          <= 0.25 m      COP lies under the foot: at most
(mean of heel, toe, ankle markers)                     half a foot length (0.15 m for a
                                                       0.30 m foot) from its middle, plus
                                                       ~0.05 m marker and COP error and
                                                       the ankle marker's height
peak joint moment                       10 N·m/kg      above the most violent trial of
                                                       the package (synthetic forward
                                                       lunge, ~6.5 N·m/kg, docs/NOTES)
                                                       and far below the 10^2-10^5
                                                       N·m/kg of a length-unit error
standing still                          < 0.02 m       hip height range of the whole
                                                       recording
force sample                            <= 100 kN      ten times the ~10 kN of a
                                                       10-body-weight landing of a 100 kg
                                                       person; larger is a spike or a
                                                       unit error
centre of pressure                      <= 1000 m      from the lab origin: no lab is
                                                       that large

======================================  =============  =================================
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .errors import DataFileError

__all__ = [
    "PlausibilityWarning",
    "MASS_RANGE_KG",
    "HEIGHT_RANGE_M",
    "MARKER_HEIGHT_RANGE_M",
    "LEG_FRACTION_OF_HEIGHT",
    "MASS_TOLERANCE",
    "MASS_RATIO_LIMITS",
    "MIN_FORCE_OVERLAP",
    "RATE_TOLERANCE",
    "MARKER_RATE_RANGE_HZ",
    "FOOT_REACH_M",
    "MAX_MOMENT_NM_PER_KG",
    "STILL_RANGE_M",
    "MAX_FORCE_N",
    "MAX_COP_M",
    "warn",
    "check_subject_value",
    "check_length_scale",
    "check_rate",
    "force_overlap",
    "mass_from_plates",
]


class PlausibilityWarning(UserWarning):
    """The data are readable but physically doubtful (see the module docstring)."""


MASS_RANGE_KG = (20.0, 300.0)
HEIGHT_RANGE_M = (1.0, 2.3)
MARKER_HEIGHT_RANGE_M = (0.8, 2.8)
LEG_FRACTION_OF_HEIGHT = 0.245 + 0.246
MASS_TOLERANCE = 0.15
MASS_RATIO_LIMITS = (0.4, 1.5)
MIN_FORCE_OVERLAP = 0.9
RATE_TOLERANCE = 0.01
MARKER_RATE_RANGE_HZ = (12.0, 10_000.0)
FOOT_REACH_M = 0.25
MAX_MOMENT_NM_PER_KG = 10.0
STILL_RANGE_M = 0.02
MAX_FORCE_N = 1e5
MAX_COP_M = 1e3

_UNIT_HINTS = {3: "millimetres read as metres", 2: "centimetres read as metres",
               1: "decimetres read as metres", -1: "metres read as decimetres",
               -2: "metres read as centimetres", -3: "metres read as millimetres"}


def warn(source: str, message: str, collect: list[str] | None = None) -> None:
    """Emit a :class:`PlausibilityWarning` ``"<source>: <message>"`` (and collect it)."""
    text = f"{source}: {message}" if source else message
    if collect is not None:
        collect.append(message)
    warnings.warn(text, PlausibilityWarning, stacklevel=3)


def check_subject_value(source: str, field: str, value: object, bounds: tuple[float, float],
                        unit: str) -> float:
    """A subject mass/height from a file: a finite number within ``bounds`` or
    :class:`DataFileError` naming the file and field."""
    lo, hi = bounds
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(float(value)) and lo <= float(value) <= hi
    if not ok:
        hint = ""
        if isinstance(value, (int, float)) and math.isfinite(float(value)) and value > 0:
            ratio = float(value) / math.sqrt(lo * hi)
            if unit == "m":
                hint = _scale_hint(ratio)
            elif 300 <= ratio <= 3000:
                hint = " -- off by a factor 1000: grams instead of kilograms?"
        raise DataFileError(source or "trial", f"subject {field} {value!r} {unit} is outside "
                            f"the plausible range {lo:g}-{hi:g} {unit}{hint}",
                            field=f"metadata.subject_{field}_{unit}")
    return float(value)


def _scale_hint(ratio: float) -> str:
    if not (math.isfinite(ratio) and ratio > 0):
        return ""
    k = round(math.log10(ratio))
    if k in _UNIT_HINTS and 0.5 <= ratio / 10.0 ** k <= 2.0:
        return f" -- off by a factor {10.0 ** abs(k):g}: {_UNIT_HINTS[k]}?"
    return ""


def check_length_scale(source: str, leg_length_m: float | None,
                       hip_height_m: float | None) -> float | None:
    """Height implied by the markers; :class:`DataFileError` if no human has it.

    ``leg_length_m`` is the median hip-knee plus knee-ankle distance (m), else
    ``hip_height_m`` the standing hip height above the floor (0.530 H, Drillis &
    Contini).  Returns the implied height in m (None if neither is known).
    """
    if leg_length_m is not None and math.isfinite(leg_length_m) and leg_length_m > 0:
        implied, what = leg_length_m / LEG_FRACTION_OF_HEIGHT, \
            f"thigh + shank length {leg_length_m:.4g} m"
    elif hip_height_m is not None and math.isfinite(hip_height_m) and hip_height_m > 0:
        implied, what = hip_height_m / 0.530, f"standing hip height {hip_height_m:.4g} m"
    else:
        return None
    lo, hi = MARKER_HEIGHT_RANGE_M
    if not lo <= implied <= hi:
        hint = _scale_hint(implied / 1.7)
        raise DataFileError(source or "trial", f"the markers describe a {implied:.4g} m tall "
                            f"person ({what}); a person is {lo:g}-{hi:g} m tall{hint} -- check "
                            "the length unit of the file", field="points")
    return implied


def check_rate(source: str, name: str, declared: float, time: np.ndarray,
               collect: list[str] | None = None) -> float | None:
    """Warn if a declared rate disagrees with the time stamps; the measured rate."""
    if len(time) < 3:
        return None
    # mean step over the record: rounding of the time column averages out
    step = float(time[-1] - time[0]) / (len(time) - 1)
    if not step > 0:
        return None
    measured = 1.0 / step
    if math.isfinite(declared) and abs(declared / measured - 1.0) > RATE_TOLERANCE:
        warn(source, f"{name} says {declared:g} Hz but the time stamps are "
             f"{measured:.6g} Hz apart; the time stamps were used", collect)
    return measured


def force_overlap(t_markers: np.ndarray, t_forces: np.ndarray) -> float:
    """Fraction of the marker time span that the force time base covers."""
    if len(t_markers) < 2 or len(t_forces) < 2:
        return 0.0
    a0, a1 = float(t_markers[0]), float(t_markers[-1])
    b0, b1 = float(t_forces[0]), float(t_forces[-1])
    span = a1 - a0
    if not span > 0:
        return 0.0
    return max(0.0, min(a1, b1) - max(a0, b0)) / span


def mass_from_plates(total_vertical_n: np.ndarray, standing: np.ndarray,
                     g: float) -> float | None:
    """Median vertical force while standing divided by g (kg), None if unknown."""
    if total_vertical_n is None or not standing.any():
        return None
    values = total_vertical_n[standing]
    values = values[np.isfinite(values)]
    if not values.size:
        return None
    return float(np.median(values)) / g
