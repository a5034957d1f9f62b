"""Turn what the model returns (a result, a DataFrame row, a dict) into one flat record.

Nothing here computes mechanics: values are copied under the column names of
:meth:`lungelab.LungeModel.evaluate`, with NaN where the model gave no number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..loads import JOINTS
from ..model import JOINT_ANGLE_NAMES, LungeResult
from ..posture import POINT_NAMES

__all__ = ["as_row", "RowLike"]

RowLike = Any
"""A :class:`~lungelab.LungeResult`, a :class:`pandas.Series` (one row of
:meth:`~lungelab.LungeModel.evaluate`), a one-row DataFrame or a mapping with the
same keys."""

_NAN = float("nan")


def _num(value) -> float:
    if value is None:
        return _NAN
    try:
        return float(value)
    except (TypeError, ValueError):
        return _NAN


def _from_result(res: LungeResult) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in POINT_NAMES + ("com",):
        x, y = res.positions_m[name]
        row[f"{name}_x_m"], row[f"{name}_y_m"] = float(x), float(y)
    if "com_system" in res.positions_m:
        row["com_system_x_m"], row["com_system_y_m"] = map(float, res.positions_m["com_system"])
    grf = res.grf_n or {}
    hor = res.grf_horizontal_n or {}
    row["grf_front_heel_n"] = _num(grf.get("front_heel"))
    row["grf_front_toes_n"] = _num(grf.get("front_toes"))
    row["grf_rear_n"] = _num(grf.get("rear"))
    row["grf_front_horizontal_n"] = _num(hor.get("front"))
    row["grf_rear_horizontal_n"] = _num(hor.get("rear"))
    row["cop_front_x_m"] = _num(res.extras.get("cop_front_x_m"))
    for j in JOINTS:
        row[f"{j}_moment_nm"] = _num((res.moments_nm or {}).get(j))
        row[f"{j}_moment_nm_per_kg"] = _num((res.moments_nm_per_kg or {}).get(j))
        row[JOINT_ANGLE_NAMES[j]] = float(res.joint_angles_deg[j])
    row["front_share"] = _num(res.front_share)
    row["front_heel_share"] = _num(res.front_heel_share)
    row["quad_force_n"] = _num(res.quad_force_n)
    row["pfj_force_n"] = _num(res.pfj_force_n)
    row["pfj_stress_mpa"] = _num(res.pfj_stress_mpa)
    row["knee_past_toes_m"] = res.knee_past_toes_m
    row["rear_knee_height_m"] = res.rear_knee_height_m
    row["step_length_m"] = res.step_length_m
    row["trunk_lean_deg"] = _num(res.inputs.get("trunk_lean_deg"))
    row["mass_kg"] = _num(res.inputs.get("mass_kg"))
    row["balanced"] = bool(res.balanced)
    row["contact_area_model"] = res.inputs.get("contact_area_model")
    row["grf_convergence"] = res.inputs.get("grf_convergence")
    return row


def as_row(obj: RowLike) -> dict[str, Any]:
    """One posture as a flat dict keyed like :meth:`LungeModel.evaluate` columns.

    Parameters
    ----------
    obj : LungeResult, pandas.Series, one-row pandas.DataFrame or Mapping
        What the model returned for one posture.

    Returns
    -------
    dict
        Column name → value; loads are NaN when the posture is not balanced.

    Raises
    ------
    TypeError
        For anything else, or a DataFrame with more than one row.
    """
    if isinstance(obj, LungeResult):
        return _from_result(obj)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        pd = None
    if pd is not None and isinstance(obj, pd.DataFrame):
        if len(obj) != 1:
            raise TypeError(f"expected one posture, got a DataFrame with {len(obj)} rows; "
                            "pass df.iloc[i] or use the sweep/heatmap builders")
        obj = obj.iloc[0]
    if pd is not None and isinstance(obj, pd.Series):
        return obj.to_dict()
    if isinstance(obj, Mapping):
        return dict(obj)
    raise TypeError(f"expected a LungeResult, a DataFrame row or a mapping, got "
                    f"{type(obj).__name__}")


def finite(value) -> bool:
    """True if ``value`` is a finite number."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
