"""Error types raised by lungelab.

Every error a user can provoke (bad numbers, bad files, postures that cannot be
built or cannot balance) is one of these, with a message that names the
parameter or file, the place and the expected range.  Catch
:class:`LungelabError` to handle all of them.
"""

from __future__ import annotations

__all__ = [
    "LungelabError",
    "InputRangeError",
    "InfeasiblePostureError",
    "NotBalancedError",
    "DataFileError",
    "MissingChannelError",
]


class LungelabError(Exception):
    """Base class of every error lungelab raises on purpose."""


class InputRangeError(LungelabError, ValueError):
    """A parameter is missing, of the wrong type, NaN or outside its valid range.

    The message names the parameter, the value received and the valid range.
    """

    def __init__(self, name: str, value: object, valid: str, hint: str = "") -> None:
        self.name = name
        self.value = value
        self.valid = valid
        msg = f"{name}={value!r} is invalid: expected {valid}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class InfeasiblePostureError(LungelabError, ValueError):
    """The segment chain cannot be closed (e.g. the rear foot cannot reach the floor)."""


class NotBalancedError(LungelabError):
    """The posture needs a negative (pulling) ground reaction to be in equilibrium."""


class DataFileError(LungelabError, ValueError):
    """A data file is malformed, truncated or inconsistent.

    The message names the file and, where known, the line or field.
    """

    def __init__(self, path: object, problem: str, line: int | None = None,
                 field: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.field = field
        where = self.path
        if line is not None:
            where += f", line {line}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")


class MissingChannelError(DataFileError):
    """A required marker, force channel or column is absent from a data file."""
