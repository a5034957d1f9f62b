"""Writing files without ever losing one: atomic replacement, interrupts, outputs that
would overwrite an input.

* :func:`atomic_write` / :func:`write_text` write into a *new, uniquely named*
  temporary file in the target directory (:func:`tempfile.mkstemp`, created with
  ``O_CREAT | O_EXCL``, so a symbolic link planted under any name is never
  followed) and move it over the target with :func:`os.replace` only once the
  content is complete.  The old file survives any failure intact; the temporary
  file is removed on every error, including :class:`KeyboardInterrupt`.
* :func:`terminate_as_interrupt` turns ``SIGTERM``/``SIGHUP`` into
  :class:`Interrupted` (a :class:`KeyboardInterrupt`) for the duration of a command,
  so a killed run also cleans up its temporary file.  Only ``SIGKILL`` (or a power
  cut) can leave a hidden ``.<name>.<random>.tmp`` file next to the target -- the
  target itself is still either the old or the new complete file.
* A target that is a symbolic link is replaced by the new file (the link is never
  written through); a named pipe, device or socket as target is refused.
* :func:`same_file` / :func:`refuse_output_onto_inputs` stop an output path that
  names an input (directly, through a symbolic or hard link) before anything runs.

The helpers raise :class:`~lungelab.errors.DataFileError` naming the path.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import DataFileError

__all__ = [
    "Interrupted",
    "atomic_write",
    "check_output_path",
    "refuse_output_onto_inputs",
    "same_file",
    "terminate_as_interrupt",
    "write_text",
]


class Interrupted(KeyboardInterrupt):
    """The process received SIGTERM or SIGHUP (see :func:`terminate_as_interrupt`)."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path that cannot be written before any work is done: a missing
    or unwritable directory, a directory, a named pipe, device or socket.

    Returns
    -------
    Path
        The path (its ``parent`` is the existing directory).

    Raises
    ------
    DataFileError
        Naming the path and the reason.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise DataFileError(target, "cannot write: the directory does not exist "
                            f"({str(directory)!r}); create it first")
    if target.is_dir():
        raise DataFileError(target, "cannot write: the path is a directory")
    try:
        mode_now = os.lstat(target).st_mode
    except OSError:
        mode_now = None
    if mode_now is not None and not (stat.S_ISREG(mode_now) or stat.S_ISLNK(mode_now)):
        raise DataFileError(target, "cannot write: the path is a named pipe, device or "
                            "socket, not a regular file; refusing to replace it")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise DataFileError(target, f"cannot write: no permission to create files in "
                            f"{str(directory)!r}")
    return target


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], None], *,
                 suffix: str = ".tmp") -> Path:
    """Write a file through a unique temporary file in the same directory, then rename it.

    ``write(tmp_path)`` must create the content of ``tmp_path`` (an empty file that
    already exists).  The target is replaced only if ``write`` returns, so a failure
    or an interrupt never leaves a half-written target; the temporary file is removed.

    Raises
    ------
    DataFileError
        If the directory does not exist, the target is a directory, or the file
        cannot be written (no permission, disk full, ...).
    """
    target = check_output_path(path)
    directory = target.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=suffix)
        os.close(fd)
    except OSError as exc:
        raise DataFileError(target, f"cannot write: {exc.strerror or exc}") from exc
    try:
        write(tmp)
        mode = 0o666 & ~_umask()
        with contextlib.suppress(OSError):
            mode = os.stat(target).st_mode & 0o7777
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise DataFileError(target, f"cannot write ({exc.strerror or exc}); the old file, "
                            "if any, is unchanged") from exc
    except BaseException:
        _remove(tmp)
        raise
    return target


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Atomically write UTF-8 text with ``\\n`` line ends (see :func:`atomic_write`)."""
    def _write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    return atomic_write(path, _write)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name the same existing file (links resolved); False if either
    does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_output_onto_inputs(out: str | os.PathLike[str],
                              inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`DataFileError` if ``out`` is (or links to) one of ``inputs``.

    Paths are compared both as files (:func:`os.path.samefile`, which catches
    symbolic and hard links) and as resolved names (an input that does not exist
    yet is still protected).
    """
    out_resolved = _resolved(out)
    for item in inputs:
        if same_file(out, item) or _resolved(item) == out_resolved:
            raise DataFileError(out, f"refusing to write the output onto the input file "
                                f"{str(item)!r}: choose another --out path")


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM and SIGHUP raise :class:`Interrupted` so that writers
    clean up; the previous handlers are restored afterwards.  A no-op outside the main
    thread (signal handlers can only be set there)."""
    previous: dict[int, object] = {}

    def handler(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            previous[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread
            break
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)  # type: ignore[arg-type]


def _resolved(path: str | os.PathLike[str]) -> str:
    """Absolute path with links resolved where possible (a link loop stays as given)."""
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):          # RuntimeError: symlink loop (Python < 3.13)
        return os.path.abspath(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(tmp)
