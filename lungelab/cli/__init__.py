"""Command-line interface: ``lungelab pose | analyze | report``.

Each sub-command lives in its own module with ``add_parser(subparsers)`` and
``run(args) -> int``; this module only wires them together.  User mistakes exit with
status 2 and one line on stderr naming the option and its valid range.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import LungelabError
from ..safefile import terminate_as_interrupt

__all__ = ["main", "build_parser"]

SUBCOMMANDS = ("pose", "analyze", "report")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``lungelab: error: ...``) and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (sub-commands whose module exists)."""
    parser = _Parser(prog="lungelab", description="Mechanics of the backward lunge.")
    from .. import __version__

    parser.add_argument("--version", action="version", version=f"lungelab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMANDS:
        try:
            mod = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        mod.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``lungelab`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with terminate_as_interrupt():
            return int(args.run(args) or 0)
    except LungelabError as exc:
        print(f"lungelab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader of standard output went away (``lungelab analyze ... | head``):
        # stop quietly, as the Python documentation recommends (signal module notes)
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt as exc:
        why = str(exc) or "interrupted"
        print(f"lungelab {args.command}: {why}; stopped before finishing, files being "
              "written were left unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
