"""Test-session settings that make results independent of the machine.

* BLAS/OpenMP/numexpr thread pools are pinned to one thread *before* NumPy is imported:
  multi-threaded reductions may sum in a different order on a machine with more cores.
* Locale and time zone are fixed (``C.UTF-8``, UTC) so number and date formatting in
  written files and printed reports do not follow the user's settings.
* Hypothesis runs derandomised without an example database (each module's settings
  say so too), so a failure on one machine replays on every other.  Hypothesis also seeds
  its generators with literal constants it finds in the *already imported* local modules
  (``hypothesis.internal.conjecture.providers._get_local_constants``), so the fuzzers'
  per-outcome counts depend on which tests ran before them: ``pytest tests/test_io_fuzz.py``
  alone and the full ``make test`` report different splits (same total).  For one command
  they are the same on every machine and with any ``PYTHONHASHSEED`` (checked twice).

Tolerances for comparing numbers live in ``tests/_tolerances.py``.
"""

from __future__ import annotations

import os
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"
os.environ["TZ"] = "UTC"
os.environ["LC_ALL"] = "C.UTF-8"
if hasattr(time, "tzset"):
    time.tzset()

from hypothesis import settings  # noqa: E402

settings.register_profile("lungelab", derandomize=True, database=None, deadline=None,
                          print_blob=True)
settings.load_profile("lungelab")
