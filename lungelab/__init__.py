"""lungelab: mechanics of the backward lunge, in numbers people can see.

The package is layered like the physics: :mod:`~lungelab.body` (anthropometrics) →
:mod:`~lungelab.posture` (geometry) → :mod:`~lungelab.loads` (statics) →
:mod:`~lungelab.knee` (patellofemoral chain), compiled once by
:mod:`~lungelab.compiled` and driven from :mod:`~lungelab.model`.
"""

from .body import ExternalLoad, Subject
from .errors import (
    DataFileError,
    InfeasiblePostureError,
    InputRangeError,
    LungelabError,
    MissingChannelError,
    NotBalancedError,
)
from .model import LungeModel, LungeResult
from .posture import LungePosture

__version__ = "0.1.0"

__all__ = [
    "Subject", "ExternalLoad", "LungePosture", "LungeModel", "LungeResult",
    "LungelabError", "InputRangeError", "InfeasiblePostureError", "NotBalancedError",
    "DataFileError", "MissingChannelError", "__version__",
]
