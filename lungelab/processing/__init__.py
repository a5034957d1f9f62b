"""Motion-data processing: filtering, differentiation, sagittal angles, repetitions.

Units are SI throughout (m, s, rad); the frame is sagittal with x anterior and y
superior (ISB, Wu et al. 2002).  Every function takes numpy arrays or pandas
Series/DataFrames and returns the same kind with the index preserved.

Modules
-------
filters
    :func:`lowpass` (zero-lag 4th-order Butterworth, Winter's cutoff correction) and
    :func:`residual_analysis` (Winter's residual method for the cutoff).
derivatives
    :func:`velocity`, :func:`acceleration` by central differences on any time grid.
angles
    Segment angles from vertical, knee/hip flexion, ankle dorsiflexion, trunk lean.
reps
    :func:`detect_reps` (start/bottom/end of each lunge or squat) and
    :func:`front_leg`.
"""

from lungelab.processing.angles import (
    ankle_dorsiflexion,
    detect_facing,
    hip_flexion,
    knee_flexion,
    sagittal_angles,
    segment_angle,
    trunk_lean,
)
from lungelab.processing.derivatives import acceleration, derivative, velocity
from lungelab.processing.filters import (
    DEFAULT_CUTOFF_HZ,
    ResidualAnalysis,
    cutoff_correction,
    double_pass_response,
    lowpass,
    residual_analysis,
)
from lungelab.processing.reps import REP_COLUMNS, detect_reps, front_leg

__all__ = [
    "DEFAULT_CUTOFF_HZ",
    "REP_COLUMNS",
    "ResidualAnalysis",
    "acceleration",
    "ankle_dorsiflexion",
    "cutoff_correction",
    "derivative",
    "detect_facing",
    "detect_reps",
    "double_pass_response",
    "front_leg",
    "hip_flexion",
    "knee_flexion",
    "lowpass",
    "residual_analysis",
    "sagittal_angles",
    "segment_angle",
    "trunk_lean",
    "velocity",
]
