r"""Time derivatives by central differences on uniform or non-uniform time.

First derivative: :func:`numpy.gradient` with the sample times (second-order
accurate central differences inside, second-order one-sided differences at the
two ends; exact for quadratics on any grid).

Second derivative: the three-point central stencil on a non-uniform grid,

.. math::

    \ddot x_i \approx \frac{2\,[h_{-}\,x_{i+1} - (h_{-} + h_{+})\,x_i + h_{+}\,x_{i-1}]}
                           {h_{-}\,h_{+}\,(h_{-} + h_{+})},
    \qquad h_{-} = t_i - t_{i-1},\; h_{+} = t_{i+1} - t_i,

which reduces to :math:`(x_{i+1} - 2x_i + x_{i-1})/h^2` on a uniform grid and is
exact for quadratics; each end sample takes the value of its neighbour's stencil
(the parabola through the first or last three samples).  Differentiation amplifies
noise (by :math:`\omega` per order), so low-pass filter positions first
(:func:`lungelab.processing.filters.lowpass`; Winter 2009).

NaN samples propagate to the neighbouring derivative samples; nothing is filled in.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lungelab.errors import InputRangeError
from lungelab.processing._common import as_2d, time_vector

__all__ = ["derivative", "velocity", "acceleration"]


def _second(arr: np.ndarray, t: np.ndarray) -> np.ndarray:
    hm = np.diff(t)[:-1][:, None]  # t_i - t_{i-1}, i = 1..n-2
    hp = np.diff(t)[1:][:, None]  # t_{i+1} - t_i
    inner = 2.0 * (hm * arr[2:] - (hm + hp) * arr[1:-1] + hp * arr[:-2]) / (hm * hp * (hm + hp))
    return np.concatenate([inner[:1], inner, inner[-1:]], axis=0)


def derivative(data: Any, time: Any = None, rate_hz: float | None = None, n: int = 1) -> Any:
    """First or second time derivative of sampled data.

    Parameters
    ----------
    data : array_like, pandas.Series or pandas.DataFrame
        Samples along axis 0 (time), any unit ``U``.
    time : array_like, optional
        Sample times in s, strictly increasing, ``len(data)`` values; may be
        non-uniform.  Give either ``time`` or ``rate_hz``.  If both are omitted and
        ``data`` is a pandas object with a float index, the index is taken as time
        in s.
    rate_hz : float, optional
        Uniform sampling rate in Hz (time = ``arange(n) / rate_hz``).
    n : {1, 2}, default 1
        Order of the derivative.

    Returns
    -------
    Same kind as ``data``
        Derivative in ``U/s`` (``n=1``) or ``U/s**2`` (``n=2``); pandas objects keep
        their index, columns and name.

    Raises
    ------
    InputRangeError
        Bad ``n``, missing/inconsistent time base, non-increasing times, or fewer
        than 3 samples.
    """
    if n not in (1, 2) or isinstance(n, bool):
        raise InputRangeError("n", n, "1 (velocity) or 2 (acceleration)")
    arr, rebuild = as_2d(data)
    m = arr.shape[0]
    if m < 3:
        raise InputRangeError("len(data)", m, ">= 3 samples")
    t = time_vector(m, data, time, rate_hz)
    if n == 1:
        out = np.gradient(arr, t, axis=0, edge_order=2)
    else:
        out = _second(arr, t)
    return rebuild(out)


def velocity(data: Any, time: Any = None, rate_hz: float | None = None) -> Any:
    """First time derivative (e.g. m -> m/s, rad -> rad/s); see :func:`derivative`."""
    return derivative(data, time, rate_hz, n=1)


def acceleration(data: Any, time: Any = None, rate_hz: float | None = None) -> Any:
    """Second time derivative (e.g. m -> m/s**2); see :func:`derivative`."""
    return derivative(data, time, rate_hz, n=2)
