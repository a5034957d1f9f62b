"""Numerical tolerances of the test suite, named and justified in one place.

Three kinds of comparison appear in the tests, and each gets its own tolerance:

``STORED_REL`` — stored results against a fresh recomputation
    Notebook figures, stored SYNTHETIC data and documentation tables were computed on
    the machine that wrote them.  Another machine with the same library versions can
    take different SIMD paths and summation orders (NumPy's pairwise sums, BLAS kernels,
    ``libm``), so the last few of the 16 significant digits differ; after the chains of
    lambdified expressions, filters and least-squares fits used here the observed
    difference is about 1e-11 relative (issue 12).  A physics regression changes results
    at the 1e-3 level or more.  1e-6 of the quantity's *scale* (its largest magnitude in
    the compared array, so values that cross zero are not held to a relative tolerance
    they cannot meet) sits five orders of magnitude above the rounding noise and three
    below the smallest change that matters.

``SAME_RUN_REL`` — two computations of the same quantity in one run
    Symbolic vs compiled numeric path, equilibrium residuals, a hand-worked free-body
    example against the model.  Both sides are computed on the same machine in double
    precision from well-conditioned formulas (a few dozen operations), so agreement to
    about 1e3 ulp is expected: 1e-9 of the quantity's scale.  Never an absolute 1e-9 on
    quantities of order 100 N·m.

``STORED_TEXT_QUANTA`` — stored rounded text against fresh text
    Files stored with a fixed number of decimals (the SYNTHETIC CSVs: 0.1 mm, 0.1 N)
    can differ by one unit in the last digit when the unrounded value lies within
    rounding noise of a half-way point; the comparison allows one quantum, never more.

Text printed by notebooks (compared by nbval) uses 3-4 significant digits; a 1e-11
relative perturbation changes such a digit only for a value within 1e-11 of a rounding
boundary (odds of order 1e-8 per printed number), so printed text is compared exactly
and nothing numeric is sanitised away.
"""

from __future__ import annotations

import numpy as np

STORED_REL = 1e-6
SAME_RUN_REL = 1e-9
STORED_TEXT_QUANTA = 1


def scale_of(*arrays) -> float:
    """Largest finite magnitude over the arrays (1.0 if they hold none or only zeros)."""
    m = 0.0
    for a in arrays:
        a = np.asarray(a, float)
        fin = a[np.isfinite(a)]
        if fin.size:
            m = max(m, float(np.max(np.abs(fin))))
    return m if m > 0 else 1.0


def scale_close(a, b, rel: float, scale: float | None = None) -> bool:
    """``|a - b| <= rel * scale`` elementwise, NaN equal to NaN, shapes broadcastable.

    ``scale`` defaults to :func:`scale_of` both arrays (the quantity's magnitude).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        return False
    s = scale_of(a, b) if scale is None else float(scale)
    return bool(np.allclose(a, b, rtol=0.0, atol=rel * s, equal_nan=True))


def stored_close(a, b, scale: float | None = None) -> bool:
    """Stored result vs fresh recomputation (:data:`STORED_REL`)."""
    return scale_close(a, b, STORED_REL, scale)


def same_close(a, b, scale: float | None = None) -> bool:
    """Two computations of one quantity in the same run (:data:`SAME_RUN_REL`)."""
    return scale_close(a, b, SAME_RUN_REL, scale)
