"""Private helpers shared by the processing modules: array/pandas round trips and checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from lungelab.errors import DataFileError, InputRangeError

IN_MEMORY = "<in-memory data>"
"""Stand-in for a file path in :class:`DataFileError` raised on arrays passed by the caller."""


def channel_names(data: Any, n_cols: int) -> list[str]:
    """Names used in error messages for each column of ``data``."""
    if isinstance(data, pd.DataFrame):
        return [str(c) for c in data.columns]
    if isinstance(data, pd.Series):
        return [str(data.name) if data.name is not None else "series"]
    if n_cols == 1:
        return ["data"]
    return [f"column {j}" for j in range(n_cols)]


def as_2d(data: Any, name: str = "data") -> tuple[np.ndarray, Callable[[np.ndarray], Any]]:
    """Return ``data`` as a float (n, m) array and a function that rebuilds the input's kind.

    numpy arrays of 1 or 2 dimensions, pandas Series and DataFrames are accepted; the
    rebuild function restores the original shape, index, columns and name.
    """
    if isinstance(data, pd.DataFrame):
        try:
            arr = data.to_numpy(dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputRangeError(name, type(data).__name__, "a DataFrame of numeric columns",
                                  str(exc)) from exc
        index, columns = data.index, data.columns

        def rebuild(out: np.ndarray) -> pd.DataFrame:
            return pd.DataFrame(out, index=index, columns=columns)

        return arr, rebuild
    if isinstance(data, pd.Series):
        try:
            arr = data.to_numpy(dtype=float)[:, None]
        except (TypeError, ValueError) as exc:
            raise InputRangeError(name, type(data).__name__, "a numeric Series",
                                  str(exc)) from exc
        index, sname = data.index, data.name

        def rebuild_s(out: np.ndarray) -> pd.Series:
            return pd.Series(out[:, 0], index=index, name=sname)

        return arr, rebuild_s
    try:
        arr = np.asarray(data, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputRangeError(name, type(data).__name__, "a numeric array, Series or DataFrame",
                              str(exc)) from exc
    if arr.ndim == 1:
        return arr[:, None], lambda out: out[:, 0]
    if arr.ndim == 2:
        return arr, lambda out: out
    raise InputRangeError(f"{name}.ndim", arr.ndim, "1 or 2 (samples along axis 0)")


def check_positive(name: str, value: Any) -> float:
    """Return ``value`` as a finite float > 0 or raise :class:`InputRangeError`."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputRangeError(name, value, "a finite number > 0") from exc
    if not np.isfinite(v) or v <= 0:
        raise InputRangeError(name, value, "a finite number > 0")
    return v


def check_finite(arr: np.ndarray, data: Any, what: str) -> None:
    """Raise :class:`DataFileError` naming the first column of ``arr`` holding NaN or inf."""
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    names = channel_names(data, arr.shape[1])
    j = int(np.flatnonzero(bad.any(axis=0))[0])
    rows = np.flatnonzero(bad[:, j])
    label = data.index[rows[0]] if isinstance(data, pd.Series | pd.DataFrame) else rows[0]
    raise DataFileError(
        IN_MEMORY,
        f"channel {names[j]!r} has {rows.size} non-finite sample(s) (first at row "
        f"{int(rows[0])}, index {label!r}); {what} needs gap-free data: fill or "
        "interpolate gaps first",
        field=names[j],
    )


def time_vector(n: int, data: Any, time: Any = None, rate_hz: float | None = None) -> np.ndarray:
    """Sample times in s from ``time``, else ``rate_hz``, else a float pandas index.

    Raises :class:`InputRangeError` if none is usable, if the length differs from ``n``
    or if the times are not strictly increasing and finite.
    """
    if time is not None and rate_hz is not None:
        raise InputRangeError("time/rate_hz", (type(time).__name__, rate_hz),
                              "only one of time or rate_hz")
    if time is not None:
        t = np.asarray(time, dtype=float).ravel()
        src = "time"
    elif rate_hz is not None:
        r = check_positive("rate_hz", rate_hz)
        return np.arange(n) / r
    elif (isinstance(data, pd.Series | pd.DataFrame)
          and pd.api.types.is_float_dtype(data.index.dtype)):
        t = data.index.to_numpy(dtype=float)
        src = "data.index"
    else:
        raise InputRangeError("time", None, "sample times in s (array of len(data)) or rate_hz",
                              "a pandas object with a float index in s is also accepted")
    if t.size != n:
        raise InputRangeError(f"len({src})", t.size, f"{n} (one time per sample)")
    if not np.all(np.isfinite(t)):
        raise InputRangeError(src, "non-finite values", "finite times in s")
    if n > 1 and not np.all(np.diff(t) > 0):
        k = int(np.flatnonzero(np.diff(t) <= 0)[0])
        raise InputRangeError(src, f"t[{k}]={t[k]!r}, t[{k + 1}]={t[k + 1]!r}",
                              "strictly increasing times in s")
    return t
